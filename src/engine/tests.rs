//! Engine behaviour: each read happens once however many probes ask, decisions
//! stream as they are made with stable evidence ids, every control is decided
//! exactly once, and a cancelled scan or a lost target stops collection.

use super::*;
use crate::checklist::{load_catalog, ChecklistText};
use crate::model::Status;
use crate::probe::collector::{Collector, Halt};
use crate::probe::ProbeScope;
use crate::transport::fs::FsTransport;
use crate::transport::{CommandRun, DirList, FileRead, Stat, TransportError};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver};
use std::sync::Mutex;
use std::time::Duration;

/// The real filesystem transport with a hook that sees every path asked (files,
/// listings, metadata) before it is read, and may block or fail it.
struct Hooked<H: Fn(&str) -> Result<(), TransportError> + Send + Sync> {
    inner: FsTransport,
    hook: H,
}

impl<H: Fn(&str) -> Result<(), TransportError> + Send + Sync> Transport for Hooked<H> {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn read_file(&self, path: &str, cap: u64) -> Result<FileRead, TransportError> {
        (self.hook)(path)?;
        self.inner.read_file(path, cap)
    }
    fn list_dir(&self, path: &str) -> Result<DirList, TransportError> {
        (self.hook)(path)?;
        self.inner.list_dir(path)
    }
    fn stat(&self, path: &str) -> Result<Stat, TransportError> {
        (self.hook)(path)?;
        self.inner.stat(path)
    }
    fn run(&self, argv: &[String], timeout: Duration, cap: u64) -> Result<CommandRun, TransportError> {
        self.inner.run(argv, timeout, cap)
    }
}

const CHECKLIST: &str = r#"
[checklist]
id = "t.engine"
title = "engine"
version = "1"

[probes.one]
kind = "files"
paths = ["/etc/app.conf"]
description = "the file"

[probes.all]
kind = "files"
paths = ["/etc/*.conf"]
description = "every conf"

[[sections]]
id = "t"
title = "T"

[[sections.controls]]
id = "t.a"
title = "a"
mode = "auto"
severity = "low"
rationale = "r"
remediation = "r"
probes = ["one"]
evaluator = "config.key-equals"
params = { path = "/etc/app.conf", key = "debug", value = "off" }

[[sections.controls]]
id = "t.b"
title = "b"
mode = "auto"
severity = "low"
rationale = "r"
remediation = "r"
probes = ["one", "all"]
evaluator = "file.matches"
params = { path = "/etc/app.conf", pattern = "^debug" }

[[sections.controls]]
id = "t.c"
title = "c"
mode = "manual"
severity = "low"
rationale = "r"
remediation = "r"
[[sections.controls.questions]]
id = "q"
text = "?"
answer = "text"
"#;

fn catalog() -> Catalog {
    let texts = [ChecklistText {
        origin: "t.toml".into(),
        text: CHECKLIST.into(),
    }];
    load_catalog(&texts).unwrap().0
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let host = dir.path().join(path.trim_start_matches('/'));
        std::fs::create_dir_all(host.parent().unwrap()).unwrap();
        std::fs::write(host, text).unwrap();
    }
    dir
}

fn local() -> Target {
    Target {
        name: "local".into(),
        ..Target::default()
    }
}

fn probe_index(catalog: &Catalog, description: &str) -> usize {
    catalog
        .probes
        .iter()
        .position(|p| p.description == description)
        .unwrap()
}

/// Run the driver on its own thread and give the test the live stream.
fn with_stream<T>(
    catalog: &Catalog,
    transport: &dyn Transport,
    workers: usize,
    cancel: &Arc<AtomicBool>,
    consume: impl FnOnce(Receiver<Event>) -> T,
) -> T {
    let options = Options {
        workers,
        ..Options::default()
    };
    let target = local();
    let (tx, rx) = mpsc::sync_channel(2);
    std::thread::scope(|scope| {
        let (options, target) = (&options, &target);
        scope.spawn(move || {
            let mut tx = tx;
            run_host(catalog, target, transport, options, cancel, &mut tx)
        });
        consume(rx)
    })
}

