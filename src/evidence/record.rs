//! `EvidenceRecord`: one thing read or run on a target (or attested or attached in
//! an interview), as stored and reported — its stable id, what it was, when, how long
//! it took, its SHA-256 and size (of the redacted bytes that are kept), where it came
//! from, and how many secrets were redacted. Records are built only by
//! [`super::recorder::record`], so none escapes redaction and hashing; they read back
//! with serde so a session or a bundle can be reloaded.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;

/// A stable evidence id: `ev-` and 12 hex digits of the SHA-256 of what was asked
/// (kind and redacted source or argv), so the same files give the same ids on every
/// scan, whatever order the probes finished in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EvidenceId(String);

impl EvidenceId {
    /// The id of an item of `kind` identified by `identity` (a path, or an argv as JSON).
    pub fn derive(kind: EvidenceKind, identity: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(kind.as_str().as_bytes());
        hasher.update([0]);
        hasher.update(identity.as_bytes());
        EvidenceId(format!("ev-{}", &hex::encode(hasher.finalize())[..12]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EvidenceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    File,
    Command,
    /// A directory listing (one name a line).
    Listing,
    /// The paths a Git index lists (one a line), read from the index's bytes.
    GitIndex,
    /// File metadata (mode, owner, size, mtime).
    Metadata,
    Attestation,
    Attachment,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::File => "file",
            EvidenceKind::Command => "command",
            EvidenceKind::Listing => "listing",
            EvidenceKind::GitIndex => "git_index",
            EvidenceKind::Metadata => "metadata",
            EvidenceKind::Attestation => "attestation",
            EvidenceKind::Attachment => "attachment",
        }
    }
}

/// What became of the attempt to collect an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceState {
    Ok,
    Missing,
    TooLarge,
    Binary,
    Unreadable,
    NotRun,
    TimedOut,
    Truncated,
}

impl EvidenceState {
    /// Whether bytes were kept (and so hashed); absence never looks like an empty file.
    pub fn keeps_content(self) -> bool {
        matches!(
            self,
            EvidenceState::Ok | EvidenceState::TimedOut | EvidenceState::Truncated
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceState::Ok => "ok",
            EvidenceState::Missing => "missing",
            EvidenceState::TooLarge => "too_large",
            EvidenceState::Binary => "binary",
            EvidenceState::Unreadable => "unreadable",
            EvidenceState::NotRun => "not_run",
            EvidenceState::TimedOut => "timed_out",
            EvidenceState::Truncated => "truncated",
        }
    }
}

/// How the evidence reached vouch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Read or run by vouch itself on the target.
    Collected,
    /// From an archive made by `vouch collector`.
    Imported,
    /// Given by a person in an interview.
    Attested,
}

/// What kind of item a record is, with what that kind adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    File,
    Listing,
    GitIndex,
    Metadata,
    Command(CommandRecord),
    Attestation(AttestationRecord),
    Attachment(AttachmentRecord),
}

impl Payload {
    pub fn kind(&self) -> EvidenceKind {
        match self {
            Payload::File => EvidenceKind::File,
            Payload::Listing => EvidenceKind::Listing,
            Payload::GitIndex => EvidenceKind::GitIndex,
            Payload::Metadata => EvidenceKind::Metadata,
            Payload::Command(_) => EvidenceKind::Command,
            Payload::Attestation(_) => EvidenceKind::Attestation,
            Payload::Attachment(_) => EvidenceKind::Attachment,
        }
    }
}

/// What a command item adds: the argv as run (a list, so `["a b"]` and `["a","b"]`
/// stay distinct), the command line as a shell would read it, exit code and stderr
/// (`null` when the command did not run or was killed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandRecord {
    pub argv: Vec<String>,
    pub command: String,
    pub exit_code: Option<i32>,
    pub stderr: Option<String>,
}

/// An answer given in an interview: which control and question, and who gave it.
/// The answer's text is the record's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestationRecord {
    pub control: String,
    pub question: String,
    pub by: String,
}

/// A document attached to an attestation, kept byte-for-byte in the blob store
/// (never in memory): its original name and the control it supports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRecord {
    pub control: String,
    pub name: String,
}

