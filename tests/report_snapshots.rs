//! What an auditor reads: the text and Markdown reports of the weak fixture host,
//! kept as reviewed snapshots (tests/snapshots/). A change to wording or layout
//! shows up as a snapshot diff to review, never silently.

mod common;

use common::{vouch, AS_OF};

fn report(format: &str) -> String {
    let out = vouch()
        .args([
            "scan",
            "--root",
            "tests/fixtures/weak",
            "--as-of",
            AS_OF,
            "--only",
            "ssh,firewall,patching",
        ])
        .args(["--format", format])
        .env("NO_COLOR", "1")
        .output()
        .expect("vouch runs");
    assert_eq!(out.status.code(), Some(1), "the weak host fails");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn text_report_of_the_weak_host() {
    insta::assert_snapshot!(report("text"));
}

#[test]
fn markdown_report_of_the_weak_host() {
    insta::assert_snapshot!(report("markdown"));
}
