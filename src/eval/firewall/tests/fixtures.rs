//! The fixture roots of tests/fixtures, collected as `--root` collects them: what
//! EXPECTED-firewall.md says of each holds.

use super::*;
use crate::evidence::{DirState, FileMeta, Globbed, Source};
use crate::model::ProbeType;
use crate::probe::domain;
use std::sync::Mutex;

/// The fixture root as `vouch scan --root` collects it.
fn fixture(name: &str) -> Snapshot {
    crate::testing::fixture_snapshot(name)
}

fn statuses(snap: &Snapshot) -> [Status; 4] {
    [
        status(ENABLED, snap),
        status(DEFAULT_DENY, snap),
        status(ALLOWED_PORTS, snap),
        status(LISTENING, snap),
    ]
}

#[test]
fn fixture_roots_match_expected_firewall_md() {
    use Status::{Fail, NeedsReview, Pass};
    let mut mixed = fixture("mixed");
    if mixed.read("/etc/ssh/sshd_config") == FileState::Missing {
        mixed = mixed.with_file("/etc/ssh/sshd_config", "Port 2222\n");
    }
    assert_eq!(statuses(&fixture("weak")), [Fail, Fail, Fail, NeedsReview], "weak");
    assert_eq!(
        statuses(&fixture("hardened")),
        [Pass, Pass, Pass, NeedsReview],
        "hardened"
    );
    assert_eq!(statuses(&mixed), [Pass, Pass, Fail, NeedsReview], "mixed");
    assert_eq!(statuses(&fixture("nft")), [Pass, Pass, Fail, NeedsReview], "nft");
}

#[test]
fn fixture_summaries() {
    let mixed = run(ALLOWED_PORTS, &fixture("mixed"));
    assert_eq!(
        mixed.summary,
        "5432 (PostgreSQL) is open to anywhere: /etc/ufw/user.rules:34"
    );
    let nft = run(ALLOWED_PORTS, &fixture("nft"));
    assert_eq!(
        nft.summary,
        "6379/tcp (Redis) is open to anywhere: /etc/nftables.d/20-redis.nft:2"
    );
    let weak = run(DEFAULT_DENY, &fixture("weak"));
    assert!(weak
        .summary
        .starts_with("No host firewall filters incoming traffic: ufw is disabled (ENABLED=no"));
}

/// A Source that records the paths read, as the collector's source does.
struct Recorder {
    inner: Snapshot,
    reads: Mutex<Vec<String>>,
}

impl Source for Recorder {
    fn read(&self, path: &str) -> FileState {
        self.reads.lock().expect("lock").push(path.to_string());
        self.inner.read(path)
    }
    fn glob(&self, pattern: &str) -> Globbed {
        self.inner.glob(pattern)
    }
    fn list(&self, path: &str) -> DirState {
        self.inner.list(path)
    }
    fn meta(&self, path: &str) -> Option<FileMeta> {
        self.inner.meta(path)
    }
    fn command(&self, argv: &[&str]) -> CommandState {
        self.inner.command(argv)
    }
}

#[test]
fn the_nftables_collector_reads_every_included_file() {
    let recorder = Recorder {
        inner: fixture("nft"),
        reads: Mutex::new(Vec::new()),
    };
    let def = domain::def(ProbeType::Nftables).expect("registered collector");
    def.collect(&recorder, &Params::default(), None);
    let reads = recorder.reads.lock().expect("lock").clone();
    assert_eq!(
        reads,
        vec![
            "/etc/nftables.conf",
            "/etc/nftables.d/10-public.nft",
            "/etc/nftables.d/20-redis.nft",
            "/etc/services",
        ]
    );
}
