//! The results model every report renders: per host, each control's status, how it
//! was reached (evaluated, answered, overridden), summary, findings and evidence ids,
//! plus the evidence records themselves and the section titles, so a renderer needs
//! nothing else. Serialized as-is, it is the `vouch.results/1` JSON document; it reads
//! back with serde, so a session or a bundle can be reloaded.

use crate::checklist::{Catalog, Control};
use crate::evidence::record::{EvidenceId, EvidenceRecord};
use crate::model::{Finding, Mode, Severity, Status};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

pub const SCHEMA: &str = "vouch.results/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanResults {
    pub schema: String,
    pub tool: Tool,
    #[serde(serialize_with = "crate::evidence::record::ser_time")]
    pub as_of: DateTime<Utc>,
    /// The sections of the checklists in use, in order, with their titles.
    #[serde(default)]
    pub sections: Vec<SectionInfo>,
    /// The checklists that decided these results: id, version and SHA-256.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checklists: Vec<ChecklistRef>,
    pub hosts: Vec<HostResult>,
}

/// A checklist by id, version and the SHA-256 of its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistRef {
    pub id: String,
    pub version: String,
    pub sha256: String,
}

impl ScanResults {
    /// Results of `hosts` audited with `catalog` at `as_of`, by this vouch.
    pub fn new(catalog: &Catalog, as_of: DateTime<Utc>, hosts: Vec<HostResult>) -> Self {
        ScanResults {
            schema: SCHEMA.to_string(),
            tool: Tool::this(),
            as_of,
            sections: catalog
                .sections
                .iter()
                .map(|s| SectionInfo {
                    id: s.id.clone(),
                    title: s.title.clone(),
                })
                .collect(),
            checklists: catalog
                .checklists
                .iter()
                .map(|c| ChecklistRef {
                    id: c.id.clone(),
                    version: c.version.clone(),
                    sha256: c.sha256.clone(),
                })
                .collect(),
            hosts,
        }
    }

