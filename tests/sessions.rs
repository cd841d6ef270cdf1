//! A scan recorded into a session is kept on disk as it runs, and `vouch
//! sessions` reads it back without the walkthrough: `list` shows it, `show
//! --format json` prints the same results the scan decided, a power cut's
//! half-written line is reported and the rest kept, and `rm` asks unless `--yes`.

mod common;

use common::{fixture, vouch, AS_OF};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use vouch::checklist::{bundled, load_catalog};
use vouch::engine::{run_host, Options};
use vouch::model::Target;
use vouch::results::ScanResults;
use vouch::session::{Recording, Start, Store};
use vouch::transport::fs::FsTransport;
use vouch::transport::Transport;

/// Record a scan of the weak fixture into a session under `data`; its id and the
/// statuses the scan decided.
fn recorded_scan(data: &Path) -> (String, Vec<(String, String)>) {
    let (catalog, _) = load_catalog(&bundled::texts()).expect("catalog");
    let store = Store::at(data.join("sessions"));
    let transport = FsTransport::rooted(fixture("weak"));
    let options = Options {
        as_of: AS_OF.parse().expect("time"),
        ..Options::default()
    };
    let start = Start {
        target: "local".into(),
        root: Some(fixture("weak")),
        transport: transport.describe(),
        auditor: "A. Auditor".into(),
        as_of: options.as_of,
        sections: ScanResults::new(&catalog, options.as_of, Vec::new()).sections,
    };
    let mut recording = Recording::start(&store, start).expect("session starts");
    let target = Target {
        name: "local".into(),
        root: Some(fixture("weak")),
        ..Target::default()
    };
    let mut decided = Vec::new();
    let mut sink = |event: vouch::engine::Event| {
        if let vouch::engine::Event::ControlDecided(result) = &event {
            decided.push((result.id.clone(), result.status.to_string()));
        }
        vouch::engine::EventSink::accept(&mut recording, event)
    };
    run_host(
        &catalog,
        &target,
        &transport,
        &options,
        &Arc::new(AtomicBool::new(false)),
        &mut sink,
    );
    assert_eq!(recording.failure, None);
    (recording.id().to_string(), decided)
}

fn sessions(data: &Path, args: &[&str]) -> std::process::Output {
    vouch()
        .env("VOUCH_DATA_DIR", data)
        .arg("sessions")
        .args(args)
        .output()
        .expect("vouch runs")
}

#[test]
fn a_recorded_scan_is_listed_and_shown_as_the_results_it_decided() {
    let data = tempfile::tempdir().expect("temp dir");
    let (id, decided) = recorded_scan(data.path());

    let list = sessions(data.path(), &["list"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(listed.contains(&id) && listed.contains("A. Auditor"), "{listed}");

    let show = sessions(data.path(), &["show", &id, "--format", "json"]);
    assert_eq!(show.status.code(), Some(0), "{}", String::from_utf8_lossy(&show.stderr));
    let results: ScanResults = serde_json::from_slice(&show.stdout).expect("a results document");
    let shown: Vec<(String, String)> = results.hosts[0]
        .controls
        .iter()
        .map(|c| (c.id.clone(), c.status.to_string()))
        .collect();
    let mut expected = decided.clone();
    expected.sort();
    let mut got = shown.clone();
    got.sort();
    assert_eq!(got, expected, "every decision is in the session");
    assert!(!results.hosts[0].evidence.is_empty(), "and the evidence");
    let blobs = data.path().join("sessions").join(&id).join("blobs");
    let kept = results.hosts[0]
        .evidence
        .iter()
        .filter_map(|e| e.sha256())
        .next()
        .expect("some content");
    assert!(blobs.join(kept).is_file(), "evidence bytes are in the blob store");

    let text = sessions(data.path(), &["show", &id]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("ssh.password-auth"));
}

#[test]
fn a_half_written_last_line_is_reported_and_the_rest_is_kept() {
    let data = tempfile::tempdir().expect("temp dir");
    let (id, decided) = recorded_scan(data.path());
    let journal = data.path().join("sessions").join(&id).join("journal.jsonl");
    let bytes = std::fs::read(&journal).expect("journal");
    std::fs::write(&journal, &bytes[..bytes.len() - 10]).expect("power cut");
    let show = sessions(data.path(), &["show", &id, "--format", "json"]);
    assert!(String::from_utf8_lossy(&show.stderr).contains("incomplete last line"));
    let results: ScanResults = serde_json::from_slice(&show.stdout).expect("results");
    assert!(
        results.hosts[0].controls.len() >= decided.len() - 1,
        "all but the cut line"
    );
}

#[test]
fn removing_a_session_asks_unless_told_yes() {
    let data = tempfile::tempdir().expect("temp dir");
    let (id, _) = recorded_scan(data.path());
    let refused = sessions(data.path(), &["rm", &id]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));
    assert!(data.path().join("sessions").join(&id).is_dir(), "kept");
    let removed = sessions(data.path(), &["rm", &id, "--yes"]);
    assert_eq!(removed.status.code(), Some(0));
    assert!(!data.path().join("sessions").join(&id).exists());
    let bad = sessions(data.path(), &["show", "../../etc"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a session id"));
}

#[test]
fn scan_save_keeps_the_scan_as_a_session_that_shows_the_same_results() {
    let data = tempfile::tempdir().expect("temp dir");
    let scan = vouch()
        .env("VOUCH_DATA_DIR", data.path())
        .args([
            "scan",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--save",
            "--auditor",
            "Ada Auditor",
            "--root",
        ])
        .arg(fixture("weak"))
        .output()
        .expect("vouch runs");
    let stderr = String::from_utf8_lossy(&scan.stderr);
    let id = stderr
        .split("saved as session ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the id is printed: {stderr}"))
        .to_string();
    let scanned: ScanResults = serde_json::from_slice(&scan.stdout).expect("scan results");
    let show = sessions(data.path(), &["show", &id, "--format", "json"]);
    let shown: ScanResults = serde_json::from_slice(&show.stdout).expect("session results");
    let statuses = |r: &ScanResults| {
        let mut all: Vec<(String, String)> = r.hosts[0]
            .controls
            .iter()
            .map(|c| (c.id.clone(), c.status.to_string()))
            .collect();
        all.sort();
        all
    };
    assert_eq!(statuses(&shown), statuses(&scanned));
    assert_eq!(shown.hosts[0].evidence.len(), scanned.hosts[0].evidence.len());
    let list = String::from_utf8_lossy(&sessions(data.path(), &["list"]).stdout).into_owned();
    assert!(
        list.contains("Ada Auditor") && list.contains(" yes"),
        "finished: {list}"
    );
}
