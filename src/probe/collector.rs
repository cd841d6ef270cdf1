//! The collector: a `Source` that reads through a transport, once per distinct
//! request however many probes ask, classifying (binary, too large, missing),
//! redacting and recording each answer as evidence. A `ProbeScope` is one probe's
//! view of it, remembering what that probe touched so its controls can cite it.

use super::spec::{ProbeKind, DEFAULT_COMMAND_TIMEOUT};
use crate::clock;
use crate::eval;
use crate::evidence::record::{CommandRecord, EvidenceKind, EvidenceRecord};
use crate::evidence::{glob, redact, CommandState, FileMeta, FileState, Snapshot, Source};
use crate::transport::{CommandRun, FileRead, Limits, Transport};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// One distinct thing asked of a target.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Request {
    File(String),
    Dir(String),
    Meta(String),
    Command(Vec<String>),
}

/// What the target answered.
#[derive(Debug, Clone)]
pub enum Answer {
    File(FileState),
    Dir(Option<Vec<String>>),
    Meta(Option<FileMeta>),
    Command(CommandState),
}

/// An answer and the evidence record it produced.
#[derive(Debug)]
pub struct Entry {
    pub request: Request,
    pub answer: Answer,
    pub record: EvidenceRecord,
}

impl Entry {
    /// Record this answer into a snapshot.
    pub fn record_into(&self, snapshot: &mut Snapshot) {
        match (&self.request, &self.answer) {
            (Request::File(path), Answer::File(state)) => snapshot.record_file(path, state.clone()),
            (Request::Dir(path), Answer::Dir(names)) => snapshot.record_dir(path, names.clone()),
            (Request::Meta(path), Answer::Meta(meta)) => snapshot.record_meta(path, meta.clone()),
            (Request::Command(argv), Answer::Command(state)) => {
                let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
                snapshot.record_command(&argv, state.clone());
            }
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
}

impl<'t> Collector<'t> {
    pub fn new(transport: &'t dyn Transport, limits: Limits) -> Self {
        Collector {
            transport,
            limits,
            cache: Mutex::new(HashMap::new()),
        }
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
        let started = Instant::now();
        let at = clock::now();
        let (answer, mut record) = match &request {
            Request::File(path) => self.read(path, at),
            Request::Dir(path) => self.list(path, at),
            Request::Meta(path) => self.stat(path, at),
            Request::Command(argv) => self.run(argv, timeout, at),
        };
        if !clock::is_fixed() {
            record.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        }
        Entry {
            request,
            answer,
            record,
        }
    }

    fn read(&self, path: &str, at: chrono::DateTime<chrono::Utc>) -> (Answer, EvidenceRecord) {
        let blank = |state: &'static str, note: String| {
            EvidenceRecord::new(EvidenceKind::File, path.to_string(), Vec::new(), at).with_state(state, note)
        };
        match self.transport.read_file(path, self.limits.file_cap) {
            FileRead::Bytes(bytes) if bytes.contains(&0) => {
                let size = bytes.len() as u64;
                let state = FileState::Binary { bytes: size };
                let note = state.problem(path).unwrap_or_default();
                (Answer::File(state), blank("binary", note))
            }
            FileRead::Bytes(bytes) => {
                let redacted = redact::redact(&String::from_utf8_lossy(&bytes));
                let mut record = EvidenceRecord::new(
                    EvidenceKind::File,
                    path.to_string(),
                    redacted.text.clone().into_bytes(),
                    at,
                );
                record.redactions = redacted.count;
                (Answer::File(FileState::Text(Arc::from(redacted.text))), record)
            }
            FileRead::Missing => (
                Answer::File(FileState::Missing),
                blank("missing", format!("{path} does not exist")),
            ),
            FileRead::TooLarge { bytes } => {
                let state = FileState::TooLarge {
                    bytes,
                    cap: self.limits.file_cap,
                };
                let note = state.problem(path).unwrap_or_default();
                (Answer::File(state), blank("too_large", note))
            }
            FileRead::Failed(reason) => (
                Answer::File(FileState::Unreadable(reason.clone())),
                blank("unreadable", reason),
            ),
        }
    }

    fn list(&self, path: &str, at: chrono::DateTime<chrono::Utc>) -> (Answer, EvidenceRecord) {
        let source = path.to_string();
        match self.transport.list_dir(path) {
            Ok(Some(names)) => {
                let content = names.join("\n").into_bytes();
                (
                    Answer::Dir(Some(names)),
                    EvidenceRecord::new(EvidenceKind::Listing, source, content, at),
                )
            }
            Ok(None) => {
                let record = EvidenceRecord::new(EvidenceKind::Listing, source, Vec::new(), at);
                (
                    Answer::Dir(None),
                    record.with_state("missing", format!("{path} does not exist")),
                )
            }
            Err(reason) => {
                let record = EvidenceRecord::new(EvidenceKind::Listing, source, Vec::new(), at);
                (Answer::Dir(None), record.with_state("unreadable", reason))
            }
        }
    }

    fn stat(&self, path: &str, at: chrono::DateTime<chrono::Utc>) -> (Answer, EvidenceRecord) {
        let source = path.to_string();
        match self.transport.stat(path) {
            Ok(Some(meta)) => {
                let link = meta.link.as_ref().map(|to| format!(" link={to}")).unwrap_or_default();
                let line = format!(
                    "kind={:?} mode={:04o} uid={} gid={} size={} mtime={}{link}\n",
                    meta.kind, meta.mode, meta.uid, meta.gid, meta.size, meta.mtime
                );
                let record = EvidenceRecord::new(EvidenceKind::Metadata, source, line.into_bytes(), at);
                (Answer::Meta(Some(meta)), record)
            }
            Ok(None) => {
                let record = EvidenceRecord::new(EvidenceKind::Metadata, source, Vec::new(), at);
                (
                    Answer::Meta(None),
                    record.with_state("missing", format!("{path} does not exist")),
                )
            }
            Err(reason) => {
                let record = EvidenceRecord::new(EvidenceKind::Metadata, source, Vec::new(), at);
                (Answer::Meta(None), record.with_state("unreadable", reason))
            }
        }
    }

    fn run(&self, argv: &[String], timeout: Duration, at: chrono::DateTime<chrono::Utc>) -> (Answer, EvidenceRecord) {
        let line = argv.join(" ");
        let run = match super::readonly::check(argv) {
            Ok(()) => self.transport.run(argv, timeout, self.limits.output_cap),
            Err(reason) => CommandRun::NotRun(format!("refused: {reason}")),
        };
        match run {
            CommandRun::Finished {
                stdout,
                stderr,
                exit_code,
                timed_out,
                truncated,
            } => {
                let out = redact::redact(&String::from_utf8_lossy(&stdout));
                let err = redact::redact(&String::from_utf8_lossy(&stderr));
                let mut record =
                    EvidenceRecord::new(EvidenceKind::Command, line.clone(), out.text.clone().into_bytes(), at);
                record.run = Some(CommandRecord {
                    command: line,
                    exit_code,
                    stderr: Some(err.text.clone()),
                });
                record.redactions = out.count + err.count;
                if timed_out {
                    record = record.with_state("timed_out", format!("killed after {}s", timeout.as_secs()));
                } else if truncated {
                    record = record.with_state("truncated", "output cut at the output cap".to_string());
                }
                let state = CommandState::Ran {
                    stdout: Arc::from(out.text),
                    stderr: Arc::from(err.text),
                    exit_code: if timed_out { None } else { exit_code },
                };
                (Answer::Command(state), record)
            }
            CommandRun::NotRun(reason) => {
                let mut record = EvidenceRecord::new(EvidenceKind::Command, line.clone(), Vec::new(), at)
                    .with_state("not_run", reason.clone());
                record.run = Some(CommandRecord {
                    command: line,
                    exit_code: None,
                    stderr: None,
                });
                (Answer::Command(CommandState::NotRun(reason)), record)
            }
        }
    }
}

/// Run `probes` one after another through `transport` and freeze what they
/// collected: the snapshot an evaluator would see. For tests and tools; the engine
/// runs probes concurrently and decides controls as their evidence arrives.
pub fn collect_snapshot<'a>(probes: impl IntoIterator<Item = &'a ProbeKind>, transport: &dyn Transport) -> Snapshot {
    let collector = Collector::new(transport, Limits::default());
    let mut snapshot = Snapshot::new();
    for kind in probes {
        let mut scope = ProbeScope::new(&collector);
        scope.run(kind);
        for entry in scope.into_touched() {
            entry.record_into(&mut snapshot);
        }
    }
    snapshot
}

