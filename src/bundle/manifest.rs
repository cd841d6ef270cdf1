//! `manifest.json`: who audited what, when, with which checklists, and one row
//! per file of the bundle (path, kind, sha256, bytes, the controls it serves,
//! where it came from) — the map a reader follows from a finding to its bytes.

use crate::evidence::record::Provenance;
use crate::session::events::{ChecklistUsed, Person};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// `vouch.bundle/1`.
    pub format: String,
    /// The vouch that wrote it (`vouch 0.1.0`).
    pub tool: String,
    pub session: String,
    pub auditor: Auditor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    pub interviewees: Vec<Person>,
    pub targets: Vec<Target>,
    pub started: String,
    /// When the session was finished (absent for one exported unfinished).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished: Option<String>,
    pub as_of: String,
    pub checklists: Vec<ChecklistUsed>,
    /// The SHA-256 of the journal's last line (its bytes, without the newline):
    /// the chain ends here.
    pub journal_head: String,
    /// Every file of the bundle but the manifest itself and the signature files,
    /// sorted by path.
    pub files: Vec<FileRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Auditor {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The signing key's SHA256 fingerprint, once signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_fingerprint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// How it was reached (`local`, `local --root DIR`, ssh…).
    pub transport: String,
    /// The SSH host key's SHA256 fingerprint (SSH targets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_key: Option<String>,
}

/// What a file of the bundle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Manifest,
    Readme,
    Results,
    /// report.html and report.md.
    Report,
    Journal,
    Evidence,
    Attachment,
    /// signer.pub and allowed_signers.
    Signer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRow {
    pub path: String,
    pub kind: FileKind,
    pub sha256: String,
    pub bytes: u64,
    /// The controls it is evidence for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// An evidence item's id, or an attachment's original file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    /// Secrets redacted in it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub redactions: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