/// One piece of evidence. Its content is the redacted text that is hashed and that a
/// bundle stores; it is never serialized into results. Deserializing reloads a
/// record that the recorder made earlier (a results document, a session); it
/// neither redacts nor checks it again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvidenceRecord {
    id: EvidenceId,
    #[serde(flatten)]
    payload: Payload,
    /// The path read, or the command line run.
    source: String,
    /// SHA-256 of the kept bytes; null when nothing was kept.
    sha256: Option<String>,
    bytes: Option<u64>,
    #[serde(serialize_with = "ser_time")]
    collected_at: DateTime<Utc>,
    duration_ms: u64,
    provenance: Provenance,
    redactions: u32,
    state: EvidenceState,
    /// A one-line reason when the state is not `ok`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(skip)]
    content: Arc<str>,
}

pub fn ser_time<S: serde::Serializer>(time: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::clock::rfc3339(time))
}

/// The parts of a record, already redacted: only the recorder assembles them.
pub(super) struct Parts {
    pub id: EvidenceId,
    pub payload: Payload,
    pub source: String,
    pub content: String,
    pub collected_at: DateTime<Utc>,
    pub duration_ms: u64,
    pub provenance: Provenance,
    pub redactions: u32,
    pub state: EvidenceState,
    pub note: Option<String>,
}

/// Records are equal when everything reported is: the content is named by its
/// sha256, and is not carried by a reloaded record.
impl PartialEq for EvidenceRecord {
    fn eq(&self, other: &Self) -> bool {
        let EvidenceRecord {
            id,
            payload,
            source,
            sha256,
            bytes,
            collected_at,
            duration_ms,
            provenance,
            redactions,
            state,
            note,
            content: _,
        } = self;
        (id, payload, source, sha256, bytes, collected_at)
            == (
                &other.id,
                &other.payload,
                &other.source,
                &other.sha256,
                &other.bytes,
                &other.collected_at,
            )
            && (duration_ms, provenance, redactions, state, note)
                == (
                    &other.duration_ms,
                    &other.provenance,
                    &other.redactions,
                    &other.state,
                    &other.note,
                )
    }
}

impl EvidenceRecord {
    /// A record of another path leading to the same file as `same` (a hard link):
    /// its content, hash and redactions are shared, not read or stored again.
    pub(super) fn sharing(parts: Parts, same: &EvidenceRecord) -> Self {
        EvidenceRecord {
            sha256: same.sha256.clone(),
            bytes: same.bytes,
            content: same.content.clone(),
            redactions: parts.redactions + same.redactions,
            state: same.state,
            note: parts.note,
            id: parts.id,
            payload: parts.payload,
            source: parts.source,
            collected_at: parts.collected_at,
            duration_ms: parts.duration_ms,
            provenance: parts.provenance,
        }
    }

    /// A record of bytes kept elsewhere (an attachment in the blob store), known
    /// by their hash and size.
    pub(super) fn attached(parts: Parts, sha256: &str, bytes: u64) -> Self {
        EvidenceRecord {
            sha256: Some(sha256.to_string()),
            bytes: Some(bytes),
            ..EvidenceRecord::assemble(parts)
        }
    }

    pub(super) fn assemble(parts: Parts) -> Self {
        let kept = parts.state.keeps_content();
        EvidenceRecord {
            sha256: kept.then(|| hex::encode(Sha256::digest(parts.content.as_bytes()))),
            bytes: kept.then_some(parts.content.len() as u64),
            id: parts.id,
            payload: parts.payload,
            source: parts.source,
            collected_at: parts.collected_at,
            duration_ms: parts.duration_ms,
            provenance: parts.provenance,
            redactions: parts.redactions,
            state: parts.state,
            note: parts.note,
            content: if kept { Arc::from(parts.content) } else { Arc::from("") },
        }
    }

    pub fn id(&self) -> &EvidenceId {
        &self.id
    }

    pub fn kind(&self) -> EvidenceKind {
        self.payload.kind()
    }

    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// For a command item: argv, command line, exit code and stderr.
    pub fn command(&self) -> Option<&CommandRecord> {
        match &self.payload {
            Payload::Command(run) => Some(run),
            _ => None,
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn sha256(&self) -> Option<&str> {
        self.sha256.as_deref()
    }

    pub fn bytes(&self) -> Option<u64> {
        self.bytes
    }

    pub fn collected_at(&self) -> DateTime<Utc> {
        self.collected_at
    }

    pub fn duration_ms(&self) -> u64 {
        self.duration_ms
    }

    pub fn provenance(&self) -> Provenance {
        self.provenance
    }

    pub fn redactions(&self) -> u32 {
        self.redactions
    }

    pub fn state(&self) -> EvidenceState {
        self.state
    }

    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The redacted text kept (empty when nothing was kept, and after a reload:
    /// results carry hashes, not contents).
    pub fn content(&self) -> &Arc<str> {
        &self.content
    }
}
