//! The application's practices read from its code: how it is configured
//! (secrets from the environment, settings per environment), how it logs
//! (configured and rotated, sign-ins logged, no passwords in messages), how it
//! hashes passwords, connects to its database, validates input and reports
//! errors — `vouch scan --root` on the fixture apps of tests/fixtures/code, each
//! verdict with the file and line that decided it.

mod common;

use common::{fixture, fixture_copy, scan_root, Scan};
use std::path::Path;

const SECTIONS: &[&str] = &[
    "--only",
    "secrets.env-config,config.separated,logging.configured,logging.auth-events,logging.no-sensitive-data",
    "--only",
    "auth.password-hashing,data.db-tls,data.input-validation,monitoring.error-tracking",
];

fn scan(root: &Path) -> Scan {
    scan_root(root, SECTIONS)
}

fn assert_status(scan: &Scan, id: &str, want: &str) {
    assert_eq!(
        scan.status(id),
        want,
        "{id}: {}\n{:#?}",
        scan.summary(id),
        scan.findings(id)
    );
}

fn has(scan: &Scan, id: &str, wanted: &str) -> bool {
    scan.findings(id).iter().any(|f| f.contains(wanted))
}

#[test]
fn the_careful_bakery_shows_where_each_good_practice_is_written() {
    let scan = scan(Path::new(&fixture("code/flask_clean")));
    for id in [
        "secrets.env-config",
        "config.separated",
        "logging.configured",
        "logging.auth-events",
        "logging.no-sensitive-data",
        "auth.password-hashing",
        "data.db-tls",
        "data.input-validation",
        "monitoring.error-tracking",
    ] {
        assert_status(&scan, id, "pass");
    }
    assert!(has(&scan, "secrets.env-config", "/srv/bakery/bakery/config.py:7: settings come from the environment: `DATABASE_URL = os.environ[\"DATABASE_URL\"]`"));
    assert!(has(
        &scan,
        "config.separated",
        "/srv/bakery/bakery/config.py:16: class ProductionConfig"
    ));
    assert!(has(
        &scan,
        "config.separated",
        "/srv/bakery/.env.example: .env.example documents"
    ));
    assert!(has(
        &scan,
        "logging.configured",
        "/srv/bakery/bakery/__init__.py:29: logging is configured by dictConfig"
    ));
    assert!(has(
        &scan,
        "logging.auth-events",
        "/srv/bakery/bakery/auth.py:27: login (/login) logs: `log.warning(\"failed login for %s from %s\""
    ));
    assert!(has(
        &scan,
        "auth.password-hashing",
        "/srv/bakery/bakery/auth.py:17: passwords are hashed slowly: `bcrypt.hashpw"
    ));
    assert!(has(
        &scan,
        "data.db-tls",
        "/srv/bakery/.env.example:3: postgresql://bakery:@db.bakery.example:5432/bakery?sslmode=require asks for TLS"
    ));
    assert!(has(&scan, "data.db-tls", "/srv/bakery/bakery/db.py:7: `create_engine"));
    assert!(has(
        &scan,
        "data.input-validation",
        "/srv/bakery/bakery/forms.py:6: class LoginForm validates data (flask_wtf.FlaskForm)"
    ));
    assert!(has(
        &scan,
        "monitoring.error-tracking",
        "/srv/bakery/bakery/__init__.py:30: sentry-sdk is initialised"
    ));
    assert!(has(
        &scan,
        "monitoring.error-tracking",
        "/srv/bakery/requirements.txt:7: `sentry-sdk==2.5.1` requires sentry-sdk"
    ));
}

