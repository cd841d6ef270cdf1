//! A session rebuilt by replaying its journal: the target, the auditor, the
//! evidence and the latest status of every control, and whether it finished —
//! and the results document of it, as `scan` would print.

use super::events::{ChecklistUsed, Event, Person};
use super::journal::{self, JournalError, Replay};
use super::store::Store;
use crate::checklist::Catalog;
use crate::evidence::record::{EvidenceId, EvidenceRecord};
use crate::model::answers::{self, Given};
use crate::model::{Mode, Status};
use crate::results::{
    AnswerOut, ControlResult, HostResult, NoteOut, Override, ScanResults, SectionInfo, Summary, Tool, SCHEMA,
};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::Path;

/// The largest checklist file a session reads back.
const CHECKLIST_CAP: u64 = 16 * 1024 * 1024;

/// One session, as its journal says.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub target: String,
    pub root: Option<String>,
    /// The application's directory `--app-dir` named when the session began.
    pub app_dir_given: Option<String>,
    /// Where the application was found at the last collection, and how (or why not).
    pub app_dir: Option<String>,
    pub app_dir_source: Option<String>,
    /// The SHA256 fingerprint of the host key it was trusted by (SSH).
    pub host_key: Option<String>,
    pub transport: String,
    pub auditor: String,
    pub as_of: DateTime<Utc>,
    pub started: DateTime<Utc>,
    pub last_change: DateTime<Utc>,
    pub sections: Vec<SectionInfo>,
    /// The host's name, OS and kernel, as last read.
    pub facts: Option<crate::parse::host::HostFacts>,
    /// The checklists it started with (kept in its blob store), and `--only`.
    pub checklists: Vec<ChecklistUsed>,
    pub only: Vec<String>,
    pub organisation: Option<String>,
    pub auditor_email: Option<String>,
    /// Everyone interviewed, in the order they first came on the call.
    pub interviewees: Vec<Person>,
    /// Who answers now (none: the auditor).
    pub on_call: Option<Person>,
    pub evidence: BTreeMap<EvidenceId, EvidenceRecord>,
    /// The latest result of each control, in the order they were first decided.
    pub controls: Vec<ControlResult>,
    pub error: Option<String>,
    /// Answers by control, then question: the latest wins.
    pub answers: BTreeMap<String, BTreeMap<String, AnswerOut>>,
    /// Questions with a document attached, by control.
    pub attached: BTreeMap<String, Vec<(String, EvidenceId)>>,
    pub notes: BTreeMap<String, Vec<NoteOut>>,
    pub overrides: BTreeMap<String, Override>,
    pub finished: bool,
    /// Collections begun so far, the one the last halt stopped, and the controls
    /// decided again by a later one: once every control has been, the halt no
    /// longer makes the results incomplete.
    collection: u32,
    halted_in: u32,
    since_halt: std::collections::BTreeSet<String>,
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
            app_dir,
            host_key,
            transport,
            auditor,
            as_of,
            sections,
            checklists,
            only,
            organisation,
            auditor_email,
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
            app_dir_given: app_dir,
            app_dir: None,
            app_dir_source: None,
            host_key,
            transport,
            auditor,
            as_of,
            started: first.at,
            last_change: first.at,
            sections,
            checklists,
            only,
            organisation,
            auditor_email,
            interviewees: Vec::new(),
            facts: None,
            on_call: None,
            evidence: BTreeMap::new(),
            controls: Vec::new(),
            error: None,
            answers: BTreeMap::new(),
            attached: BTreeMap::new(),
            notes: BTreeMap::new(),
            overrides: BTreeMap::new(),
            finished: false,
            collection: 0,
            halted_in: 0,
            since_halt: std::collections::BTreeSet::new(),
            truncated: replay.truncated.clone(),
        };
        for line in lines {
            session.last_change = line.at;
            // An event this vouch does not know is kept in the journal, not replayed.
            let Ok(event) = serde_json::from_value::<Event>(line.event.clone()) else {
                continue;
            };
            session.apply(event, line.at);
        }
        Ok(session)
    }

    fn apply(&mut self, event: Event, at: DateTime<Utc>) {
        match event {
            Event::AnswerGiven {
                control,
                question,
                answer,
                by,
                role,
                record,
                from_evidence,
            } => {
                let answer = AnswerOut {
                    from_evidence,
                    question: question.clone(),
                    answer,
                    by,
                    role,
                    at,
                    evidence: vec![record.id().clone()],
                };
                self.evidence.insert(record.id().clone(), record);
                self.answers.entry(control).or_default().insert(question, answer);
            }
            Event::AttachmentAdded {
                control,
                question,
                record,
            } => {
                self.attached
                    .entry(control)
                    .or_default()
                    .push((question, record.id().clone()));
                self.evidence.insert(record.id().clone(), record);
            }
            Event::NoteAdded { control, text, by } => {
                self.notes.entry(control).or_default().push(NoteOut { text, by, at });
            }
            Event::OverrideSet { control, decision } => {
                self.overrides.insert(control, decision);
            }
            Event::SessionStarted { .. } => {}
            Event::OnTheCall { person } => {
                if !self.interviewees.contains(&person) {
                    self.interviewees.push(person.clone());
                }
                self.on_call = Some(person);
            }
            Event::OffTheCall => self.on_call = None,
            Event::EvidenceCollected { record } => {
                self.evidence.insert(record.id().clone(), record);
            }
            Event::StatusDecided { result } => {
                if self.error.is_some() && self.collection > self.halted_in {
                    // Decided again by a collection begun after the halt.
                    self.since_halt.insert(result.id.clone());
                }
                match self.controls.iter_mut().find(|c| c.id == result.id) {
                    Some(known) => *known = result,
                    None => self.controls.push(result),
                }
            }
            Event::AppFound { app_dir, how } => {
                self.app_dir_source = app_dir.as_ref().map(|_| how);
                self.app_dir = app_dir;
            }
            Event::HostFacts { facts } => self.facts = Some(facts).filter(|f| !f.is_empty()),
            Event::CollectionStarted => self.collection += 1,
            Event::Halted { reason } => {
                self.error = Some(reason);
                self.halted_in = self.collection;
                self.since_halt.clear();
            }
            Event::Finished => self.finished = true,
        }
    }

    /// The checklists this session started with, read back from its blob store
    /// (each checked against its SHA-256) and restricted as they were: a session
    /// is decided by the versions it began with, whatever is installed since. A
    /// session saved before sessions kept them is read with the bundled ones.
    pub fn catalog(&self, store: &Store) -> Result<Catalog, String> {
        let texts = if self.checklists.is_empty() {
            crate::checklist::bundled::texts()
        } else {
            let mut texts = Vec::new();
            for used in &self.checklists {
                let bytes = store.get_blob(&self.id, &used.sha256, CHECKLIST_CAP)?;
                let text = String::from_utf8(bytes)
                    .map_err(|_| format!("checklist {} of session {}: not UTF-8", used.origin, self.id))?;
                texts.push(crate::checklist::ChecklistText {
                    origin: used.origin.clone(),
                    text,
                });
            }
            texts
        };
        let (mut catalog, _) = crate::checklist::load_catalog(&texts).map_err(|e| {
            let first = e.diagnostics.first().map(ToString::to_string).unwrap_or_default();
            format!("the checklists of session {} no longer load: {first}", self.id)
        })?;
        catalog.restrict(&self.only);
        Ok(catalog)
    }

    /// The results document of this session (cli.md's `vouch.results/1`): each
    /// control as collected and decided, then decided again by its answers (by the
    /// rules of `catalog`'s questions), ruled out by another's answers, and
    /// overridden — with its answers, their evidence and its notes.
    pub fn results(&self, catalog: &Catalog) -> ScanResults {
        let excluded = self.excluded(catalog);
        let mut controls: Vec<ControlResult> = self
            .controls
            .iter()
            .cloned()
            .chain(self.undecided(catalog))
            .map(|result| self.decided(result, catalog, &excluded))
            .collect();
        // The checklists' order, whatever order collection decided them in (a
        // control the catalog no longer has goes last, as it came).
        let place = |id: &str| catalog.controls.iter().position(|c| c.id == id).unwrap_or(usize::MAX);
        controls.sort_by_cached_key(|c| place(&c.id));
        let host = HostResult {
            target: self.target.clone(),
            root: self.root.clone(),
            app_dir: self.app_dir.clone(),
            app_dir_source: self.app_dir_source.clone(),
            transport: self.transport.clone(),
            host_key: self.host_key.clone(),
            error: self.halt_standing(catalog),
            facts: self.facts.clone(),
            summary: Summary::of(controls.iter().map(|c| &c.status)),
            controls,
            evidence: self.evidence.values().cloned().collect(),
        };
        ScanResults {
            schema: SCHEMA.to_string(),
            tool: Tool::this(),
            as_of: self.as_of,
            sections: self.sections.clone(),
            checklists: self
                .checklists
                .iter()
                .map(|c| crate::results::ChecklistRef {
                    id: c.id.clone(),
                    version: c.version.clone(),
                    sha256: c.sha256.clone(),
                })
                .collect(),
            hosts: vec![host],
        }
    }
}

