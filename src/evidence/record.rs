//! `EvidenceRecord`: one thing read or run on a target, as stored and reported —
//! what it was, when, how long it took, its SHA-256 and size (of the redacted bytes
//! that are kept), where it came from, and how many secrets were redacted.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    File,
    Command,
    /// A directory listing (one name a line).
    Listing,
    /// File metadata (mode, owner, size, mtime).
    Metadata,
    Attestation,
    Attachment,
}

/// How the evidence reached vouch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Read or run by vouch itself on the target.
    Collected,
    /// From an archive made by `vouch collector`.
    Imported,
}

/// One piece of evidence. `content` holds the redacted bytes that are hashed and
/// that a bundle stores; it is never serialized into results.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRecord {
    pub id: String,
    pub kind: EvidenceKind,
    /// The path read, or the command line run.
    pub source: String,
    /// SHA-256 of the kept bytes; null when nothing was kept (missing, binary, too
    /// large, unreadable, not run), so absence never looks like an empty file.
    pub sha256: Option<String>,
    pub bytes: Option<u64>,
    #[serde(serialize_with = "crate::evidence::record::ser_time")]
    pub collected_at: DateTime<Utc>,
    pub duration_ms: u64,
    pub provenance: Provenance,
    pub redactions: u32,
    /// `ok`, or what went wrong (`missing`, `too_large`, `binary`, `unreadable`, `not_run`, `timed_out`).
    pub state: &'static str,
    /// A one-line reason when the state is not `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// For command evidence: the command line, exit code and stderr (always present,
    /// `null` when the command did not run or was killed).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub run: Option<CommandRecord>,
    #[serde(skip)]
    pub content: Arc<[u8]>,
}

/// What a command evidence item adds.
#[derive(Debug, Clone, Serialize)]
pub struct CommandRecord {
    pub command: String,
    pub exit_code: Option<i32>,
    pub stderr: Option<String>,
}

pub fn ser_time<S: serde::Serializer>(time: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::clock::rfc3339(time))
}

impl EvidenceRecord {
    /// A record over `content` (already redacted); hash and size are computed here.
    pub fn new(kind: EvidenceKind, source: String, content: Vec<u8>, collected_at: DateTime<Utc>) -> Self {
        let sha256 = hex::encode(Sha256::digest(&content));
        EvidenceRecord {
            id: String::new(),
            kind,
            source,
            sha256: Some(sha256),
            bytes: Some(content.len() as u64),
            collected_at,
            duration_ms: 0,
            provenance: Provenance::Collected,
            redactions: 0,
            state: "ok",
            note: None,
            run: None,
            content: Arc::from(content),
        }
    }

    pub fn with_state(mut self, state: &'static str, note: impl Into<String>) -> Self {
        if matches!(state, "missing" | "binary" | "too_large" | "unreadable" | "not_run") {
            self.sha256 = None;
            self.bytes = None;
        }
        self.state = state;
        self.note = Some(note.into());
        self
    }
}
