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
use vouch::session::{Recording, Session, Start, Store};
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
        app_dir: None,
        host_key: None,
        transport: transport.describe(),
        auditor: "A. Auditor".into(),
        as_of: options.as_of,
        sections: ScanResults::new(&catalog, options.as_of, Vec::new()).sections,
        checklists: catalog.checklists.clone(),
        only: Vec::new(),
        organisation: None,
        auditor_email: None,
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

/// `vouch scan --save` of the weak fixture by `auditor`: the session id it
/// prints and the results it printed.
fn saved_scan(data: &Path, auditor: &str, extra: &[&std::ffi::OsStr]) -> (String, ScanResults) {
    let scan = vouch()
        .env("VOUCH_DATA_DIR", data)
        .args([
            "scan",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--save",
            "--auditor",
            auditor,
        ])
        .args(extra)
        .arg("--root")
        .arg(fixture("weak"))
        .output()
        .expect("vouch runs");
    let id = common::session_id_in(&String::from_utf8_lossy(&scan.stderr));
    (id, serde_json::from_slice(&scan.stdout).expect("scan results"))
}

/// Each control's id and status, in id order.
fn statuses(results: &ScanResults) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = results.hosts[0]
        .controls
        .iter()
        .map(|c| (c.id.clone(), c.status.to_string()))
        .collect();
    all.sort();
    all
}

/// A question of the bundled checklists, as the walkthrough asks it.
fn question_of(control: &str, question: &str) -> vouch::checklist::Question {
    let (catalog, _) = load_catalog(&bundled::texts()).expect("catalog");
    let control = catalog.control(control).expect("control");
    let asked = control.questions.iter().find(|q| q.id == question);
    asked.expect("question").clone()
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
    let (id, scanned) = saved_scan(data.path(), "Ada Auditor", &[]);
    let show = sessions(data.path(), &["show", &id, "--format", "json"]);
    let shown: ScanResults = serde_json::from_slice(&show.stdout).expect("session results");
    assert_eq!(statuses(&shown), statuses(&scanned));
    assert_eq!(shown.hosts[0].evidence.len(), scanned.hosts[0].evidence.len());
    let list = String::from_utf8_lossy(&sessions(data.path(), &["list"]).stdout).into_owned();
    // Collected, not finished: the interview is still to come.
    assert!(
        list.contains("Ada Auditor") && list.trim_end().ends_with(" no"),
        "open for the interview: {list}"
    );
}

