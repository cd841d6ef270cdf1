//! bandit, the Python security linter, judges vouch's reading of the app's code
//! where the two overlap, on every fixture app of tests/fixtures/code:
//! - B608 (SQL built from strings) against appsec.sql-injection — compared at
//!   the line the SQL is built (vouch names it for a local: "at line N");
//! - B105/B106/B107 (hard-coded passwords) against secrets.hardcoded;
//! - B201 (Flask's debug=True) against appsec.debug-mode;
//! - B303/B324 (md5, sha1) against auth.password-hashing's fast digests.
//!
//! Every place one flags and the other does not is listed below with the reason
//! vouch is right; a disagreement not listed, or a listed one that went away,
//! fails the test. bandit 1.9.4 comes from PyPI, installed by `.ci/judges`
//! under VOUCH_JUDGES; it runs with no configuration file and `# nosec` ignored.

mod common;

use common::differential::installed_judge;
use common::{fixture, scan_root};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bandit() -> PathBuf {
    installed_judge("py/bin/bandit")
}

/// The fixture apps: (fixture, the app's folder on its target).
const APPS: &[(&str, &str)] = &[
    ("code/bandit_lab", "/srv/lab"),
    ("code/flask_clean", "/srv/bakery"),
    ("code/flask_flawed", "/srv/blog"),
    ("code/fastapi_clean", "/srv/notes"),
    ("code/fastapi_flawed", "/srv/inventory"),
    ("code/django_clean", "/srv/clinic"),
    ("code/django_flawed", "/srv/forum"),
];

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Check {
    Sql,
    Secret,
    Debug,
    FastHash,
}

/// A place only one of them flags: (check, path:line, flagged by vouch, why vouch is right).
type Disagreement = (Check, &'static str, bool, &'static str);

const DISAGREEMENTS: &[Disagreement] = &[
    // The lab: one construct a line.
    (Check::Sql, "/srv/lab/lab/sql_cases.py:16", false, "English built with + (\"Please select an option from \" + name) and never executed: not SQL reaching a query"),
    (Check::Sql, "/srv/lab/lab/sql_cases.py:17", false, "an f-string that looks like SQL but is never executed: the rule asks what reaches execute"),
    (Check::Sql, "/srv/lab/lab/sql_cases.py:18", true, "DROP TABLE built with +: B608's pattern knows SELECT, DELETE, INSERT and UPDATE only"),
    (Check::Sql, "/srv/lab/lab/sql_cases.py:19", true, "\"SELECT a FROM\" + tbl: B608's pattern wants a blank after FROM"),
    (Check::Sql, "/srv/lab/lab/sql_cases.py:22", true, "`sql += order` appends data to a local holding SQL, then executed: bandit does not read `+=`"),
    (Check::Sql, "/srv/lab/lab/sql_cases.py:24", true, "the same finding as bandit's at line 25: vouch names the execute call, bandit the string's first line"),
    (Check::Sql, "/srv/lab/lab/sql_cases.py:25", false, "the same finding as vouch's at line 24 (the call spans lines 24-27)"),
    (Check::Secret, "/srv/lab/lab/secret_cases.py:3", true, "`userPassword`: B105 wants the word set apart by underscores"),
    (Check::Secret, "/srv/lab/lab/secret_cases.py:4", false, "`token_type = \"bearer\"` names a token type, a keyword, not a secret"),
    (Check::Secret, "/srv/lab/lab/secret_cases.py:5", false, "a web address with no credentials in it is not a secret"),
    (Check::Secret, "/srv/lab/lab/secret_cases.py:6", false, "an empty string holds no secret (the rule says non-empty)"),
    (Check::Secret, "/srv/lab/lab/secret_cases.py:7", true, "`API_KEY`: api_key is the rule's word, not one of B105's"),
    (Check::FastHash, "/srv/lab/lab/hash_cases.py:6", false, "sha1 over a payload, not a password: the rule is about stored passwords"),
    (Check::FastHash, "/srv/lab/lab/hash_cases.py:7", true, "sha256 over a password is as fast to guess as md5; B324 flags md5 and sha1 only"),
    // The fixture apps.
    (Check::Debug, "/srv/blog/blog/app.py:10", true, "`app.config[\"DEBUG\"] = True` switches Flask's debugger on as surely as run(debug=True); B201 looks only at .run()"),
    (Check::Debug, "/srv/blog/blog/settings.py:1", true, "`DEBUG = True` in the settings module the app loads; B201 looks only at .run()"),
    (Check::Debug, "/srv/inventory/inventory/main.py:80", true, "`uvicorn.run(..., debug=True)`: B201 wants a flask import in the file"),
    (Check::Debug, "/srv/forum/forum/settings.py:12", true, "Django's `DEBUG = True` in its settings module; B201 knows only Flask"),
    (Check::Secret, "/srv/blog/blog/settings.py:4", true, "an AWS access key id (AKIA...): B105 matches names only, and AWS_ACCESS_KEY_ID is not one of its words"),
    (Check::Secret, "/srv/blog/blog/settings.py:5", true, "a Stripe live key under a plain name: B105 matches names, vouch also knows token formats"),
    (Check::Secret, "/srv/blog/blog/settings.py:6", true, "a GitHub token in a comment: bandit reads no comments"),
    (Check::Secret, "/srv/inventory/inventory/config.py:7", true, "a password inside a database URL: B105 matches names, not URLs"),
    (Check::Secret, "/srv/inventory/inventory/config.py:10", true, "an AWS access key id: AWS_ACCESS_KEY_ID is not one of B105's words"),
    (Check::Secret, "/srv/inventory/inventory/config.py:18", true, "`\"api_key\": \"sk_live_...\"`: B105's words leave out api_key (and sk_live_ is a Stripe live key)"),
    (Check::Secret, "/srv/forum/forum/services.py:14", true, "`stripe.api_key = \"sk_live_...\"`: api_key is not one of B105's words"),
    (Check::Secret, "/srv/notes/notes/auth.py:34", false, "`\"token_type\": \"bearer\"` names OAuth2's token type, a keyword, not a secret"),
    (Check::Secret, "/srv/inventory/inventory/auth.py:48", false, "`\"token_type\": \"bearer\"` names OAuth2's token type, a keyword, not a secret"),
    (Check::FastHash, "/srv/forum/forum/services.py:19", true, "sha256 over a password is as fast to guess as md5; B324 flags md5 and sha1 only"),
    (Check::FastHash, "/srv/forum/forum/services.py:45", true, "sha256 over `user.password`; B324 flags md5 and sha1 only"),
];

