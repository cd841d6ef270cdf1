//! Turning a transport's reply into what probes see (an `Answer`) and what is
//! recorded (a `Draft` for the evidence recorder): classification of binary, too
//! large, missing and unreadable files, and of commands that timed out or were cut.

use crate::evidence::record::{CommandRecord, EvidenceRecord, EvidenceState, Payload};
use crate::evidence::recorder::Draft;
use crate::evidence::{CommandState, DirState, FileMeta, FileState};
use crate::transport::{CommandRun, DirList, FileRead, Stat};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;

/// What the target answered.
#[derive(Debug, Clone)]
pub enum Answer {
    File(FileState),
    Dir(DirState),
    Meta(Option<FileMeta>),
    Command(CommandState),
}

/// A file read, as an answer and a draft record.
pub fn file(path: &str, read: FileRead, cap: u64, at: DateTime<Utc>) -> (Answer, Draft) {
    let draft = Draft::new(Payload::File, path, at);
    match read {
        FileRead::Bytes(bytes) if bytes.contains(&0) => {
            let state = FileState::Binary {
                bytes: bytes.len() as u64,
            };
            let note = state.problem(path).unwrap_or_default();
            (Answer::File(state), draft.state(EvidenceState::Binary, note))
        }
        FileRead::Bytes(bytes) => (Answer::File(FileState::Text(Arc::from(""))), draft.body(bytes)),
        FileRead::Missing => (
            Answer::File(FileState::Missing),
            draft.state(EvidenceState::Missing, format!("{path} does not exist")),
        ),
        FileRead::TooLarge { bytes } => {
            let state = FileState::TooLarge { bytes, cap };
            let note = state.problem(path).unwrap_or_default();
            (Answer::File(state), draft.state(EvidenceState::TooLarge, note))
        }
        FileRead::Failed(reason) | FileRead::Declined(reason) => (
            Answer::File(FileState::Unreadable(reason.clone())),
            draft.state(EvidenceState::Unreadable, reason),
        ),
        // The collector answers a known file from its first record, never here.
        FileRead::Known(_) => {
            let reason = "read under another name".to_string();
            (
                Answer::File(FileState::Unreadable(reason.clone())),
                draft.state(EvidenceState::Unreadable, reason),
            )
        }
    }
}

/// A Git index read as bytes, as the paths it lists (an answer like a listing)
/// and a draft record whose content is those paths, one a line; the note gives
/// the index file's own size and SHA-256, so the record can be checked against it.
pub fn git_index(path: &str, read: FileRead, cap: u64, at: DateTime<Utc>) -> (Answer, Draft) {
    let draft = Draft::new(Payload::GitIndex, path, at);
    let failed = |reason: String, state: EvidenceState| {
        (
            Answer::Dir(DirState::Unreadable(reason.clone())),
            draft.clone().state(state, reason),
        )
    };
    match read {
        FileRead::Bytes(bytes) => match crate::parse::git_index::paths(&bytes) {
            Ok(index) => {
                use sha2::Digest;
                let sha = hex::encode(sha2::Sha256::digest(&bytes));
                let note = format!(
                    "{} paths of a version {} index ({} bytes, sha256 {sha})",
                    index.paths.len(),
                    index.version,
                    bytes.len()
                );
                let content = index.paths.join("\n").into_bytes();
                let draft = draft.body(content).note(note);
                (Answer::Dir(DirState::Listed(index.paths)), draft)
            }
            Err(reason) => failed(
                format!("{path} is not a Git index vouch can read: {reason}"),
                EvidenceState::Unreadable,
            ),
        },
        FileRead::Missing => (
            Answer::Dir(DirState::Missing),
            draft.state(EvidenceState::Missing, format!("{path} does not exist")),
        ),
        FileRead::TooLarge { bytes } => {
            let note = FileState::TooLarge { bytes, cap }.problem(path).unwrap_or_default();
            failed(note, EvidenceState::TooLarge)
        }
        FileRead::Failed(reason) | FileRead::Declined(reason) => failed(reason, EvidenceState::Unreadable),
        FileRead::Known(_) => failed("read under another name".to_string(), EvidenceState::Unreadable),
    }
}

