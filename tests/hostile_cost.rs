//! A tree built to make collection grind — a glob through symlinked directories,
//! a crowded /etc/cron.d, tens of thousands of accounts, hard links to one big
//! file, a log of millions of lines — ends the scan with a verdict, and where the
//! scan's budget runs out, with the budget named in the host's error. How fast
//! each case runs at full size is measured by `benches/hostile.sh` (BENCHMARKS.md);
//! these tests only guard against the catastrophic, at smaller sizes.

mod common;

use common::scan_root;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use vouch::checklist::{bundled, load_catalog};
use vouch::engine::{scan_host, Options};
use vouch::model::Target;
use vouch::probe::Budget;
use vouch::results::HostResult;
use vouch::transport::fs::FsTransport;

fn write(root: &Path, path: &str, text: &str) {
    let file = root.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(file.parent().expect("a parent")).expect("mkdir");
    std::fs::write(file, text).expect("write");
}

/// The whole bundled catalog on `root`, within `budget`, as `vouch scan --root` runs it.
fn scan_within(root: &Path, budget: Budget) -> HostResult {
    let (catalog, _) = load_catalog(&bundled::texts()).expect("the bundled catalog loads");
    let target = Target {
        name: "local".into(),
        root: Some(root.display().to_string()),
        ..Target::default()
    };
    let options = Options {
        budget,
        ..Options::default()
    };
    let cancel = Arc::new(AtomicBool::new(false));
    scan_host(&catalog, &target, &FsTransport::rooted(root), &options, &cancel)
}

#[test]
fn a_glob_through_symlinked_directories_stops_at_its_bound_and_says_so() {
    let host = tempfile::tempdir().expect("temp dir");
    let l = host.path().join("l");
    std::fs::create_dir_all(&l).expect("mkdir");
    for name in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"] {
        symlink(".", l.join(name)).expect("symlink");
    }
    write(
        host.path(),
        "/etc/ssh/sshd_config",
        "Include /l/*/*/*/*/*/x\nPasswordAuthentication no\n",
    );

    let scan = scan_root(host.path(), &["--fail-on", "never"]);

    assert_eq!(scan.code, 0, "{}", scan.stderr);
    assert_eq!(scan.status("ssh.password-auth"), "error");
    assert!(
        scan.summary("ssh.password-auth")
            .contains("matches more than 10000 paths"),
        "{}",
        scan.summary("ssh.password-auth")
    );
}

#[test]
fn a_crowded_cron_d_is_read_up_to_the_glob_bound_and_the_scan_ends() {
    let host = tempfile::tempdir().expect("temp dir");
    let cron_d = host.path().join("etc/cron.d");
    std::fs::create_dir_all(&cron_d).expect("mkdir");
    for n in 0..10_500 {
        std::fs::write(
            cron_d.join(format!("job{n:05}")),
            "0 3 * * * root /usr/bin/restic backup /srv\n",
        )
        .expect("write");
    }

    let scan = scan_root(host.path(), &["--fail-on", "never"]);

    assert_eq!(scan.code, 0, "{}", scan.stderr);
    assert!(
        scan.summary("backup.schedule").starts_with("backup jobs found"),
        "{}",
        scan.summary("backup.schedule")
    );
}

#[test]
fn thousands_of_accounts_with_keys_spend_the_path_budget_and_the_scan_says_so() {
    let host = tempfile::tempdir().expect("temp dir");
    let mut passwd = String::from("root:x:0:0:root:/root:/bin/bash\n");
    for n in 0..1_500 {
        passwd.push_str(&format!("u{n}:x:{}:{}::/home/u{n}:/bin/bash\n", 1000 + n, 1000 + n));
        write(
            host.path(),
            &format!("/home/u{n}/.ssh/authorized_keys"),
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl u@h\n",
        );
    }
    write(host.path(), "/etc/passwd", &passwd);

    let result = scan_within(
        host.path(),
        Budget {
            paths: 1_000,
            ..Budget::default()
        },
    );

    let error = result.error.as_deref().unwrap_or_default();
    assert!(error.starts_with("the scan's budget of 1000 paths"), "{error}");
    let keys = result
        .controls
        .iter()
        .find(|c| c.id == "ssh.authorized-keys")
        .expect("the control");
    assert_eq!(keys.status.to_string(), "error", "{}", keys.summary);
}

fn big_crontab() -> String {
    let line = "0 3 * * * root /usr/bin/restic backup /srv #padding\n";
    line.repeat(1024 * 1024 / line.len() + 1)
}

#[test]
fn hard_links_to_one_big_file_are_read_once() {
    let host = tempfile::tempdir().expect("temp dir");
    write(host.path(), "/etc/cron.d/a00", &big_crontab());
    for n in 1..64 {
        std::fs::hard_link(
            host.path().join("etc/cron.d/a00"),
            host.path().join(format!("etc/cron.d/a{n:02}")),
        )
        .expect("link");
    }

    // A budget far below 64 copies: read once, the file fits.
    let result = scan_within(
        host.path(),
        Budget {
            bytes: 8 * 1024 * 1024,
            ..Budget::default()
        },
    );

    assert_eq!(result.error, None, "the budget was not spent");
    let links: Vec<_> = result
        .evidence
        .iter()
        .filter(|e| e.source().starts_with("/etc/cron.d/a"))
        .collect();
    assert_eq!(links.len(), 64, "every name is evidence");
    assert!(
        links
            .iter()
            .all(|e| e.sha256().is_some() && e.sha256() == links[0].sha256()),
        "all cite the one file's content"
    );
}

