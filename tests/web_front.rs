//! The web front as an auditor meets it: `vouch scan --root` on droplet trees with
//! nginx (Debian 12's stock files plus sites), Let's Encrypt certificates and the
//! app's systemd unit, judged at the tests' as-of (2026-11-22). Each story names
//! the file and line that decided it.

mod common;

use common::{fixture, scan_root, Scan};
use std::path::Path;

fn web(name: &str) -> Scan {
    scan_root(Path::new(&fixture(&format!("web/{name}"))), &["--only", "tls"])
}

fn has(findings: &[String], wanted: &str) -> bool {
    findings.iter().any(|f| f.contains(wanted))
}

#[test]
fn a_certbot_managed_droplet_passes_but_for_the_hsts_a_static_location_drops() {
    let scan = web("certbot");
    // Port 80 is certbot's: each name redirected, everything else 404.
    assert_eq!(
        scan.status("tls.https-redirect"),
        "pass",
        "{}",
        scan.summary("tls.https-redirect")
    );
    assert!(has(
        &scan.findings("tls.https-redirect"),
        "/etc/nginx/sites-enabled/shop:41: server shop.example.com www.shop.example.com: certbot's layout"
    ));
    // Debian's stock http-level `ssl_protocols TLSv1 TLSv1.1 ...` is overridden by
    // certbot's options file, included in the server.
    assert_eq!(scan.status("tls.protocols"), "pass");
    assert!(has(
        &scan.findings("tls.protocols"),
        "/etc/letsencrypt/options-ssl-nginx.conf:11:"
    ));
    assert_eq!(scan.status("tls.ciphers"), "pass", "{}", scan.summary("tls.ciphers"));
    assert!(has(
        &scan.findings("tls.ciphers"),
        "8 suites, all ECDHE/DHE with AEAD, by ssl_ciphers at /etc/letsencrypt/options-ssl-nginx.conf:14"
    ));
    // The live/ link is followed to archive/; the certificate's facts are evidence.
    assert_eq!(scan.status("tls.certificate"), "pass");
    let certificate = scan.findings("tls.certificate");
    assert!(has(&certificate, "/etc/letsencrypt/live/shop.example.com/fullchain.pem: leaf: subject CN=shop.example.com; SANs shop.example.com, www.shop.example.com; issuer C=US, O=Let's Encrypt, CN=R11; valid 2026-10-01 00:00:00Z to 2026-12-30 00:00:00Z; SHA-256 "));
    assert!(has(&certificate, "chain: subject C=US, O=Let's Encrypt, CN=R11"));
    assert!(has(&certificate, "valid until 2026-12-30 (37 days)"));
    assert_eq!(scan.status("tls.renewal"), "pass");
    assert!(scan.summary("tls.renewal").contains("certbot.timer enabled"));
    // HSTS is set once at the http level; `location /static/` adds Cache-Control
    // and so, by nginx's rule, sends no HSTS.
    assert_eq!(scan.status("tls.hsts"), "warn");
    let hsts = scan.findings("tls.hsts");
    assert!(has(&hsts, "/etc/nginx/conf.d/security-headers.conf:2: server shop.example.com www.shop.example.com: HSTS max-age=63072000 (730 days)"));
    assert!(has(&hsts, "/etc/nginx/sites-enabled/shop:15: server shop.example.com www.shop.example.com, location /static/: no Strict-Transport-Security header (its own add_header at /etc/nginx/sites-enabled/shop:17 drops any inherited one)"), "{hsts:#?}");
    // gunicorn on a unix socket, reached through the upstream block.
    assert_eq!(scan.status("tls.backend-loopback"), "pass");
    let backend = scan.findings("tls.backend-loopback");
    assert!(has(&backend, "/etc/nginx/sites-enabled/shop:2: server shop.example.com www.shop.example.com, location /: proxy_pass http://shop_app reaches unix:/run/shop/gunicorn.sock"));
    assert!(has(
        &backend,
        "/etc/systemd/system/shop.service:10: gunicorn listens on unix:/run/shop/gunicorn.sock"
    ));
}

