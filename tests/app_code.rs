//! The application's code as an auditor meets it: `vouch scan --root` on droplet
//! trees holding a Flask, FastAPI or Django app (tests/fixtures/code), read by a
//! real Python parser and judged on hard-coded secrets, SQL built from strings,
//! template escaping and debug mode. Each story names the file and line of each
//! mistake, and the near-misses a line-matching tool would flag and vouch must not.

mod common;

use common::{fixture, fixture_copy, scan_root, vouch, Scan, AS_OF};
use std::path::Path;

const SECTIONS: &[&str] = &["--only", "secrets.hardcoded", "--only", "appsec"];

fn scan(root: &Path) -> Scan {
    scan_root(root, SECTIONS)
}

/// The `path:line` of each finding of a control, in order.
fn places(scan: &Scan, id: &str) -> Vec<String> {
    scan.findings(id)
        .iter()
        .map(|f| f.split(": ").next().unwrap_or("").to_string())
        .collect()
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

#[test]
fn a_hurried_flask_blog_fails_each_code_control_at_the_line_of_each_mistake() {
    let scan = scan(Path::new(&fixture("code/flask_flawed")));
    assert_eq!(scan.host()["app_dir"], "/srv/blog");

    assert_status(&scan, "secrets.hardcoded", "fail");
    assert_eq!(
        places(&scan, "secrets.hardcoded"),
        [
            "/srv/blog/blog/app.py:11",
            "/srv/blog/blog/settings.py:2",
            "/srv/blog/blog/settings.py:3",
            "/srv/blog/blog/settings.py:4",
            "/srv/blog/blog/settings.py:5",
            "/srv/blog/blog/settings.py:6",
        ]
    );
    let secrets = scan.findings("secrets.hardcoded");
    // The line is quoted with the value replaced, never the value.
    assert!(secrets[1].contains("SECRET_KEY = \"[REDACTED:hmac="), "{secrets:#?}");
    assert!(secrets[5].contains("a comment holds a token"), "{secrets:#?}");

    assert_status(&scan, "appsec.sql-injection", "fail");
    let sql = scan.findings("appsec.sql-injection");
    assert_eq!(
        places(&scan, "appsec.sql-injection"),
        [
            "/srv/blog/blog/app.py:17",
            "/srv/blog/blog/app.py:23",
            "/srv/blog/blog/app.py:31",
            "/srv/blog/blog/app.py:37"
        ]
    );
    // The seed's own case: an f-string in a local, then execute(query).
    assert_eq!(
        sql[0],
        "/srv/blog/blog/app.py:17: SQL built with an f-string reaches execute: `cur.execute(query)` (`query = f\"SELECT * FROM posts WHERE id = {post_id}\"` at line 16)"
    );
    assert!(sql[1].contains("% formatting"), "{sql:#?}");
    assert!(
        sql[2].contains(".format()") && sql[2].contains("at line 29"),
        "{sql:#?}"
    );
    assert!(sql[3].contains("+ concatenation"), "{sql:#?}");
    // The parameterised query of login() is not one of them.
    assert!(!places(&scan, "appsec.sql-injection").contains(&"/srv/blog/blog/app.py:42".to_string()));

    assert_status(&scan, "appsec.template-escaping", "fail");
    assert_eq!(
        places(&scan, "appsec.template-escaping"),
        [
            "/srv/blog/blog/app.py:50",
            "/srv/blog/blog/templates/post.html:4",
            "/srv/blog/blog/app.py:56",
            "/srv/blog/blog/templates/post.html:3",
        ]
    );

    assert_status(&scan, "appsec.debug-mode", "fail");
    assert_eq!(
        places(&scan, "appsec.debug-mode"),
        [
            "/etc/systemd/system/blog.service:6",
            "/srv/blog/blog/app.py:10",
            "/srv/blog/blog/app.py:60",
            "/srv/blog/blog/settings.py:1",
        ]
    );
}

#[test]
fn a_careful_bakery_passes_and_its_near_misses_stay_quiet() {
    let scan = scan(Path::new(&fixture("code/flask_clean")));
    assert_eq!(scan.host()["app_dir"], "/srv/bakery");
    // An empty default from the environment, parameterised and literal SQL, an
    // f-string that is not SQL, `|safe` on a literal, DEBUG = True only in the
    // development class, sha256 over a webhook payload, "password" in a log
    // message: none of them is a finding.
    for id in [
        "secrets.hardcoded",
        "appsec.sql-injection",
        "appsec.template-escaping",
        "appsec.debug-mode",
    ] {
        assert_status(&scan, id, "pass");
    }
    assert_eq!(
        scan.summary("appsec.template-escaping"),
        "auto-escaping stays on in the app's 1 template and 7 Python files"
    );
}

#[test]
fn a_file_that_cannot_be_read_never_lets_a_control_pass() {
    let tree = fixture_copy("code/flask_clean");
    let app = tree.path().join("srv/bakery/bakery");
    std::fs::write(app.join("legacy.py"), "import os\ndef f(:\n    pass\n").expect("write");
    std::fs::write(app.join("blob.py"), b"\x00\x01binary").expect("write");
    let huge = format!("x = '{}'\n", "a".repeat(2 * 1024 * 1024));
    std::fs::write(app.join("generated.py"), huge).expect("write");
    let scan = scan(tree.path());
    for id in ["secrets.hardcoded", "appsec.sql-injection", "appsec.debug-mode"] {
        assert_status(&scan, id, "needs_review");
        let findings = scan.findings(id).join("\n");
        for unread in ["legacy.py:2", "blob.py", "generated.py"] {
            assert!(findings.contains(unread), "{id}: {unread} not named:\n{findings}");
        }
    }
    assert!(
        scan.summary("appsec.sql-injection")
            .starts_with("no SQL built from strings reaches a query call"),
        "{}",
        scan.summary("appsec.sql-injection")
    );
}

#[test]
fn virtualenvs_node_modules_and_caches_are_not_the_apps_code() {
    let tree = fixture_copy("code/flask_clean");
    let app = tree.path().join("srv/bakery");
    let flawed = "import os\ncur.execute(f\"SELECT * FROM t WHERE id = {x}\")\nSECRET_KEY = \"Zq8Vw3Nx6Rt2Yp5Lk9\"\n";
    for folder in [
        "venv/lib/python3.11/site-packages/pkg",
        "deps/lib",
        "node_modules/x",
        "bakery/__pycache__",
        ".tox/py",
    ] {
        std::fs::create_dir_all(app.join(folder)).expect("mkdir");
        std::fs::write(app.join(folder).join("bad.py"), flawed).expect("write");
    }
    // A virtualenv under any name is known by its pyvenv.cfg.
    std::fs::write(app.join("deps/pyvenv.cfg"), "home = /usr/bin\n").expect("write");
    let scan = scan(tree.path());
    assert_status(&scan, "secrets.hardcoded", "pass");
    assert_status(&scan, "appsec.sql-injection", "pass");
}

#[test]
fn secrets_in_code_never_reach_a_report_or_the_stored_evidence() {
    let tree = fixture_copy("code/flask_flawed");
    let planted = [
        ("SLACK", "xoxb-2048-4096-Zq8Vw3Nx6Rt2Yp5Lk9Hd4F"),
        (
            "GITHUB",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
        ),
        ("STRIPE_KEY", "sk_live_51HqLyjWDarjtT1zdp7dcXYZ"),
        ("PG_URL", "postgresql://blog:Wq7Lr2Mx9Kp4@db.blog.example/blog"),
        ("API_TOKEN", "Tk3Rq8Zm1Vx6Wn4Ls9"),
    ];
    let mut module = String::from("import os\n");
    for (name, value) in planted {
        module.push_str(&format!("{name} = \"{value}\"\n"));
    }
    module.push_str("KEY_PEM = \"\"\"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAq8Vw3Nx6Rt2Yp5Lk9Hd4Fs7\n-----END RSA PRIVATE KEY-----\"\"\"\n");
    module.push_str(
        "def connect(password=\"Pw5Default9Qz\"):\n    return os.getenv(\"DB_PASSWORD\", \"Fallback7Xy2\")\n",
    );
    std::fs::write(tree.path().join("srv/blog/blog/keys.py"), module).expect("write");
    let secrets: Vec<&str> = planted
        .iter()
        .map(|(_, v)| *v)
        .chain([
            "MIIEowIBAAKCAQEAq8Vw3Nx6Rt2Yp5Lk9Hd4Fs7",
            "Pw5Default9Qz",
            "Fallback7Xy2",
            "Zq8Vw3Nx6Rt2Yp5Lk9Hd4Fs7",
            "Mx4Kp9Wq2Lr7",
            "AKIAQ3EGRT5LZ7XKPW2M",
            "4eC39HqLyjWDarjtT1zdp7dc",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        ])
        .collect();
    let data = tempfile::tempdir().expect("data dir");
    let mut outputs = Vec::new();
    for format in ["json", "text", "markdown"] {
        let out = vouch()
            .env("VOUCH_DATA_DIR", data.path())
            .args(["scan", "--format", format, "--as-of", AS_OF, "--root"])
            .arg(tree.path())
            .args(SECTIONS)
            .args(if format == "json" { &["--save"][..] } else { &[][..] })
            .output()
            .expect("vouch runs");
        outputs.push((format.to_string(), String::from_utf8_lossy(&out.stdout).into_owned()));
        outputs.push((
            format!("{format} stderr"),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    // Every finding of keys.py is there, each with its value replaced.
    let json = &outputs[0].1;
    // A key block keeps its lines, so the lines after it keep their numbers.
    for line in [2, 3, 4, 5, 6, 7, 10, 11] {
        assert!(
            json.contains(&format!("/srv/blog/blog/keys.py:{line}")),
            "keys.py:{line} not found:\n{json}"
        );
    }
    let mut stored = Vec::new();
    walk_files(data.path(), &mut stored);
    assert!(stored.len() > 5, "the saved session holds its evidence");
    for (name, text) in outputs.iter().chain(stored.iter()) {
        for secret in &secrets {
            assert!(!text.contains(secret), "{secret} leaked into {name}");
        }
    }
}

/// `vouch scan --save` of `root` into a data folder of its own: the results, and
/// every file the scan kept (the stored session, and the report itself).
fn saved_scan(root: &Path) -> (Scan, Vec<(String, String)>) {
    let data = tempfile::tempdir().expect("data dir");
    let out = vouch()
        .env("VOUCH_DATA_DIR", data.path())
        .args(["scan", "--format", "json", "--as-of", AS_OF, "--save", "--root"])
        .arg(root)
        .args(SECTIONS)
        .output()
        .expect("vouch runs");
    let scan = common::scan_of(out);
    let mut kept = Vec::new();
    walk_files(data.path(), &mut kept);
    kept.push(("the report".to_string(), scan.json.to_string()));
    (scan, kept)
}

fn walk_files(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk_files(&path, out);
        } else {
            let bytes = std::fs::read(&path).expect("read");
            out.push((path.display().to_string(), String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
}

#[test]
fn debug_switched_on_in_the_apps_env_fails_and_its_other_values_stay_hidden() {
    let tree = fixture_copy("code/flask_clean");
    let env = tree.path().join("srv/bakery/.env");
    std::fs::write(
        &env,
        "SECRET_KEY=Hk3Vq9Lm2Xw7Rt5Z\nFLASK_DEBUG=1\nMAIL_RELAY=smtp-Pw4Zq8Tn2\n",
    )
    .expect("write");
    let (scan, kept) = saved_scan(tree.path());
    assert_status(&scan, "appsec.debug-mode", "fail");
    assert_eq!(
        scan.findings("appsec.debug-mode"),
        ["/srv/bakery/.env:2: FLASK_DEBUG=1 in the app's .env"]
    );
    // Whatever their names, the .env's other values never reach a report or the store.
    for (name, text) in &kept {
        for secret in ["Hk3Vq9Lm2Xw7Rt5Z", "smtp-Pw4Zq8Tn2"] {
            assert!(!text.contains(secret), "{secret} leaked into {name}");
        }
    }
}

/// Secrets in the shapes a reviewer tried, none of which may leave the host: the
/// value goes, the code keeps its shape, and each is a finding.
#[test]
fn secrets_in_every_shape_a_reviewer_tried_are_found_and_never_kept() {
    let tree = fixture_copy("code/flask_clean");
    let shapes = [
        "DATABASE_URL = f\"postgresql://app:LEAKa1fstr@{HOST}/db\"",
        "DATABASE_URL2 = \"postgresql://app:LEAKa2pct@%s/db\" % HOST",
        "DATABASE_URL3 = \"postgresql://app:LEAKa3fmt@{}/db\".format(HOST)",
        "DATABASE_URL4 = \"postgresql://app:LEAKa4plus@\" + HOST + \"/db\"",
        "user, password = \"admin\", \"LEAKa5tuple\"",
        "JWT_SECRET = f\"LEAKa6fstr{ENV}\"",
        "SECRET_KEY2 = \"LEAKa7concat\" + SUFFIX",
        "PASSWORD2 = \"LEAKa8comma\",",
        "PASSWORD3 = str(\"LEAKa9str\")",
        "SIGNING_KEY = \"LEAKb1enc\".encode()",
        "PASSWORD4 = other = \"LEAKb2chain\"",
        "x = {\"password\": [\"LEAKb3list\"]}",
        "body = '{\"username\": \"admin\", \"password\": \"LEAKb4json\"}'",
        "# password: LEAKb5comment",
        "PASSWORD5 = (\"LEAKb6first\"\n    \"LEAKb7second\")",
    ];
    let file = tree.path().join("srv/bakery/bakery/shapes.py");
    std::fs::write(&file, shapes.join("\n") + "\n").expect("write");
    let (scan, kept) = saved_scan(tree.path());
    assert_status(&scan, "secrets.hardcoded", "fail");
    // Every line holds one (the implicit concatenation spans lines 15 and 16),
    // and the file still parses once redacted: no other control needs review for it.
    let lines: Vec<String> = places(&scan, "secrets.hardcoded");
    for line in 1..=16 {
        let place = format!("/srv/bakery/bakery/shapes.py:{line}");
        assert!(lines.contains(&place), "{place}: {lines:#?}");
    }
    assert_status(&scan, "appsec.sql-injection", "pass");
    for (name, text) in &kept {
        assert!(!text.contains("LEAK"), "a value leaked into {name}");
    }
}
