//! Generic evaluators for organisations' own checklists (skeleton).

use super::EvaluatorDef;

pub fn evaluators() -> Vec<EvaluatorDef> {
    Vec::new()
}