/// A directory listing, as an answer and a draft record.
pub fn listing(path: &str, list: DirList, at: DateTime<Utc>) -> (Answer, Draft) {
    let draft = Draft::new(Payload::Listing, path, at);
    match list {
        DirList::Names(names) => {
            let content = names.join("\n").into_bytes();
            (Answer::Dir(DirState::Listed(names)), draft.body(content))
        }
        DirList::Missing => (
            Answer::Dir(DirState::Missing),
            draft.state(EvidenceState::Missing, format!("{path} does not exist")),
        ),
        DirList::Failed(reason) => (
            Answer::Dir(DirState::Unreadable(reason.clone())),
            draft.state(EvidenceState::Unreadable, reason),
        ),
    }
}

/// A path's metadata, as an answer and a draft record.
pub fn metadata(path: &str, stat: Stat, at: DateTime<Utc>) -> (Answer, Draft) {
    let draft = Draft::new(Payload::Metadata, path, at);
    match stat {
        Stat::Meta(meta) => {
            let link = meta.link.as_ref().map(|to| format!(" link={to}")).unwrap_or_default();
            let line = format!(
                "kind={:?} mode={:04o} uid={} gid={} size={} mtime={}{link}\n",
                meta.kind, meta.mode, meta.uid, meta.gid, meta.size, meta.mtime
            );
            (Answer::Meta(Some(meta)), draft.body(line.into_bytes()))
        }
        Stat::Missing => (
            Answer::Meta(None),
            draft.state(EvidenceState::Missing, format!("{path} does not exist")),
        ),
        Stat::Failed(reason) => (Answer::Meta(None), draft.state(EvidenceState::Unreadable, reason)),
    }
}

/// A command's run, as an answer and a draft record.
pub fn command(argv: &[String], run: CommandRun, timeout: Duration, at: DateTime<Utc>) -> (Answer, Draft) {
    let payload = |exit_code, stderr| {
        Payload::Command(CommandRecord {
            argv: argv.to_vec(),
            command: String::new(),
            exit_code,
            stderr,
        })
    };
    match run {
        CommandRun::Finished {
            stdout,
            stderr,
            exit_code,
            timed_out,
            truncated,
        } => {
            let stderr = String::from_utf8_lossy(&stderr).into_owned();
            let mut draft = Draft::new(payload(exit_code, Some(stderr)), "", at).body(stdout);
            if timed_out {
                draft = draft.state(EvidenceState::TimedOut, format!("killed after {}s", timeout.as_secs()));
            } else if truncated {
                draft = draft.state(EvidenceState::Truncated, "output cut at the output cap");
            }
            let state = CommandState::Ran {
                stdout: Arc::from(""),
                stderr: Arc::from(""),
                exit_code: if timed_out { None } else { exit_code },
            };
            (Answer::Command(state), draft)
        }
        CommandRun::NotRun(reason) => {
            let draft = Draft::new(payload(None, None), "", at).state(EvidenceState::NotRun, reason.clone());
            (Answer::Command(CommandState::NotRun(reason)), draft)
        }
    }
}

impl Answer {
    /// The answer as evaluators may see it: file text, stdout, stderr and failure
    /// reasons replaced by the recorder's redacted copies, so no secret reaches a
    /// finding.
    pub(super) fn redacted_from(self, record: &EvidenceRecord) -> Answer {
        let note = || record.note().unwrap_or_default().to_string();
        match self {
            Answer::File(FileState::Unreadable(_)) => Answer::File(FileState::Unreadable(note())),
            Answer::Dir(DirState::Unreadable(_)) => Answer::Dir(DirState::Unreadable(note())),
            Answer::Command(CommandState::NotRun(_)) => Answer::Command(CommandState::NotRun(note())),
            Answer::File(FileState::Text(_)) => Answer::File(FileState::Text(record.content().clone())),
            Answer::Command(CommandState::Ran { exit_code, .. }) => Answer::Command(CommandState::Ran {
                stdout: record.content().clone(),
                stderr: Arc::from(record.command().and_then(|c| c.stderr.as_deref()).unwrap_or_default()),
                exit_code,
            }),
            other => other,
        }
    }
}
