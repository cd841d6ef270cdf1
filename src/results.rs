//! The results model every report renders: per host, each control's status,
//! summary, findings and evidence ids, plus the evidence records themselves.
//! Serialized as-is, it is the `vouch.results/1` JSON document of spec/cli.md.

use crate::evidence::record::EvidenceRecord;
use crate::model::{Finding, Mode, Severity, Status};
use crate::probe::collector::Request;
use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

pub const SCHEMA: &str = "vouch.results/1";

#[derive(Debug, Clone, Serialize)]
pub struct ScanResults {
    pub schema: &'static str,
    pub tool: Tool,
    #[serde(serialize_with = "crate::evidence::record::ser_time")]
    pub as_of: DateTime<Utc>,
    pub hosts: Vec<HostResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Tool {
    pub fn this() -> Self {
        Tool {
            name: "vouch",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct HostResult {
    pub target: String,
    pub root: Option<String>,
    pub app_dir: Option<String>,
    pub app_dir_source: Option<String>,
    /// How the target was reached (`local`, `local --root DIR`).
    pub transport: String,
    pub summary: Summary,
    pub controls: Vec<ControlResult>,
    pub evidence: Vec<EvidenceRecord>,
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

#[derive(Debug, Clone, Serialize)]
pub struct FindingOut {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
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

#[derive(Debug, Clone, Serialize)]
pub struct ControlResult {
    pub id: String,
    pub section: String,
    pub title: String,
    pub mode: Mode,
    pub severity: Severity,
    pub status: Status,
    pub summary: String,
    pub findings: Vec<FindingOut>,
    /// Evidence ids (`ev-0003`), assigned when the host's collection is complete.
    pub evidence: Vec<String>,
    /// What the control's probes touched; ids are derived from these.
    #[serde(skip)]
    pub evidence_requests: Vec<Request>,
}