    /// A section's title, or its id when the results do not name it.
    pub fn section_title<'a>(&'a self, id: &'a str) -> &'a str {
        self.sections
            .iter()
            .find(|s| s.id == id)
            .map_or(id, |s| s.title.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionInfo {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    pub fn this() -> Self {
        Tool {
            name: "vouch".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostResult {
    pub target: String,
    pub root: Option<String>,
    pub app_dir: Option<String>,
    pub app_dir_source: Option<String>,
    /// How the target was reached (`local`, `local --root DIR`, `ssh user@host:22 (...)`).
    pub transport: String,
    /// The SHA256 fingerprint of the host key the target was trusted by (SSH).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_key: Option<String>,
    /// Why the audit of this host is incomplete (cancelled, connection lost, could
    /// not be reached); absent when it ran to the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its name, OS and kernel, as read from the host (absent when unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<crate::parse::host::HostFacts>,
    pub summary: Summary,
    pub controls: Vec<ControlResult>,
    pub evidence: Vec<EvidenceRecord>,
}

impl HostResult {
    /// Apply an auditor's override to control `id` as of `as_of` and recount the
    /// summary, so the counts (and the exit code drawn from them) follow. False
    /// when the host has no such control.
    pub fn override_control(&mut self, id: &str, by: Override, as_of: DateTime<Utc>) -> bool {
        let Some(index) = self.controls.iter().position(|c| c.id == id) else {
            return false;
        };
        let control = self.controls.remove(index);
        self.controls.insert(index, control.overridden(by, as_of));
        self.summary = Summary::of(self.controls.iter().map(|c| &c.status));
        true
    }
}

/// Count of controls per status; every status is present, zero or not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary(pub BTreeMap<Status, usize>);

impl Summary {
    pub fn of<'a>(statuses: impl IntoIterator<Item = &'a Status>) -> Self {
        let mut counts: BTreeMap<Status, usize> = Status::ALL.iter().map(|s| (*s, 0)).collect();
        for status in statuses {
            *counts.entry(*status).or_default() += 1;
        }
        Summary(counts)
    }

    pub fn count(&self, status: Status) -> usize {
        self.0.get(&status).copied().unwrap_or(0)
    }
}

impl Serialize for Summary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(Status::ALL.len()))?;
        for status in Status::ALL {
            map.serialize_entry(status.as_str(), &self.count(status))?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Summary {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let counts = BTreeMap::<Status, usize>::deserialize(d)?;
        let mut summary = Summary::of([]);
        summary.0.extend(counts);
        Ok(summary)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingOut {
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl From<&Finding> for FindingOut {
    fn from(f: &Finding) -> Self {
        FindingOut {
            message: f.message.clone(),
            location: f.location.as_ref().map(ToString::to_string),
        }
    }
}

/// How a control's status was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    /// By its evaluator from collected evidence (or `needs_review` without one).
    Evaluated,
    /// From the answers given in an interview, by the control's answer rules.
    Answered,
    /// By the auditor, overriding the evaluated status (see `override`).
    Overridden,
}

/// An auditor's override of a control's status: never erases the evaluated one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub status: Status,
    /// The status before the override (the evaluated or answered one).
    pub evaluated: Status,
    pub reason: String,
    pub by: String,
    #[serde(default)]
    pub approved_by: Option<String>,
    #[serde(default)]
    pub expires: Option<NaiveDate>,
    /// Past its expiry at `as_of`: kept for the record, no longer applied.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlResult {
    pub id: String,
    pub section: String,
    pub title: String,
    pub mode: Mode,
    pub severity: Severity,
    /// The status that counts: evaluated, answered or overridden.
    pub status: Status,
    pub decided_by: DecidedBy,
    /// What the evaluator decided from the evidence, whatever happened after.
    pub evaluated: Status,
    pub summary: String,
    pub findings: Vec<FindingOut>,
    /// Ids of the evidence the control's probes collected.
    pub evidence: Vec<EvidenceId>,
    #[serde(rename = "override", default, skip_serializing_if = "Option::is_none")]
    pub override_: Option<Override>,
    /// Interview answers given in a session, each with its attestation's evidence id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<AnswerOut>,
    /// The auditor's notes on this control in a session.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<NoteOut>,
    /// What the evidence settles (e.g. `frequency`: `daily`): pre-fills the
    /// interview's answers for the auditor to confirm.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub facts: std::collections::BTreeMap<String, String>,
    /// How to fix it, from the checklist: reports show it under a fail or a warn.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remediation: String,
    /// The checklist's references (standards, documentation addresses).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The automated rule that decides it from evidence, if the checklists give one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluator: Option<String>,
}

/// What would settle a control that is still open (`needs_review`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Open {
    /// Its interview: a manual control, or a hybrid one (whose evidence, if
    /// any, the auditor confirms).
    Interview,
    /// Evidence that could not decide it (missing, unreadable, ambiguous).
    Evidence,
    /// Nothing automated: the checklists in use give no rule for it.
    NoRule,
}

/// One interview answer as results show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerOut {
    pub question: String,
    pub answer: crate::model::answers::AnswerValue,
    pub by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub role: String,
    #[serde(serialize_with = "crate::evidence::record::ser_time")]
    pub at: DateTime<Utc>,
    /// The attestation record, and any attachments, in `evidence`.
    pub evidence: Vec<EvidenceId>,
    /// The answer was pre-filled from the collected evidence and confirmed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_evidence: bool,
}

/// One note as results show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteOut {
    pub text: String,
    pub by: String,
    #[serde(serialize_with = "crate::evidence::record::ser_time")]
    pub at: DateTime<Utc>,
}

impl ControlResult {
    /// A control as its evaluator decided it.
    pub fn evaluated(control: &Control, status: Status, summary: String, findings: Vec<FindingOut>) -> Self {
        ControlResult {
            id: control.id.clone(),
            section: control.section.clone(),
            title: control.title.clone(),
            mode: control.mode,
            severity: control.severity,
            status,
            decided_by: DecidedBy::Evaluated,
            evaluated: status,
            summary,
            findings,
            evidence: Vec::new(),
            override_: None,
            answers: Vec::new(),
            notes: Vec::new(),
            facts: std::collections::BTreeMap::new(),
            remediation: control.remediation.clone(),
            references: control.references.clone(),
            evaluator: control.evaluator.map(|e| e.name.to_string()),
        }
    }

    /// What would settle it, while it is open (`needs_review`).
    pub fn open(&self) -> Option<Open> {
        if self.status != Status::NeedsReview {
            return None;
        }
        Some(match (self.mode, &self.evaluator) {
            (Mode::Manual | Mode::Hybrid, _) => Open::Interview,
            (Mode::Auto, None) => Open::NoRule,
            (Mode::Auto, Some(_)) => Open::Evidence,
        })
    }

    /// The status decided from interview answers (the evaluated one is kept).
    pub fn answered(mut self, status: Status, summary: String) -> Self {
        self.status = status;
        self.summary = summary;
        self.decided_by = DecidedBy::Answered;
        self
    }

    /// Apply an auditor's override as of `as_of`: past its expiry it is kept, marked
    /// expired, and the status stays as it was.
    pub fn overridden(mut self, mut by: Override, as_of: DateTime<Utc>) -> Self {
        by.evaluated = self.status;
        by.expired = by.expires.is_some_and(|day| day < as_of.date_naive());
        if !by.expired {
            self.status = by.status;
            self.decided_by = DecidedBy::Overridden;
        }
        self.override_ = Some(by);
        self
    }
}

/// Results for tests: a failing `ssh.root-login`, an approved exception to it, and
/// a host holding controls.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::checklist::{bundled, load_catalog};

    pub fn at(day: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{day}T12:00:00Z"))
            .map(|t| t.with_timezone(&Utc))
            .unwrap()
    }

    pub fn failing() -> ControlResult {
        let (catalog, _) = load_catalog(&bundled::texts()).unwrap();
        let control = catalog.control("ssh.root-login").unwrap();
        ControlResult::evaluated(control, Status::Fail, "PermitRootLogin yes".into(), Vec::new())
    }

    /// A pass until `expires`, approved by the CTO, with this reason.
    pub fn exception(expires: &str, reason: &str) -> Override {
        Override {
            status: Status::Pass,
            evaluated: Status::Fail,
            reason: reason.into(),
            by: "A. Auditor".into(),
            approved_by: Some("CTO".into()),
            expires: NaiveDate::parse_from_str(expires, "%Y-%m-%d").ok(),
            expired: false,
        }
    }

    pub fn host_of(controls: Vec<ControlResult>) -> HostResult {
        HostResult {
            target: "local".into(),
            root: None,
            app_dir: None,
            app_dir_source: None,
            transport: "local".into(),
            host_key: None,
            error: None,
            facts: None,
            summary: Summary::of(controls.iter().map(|c| &c.status)),
            controls,
            evidence: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{at, failing, host_of};
    use super::*;

    fn exception(expires: &str) -> Override {
        super::fixtures::exception(expires, "break-glass account, key only")
    }

    #[test]
    fn an_override_keeps_the_evaluated_status_beside_the_new_one() {
        let result = failing().overridden(exception("2027-01-31"), at("2026-12-05"));
        assert_eq!((result.status, result.evaluated), (Status::Pass, Status::Fail));
        assert_eq!(result.decided_by, DecidedBy::Overridden);
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["override"]["evaluated"], "fail");
        assert_eq!(json["override"]["expires"], "2027-01-31");
    }

    #[test]
    fn an_override_moves_the_host_summary_with_it() {
        let mut host = host_of(vec![failing()]);
        assert!(host.override_control("ssh.root-login", exception("2027-01-31"), at("2026-12-05")));
        assert_eq!(
            (host.summary.count(Status::Pass), host.summary.count(Status::Fail)),
            (1, 0)
        );
        assert!(!host.override_control("no.such", exception("2027-01-31"), at("2026-12-05")));
    }

    #[test]
    fn an_expired_override_no_longer_applies_and_says_so() {
        let result = failing().overridden(exception("2026-11-30"), at("2026-12-05"));
        assert_eq!(result.status, Status::Fail);
        assert_eq!(result.decided_by, DecidedBy::Evaluated);
        assert!(result.override_.as_ref().is_some_and(|o| o.expired));
    }
}
