//! The coordinator alone, fed messages by hand: no thread, no timing. A control
//! is decided once all its probes are in, ids do not depend on arrival order, and
//! a crash or a halt never lets a control pass.

use super::*;

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
