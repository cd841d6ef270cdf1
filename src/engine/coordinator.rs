//! The engine's pure core: which controls await which probes, the snapshot so far,
//! and every decision. `handle(msg) -> Vec<Event>` does no I/O and spawns nothing,
//! so it is tested by feeding it messages; the driver runs the workers.

use super::decide;
use super::Event;
use crate::checklist::Catalog;
use crate::evidence::record::{EvidenceId, EvidenceRecord};
use crate::evidence::Snapshot;
use crate::model::{Outcome, Status, Target};
use crate::probe::collector::{Entry, Halt, Request};
use crate::results::{ControlResult, HostResult, Summary};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// What the driver tells the coordinator.
#[derive(Debug)]
pub enum Msg {
    /// Before any probe: announce the host and decide what needs no evidence.
    Start,
    /// A worker began running a probe.
    ProbeStarted(usize),
    /// A probe ended: everything it touched, and why it crashed if it did.
    ProbeFinished {
        probe: usize,
        touched: Vec<Arc<Entry>>,
        crashed: Option<String>,
    },
    /// The application was looked for: where it is, and what that touched.
    AppFound {
        found: super::AppFound,
        touched: Vec<Arc<Entry>>,
    },
    /// The host's facts were read: what that touched.
    Facts(Vec<Arc<Entry>>),
    /// Collection stopped: cancelled, or the target stopped answering.
    Halted(Halt),
    /// Every worker is done: report probes that never ran, decide what is left
    /// and hand over the host's results.
    Finish,
}

/// Tracks the state of one host's scan.
pub struct Coordinator<'a> {
    catalog: &'a Catalog,
    target: Target,
    transport: String,
    as_of: DateTime<Utc>,
    snapshot: Snapshot,
    entries: BTreeMap<Request, Arc<Entry>>,
    probe_requests: BTreeMap<usize, BTreeSet<Request>>,
    /// Probes whose evidence is incomplete, with the reason.
    broken: BTreeMap<usize, String>,
    waiting: Vec<BTreeSet<usize>>,
    decided: Vec<Option<ControlResult>>,
    halt: Option<Halt>,
    facts: Option<crate::parse::host::HostFacts>,
    started: bool,
    /// `Finish` handed the results over: nothing more happens.
    finished: bool,
}

impl<'a> Coordinator<'a> {
    pub fn new(catalog: &'a Catalog, target: Target, transport: String, as_of: DateTime<Utc>) -> Self {
        let waiting = catalog
            .controls
            .iter()
            .map(|c| c.probes.iter().copied().collect())
            .collect();
        Coordinator {
            catalog,
            target,
            transport,
            as_of,
            snapshot: Snapshot::new(),
            entries: BTreeMap::new(),
            probe_requests: BTreeMap::new(),
            broken: BTreeMap::new(),
            waiting,
            decided: vec![None; catalog.controls.len()],
            halt: None,
            facts: None,
            started: false,
            finished: false,
        }
    }

    /// The probes the catalog's controls need, each once, in catalog order.
    pub fn needed_probes(&self) -> Vec<usize> {
        let needed: BTreeSet<usize> = self
            .catalog
            .controls
            .iter()
            .flat_map(|c| c.probes.iter().copied())
            .collect();
        needed.into_iter().collect()
    }

    pub fn handle(&mut self, msg: Msg) -> Vec<Event> {
        let mut events = Vec::new();
        if self.finished {
            return events;
        }
        match msg {
            Msg::Start if self.started => {}
            Msg::Start => {
                self.started = true;
                events.push(Event::HostStarted {
                    target: self.target.name.clone(),
                    probes: self.needed_probes().len(),
                    controls: self.catalog.controls.len(),
                });
                self.decide_ready(&mut events);
            }
            Msg::ProbeStarted(probe) => events.push(Event::ProbeStarted {
                probe,
                description: self.describe(probe),
            }),
            Msg::ProbeFinished {
                probe,
                touched,
                crashed,
            } => self.probe_finished(probe, touched, crashed, &mut events),
            Msg::AppFound { found, touched } => {
                let evidence = self.keep(touched);
                match &found.dir {
                    Some(dir) => {
                        self.target.app_dir = Some(dir.clone());
                        self.target.app_dir_source = Some(found.how.clone());
                        self.target.app_unfound = None;
                    }
                    None => {
                        self.target.app_dir = None;
                        self.target.app_dir_source = None;
                        self.target.app_unfound = Some(found.how.clone());
                    }
                }
                events.push(Event::AppFound {
                    app_dir: found.dir,
                    how: found.how,
                    evidence,
                });
            }
            Msg::Facts(touched) => {
                let fresh = self.keep(touched);
                let facts = crate::parse::host::facts(&self.snapshot);
                self.facts = Some(facts.clone());
                events.push(Event::FactsFound { facts, evidence: fresh });
            }
            Msg::Halted(halt) => {
                if self.halt.is_none() {
                    events.push(Event::Halted { reason: halt.reason() });
                    self.halt = Some(halt);
                    self.decide_unfinished(&mut events);
                }
            }
            Msg::Finish => {
                self.report_unrun(&mut events);
                self.decide_unfinished(&mut events);
                let host = self.assemble();
                self.finished = true;
                events.push(Event::HostDone(Box::new(host)));
            }
        }
        events
    }

    /// Record what a side read (facts, app discovery) touched; the records no
    /// earlier read had.
    fn keep(&mut self, touched: Vec<Arc<Entry>>) -> Vec<EvidenceRecord> {
        let mut fresh = Vec::new();
        for entry in touched.into_iter().filter(|e| !e.halted) {
            if !self.entries.contains_key(&entry.request) {
                entry.record_into(&mut self.snapshot);
                fresh.push(entry.record.clone());
                self.entries.insert(entry.request.clone(), entry);
            }
        }
        fresh
    }

