//! The checklist file format as written on disk (serde types with spans), before
//! validation turns it into the `Catalog` model.

use serde::Deserialize;
use serde_spanned::Spanned;
use std::collections::BTreeMap;

pub type SpannedTable = Spanned<BTreeMap<String, Spanned<toml::Value>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub checklist: RawMeta,
    #[serde(default)]
    pub probes: BTreeMap<Spanned<String>, SpannedTable>,
    #[serde(default)]
    pub sections: Vec<RawSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub id: Spanned<String>,
    pub title: String,
    pub version: Spanned<String>,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub id: Spanned<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub controls: Vec<RawControl>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawControl {
    pub id: Spanned<String>,
    pub title: String,
    pub mode: Spanned<crate::model::Mode>,
    pub severity: crate::model::Severity,
    pub rationale: String,
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub probes: Vec<Spanned<String>>,
    pub evaluator: Option<Spanned<String>>,
    pub params: Option<SpannedTable>,
    #[serde(default)]
    pub questions: Vec<RawQuestion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub id: Spanned<String>,
    pub text: String,
    pub answer: Spanned<super::AnswerKind>,
    #[serde(default)]
    pub choices: Vec<String>,
    #[serde(default)]
    pub attachment: super::AttachmentRule,
    #[serde(default)]
    pub help: String,
    /// Which answers decide which status (`{ yes = "pass", no = "fail" }`).
    pub decides: Option<Spanned<std::collections::BTreeMap<String, Spanned<String>>>>,
    /// A date answer older than this many months before as_of warns.
    pub stale_after_months: Option<Spanned<i64>>,
    /// Answers that make other controls not applicable (`{ no = ["compliance.hipaa"] }`).
    pub excludes: Option<Spanned<std::collections::BTreeMap<String, Vec<String>>>>,
    /// The answer the collected evidence settles, for the auditor to confirm:
    /// `{ fact = "frequency", answers = { daily = "daily", hourly = "hourly or continuous" } }`.
    pub prefill: Option<Spanned<RawPrefill>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrefill {
    pub fact: String,
    pub answers: std::collections::BTreeMap<String, String>,
}
