//! The engine's driver: runs one host's probes on worker threads through the
//! collector, feeds what they report to the coordinator, and hands the
//! coordinator's events to a sink: a function on the driver's thread, or the bounded
//! channel of `spawn_host`. It stops starting probes, and stops asking the target,
//! once cancelled, once the target stops answering, or once nobody listens.

use super::coordinator::{Coordinator, Msg};
use super::{Event, Options};
use crate::checklist::Catalog;
use crate::model::Target;
use crate::probe::collector::{Collector, Entry};
use crate::probe::ProbeScope;
use crate::transport::Transport;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, OnceLock};

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
/// after, no new read is asked of the target (one already asked finishes, bounded
/// by its timeout), and what was not decided is an error saying so. A sink that
/// blocks (a full channel) must be read, or dropped, for the driver to go on.
pub fn run_host(
    catalog: &Catalog,
    target: &Target,
    transport: &dyn Transport,
    options: &Options,
    cancel: &Arc<AtomicBool>,
    events: &mut impl EventSink,
) {
    let collector = Collector::new(transport, options.limits)
        .with_budget(options.budget)
        .with_cancel(cancel.clone());
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
    // The probes that read inside the application go last: they wait for it to be found.
    let (mut needed, app_probes): (Vec<usize>, Vec<usize>) =
        core.needed_probes().into_iter().partition(|&p| !reads_app(catalog, p));
    let app_wanted = !app_probes.is_empty();
    needed.extend(app_probes);
    let app_dir: OnceLock<Option<String>> = OnceLock::new();
    let (done_tx, done_rx) = mpsc::channel::<Msg>();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        if app_wanted {
            let (done_tx, collector, app_dir) = (done_tx.clone(), &collector, &app_dir);
            scope.spawn(move || {
                let (found, touched) = super::app::find(collector, target);
                let dir = found.dir.clone();
                // Sent before the app probes may start, so it is handled before any of them.
                let _ = done_tx.send(Msg::AppFound { found, touched });
                let _ = app_dir.set(dir);
            });
        }
        for _ in 0..options.workers.clamp(1, needed.len().max(1)) {
            let done_tx = done_tx.clone();
            let (collector, needed, next, app_dir) = (&collector, &needed, &next, &app_dir);
            scope.spawn(move || {
                while collector.halted().is_none() {
                    let Some(&probe) = needed.get(next.fetch_add(1, Ordering::SeqCst)) else {
                        break;
                    };
                    let dir = if reads_app(catalog, probe) {
                        app_dir.wait().as_deref()
                    } else {
                        None
                    };
                    if done_tx.send(Msg::ProbeStarted(probe)).is_err() {
                        break;
                    }
                    let (touched, crashed) = run_probe(catalog, collector, probe, dir);
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
        // Each probe's report is handled before a halt is: a probe that read all it
        // needed is decided on its evidence, whatever stopped the others.
        let mut halted = false;
        for msg in done_rx {
            emit(core.handle(msg));
            if let (false, Some(halt)) = (halted, collector.halted()) {
                halted = true;
                emit(core.handle(Msg::Halted(halt)));
            }
        }
    });
    // The host's name, OS and kernel last: the controls' evidence comes first
    // within the scan's budget, and a halted scan reads nothing more.
    if collector.halted().is_none() {
        emit(core.handle(Msg::Facts(read_facts(&collector))));
    }
    // The collector's cache shares every entry; once it is gone the coordinator
    // holds the only copy and hands the records over without cloning them.
    drop(collector);
    emit(core.handle(Msg::Finish));
}

/// A host scanned on its own thread, its events arriving on a bounded channel: the
/// live view of the walkthrough. Dropping it cancels the scan and waits for the
/// thread, which never blocks on a channel nobody reads.
pub struct LiveHost {
    pub events: Receiver<Event>,
    cancel: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LiveHost {
    /// Stop the scan: no probe starts after, no new read is asked, and what was not
    /// decided ends as an error saying so. Events keep arriving until `HostDone`.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }
}

impl Drop for LiveHost {
    fn drop(&mut self) {
        self.cancel();
        // Closing the channel makes every send fail, so a driver waiting on a full
        // channel goes on, stops, and ends; then wait for it.
        drop(std::mem::replace(&mut self.events, mpsc::sync_channel(0).1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Scan one host on a thread of its own, the events on a channel of
/// `super::EVENT_BUFFER` (the driver waits when the reader falls that far behind).
pub fn spawn_host(catalog: Arc<Catalog>, target: Target, transport: Arc<dyn Transport>, options: Options) -> LiveHost {
    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, events) = mpsc::sync_channel(super::EVENT_BUFFER);
    let stop = cancel.clone();
    let thread = std::thread::spawn(move || {
        let mut tx = tx;
        run_host(&catalog, &target, transport.as_ref(), &options, &stop, &mut tx);
    });
    LiveHost {
        events,
        cancel,
        thread: Some(thread),
    }
}

/// Read the host's name, OS and kernel (four small files, through the
/// collector like any probe, so they are evidence too).
fn read_facts(collector: &Collector) -> Vec<Arc<Entry>> {
    let kind = crate::probe::spec::ProbeKind::Files {
        paths: crate::parse::host::PATHS.iter().map(|p| p.to_string()).collect(),
    };
    let mut scope = ProbeScope::new(collector);
    // A panic here loses the facts, never the scan.
    let _ = std::panic::catch_unwind(AssertUnwindSafe(|| scope.run(&kind)));
    scope.into_touched()
}

/// Whether a probe reads inside the application's directory.
fn reads_app(catalog: &Catalog, probe: usize) -> bool {
    catalog
        .probes
        .get(probe)
        .is_some_and(|spec| spec.kind.probe_type().needs_app())
}

/// Run one probe; a panic in a collector ends the probe with a reason, never the scan.
fn run_probe(
    catalog: &Catalog,
    collector: &Collector,
    probe: usize,
    app_dir: Option<&str>,
) -> (Vec<Arc<Entry>>, Option<String>) {
    let Some(spec) = catalog.probes.get(probe) else {
        return (Vec::new(), Some("no such probe".to_string()));
    };
    let mut scope = ProbeScope::new(collector).with_app_dir(app_dir);
    let ran = std::panic::catch_unwind(AssertUnwindSafe(|| scope.run(&spec.kind)));
    let crashed = ran
        .err()
        .map(|_| format!("internal error: probe `{}` failed; please report it", spec.kind.key()));
    (scope.into_touched(), crashed)
}
