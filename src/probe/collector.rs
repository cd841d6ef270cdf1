//! The collector: reads through a transport, once per distinct request however
//! many probes ask, and passes each answer through the evidence recorder. It stops
//! asking once the scan is cancelled, the target stops answering or the scan's
//! budget is spent, and says why (`halted`), so a lost connection is reported
//! once, not as every file unreadable.

use super::answers;
pub use super::answers::Answer;
use super::budget::{Budget, Spending};
use crate::clock;
use crate::evidence::record::{EvidenceRecord, EvidenceState, Payload};
use crate::evidence::recorder::{self, Draft};
use crate::evidence::{CommandState, DirState, FileState, Snapshot};
use crate::transport::{Admission, CommandRun, FileIdentity, FileRead, Limits, Transport, TransportError};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// One distinct thing asked of a target.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Request {
    File(String),
    Dir(String),
    Meta(String),
    Command(Vec<String>),
    /// A Git index file, read as bytes and answered as the paths it lists.
    GitIndex(String),
}

/// An answer and the evidence record it produced.
#[derive(Debug)]
pub struct Entry {
    pub request: Request,
    pub answer: Answer,
    pub record: EvidenceRecord,
    /// Not asked of the target: collection had halted. Never evidence of anything.
    pub halted: bool,
}

/// Why collection stopped before every probe ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Halt {
    Cancelled,
    Lost(TransportError),
    /// The scan's budget ran out (paths, bytes, listed names or time): the reason.
    Budget(String),
}

impl Halt {
    /// One line, redacted: a transport's error can quote what the target said.
    pub fn reason(&self) -> String {
        match self {
            Halt::Cancelled => "the scan was cancelled".to_string(),
            Halt::Lost(e) => crate::evidence::redact::redact(&e.to_string()).text,
            Halt::Budget(reason) => reason.clone(),
        }
    }
}

impl Entry {
    /// Record this answer into a snapshot; a halted entry records nothing, so what
    /// was never asked reads as not collected, never as absent.
    pub fn record_into(&self, snapshot: &mut Snapshot) {
        if self.halted {
            return;
        }
        match (&self.request, &self.answer) {
            (Request::File(path), Answer::File(state)) => snapshot.record_file(path, state.clone()),
            (Request::Dir(path), Answer::Dir(names)) => snapshot.record_dir(path, names.clone()),
            (Request::Meta(path), Answer::Meta(meta)) => snapshot.record_meta(path, meta.clone()),
            (Request::Command(argv), Answer::Command(state)) => snapshot.record_command(argv, state.clone()),
            (Request::GitIndex(path), Answer::Dir(state)) => snapshot.record_git_index(path, state.clone()),
            _ => {}
        }
    }
}

type Cell = Arc<OnceLock<Arc<Entry>>>;

/// Reads through a transport, each distinct request once.
pub struct Collector<'t> {
    transport: &'t dyn Transport,
    limits: Limits,
    cache: Mutex<HashMap<Request, Cell>>,
    cancel: Arc<AtomicBool>,
    lost: OnceLock<TransportError>,
    spending: Spending,
    spent: OnceLock<String>,
    /// Files read so far, by what they are (not by path): another path to one of
    /// them (a hard link) shares its record instead of reading it again.
    files: Mutex<HashMap<FileIdentity, EvidenceRecord>>,
}

impl<'t> Collector<'t> {
    pub fn new(transport: &'t dyn Transport, limits: Limits) -> Self {
        Collector {
            transport,
            limits,
            cache: Mutex::new(HashMap::new()),
            cancel: Arc::new(AtomicBool::new(false)),
            lost: OnceLock::new(),
            files: Mutex::new(HashMap::new()),
            spending: Spending::new(Budget::default()),
            spent: OnceLock::new(),
        }
    }

    /// Spend at most `budget` on this scan.
    pub fn with_budget(mut self, budget: Budget) -> Self {
        self.spending = Spending::new(budget);
        self
    }

    /// Stop asking the target once `cancel` is set.
    pub fn with_cancel(mut self, cancel: Arc<AtomicBool>) -> Self {
        self.cancel = cancel;
        self
    }

