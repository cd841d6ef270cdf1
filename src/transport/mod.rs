//! Transports: how vouch reaches a target's files and commands. A transport only
//! fetches bytes and runs commands; it never interprets them or decides a status.
//! `open` turns a target into a transport: `fs` serves this machine (`local`) and
//! foreign trees (`local --root DIR`); SSH and imported archives plug in there.
//! May import `evidence` (for `FileMeta`) and nothing above it.

pub mod archive;
pub mod command;
pub mod confined;
pub mod fs;
pub mod known_hosts;
pub mod pattern;
pub mod plan;
pub mod readonly;
pub mod ssh;
pub mod ssh_config;

use crate::evidence::record::Provenance;
use crate::evidence::FileMeta;
use std::path::PathBuf;
use std::time::Duration;

/// One target to audit, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSpec {
    /// This machine, or a copy of a server's filesystem under `root`.
    Local { root: Option<PathBuf> },
    /// An archive made by `vouch collector` on a server.
    Archive { path: PathBuf },
    /// A server over SSH, resolved with the user's ssh_config.
    Ssh {
        target: Box<ssh::SshTarget>,
        options: Box<ssh::SshOptions>,
    },
}

impl TargetSpec {
    /// The name results carry (`local`).
    pub fn name(&self) -> String {
        match self {
            TargetSpec::Local { .. } => "local".to_string(),
            TargetSpec::Ssh { target, .. } => target.name.clone(),
            TargetSpec::Archive { path } => path.display().to_string(),
        }
    }

    /// How the target is reached, as results show it (`local`, `local --root DIR`).
    pub fn describe(&self) -> String {
        match (self, self.root()) {
            (TargetSpec::Ssh { target, .. }, _) => format!("ssh {}", target.address()),
            (TargetSpec::Archive { path }, _) => format!("imported {}", path.display()),
            (_, Some(root)) => format!("{} --root {root}", self.name()),
            (_, None) => self.name(),
        }
    }

    /// The `--root` folder, as results show it.
    pub fn root(&self) -> Option<String> {
        match self {
            TargetSpec::Local { root } => root.as_ref().map(|r| r.display().to_string()),
            TargetSpec::Ssh { .. } | TargetSpec::Archive { .. } => None,
        }
    }
}

/// Why a target cannot be audited, or stopped answering: one line for the user.
/// Every variant maps to exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The target cannot be reached at all (no such folder, no route, DNS).
    #[error("{target}: unreachable: {reason}")]
    Unreachable { target: String, reason: String },
    /// The target answered but would not let vouch in (authentication, host key).
    #[error("{target}: refused: {reason}")]
    Refused { target: String, reason: String },
    /// The connection dropped during the audit; nothing more can be read.
    #[error("{target}: connection lost: {reason}")]
    ConnectionLost { target: String, reason: String },
}

/// Open the transport for a target: checked once here, so a bad target is one
/// clear error before any probe runs.
pub fn open(spec: &TargetSpec) -> Result<Box<dyn Transport>, TransportError> {
    match spec {
        TargetSpec::Ssh { target, options } => Ok(Box::new(ssh::SshTransport::open(target, options)?)),
        TargetSpec::Archive { path } => Ok(Box::new(archive::ArchiveTransport::open(path)?)),
        TargetSpec::Local { root: None } => Ok(Box::new(fs::FsTransport::local())),
        TargetSpec::Local { root: Some(root) } => match std::fs::metadata(root) {
            Ok(meta) if meta.is_dir() => Ok(Box::new(fs::FsTransport::rooted(root))),
            Ok(_) => Err(TransportError::Unreachable {
                target: format!("--root {}", root.display()),
                reason: "not a directory".into(),
            }),
            Err(e) => Err(TransportError::Unreachable {
                target: format!("--root {}", root.display()),
                reason: e.to_string(),
            }),
        },
    }
}