#[test]
fn a_hand_made_legacy_setup_fails_where_each_mistake_is_written() {
    let scan = web("legacy");
    // The API serves its proxy on port 80; Debian's default site serves its welcome
    // page. The admin's `rewrite ^ https://... permanent` and www's redirect in
    // `location /` (the ACME challenge aside) are fine.
    assert_eq!(scan.status("tls.https-redirect"), "fail");
    let summary = scan.summary("tls.https-redirect");
    assert!(
        summary.contains("server api.example.com (/etc/nginx/sites-enabled/api.conf:6)"),
        "{summary}"
    );
    assert!(
        summary.contains("server _ (/etc/nginx/sites-enabled/default:51)"),
        "{summary}"
    );
    let redirect = scan.findings("tls.https-redirect");
    assert!(has(&redirect, "/etc/nginx/sites-enabled/admin.conf:4: server admin.example.com admin2.example.com: redirects to HTTPS (rewrite ^ https://$host$request_uri permanent)"));
    assert!(has(&redirect, "/etc/nginx/sites-enabled/admin.conf:11: server www.example.com: redirects to HTTPS (return 301 https://example.com$request_uri)"));
    assert!(has(
        &redirect,
        "/etc/nginx/sites-enabled/blog.conf:12: server blog.example.com: redirects to HTTPS (if"
    ));
    // The API's server sets no ssl_protocols: Debian's stock line applies.
    assert_eq!(scan.status("tls.protocols"), "fail");
    assert_eq!(
        scan.summary("tls.protocols"),
        "TLS 1.0/1.1 or SSL enabled: server api.example.com (/etc/nginx/nginx.conf:33)"
    );
    // The admin's cipher string from an old tutorial lets anonymous ECDH in; the
    // API's nginx default lets CBC suites (and RSA key exchange) in.
    assert_eq!(scan.status("tls.ciphers"), "fail");
    assert!(scan.summary("tls.ciphers").starts_with("server admin.example.com admin2.example.com: allows AECDH-AES256-SHA (no authentication (anonymous); Kx=ECDH Au=None Enc=AES(256) Mac=SHA1)"));
    assert!(has(&scan.findings("tls.ciphers"), "/etc/nginx/sites-enabled/api.conf:10: server api.example.com: allows ECDHE-ECDSA-AES256-SHA384 (CBC, not AEAD; Kx=ECDH Au=ECDSA Enc=AES(256) Mac=SHA384) of 125 suites, by nginx default HIGH:!aNULL:!MD5"), "{:#?}", scan.findings("tls.ciphers"));
    // Expired, expiring within 14 days, and a name the certificate does not cover.
    assert_eq!(scan.status("tls.certificate"), "fail");
    let certificate = scan.findings("tls.certificate");
    assert!(has(&certificate, "/etc/nginx/sites-enabled/api.conf:13: server api.example.com: /etc/letsencrypt/live/api.example.com/fullchain.pem: expired on 2026-11-01"));
    assert!(has(&certificate, "/etc/nginx/sites-enabled/admin.conf:21: server admin.example.com admin2.example.com: /etc/letsencrypt/live/admin.example.com/fullchain.pem: expires on 2026-12-01 in 8 days (under 14)"));
    assert!(has(
        &certificate,
        "does not cover admin2.example.com (its names: admin.example.com)"
    ));
    // Let's Encrypt certificates, nothing renews them.
    assert_eq!(scan.status("tls.renewal"), "fail");
    assert_eq!(scan.status("tls.hsts"), "warn");
    let hsts = scan.findings("tls.hsts");
    assert!(has(
        &hsts,
        "/etc/nginx/sites-enabled/api.conf:15: server api.example.com: HSTS max-age=86400 (1 day) is under 180 days"
    ));
    assert!(has(&hsts, "/etc/nginx/sites-enabled/admin.conf:18: server admin.example.com admin2.example.com: no Strict-Transport-Security header"));
    // A proxy to a public address, and gunicorn on every interface.
    assert_eq!(scan.status("tls.backend-loopback"), "warn");
    let backend = scan.findings("tls.backend-loopback");
    assert!(has(&backend, "/etc/nginx/sites-enabled/api.conf:6: server api.example.com, location /: proxy_pass http://203.0.113.10:8000 reaches 203.0.113.10:8000, off this machine or on a public interface"));
    assert!(has(
        &backend,
        "/etc/systemd/system/api.service:7: gunicorn listens on 0.0.0.0:8000: reachable without the proxy"
    ));
    // sites-available/old is not enabled: nothing of it is judged.
    for id in ["tls.protocols", "tls.backend-loopback", "tls.https-redirect"] {
        assert!(
            !scan
                .findings(id)
                .iter()
                .any(|f| f.contains("old.example.com") || f.contains("198.51.100.7")),
            "{id}"
        );
    }
}

#[test]
fn nginx_with_no_tls_server_leaves_the_tls_controls_not_applicable_and_fails_the_redirect() {
    let scan = web("plain");
    assert_eq!(scan.status("tls.https-redirect"), "fail");
    for id in [
        "tls.protocols",
        "tls.ciphers",
        "tls.certificate",
        "tls.renewal",
        "tls.hsts",
    ] {
        assert_eq!(scan.status(id), "not_applicable", "{id}: {}", scan.summary(id));
    }
    assert_eq!(scan.status("tls.backend-loopback"), "needs_review");
}

