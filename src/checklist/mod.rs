//! Checklists: the TOML format (raw), its validation with file:line:column
//! diagnostics (load, against an evaluator registry it is given), the bundled
//! catalog, and the validated model every later stage reads. Imports the model,
//! probe specs, the read-only command policy and evaluator definitions (to name
//! them); nothing below imports checklists except the engine and results.

pub mod bundled;
mod coverage;
pub mod diag;
pub mod load;
mod names;
mod questions;
pub mod raw;

use crate::eval::EvaluatorDef;
use crate::model::Params;
use crate::model::{Mode, Severity};
use crate::probe::ProbeSpec;
use serde::{Deserialize, Serialize};

pub use diag::{Diagnostic, Level};
pub use load::{load_catalog, load_with, CatalogError, ChecklistText};

/// How an interview question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    YesNo,
    Choice,
    Date,
    Text,
}

/// Whether an answer needs a document attached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentRule {
    #[default]
    None,
    Optional,
    Required,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub answer: AnswerKind,
    pub choices: Vec<String>,
    pub attachment: AttachmentRule,
    pub help: String,
    /// How its answers decide the control's status.
    pub rule: crate::model::answers::AnswerRule,
    /// The answer the evidence settles, if its evaluator says so.
    pub prefill: Option<Prefill>,
}

/// An answer pre-filled from a fact the control's evaluator gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Prefill {
    pub fact: String,
    /// The fact's value → the answer it gives.
    pub answers: std::collections::BTreeMap<String, crate::model::answers::AnswerValue>,
}

impl Question {
    /// The answer the evidence settles, given the control's facts.
    pub fn prefilled(
        &self,
        facts: &std::collections::BTreeMap<String, String>,
    ) -> Option<crate::model::answers::AnswerValue> {
        let prefill = self.prefill.as_ref()?;
        let value = facts.get(&prefill.fact)?;
        let answer = prefill.answers.get(value)?.clone();
        self.accepts(&answer).ok().map(|()| answer)
    }

    /// An answer as a checklist writes it (`yes`, a choice, `2026-06-01`,
    /// `never`, text), if this question takes it.
    pub fn parse_answer(&self, text: &str) -> Result<crate::model::answers::AnswerValue, String> {
        use crate::model::answers::AnswerValue as A;
        let value = match (self.answer, text) {
            (AnswerKind::YesNo, "yes") => A::Yes,
            (AnswerKind::YesNo, "no") => A::No,
            (AnswerKind::Date, "never") => A::Never,
            (AnswerKind::Date, day) => chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map(A::Date)
                .map_err(|_| format!("`{day}` is not a date (YYYY-MM-DD)"))?,
            (AnswerKind::Choice, choice) => A::Choice(choice.to_string()),
            (AnswerKind::Text, text) => A::Text(text.to_string()),
            (AnswerKind::YesNo, other) => return Err(format!("`{other}` is not yes or no")),
        };
        self.accepts(&value).map(|()| value)
    }
}

impl Question {
    /// Whether `answer` is one this question takes: yes or no for a yes/no
    /// question, one of its choices, a date (or "never") for a date, some text
    /// for a text question. The reason, when it is not.
    pub fn accepts(&self, answer: &crate::model::answers::AnswerValue) -> Result<(), String> {
        use crate::model::answers::AnswerValue as A;
        let fits = match (self.answer, answer) {
            (AnswerKind::YesNo, A::Yes | A::No) | (AnswerKind::Date, A::Date(_)) => true,
            (AnswerKind::Date, A::Never) => self.allows_never(),
            (AnswerKind::Choice, A::Choice(choice)) => self.choices.contains(choice),
            (AnswerKind::Text, A::Text(text)) => !text.trim().is_empty(),
            _ => false,
        };
        if fits {
            return Ok(());
        }
        let expected = match self.answer {
            AnswerKind::YesNo => "yes or no".to_string(),
            AnswerKind::Choice => format!("one of: {}", self.choices.join(", ")),
            AnswerKind::Date if self.allows_never() => "a date (YYYY-MM-DD) or never".to_string(),
            AnswerKind::Date => "a date (YYYY-MM-DD)".to_string(),
            AnswerKind::Text => "some text".to_string(),
        };
        Err(format!("question `{}` takes {expected}", self.id))
    }

