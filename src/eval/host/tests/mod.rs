//! Snapshot-based tests of the host evaluators: table tests per control and
//! property tests that no input makes a parser panic.

mod backup;
mod fixtures;
mod logging;
mod metrics;
mod props;
mod sudo;

use crate::eval::EvalContext;
use crate::evidence::Snapshot;
use crate::model::Outcome;
use crate::model::Params;
use chrono::{TimeZone, Utc};

/// Run a registered host evaluator over a snapshot with default params.
pub fn run(name: &str, snapshot: &Snapshot) -> Outcome {
    let params = Params::default();
    let ctx = EvalContext::new(
        snapshot,
        Utc.with_ymd_and_hms(2025, 1, 15, 12, 0, 0).single().unwrap_or_default(),
        &params,
    );
    let def = super::evaluators().into_iter().find(|e| e.name == name);
    (def.expect("evaluator registered").run)(&ctx)
}

/// Every finding as `message @ location`, for assertions.
pub fn lines(outcome: &Outcome) -> Vec<String> {
    outcome
        .findings
        .iter()
        .map(|f| match &f.location {
            Some(at) => format!("{} @ {at}", f.message),
            None => f.message.clone(),
        })
        .collect()
}