impl Session {
    /// Why the results are incomplete: the last halt, unless every control of
    /// the session has been decided again by a collection begun since.
    fn halt_standing(&self, catalog: &Catalog) -> Option<String> {
        let reason = self.error.as_ref()?;
        let in_session = |section: &str| self.sections.iter().any(|s| s.id == section);
        let redone = catalog
            .controls
            .iter()
            .filter(|c| in_session(&c.section))
            .all(|c| self.since_halt.contains(&c.id));
        (!redone).then(|| reason.clone())
    }

    /// The controls of this session's sections that no status was recorded for
    /// (a scan halted, or not run yet): an error saying why when collection
    /// stopped, else awaiting review — never silently absent from the results.
    fn undecided(&self, catalog: &Catalog) -> Vec<ControlResult> {
        let in_session = |section: &str| self.sections.iter().any(|s| s.id == section);
        catalog
            .controls
            .iter()
            .filter(|control| in_session(&control.section))
            .filter(|control| !self.controls.iter().any(|c| c.id == control.id))
            .map(|control| match &self.error {
                Some(reason) => {
                    ControlResult::evaluated(control, Status::Error, format!("not decided: {reason}"), Vec::new())
                }
                None => ControlResult::evaluated(
                    control,
                    Status::NeedsReview,
                    "not decided yet: no evidence or answer recorded".to_string(),
                    Vec::new(),
                ),
            })
            .collect()
    }

