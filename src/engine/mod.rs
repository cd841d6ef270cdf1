//! The engine: runs the probes a catalog needs on one target concurrently (each
//! probe once, each read once), and decides every control as soon as its evidence
//! is in, sending each decision on a channel so a UI can show it live; a batch
//! scan is one consumer. Evaluators run on a frozen snapshot, never doing I/O.

mod decide;

use crate::checklist::Catalog;
use crate::evidence::record::EvidenceRecord;
use crate::evidence::Snapshot;
use crate::probe::collector::{Collector, Entry, ProbeScope, Request};
use crate::results::{ControlResult, HostResult, Summary};
use crate::transport::{Limits, Transport};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;

/// What the engine reports while it works.
#[derive(Debug, Clone)]
pub enum Event {
    /// A probe finished: what it collected.
    ProbeDone {
        probe: usize,
        description: String,
        evidence: Vec<EvidenceRecord>,
    },
    /// A control's status is known.
    ControlDecided(Box<ControlResult>),
}

/// How to run one target.
#[derive(Debug, Clone)]
pub struct Options {
    pub as_of: DateTime<Utc>,
    pub limits: Limits,
    /// Probe worker threads.
    pub workers: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            as_of: crate::clock::now(),
            limits: Limits::default(),
            workers: 8,
        }
    }
}

/// The identity of a target in results.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub root: Option<String>,
}

/// Collect and evaluate one target; every decision also goes to `events`.
pub fn run_host(
    catalog: &Catalog,
    target: &Target,
    transport: &dyn Transport,
    options: &Options,
    events: &Sender<Event>,
) -> HostResult {
    let collector = Collector::new(transport, options.limits);
    let needed: Vec<usize> = catalog
        .controls
        .iter()
        .flat_map(|c| c.probes.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut state = Coordinator::new(catalog, options.as_of, events);
    state.decide_ready();
    let (done_tx, done_rx) = mpsc::channel::<(usize, Vec<Arc<Entry>>)>();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..options.workers.clamp(1, needed.len().max(1)) {
            let done_tx = done_tx.clone();
            let (collector, needed, next) = (&collector, &needed, &next);
            scope.spawn(move || {
                while let Some(&probe) = needed.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let touched = run_probe(catalog, collector, probe);
                    if done_tx.send((probe, touched)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        for (probe, touched) in done_rx {
            state.probe_done(probe, touched);
        }
    });
    state.finish(target, transport.describe())
}

/// Run one probe; a panic in a collector becomes an empty result, never a crash.
fn run_probe(catalog: &Catalog, collector: &Collector, probe: usize) -> Vec<Arc<Entry>> {
    let Some(spec) = catalog.probes.get(probe) else {
        return Vec::new();
    };
    let mut scope = ProbeScope::new(collector);
    let ran = std::panic::catch_unwind(AssertUnwindSafe(|| scope.run(&spec.kind)));
    if ran.is_err() {
        eprintln!(
            "vouch: internal error: probe `{}` failed; its evidence is incomplete",
            spec.kind.key()
        );
    }
    scope.into_touched()
}

/// Tracks which controls await which probes, and the snapshot so far.
struct Coordinator<'a> {
    catalog: &'a Catalog,
    as_of: DateTime<Utc>,
    events: &'a Sender<Event>,
    snapshot: Snapshot,
    entries: BTreeMap<Request, Arc<Entry>>,
    probe_requests: BTreeMap<usize, Vec<Request>>,
    waiting: Vec<BTreeSet<usize>>,
    decided: Vec<Option<ControlResult>>,
}

impl<'a> Coordinator<'a> {
    fn new(catalog: &'a Catalog, as_of: DateTime<Utc>, events: &'a Sender<Event>) -> Self {
        let waiting = catalog
            .controls
            .iter()
            .map(|c| c.probes.iter().copied().collect())
            .collect();
        Coordinator {
            catalog,
            as_of,
            events,
            snapshot: Snapshot::new(),
            entries: BTreeMap::new(),
            probe_requests: BTreeMap::new(),
            waiting,
            decided: vec![None; catalog.controls.len()],
        }
    }

    fn probe_done(&mut self, probe: usize, touched: Vec<Arc<Entry>>) {
        let mut requests = Vec::new();
        let mut fresh = Vec::new();
        for entry in touched {
            entry.record_into(&mut self.snapshot);
            if !requests.contains(&entry.request) {
                requests.push(entry.request.clone());
            }
            if !self.entries.contains_key(&entry.request) {
                fresh.push(entry.record.clone());
                self.entries.insert(entry.request.clone(), entry);
            }
        }
        self.probe_requests.insert(probe, requests);
        let description = self
            .catalog
            .probes
            .get(probe)
            .map(|p| p.description.clone())
            .unwrap_or_default();
        let _ = self.events.send(Event::ProbeDone {
            probe,
            description,
            evidence: fresh,
        });
        for waiting in &mut self.waiting {
            waiting.remove(&probe);
        }
        self.decide_ready();
    }

    fn decide_ready(&mut self) {
        for index in 0..self.catalog.controls.len() {
            if self.decided[index].is_some() || !self.waiting[index].is_empty() {
                continue;
            }
            let control = &self.catalog.controls[index];
            let mut result = decide::control(control, &self.snapshot, self.as_of);
            result.evidence_requests = control
                .probes
                .iter()
                .flat_map(|p| self.probe_requests.get(p).cloned().unwrap_or_default())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let _ = self.events.send(Event::ControlDecided(Box::new(result.clone())));
            self.decided[index] = Some(result);
        }
    }

    /// Number the evidence deterministically and assemble the host's results.
    fn finish(self, target: &Target, transport: String) -> HostResult {
        let mut evidence: Vec<EvidenceRecord> = Vec::with_capacity(self.entries.len());
        let mut ids: BTreeMap<&Request, String> = BTreeMap::new();
        for (n, (request, entry)) in self.entries.iter().enumerate() {
            let id = format!("ev-{:04}", n + 1);
            let mut record = entry.record.clone();
            record.id = id.clone();
            ids.insert(request, id);
            evidence.push(record);
        }
        let controls: Vec<ControlResult> = self
            .decided
            .into_iter()
            .flatten()
            .map(|mut c| {
                c.evidence = c.evidence_requests.iter().filter_map(|r| ids.get(r).cloned()).collect();
                c
            })
            .collect();
        HostResult {
            target: target.name.clone(),
            root: target.root.clone(),
            app_dir: None,
            app_dir_source: None,
            transport,
            summary: Summary::of(controls.iter().map(|c| &c.status)),
            controls,
            evidence,
        }
    }
}

#[cfg(test)]
mod tests;
