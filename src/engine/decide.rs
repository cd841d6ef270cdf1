//! Deciding one control from a snapshot: its evaluator's outcome, a manual
//! control's interview status, or an error when an evaluator panics.

use crate::checklist::Control;
use crate::eval::EvalContext;
use crate::evidence::{redact, Snapshot};
use crate::model::{Mode, Outcome, Status, Target};
use crate::results::{ControlResult, FindingOut};
use crate::transport::ssh::fallback::NEEDS_ROOT;
use chrono::{DateTime, Utc};
use std::panic::AssertUnwindSafe;

pub use crate::model::MAX_FINDINGS;

pub fn control(control: &Control, snapshot: &Snapshot, as_of: DateTime<Utc>, target: &Target) -> ControlResult {
    from_outcome(control, outcome(control, snapshot, as_of, target))
}

/// A control's result from an outcome: findings capped, every string passed through
/// the redaction gate once more — what an evaluator derives (decoded, joined,
/// quoted text, file names) leaves the engine as redacted as what was collected —
/// and evidence ids left to the caller.
pub fn from_outcome(control: &Control, outcome: Outcome) -> ControlResult {
    let gate = |text: &str| crate::pathname::display_in_text(&redact::redact_derived(text)).into_owned();
    let mut findings: Vec<FindingOut> = outcome
        .findings
        .iter()
        .take(MAX_FINDINGS)
        .map(|finding| {
            let out = FindingOut::from(finding);
            FindingOut {
                message: gate(&out.message),
                location: out.location.as_deref().map(gate),
            }
        })
        .collect();
    let all = outcome.findings.len() + outcome.unlisted;
    if all > MAX_FINDINGS {
        findings.push(FindingOut {
            message: format!("{} more findings not shown ({all} in all)", all - MAX_FINDINGS),
            location: None,
        });
    }
    let mut result = ControlResult::evaluated(control, outcome.status, gate(&outcome.summary), findings);
    result.facts = outcome.facts.iter().map(|(k, v)| (gate(k), gate(v))).collect();
    result
}

fn outcome(control: &Control, snapshot: &Snapshot, as_of: DateTime<Utc>, target: &Target) -> Outcome {
    let Some(evaluator) = control.evaluator else {
        return match control.mode {
            Mode::Manual => {
                Outcome::needs_review("Manual control: answer its interview questions in a session (`vouch audit`)")
            }
            _ => Outcome::needs_review(
                "No automated rule for this control in the checklists in use: the auditor decides",
            ),
        };
    };
    let ctx = EvalContext {
        source: snapshot,
        as_of,
        params: &control.params,
        target,
    };
    match std::panic::catch_unwind(AssertUnwindSafe(|| (evaluator.run)(&ctx))) {
        // Evidence sudo would not give is the auditor's to look at, not an error.
        Ok(outcome) if outcome.status == Status::Error && outcome.summary.contains(NEEDS_ROOT) => Outcome {
            status: Status::NeedsReview,
            ..outcome
        },
        Ok(outcome) => outcome,
        Err(_) => Outcome::error(format!(
            "internal error: evaluator `{}` failed on this evidence; please report it",
            evaluator.name
        )),
    }
}
