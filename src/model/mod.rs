//! The words every layer shares: a control's status, severity and mode, the outcome
//! an evaluator decides (summary plus findings with target locations), the target,
//! the probe types and the parameters a checklist gives probes and evaluators.
//! Imports nothing of the crate: every other module may use it.

pub mod answers;
pub mod params;
mod probe_type;

pub use params::{compile_regex, ParamDef, ParamKind, Params};
pub use probe_type::ProbeType;

use serde::{Deserialize, Serialize};
use std::fmt;

/// The status of one control: the six words every report and the JSON document use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    NeedsReview,
    NotApplicable,
    Error,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Pass,
        Status::Fail,
        Status::Warn,
        Status::NeedsReview,
        Status::NotApplicable,
        Status::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::NeedsReview => "needs_review",
            Status::NotApplicable => "not_applicable",
            Status::Error => "error",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The audited target as results and evaluators name it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// `local`, or the host as the user named it.
    pub name: String,
    /// The `--root` folder read instead of `/`, if any.
    pub root: Option<String>,
    /// The Python application's directory on the target, once discovered.
    pub app_dir: Option<String>,
    /// How it was found (`--app-dir`, `systemd unit gunicorn.service`).
    pub app_dir_source: Option<String>,
    /// Why no application directory is known, once discovery has looked.
    pub app_unfound: Option<String>,
    /// The SHA256 fingerprint of the host key it was trusted by (SSH).
    pub host_key: Option<String>,
}

impl Target {
    /// The application's directory as the user named it (`--app-dir`), if any.
    pub fn with_app_dir(mut self, app_dir: Option<&str>) -> Self {
        if let Some(dir) = app_dir {
            self.app_dir = Some(dir.to_string());
            self.app_dir_source = Some("--app-dir".to_string());
        }
        self
    }
}

/// How a control is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Decided from collected evidence alone.
    Auto,
    /// Collected evidence plus the auditor's confirmation.
    Hybrid,
    /// Interview or attestation.
    Manual,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Hybrid => "hybrid",
            Mode::Manual => "manual",
        }
    }
}

/// How much a failing control matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// A place on the audited host: a path and, where known, a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub path: String,
    pub line: Option<u32>,
}

impl Location {
    pub fn file(path: impl Into<String>) -> Self {
        Location {
            path: path.into(),
            line: None,
        }
    }

    pub fn line(path: impl Into<String>, line: u32) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.path, line),
            None => f.write_str(&self.path),
        }
    }
}

/// One fact an evaluator reports about a control, pointing at where it was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub message: String,
    pub location: Option<Location>,
}

impl Finding {
    pub fn new(message: impl Into<String>) -> Self {
        Finding {
            message: message.into(),
            location: None,
        }
    }

    pub fn at(message: impl Into<String>, location: Location) -> Self {
        Finding {
            message: message.into(),
            location: Some(location),
        }
    }
}

/// A hostile file can yield a finding per line; reports keep the first ones and
/// say how many more there were, so a 16 MB file cannot make a 400 MB report.
pub const MAX_FINDINGS: usize = 200;

/// What an evaluator decided for one control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    /// One line a person can act on.
    pub summary: String,
    pub findings: Vec<Finding>,
    /// Findings past `MAX_FINDINGS` that an evaluator counted without building
    /// them (one per line of a 16 MB file would cost gigabytes).
    pub unlisted: usize,
    /// What the evidence settles, by name (e.g. `frequency` = `daily`), for a
    /// checklist's questions to pre-fill; the names an evaluator may give are in
    /// `eval::FACTS`.
    pub facts: std::collections::BTreeMap<String, String>,
}

impl Outcome {
    pub fn new(status: Status, summary: impl Into<String>) -> Self {
        Outcome {
            status,
            summary: summary.into(),
            findings: Vec::new(),
            unlisted: 0,
            facts: std::collections::BTreeMap::new(),
        }
    }

    /// Say what the evidence settles: `name` is `value`.
    pub fn with_fact(mut self, name: &str, value: impl Into<String>) -> Self {
        self.facts.insert(name.to_string(), value.into());
        self
    }

    pub fn pass(summary: impl Into<String>) -> Self {
        Self::new(Status::Pass, summary)
    }

    pub fn fail(summary: impl Into<String>) -> Self {
        Self::new(Status::Fail, summary)
    }

    pub fn warn(summary: impl Into<String>) -> Self {
        Self::new(Status::Warn, summary)
    }

    pub fn needs_review(summary: impl Into<String>) -> Self {
        Self::new(Status::NeedsReview, summary)
    }

    pub fn not_applicable(summary: impl Into<String>) -> Self {
        Self::new(Status::NotApplicable, summary)
    }

    pub fn error(summary: impl Into<String>) -> Self {
        Self::new(Status::Error, summary)
    }

    pub fn with(mut self, finding: Finding) -> Self {
        self.findings.push(finding);
        self
    }

    pub fn with_all(mut self, findings: impl IntoIterator<Item = Finding>) -> Self {
        self.findings.extend(findings);
        self
    }
}
