//! The fixture hosts of tests/fixtures (weak, hardened, mixed) through the patching
//! evaluators, as tests/fixtures/EXPECTED-apt.md describes them.

use super::common::testing::run;
use super::common::{DPKG_STATUS, HISTORY_LOG, UNATTENDED_UPGRADES_LOG};
use super::conf::MAIN_FILE;
use super::{activity, automatic, installed, origins, reboot};
use crate::eval::EvalContext;
use crate::evidence::{FileState, Snapshot, Source};
use crate::model::{Outcome, Status};
use std::path::{Path, PathBuf};

/// The parts of a fixture root this domain owns.
const OWNED: [&str; 5] = [
    "etc/apt",
    "var/lib/dpkg",
    "var/log/apt",
    "var/log/unattended-upgrades",
    "run",
];

/// Paths a collection would record as absent when the root lacks them.
const READ: [&str; 7] = [
    MAIN_FILE,
    DPKG_STATUS,
    UNATTENDED_UPGRADES_LOG,
    HISTORY_LOG,
    "/run/reboot-required",
    "/var/run/reboot-required",
    "/run/reboot-required.pkgs",
];

fn root(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn walk(dir: &Path, base: &Path, snap: Snapshot) -> Snapshot {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return snap;
    };
    entries.flatten().fold(snap, |snap, entry| {
        let path = entry.path();
        if path.is_dir() {
            return walk(&path, base, snap);
        }
        let relative = path
            .strip_prefix(base)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        snap.with_file(&format!("/{relative}"), &text)
    })
}

/// A snapshot of the fixture root as the files and apt_config probes would see it.
fn host(name: &str) -> Snapshot {
    let base = root(name);
    let snap = OWNED
        .iter()
        .fold(Snapshot::new(), |snap, part| walk(&base.join(part), &base, snap));
    READ.iter().fold(snap, |snap, path| match snap.read(path) {
        FileState::NotCollected => snap.with_state(path, FileState::Missing),
        _ => snap,
    })
}

type Evaluate = fn(&EvalContext) -> Outcome;

fn check(name: &str, expected: [(&str, Evaluate, Status, &str); 5]) {
    let snap = host(name);
    for (control, evaluate, status, in_summary) in expected {
        let outcome = run(evaluate, &snap);
        assert_eq!(outcome.status, status, "{name} {control}: {}", outcome.summary);
        assert!(
            outcome.summary.contains(in_summary),
            "{name} {control}: {}",
            outcome.summary
        );
    }
}

#[test]
fn weak() {
    check(
        "weak",
        [
            (
                "patching.unattended-upgrades",
                installed::evaluate,
                Status::Pass,
                "2.9.1+nmu4ubuntu1 is installed",
            ),
            (
                "patching.automatic",
                automatic::evaluate,
                Status::Fail,
                "APT::Periodic::Unattended-Upgrade is \"0\": set at /etc/apt/apt.conf.d/99-no-updates:3, \
                 after \"1\" in /etc/apt/apt.conf.d/20auto-upgrades:2",
            ),
            (
                "patching.security-origin",
                origins::evaluate,
                Status::Fail,
                "is commented out at /etc/apt/apt.conf.d/50unattended-upgrades:8",
            ),
            (
                "patching.recent-activity",
                activity::evaluate,
                Status::Fail,
                "2026-05-14 16:40:03, 191 days before",
            ),
            (
                "patching.reboot-required",
                reboot::evaluate,
                Status::Warn,
                "linux-image-6.8.0-49-generic, linux-base",
            ),
        ],
    );
}

#[test]
fn hardened() {
    check(
        "hardened",
        [
            (
                "patching.unattended-upgrades",
                installed::evaluate,
                Status::Pass,
                "is installed",
            ),
            (
                "patching.automatic",
                automatic::evaluate,
                Status::Pass,
                "APT::Periodic::Unattended-Upgrade is \"1\": set at /etc/apt/apt.conf.d/52unattended-upgrades-local:9",
            ),
            (
                "patching.security-origin",
                origins::evaluate,
                Status::Pass,
                "\"${distro_id}:${distro_codename}-security\" (/etc/apt/apt.conf.d/50unattended-upgrades:8)",
            ),
            (
                "patching.recent-activity",
                activity::evaluate,
                Status::Pass,
                "2026-11-22 06:08:48, 5 hours before",
            ),
            (
                "patching.reboot-required",
                reboot::evaluate,
                Status::Pass,
                "No reboot is pending",
            ),
        ],
    );
}

#[test]
fn mixed() {
    check(
        "mixed",
        [
            (
                "patching.unattended-upgrades",
                installed::evaluate,
                Status::Fail,
                "\"deinstall ok config-files\"",
            ),
            (
                "patching.automatic",
                automatic::evaluate,
                Status::Fail,
                "APT::Periodic::Unattended-Upgrade is not set in any file apt reads",
            ),
            ("patching.security-origin", origins::evaluate, Status::Pass, "-security"),
            (
                "patching.recent-activity",
                activity::evaluate,
                Status::Warn,
                "2026-11-12 06:25:13, 10 days before",
            ),
            (
                "patching.reboot-required",
                reboot::evaluate,
                Status::Pass,
                "No reboot is pending",
            ),
        ],
    );
}

#[test]
fn mixed_points_at_the_ignored_dpkg_old_file() {
    let outcome = run(automatic::evaluate, &host("mixed"));
    let ignored = "/etc/apt/apt.conf.d/20auto-upgrades.dpkg-old";
    assert!(outcome
        .findings
        .iter()
        .any(|f| f.location.as_ref().is_some_and(|l| l.path == ignored)));
}