    /// A date question takes "never" only where its rule says what never decides.
    pub fn allows_never(&self) -> bool {
        self.answer == AnswerKind::Date && self.rule.decides.contains_key("never")
    }
}

/// One checklist file's identity, as reports and bundles cite it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistInfo {
    pub id: String,
    pub title: String,
    pub version: String,
    pub description: String,
    /// Where it came from: a path, or `bundled:NAME.toml`.
    pub origin: String,
    pub sha256: String,
    /// The file as read, so a session can keep the version it started with.
    pub text: std::sync::Arc<str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub description: String,
    pub checklist: usize,
}

/// A validated control.
#[derive(Clone)]
pub struct Control {
    pub id: String,
    pub section: String,
    pub title: String,
    pub mode: Mode,
    pub severity: Severity,
    pub rationale: String,
    pub remediation: String,
    pub references: Vec<String>,
    /// Indexes into `Catalog::probes`.
    pub probes: Vec<usize>,
    pub evaluator: Option<&'static EvaluatorDef>,
    pub params: Params,
    pub questions: Vec<Question>,
    pub checklist: usize,
}

impl Control {
    /// Its questions as the answer rules read them: each id with its rule.
    pub fn asked(&self) -> Vec<crate::model::answers::Asked<'_>> {
        self.questions
            .iter()
            .map(|q| crate::model::answers::Asked {
                id: &q.id,
                rule: &q.rule,
            })
            .collect()
    }
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("id", &self.id)
            .field("mode", &self.mode)
            .field("evaluator", &self.evaluator.map(|e| e.name))
            .finish_non_exhaustive()
    }
}

/// Everything the checklists in use define, validated: probes are shared across
/// checklists when they ask for the same thing.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub checklists: Vec<ChecklistInfo>,
    pub sections: Vec<Section>,
    pub controls: Vec<Control>,
    pub probes: Vec<ProbeSpec>,
    /// The `--only` names it was restricted to (empty: everything).
    pub only: Vec<String>,
}

impl Catalog {
    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// Keep only the controls named by `only` (section ids or control ids); the
    /// engine runs only the probes that remaining controls use. Returns the names
    /// that matched nothing.
    pub fn restrict(&mut self, only: &[String]) -> Vec<String> {
        if only.is_empty() {
            return Vec::new();
        }
        self.only = only.to_vec();
        let unknown = only
            .iter()
            .filter(|name| !self.controls.iter().any(|c| &c.id == *name || &c.section == *name))
            .cloned()
            .collect();
        self.controls
            .retain(|c| only.iter().any(|name| name == &c.id || name == &c.section));
        let controls = &self.controls;
        self.sections.retain(|s| controls.iter().any(|c| c.section == s.id));
        unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::answers::{AnswerRule, AnswerValue};

    fn date_question(rule: AnswerRule) -> Question {
        Question {
            id: "last".into(),
            text: "When?".into(),
            answer: AnswerKind::Date,
            choices: Vec::new(),
            attachment: AttachmentRule::default(),
            help: String::new(),
            rule,
            prefill: None,
        }
    }

    #[test]
    fn a_date_question_takes_never_only_where_its_rule_decides_it() {
        let silent = date_question(AnswerRule::default());
        let refused = silent.accepts(&AnswerValue::Never);
        assert_eq!(refused, Err("question `last` takes a date (YYYY-MM-DD)".to_string()));
        let mut rule = AnswerRule::default();
        rule.decides.insert("never".into(), crate::model::Status::Fail);
        let ruled = date_question(rule);
        assert_eq!(ruled.accepts(&AnswerValue::Never), Ok(()));
        assert_eq!(ruled.parse_answer("never"), Ok(AnswerValue::Never));
        assert!(ruled.parse_answer("2026-13-01").is_err());
    }
}
