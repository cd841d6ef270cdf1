//! The engine: runs the probes a catalog needs on one target concurrently (each
//! probe once, each read once) and decides every control as soon as its evidence is
//! in. A pure core (`coordinator`: messages in, events out) and a driver that runs
//! the workers (`driver`); every consumer — the batch `scan`, the walkthrough, the
//! session journal — reads the same stream of events. Imports checklists, probes,
//! evidence, evaluators (through `decide`) and results; nothing imports the engine
//! but commands and the UI.

mod app;
mod coordinator;
mod decide;
mod driver;
pub mod plan;

pub use app::AppFound;
pub use coordinator::{Coordinator, Msg};
pub use decide::MAX_FINDINGS;
pub use driver::{run_host, spawn_host, EventSink, LiveHost};

use crate::checklist::Catalog;
use crate::evidence::record::EvidenceRecord;
use crate::model::Target;
use crate::probe::Budget;
use crate::results::{ControlResult, HostResult};
use crate::transport::{Limits, Transport};
use chrono::{DateTime, Utc};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// What the engine reports while it works, in order: `HostStarted`, then probes
/// and decisions interleaved as they happen, then `HostDone` last.
#[derive(Debug, Clone)]
pub enum Event {
    /// Collection begins: how many probes will run and controls be decided.
    HostStarted {
        target: String,
        probes: usize,
        controls: usize,
    },
    /// A worker began a probe.
    ProbeStarted { probe: usize, description: String },
    /// A probe finished: the evidence it collected that no earlier probe had.
    ProbeDone {
        probe: usize,
        description: String,
        evidence: Vec<EvidenceRecord>,
    },
    /// A probe's evidence is incomplete: it crashed, collection halted in it, or it
    /// never ran; with what it did collect. Each probe ends with exactly one
    /// `ProbeDone` or `ProbeFailed`.
    ProbeFailed {
        probe: usize,
        description: String,
        reason: String,
        evidence: Vec<EvidenceRecord>,
    },
    /// The host's name, OS and kernel, read once the probes are done (unless
    /// collection halted), with the evidence they were read from.
    FactsFound {
        facts: crate::parse::host::HostFacts,
        evidence: Vec<EvidenceRecord>,
    },
    /// Where the Python application is (or why it is unknown), before the probes
    /// that read inside it; with the evidence discovery read.
    AppFound {
        app_dir: Option<String>,
        how: String,
        evidence: Vec<EvidenceRecord>,
    },
    /// Collection stopped early: cancelled, or the target stopped answering. Sent once.
    Halted { reason: String },
    /// A control's status is known, with the ids of the evidence it cites.
    ControlDecided(Box<ControlResult>),
    /// Every control is decided: the host's results.
    HostDone(Box<HostResult>),
}

/// How to run one target.
#[derive(Debug, Clone)]
pub struct Options {
    pub as_of: DateTime<Utc>,
    pub limits: Limits,
    /// What the scan may spend on the target before it stops with a reason.
    pub budget: Budget,
    /// Probe worker threads.
    pub workers: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            as_of: crate::clock::now(),
            limits: Limits::default(),
            budget: Budget::default(),
            workers: 8,
        }
    }
}

/// Events buffered between the driver and a consumer on another thread before the
/// driver waits for it.
pub const EVENT_BUFFER: usize = 256;

/// Run one host to the end on this thread and return its results: the simplest
/// consumer of the stream, for `scan`, tools, tests and benchmarks that need no
/// live view. `cancel` stops it early, as for `run_host`.
pub fn scan_host(
    catalog: &Catalog,
    target: &Target,
    transport: &dyn Transport,
    options: &Options,
    cancel: &Arc<AtomicBool>,
) -> HostResult {
    let mut done = None;
    let mut keep_result = |event: Event| {
        if let Event::HostDone(host) = event {
            done = Some(*host);
        }
        true
    };
    run_host(catalog, target, transport, options, cancel, &mut keep_result);
    done.unwrap_or_else(|| unreachable!("the driver always ends with HostDone"))
}

#[cfg(test)]
mod tests;
