//! The fixture hosts of tests/fixtures (weak, hardened, mixed) as Snapshots: their
//! expected ssh.* statuses (tests/fixtures/EXPECTED-sshd.md), and proof that the
//! collectors, run through a recording Source, gather exactly what the evaluators
//! then read.

use super::tests::files;
use crate::eval::EvalContext;
use crate::evidence::{CommandState, DirState, FileMeta, FileState, Globbed, Snapshot, Source};
use crate::model::Params;
use crate::model::ProbeType;
use crate::model::{Outcome, Status};
use crate::probe::domain;
use chrono::Utc;
use std::sync::Mutex;

const WEAK: &[(&str, &str)] = &[
    ("/etc/passwd", include_str!("../../../tests/fixtures/weak/etc/passwd")),
    (
        "/etc/ssh/sshd_config",
        include_str!("../../../tests/fixtures/weak/etc/ssh/sshd_config"),
    ),
    (
        "/etc/ssh/sshd_config.d/50-cloud-init.conf",
        include_str!("../../../tests/fixtures/weak/etc/ssh/sshd_config.d/50-cloud-init.conf"),
    ),
    (
        "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf",
        include_str!("../../../tests/fixtures/weak/etc/ssh/sshd_config.d/60-cloudimg-settings.conf"),
    ),
    (
        "/home/deploy/.ssh/authorized_keys",
        include_str!("../../../tests/fixtures/weak/home/deploy/.ssh/authorized_keys"),
    ),
    (
        "/root/.ssh/authorized_keys",
        include_str!("../../../tests/fixtures/weak/root/.ssh/authorized_keys"),
    ),
];

const HARDENED: &[(&str, &str)] = &[
    (
        "/etc/passwd",
        include_str!("../../../tests/fixtures/hardened/etc/passwd"),
    ),
    (
        "/etc/ssh/sshd_config",
        include_str!("../../../tests/fixtures/hardened/etc/ssh/sshd_config"),
    ),
    (
        "/etc/ssh/sshd_config.d/10-hardening.conf",
        include_str!("../../../tests/fixtures/hardened/etc/ssh/sshd_config.d/10-hardening.conf"),
    ),
    (
        "/etc/ssh/sshd_config.d/50-cloud-init.conf",
        include_str!("../../../tests/fixtures/hardened/etc/ssh/sshd_config.d/50-cloud-init.conf"),
    ),
    (
        "/home/deploy/.ssh/authorized_keys",
        include_str!("../../../tests/fixtures/hardened/home/deploy/.ssh/authorized_keys"),
    ),
    (
        "/root/.ssh/authorized_keys",
        include_str!("../../../tests/fixtures/hardened/root/.ssh/authorized_keys"),
    ),
];

const MIXED: &[(&str, &str)] = &[
    ("/etc/passwd", include_str!("../../../tests/fixtures/mixed/etc/passwd")),
    (
        "/etc/ssh/authorized_keys/alice",
        include_str!("../../../tests/fixtures/mixed/etc/ssh/authorized_keys/alice"),
    ),
    (
        "/etc/ssh/sshd_config",
        include_str!("../../../tests/fixtures/mixed/etc/ssh/sshd_config"),
    ),
    (
        "/etc/ssh/sshd_config.d/20-access.conf",
        include_str!("../../../tests/fixtures/mixed/etc/ssh/sshd_config.d/20-access.conf"),
    ),
    (
        "/etc/ssh/sshd_config.d/50-cloud-init.conf",
        include_str!("../../../tests/fixtures/mixed/etc/ssh/sshd_config.d/50-cloud-init.conf"),
    ),
    (
        "/home/alice/.ssh/authorized_keys",
        include_str!("../../../tests/fixtures/mixed/home/alice/.ssh/authorized_keys"),
    ),
    (
        "/home/deploy/.ssh/authorized_keys",
        include_str!("../../../tests/fixtures/mixed/home/deploy/.ssh/authorized_keys"),
    ),
];

