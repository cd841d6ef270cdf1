//! Deciding one control from a snapshot: its evaluator's outcome, a manual
//! control's interview status, or an error when an evaluator panics.

use crate::checklist::Control;
use crate::eval::EvalContext;
use crate::evidence::Snapshot;
use crate::model::{Mode, Outcome};
use crate::results::{ControlResult, FindingOut};
use chrono::{DateTime, Utc};
use std::panic::AssertUnwindSafe;

pub fn control(control: &Control, snapshot: &Snapshot, as_of: DateTime<Utc>) -> ControlResult {
    let outcome = outcome(control, snapshot, as_of);
    ControlResult {
        id: control.id.clone(),
        section: control.section.clone(),
        title: control.title.clone(),
        mode: control.mode,
        severity: control.severity,
        status: outcome.status,
        summary: outcome.summary,
        findings: outcome.findings.iter().map(FindingOut::from).collect(),
        evidence: Vec::new(),
        evidence_requests: Vec::new(),
    }
}

fn outcome(control: &Control, snapshot: &Snapshot, as_of: DateTime<Utc>) -> Outcome {
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
    };
    match std::panic::catch_unwind(AssertUnwindSafe(|| (evaluator.run)(&ctx))) {
        Ok(outcome) => outcome,
        Err(_) => Outcome::error(format!(
            "internal error: evaluator `{}` failed on this evidence; please report it",
            evaluator.name
        )),
    }
}
