//! The web evaluators on small nginx configurations, one rule's corner each: what
//! nginx does with a request decides, as the live judge (tests/differential_tls.rs)
//! shows on the fixture trees.

use crate::eval::{evaluator, EvalContext};
use crate::evidence::{FileState, Snapshot};
use crate::model::{Params, Status};
use chrono::{TimeZone, Utc};

/// A host with nginx serving `site` (and no Caddy).
fn host(site: &str) -> Snapshot {
    Snapshot::new()
        .with_file(
            "/etc/nginx/nginx.conf",
            "http {\n    include /etc/nginx/sites-enabled/*;\n}\n",
        )
        .with_file("/etc/nginx/sites-enabled/site", site)
        .with_state("/etc/caddy/Caddyfile", FileState::Missing)
}

/// Control `id` decided on `snapshot` at the tests' as-of.
fn run(id: &str, snapshot: &Snapshot) -> crate::model::Outcome {
    let params = Params::default();
    let as_of = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
    (evaluator(id).expect("registered").run)(&EvalContext::new(snapshot, as_of, &params))
}

fn decide(id: &str, site: &str) -> (Status, String) {
    let outcome = run(id, &host(site));
    (outcome.status, outcome.summary)
}

#[test]
fn a_refusing_location_slash_does_not_hide_an_api_served_in_clear() {
    let site = "server {\n listen 80;\n location / { return 404; }\n location /api/ { proxy_pass http://127.0.0.1:8000; }\n}\n";
    let (status, summary) = decide("tls.https-redirect", site);
    assert_eq!(status, Status::Fail, "{summary}");
    assert!(summary.contains("(/etc/nginx/sites-enabled/site:4)"), "{summary}");
}

#[test]
fn denied_and_redirecting_locations_serve_nothing() {
    let site = "server {\n listen 80;\n location / { return 301 https://$host$request_uri; }\n location ~ /\\.ht { deny all; }\n location /old { rewrite ^ https://example.com/new last; }\n}\n";
    let (status, summary) = decide("tls.https-redirect", site);
    assert_eq!(status, Status::Pass, "{summary}");
}

#[test]
fn a_303_or_a_partial_rewrite_is_no_redirect_of_the_site() {
    let see_other = "server {\n listen 80;\n return 303 https://$host$request_uri;\n}\n";
    assert_eq!(decide("tls.https-redirect", see_other).0, Status::Fail);
    let partial = "server {\n listen 80;\n rewrite ^/login$ https://$host/login permanent;\n root /var/www;\n}\n";
    assert_eq!(decide("tls.https-redirect", partial).0, Status::Fail);
}

#[test]
fn protocol_names_are_matched_as_nginx_matches_them() {
    let site = "server {\n listen 443 ssl;\n ssl_certificate /x.pem;\n ssl_protocols tlsv1 TLSv1.2;\n}\n";
    assert_eq!(decide("tls.protocols", site).0, Status::Fail);
}

#[test]
fn debian_s_cron_job_steps_aside_on_a_systemd_host_whose_timer_is_masked() {
    let site = "server {\n listen 443 ssl;\n ssl_certificate /etc/letsencrypt/live/a/fullchain.pem;\n}\n";
    let cron = "SHELL=/bin/sh\n0 */12 * * * root test -x /usr/bin/certbot -a \\! -d /run/systemd/system && perl -e 'sleep int(rand(43200))' && certbot -q renew\n";
    let snapshot = Snapshot::new()
        .with_file(
            "/etc/nginx/nginx.conf",
            "http {\n    include /etc/nginx/sites-enabled/*;\n}\n",
        )
        .with_file("/etc/nginx/sites-enabled/site", site)
        .with_state("/etc/caddy/Caddyfile", FileState::Missing)
        .with_state(
            "/etc/letsencrypt/live/a/fullchain.pem",
            FileState::Unreadable("permission denied".into()),
        )
        .with_file("/etc/cron.d/certbot", cron)
        .with_file(
            "/etc/systemd/system/timers.target.wants/certbot.timer",
            "[Timer]\nOnCalendar=daily\n",
        )
        .with_file("/etc/systemd/system/certbot.timer", "");
    let outcome = run("tls.renewal", &snapshot);
    assert_eq!(outcome.status, Status::Fail, "{}", outcome.summary);
    let said: Vec<&str> = outcome.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(said.iter().any(|m| m.contains("certbot.timer is masked")), "{said:?}");
    assert!(
        said.iter().any(|m| m.contains("runs only where systemd does not")),
        "{said:?}"
    );
}