    /// Why collection stopped, if it did: a lost target first, then a spent
    /// budget, then cancellation.
    pub fn halted(&self) -> Option<Halt> {
        if let Some(lost) = self.lost.get() {
            return Some(Halt::Lost(lost.clone()));
        }
        if let Some(reason) = self.spent.get() {
            return Some(Halt::Budget(reason.clone()));
        }
        self.cancel.load(Ordering::SeqCst).then_some(Halt::Cancelled)
    }

    /// The budget ran out: stop asking, and say why once (the first reason wins).
    fn overspent(&self, reason: String) -> Halt {
        let _ = self.spent.set(reason);
        self.halted().unwrap_or(Halt::Cancelled)
    }

    /// The answer to a request, fetching it on first ask; concurrent askers wait for the first.
    pub fn fetch(&self, request: Request, timeout: Duration) -> Arc<Entry> {
        let cell: Cell = {
            let mut cache = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            cache.entry(request.clone()).or_default().clone()
        };
        cell.get_or_init(|| Arc::new(self.perform(request, timeout))).clone()
    }

    fn perform(&self, request: Request, timeout: Duration) -> Entry {
        if let Some(halt) = self.halted() {
            return halted(request, &halt.reason());
        }
        if !matches!(request, Request::Command(_)) {
            if let Err(reason) = self.spending.path() {
                return halted(request, &self.overspent(reason).reason());
            }
        }
        let started = Instant::now();
        let at = clock::now();
        let mut identity = None;
        let asked = match &request {
            Request::File(path) => match self.read_file(path, &mut identity) {
                Ok(FileRead::Declined(reason)) => return halted(request, &reason),
                Ok(FileRead::Known(file)) => return self.same_file(request, &file, at),
                read => read.map(|read| answers::file(path, read, self.limits.file_cap, at)),
            },
            Request::Dir(path) => self
                .transport
                .list_dir(path)
                .map(|list| answers::listing(path, list, at)),
            Request::Meta(path) => self.transport.stat(path).map(|stat| answers::metadata(path, stat, at)),
            Request::GitIndex(path) => match self.read_file(path, &mut None) {
                Ok(FileRead::Declined(reason)) => return halted(request, &reason),
                Ok(FileRead::Known(_)) => self
                    .transport
                    .read_file(path, self.limits.file_cap, &|_| Admission::Read)
                    .map(|read| answers::git_index(path, read, self.limits.file_cap, at)),
                read => read.map(|read| answers::git_index(path, read, self.limits.file_cap, at)),
            },
            Request::Command(argv) => {
                let run = match crate::transport::readonly::check(argv) {
                    Ok(()) => self.transport.run(argv, timeout, self.limits.output_cap),
                    Err(reason) => Ok(CommandRun::NotRun(format!("refused: {reason}"))),
                };
                run.map(|run| answers::command(argv, run, timeout, at))
            }
        };
        let (answer, mut draft) = match asked {
            Ok(asked) => asked,
            Err(lost) => {
                let reason = lost.to_string();
                let _ = self.lost.set(lost);
                return halted(request, &reason);
            }
        };
        if let Err(reason) = self.spend(&answer, &draft) {
            // What was just read is whole and kept; nothing more is asked.
            self.overspent(reason);
        }
        if !clock::is_fixed() {
            draft.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        }
        draft.provenance = self.transport.provenance();
        let record = recorder::record(draft);
        if let (Some(file), EvidenceState::Ok) = (identity, record.state()) {
            self.files_read().insert(file, record.clone());
        }
        Entry {
            answer: answer.redacted_from(&record),
            request,
            record,
            halted: false,
        }
    }

    fn files_read(&self) -> std::sync::MutexGuard<'_, HashMap<FileIdentity, EvidenceRecord>> {
        self.files.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Another path to a file already read: its record shares the content.
    fn same_file(&self, request: Request, file: &FileIdentity, at: chrono::DateTime<chrono::Utc>) -> Entry {
        let Request::File(path) = &request else {
            return halted(request, "not a file");
        };
        let Some(same) = self.files_read().get(file).cloned() else {
            return halted(request, "the file read under another name is gone");
        };
        let mut draft = Draft::new(Payload::File, path.as_str(), at);
        draft.provenance = self.transport.provenance();
        let record = recorder::record_same(draft, &same);
        Entry {
            answer: Answer::File(FileState::Text(record.content().clone())),
            request,
            record,
            halted: false,
        }
    }