/// The kind of file a raw `st_mode` says (from a local stat, an SFTP stat, or
/// `stat -c %f` on a server).
pub fn kind_of(mode: u32) -> crate::evidence::FileKind {
    use crate::evidence::FileKind;
    match rustix::fs::FileType::from_raw_mode(mode) {
        rustix::fs::FileType::Symlink => FileKind::Symlink,
        rustix::fs::FileType::Directory => FileKind::Dir,
        rustix::fs::FileType::RegularFile => FileKind::File,
        _ => FileKind::Other,
    }
}

/// What a file that is not a regular one is, for a reason (`a directory`).
pub fn describe_kind(mode: u32) -> &'static str {
    use rustix::fs::FileType;
    match FileType::from_raw_mode(mode) {
        FileType::Directory => "a directory",
        FileType::Fifo => "a named pipe",
        FileType::Socket => "a socket",
        FileType::BlockDevice | FileType::CharacterDevice => "a device",
        _ => "not a regular file",
    }
}

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
    /// Not read: the caller declined once it knew which file it was and its size
    /// (the scan's budget could not afford it): the caller's reason.
    Declined(String),
    /// Not read: the caller said it already holds this file's bytes.
    Known(FileIdentity),
}

/// Which file a path leads to, as the transport sees it before reading a byte:
/// two paths with the same identity (hard links, symlinks to one file) hold the
/// same bytes, and `size` is what reading it will cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileIdentity {
    pub device: u64,
    pub inode: u64,
    pub size: u64,
    /// Modification time: seconds and nanoseconds since the epoch.
    pub mtime: (i64, i64),
}

/// What the caller of `Transport::read_file` says once the file is known and
/// before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    Read,
    /// The caller already holds this very file's bytes (another path to it).
    Known,
    /// Do not read it, for this reason (the scan's budget).
    Decline(String),
}

/// Asked by `Transport::read_file` once the file is known and before it is read.
pub type Admit<'a> = &'a (dyn Fn(&FileIdentity) -> Admission + Sync);

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

/// The result of listing one directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirList {
    /// Entry names, sorted.
    Names(Vec<String>),
    Missing,
    /// It exists but is not a readable directory: the reason, one line.
    Failed(String),
}

/// The result of looking at one path without following a final symlink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stat {
    Meta(FileMeta),
    Missing,
    /// It cannot be examined: the reason, one line.
    Failed(String),
}

/// How evidence reaches vouch from one target. Each call answers for one item
/// (`Ok`, whatever became of it), or `Err` when the target itself stopped
/// answering: the caller then stops asking and says so once.
pub trait Transport: Send + Sync {
    /// How the target was reached, for provenance (`local`, `local --root /srv/copy`).
    fn describe(&self) -> String;
    /// The SHA256 fingerprint of the host key the target was trusted by (SSH).
    fn host_key(&self) -> Option<String> {
        None
    }
    /// Whether it still answers (an SSH session not yet lost); asked before reuse.
    fn alive(&self) -> bool {
        true
    }
    /// How its evidence came to vouch: read by vouch itself, or imported.
    fn provenance(&self) -> Provenance {
        Provenance::Collected
    }
    /// Read a file, following symlinks (inside the target's tree), at most `cap`
    /// bytes. `admit` is asked once the file is known to be a regular file within
    /// the cap, before anything is read, so a caller can refuse what it cannot afford.
    fn read_file(&self, path: &str, cap: u64, admit: Admit) -> Result<FileRead, TransportError>;
    /// Entry names of a directory.
    fn list_dir(&self, path: &str) -> Result<DirList, TransportError>;
    /// Metadata of a path without following a final symlink.
    fn stat(&self, path: &str) -> Result<Stat, TransportError>;
    /// Run a read-only command with a timeout and an output cap.
    fn run(&self, argv: &[String], timeout: Duration, output_cap: u64) -> Result<CommandRun, TransportError>;
}
