//! A session recording a scan as it runs: an engine event sink that writes each
//! new piece of evidence (its bytes into the blob store) and each decided status
//! to the journal, flushed before the engine goes on. A write that fails stops the
//! scan (nothing may be shown as saved that is not), and says why.

use super::events::Event;
use super::journal::{Actor, Writer};
use super::store::Store;
use crate::engine::{self, EventSink};
use crate::evidence::record::{AttestationRecord, Payload, Provenance};
use crate::evidence::recorder::{self, Draft};
use crate::model::answers::AnswerValue;
use crate::results::Override;
use crate::results::SectionInfo;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The largest document an answer may carry (a policy PDF, a restore-test
/// recording): larger ones are refused before they fill the disk.
pub const ATTACHMENT_CAP: u64 = 4 * 1024 * 1024 * 1024;

/// A file's name as a document is listed (lossless, see `pathname`).
pub fn display_name(file: &std::path::Path) -> String {
    file.file_name()
        .map(|n| crate::pathname::from_bytes(std::os::unix::ffi::OsStrExt::as_bytes(n)).into_owned())
        .unwrap_or_default()
}

/// Every free text a person types (a name, a role, a reason) is redacted like
/// evidence before it is stored.
fn redacted(text: &str) -> String {
    crate::evidence::redact::redact(text).text
}

/// What a new session is about.
#[derive(Debug, Clone)]
pub struct Start {
    pub target: String,
    pub root: Option<String>,
    /// The application's directory `--app-dir` named, if any.
    pub app_dir: Option<String>,
    /// The SHA256 fingerprint of the host key it was trusted by (SSH).
    pub host_key: Option<String>,
    pub transport: String,
    pub auditor: String,
    pub as_of: DateTime<Utc>,
    pub sections: Vec<SectionInfo>,
    /// The checklists in use (their text is kept in the session).
    pub checklists: Vec<crate::checklist::ChecklistInfo>,
    pub only: Vec<String>,
    pub organisation: Option<String>,
    pub auditor_email: Option<String>,
}

/// An open session being written.
pub struct Recording {
    store: Store,
    id: String,
    writer: Writer,
    /// The first write that failed, if one did.
    pub failure: Option<String>,
    /// On resuming: the cut-short last line that was dropped (a crash mid-write),
    /// to be told to the auditor.
    pub recovered: Option<String>,
}

impl Recording {
    /// Start a session: its id is derived from what it is about and when it
    /// started, its folder made, its first line written.
    pub fn start(store: &Store, start: Start) -> Result<Recording, String> {
        let used = start
            .checklists
            .iter()
            .map(|c| super::events::ChecklistUsed {
                id: c.id.clone(),
                version: c.version.clone(),
                origin: c.origin.clone(),
                sha256: c.sha256.clone(),
            })
            .collect();
        let event = Event::SessionStarted {
            target: start.target,
            root: start.root,
            app_dir: start.app_dir,
            host_key: start.host_key,
            transport: start.transport,
            auditor: redacted(&start.auditor),
            as_of: start.as_of,
            tool: format!("vouch {}", env!("CARGO_PKG_VERSION")),
            sections: start.sections,
            checklists: used,
            only: start.only,
            organisation: start.organisation.as_deref().map(redacted),
            auditor_email: start.auditor_email.as_deref().map(redacted),
        };
        let value = serde_json::to_value(&event).map_err(|e| e.to_string())?;
        // Two sessions started in the same instant on the same target still get
        // different ids: the seed carries random bytes (and create() refuses an
        // id already taken rather than writing into it). With the clock fixed
        // (SOURCE_DATE_EPOCH) the id comes from the content alone, so the same
        // scan gives the same bundle; random bytes only if that id is taken.
        let id_of = |nonce: &[u8]| {
            let seed = format!(
                "{value}{}{}",
                crate::clock::rfc3339(&crate::clock::now()),
                hex::encode(nonce)
            );
            hex::encode(Sha256::digest(seed.as_bytes()))[..12].to_string()
        };
        let random = || {
            let mut nonce = [0u8; 16];
            let _ = rustix::rand::getrandom(&mut nonce, rustix::rand::GetRandomFlags::empty());
            id_of(&nonce)
        };
        let (id, dir) = if crate::clock::is_fixed() {
            let id = id_of(&[]);
            match store.create(&id) {
                Ok(dir) => (id, dir),
                Err(_) => {
                    let id = random();
                    let dir = store.create(&id)?;
                    (id, dir)
                }
            }
        } else {
            let id = random();
            let dir = store.create(&id)?;
            (id, dir)
        };
        for checklist in &start.checklists {
            store.put_blob(&id, &checklist.sha256, checklist.text.as_bytes())?;
        }
        let (mut writer, _) = Writer::open(&dir.join("journal.jsonl")).map_err(|e| e.to_string())?;
        writer.append(Actor::Auditor, value).map_err(|e| e.to_string())?;
        Ok(Recording {
            store: store.clone(),
            id,
            writer,
            failure: None,
            recovered: None,
        })
    }

    /// Go on writing a saved session (the walkthrough reopening it); refused while
    /// another vouch holds it.
    pub fn resume(store: &Store, id: &str) -> Result<Recording, String> {
        let dir = store.session_dir(id)?;
        let path = dir.join("journal.jsonl");
        if !path.is_file() {
            return Err(format!("no session {id}"));
        }
        let (writer, replay) = Writer::open(&path).map_err(|e| e.to_string())?;
        let session = super::state::Session::replay(id, &replay)?;
        if session.finished {
            return Err(format!("session {id} is finished; start a new one"));
        }
        Ok(Recording {
            store: store.clone(),
            id: id.to_string(),
            writer,
            failure: None,
            recovered: replay.truncated,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Record an interview answer to `question` of `control`, as an attestation
    /// (redacted, hashed) and an event; on disk when this returns Ok. An answer
    /// the question does not take is refused with why.
    pub fn answer(
        &mut self,
        control: &str,
        question: &crate::checklist::Question,
        answer: AnswerValue,
        by: &str,
        role: &str,
    ) -> Result<(), String> {
        self.answer_as(control, question, answer, (by, role), false)
    }

    /// An answer the collected evidence settled, confirmed by `by` (`role`).
    pub fn confirm(
        &mut self,
        control: &str,
        question: &crate::checklist::Question,
        answer: AnswerValue,
        by: &str,
        role: &str,
    ) -> Result<(), String> {
        self.answer_as(control, question, answer, (by, role), true)
    }

    fn answer_as(
        &mut self,
        control: &str,
        question: &crate::checklist::Question,
        answer: AnswerValue,
        (by, role): (&str, &str),
        from_evidence: bool,
    ) -> Result<(), String> {
        question.accepts(&answer)?;
        let question = question.id.as_str();
        let text = answer.to_string();
        let payload = Payload::Attestation(AttestationRecord {
            control: control.to_string(),
            question: question.to_string(),
            by: redacted(by),
        });
        let mut draft =
            Draft::new(payload, format!("{control}/{question}"), crate::clock::now()).body(text.into_bytes());
        draft.provenance = Provenance::Attested;
        let record = recorder::record(draft);
        if let Some(sha) = record.sha256() {
            if let Err(reason) = self.store.put_blob(&self.id, sha, record.content().as_bytes()) {
                self.failure = Some(reason.clone());
                return Err(reason);
            }
        }
        // A free-text answer is kept as the recorder redacted it.
        let answer = match answer {
            AnswerValue::Text(_) => AnswerValue::Text(record.content().to_string()),
            other => other,
        };
        let event = Event::AnswerGiven {
            control: control.to_string(),
            question: question.to_string(),
            answer,
            by: redacted(by),
            role: redacted(role),
            record,
            from_evidence,
        };
        if self.write(Actor::Auditor, &event) {
            Ok(())
        } else {
            Err(self.failure.clone().unwrap_or_default())
        }
    }

    /// Attach a document to an answer: streamed into the blob store while hashed
    /// (never held whole in memory), kept byte for byte, recorded as evidence.
    pub fn attach(&mut self, control: &str, question: &str, file: &std::path::Path) -> Result<(), String> {
        let copied = std::sync::atomic::AtomicU64::new(0);
        let (sha256, bytes) = self.store.put_file(&self.id, file, ATTACHMENT_CAP, &copied)?;
        self.attached(control, question, &display_name(file), &sha256, bytes)
    }

    /// Record a document already copied into this session's store (by
    /// [`Store::put_file`], on another thread while the screen shows progress).
    pub fn attached(
        &mut self,
        control: &str,
        question: &str,
        name: &str,
        sha256: &str,
        bytes: u64,
    ) -> Result<(), String> {
        let record = recorder::record_attachment(control, name, sha256, bytes, crate::clock::now());
        let event = Event::AttachmentAdded {
            control: control.to_string(),
            question: question.to_string(),
            record,
        };
        if self.write(Actor::Auditor, &event) {
            Ok(())
        } else {
            Err(self.failure.clone().unwrap_or_default())
        }
    }

    /// The store and id this session is written to (to copy files into it).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A note on a control (redacted like any text); on disk when this returns Ok.
    pub fn note(&mut self, control: &str, text: &str, by: &str) -> Result<(), String> {
        if text.trim().is_empty() {
            return Err("a note needs some text".to_string());
        }
        let text = crate::evidence::redact::redact(text).text;
        let event = Event::NoteAdded {
            control: control.to_string(),
            text,
            by: redacted(by),
        };
        if self.write(Actor::Auditor, &event) {
            Ok(())
        } else {
            Err(self.failure.clone().unwrap_or_default())
        }
    }

    /// Override a control's status, with a reason (required) and its approver and
    /// expiry; the evaluated status is kept beside it.
    pub fn set_override(&mut self, control: &str, decision: Override) -> Result<(), String> {
        if decision.reason.trim().is_empty() {
            return Err("an override needs a reason".to_string());
        }
        let decision = Override {
            reason: redacted(&decision.reason),
            by: redacted(&decision.by),
            approved_by: decision.approved_by.as_deref().map(redacted),
            ..decision
        };
        let event = Event::OverrideSet {
            control: control.to_string(),
            decision,
        };
        if self.write(Actor::Auditor, &event) {
            Ok(())
        } else {
            Err(self.failure.clone().unwrap_or_default())
        }
    }

    /// From now on `person` answers (redacted like any text), or with `None`
    /// the auditor again; on disk when this returns Ok.
    pub fn on_the_call(&mut self, person: Option<&super::events::Person>) -> Result<(), String> {
        let Some(person) = person else {
            return if self.write(Actor::Auditor, &Event::OffTheCall) {
                Ok(())
            } else {
                Err(self.failure.clone().unwrap_or_default())
            };
        };
        if person.name.trim().is_empty() {
            return Err("who is on the call needs a name".to_string());
        }
        let person = super::events::Person {
            name: redacted(person.name.trim()),
            role: redacted(person.role.trim()),
            email: person
                .email
                .as_deref()
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(redacted),
        };
        if self.write(Actor::Auditor, &Event::OnTheCall { person }) {
            Ok(())
        } else {
            Err(self.failure.clone().unwrap_or_default())
        }
    }

    /// The auditor ends the session: it can be shown and exported, no longer
    /// written (a resume is refused). On disk when this returns true.
    pub fn finish(&mut self) -> bool {
        self.write(Actor::Auditor, &Event::Finished)
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
            engine::Event::FactsFound { facts, evidence } => {
                self.evidence(evidence) && self.write(Actor::Collector, &Event::HostFacts { facts })
            }
            engine::Event::AppFound { app_dir, how, evidence } => {
                self.evidence(evidence) && self.write(Actor::Collector, &Event::AppFound { app_dir, how })
            }
            engine::Event::Halted { reason } => self.write(Actor::Collector, &Event::Halted { reason }),
            engine::Event::HostStarted { .. } => self.write(Actor::Collector, &Event::CollectionStarted),
            engine::Event::ProbeStarted { .. } | engine::Event::HostDone(_) => true,
        }
    }
}