fn host_done(events: &[Event]) -> &HostResult {
    match events.last() {
        Some(Event::HostDone(host)) => host,
        other => panic!("the stream must end with HostDone, not {other:?}"),
    }
}

#[test]
fn each_file_is_read_once_and_every_control_streams_once() {
    let dir = tree(&[("/etc/app.conf", "debug on\n"), ("/etc/other.conf", "x\n")]);
    let catalog = catalog();
    let asked: Mutex<HashMap<String, usize>> = Mutex::new(HashMap::new());
    let transport = Hooked {
        inner: FsTransport::rooted(dir.path()),
        hook: |path: &str| {
            *asked.lock().unwrap().entry(path.to_string()).or_default() += 1;
            Ok(())
        },
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let events: Vec<Event> = with_stream(&catalog, &transport, 8, &cancel, |rx| rx.iter().collect());

    assert_eq!(asked.lock().unwrap().get("/etc/app.conf"), Some(&1));
    assert!(matches!(
        events.first(),
        Some(Event::HostStarted {
            probes: 2,
            controls: 3,
            ..
        })
    ));
    let decided: Vec<&ControlResult> = events
        .iter()
        .filter_map(|e| match e {
            Event::ControlDecided(c) => Some(&**c),
            _ => None,
        })
        .collect();
    let mut ids: Vec<&str> = decided.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids[0], "t.c",
        "a control without probes is decided before any collection"
    );
    ids.sort_unstable();
    assert_eq!(ids, ["t.a", "t.b", "t.c"]);

    let host = host_done(&events);
    let order: Vec<&str> = host.controls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(order, ["t.a", "t.b", "t.c"], "results keep checklist order");
    let a = &host.controls[0];
    assert_eq!(a.status, Status::Fail);
    assert_eq!(a.summary, "debug is `on` (/etc/app.conf:1), expected `off`");
    let b = &host.controls[1];
    assert!(b.evidence.len() > a.evidence.len(), "b cites the glob's evidence too");
    for streamed in &decided {
        let last = host.controls.iter().find(|c| c.id == streamed.id).unwrap();
        assert_eq!(streamed.evidence, last.evidence, "ids are known when decided");
    }
    let sources: Vec<&str> = host.evidence.iter().map(|e| e.source()).collect();
    assert!(sources.contains(&"/etc/other.conf"));
    let mut unique: Vec<&str> = host.evidence.iter().map(|e| e.id().as_str()).collect();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), host.evidence.len(), "evidence ids are unique");
}

#[test]
fn findings_are_capped_with_a_count_of_the_rest() {
    let dir = tree(&[("/etc/app.conf", &"debug on\n".repeat(1000))]);
    let catalog = catalog();
    let cancel = Arc::new(AtomicBool::new(false));
    let host = scan_host(
        &catalog,
        &local(),
        &FsTransport::rooted(dir.path()),
        &Options::default(),
        &cancel,
    );
    let b = &host.controls[1];
    assert_eq!(b.findings.len(), MAX_FINDINGS + 1);
    assert_eq!(
        b.findings[MAX_FINDINGS].message,
        "800 more findings not shown (1000 in all)"
    );
}

/// What a probe touches, gathered through a real collector with no thread.
fn touched(catalog: &Catalog, transport: &dyn Transport, probe: usize) -> Vec<Arc<crate::probe::collector::Entry>> {
    let collector = Collector::new(transport, Limits::default());
    let mut scope = ProbeScope::new(&collector);
    scope.run(&catalog.probes[probe].kind);
    scope.into_touched()
}

