//! A session recording a scan as it runs: an engine event sink that writes each
//! new piece of evidence (its bytes into the blob store) and each decided status
//! to the journal, flushed before the engine goes on. A write that fails stops the
//! scan (nothing may be shown as saved that is not), and says why.

use super::events::Event;
use super::journal::{Actor, Writer};
use super::store::Store;
use crate::engine::{self, EventSink};
use crate::results::SectionInfo;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// What a new session is about.
#[derive(Debug, Clone)]
pub struct Start {
    pub target: String,
    pub root: Option<String>,
    pub transport: String,
    pub auditor: String,
    pub as_of: DateTime<Utc>,
    pub sections: Vec<SectionInfo>,
}

/// An open session being written.
pub struct Recording {
    store: Store,
    id: String,
    writer: Writer,
    /// The first write that failed, if one did.
    pub failure: Option<String>,
}

impl Recording {
    /// Start a session: its id is derived from what it is about and when it
    /// started, its folder made, its first line written.
    pub fn start(store: &Store, start: Start) -> Result<Recording, String> {
        let event = Event::SessionStarted {
            target: start.target,
            root: start.root,
            transport: start.transport,
            auditor: start.auditor,
            as_of: start.as_of,
            tool: format!("vouch {}", env!("CARGO_PKG_VERSION")),
            sections: start.sections,
        };
        let value = serde_json::to_value(&event).map_err(|e| e.to_string())?;
        let seed = format!("{value}{}", crate::clock::rfc3339(&crate::clock::now()));
        let id = hex::encode(Sha256::digest(seed.as_bytes()))[..12].to_string();
        let dir = store.create(&id)?;
        let (mut writer, _) = Writer::open(&dir.join("journal.jsonl")).map_err(|e| e.to_string())?;
        writer.append(Actor::Auditor, value).map_err(|e| e.to_string())?;
        Ok(Recording {
            store: store.clone(),
            id,
            writer,
            failure: None,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Write one event; the first failure is kept and ends the recording.
    pub fn write(&mut self, actor: Actor, event: &Event) -> bool {
        if self.failure.is_some() {
            return false;
        }
        let written = serde_json::to_value(event)
            .map_err(|e| e.to_string())
            .and_then(|value| self.writer.append(actor, value).map(|_| ()).map_err(|e| e.to_string()));
        if let Err(reason) = written {
            self.failure = Some(reason);
            return false;
        }
        true
    }

    fn evidence(&mut self, records: Vec<crate::evidence::record::EvidenceRecord>) -> bool {
        for record in records {
            if let Some(sha) = record.sha256() {
                let stored = self.store.put_blob(&self.id, sha, record.content().as_bytes());
                if let Err(reason) = stored {
                    self.failure = Some(reason);
                    return false;
                }
            }
            if !self.write(Actor::Collector, &Event::EvidenceCollected { record }) {
                return false;
            }
        }
        true
    }
}

impl EventSink for Recording {
    fn accept(&mut self, event: engine::Event) -> bool {
        match event {
            engine::Event::ProbeDone { evidence, .. } | engine::Event::ProbeFailed { evidence, .. } => {
                self.evidence(evidence)
            }
            engine::Event::ControlDecided(result) => {
                self.write(Actor::Collector, &Event::StatusDecided { result: *result })
            }
            engine::Event::Halted { reason } => self.write(Actor::Collector, &Event::Halted { reason }),
            engine::Event::HostStarted { .. } | engine::Event::ProbeStarted { .. } | engine::Event::HostDone(_) => true,
        }
    }
}
