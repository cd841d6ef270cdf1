//! The session journal: one JSON object a line, each carrying its sequence number,
//! time, actor, event and `prev` — the SHA-256 of the previous line's bytes — so
//! the file is its own proof of order and integrity. One writer owns it (an
//! exclusive lock: a second vouch on the same session is refused), appends a line
//! and flushes it to disk before anyone is told `saved`. Reading it back checks the
//! chain: a truncated last line (a power cut) is reported and everything before it
//! kept; an edited, removed or reordered line stops the replay there, naming it; a
//! journal written by a newer vouch is refused.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The journal format this vouch writes and reads.
pub const FORMAT: u32 = 1;

/// `prev` of the first line: no line came before.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who caused an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Auditor,
    Collector,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// The journal format it was written in.
    pub v: u32,
    pub seq: u64,
    #[serde(with = "crate::session::events::time")]
    pub at: DateTime<Utc>,
    pub actor: Actor,
    /// The event, tagged by its `type`; its meaning belongs to the session.
    pub event: serde_json::Value,
    /// SHA-256 of the previous line's bytes (without its newline).
    pub prev: String,
}

/// Why a journal cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JournalError {
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    #[error("{path} is open in another vouch (only one may write a session at a time)")]
    Locked { path: String },
    #[error("{path}:{line}: written by a newer vouch (journal format {found}, this vouch reads {FORMAT}); update vouch to open it")]
    Newer { path: String, line: usize, found: u32 },
    #[error(
        "{path}:{line}: {reason}; the journal was changed after it was written, and is trusted only up to line {kept}"
    )]
    Broken {
        path: String,
        line: usize,
        reason: String,
        kept: usize,
    },
}

/// What reading a journal found: its lines in order, and a last line that was
/// cut short (a crash mid-write), which is reported and not replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    pub lines: Vec<Line>,
    /// `path:line: why`, when the last line was incomplete.
    pub truncated: Option<String>,
    /// SHA-256 of the last whole line: the `prev` of the next one.
    pub head: String,
}

fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Read and check a journal. A missing file is an empty journal.
pub fn read(path: &Path) -> Result<Replay, JournalError> {
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(JournalError::Io {
                path: shown,
                reason: e.to_string(),
            })
        }
    };
    parse(&bytes, &shown)
}

/// Check a journal's bytes (`shown` names it in what is reported).
pub fn parse(bytes: &[u8], shown: &str) -> Result<Replay, JournalError> {
    let shown = shown.to_string();
    let mut replay = Replay {
        lines: Vec::new(),
        truncated: None,
        head: GENESIS.to_string(),
    };
    let complete = bytes.ends_with(b"\n");
    let mut raw_lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    if complete || bytes.is_empty() {
        raw_lines.pop();
    }
    let last = raw_lines.len();
    let mut chain = Chain::default();
    for (index, raw) in raw_lines.into_iter().enumerate() {
        let number = index + 1;
        // A line is written with its newline in one go: a last line without one was
        // cut short, even if what is left happens to parse.
        if number == last && !complete {
            replay.truncated = Some(format!(
                "{shown}:{number}: incomplete last line (vouch stopped while writing it); ignored"
            ));
            break;
        }
        let line = chain.push(raw, &shown, number)?;
        replay.head = chain.head.clone();
        replay.lines.push(line);
    }
    Ok(replay)
}

/// The hash chain checked one whole line (without its newline) at a time, for
/// a reader that streams a journal rather than holding it.
#[derive(Debug, Clone)]
pub struct Chain {
    /// SHA-256 of the last line taken.
    pub head: String,
    next: u64,
}

impl Default for Chain {
    fn default() -> Self {
        Chain {
            head: GENESIS.to_string(),
            next: 0,
        }
    }
}

impl Chain {
    /// Take line `number` of the journal `shown`: it must parse, name this
    /// format or an older one, follow the line before and carry the next sequence number.
    pub fn push(&mut self, raw: &[u8], shown: &str, number: usize) -> Result<Line, JournalError> {
        let broken = |reason: String| JournalError::Broken {
            path: shown.to_string(),
            line: number,
            reason,
            kept: number - 1,
        };
        let line: Line = serde_json::from_slice(raw).map_err(|e| broken(format!("not a journal line ({e})")))?;
        if line.v > FORMAT {
            return Err(JournalError::Newer {
                path: shown.to_string(),
                line: number,
                found: line.v,
            });
        }
        if line.prev != self.head {
            return Err(broken("its `prev` is not the hash of the line before it".to_string()));
        }
        if line.seq != self.next {
            return Err(broken(format!(
                "sequence number {} where {} was due",
                line.seq, self.next
            )));
        }
        self.head = digest(raw);
        self.next += 1;
        Ok(line)
    }
}

/// The one writer of a journal: holds its lock, and appends lines that are on
/// disk when `append` returns.
#[derive(Debug)]
pub struct Writer {
    path: PathBuf,
    file: File,
    seq: u64,
    head: String,
}

/// Take the journal's lock, waiting a moment: a lock is briefly held after its
/// holder let go while a process forked at that instant has not yet exec'd (or
/// a vouch is just exiting). Held by a live writer, it is refused, not awaited.
pub fn lock_exclusive(file: &File) -> bool {
    for _ in 0..25 {
        if rustix::fs::flock(file, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_ok() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    false
}

impl Writer {
    /// Open (or create, 0600) a journal for appending, after checking what it
    /// holds; refused when another vouch holds it. A cut-short last line is cut
    /// off, so the chain goes on from the last whole line.
    pub fn open(path: &Path) -> Result<(Writer, Replay), JournalError> {
        let shown = path.display().to_string();
        let io = |e: std::io::Error| JournalError::Io {
            path: shown.clone(),
            reason: e.to_string(),
        };
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .mode(0o600)
            .open(path)
            .map_err(io)?;
        if !lock_exclusive(&file) {
            return Err(JournalError::Locked { path: shown.clone() });
        }
        let replay = read(path)?;
        if replay.truncated.is_some() {
            let whole: usize = std::fs::read(path)
                .map_err(io)?
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |end| end + 1);
            file.set_len(whole as u64).map_err(io)?;
        }
        let writer = Writer {
            path: path.to_path_buf(),
            file,
            seq: replay.lines.len() as u64,
            head: replay.head.clone(),
        };
        Ok((writer, replay))
    }

    /// Append one event and flush it to disk; only then is it saved.
    pub fn append(&mut self, actor: Actor, event: serde_json::Value) -> Result<Line, JournalError> {
        // Whole seconds, as the line is written: what is returned is what is read back.
        let now = crate::clock::now();
        let line = Line {
            v: FORMAT,
            seq: self.seq,
            at: DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now),
            actor,
            event,
            prev: self.head.clone(),
        };
        let shown = self.path.display().to_string();
        let io = |e: std::io::Error| JournalError::Io {
            path: shown.clone(),
            reason: e.to_string(),
        };
        let bytes = serde_json::to_vec(&line).map_err(|e| io(std::io::Error::other(e)))?;
        let mut record = bytes.clone();
        record.push(b'\n');
        self.file.write_all(&record).map_err(io)?;
        self.file.sync_data().map_err(io)?;
        self.head = digest(&bytes);
        self.seq += 1;
        Ok(line)
    }
}

#[cfg(test)]
mod tests;