#[test]
fn interview_answers_attachments_notes_and_overrides_decide_and_are_kept() {
    use chrono::NaiveDate;
    use vouch::model::answers::AnswerValue;
    use vouch::model::Status;
    use vouch::results::Override;

    let data = tempfile::tempdir().expect("temp dir");
    let (id, _) = recorded_scan(data.path());
    let store = Store::at(data.path().join("sessions"));
    let plan = data.path().join("incident-plan.pdf");
    std::fs::write(&plan, b"%PDF-1.7 the plan").expect("plan");
    {
        let mut session = Recording::resume(&store, &id).expect("resumed");
        let by = "Sam CTO";
        let date = |d: &str| AnswerValue::Date(d.parse::<NaiveDate>().expect("date"));
        for (question, answer) in [
            ("exists", AnswerValue::Yes),
            ("phases", AnswerValue::Yes),
            ("roles", AnswerValue::Yes),
            ("reviewed", AnswerValue::Yes),
            ("last-reviewed", date("2026-05-01")),
        ] {
            let asked = question_of("incident.plan", question);
            session
                .answer("incident.plan", &asked, answer, by, "CTO")
                .expect("saved");
        }
        session.attach("incident.plan", "exists", &plan).expect("attached");
        let out_of_scope = AnswerValue::Choice("does not apply".into());
        let hipaa = question_of("compliance.scope", "hipaa");
        let refused = session.answer("compliance.scope", &hipaa, AnswerValue::Yes, by, "CTO");
        assert!(
            refused.is_err_and(|why| why.contains("one of")),
            "a choice question takes one of its choices"
        );
        session
            .answer("compliance.scope", &hipaa, out_of_scope, by, "CTO")
            .expect("saved");
        // "Never" where the question's rule says what never decides (every bundled
        // date question does: a team that never drilled must be able to say so).
        let drill = question_of("incident.drills", "last-drill");
        let never = session.answer("incident.drills", &drill, AnswerValue::Never, by, "CTO");
        assert!(never.is_ok(), "{never:?}");
        let not_a_date = session.answer("incident.drills", &drill, AnswerValue::Yes, by, "CTO");
        assert!(not_a_date.is_err_and(|why| why.contains("takes a date (YYYY-MM-DD) or never")));
        session
            .note(
                "incident.plan",
                "plan v3; DB_PASSWORD=Nt9noteSecret on page 4",
                "A. Auditor",
            )
            .expect("noted");
        let exception = Override {
            status: Status::Pass,
            evaluated: Status::Fail,
            reason: "key-only break-glass account, reviewed monthly; PASSWORD=Nt9reasonSecret".into(),
            by: "A. Auditor".into(),
            approved_by: Some("Sam CTO".into()),
            expires: NaiveDate::from_ymd_opt(2027, 1, 31),
            expired: false,
        };
        session.set_override("ssh.root-login", exception).expect("overridden");
        // No finish: the process could die here; everything above is on disk.
    }
    let show = sessions(data.path(), &["show", &id, "--format", "json"]);
    let results: ScanResults = serde_json::from_slice(&show.stdout).expect("results");
    let host = &results.hosts[0];
    let control = |id: &str| host.controls.iter().find(|c| c.id == id).expect("control").clone();

    let plan = control("incident.plan");
    assert_eq!(plan.status, Status::Pass, "{}", plan.summary);
    assert_eq!(plan.answers.len(), 5);
    assert_eq!(plan.answers[0].by, "Sam CTO");
    let attachment = host
        .evidence
        .iter()
        .find(|e| e.kind() == vouch::evidence::record::EvidenceKind::Attachment)
        .expect("the attachment is evidence");
    let stored = data
        .path()
        .join("sessions")
        .join(&id)
        .join("blobs")
        .join(attachment.sha256().expect("hash"));
    assert_eq!(
        std::fs::read(stored).expect("blob"),
        b"%PDF-1.7 the plan",
        "kept byte for byte"
    );
    assert!(plan.evidence.contains(attachment.id()), "the control cites it");
    assert_eq!(plan.notes.len(), 1);
    assert!(
        !plan.notes[0].text.contains("Nt9noteSecret"),
        "notes are redacted: {}",
        plan.notes[0].text
    );

    assert_eq!(control("compliance.hipaa").status, Status::NotApplicable);
    let root = control("ssh.root-login");
    let reason = &root.override_.as_ref().expect("the override").reason;
    assert!(!reason.contains("Nt9reasonSecret"), "reasons are redacted: {reason}");
    assert_eq!(
        (root.status, root.evaluated),
        (Status::Pass, Status::Fail),
        "both statuses kept"
    );

    // Without the plan attached, the same answers cannot pass.
    let data2 = tempfile::tempdir().expect("temp dir");
    let (id2, _) = recorded_scan(data2.path());
    let store2 = Store::at(data2.path().join("sessions"));
    {
        let mut session = Recording::resume(&store2, &id2).expect("resumed");
        for question in ["exists", "phases", "roles", "reviewed"] {
            let asked = question_of("incident.plan", question);
            session
                .answer("incident.plan", &asked, AnswerValue::Yes, "Sam", "CTO")
                .expect("saved");
        }
        let asked = question_of("incident.plan", "last-reviewed");
        session
            .answer("incident.plan", &asked, AnswerValue::Never, "Sam", "CTO")
            .expect("saved");
    }
    let show = sessions(data2.path(), &["show", &id2, "--format", "json"]);
    let results: ScanResults = serde_json::from_slice(&show.stdout).expect("results");
    let plan = results.hosts[0]
        .controls
        .iter()
        .find(|c| c.id == "incident.plan")
        .expect("plan");
    assert_eq!(plan.status, Status::Fail, "never reviewed fails: {}", plan.summary);
}

