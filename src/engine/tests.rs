//! Engine behaviour: each read happens once however many probes ask, decisions
//! stream as they are made, and every control is decided exactly once.

use super::*;
use crate::checklist::{load_catalog, ChecklistText};
use crate::evidence::FileMeta;
use crate::transport::fs::FsTransport;
use crate::transport::{CommandRun, FileRead};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Counts every call that reaches the real filesystem transport.
struct Counting {
    inner: FsTransport,
    reads: Mutex<HashMap<String, usize>>,
}

impl Transport for Counting {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn read_file(&self, path: &str, cap: u64) -> FileRead {
        *self.reads.lock().unwrap().entry(path.to_string()).or_default() += 1;
        self.inner.read_file(path, cap)
    }
    fn list_dir(&self, path: &str) -> Result<Option<Vec<String>>, String> {
        self.inner.list_dir(path)
    }
    fn stat(&self, path: &str) -> Result<Option<FileMeta>, String> {
        self.inner.stat(path)
    }
    fn run(&self, argv: &[String], timeout: Duration, cap: u64) -> CommandRun {
        self.inner.run(argv, timeout, cap)
    }
}

const CHECKLIST: &str = r#"
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

#[test]
fn each_file_is_read_once_and_every_control_streams_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    std::fs::write(dir.path().join("etc/app.conf"), "debug on\n").unwrap();
    std::fs::write(dir.path().join("etc/other.conf"), "x\n").unwrap();
    let texts = [ChecklistText {
        origin: "t.toml".into(),
        text: CHECKLIST.into(),
    }];
    let (catalog, _) = load_catalog(&texts).unwrap();
    let transport = Counting {
        inner: FsTransport::rooted(dir.path()),
        reads: Mutex::new(HashMap::new()),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let target = Target {
        name: "local".into(),
        root: None,
    };
    let host = run_host(&catalog, &target, &transport, &Options::default(), &tx);
    drop(tx);

    assert_eq!(transport.reads.lock().unwrap().get("/etc/app.conf"), Some(&1));
    let decided: Vec<String> = rx
        .iter()
        .filter_map(|e| match e {
            Event::ControlDecided(c) => Some(c.id),
            Event::ProbeDone { .. } => None,
        })
        .collect();
    let mut sorted = decided.clone();
    sorted.sort();
    assert_eq!(sorted, ["t.a", "t.b", "t.c"]);
    assert_eq!(
        decided[0], "t.c",
        "a control without probes is decided before any collection"
    );

    let ids: Vec<&str> = host.controls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["t.a", "t.b", "t.c"], "results keep checklist order");
    let a = &host.controls[0];
    assert_eq!(a.status, crate::model::Status::Fail);
    assert_eq!(a.summary, "debug is `on` (/etc/app.conf:1), expected `off`");
    let b = &host.controls[1];
    assert!(b.evidence.len() > a.evidence.len(), "b cites the glob's evidence too");
    let sources: Vec<&str> = host.evidence.iter().map(|e| e.source.as_str()).collect();
    assert!(sources.contains(&"/etc/other.conf"));
    let mut ids: Vec<&str> = host.evidence.iter().map(|e| e.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), host.evidence.len(), "evidence ids are unique");
}

#[test]
fn findings_are_capped_with_a_count_of_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    std::fs::write(dir.path().join("etc/app.conf"), "debug on\n".repeat(1000)).unwrap();
    let texts = [ChecklistText {
        origin: "t.toml".into(),
        text: CHECKLIST.into(),
    }];
    let (catalog, _) = load_catalog(&texts).unwrap();
    let (tx, _rx) = std::sync::mpsc::channel();
    let target = Target {
        name: "local".into(),
        root: None,
    };
    let host = run_host(
        &catalog,
        &target,
        &FsTransport::rooted(dir.path()),
        &Options::default(),
        &tx,
    );
    let b = &host.controls[1];
    assert_eq!(b.findings.len(), decide::MAX_FINDINGS + 1);
    assert_eq!(
        b.findings[decide::MAX_FINDINGS].message,
        "800 more findings not shown (1000 in all)"
    );
}