    fn describe(&self, probe: usize) -> String {
        self.catalog
            .probes
            .get(probe)
            .map(|p| p.description.clone())
            .unwrap_or_default()
    }

    fn probe_finished(
        &mut self,
        probe: usize,
        touched: Vec<Arc<Entry>>,
        crashed: Option<String>,
        events: &mut Vec<Event>,
    ) {
        let mut requests = BTreeSet::new();
        let mut fresh: Vec<EvidenceRecord> = Vec::new();
        let mut incomplete = crashed;
        for entry in touched {
            if entry.halted {
                // Its note says why it was not asked ("not collected: ...").
                incomplete.get_or_insert_with(|| entry.record.note().unwrap_or_default().to_string());
                continue;
            }
            requests.insert(entry.request.clone());
            if !self.entries.contains_key(&entry.request) {
                entry.record_into(&mut self.snapshot);
                fresh.push(entry.record.clone());
                self.entries.insert(entry.request.clone(), entry);
            }
        }
        self.probe_requests.insert(probe, requests);
        let description = self.describe(probe);
        match incomplete {
            None => events.push(Event::ProbeDone {
                probe,
                description,
                evidence: fresh,
            }),
            Some(reason) => {
                self.broken.insert(probe, format!("{description}: {reason}"));
                events.push(Event::ProbeFailed {
                    probe,
                    description,
                    reason,
                    evidence: fresh,
                });
            }
        }
        for waiting in &mut self.waiting {
            waiting.remove(&probe);
        }
        self.decide_ready(events);
    }

    /// Every needed probe that never reported (collection halted before it began)
    /// fails with the reason, so each probe ends with exactly one done or failed.
    fn report_unrun(&mut self, events: &mut Vec<Event>) {
        let reason = match &self.halt {
            Some(halt) => format!("not run: {}", halt.reason()),
            None => "not run".to_string(),
        };
        for probe in self.needed_probes() {
            if let std::collections::btree_map::Entry::Vacant(slot) = self.probe_requests.entry(probe) {
                slot.insert(BTreeSet::new());
                let description = self.describe(probe);
                events.push(Event::ProbeFailed {
                    probe,
                    description,
                    reason: reason.clone(),
                    evidence: Vec::new(),
                });
            }
        }
    }

    /// Decide every control whose probes are all in.
    fn decide_ready(&mut self, events: &mut Vec<Event>) {
        for index in 0..self.catalog.controls.len() {
            if self.decided[index].is_some() || !self.waiting[index].is_empty() {
                continue;
            }
            let control = &self.catalog.controls[index];
            let broken: Vec<&String> = control.probes.iter().filter_map(|p| self.broken.get(p)).collect();
            let mut result = if broken.is_empty() {
                decide::control(control, &self.snapshot, self.as_of, &self.target)
            } else {
                let reason = broken.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ");
                let outcome = Outcome::error(format!("not evaluated: evidence incomplete ({reason})"));
                decide::from_outcome(control, outcome)
            };
            result.evidence = self.evidence_of(&control.probes);
            self.record(index, result, events);
        }
    }

    /// Decide, as not evaluated, every control still waiting (after a halt or at the end).
    fn decide_unfinished(&mut self, events: &mut Vec<Event>) {
        let reason = match &self.halt {
            Some(halt) => halt.reason(),
            None => "its probes did not run".to_string(),
        };
        for index in 0..self.catalog.controls.len() {
            if self.decided[index].is_some() {
                continue;
            }
            let control = &self.catalog.controls[index];
            let outcome = Outcome::new(Status::Error, format!("not evaluated: {reason}"));
            let mut result = decide::from_outcome(control, outcome);
            result.evidence = self.evidence_of(&control.probes);
            self.record(index, result, events);
        }
    }

    fn record(&mut self, index: usize, result: ControlResult, events: &mut Vec<Event>) {
        events.push(Event::ControlDecided(Box::new(result.clone())));
        self.decided[index] = Some(result);
    }

    /// The evidence ids a control cites: what its probes touched, in request order.
    fn evidence_of(&self, probes: &[usize]) -> Vec<EvidenceId> {
        let requests: BTreeSet<&Request> = probes
            .iter()
            .filter_map(|p| self.probe_requests.get(p))
            .flatten()
            .collect();
        let mut seen = std::collections::HashSet::with_capacity(requests.len());
        requests
            .into_iter()
            .filter_map(|request| self.entries.get(request))
            .map(|entry| entry.record.id().clone())
            .filter(|id| seen.insert(id.clone()))
            .collect()
    }

    /// The host's results: controls in checklist order, evidence in request order.
    /// Finishing hands them over: the coordinator keeps no copy.
    fn assemble(&mut self) -> HostResult {
        let controls: Vec<ControlResult> = std::mem::take(&mut self.decided).into_iter().flatten().collect();
        HostResult {
            target: self.target.name.clone(),
            root: self.target.root.clone(),
            app_dir: self.target.app_dir.clone(),
            app_dir_source: self.target.app_dir_source.clone(),
            transport: self.transport.clone(),
            host_key: self.target.host_key.clone(),
            error: self.halt.as_ref().map(Halt::reason),
            facts: self.facts.take().filter(|f| !f.is_empty()),
            summary: Summary::of(controls.iter().map(|c| &c.status)),
            controls,
            evidence: std::mem::take(&mut self.entries)
                .into_values()
                .map(|e| Arc::try_unwrap(e).map_or_else(|shared| shared.record.clone(), |entry| entry.record))
                .collect(),
        }
    }
}
