//! Transports: how vouch reaches a target's files and commands. A transport only
//! fetches bytes and runs commands; it never interprets them or decides a status.
//! `fs` serves this machine (`local`) and foreign trees (`local --root DIR`); SSH and
//! imported archives implement the same trait.

pub mod command;
pub mod fs;
pub mod rooted;

use crate::evidence::FileMeta;
use std::time::Duration;

/// The result of reading one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRead {
    /// The file's bytes (at most the cap).
    Bytes(Vec<u8>),
    /// No such file.
    Missing,
    /// The file is larger than the cap; not read.
    TooLarge { bytes: u64 },
    /// It exists but cannot be read: the reason, one line.
    Failed(String),
}

/// The result of running one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandRun {
    Finished {
        stdout: Vec<u8>,
        stderr: Vec<u8>,
        /// None when ended by a signal or killed at the timeout.
        exit_code: Option<i32>,
        timed_out: bool,
        /// stdout or stderr was cut at the output cap.
        truncated: bool,
    },
    /// Not run: the transport runs no commands, or the program could not start.
    NotRun(String),
}

/// Limits on what one read or command may bring back.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub file_cap: u64,
    pub output_cap: u64,
}

impl Default for Limits {
    fn default() -> Self {
        // dpkg's status file is several MB on a real server; 16 MiB leaves headroom
        // while refusing the pathological files a test tree can hold.
        Limits {
            file_cap: 16 * 1024 * 1024,
            output_cap: 8 * 1024 * 1024,
        }
    }
}

/// How evidence reaches vouch from one target.
pub trait Transport: Send + Sync {
    /// How the target was reached, for provenance (`local`, `local --root /srv/copy`).
    fn describe(&self) -> String;
    /// Read a file, following symlinks (inside the target's tree).
    fn read_file(&self, path: &str, cap: u64) -> FileRead;
    /// Entry names of a directory, sorted; Ok(None) when absent, Err with a reason
    /// when it exists but is not a readable directory.
    fn list_dir(&self, path: &str) -> Result<Option<Vec<String>>, String>;
    /// Metadata of a path without following a final symlink; Ok(None) when absent.
    fn stat(&self, path: &str) -> Result<Option<FileMeta>, String>;
    /// Run a read-only command with a timeout and an output cap.
    fn run(&self, argv: &[String], timeout: Duration, output_cap: u64) -> CommandRun;
}
