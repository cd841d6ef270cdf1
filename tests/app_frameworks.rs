//! FastAPI and Django apps (tests/fixtures/code/{fastapi,django}_{clean,flawed},
//! each with an EXPECTED.md written beside it) judged by every code control:
//! the careful ones pass all thirteen; the hurried ones get each status their
//! EXPECTED.md gives, with a finding at each mistake's `path:line` and none at
//! the near-misses it lists.

mod common;

use common::{fixture, scan_root, Scan};
use std::path::Path;

/// The thirteen controls decided from the app's code.
const CODE_CONTROLS: &[&str] = &[
    "secrets.hardcoded",
    "secrets.env-config",
    "appsec.sql-injection",
    "appsec.template-escaping",
    "appsec.debug-mode",
    "logging.configured",
    "logging.auth-events",
    "logging.no-sensitive-data",
    "config.separated",
    "auth.password-hashing",
    "data.db-tls",
    "data.input-validation",
    "monitoring.error-tracking",
];

fn scan(name: &str) -> Scan {
    scan_root(Path::new(&fixture(name)), &["--only", &CODE_CONTROLS.join(",")])
}

/// Each control's status and, for a fail or warn, the `path:line` of each finding.
type Expected = [(&'static str, &'static str, &'static [&'static str])];

fn assert_judged(scan: &Scan, expected: &Expected) {
    for (id, status, places) in expected {
        assert_eq!(
            scan.status(id),
            *status,
            "{id}: {}\n{:#?}",
            scan.summary(id),
            scan.findings(id)
        );
        if places.is_empty() {
            continue;
        }
        let found: Vec<String> = scan
            .findings(id)
            .iter()
            .map(|f| f.split(": ").next().unwrap_or("").to_string())
            .collect();
        assert_eq!(found, *places, "{id}");
    }
}

#[test]
fn a_careful_fastapi_service_and_a_careful_django_clinic_pass_every_code_control() {
    for (name, app) in [
        ("code/fastapi_clean", "/srv/notes"),
        ("code/django_clean", "/srv/clinic"),
    ] {
        let scan = scan(name);
        assert_eq!(scan.host()["app_dir"], app);
        for id in CODE_CONTROLS {
            assert_eq!(
                scan.status(id),
                "pass",
                "{name}: {id}: {}\n{:#?}",
                scan.summary(id),
                scan.findings(id)
            );
        }
    }
}

#[test]
fn a_hurried_fastapi_inventory_is_judged_line_by_line() {
    let scan = scan("code/fastapi_flawed");
    assert_judged(
        &scan,
        &[
            (
                "secrets.hardcoded",
                "fail",
                &[
                    "/srv/inventory/inventory/config.py:4",
                    "/srv/inventory/inventory/config.py:7",
                    "/srv/inventory/inventory/config.py:10",
                    "/srv/inventory/inventory/config.py:14",
                    "/srv/inventory/inventory/config.py:18",
                    "/srv/inventory/inventory/services.py:20",
                    "/srv/inventory/inventory/services.py:27",
                ],
            ),
            ("secrets.env-config", "needs_review", &[]),
            (
                "appsec.sql-injection",
                "fail",
                &[
                    "/srv/inventory/inventory/db.py:12",
                    "/srv/inventory/inventory/db.py:22",
                    "/srv/inventory/inventory/db.py:36",
                    "/srv/inventory/inventory/db.py:46",
                ],
            ),
            (
                "appsec.template-escaping",
                "fail",
                &[
                    "/srv/inventory/inventory/reports.py:10",
                    "/srv/inventory/templates/report.html:8",
                    "/srv/inventory/inventory/reports.py:16",
                    "/srv/inventory/templates/item.html:10",
                ],
            ),
            ("appsec.debug-mode", "fail", &["/srv/inventory/inventory/main.py:80"]),
            ("logging.configured", "warn", &["/srv/inventory/inventory/main.py:14"]),
            (
                "logging.auth-events",
                "fail",
                &[
                    "/srv/inventory/inventory/auth.py:32",
                    "/srv/inventory/inventory/auth.py:43",
                ],
            ),
            (
                "logging.no-sensitive-data",
                "fail",
                &[
                    "/srv/inventory/inventory/cli.py:17",
                    "/srv/inventory/inventory/services.py:33",
                    "/srv/inventory/inventory/services.py:42",
                ],
            ),
            ("config.separated", "needs_review", &[]),
            (
                "auth.password-hashing",
                "fail",
                &["/srv/inventory/inventory/auth.py:16"],
            ),
            ("data.db-tls", "needs_review", &[]),
            ("data.input-validation", "needs_review", &[]),
            (
                "monitoring.error-tracking",
                "warn",
                &["/srv/inventory/requirements.txt:12"],
            ),
        ],
    );
    // The near-misses EXPECTED.md lists: a format field after `token=`, the
    // word "bearer", a usage line naming PASSWORD, bound parameters.
    let secrets = scan.findings("secrets.hardcoded").join("\n");
    for quiet in ["services.py:42", "auth.py:48", "cli.py:30", "db.py:54", "db.py:60"] {
        assert!(!secrets.contains(quiet), "{quiet} is not a secret:\n{secrets}");
    }
}

