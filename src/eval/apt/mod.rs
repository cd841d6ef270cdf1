//! The `patching` domain: APT configuration read as apt reads it, the dpkg status
//! database, update logs and the reboot flag, and the evaluators that decide the
//! `patching.*` controls from them.

pub mod conf;

use super::{CollectorDef, EvaluatorDef};

pub fn evaluators() -> Vec<EvaluatorDef> {
    Vec::new()
}

pub fn collectors() -> Vec<CollectorDef> {
    Vec::new()
}
