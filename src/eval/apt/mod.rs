//! The `patching` domain: APT configuration read as apt reads it (`conf`), the dpkg
//! status database (`dpkg`), update logs (`logs`), and the evaluators of the
//! `patching.*` controls, one module each. The `apt_config` collector runs the same
//! configuration loader against the target so every file apt reads is recorded.

pub mod activity;
pub mod automatic;
pub mod common;
pub mod conf;
pub mod dpkg;
pub mod installed;
pub mod logs;
pub mod origins;
pub mod reboot;

#[cfg(test)]
mod fixture_tests;

use super::{CollectorDef, EvaluatorDef, Params};
use crate::evidence::Source;

pub fn evaluators() -> Vec<EvaluatorDef> {
    vec![
        EvaluatorDef {
            name: "patching.unattended-upgrades",
            description: "unattended-upgrades is `install ok installed` in /var/lib/dpkg/status",
            params: &[],
            needs: &["files"],
            run: installed::evaluate,
        },
        EvaluatorDef {
            name: "patching.automatic",
            description: "APT::Periodic::Update-Package-Lists and ::Unattended-Upgrade are non-zero as apt reads them",
            params: &[],
            needs: &["apt_config"],
            run: automatic::evaluate,
        },
        EvaluatorDef {
            name: "patching.security-origin",
            description: "Unattended-Upgrade origins include the security pocket",
            params: &[],
            needs: &["apt_config"],
            run: origins::evaluate,
        },
        EvaluatorDef {
            name: "patching.recent-activity",
            description: "unattended-upgrades.log or apt history.log shows activity within 7 (warn: 30) days",
            params: &[],
            needs: &["files"],
            run: activity::evaluate,
        },
        EvaluatorDef {
            name: "patching.reboot-required",
            description: "no /run/reboot-required flag is waiting for a reboot",
            params: &[],
            needs: &["files"],
            run: reboot::evaluate,
        },
    ]
}

pub fn collectors() -> Vec<CollectorDef> {
    vec![CollectorDef {
        kind: "apt_config",
        description:
            "APT configuration: /etc/apt/apt.conf.d files apt reads (in its order), /etc/apt/apt.conf, #includes",
        params: &[],
        collect: collect_apt_config,
    }]
}

/// Read every file apt would read; the source records each read as evidence.
fn collect_apt_config(source: &dyn Source, _params: &Params) {
    let _config = conf::load(source);
}