#[test]
fn a_hurried_django_forum_is_judged_line_by_line() {
    let scan = scan("code/django_flawed");
    assert_judged(
        &scan,
        &[
            (
                "secrets.hardcoded",
                "fail",
                &[
                    "/srv/forum/forum/services.py:14",
                    "/srv/forum/forum/services.py:15",
                    "/srv/forum/forum/settings.py:10",
                    "/srv/forum/forum/settings.py:58",
                    "/srv/forum/forum/settings.py:76",
                    "/srv/forum/forum/settings.py:79",
                ],
            ),
            ("secrets.env-config", "needs_review", &[]),
            (
                "appsec.sql-injection",
                "fail",
                &[
                    "/srv/forum/forum/views.py:54",
                    "/srv/forum/forum/views.py:58",
                    "/srv/forum/forum/views.py:84",
                    "/srv/forum/forum/views.py:89",
                    "/srv/forum/forum/views.py:100",
                ],
            ),
            (
                "appsec.template-escaping",
                "fail",
                &[
                    "/srv/forum/forum/templates/forum/thread.html:10",
                    "/srv/forum/forum/views.py:62",
                    "/srv/forum/forum/templates/forum/thread.html:9",
                    "/srv/forum/forum/views.py:70",
                ],
            ),
            (
                "appsec.debug-mode",
                "fail",
                &["/etc/systemd/system/forum.service:9", "/srv/forum/forum/settings.py:12"],
            ),
            ("logging.configured", "fail", &[]),
            (
                "logging.auth-events",
                "fail",
                &["/srv/forum/forum/views.py:22", "/srv/forum/forum/views.py:33"],
            ),
            (
                "logging.no-sensitive-data",
                "fail",
                &[
                    "/srv/forum/forum/services.py:33",
                    "/srv/forum/forum/services.py:51",
                    "/srv/forum/forum/services.py:65",
                ],
            ),
            ("config.separated", "needs_review", &[]),
            (
                "auth.password-hashing",
                "fail",
                &[
                    "/srv/forum/forum/services.py:19",
                    "/srv/forum/forum/services.py:45",
                    "/srv/forum/forum/settings.py:16",
                ],
            ),
            ("data.db-tls", "needs_review", &[]),
            ("data.input-validation", "needs_review", &[]),
            ("monitoring.error-tracking", "warn", &[]),
        ],
    );
    // Its own check_password (sha256 underneath) is not Django's.
    let hashing = scan.findings("auth.password-hashing").join("\n");
    assert!(!hashing.contains("hashed slowly"), "{hashing}");
    assert!(scan
        .summary("logging.configured")
        .starts_with("no logging configuration"));
    assert!(scan
        .summary("monitoring.error-tracking")
        .starts_with("no error tracker"));
}