#[test]
fn an_app_server_listening_on_every_interface_now_is_named_from_ss() {
    let site = "server {\n listen 80;\n location / { proxy_pass http://127.0.0.1:8000; }\n}\n";
    let ss = "LISTEN 0 2048 0.0.0.0:8000 0.0.0.0:* users:((\"gunicorn\",pid=812,fd=5),(\"gunicorn\",pid=811,fd=5))\nLISTEN 0 511 0.0.0.0:80 0.0.0.0:* users:((\"nginx\",pid=700,fd=6))\n";
    let snapshot = Snapshot::new()
        .with_file(
            "/etc/nginx/nginx.conf",
            "http {\n    include /etc/nginx/sites-enabled/*;\n}\n",
        )
        .with_file("/etc/nginx/sites-enabled/site", site)
        .with_state("/etc/caddy/Caddyfile", FileState::Missing)
        .with_command(
            &["ss", "-tlnpH"],
            crate::evidence::CommandState::Ran {
                stdout: ss.into(),
                stderr: "".into(),
                exit_code: Some(0),
            },
        );
    let params = Params::default();
    let as_of = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
    let outcome =
        (evaluator("tls.backend-loopback").expect("registered").run)(&EvalContext::new(&snapshot, as_of, &params));
    assert_eq!(outcome.status, Status::Warn, "{}", outcome.summary);
    assert_eq!(
        outcome.summary,
        "gunicorn is listening on 0.0.0.0:8000 now: reachable without the proxy (ss -tlnpH:1)"
    );
}

#[test]
fn a_chain_out_of_order_or_a_leaf_alone_is_told_in_the_evidence() {
    let fullchain = include_str!("../../../tests/fixtures/web/certs/shop.example.com.crt");
    let end = "-----END CERTIFICATE-----\n";
    let cut = fullchain.find(end).expect("two certificates") + end.len();
    let (leaf, chain) = fullchain.split_at(cut);
    let site = "server {\n listen 443 ssl;\n server_name shop.example.com;\n ssl_certificate /etc/ssl/shop.pem;\n}\n";
    let judge = |pem: &str| {
        let snapshot = Snapshot::new()
            .with_file(
                "/etc/nginx/nginx.conf",
                "http {\n    include /etc/nginx/sites-enabled/*;\n}\n",
            )
            .with_file("/etc/nginx/sites-enabled/site", site)
            .with_state("/etc/caddy/Caddyfile", FileState::Missing)
            .with_file("/etc/ssl/shop.pem", pem);
        run("tls.certificate", &snapshot)
    };
    let said = |o: &crate::model::Outcome, text: &str| o.findings.iter().any(|f| f.message.contains(text));
    let reversed = judge(&format!("{chain}{leaf}"));
    assert!(said(&reversed, "the chain is out of order"), "{:?}", reversed.findings);
    let alone = judge(leaf);
    assert!(said(&alone, "holds the leaf alone"), "{:?}", alone.findings);
    let right = judge(fullchain);
    assert!(!said(&right, "out of order") && !said(&right, "leaf alone"));
    assert_eq!(right.status, Status::Pass, "{}", right.summary);
}

#[test]
fn a_proxy_inside_an_if_block_is_a_proxy_too() {
    let site = "server {\n listen 80;\n location / {\n  return 301 https://$host$request_uri;\n }\n location /hook {\n  if ($request_method = POST) { proxy_pass http://198.51.100.4:9000; }\n }\n}\n";
    let snapshot = Snapshot::new()
        .with_file(
            "/etc/nginx/nginx.conf",
            "http {\n    include /etc/nginx/sites-enabled/*;\n}\n",
        )
        .with_file("/etc/nginx/sites-enabled/site", site)
        .with_state("/etc/caddy/Caddyfile", FileState::Missing);
    let backend = run("tls.backend-loopback", &snapshot);
    assert_eq!(backend.status, Status::Warn, "{}", backend.summary);
    assert!(backend.summary.contains("198.51.100.4:9000"), "{}", backend.summary);
    let redirect = run("tls.https-redirect", &snapshot);
    assert_eq!(
        redirect.status,
        Status::Fail,
        "/hook proxies in clear: {}",
        redirect.summary
    );
}
