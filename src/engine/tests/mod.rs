//! Engine behaviour, with shared fixtures: the pure coordinator fed messages by
//! hand (`coordinator`), and the driver with its worker threads (`driver`).

mod coordinator;
mod driver;

use super::*;
use crate::checklist::{load_catalog, ChecklistText};
use crate::model::Status;
use crate::probe::collector::{Collector, Halt};
use crate::probe::ProbeScope;
use crate::transport::fs::FsTransport;
use crate::transport::{Admit, CommandRun, DirList, FileRead, Stat, TransportError};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver};
use std::sync::Mutex;
use std::time::Duration;

/// The real filesystem transport with a hook that sees every path asked (files,
/// listings, metadata) before it is read, and may block or fail it.
pub(super) struct Hooked<H: Fn(&str) -> Result<(), TransportError> + Send + Sync> {
    pub(super) inner: FsTransport,
    pub(super) hook: H,
}

impl<H: Fn(&str) -> Result<(), TransportError> + Send + Sync> Transport for Hooked<H> {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn read_file(&self, path: &str, cap: u64, admit: Admit) -> Result<FileRead, TransportError> {
        (self.hook)(path)?;
        self.inner.read_file(path, cap, admit)
    }
    fn list_dir(&self, path: &str) -> Result<DirList, TransportError> {
        (self.hook)(path)?;
        self.inner.list_dir(path)
    }
    fn stat(&self, path: &str) -> Result<Stat, TransportError> {
        (self.hook)(path)?;
        self.inner.stat(path)
    }
    fn run(&self, argv: &[String], timeout: Duration, cap: u64) -> Result<CommandRun, TransportError> {
        self.inner.run(argv, timeout, cap)
    }
}

pub(super) const CHECKLIST: &str = r#"
[checklist]
id = "t.engine"
title = "engine"
version = "1"

[probes.one]
kind = "files"
paths = ["/etc/app.conf"]
description = "the file"

[probes.all]
kind = "files"
paths = ["/etc/*.conf"]
description = "every conf"

[[sections]]
id = "t"
title = "T"

[[sections.controls]]
id = "t.a"
title = "a"
mode = "auto"
severity = "low"
rationale = "r"
remediation = "r"
probes = ["one"]
evaluator = "config.key-equals"
params = { path = "/etc/app.conf", key = "debug", value = "off" }

[[sections.controls]]
id = "t.b"
title = "b"
mode = "auto"
severity = "low"
rationale = "r"
remediation = "r"
probes = ["one", "all"]
evaluator = "file.matches"
params = { path = "/etc/app.conf", pattern = "^debug" }

[[sections.controls]]
id = "t.c"
title = "c"
mode = "manual"
severity = "low"
rationale = "r"
remediation = "r"
[[sections.controls.questions]]
id = "q"
text = "?"
answer = "text"
"#;

pub(super) fn catalog() -> Catalog {
    let texts = [ChecklistText {
        origin: "t.toml".into(),
        text: CHECKLIST.into(),
    }];
    load_catalog(&texts).unwrap().0
}

pub(super) fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let host = dir.path().join(path.trim_start_matches('/'));
        std::fs::create_dir_all(host.parent().unwrap()).unwrap();
        std::fs::write(host, text).unwrap();
    }
    dir
}

pub(super) fn local() -> Target {
    Target {
        name: "local".into(),
        ..Target::default()
    }
}

pub(super) fn probe_index(catalog: &Catalog, description: &str) -> usize {
    catalog
        .probes
        .iter()
        .position(|p| p.description == description)
        .unwrap()
}

/// Run the driver on its own thread and give the test the live stream.
pub(super) fn with_stream<T>(
    catalog: &Catalog,
    transport: &dyn Transport,
    workers: usize,
    cancel: &Arc<AtomicBool>,
    consume: impl FnOnce(Receiver<Event>) -> T,
) -> T {
    let options = Options {
        workers,
        ..Options::default()
    };
    let target = local();
    let (tx, rx) = mpsc::sync_channel(2);
    std::thread::scope(|scope| {
        let (options, target) = (&options, &target);
        scope.spawn(move || {
            let mut tx = tx;
            run_host(catalog, target, transport, options, cancel, &mut tx)
        });
        consume(rx)
    })
}

/// The reasons of every Halted event, in order.
pub(super) fn halts(events: &[Event]) -> Vec<&String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Halted { reason } => Some(reason),
            _ => None,
        })
        .collect()
}

pub(super) fn host_done(events: &[Event]) -> &HostResult {
    match events.last() {
        Some(Event::HostDone(host)) => host,
        other => panic!("the stream must end with HostDone, not {other:?}"),
    }
}
