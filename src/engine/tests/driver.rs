//! The driver with its workers: each read happens once however many probes ask,
//! decisions stream as they are made with their evidence ids, and a cancelled scan
//! or a lost target stops collection and says so once.

use super::*;

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
    let ended: Vec<(usize, bool)> = events
        .iter()
        .filter_map(|e| match e {
            Event::ProbeDone { probe, .. } => Some((*probe, true)),
            Event::ProbeFailed { probe, .. } => Some((*probe, false)),
            _ => None,
        })
        .collect();
    assert_eq!(ended.len(), 2, "each probe ends once, the one never run too: {ended:?}");
    assert!(
        ended.iter().all(|(_, done)| !done),
        "neither probe is complete: {ended:?}"
    );
    let halts = halts(&events);
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
    let halts = halts(&events);
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

#[test]
fn a_live_host_streams_to_the_end_on_its_own_thread() {
    let dir = tree(&[("/etc/app.conf", "debug on\n")]);
    let live = spawn_host(
        Arc::new(catalog()),
        local(),
        Arc::new(FsTransport::rooted(dir.path())),
        Options::default(),
    );
    let events: Vec<Event> = live.events.iter().collect();
    assert!(matches!(events.first(), Some(Event::HostStarted { .. })));
    let host = host_done(&events);
    assert_eq!(host.controls.len(), 3);
}

/// A checklist of `n` manual controls: each is decided at the start, one event each.
fn many_manual_controls(n: usize) -> Catalog {
    let mut text = String::from(
        "[checklist]\nid = \"t.many\"\ntitle = \"many\"\nversion = \"1\"\n\n[[sections]]\nid = \"t\"\ntitle = \"T\"\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "\n[[sections.controls]]\nid = \"t.c{i}\"\ntitle = \"c\"\nmode = \"manual\"\nseverity = \"low\"\nrationale = \"r\"\nremediation = \"r\"\n[[sections.controls.questions]]\nid = \"q\"\ntext = \"?\"\nanswer = \"text\"\n"
        ));
    }
    let texts = [ChecklistText {
        origin: "many.toml".into(),
        text,
    }];
    load_catalog(&texts).unwrap().0
}

#[test]
fn dropping_a_live_host_nobody_reads_ends_it_even_with_the_channel_full() {
    let catalog = many_manual_controls(EVENT_BUFFER * 2);
    let dir = tree(&[]);
    let live = spawn_host(
        Arc::new(catalog),
        local(),
        Arc::new(FsTransport::rooted(dir.path())),
        Options::default(),
    );
    // The first event is read, then nobody reads: the start alone decides twice as
    // many controls as the channel holds, so the driver fills it and waits.
    assert!(matches!(live.events.recv(), Ok(Event::HostStarted { .. })));
    drop(live); // returns: the channel closes, the driver's sends fail, it stops
}

#[test]
fn a_scan_that_spends_its_budget_stops_and_says_which_budget() {
    let dir = tree(&[
        ("/etc/app.conf", "debug off\n"),
        ("/etc/b.conf", "x\n"),
        ("/etc/c.conf", "y\n"),
    ]);
    let catalog = catalog();
    let asked = Mutex::new(Vec::new());
    let transport = Hooked {
        inner: FsTransport::rooted(dir.path()),
        hook: |path: &str| {
            asked.lock().unwrap().push(path.to_string());
            Ok(())
        },
    };
    let options = Options {
        workers: 1,
        budget: crate::probe::Budget {
            paths: 2,
            ..crate::probe::Budget::default()
        },
        ..Options::default()
    };
    let mut events = Vec::new();
    let cancel = Arc::new(AtomicBool::new(false));
    run_host(&catalog, &local(), &transport, &options, &cancel, &mut |e| {
        events.push(e);
        true
    });

    assert_eq!(asked.lock().unwrap().len(), 2, "nothing is asked past the budget");
    let halts: Vec<&Event> = events.iter().filter(|e| matches!(e, Event::Halted { .. })).collect();
    assert_eq!(halts.len(), 1, "said once");
    let host = host_done(&events);
    let error = host.error.as_deref().unwrap_or_default();
    assert!(error.starts_with("the scan's budget of 2 paths"), "{error}");
    let b = &host.controls[1];
    assert_eq!(b.status, Status::Error, "its glob was not read in full");
    assert!(b.summary.contains("budget of 2 paths"), "{}", b.summary);
}
