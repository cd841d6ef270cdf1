//! The evidence recorder: the one function every piece of evidence passes through
//! before anything else sees it. It redacts the content and every string that
//! describes it (source, command line, stderr, note, attestation fields), hashes what
//! is kept, derives the stable id, and sets the state; an `EvidenceRecord` cannot be
//! made any other way.

use super::record::{EvidenceId, EvidenceRecord, EvidenceState, Parts, Payload, Provenance};
use super::redact;
use chrono::{DateTime, Utc};

/// What was observed, before redaction.
#[derive(Debug, Clone)]
pub struct Draft {
    pub payload: Payload,
    /// The path read, or empty for a command (its command line is derived).
    pub source: String,
    /// The raw bytes seen (a file's content, a command's stdout, an answer's text);
    /// invalid UTF-8 is replaced, since only text is kept.
    pub body: Vec<u8>,
    pub state: EvidenceState,
    pub note: Option<String>,
    pub collected_at: DateTime<Utc>,
    pub duration_ms: u64,
    pub provenance: Provenance,
}

impl Draft {
    /// A draft of `payload` about `source`, collected at `at`, with state `ok`.
    pub fn new(payload: Payload, source: impl Into<String>, at: DateTime<Utc>) -> Self {
        Draft {
            payload,
            source: source.into(),
            body: Vec::new(),
            state: EvidenceState::Ok,
            note: None,
            collected_at: at,
            duration_ms: 0,
            provenance: Provenance::Collected,
        }
    }

    pub fn body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }

    /// A one-line remark on what was kept (how it was derived).
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Mark what went wrong, with a one-line reason.
    pub fn state(mut self, state: EvidenceState, note: impl Into<String>) -> Self {
        self.state = state;
        self.note = Some(note.into());
        self
    }
}

/// Counts redactions across the strings of one record.
struct Gate {
    count: u32,
}

impl Gate {
    fn pass(&mut self, text: &str) -> String {
        let redacted = redact::redact(text);
        self.count += redacted.count;
        redacted.text
    }

    /// A file's content, redacted as its kind reads it (Python source as code).
    fn pass_file(&mut self, path: &str, text: &str) -> String {
        let redacted = redact::redact_file(path, text);
        self.count += redacted.count;
        redacted.text
    }
}

/// Record another path to a file already recorded as `same` (a hard link, a
/// symlink to it): the path and note pass the gate as for `record`; the content,
/// its hash and its redactions are `same`'s, neither read nor stored twice.
pub fn record_same(draft: Draft, same: &EvidenceRecord) -> EvidenceRecord {
    let mut gate = Gate { count: 0 };
    let kind = draft.payload.kind();
    let source = gate.pass(&draft.source);
    let note = draft.note.map(|n| shown_text(&gate.pass(&n)));
    EvidenceRecord::sharing(
        Parts {
            id: EvidenceId::derive(kind, &source),
            payload: draft.payload,
            source: shown(&source),
            content: String::new(),
            collected_at: draft.collected_at,
            duration_ms: draft.duration_ms,
            provenance: draft.provenance,
            redactions: gate.count,
            state: draft.state,
            note,
        },
        same,
    )
}

/// Record a document attached in an interview: kept byte for byte in the blob
/// store (so not redacted: it is the auditor's chosen document), known here by
/// its hash and size; its name passes the gate.
pub fn record_attachment(control: &str, name: &str, sha256: &str, bytes: u64, at: DateTime<Utc>) -> EvidenceRecord {
    let mut gate = Gate { count: 0 };
    let name = gate.pass(name);
    let source = format!("attachment:{sha256}");
    let payload = Payload::Attachment(super::record::AttachmentRecord {
        control: control.to_string(),
        name: shown(&name),
    });
    EvidenceRecord::attached(
        Parts {
            id: EvidenceId::derive(payload.kind(), &format!("{control}\0{sha256}")),
            payload,
            source,
            content: String::new(),
            collected_at: at,
            duration_ms: 0,
            provenance: Provenance::Attested,
            redactions: gate.count,
            state: EvidenceState::Ok,
            note: None,
        },
        sha256,
        bytes,
    )
}

