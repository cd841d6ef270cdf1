//! `Source`: the read-only view of a target's files and commands that parsers and
//! evaluators walk. The collector implements it by reading through a transport (and
//! recording every read as evidence); a `Snapshot` implements it over evidence
//! already collected, so the same include-following parser code decides what to
//! collect and later evaluates what was collected, without doing I/O itself.

use std::sync::Arc;

/// What is known about one path on the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// Read in full; valid UTF-8 (invalid sequences replaced).
    Text(Arc<str>),
    /// The path does not exist on the target.
    Missing,
    /// The file holds NUL bytes: not a text configuration file.
    Binary { bytes: u64 },
    /// The file is larger than the read cap and was not read.
    TooLarge { bytes: u64, cap: u64 },
    /// The file exists but could not be read (permission, symlink loop, a directory...).
    Unreadable(String),
    /// No probe asked for this path, so nothing is known about it.
    NotCollected,
}

impl FileState {
    pub fn text(&self) -> Option<&str> {
        match self {
            FileState::Text(text) => Some(text),
            _ => None,
        }
    }

    pub fn exists(&self) -> bool {
        !matches!(self, FileState::Missing | FileState::NotCollected)
    }

    /// Why the file's content is not available, for a finding or summary; None for text.
    pub fn problem(&self, path: &str) -> Option<String> {
        match self {
            FileState::Text(_) => None,
            FileState::Missing => Some(format!("{path} does not exist")),
            FileState::Binary { bytes } => Some(format!(
                "{path} is a binary file ({bytes} bytes), not a text configuration"
            )),
            FileState::TooLarge { bytes, cap } => Some(format!(
                "{path} is {}, over the {} read cap; not read",
                human_bytes(*bytes),
                human_bytes(*cap)
            )),
            FileState::Unreadable(reason) => Some(format!("{path} could not be read: {reason}")),
            FileState::NotCollected => Some(format!("{path} was not collected")),
        }
    }
}

/// What is known about one directory on the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirState {
    /// Its entry names (not `.` or `..`), sorted.
    Listed(Vec<String>),
    /// The directory does not exist on the target.
    Missing,
    /// It exists but could not be listed in full (permission, not a directory,
    /// names that are not UTF-8): the reason. Whatever it holds is unknown.
    Unreadable(String),
    /// No probe listed it.
    NotCollected,
}

impl DirState {
    /// The names, when the directory was listed in full.
    pub fn names(&self) -> Option<&[String]> {
        match self {
            DirState::Listed(names) => Some(names),
            _ => None,
        }
    }
}

/// The paths a glob pattern matched, and the directories it needed that could not
/// be listed (or a bound it reached): with any of those, more may have matched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Globbed {
    pub paths: Vec<String>,
    /// `(directory, why)`, for each directory the pattern needed and could not read.
    pub unread: Vec<(String, String)>,
}

impl Globbed {
    /// One line about what could not be read, or None when the match is complete.
    pub fn problem(&self) -> Option<String> {
        let (dir, why) = self.unread.first()?;
        let more = match self.unread.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        Some(format!("{dir} could not be listed: {why}{more}"))
    }
}

/// The outcome of running one read-only command on the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandState {
    Ran {
        stdout: Arc<str>,
        stderr: Arc<str>,
        /// None when the command was killed (timeout) or ended by a signal.
        exit_code: Option<i32>,
    },
    /// The command was not run or could not start; the reason says why.
    NotRun(String),
    /// No probe asked for this command.
    NotCollected,
}

impl CommandState {
    /// stdout of a command that ran and exited 0.
    pub fn success_stdout(&self) -> Option<&str> {
        match self {
            CommandState::Ran {
                stdout,
                exit_code: Some(0),
                ..
            } => Some(stdout),
            _ => None,
        }
    }
}

/// Metadata of one path, as `stat` (not following a final symlink) reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMeta {
    pub kind: FileKind,
    /// Permission bits (mode & 0o7777).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    /// Seconds since the epoch.
    pub mtime: i64,
    /// Where a symlink points, as readlink(2) gives it (`/dev/null`,
    /// `/lib/systemd/system/x.service`); None for every other kind.
    pub link: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    File,
    Dir,
    Symlink,
    Other,
}

/// A read-only view of a target's files and commands.
pub trait Source: Sync {
    /// The content of a file, following symlinks (inside a `--root` tree, never out of it).
    fn read(&self, path: &str) -> FileState;
    /// Paths matching a glob(7) pattern (`*`, `?`, `[...]` per path component), sorted
    /// lexically as glob(3) returns them, with the directories that could not be
    /// listed on the way: a caller whose verdict depends on every match must treat
    /// those as unread, never as absent.
    fn glob(&self, pattern: &str) -> Globbed;
    /// A directory's entries, or why they are unknown.
    fn list(&self, path: &str) -> DirState;
    /// The names in a directory, sorted; None when it was not listed in full (absent,
    /// unreadable or not collected) — for callers to whom those are all alike.
    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        match self.list(path) {
            DirState::Listed(names) => Some(names),
            _ => None,
        }
    }
    /// The paths a Git index file (`.git/index`) lists, read from its bytes by
    /// the collector, or why they are unknown. Git itself is never run.
    fn git_index(&self, _path: &str) -> DirState {
        DirState::NotCollected
    }
    /// Metadata of a path; None when it does not exist or was not collected.
    fn meta(&self, path: &str) -> Option<FileMeta>;
    /// Run (or look up) a read-only command given as argv.
    fn command(&self, argv: &[&str]) -> CommandState;
    /// Where values derived from this evidence are kept (collected evidence has
    /// one; a live source, whose answers may change, has none).
    fn memo(&self) -> Option<&super::memo::Memo> {
        None
    }
}

/// `1.5 MiB`, `50.0 MiB`, `27 bytes`.
pub fn human_bytes(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB * KIB {
        format!("{:.1} GiB", b / (KIB * KIB * KIB))
    } else if b >= KIB * KIB {
        format!("{:.1} MiB", b / (KIB * KIB))
    } else if b >= KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Join `path` onto `base` unless it is already absolute (sshd's and nginx's rule for
/// relative include paths).
pub fn resolve_relative(base: &str, path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{}", base.trim_end_matches('/'), path)
    }
}

/// An absolute path with its `.` and `..` components resolved as text (`..` at
/// the root stays at the root, as the kernel does).
pub fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Configuration files are kilobytes; a parser that meets megabytes is looking at
/// something hostile or broken, and some of their grammars (includes, jumps,
/// lists) cost more than linear time on such input.
pub const CONFIG_CAP: u64 = 1024 * 1024;

/// Read a configuration file for parsing: text over `CONFIG_CAP` is refused as
/// `TooLarge`, so evaluators report it instead of spending minutes on it.
pub fn read_config(source: &dyn Source, path: &str) -> FileState {
    match source.read(path) {
        FileState::Text(text) if text.len() as u64 > CONFIG_CAP => FileState::TooLarge {
            bytes: text.len() as u64,
            cap: CONFIG_CAP,
        },
        other => other,
    }
}