#[test]
fn no_web_server_at_all_is_for_the_auditor_never_a_pass() {
    let scan = scan_root(Path::new(&fixture("weak")), &["--only", "tls"]);
    // TLS may end at a load balancer: nothing here to judge, nothing to pass.
    for id in [
        "tls.https-redirect",
        "tls.protocols",
        "tls.ciphers",
        "tls.certificate",
        "tls.renewal",
        "tls.hsts",
    ] {
        assert_eq!(scan.status(id), "needs_review", "{id}");
        assert!(
            scan.summary(id).starts_with("no web server configuration found"),
            "{id}: {}",
            scan.summary(id)
        );
    }
    assert_eq!(scan.status("tls.backend-loopback"), "needs_review");
}

#[test]
fn a_caddy_droplet_is_judged_from_its_caddyfile_and_the_certificates_caddy_keeps() {
    let scan = scan_root(Path::new(&fixture("caddy/site")), &["--only", "tls"]);
    // Automatic HTTPS redirects the HTTPS sites; an http:// site that proxies in
    // clear is named, one that only redirects is fine.
    assert_eq!(scan.status("tls.https-redirect"), "fail");
    assert_eq!(
        scan.summary("tls.https-redirect"),
        "Caddy serves content over plain HTTP: http://status.example.com (/etc/caddy/Caddyfile:32)"
    );
    assert!(has(
        &scan.findings("tls.https-redirect"),
        "/etc/caddy/Caddyfile:28: site http://old.example.com: http://old.example.com redirects to HTTPS"
    ));
    assert_eq!(scan.status("tls.protocols"), "pass");
    assert!(has(
        &scan.findings("tls.protocols"),
        "/etc/caddy/Caddyfile:16: site shop.example.com, www.shop.example.com: protocols tls1.2 tls1.3"
    ));
    assert_eq!(scan.status("tls.ciphers"), "pass");
    // The certificates Caddy obtained, in its data folder (a wildcard one covers the API).
    assert_eq!(
        scan.status("tls.certificate"),
        "pass",
        "{:#?}",
        scan.findings("tls.certificate")
    );
    assert!(has(
        &scan.findings("tls.certificate"),
        "Caddy's certificate for *.example.com"
    ));
    assert_eq!(scan.status("tls.renewal"), "pass");
    // HSTS from a snippet on the shop; a one-day max-age on the API.
    assert_eq!(scan.status("tls.hsts"), "warn");
    let hsts = scan.findings("tls.hsts");
    assert!(has(
        &hsts,
        "/etc/caddy/Caddyfile:7: site shop.example.com, www.shop.example.com: HSTS max-age=31536000"
    ));
    assert!(has(
        &hsts,
        "/etc/caddy/Caddyfile:21: site api.example.com: HSTS max-age=86400 is under 180 days"
    ));
    assert_eq!(scan.status("tls.backend-loopback"), "warn");
    let backend = scan.findings("tls.backend-loopback");
    assert!(has(&backend, "/etc/caddy/Caddyfile:14: site shop.example.com, www.shop.example.com: reverse_proxy unix//run/shop/gunicorn.sock"));
    assert!(has(&backend, "/etc/caddy/Caddyfile:25: site api.example.com: reverse_proxy 10.0.0.5:8000, off this machine or on a public interface"));
    // gunicorn takes its bind from gunicorn.conf.py in its WorkingDirectory; the
    // status page's uvicorn takes its host from the unit's EnvironmentFile.
    assert!(has(
        &backend,
        "/srv/shop/gunicorn.conf.py:3: gunicorn listens on unix:/run/shop/gunicorn.sock"
    ));
    assert!(has(
        &backend,
        "/etc/systemd/system/status.service:6: uvicorn listens on 0.0.0.0:9100: reachable without the proxy"
    ));
}

#[test]
fn a_caddyfile_caddy_refuses_is_for_the_auditor() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::differential::write_tree(
        dir.path(),
        &[("etc/caddy/Caddyfile", "example.com {\n\treverse_proxy localhost:8000\n")],
    );
    let scan = scan_root(dir.path(), &["--only", "tls"]);
    for id in [
        "tls.https-redirect",
        "tls.protocols",
        "tls.hsts",
        "tls.backend-loopback",
    ] {
        assert_eq!(scan.status(id), "needs_review", "{id}");
        assert!(
            scan.summary(id)
                .starts_with("Caddy refuses its Caddyfile: Unexpected EOF"),
            "{id}: {}",
            scan.summary(id)
        );
    }
}
