//! The fixture hosts of tests/fixtures (weak, hardened, mixed) through the patching
//! evaluators, as tests/fixtures/EXPECTED-apt.md describes them.

use super::common::testing::run;
use super::{activity, automatic, installed, origins, reboot};
use crate::eval::EvalContext;
use crate::evidence::Snapshot;
use crate::model::{Outcome, Status};

/// The fixture root as `vouch scan --root` collects it.
fn host(name: &str) -> Snapshot {
    crate::testing::fixture_snapshot(name)
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
