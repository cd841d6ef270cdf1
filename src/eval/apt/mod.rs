//! The `patching` domain: APT configuration read as apt reads it (`conf`), the dpkg
//! status database (`dpkg`), update logs (`logs`), and the evaluators of the
//! `patching.*` controls, one module each. The `apt_config` collector runs the same
//! configuration loader against the target so every file apt reads is recorded.

pub mod activity;
pub mod automatic;
pub mod common;
pub mod installed;
pub mod origins;
pub mod reboot;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod tests_origins;

use super::EvaluatorDef;
use crate::model::ProbeType;

pub fn evaluators() -> Vec<EvaluatorDef> {
    vec![
        EvaluatorDef {
            name: "patching.unattended-upgrades",
            description: "unattended-upgrades is `install ok installed` in /var/lib/dpkg/status",
            params: &[],
            needs: &[ProbeType::Files],
            run: installed::evaluate,
        },
        EvaluatorDef {
            name: "patching.automatic",
            description: "APT::Periodic::Update-Package-Lists and ::Unattended-Upgrade are non-zero as apt reads them",
            params: &[],
            needs: &[ProbeType::AptConfig],
            run: automatic::evaluate,
        },
        EvaluatorDef {
            name: "patching.security-origin",
            description: "an Unattended-Upgrade origin matches the distribution's security archive as unattended-upgrades matches it (os-release substituted)",
            params: &[],
            needs: &[ProbeType::AptConfig, ProbeType::Files],
            run: origins::evaluate,
        },
        EvaluatorDef {
            name: "patching.recent-activity",
            description: "unattended-upgrades.log or apt history.log shows activity within 7 (warn: 30) days",
            params: &[],
            needs: &[ProbeType::Files],
            run: activity::evaluate,
        },
        EvaluatorDef {
            name: "patching.reboot-required",
            description: "no /run/reboot-required flag is waiting for a reboot",
            params: &[],
            needs: &[ProbeType::Files],
            run: reboot::evaluate,
        },
    ]
}