    /// Read a file, its size spent from the budget before a byte is read: a file
    /// the budget cannot afford is declined, and collection stops there.
    fn read_file(&self, path: &str, identity: &mut Option<FileIdentity>) -> Result<FileRead, TransportError> {
        let reserved = AtomicU64::new(0);
        let seen = Mutex::new(None);
        let admit = |file: &FileIdentity| {
            if self.files_read().contains_key(file) {
                return Admission::Known;
            }
            *seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(*file);
            match self.spending.bytes(file.size) {
                Ok(()) => {
                    reserved.store(file.size, Ordering::SeqCst);
                    Admission::Read
                }
                Err(reason) => Admission::Decline(self.overspent(reason).reason()),
            }
        };
        let read = self.transport.read_file(path, self.limits.file_cap, &admit);
        *identity = seen.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        // The file may have changed size since it was looked at: spend what was read.
        let reserved = reserved.load(Ordering::SeqCst);
        match &read {
            Ok(FileRead::Bytes(bytes)) if bytes.len() as u64 > reserved => {
                if let Err(reason) = self.spending.bytes(bytes.len() as u64 - reserved) {
                    self.overspent(reason);
                }
            }
            Ok(FileRead::Bytes(bytes)) => self.spending.refund(reserved - bytes.len() as u64),
            _ => self.spending.refund(reserved),
        }
        read
    }

    /// Count what a listing or a command brought back against the budget (a
    /// file's bytes were counted before it was read).
    fn spend(&self, answer: &Answer, draft: &Draft) -> Result<(), String> {
        match answer {
            Answer::Dir(crate::evidence::DirState::Listed(names)) => self.spending.names(names.len() as u64),
            Answer::Command(_) => self.spending.bytes(draft.body.len() as u64),
            _ => Ok(()),
        }
    }
}

/// An entry for a request that was never asked: nothing was seen, so nothing may
/// be concluded from it.
fn halted(request: Request, reason: &str) -> Entry {
    let note = format!("not collected: {reason}");
    let (answer, payload) = match &request {
        Request::File(_) => (Answer::File(FileState::Unreadable(note.clone())), Payload::File),
        Request::Dir(_) => (Answer::Dir(DirState::Unreadable(note.clone())), Payload::Listing),
        Request::GitIndex(_) => (Answer::Dir(DirState::Unreadable(note.clone())), Payload::GitIndex),
        Request::Meta(_) => (Answer::Meta(None), Payload::Metadata),
        Request::Command(argv) => (
            Answer::Command(CommandState::NotRun(note.clone())),
            Payload::Command(crate::evidence::record::CommandRecord {
                argv: argv.clone(),
                command: String::new(),
                exit_code: None,
                stderr: None,
            }),
        ),
    };
    let source = match &request {
        Request::File(p) | Request::Dir(p) | Request::Meta(p) | Request::GitIndex(p) => p.clone(),
        Request::Command(_) => String::new(),
    };
    let draft = Draft::new(payload, source, clock::now()).state(EvidenceState::NotRun, note);
    Entry {
        request,
        answer,
        record: recorder::record(draft),
        halted: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::fs::FsTransport;

    #[test]
    fn a_file_the_budget_cannot_afford_is_not_read_and_collection_stops() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), "x".repeat(60)).unwrap();
        std::fs::write(dir.path().join("b"), "y".repeat(60)).unwrap();
        let transport = FsTransport::rooted(dir.path());
        let budget = Budget {
            bytes: 100,
            ..Budget::default()
        };
        let collector = Collector::new(&transport, Limits::default()).with_budget(budget);
        let timeout = Duration::from_secs(1);

        let a = collector.fetch(Request::File("/a".into()), timeout);
        assert_eq!(a.record.bytes(), Some(60));
        let b = collector.fetch(Request::File("/b".into()), timeout);
        assert!(b.halted, "60 more bytes would go over 100: not read");
        assert_eq!(b.record.content().len(), 0);
        let Some(Halt::Budget(reason)) = collector.halted() else {
            panic!("the budget halts collection")
        };
        assert!(reason.starts_with("the scan's budget of 100 bytes"), "{reason}");
        assert!(
            collector.fetch(Request::Dir("/".into()), timeout).halted,
            "nothing more is asked"
        );
    }
}
