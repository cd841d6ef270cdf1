//! A probe's run: `ProbeScope` is one probe's view of the collector, a `Source`
//! that remembers every entry it touched so the probe's controls can cite them;
//! `collect_snapshot` runs probes one after another for tests and tools.

use super::collector::{Answer, Collector, Entry, Request};
use super::spec::{ProbeKind, DEFAULT_COMMAND_TIMEOUT};
use crate::evidence::{glob, CommandState, DirState, FileMeta, FileState, Globbed, Snapshot, Source};
use crate::transport::{Limits, Transport};
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
    /// The application's directory, for the probes that read inside it.
    app_dir: Option<String>,
}

impl<'c, 't> ProbeScope<'c, 't> {
    pub fn new(collector: &'c Collector<'t>) -> Self {
        ProbeScope {
            collector,
            timeout: DEFAULT_COMMAND_TIMEOUT,
            touched: Mutex::new(Vec::new()),
            app_dir: None,
        }
    }

    /// The application's directory the app probes read in (none found: they read nothing).
    pub fn with_app_dir(mut self, app_dir: Option<&str>) -> Self {
        self.app_dir = app_dir.map(str::to_string);
        self
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
                if let Some(def) = super::domain::def(*kind) {
                    let app_dir = self.app_dir.clone();
                    def.collect(self, params, app_dir.as_deref());
                }
            }
        }
    }

    fn expand(&self, pattern: &str) -> Vec<String> {
        if glob::has_magic(pattern) {
            // What could not be listed is recorded as evidence by the listing itself.
            self.glob(pattern).paths
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

    fn glob(&self, pattern: &str) -> Globbed {
        let lister = |dir: &str| self.list(dir);
        let exists = |path: &str| self.meta(path).is_some();
        glob::expand(pattern, &lister, &exists)
    }

    fn list(&self, path: &str) -> DirState {
        match &self.fetch(Request::Dir(path.to_string())).answer {
            Answer::Dir(state) => state.clone(),
            _ => DirState::NotCollected,
        }
    }

    fn meta(&self, path: &str) -> Option<FileMeta> {
        match &self.fetch(Request::Meta(path.to_string())).answer {
            Answer::Meta(meta) => meta.clone(),
            _ => None,
        }
    }

    fn git_index(&self, path: &str) -> DirState {
        match &self.fetch(Request::GitIndex(path.to_string())).answer {
            Answer::Dir(state) => state.clone(),
            _ => DirState::NotCollected,
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