/// Redact, hash and identify one item: the only way to make an `EvidenceRecord`.
pub fn record(draft: Draft) -> EvidenceRecord {
    let mut gate = Gate { count: 0 };
    let content = if draft.state.keeps_content() {
        let body = String::from_utf8_lossy(&draft.body);
        match draft.payload {
            Payload::File => gate.pass_file(&draft.source, &body),
            _ => gate.pass(&body),
        }
    } else {
        String::new()
    };
    let kind = draft.payload.kind();
    let (payload, source, identity) = match draft.payload {
        Payload::Command(run) => {
            let argv: Vec<String> = run.argv.iter().map(|a| gate.pass(a)).collect();
            let line = command_line(&argv);
            let identity = serde_json::to_string(&argv).unwrap_or_else(|_| line.clone());
            let stderr = run.stderr.map(|e| gate.pass(&e));
            let payload = Payload::Command(super::record::CommandRecord {
                argv,
                command: line.clone(),
                exit_code: run.exit_code,
                stderr,
            });
            (payload, line, identity)
        }
        Payload::Attestation(mut said) => {
            said.by = gate.pass(&said.by);
            let source = gate.pass(&draft.source);
            let identity = format!("{}\0{}\0{source}", said.control, said.question);
            (Payload::Attestation(said), source, identity)
        }
        Payload::Attachment(mut doc) => {
            doc.name = gate.pass(&doc.name);
            let source = gate.pass(&draft.source);
            let identity = format!("{}\0{source}", doc.control);
            (Payload::Attachment(doc), source, identity)
        }
        other => {
            let source = gate.pass(&draft.source);
            (other, shown(&source), source)
        }
    };
    let note = draft.note.map(|n| shown_text(&gate.pass(&n)));
    EvidenceRecord::assemble(Parts {
        id: EvidenceId::derive(kind, &identity),
        payload,
        source,
        content,
        collected_at: draft.collected_at,
        duration_ms: draft.duration_ms,
        provenance: draft.provenance,
        redactions: gate.count,
        state: draft.state,
        note,
    })
}

/// A path as people read it: bytes of a name that is not UTF-8 as `\xNN` (the
/// id is derived from the lossless form, so two names never share one).
fn shown(text: &str) -> String {
    crate::pathname::display(text).into_owned()
}

/// A note as people read it: raw bytes of a quoted name shown as `\xNN`.
fn shown_text(text: &str) -> String {
    crate::pathname::display_in_text(text).into_owned()
}

/// A command line as a POSIX shell would read it back into the same argv.
pub fn command_line(argv: &[String]) -> String {
    argv.iter()
        .map(|arg| match shlex::try_quote(arg) {
            Ok(quoted) => quoted.into_owned(),
            Err(_) => format!("{arg:?}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::record::CommandRecord;

    fn at() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default()
    }

    fn command(argv: &[&str]) -> EvidenceRecord {
        let payload = Payload::Command(CommandRecord {
            argv: argv.iter().map(|s| s.to_string()).collect(),
            command: String::new(),
            exit_code: Some(0),
            stderr: Some(String::new()),
        });
        record(Draft::new(payload, "", at()))
    }

    #[test]
    fn argv_lists_that_join_alike_stay_distinct() {
        let one = command(&["a b"]);
        let two = command(&["a", "b"]);
        assert_ne!(one.id(), two.id());
        assert_eq!(one.source(), "'a b'");
        assert_eq!(two.source(), "a b");
    }

    #[test]
    fn every_string_of_a_record_is_redacted_and_counted() {
        let draft = Draft::new(Payload::File, "/srv/app/.env", at())
            .body(b"API_TOKEN=\"hunter2hunter2\"\n".to_vec())
            .state(EvidenceState::Ok, "read; password=\"s3cr3tpass\"");
        let record = record(draft);
        assert!(!record.content().contains("hunter2"), "{}", record.content());
        assert!(!record.note().unwrap_or_default().contains("s3cr3t"));
        assert_eq!(record.redactions(), 2);
        assert_eq!(record.bytes(), Some(record.content().len() as u64));
    }

    #[test]
    fn absent_content_has_no_hash() {
        let record = record(Draft::new(Payload::File, "/etc/x", at()).state(EvidenceState::Missing, "gone"));
        assert_eq!((record.sha256(), record.bytes()), (None, None));
        assert_eq!(record.state(), EvidenceState::Missing);
    }

    #[test]
    fn ids_are_stable_and_depend_on_what_was_asked() {
        let a = record(Draft::new(Payload::File, "/etc/x", at()));
        let b = record(Draft::new(Payload::File, "/etc/x", at()).body(b"other".to_vec()));
        let c = record(Draft::new(Payload::Metadata, "/etc/x", at()));
        assert_eq!(a.id(), b.id(), "the id names what was asked, not what came back");
        assert_ne!(a.id(), c.id());
        assert!(a.id().as_str().starts_with("ev-") && a.id().as_str().len() == 15);
    }
}