/// One probe's view of the collector: a `Source` that remembers every entry touched.
pub struct ProbeScope<'c, 't> {
    collector: &'c Collector<'t>,
    timeout: Duration,
    touched: Mutex<Vec<Arc<Entry>>>,
}

impl<'c, 't> ProbeScope<'c, 't> {
    pub fn new(collector: &'c Collector<'t>) -> Self {
        ProbeScope {
            collector,
            timeout: DEFAULT_COMMAND_TIMEOUT,
            touched: Mutex::new(Vec::new()),
        }
    }

    fn fetch(&self, request: Request) -> Arc<Entry> {
        let entry = self.collector.fetch(request, self.timeout);
        self.touched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(entry.clone());
        entry
    }

    /// Everything this probe touched, in order.
    pub fn into_touched(self) -> Vec<Arc<Entry>> {
        self.touched
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Run one probe through this scope.
    pub fn run(&mut self, kind: &ProbeKind) {
        match kind {
            ProbeKind::Files { paths } => {
                for pattern in paths {
                    for path in self.expand(pattern) {
                        self.read(&path);
                    }
                }
            }
            ProbeKind::Dir { path } => {
                for name in self.list_dir(path).unwrap_or_default() {
                    self.read(&format!("{}/{name}", path.trim_end_matches('/')));
                }
            }
            ProbeKind::Meta { paths } => {
                for pattern in paths {
                    for path in self.expand(pattern) {
                        self.meta(&path);
                    }
                }
            }
            ProbeKind::Command { argv, timeout } => {
                self.timeout = *timeout;
                let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
                self.command(&argv);
            }
            ProbeKind::Domain { kind, params } => {
                if let Some(def) = eval::collector(kind) {
                    (def.collect)(self, params);
                }
            }
        }
    }

    fn expand(&self, pattern: &str) -> Vec<String> {
        if glob::has_magic(pattern) {
            self.glob(pattern)
        } else {
            vec![pattern.to_string()]
        }
    }
}

impl Source for ProbeScope<'_, '_> {
    fn read(&self, path: &str) -> FileState {
        match &self.fetch(Request::File(path.to_string())).answer {
            Answer::File(state) => state.clone(),
            _ => FileState::NotCollected,
        }
    }

    fn glob(&self, pattern: &str) -> Vec<String> {
        let lister = |dir: &str| self.list_dir(dir);
        let exists = |path: &str| self.meta(path).is_some();
        glob::expand(pattern, &lister, &exists)
    }

    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        match &self.fetch(Request::Dir(path.to_string())).answer {
            Answer::Dir(names) => names.clone(),
            _ => None,
        }
    }

    fn meta(&self, path: &str) -> Option<FileMeta> {
        match &self.fetch(Request::Meta(path.to_string())).answer {
            Answer::Meta(meta) => meta.clone(),
            _ => None,
        }
    }

    fn command(&self, argv: &[&str]) -> CommandState {
        let argv = argv.iter().map(|s| s.to_string()).collect();
        match &self.fetch(Request::Command(argv)).answer {
            Answer::Command(state) => state.clone(),
            _ => CommandState::NotCollected,
        }
    }
}