#[test]
fn the_hurried_blog_is_judged_on_its_logging_hashing_and_settings() {
    let scan = scan(Path::new(&fixture("code/flask_flawed")));
    // Hard-coded secrets: reading settings from the environment would not be enough.
    assert_status(&scan, "secrets.env-config", "needs_review");
    assert_status(&scan, "config.separated", "needs_review");
    assert_status(&scan, "logging.configured", "fail");
    assert_status(&scan, "logging.auth-events", "fail");
    assert!(has(
        &scan,
        "logging.auth-events",
        "/srv/blog/blog/app.py:40: login handles authentication and logs nothing"
    ));
    assert_status(&scan, "logging.no-sensitive-data", "fail");
    let leaks: Vec<String> = scan.findings("logging.no-sensitive-data");
    assert_eq!(leaks.len(), 3, "{leaks:#?}");
    for (line, name) in [(8, "password"), (9, "api_token"), (10, "api_token")] {
        assert!(
            leaks.iter().any(|f| f.starts_with(&format!(
                "/srv/blog/blog/audit.py:{line}: `{name}` goes into a log message"
            ))),
            "{line}: {leaks:#?}"
        );
    }
    assert_status(&scan, "auth.password-hashing", "fail");
    assert!(has(
        &scan,
        "auth.password-hashing",
        "/srv/blog/blog/app.py:41: md5 hashes `password`"
    ));
    assert_status(&scan, "data.db-tls", "needs_review");
    assert!(has(
        &scan,
        "data.db-tls",
        "/srv/blog/blog/app.py:11: `pymysql.connect(host=\"db.blog.example\""
    ));
    assert_status(&scan, "data.input-validation", "needs_review");
    assert_status(&scan, "monitoring.error-tracking", "warn");
    assert!(scan
        .summary("monitoring.error-tracking")
        .contains("never initialises it"));
}

#[test]
fn a_plain_log_file_warns_until_logrotate_covers_it() {
    let tree = fixture_copy("code/flask_clean");
    let init = tree.path().join("srv/bakery/bakery/__init__.py");
    let text = std::fs::read_to_string(&init).expect("read");
    let plain = text.replace(
        "    logging.config.dictConfig(LOGGING)\n",
        "    logging.basicConfig(filename=\"/var/log/bakery/app.log\", level=logging.INFO)\n",
    );
    let plain = plain.replace(
        "\"class\": \"logging.handlers.RotatingFileHandler\",",
        "\"class\": \"logging.FileHandler\",",
    );
    std::fs::write(&init, plain).expect("write");
    let scan_plain = scan(tree.path());
    assert_status(&scan_plain, "logging.configured", "warn");
    assert!(has(
        &scan_plain,
        "logging.configured",
        "/srv/bakery/bakery/__init__.py:29: basicConfig writes a plain file, never rotated"
    ));

    let rotate = tree.path().join("etc/logrotate.d");
    std::fs::create_dir_all(&rotate).expect("mkdir");
    std::fs::write(
        rotate.join("bakery"),
        "/var/log/bakery/*.log {\n  weekly\n  rotate 8\n  compress\n}\n",
    )
    .expect("write");
    let scan_rotated = scan(tree.path());
    assert_status(&scan_rotated, "logging.configured", "pass");
    assert!(has(
        &scan_rotated,
        "logging.configured",
        "logrotate rotates it (/etc/logrotate.d/bakery:1)"
    ));
}

#[test]
fn a_database_on_this_host_makes_tls_not_applicable() {
    let tree = fixture_copy("code/flask_clean");
    let app = tree.path().join("srv/bakery");
    std::fs::write(
        app.join(".env.example"),
        "DATABASE_URL=postgresql://bakery@localhost/bakery\n",
    )
    .expect("write");
    let db = app.join("bakery/db.py");
    let text = std::fs::read_to_string(&db).expect("read");
    std::fs::write(&db, text.replace(", connect_args={\"sslmode\": \"require\"}", "")).expect("write");
    let scan = scan(tree.path());
    assert_status(&scan, "data.db-tls", "not_applicable");
    assert!(has(
        &scan,
        "data.db-tls",
        "/srv/bakery/.env.example:1: postgresql://bakery@localhost/bakery is local"
    ));
}

#[test]
fn the_shapes_a_reviewer_tried_are_judged_by_what_they_do() {
    let tree = fixture_copy("code/flask_clean");
    std::fs::write(
        tree.path().join("srv/bakery/bakery/shapes.py"),
        "import hashlib\nimport logging\n\
         def store(password, salt):\n    return hashlib.sha512((salt + password).encode()).hexdigest()\n\
         def store2(form):\n    return hashlib.md5(form.get(\"password\").encode())\n\
         def issued(token):\n    logging.getLogger(__name__).info(f\"t={token}\")\n",
    )
    .expect("write");
    let scan = scan(tree.path());
    assert_status(&scan, "auth.password-hashing", "fail");
    for line in [4, 6] {
        assert!(
            has(
                &scan,
                "auth.password-hashing",
                &format!("/srv/bakery/bakery/shapes.py:{line}: ")
            ),
            "{line}"
        );
    }
    assert_status(&scan, "logging.no-sensitive-data", "fail");
    assert!(has(
        &scan,
        "logging.no-sensitive-data",
        "/srv/bakery/bakery/shapes.py:8: `token` goes into a log message"
    ));
}
