//! The machine-readable reports, judged by the tools their readers run: the JUnit
//! XML read back by junitparser (as CI dashboards read it), the SARIF log by
//! Microsoft's SARIF Multitool with GitHub's rules and the SARIF schema, the OSCAL
//! assessment results by compliance-trestle (its model and `trestle validate`).
//! The judges live under VOUCH_JUDGES (default /opt/vouch-judges), installed by
//! `.ci/judges`; a missing judge fails the test, it never skips it.

mod common;

use common::differential::installed_judge;
use common::{fixture, fixture_copy, scan_root, vouch, AS_OF};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

fn python() -> PathBuf {
    installed_judge("py/bin/python")
}

fn multitool() -> PathBuf {
    installed_judge("npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool")
}

/// Run a judge script of tests/judges; its stdout, or a panic with what it said.
fn judge(script: &str, args: &[&Path]) -> String {
    let out = Command::new(python())
        .arg(format!("{}/tests/judges/{script}", env!("CARGO_MANIFEST_DIR")))
        .args(args)
        .output()
        .expect("the judge runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{script} refuses {args:?}:\n{said}");
    said
}

/// `vouch scan --root ROOT --format FORMAT -o DIR/NAME`: the report's path.
fn report(dir: &TempDir, root: &Path, format: &str, name: &str, extra: &[&str]) -> PathBuf {
    let path = dir.path().join(name);
    let out = vouch()
        .args(["scan", "--as-of", AS_OF, "--format", format, "-o"])
        .arg(&path)
        .arg("--root")
        .arg(root)
        .args(extra)
        .output()
        .expect("vouch runs");
    assert!(
        path.exists(),
        "no {format} report: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("the report reads");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn count(summary: &Value, statuses: &[&str]) -> u64 {
    statuses.iter().map(|s| summary[*s].as_u64().unwrap_or(0)).sum()
}

/// The four JUnit counts junitparser finds, and the summary of the JSON results.
fn junit_against_json(root: &Path) -> (Value, Value) {
    let dir = TempDir::new().expect("temp dir");
    let xml = report(&dir, root, "junit", "report.xml", &[]);
    let read: Value = serde_json::from_str(judge("junit_counts.py", &[&xml]).trim()).expect("judge JSON");
    let scan = scan_root(root, &[]);
    (read, scan.host()["summary"].clone())
}

#[test]
fn a_ci_dashboard_counts_the_failures_errors_and_skips_the_json_results_report() {
    for name in ["weak", "mixed", "hardened"] {
        let (read, summary) = junit_against_json(Path::new(&fixture(name)));
        let want = serde_json::json!({
            "tests": count(&summary, &["pass", "fail", "warn", "needs_review", "not_applicable", "error"]),
            "failures": count(&summary, &["fail"]),
            "errors": count(&summary, &["error"]),
            "skipped": count(&summary, &["needs_review", "not_applicable"]),
        });
        for key in ["tests", "failures", "errors", "skipped"] {
            assert_eq!(read[key], want[key], "{name}: {key} counted: {read}");
            assert_eq!(read["declared"][key], want[key], "{name}: {key} declared: {read}");
        }
        let suites = read["suites"].as_array().cloned().unwrap_or_default();
        assert!(
            suites.iter().any(|s| s["name"] == "local: SSH access control"),
            "{read}"
        );
        assert!(suites.iter().all(|s| s["hostname"] == "local"), "{read}");
    }
}

#[test]
fn github_code_scanning_accepts_the_sarif_log_of_a_flawed_host() {
    let dir = TempDir::new().expect("temp dir");
    let root = PathBuf::from(fixture("weak"));
    let sarif = report(&dir, &root, "sarif", "report.sarif", &[]);
    judge("sarif_validate.py", &[&multitool(), &sarif]);

    let log = json(&sarif);
    let scan = scan_root(&root, &[]);
    let controls = scan.host()["controls"].as_array().cloned().unwrap_or_default();
    let flagged: usize = controls
        .iter()
        .filter(|c| c["status"] == "fail" || c["status"] == "warn")
        .map(|c| c["findings"].as_array().map_or(1, |f| f.len().max(1)))
        .sum();
    let run = &log["runs"][0];
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(results.len(), flagged, "a result per finding of each fail and warn");
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().map(Vec::len),
        Some(controls.len())
    );
    let first = results
        .iter()
        .find(|r| r["ruleId"] == "ssh.password-auth")
        .expect("the password-auth failure");
    assert_eq!(first["level"], "error");
    let place = &first["locations"][0]["physicalLocation"];
    assert_eq!(
        place["artifactLocation"]["uri"],
        "etc/ssh/sshd_config.d/50-cloud-init.conf"
    );
    assert_eq!(place["artifactLocation"]["uriBaseId"], "TARGET_ROOT");
    assert_eq!(place["region"]["startLine"], 1);
    assert!(results
        .iter()
        .all(|r| r["locations"][0]["physicalLocation"].is_object()));
    assert_eq!(run["invocations"][0]["properties"]["as_of"], AS_OF);
}

