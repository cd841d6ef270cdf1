//! How interview answers decide a status, as data a checklist declares per
//! question (so an organisation's own checklist can say the same): which answers
//! pass, warn, fail or make the control not applicable; a date older than N months
//! before `as_of` warns; "never" decides as declared; a required attachment must be
//! there before the answer can pass; answers that make other controls not
//! applicable. A manual control whose questions are not all answered stays
//! `needs_review`. Pure functions: answers in, a status and why out.

use super::Status;
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One question's rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerRule {
    /// The status an answer decides: `yes`/`no` for a yes/no question, the choice's
    /// text for a choice, `never` for a date question that allows it.
    pub decides: BTreeMap<String, Status>,
    /// A date answer older than this many months before `as_of` warns.
    pub stale_after_months: Option<u32>,
    /// An attachment must be given before this answer can pass.
    pub attachment_required: bool,
    /// Answers that make other controls not applicable (answer → control ids).
    pub excludes: BTreeMap<String, Vec<String>>,
}

/// An answer as given in an interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    Yes,
    No,
    Choice(String),
    Date(NaiveDate),
    Never,
    Text(String),
}

impl AnswerValue {
    /// The key a rule names it by.
    pub fn key(&self) -> String {
        match self {
            AnswerValue::Yes => "yes".into(),
            AnswerValue::No => "no".into(),
            AnswerValue::Choice(choice) => choice.clone(),
            AnswerValue::Date(_) => "date".into(),
            AnswerValue::Never => "never".into(),
            AnswerValue::Text(_) => "text".into(),
        }
    }
}

/// The answer as it was given: `yes`, a choice, `2026-06-01`, `never`, the text.
impl std::fmt::Display for AnswerValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnswerValue::Date(day) => write!(f, "{day}"),
            AnswerValue::Choice(text) | AnswerValue::Text(text) => f.write_str(text),
            other => f.write_str(&other.key()),
        }
    }
}

/// A question's answer and whether a document was attached to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    pub value: AnswerValue,
    pub attached: bool,
}

/// A question as the decision needs it: its id and rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked<'a> {
    pub id: &'a str,
    pub rule: &'a AnswerRule,
}

/// The status the answers decide, with a one-line reason; None when no question
/// of the control has a rule (the answers then only inform).
/// How far a status is from a clean pass: the worst answer decides.
pub fn rank(status: Status) -> u8 {
    match status {
        Status::NotApplicable => 5,
        Status::Fail => 4,
        Status::Warn => 3,
        Status::NeedsReview => 2,
        Status::Error => 1,
        Status::Pass => 0,
    }
}

pub fn decide(
    questions: &[Asked],
    answers: &BTreeMap<String, Given>,
    as_of: DateTime<Utc>,
) -> Option<(Status, String)> {
    let ruled: Vec<&Asked> = questions
        .iter()
        .filter(|q| !q.rule.decides.is_empty() || q.rule.stale_after_months.is_some())
        .collect();
    if ruled.is_empty() {
        return None;
    }
    // A control whose questions are not all answered stays needs_review, whatever
    // the answers so far say.
    if let Some(open) = questions.iter().find(|q| !answers.contains_key(q.id)) {
        return Some((Status::NeedsReview, format!("`{}` is not answered yet", open.id)));
    }
    let mut verdicts: Vec<(Status, String)> = Vec::new();
    for question in questions {
        if let Some(given) = answers.get(question.id) {
            verdicts.extend(judge(question, given, as_of));
        }
    }
    verdicts
        .into_iter()
        .max_by_key(|(status, _)| rank(*status))
        .or(Some((Status::Pass, "every answer passes".to_string())))
        .map(|(status, why)| match status {
            Status::Pass => (Status::Pass, "every answer passes".to_string()),
            other => (other, why),
        })
}

/// What one answer decides, if anything.
fn judge(question: &Asked, given: &Given, as_of: DateTime<Utc>) -> Vec<(Status, String)> {
    let rule = question.rule;
    let key = given.value.key();
    let mut out = Vec::new();
    if let Some(status) = rule.decides.get(&key) {
        let shown = match &given.value {
            AnswerValue::Choice(c) => format!("\"{c}\""),
            other => other.key(),
        };
        out.push((*status, format!("`{}` answered {shown}", question.id)));
    }
    if let (AnswerValue::Date(day), Some(months)) = (&given.value, rule.stale_after_months) {
        let limit = as_of.date_naive().checked_sub_months(Months::new(months));
        if limit.is_some_and(|limit| *day < limit) {
            out.push((
                Status::Warn,
                format!(
                    "`{}` is {day}, more than {months} months before {}",
                    question.id,
                    as_of.date_naive()
                ),
            ));
        } else {
            out.push((Status::Pass, String::new()));
        }
    }
    let passes = out.iter().all(|(s, _)| *s == Status::Pass);
    if rule.attachment_required && !given.attached && passes {
        out.push((
            Status::NeedsReview,
            format!("`{}` needs its document attached before it can pass", question.id),
        ));
    }
    out
}

/// The controls that the answers make not applicable (compliance.scope deciding
/// whether the HIPAA, GDPR and CCPA controls apply).
pub fn excluded<'a>(questions: &[Asked<'a>], answers: &BTreeMap<String, Given>) -> Vec<&'a str> {
    let mut out = Vec::new();
    for question in questions {
        if let Some(given) = answers.get(question.id) {
            if let Some(ids) = question.rule.excludes.get(&given.value.key()) {
                out.extend(ids.iter().map(String::as_str));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