fn decided(events: &[Event]) -> Vec<(String, Status)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::ControlDecided(c) => Some((c.id.clone(), c.status)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_coordinator_decides_a_control_once_all_its_probes_are_in() {
    let dir = tree(&[("/etc/app.conf", "debug off\n"), ("/etc/b.conf", "x\n")]);
    let fs = FsTransport::rooted(dir.path());
    let catalog = catalog();
    let (one, all) = (probe_index(&catalog, "the file"), probe_index(&catalog, "every conf"));
    let mut core = Coordinator::new(&catalog, local(), fs.describe(), crate::clock::now());

    let started = core.handle(Msg::Start);
    assert!(matches!(
        started[0],
        Event::HostStarted {
            probes: 2,
            controls: 3,
            ..
        }
    ));
    assert_eq!(decided(&started), [("t.c".to_string(), Status::NeedsReview)]);

    assert!(matches!(
        core.handle(Msg::ProbeStarted(one))[..],
        [Event::ProbeStarted { .. }]
    ));
    let after_one = core.handle(Msg::ProbeFinished {
        probe: one,
        touched: touched(&catalog, &fs, one),
        crashed: None,
    });
    assert_eq!(
        decided(&after_one),
        [("t.a".to_string(), Status::Pass)],
        "t.b still waits for `all`"
    );
    let after_all = core.handle(Msg::ProbeFinished {
        probe: all,
        touched: touched(&catalog, &fs, all),
        crashed: None,
    });
    assert_eq!(decided(&after_all), [("t.b".to_string(), Status::Pass)]);
    let done = core.handle(Msg::Finish);
    let host = host_done(&done);
    assert_eq!(host.error, None);
    assert_eq!(host.summary.count(Status::Pass), 2);
    assert!(core.handle(Msg::Finish).is_empty(), "the results are handed over once");
}

#[test]
fn evidence_ids_do_not_depend_on_the_order_probes_finish_in() {
    let dir = tree(&[("/etc/app.conf", "debug on\n"), ("/etc/b.conf", "x\n")]);
    let fs = FsTransport::rooted(dir.path());
    let catalog = catalog();
    let (one, all) = (probe_index(&catalog, "the file"), probe_index(&catalog, "every conf"));
    let run = |order: [usize; 2]| {
        let mut core = Coordinator::new(&catalog, local(), fs.describe(), crate::clock::now());
        core.handle(Msg::Start);
        for probe in order {
            core.handle(Msg::ProbeFinished {
                probe,
                touched: touched(&catalog, &fs, probe),
                crashed: None,
            });
        }
        let done = core.handle(Msg::Finish);
        let host = host_done(&done).clone();
        (
            host.controls.iter().map(|c| c.evidence.clone()).collect::<Vec<_>>(),
            host.evidence.iter().map(|e| e.id().clone()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(run([one, all]), run([all, one]));
}

#[test]
fn a_crashed_probe_never_lets_its_controls_pass() {
    let dir = tree(&[("/etc/app.conf", "debug off\n")]);
    let fs = FsTransport::rooted(dir.path());
    let catalog = catalog();
    let one = probe_index(&catalog, "the file");
    let mut core = Coordinator::new(&catalog, local(), fs.describe(), crate::clock::now());
    core.handle(Msg::Start);
    let events = core.handle(Msg::ProbeFinished {
        probe: one,
        touched: touched(&catalog, &fs, one),
        crashed: Some("internal error: probe `files /etc/app.conf` failed".into()),
    });
    assert!(events.iter().any(|e| matches!(e, Event::ProbeFailed { .. })));
    assert_eq!(decided(&events), [("t.a".to_string(), Status::Error)]);
}

#[test]
fn a_halt_is_reported_once_and_decides_what_waits_as_not_evaluated() {
    let catalog = catalog();
    let mut core = Coordinator::new(&catalog, local(), "local".into(), crate::clock::now());
    core.handle(Msg::Start);
    let halted = core.handle(Msg::Halted(Halt::Cancelled));
    assert!(matches!(&halted[0], Event::Halted { reason } if reason == "the scan was cancelled"));
    assert_eq!(
        decided(&halted),
        [("t.a".to_string(), Status::Error), ("t.b".to_string(), Status::Error)]
    );
    assert!(core.handle(Msg::Halted(Halt::Cancelled)).is_empty(), "said once");
    let done = core.handle(Msg::Finish);
    let host = host_done(&done);
    assert_eq!(host.error.as_deref(), Some("the scan was cancelled"));
    assert!(host.controls[0]
        .summary
        .starts_with("not evaluated: the scan was cancelled"));
}

#[test]
fn a_cancelled_scan_starts_no_further_probe() {
    let dir = tree(&[("/etc/app.conf", "debug off\n"), ("/etc/b.conf", "x\n")]);
    let catalog = catalog();
    let (arrived_tx, arrived) = mpsc::channel();
    let (release, release_rx) = mpsc::channel();
    let arrived_tx = Mutex::new(Some(arrived_tx));
    let release_rx = Mutex::new(release_rx);
    let reads = Mutex::new(Vec::new());
    // The first read of /etc/app.conf tells the test it got there, then waits for it.
    let gate = Hooked {
        inner: FsTransport::rooted(dir.path()),
        hook: |path: &str| {
            reads.lock().unwrap().push(path.to_string());
            let first = if path == "/etc/app.conf" {
                arrived_tx.lock().unwrap().take()
            } else {
                None
            };
            if let Some(arrived) = first {
                let _ = arrived.send(());
                let _ = release_rx.lock().unwrap().recv();
            }
            Ok(())
        },
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let events = with_stream(&catalog, &gate, 1, &cancel, |rx| {
        let mut seen = Vec::new();
        for event in rx.iter() {
            let first_probe = matches!(event, Event::ProbeStarted { .. });
            seen.push(event);
            if first_probe {
                break;
            }
        }
        arrived.recv().unwrap(); // the worker is inside the first probe's read
        cancel.store(true, Ordering::SeqCst);
        release.send(()).unwrap();
        seen.extend(rx.iter());
        seen
    });
    let starts = events
        .iter()
        .filter(|e| matches!(e, Event::ProbeStarted { .. }))
        .count();
    assert_eq!(starts, 1, "no probe starts after the cancel: {events:#?}");
    let halts: Vec<&String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Halted { reason } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(halts, ["the scan was cancelled"]);
    let host = host_done(&events);
    assert_eq!(host.error.as_deref(), Some("the scan was cancelled"));
    let statuses: Vec<Status> = host.controls.iter().map(|c| c.status).collect();
    assert_eq!(statuses, [Status::Error, Status::Error, Status::NeedsReview]);
    let reads = reads.lock().unwrap();
    assert_eq!(
        reads.last().map(String::as_str),
        Some("/etc/app.conf"),
        "nothing asked after the read the cancel interrupted: {reads:?}"
    );
}

#[test]
fn a_lost_connection_is_reported_once_and_nothing_passes_on_what_was_not_read() {
    let dir = tree(&[("/etc/app.conf", "debug off\n"), ("/etc/b.conf", "x\n")]);
    let catalog = catalog();
    let (gone, asked_after) = (AtomicBool::new(false), Mutex::new(0usize));
    // The target answers until /etc/app.conf is asked, then drops the connection for good.
    let dropping = Hooked {
        inner: FsTransport::rooted(dir.path()),
        hook: |path: &str| {
            if gone.load(Ordering::SeqCst) {
                *asked_after.lock().unwrap() += 1;
            }
            if path == "/etc/app.conf" || gone.load(Ordering::SeqCst) {
                gone.store(true, Ordering::SeqCst);
                return Err(TransportError::ConnectionLost {
                    target: "droplet".into(),
                    reason: "connection reset by peer".into(),
                });
            }
            Ok(())
        },
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let events: Vec<Event> = with_stream(&catalog, &dropping, 1, &cancel, |rx| rx.iter().collect());
    let halts: Vec<&String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Halted { reason } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(halts, ["droplet: connection lost: connection reset by peer"]);
    assert_eq!(*asked_after.lock().unwrap(), 0, "the lost target is not asked again");
    let host = host_done(&events);
    assert!(
        host.evidence.iter().all(|e| e.source() != "/etc/app.conf"),
        "no evidence of the unread file"
    );
    let a = &host.controls[0];
    assert_eq!(a.status, Status::Error, "{}", a.summary);
    assert!(a.summary.contains("connection lost"), "{}", a.summary);
}