fn outcomes(source: &dyn Source) -> Vec<Outcome> {
    let params = Params::default();
    let ctx = EvalContext::new(source, Utc::now(), &params);
    super::evaluators().iter().map(|def| (def.run)(&ctx)).collect()
}

#[test]
fn fixture_hosts_have_their_expected_statuses() {
    use Status::{Fail, Pass, Warn};
    let expected = [
        ("weak", WEAK, [Fail, Pass, Fail, Warn, Pass, Fail], vec![22]),
        ("hardened", HARDENED, [Pass, Pass, Pass, Pass, Pass, Pass], vec![22]),
        ("mixed", MIXED, [Warn, Pass, Pass, Pass, Pass, Warn], vec![2222]),
    ];
    for (host, tree, statuses, ports) in expected {
        let snap = files(tree);
        let got: Vec<Status> = outcomes(&snap).iter().map(|o| o.status).collect();
        assert_eq!(got, statuses, "{host}");
        assert_eq!(crate::parse::sshd::ssh_ports(&snap), ports, "{host}");
    }
    let weak = outcomes(&files(WEAK));
    let summary = &weak[0].summary;
    for part in ["/etc/ssh/sshd_config.d/50-cloud-init.conf:1", "/etc/ssh/sshd_config:66"] {
        assert!(summary.contains(part), "{part} not in {summary}");
    }
}

/// A Source that answers from `inner` and records every answer it gave, as the
/// collector's recording transport does.
struct Recorder {
    inner: Snapshot,
    seen: Mutex<Snapshot>,
}

impl Recorder {
    fn keep(&self, path: &str, state: &FileState) {
        if let Ok(mut seen) = self.seen.lock() {
            let taken = std::mem::take(&mut *seen);
            *seen = match state {
                FileState::Text(text) => taken.with_file(path, text),
                other => taken.with_state(path, other.clone()),
            };
        }
    }
}

impl Source for Recorder {
    fn read(&self, path: &str) -> FileState {
        let state = self.inner.read(path);
        self.keep(path, &state);
        state
    }
    fn glob(&self, pattern: &str) -> Globbed {
        let exists = |p: &str| self.inner.read(p).exists() || self.inner.list(p).names().is_some();
        let found = crate::evidence::glob::expand(pattern, &|dir: &str| self.list(dir), &exists);
        for path in &found.paths {
            self.keep(path, &self.inner.read(path));
        }
        found
    }
    fn list(&self, path: &str) -> DirState {
        let state = self.inner.list(path);
        if let Ok(mut seen) = self.seen.lock() {
            seen.record_dir(path, state.clone());
        }
        state
    }
    fn meta(&self, path: &str) -> Option<FileMeta> {
        self.inner.meta(path)
    }
    fn command(&self, argv: &[&str]) -> CommandState {
        let state = self.inner.command(argv);
        if let Ok(mut seen) = self.seen.lock() {
            let argv: Vec<String> = argv.iter().map(|a| a.to_string()).collect();
            seen.record_command(&argv, state.clone());
        }
        state
    }
}

#[test]
fn collectors_gather_exactly_what_the_evaluators_read() {
    for (host, tree) in [("weak", WEAK), ("hardened", HARDENED), ("mixed", MIXED)] {
        let snap = files(tree);
        let recorder = Recorder {
            inner: snap.clone(),
            seen: Mutex::new(Snapshot::new()),
        };
        for kind in [ProbeType::SshdConfig, ProbeType::AuthorizedKeys] {
            let Some(def) = domain::def(kind) else {
                panic!("no collector {kind}")
            };
            def.collect(&recorder, &Params::default(), None);
        }
        let Ok(recorded) = recorder.seen.into_inner() else {
            panic!("poisoned")
        };
        assert_eq!(outcomes(&recorded), outcomes(&snap), "{host}");
        let unused: Vec<&str> = snap
            .file_paths()
            .filter(|p| recorded.read(p) == FileState::NotCollected)
            .collect();
        assert!(unused.is_empty(), "{host}: never read {unused:?}");
    }
}