#[test]
fn a_session_is_written_by_one_vouch_at_a_time() {
    let data = tempfile::tempdir().expect("temp dir");
    let (id, _) = recorded_scan(data.path());
    let store = Store::at(data.path().join("sessions"));
    let _first = Recording::resume(&store, &id).expect("first");
    let second = Recording::resume(&store, &id);
    assert!(second.is_err_and(|e| e.contains("another vouch")));
    let removed = sessions(data.path(), &["rm", &id, "--yes"]);
    assert_eq!(removed.status.code(), Some(2), "not deleted from under the writer");
    assert!(String::from_utf8_lossy(&removed.stderr).contains("open in another vouch"));
    assert!(data.path().join("sessions").join(&id).join("journal.jsonl").is_file());
}

#[test]
fn a_finished_session_is_not_written_again_and_a_crash_is_told_on_resuming() {
    let data = tempfile::tempdir().expect("temp dir");
    let store = Store::at(data.path().join("sessions"));
    let (id, _) = recorded_scan(data.path());
    let journal = data.path().join("sessions").join(&id).join("journal.jsonl");
    let bytes = std::fs::read(&journal).expect("journal");
    std::fs::write(&journal, &bytes[..bytes.len() - 10]).expect("power cut");
    {
        let mut session = Recording::resume(&store, &id).expect("resumed after the crash");
        let dropped = session.recovered.clone().expect("the dropped line is told");
        assert!(dropped.contains("incomplete last line"), "{dropped}");
        assert!(session.finish());
    }
    let again = Recording::resume(&store, &id);
    assert!(again.is_err_and(|e| e.contains("finished")));
}

#[test]
fn a_damaged_session_can_still_be_deleted_and_ids_never_collide() {
    let data = tempfile::tempdir().expect("temp dir");
    let (first, _) = recorded_scan(data.path());
    let (second, _) = recorded_scan(data.path());
    assert_ne!(first, second, "two sessions of the same target in the same second");
    let journal = data.path().join("sessions").join(&first).join("journal.jsonl");
    std::fs::write(&journal, b"not a journal\n").expect("damaged");
    assert_eq!(sessions(data.path(), &["show", &first]).status.code(), Some(2));
    let removed = sessions(data.path(), &["rm", &first, "--yes"]);
    assert_eq!(
        removed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    assert!(!data.path().join("sessions").join(&first).exists());
    assert!(
        data.path().join("sessions").join(&second).is_dir(),
        "the other one is kept"
    );
}

#[test]
fn a_session_is_decided_by_the_checklists_it_started_with() {
    let data = tempfile::tempdir().expect("temp dir");
    let own = data.path().join("acme.toml");
    std::fs::copy("tests/fixtures/checklists/good.toml", &own).expect("the organisation's checklist");
    let checklists = ["--checklists".as_ref(), own.as_os_str()];
    let (id, scanned) = saved_scan(data.path(), "Ada", &checklists);
    // The organisation rewrites its checklist; the session keeps the version it began with.
    std::fs::write(&own, "this is no longer a checklist").expect("rewritten");
    let show = sessions(data.path(), &["show", &id, "--format", "json"]);
    assert_eq!(show.status.code(), Some(0), "{}", String::from_utf8_lossy(&show.stderr));
    let shown: ScanResults = serde_json::from_slice(&show.stdout).expect("results");
    assert_eq!(statuses(&shown), statuses(&scanned));
    assert!(
        statuses(&shown).iter().all(|(c, _)| c.starts_with("acme.")),
        "not the bundled ones"
    );

    // A kept checklist altered on disk is refused, not used.
    let journal =
        std::fs::read_to_string(data.path().join("sessions").join(&id).join("journal.jsonl")).expect("journal");
    let first: serde_json::Value = serde_json::from_str(journal.lines().next().expect("first line")).expect("json");
    let sha = first["event"]["checklists"][0]["sha256"]
        .as_str()
        .expect("the checklist's hash is in the journal");
    let blob = data.path().join("sessions").join(&id).join("blobs").join(sha);
    let text = std::fs::read_to_string(&blob).expect("kept");
    std::fs::write(&blob, text.replace("acme.banner", "acme.banned")).expect("tampered");
    let show = sessions(data.path(), &["show", &id]);
    assert_eq!(show.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&show.stderr).contains("does not match its SHA-256"));
}

