//! The engine's driver: runs one host's probes on worker threads through the
//! collector, feeds what they report to the coordinator, and sends the coordinator's
//! events on a bounded channel. It stops starting probes once cancelled, once the
//! target stops answering, or once nobody listens to the events any more.

use super::coordinator::{Coordinator, Msg};
use super::{Event, Options};
use crate::checklist::Catalog;
use crate::model::Target;
use crate::probe::collector::{Collector, Entry};
use crate::probe::ProbeScope;
use crate::transport::Transport;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, SyncSender};
use std::sync::Arc;

/// Where the driver sends its events: a bounded channel to another thread (the
/// walkthrough, the journal writer), or a function on the driver's own thread (a
/// batch scan). `false` means nobody listens any more, and the driver stops.
pub trait EventSink {
    fn accept(&mut self, event: Event) -> bool;
}

impl EventSink for SyncSender<Event> {
    fn accept(&mut self, event: Event) -> bool {
        self.send(event).is_ok()
    }
}

impl<F: FnMut(Event) -> bool> EventSink for F {
    fn accept(&mut self, event: Event) -> bool {
        self(event)
    }
}

/// Collect and evaluate one host, sending every event to `events`; the last one is
/// `HostDone` with the host's results. Setting `cancel` stops it: no probe starts
/// after, reads in flight return at once, and what was not decided is an error.
pub fn run_host(
    catalog: &Catalog,
    target: &Target,
    transport: &dyn Transport,
    options: &Options,
    cancel: &Arc<AtomicBool>,
    events: &mut impl EventSink,
) {
    let collector = Collector::new(transport, options.limits).with_cancel(cancel.clone());
    let mut core = Coordinator::new(catalog, target.clone(), transport.describe(), options.as_of);
    let mut emit = |batch: Vec<Event>| {
        for event in batch {
            if !events.accept(event) {
                // Nobody is listening: stop the work rather than finish it unseen.
                cancel.store(true, Ordering::SeqCst);
            }
        }
    };
    emit(core.handle(Msg::Start));
    let needed = core.needed_probes();
    let (done_tx, done_rx) = mpsc::channel::<Msg>();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..options.workers.clamp(1, needed.len().max(1)) {
            let done_tx = done_tx.clone();
            let (collector, needed, next) = (&collector, &needed, &next);
            scope.spawn(move || {
                while collector.halted().is_none() {
                    let Some(&probe) = needed.get(next.fetch_add(1, Ordering::SeqCst)) else {
                        break;
                    };
                    if done_tx.send(Msg::ProbeStarted(probe)).is_err() {
                        break;
                    }
                    let (touched, crashed) = run_probe(catalog, collector, probe);
                    if done_tx
                        .send(Msg::ProbeFinished {
                            probe,
                            touched,
                            crashed,
                        })
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let mut halted = false;
        for msg in done_rx {
            if !halted {
                if let Some(halt) = collector.halted() {
                    halted = true;
                    emit(core.handle(Msg::Halted(halt)));
                }
            }
            emit(core.handle(msg));
        }
        if let (false, Some(halt)) = (halted, collector.halted()) {
            emit(core.handle(Msg::Halted(halt)));
        }
    });
    emit(core.handle(Msg::Finish));
}

/// Run one probe; a panic in a collector ends the probe with a reason, never the scan.
fn run_probe(catalog: &Catalog, collector: &Collector, probe: usize) -> (Vec<Arc<Entry>>, Option<String>) {
    let Some(spec) = catalog.probes.get(probe) else {
        return (Vec::new(), Some("no such probe".to_string()));
    };
    let mut scope = ProbeScope::new(collector);
    let ran = std::panic::catch_unwind(AssertUnwindSafe(|| scope.run(&spec.kind)));
    let crashed = ran
        .err()
        .map(|_| format!("internal error: probe `{}` failed; please report it", spec.kind.key()));
    (scope.into_touched(), crashed)
}