#[test]
fn a_grc_tool_loads_the_oscal_assessment_results_of_a_flawed_host() {
    let dir = TempDir::new().expect("temp dir");
    let root = PathBuf::from(fixture("weak"));
    let oscal = report(&dir, &root, "oscal", "report.oscal.json", &[]);
    let said = judge("oscal_validate.py", &[&oscal]);
    assert!(
        said.contains("valid OSCAL 1.1.3 assessment-results: 1 results"),
        "{said}"
    );

    let doc = json(&oscal);
    let scan = scan_root(&root, &[]);
    let result = &doc["assessment-results"]["results"][0];
    let findings = result["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(findings.len(), scan.statuses().len(), "a finding per control");
    for finding in &findings {
        let id = finding["target"]["target-id"].as_str().unwrap_or_default();
        let state = &finding["target"]["status"]["state"];
        let want = match scan.status(id).as_str() {
            "pass" | "not_applicable" => "satisfied",
            _ => "not-satisfied",
        };
        assert_eq!(state, want, "{id} is {}", scan.status(id));
    }
    let observations = result["observations"].as_array().map_or(0, Vec::len);
    let evidence = scan.host()["evidence"].as_array().map_or(0, Vec::len);
    assert_eq!(observations, evidence, "an observation per evidence record");
    assert_eq!(result["start"], AS_OF);
}

/// The weak host, with an sshd_config and a sudoers that are binary files: the
/// controls that read them cannot be evaluated.
fn unreadable_host() -> TempDir {
    let dir = fixture_copy("weak");
    std::fs::write(dir.path().join("etc/ssh/sshd_config"), b"Port 22\0\x01binary").expect("write");
    std::fs::write(dir.path().join("etc/sudoers"), b"\0\0sudo").expect("write");
    dir
}

#[test]
fn controls_that_could_not_be_evaluated_are_errors_in_every_format() {
    let host = unreadable_host();
    let dir = TempDir::new().expect("temp dir");
    let summary = scan_root(host.path(), &[]).host()["summary"].clone();
    let errors = count(&summary, &["error"]);
    assert!(errors >= 2, "{summary}");

    let xml = report(&dir, host.path(), "junit", "report.xml", &[]);
    let read: Value = serde_json::from_str(judge("junit_counts.py", &[&xml]).trim()).expect("judge JSON");
    assert_eq!(read["errors"].as_u64(), Some(errors), "{read}");

    let sarif = report(&dir, host.path(), "sarif", "report.sarif", &[]);
    judge("sarif_validate.py", &[&multitool(), &sarif]);
    let invocation = &json(&sarif)["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true, "the host itself was audited");
    let notes = invocation["toolExecutionNotifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        notes.len() as u64,
        errors,
        "a notification per control that is an error"
    );
    assert!(
        notes.iter().any(|n| n["associatedRule"]["id"] == "auth.sudo"),
        "{notes:?}"
    );

    let oscal = report(&dir, host.path(), "oscal", "report.oscal.json", &[]);
    judge("oscal_validate.py", &[&oscal]);
    let findings = json(&oscal)["assessment-results"]["results"][0]["findings"].clone();
    let sudo = findings
        .as_array()
        .and_then(|all| all.iter().find(|f| f["target"]["target-id"] == "auth.sudo").cloned())
        .expect("a finding for auth.sudo");
    assert_eq!(sudo["target"]["status"]["state"], "not-satisfied");
    assert_eq!(sudo["target"]["status"]["reason"], "other");
}

/// The hostile fixture host, with a weak key whose comment holds what breaks XML
/// and JSON consumers: markup, both quotes, a CDATA end, an ampersand, ESC and a
/// vertical tab (a control character XML 1.0 forbids).
fn hostile_host() -> TempDir {
    let dir = fixture_copy("hostile-output");
    let keys = dir.path().join("root/.ssh/authorized_keys");
    let mut text = std::fs::read_to_string(&keys).expect("keys");
    let first = text
        .lines()
        .next()
        .unwrap_or_default()
        .split(' ')
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    text.push_str(&format!(
        "{first} <script>alert('x')</script> \"quoted\" ]]> <![CDATA[ &amp; \u{1b}[31m\u{b}end\n"
    ));
    std::fs::write(&keys, text).expect("write keys");
    dir
}

#[test]
fn hostile_evidence_stays_well_formed_in_every_format() {
    let host = hostile_host();
    let dir = TempDir::new().expect("temp dir");
    let only = ["--only", "ssh"];

    let json_results = scan_root(host.path(), &only);
    assert!(
        json_results
            .findings("ssh.authorized-keys")
            .iter()
            .any(|f| f.contains("]]>")),
        "the hostile text reaches the results: {:?}",
        json_results.findings("ssh.authorized-keys")
    );

    let xml = report(&dir, host.path(), "junit", "report.xml", &only);
    judge("junit_counts.py", &[&xml]);
    let text = std::fs::read_to_string(&xml).expect("xml");
    assert!(
        text.contains(
            "&lt;script&gt;alert('x')&lt;/script&gt; \"quoted\" ]]&gt; &lt;![CDATA[ &amp;amp; \\x{1b}[31m\\x{b}end"
        ),
        "{text}"
    );
    assert!(!text.contains('\u{1b}') && !text.contains('\u{b}'));

    let sarif = report(&dir, host.path(), "sarif", "report.sarif", &only);
    judge("sarif_validate.py", &[&multitool(), &sarif]);
    let text = std::fs::read_to_string(&sarif).expect("sarif");
    assert!(
        text.contains(r#"<script>alert('x')</script> \"quoted\" \\]\\]> <!\\[CDATA\\["#),
        "{text}"
    );
    assert!(!text.contains("\\u001b"), "no raw ESC reaches a SARIF viewer");

    let oscal = report(&dir, host.path(), "oscal", "report.oscal.json", &only);
    judge("oscal_validate.py", &[&oscal]);
    let text = std::fs::read_to_string(&oscal).expect("oscal");
    assert!(
        text.contains(r"\\<script\\>"),
        "markup is Markdown-escaped in OSCAL's markup fields"
    );
    assert!(!text.contains("\\u001b"));
}

#[test]
fn the_same_scan_gives_byte_identical_reports_in_every_format() {
    let root = PathBuf::from(fixture("weak"));
    for (format, name) in [("junit", "r.xml"), ("sarif", "r.sarif"), ("oscal", "r.oscal.json")] {
        let reports: Vec<Vec<u8>> = (0..2)
            .map(|_| {
                let dir = TempDir::new().expect("temp dir");
                let path = dir.path().join(name);
                vouch()
                    .env("SOURCE_DATE_EPOCH", "1795000000")
                    .args(["scan", "--as-of", AS_OF, "--format", format, "-o"])
                    .arg(&path)
                    .arg("--root")
                    .arg(&root)
                    .output()
                    .expect("vouch runs");
                std::fs::read(&path).expect("the report")
            })
            .collect();
        assert!(!reports[0].is_empty(), "{format}");
        assert!(reports[0] == reports[1], "{format}: two scans of the same host differ");
    }
}