/// What bandit flags under the app's folder: (check, path:line on the target).
fn bandit_sees(root: &Path, app: &str) -> BTreeSet<(Check, String)> {
    let config = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(config.path(), "[bandit]\n").expect("write");
    let folder = root.join(app.trim_start_matches('/'));
    let out = Command::new(bandit())
        .arg("-r")
        .arg(&folder)
        .args(["-t", "B105,B106,B107,B201,B303,B324,B608"])
        .args([
            "--severity-level",
            "all",
            "--confidence-level",
            "all",
            "-f",
            "json",
            "-q",
            "--ignore-nosec",
        ])
        .arg("--ini")
        .arg(config.path())
        .output()
        .expect("bandit runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("bandit gave no JSON ({e}): {text}"));
    assert_eq!(
        json["errors"].as_array().map(Vec::len),
        Some(0),
        "bandit could not read: {}",
        json["errors"]
    );
    let mut seen = BTreeSet::new();
    for result in json["results"].as_array().into_iter().flatten() {
        let check = match result["test_id"].as_str() {
            Some("B608") => Check::Sql,
            Some("B105" | "B106" | "B107") => Check::Secret,
            Some("B201") => Check::Debug,
            Some("B303" | "B324") => Check::FastHash,
            other => panic!("a test not asked for: {other:?}"),
        };
        let file = Path::new(result["filename"].as_str().expect("filename"));
        let on_target = Path::new("/").join(file.strip_prefix(root).expect("under the root"));
        let line = result["line_number"].as_u64().expect("line");
        seen.insert((check, format!("{}:{line}", on_target.display())));
    }
    seen
}

/// What vouch flags in the app's Python files, at the line bandit would name.
fn vouch_sees(root: &Path) -> BTreeSet<(Check, String)> {
    let controls = [
        (Check::Sql, "appsec.sql-injection"),
        (Check::Secret, "secrets.hardcoded"),
        (Check::Debug, "appsec.debug-mode"),
        (Check::FastHash, "auth.password-hashing"),
    ];
    let only = controls.map(|(_, id)| id).join(",");
    let scan = scan_root(root, &["--only", &only]);
    let mut seen = BTreeSet::new();
    for (check, id) in controls {
        if scan.status(id) != "fail" {
            continue;
        }
        for finding in scan.findings(id) {
            let (place, message) = finding.split_once(": ").expect("path:line: message");
            if !place.contains(".py:") || (check == Check::FastHash && !message.contains("a fast digest")) {
                continue;
            }
            // SQL built in a local is named where it was built, as bandit names it.
            let built_at = message
                .rsplit_once(" at line ")
                .and_then(|(_, n)| n.strip_suffix(')'))
                .filter(|n| n.bytes().all(|b| b.is_ascii_digit()));
            let place = match built_at {
                Some(line) => format!("{}:{line}", place.rsplit_once(':').expect("a line").0),
                None => place.to_string(),
            };
            seen.insert((check, place));
        }
    }
    seen
}

#[test]
fn bandit_and_vouch_agree_on_every_fixture_app_but_where_vouch_says_why() {
    let mut found: BTreeSet<(Check, String, bool)> = BTreeSet::new();
    let mut agreed = 0;
    for (name, app) in APPS {
        let root = PathBuf::from(fixture(name));
        let theirs = bandit_sees(&root, app);
        let ours = vouch_sees(&root);
        agreed += theirs.intersection(&ours).count();
        found.extend(ours.difference(&theirs).map(|(c, p)| (*c, p.clone(), true)));
        found.extend(theirs.difference(&ours).map(|(c, p)| (*c, p.clone(), false)));
    }
    let listed: BTreeSet<(Check, String, bool)> = DISAGREEMENTS
        .iter()
        .map(|(c, p, ours, _)| (*c, p.to_string(), *ours))
        .collect();
    let new: Vec<_> = found.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&found).collect();
    assert!(
        new.is_empty(),
        "disagreements with bandit not listed (true: only vouch flags it): {new:#?}"
    );
    assert!(gone.is_empty(), "listed disagreements that no longer happen: {gone:#?}");
    // Where they overlap, they mostly agree: every SQL injection, the md5s, the
    // passwords in assignments, keywords and defaults, Flask's run(debug=True).
    assert_eq!(agreed, 43, "findings in common");
}
