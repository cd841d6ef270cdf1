//! A session rebuilt by replaying its journal: the target, the auditor, the
//! evidence and the latest status of every control, and whether it finished —
//! and the results document of it, as `scan` would print.

use super::events::Event;
use super::journal::{self, JournalError, Replay};
use crate::evidence::record::{EvidenceId, EvidenceRecord};
use crate::results::{ControlResult, HostResult, ScanResults, SectionInfo, Summary, Tool, SCHEMA};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::Path;

/// One session, as its journal says.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub target: String,
    pub root: Option<String>,
    pub transport: String,
    pub auditor: String,
    pub as_of: DateTime<Utc>,
    pub started: DateTime<Utc>,
    pub last_change: DateTime<Utc>,
    pub sections: Vec<SectionInfo>,
    pub evidence: BTreeMap<EvidenceId, EvidenceRecord>,
    /// The latest result of each control, in the order they were first decided.
    pub controls: Vec<ControlResult>,
    pub error: Option<String>,
    pub finished: bool,
    /// A cut-short last line, when the journal had one (reported, not replayed).
    pub truncated: Option<String>,
}

impl Session {
    /// Replay the journal of session `id` in `dir`.
    pub fn load(id: &str, dir: &Path) -> Result<Session, String> {
        let replay = journal::read(&dir.join("journal.jsonl")).map_err(|e: JournalError| e.to_string())?;
        Session::replay(id, &replay)
    }

    pub fn replay(id: &str, replay: &Replay) -> Result<Session, String> {
        let mut lines = replay.lines.iter();
        let first = lines
            .next()
            .ok_or_else(|| format!("session {id} has an empty journal"))?;
        let Ok(Event::SessionStarted {
            target,
            root,
            transport,
            auditor,
            as_of,
            sections,
            ..
        }) = serde_json::from_value(first.event.clone())
        else {
            return Err(format!(
                "session {id}: the journal does not begin with the session's start"
            ));
        };
        let mut session = Session {
            id: id.to_string(),
            target,
            root,
            transport,
            auditor,
            as_of,
            started: first.at,
            last_change: first.at,
            sections,
            evidence: BTreeMap::new(),
            controls: Vec::new(),
            error: None,
            finished: false,
            truncated: replay.truncated.clone(),
        };
        for line in lines {
            session.last_change = line.at;
            // An event this vouch does not know is kept in the journal, not replayed.
            let Ok(event) = serde_json::from_value::<Event>(line.event.clone()) else {
                continue;
            };
            session.apply(event);
        }
        Ok(session)
    }

    fn apply(&mut self, event: Event) {
        match event {
            Event::SessionStarted { .. } => {}
            Event::EvidenceCollected { record } => {
                self.evidence.insert(record.id().clone(), record);
            }
            Event::StatusDecided { result } => match self.controls.iter_mut().find(|c| c.id == result.id) {
                Some(known) => *known = result,
                None => self.controls.push(result),
            },
            Event::Halted { reason } => self.error = Some(reason),
            Event::Finished => self.finished = true,
        }
    }

    /// The results document of this session (cli.md's `vouch.results/1`).
    pub fn results(&self) -> ScanResults {
        let host = HostResult {
            target: self.target.clone(),
            root: self.root.clone(),
            app_dir: None,
            app_dir_source: None,
            transport: self.transport.clone(),
            error: self.error.clone(),
            summary: Summary::of(self.controls.iter().map(|c| &c.status)),
            controls: self.controls.clone(),
            evidence: self.evidence.values().cloned().collect(),
        };
        ScanResults {
            schema: SCHEMA.to_string(),
            tool: Tool::this(),
            as_of: self.as_of,
            sections: self.sections.clone(),
            hosts: vec![host],
        }
    }
}