#[test]
fn drafts_are_kept_redacted_and_private_and_read_back() {
    use std::os::unix::fs::PermissionsExt;
    let data = tempfile::tempdir().expect("temp dir");
    let (id, _) = recorded_scan(data.path());
    let store = Store::at(data.path().join("sessions"));
    let mut drafts = std::collections::BTreeMap::new();
    drafts.insert(
        "answer/firewall.cloud-firewall/inbound-rules".to_string(),
        vec!["22 from the VPN; DB_PASSWORD=Nt9draftSecret".to_string()],
    );
    store.save_drafts(&id, &drafts).expect("kept");
    let path = data.path().join("sessions").join(&id).join("drafts.json");
    let text = std::fs::read_to_string(&path).expect("drafts");
    assert!(!text.contains("Nt9draftSecret"), "{text}");
    assert_eq!(
        std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
        0o600
    );
    let back = store.drafts(&id);
    let kept = &back["answer/firewall.cloud-firewall/inbound-rules"][0];
    assert!(kept.starts_with("22 from the VPN; DB_PASSWORD="), "{kept}");
    assert!(store.drafts("0123456789ab").is_empty(), "no drafts, no error");
}

#[test]
fn a_halt_stands_until_every_control_is_collected_again() {
    let data = tempfile::tempdir().expect("temp dir");
    let (catalog, _) = load_catalog(&bundled::texts()).expect("catalog");
    let store = Store::at(data.path().join("sessions"));
    let transport = FsTransport::rooted(fixture("weak"));
    let options = Options {
        as_of: AS_OF.parse().expect("time"),
        ..Options::default()
    };
    let start = Start {
        target: "local".into(),
        root: Some(fixture("weak")),
        app_dir: None,
        host_key: None,
        transport: transport.describe(),
        auditor: "A. Auditor".into(),
        as_of: options.as_of,
        sections: ScanResults::new(&catalog, options.as_of, Vec::new()).sections,
        checklists: catalog.checklists.clone(),
        only: Vec::new(),
        organisation: None,
        auditor_email: None,
    };
    let mut recording = Recording::start(&store, start).expect("session starts");
    let id = recording.id().to_string();
    let target = Target {
        name: "local".into(),
        root: Some(fixture("weak")),
        ..Target::default()
    };
    let collect = |recording: &mut Recording, catalog: &vouch::checklist::Catalog| {
        run_host(
            catalog,
            &target,
            &transport,
            &options,
            &Arc::new(AtomicBool::new(false)),
            recording,
        );
    };
    let error = || {
        let session = Session::load(&id, &store.session_dir(&id).expect("dir")).expect("loads");
        session.results(&catalog).hosts[0].error.clone()
    };
    // A collection cut short (the target stopped answering): the results say why
    // they are incomplete.
    collect(&mut recording, &catalog);
    assert_eq!(error(), None);
    for event in [
        vouch::session::events::Event::CollectionStarted,
        vouch::session::events::Event::Halted {
            reason: "the target stopped answering".into(),
        },
    ] {
        assert!(recording.write(vouch::session::journal::Actor::Collector, &event));
    }
    assert_eq!(error().as_deref(), Some("the target stopped answering"));
    // One control collected again: the rest still stand on the halt.
    let mut one = catalog.clone();
    one.restrict(&["ssh.root-login".to_string()]);
    collect(&mut recording, &one);
    assert!(error().is_some(), "one control is not the whole audit");
    // Everything collected again: the halt no longer makes them incomplete.
    collect(&mut recording, &catalog);
    assert_eq!(error(), None);
}