#[test]
fn distinct_big_files_spend_the_byte_budget_before_being_read() {
    let host = tempfile::tempdir().expect("temp dir");
    for n in 0..64 {
        write(
            host.path(),
            &format!("/etc/cron.d/a{n:02}"),
            &format!("# {n}\n{}", big_crontab()),
        );
    }

    let result = scan_within(
        host.path(),
        Budget {
            bytes: 8 * 1024 * 1024,
            ..Budget::default()
        },
    );

    let error = result.error.as_deref().unwrap_or_default();
    assert!(error.starts_with("the scan's budget of 8.0 MiB"), "{error}");
    let kept: u64 = result.evidence.iter().filter_map(|e| e.bytes()).sum();
    assert!(kept <= 8 * 1024 * 1024, "no more is kept than the budget: {kept}");
}

#[test]
fn a_pattern_matching_every_line_of_a_huge_log_reports_a_count_not_a_million_findings() {
    let host = tempfile::tempdir().expect("temp dir");
    write(host.path(), "/var/log/app.log", &"\n".repeat(1_000_000));
    let checklist = host.path().join("lines.toml");
    std::fs::write(
        &checklist,
        r#"
[checklist]
id = "acme.lines"
title = "Lines"
version = "1"

[probes.log]
kind = "files"
paths = ["/var/log/app.log"]
description = "the log"

[[sections]]
id = "acme"
title = "ACME"

[[sections.controls]]
id = "acme.lines"
title = "Every line"
mode = "auto"
severity = "low"
rationale = "r"
remediation = "r"
probes = ["log"]
evaluator = "file.matches"
params = { path = "/var/log/app.log", pattern = "^" }
"#,
    )
    .expect("write");

    let scan = scan_root(
        host.path(),
        &["--checklists", &checklist.display().to_string(), "--fail-on", "never"],
    );

    assert_eq!(scan.code, 0, "{}", scan.stderr);
    let findings = scan.findings("acme.lines");
    assert_eq!(findings.len(), 201);
    assert_eq!(
        findings.last().map(String::as_str),
        Some("-: 999800 more findings not shown (1000000 in all)")
    );
}

#[test]
fn a_caddyfile_of_blocks_nested_a_hundred_thousand_deep_is_refused_with_a_reason() {
    let host = tempfile::tempdir().expect("temp dir");
    // Under the 1 MiB cap: 100,000 blocks, each inside the one before.
    let text = format!(
        "example.com {{\n{}{}}}\n",
        "a {\n".repeat(100_000),
        "}\n".repeat(100_000)
    );
    write(host.path(), "/etc/caddy/Caddyfile", &text);
    let scan = scan_root(host.path(), &["--only", "tls", "--fail-on", "never"]);
    assert_eq!(scan.code, 0, "{}", scan.stderr);
    let summary = scan.summary("tls.hsts");
    assert_eq!(scan.status("tls.hsts"), "needs_review", "{summary}");
    assert!(
        summary.contains("Caddyfile is unknown: blocks nest more than 64 deep"),
        "{summary}"
    );
}

#[test]
fn tens_of_thousands_of_headers_and_locations_share_what_they_inherit() {
    let host = tempfile::tempdir().expect("temp dir");
    let mut text = String::from("http {\n");
    text.push_str(&"add_header X-A a;\n".repeat(20_000));
    text.push_str("server {\nlisten 443 ssl;\nssl_certificate /c.pem;\n");
    for n in 0..20_000 {
        text.push_str(&format!("location /{n} {{}}\n"));
    }
    text.push_str("}\n}\n");
    write(host.path(), "/etc/nginx/nginx.conf", &text);
    let scan = scan_root(host.path(), &["--only", "tls", "--fail-on", "never"]);
    assert_eq!(scan.code, 0, "{}", scan.stderr);
    assert_eq!(scan.status("tls.hsts"), "warn", "{}", scan.summary("tls.hsts"));
}

#[test]
fn nginx_includes_that_multiply_end_with_a_reason() {
    let host = tempfile::tempdir().expect("temp dir");
    let fan = |next: &str| format!("include /etc/nginx/{next};\n").repeat(40);
    write(
        host.path(),
        "/etc/nginx/nginx.conf",
        &format!("http {{\n{}}}\n", fan("a.conf")),
    );
    write(host.path(), "/etc/nginx/a.conf", &fan("b.conf"));
    write(host.path(), "/etc/nginx/b.conf", &fan("c.conf"));
    write(host.path(), "/etc/nginx/c.conf", &"server { listen 80; }\n".repeat(20));
    let scan = scan_root(host.path(), &["--only", "tls", "--fail-on", "never"]);
    assert_eq!(scan.code, 0, "{}", scan.stderr);
    assert_eq!(scan.status("tls.https-redirect"), "needs_review");
    assert!(
        scan.summary("tls.https-redirect")
            .contains("expands past 500000 directives"),
        "{}",
        scan.summary("tls.https-redirect")
    );
}
