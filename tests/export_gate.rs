//! The last gate before a pack leaves (its own test binary: it turns redaction
//! off in this process to plant what a newer pattern, a hand-edited store or a
//! bug could leave behind). `vouch export`, run as its own process with
//! redaction on, refuses, naming the item and never the secret, and writes
//! nothing.

mod common;

use common::vouch;
use vouch::model::answers::AnswerValue;
use vouch::session::{Recording, Store};

const SECRET: &str = "DB_PASSWORD=Hx7Kq2Wm9Zt4Lp";

fn session(data: &std::path::Path) -> String {
    common::saved_weak_session(data, "Ada", &["--only", "incident"])
}

fn export(data: &std::path::Path, id: &str, to: &std::path::Path) -> (i32, String) {
    let out = vouch()
        .env("VOUCH_DATA_DIR", data)
        .args(["export", id, "-o"])
        .arg(to)
        .output()
        .expect("vouch runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn export_refuses_a_secret_that_got_past_the_recorder_naming_where_it_is() {
    let data = tempfile::tempdir().expect("temp dir");
    let out = tempfile::tempdir().expect("temp dir");
    let (noted, answered) = (session(data.path()), session(data.path()));
    vouch::evidence::redact::disable_for_the_verdict_test();
    let store = Store::at(data.path().join("sessions"));
    let mut recording = Recording::resume(&store, &noted).expect("resumes");
    recording
        .note("incident.plan", &format!("creds from the runbook: {SECRET}"), "Ada")
        .expect("noted");
    drop(recording);
    let (catalog, _) = vouch::checklist::load_catalog(&vouch::checklist::bundled::texts()).expect("catalog");
    let question = catalog
        .control("incident.drills")
        .and_then(|c| c.questions.iter().find(|q| q.id == "drill-scope"))
        .expect("a text question")
        .clone();
    let mut recording = Recording::resume(&store, &answered).expect("resumes");
    recording
        .answer(
            "incident.drills",
            &question,
            AnswerValue::Text(format!("restore drill; used {SECRET}")),
            "Grace",
            "CTO",
        )
        .expect("answered");
    drop(recording);

    let pack = out.path().join("noted.zip");
    let (code, said) = export(data.path(), &noted, &pack);
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("not exported: journal.jsonl line"), "{said}");
    assert!(!said.contains("Hx7Kq2Wm9Zt4Lp"), "the secret is never shown");
    assert!(!pack.exists(), "nothing written");
    let listed = vouch()
        .env("VOUCH_DATA_DIR", data.path())
        .args(["sessions", "list"])
        .output()
        .expect("vouch runs");
    let listed_text = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(
        listed_text.lines().skip(1).all(|line| line.trim_end().ends_with("no")),
        "a refused export leaves the session open: {listed_text}"
    );

    let pack = out.path().join("answered");
    let (code, said) = export(data.path(), &answered, &pack);
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("not exported: evidence ev-"), "{said}");
    assert!(!said.contains("Hx7Kq2Wm9Zt4Lp"), "the secret is never shown");
    assert!(!pack.exists(), "nothing written");
}