    /// The answers a control's rules read: each question's value, and whether a
    /// document was attached to it.
    fn given(&self, control: &str) -> BTreeMap<String, Given> {
        let attached = self.attached.get(control);
        self.answers
            .get(control)
            .map(|answers| {
                answers
                    .iter()
                    .map(|(question, a)| {
                        let has_doc = attached.is_some_and(|docs| docs.iter().any(|(q, _)| q == question));
                        (
                            question.clone(),
                            Given {
                                value: a.answer.clone(),
                                attached: has_doc,
                            },
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Controls another control's answers rule out, with the one that did.
    fn excluded(&self, catalog: &Catalog) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for control in &catalog.controls {
            let asked = control.asked();
            for id in answers::excluded(&asked, &self.given(&control.id)) {
                out.insert(id.to_string(), control.id.clone());
            }
        }
        out
    }

    fn decided(
        &self,
        mut result: ControlResult,
        catalog: &Catalog,
        excluded: &BTreeMap<String, String>,
    ) -> ControlResult {
        let id = result.id.clone();
        if let Some(control) = catalog.control(&id) {
            let asked = control.asked();
            let given = self.given(&id);
            if let Some(by) = excluded.get(&id) {
                result = result.answered(
                    Status::NotApplicable,
                    format!("not applicable: ruled out by the answers to {by}"),
                );
            } else if !given.is_empty() {
                if let Some((status, why)) = answers::decide(&asked, &given, self.as_of) {
                    // A manual control is decided by its answers; a hybrid one keeps
                    // what its evidence decided unless it awaited the auditor's
                    // confirmation, or the answers say worse.
                    let confirms = result.status == Status::NeedsReview;
                    let worse = answers::rank(status) > answers::rank(result.status) && result.status != Status::Error;
                    if control.mode == Mode::Manual || confirms || worse {
                        result = result.answered(status, format!("decided by the interview: {why}"));
                    }
                }
            }
        }
        if let Some(answers) = self.answers.get(&id) {
            result.answers = answers.values().cloned().collect();
            for answer in &result.answers {
                result.evidence.extend(answer.evidence.iter().cloned());
            }
        }
        if let Some(docs) = self.attached.get(&id) {
            result.evidence.extend(docs.iter().map(|(_, e)| e.clone()));
        }
        if let Some(notes) = self.notes.get(&id) {
            result.notes = notes.clone();
        }
        if let Some(decision) = self.overrides.get(&id) {
            result = result.overridden(decision.clone(), self.as_of);
        }
        result
    }
}
