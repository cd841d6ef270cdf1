//! (skeleton: filled in by its domain work)

use super::{CollectorDef, EvaluatorDef};

pub fn evaluators() -> Vec<EvaluatorDef> {
    Vec::new()
}

pub fn collectors() -> Vec<CollectorDef> {
    Vec::new()
}
