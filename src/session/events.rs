//! What a session's journal records, one event a line: the session's start (what
//! is audited, by whom, as of when, with which sections), each piece of evidence as
//! it is collected (its bytes in the blob store), each status as it is decided, a
//! halt, and the finish. Interview answers, notes, attachments and overrides join
//! them with the walkthrough.

use crate::evidence::record::EvidenceRecord;
use crate::model::answers::AnswerValue;
use crate::results::{ControlResult, Override, SectionInfo};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One checklist file a session uses, as reports and bundles cite it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistUsed {
    pub id: String,
    pub version: String,
    /// Where it came from: a path, or `bundled:NAME.toml`.
    pub origin: String,
    pub sha256: String,
}

/// Someone interviewed: who answers from the moment they are on the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    SessionStarted {
        target: String,
        root: Option<String>,
        /// The application's directory as `--app-dir` named it (none: discovered).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        app_dir: Option<String>,
        /// The SHA256 fingerprint of the host key the target was trusted by (SSH).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        host_key: Option<String>,
        transport: String,
        auditor: String,
        #[serde(with = "crate::session::events::time")]
        as_of: DateTime<Utc>,
        tool: String,
        sections: Vec<SectionInfo>,
        /// The checklists it started with, each file kept in `blobs/<sha256>`:
        /// the session is decided by these versions, whatever is installed later.
        #[serde(default)]
        checklists: Vec<ChecklistUsed>,
        /// The `--only` restriction of those checklists.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        only: Vec<String>,
        /// The organisation audited.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        organisation: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        auditor_email: Option<String>,
    },
    /// From now on this person gives the answers (the interviewee on the call).
    OnTheCall {
        person: Person,
    },
    /// Nobody is on the call any more: the auditor answers again.
    OffTheCall,
    /// A piece of evidence, its content in `blobs/<sha256>`.
    EvidenceCollected {
        record: EvidenceRecord,
    },
    StatusDecided {
        result: ControlResult,
    },
    /// The host's name, OS and kernel, as read at collection.
    HostFacts {
        facts: crate::parse::host::HostFacts,
    },
    /// Where the Python application was found (and how), or why it was not.
    AppFound {
        app_dir: Option<String>,
        how: String,
    },
    /// A collection began (the first, or `r` collecting again).
    CollectionStarted,
    /// Collection stopped early (cancelled, the target lost, the budget spent).
    Halted {
        reason: String,
    },
    /// An interview answer, who gave it and in what role; its attestation record
    /// (the answer as evidence, redacted and hashed) comes with it.
    AnswerGiven {
        control: String,
        question: String,
        answer: AnswerValue,
        by: String,
        #[serde(default)]
        role: String,
        record: EvidenceRecord,
        /// Pre-filled from the collected evidence, confirmed by whoever answered.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        from_evidence: bool,
    },
    /// A document attached to an answer, its bytes in `blobs/<sha256>`.
    AttachmentAdded {
        control: String,
        question: String,
        record: EvidenceRecord,
    },
    NoteAdded {
        control: String,
        text: String,
        by: String,
    },
    /// An auditor's override of a control's status; it never erases the evaluated one.
    OverrideSet {
        control: String,
        decision: Override,
    },
    Finished,
}

pub(crate) mod time {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::clock::rfc3339(time))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}
