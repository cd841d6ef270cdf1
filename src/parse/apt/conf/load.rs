//! Loading APT's configuration through a `Source` in apt's order (pkgInitConfig in
//! apt-pkg/init.cc): the files of /etc/apt/apt.conf.d that GetListOfFilesInDir
//! accepts, sorted, then /etc/apt/apt.conf last, following `#include`. The same code
//! runs at collection (the source records each read) and at evaluation.

use super::parse::{parse, ErrorKind, Sink, SyntaxError};
use super::tree::{ConfTree, Origin};
use crate::evidence::{DirState, FileKind, FileState, Source};
use std::sync::Arc;

pub const PARTS_DIR: &str = "/etc/apt/apt.conf.d";
pub const MAIN_FILE: &str = "/etc/apt/apt.conf";

/// More files than this (an include loop fanning out) stops the load.
const MAX_FILES: usize = 500;
/// vouch reads at most this many statements in all: a stock Ubuntu configuration
/// has under a thousand, and each one read costs memory for its history.
pub const MAX_STATEMENTS: usize = 100_000;

/// Whether apt reads a file of this name in a configuration directory:
/// GetListOfFilesInDir(dir, "conf", sort, allow no extension). Hidden names, names
/// with a character outside `[A-Za-z0-9_:.-]`, a last extension other than
/// `conf`, or a trailing `.` are skipped.
pub fn apt_reads_name(name: &str) -> bool {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':' | b'.');
    let extension_ok = name.rfind('.').is_none_or(|dot| &name[dot + 1..] == "conf");
    !name.is_empty() && !name.starts_with('.') && extension_ok && name.bytes().all(allowed)
}

/// A configuration file that was read, with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedFile {
    pub path: String,
    pub text: Arc<str>,
}

/// Something that keeps the effective configuration from being known for sure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// apt itself stops with this error: apt-get, apt-config and unattended-upgrade
    /// refuse to run until it is fixed.
    Apt(SyntaxError),
    /// A file apt would read whose content the audit could not see.
    Unavailable { path: String, reason: String },
}

/// The configuration as apt would build it, and how it was built.
#[derive(Debug, Clone, Default)]
pub struct AptConfig {
    pub tree: ConfTree,
    /// Files read, in reading order.
    pub files: Vec<LoadedFile>,
    /// Files in a configuration directory that apt does not read, by their names.
    pub ignored: Vec<String>,
    /// Entries of a configuration directory with a name apt reads that are not
    /// regular files (directories, FIFOs, sockets, devices): apt skips them.
    pub not_regular: Vec<String>,
    pub problems: Vec<Problem>,
}

impl AptConfig {
    /// Errors apt itself would stop with.
    pub fn apt_errors(&self) -> impl Iterator<Item = &SyntaxError> {
        self.problems.iter().filter_map(|p| match p {
            Problem::Apt(error) => Some(error),
            Problem::Unavailable { .. } => None,
        })
    }

    /// Why some file's content is unknown, one reason per file.
    pub fn unavailable(&self) -> impl Iterator<Item = &str> {
        self.problems.iter().filter_map(|p| match p {
            Problem::Unavailable { reason, .. } => Some(reason.as_str()),
            Problem::Apt(_) => None,
        })
    }
}

/// Read APT's configuration from the target as apt would.
pub fn load(source: &dyn Source) -> AptConfig {
    let mut loader = Loader {
        source,
        config: AptConfig::default(),
        statements: 0,
    };
    loader.read_dir(PARTS_DIR, 0, false);
    match source.read(MAIN_FILE) {
        FileState::Text(text) => {
            loader.read_text(MAIN_FILE, text, 0);
        }
        FileState::Missing => {}
        state => loader.unavailable(MAIN_FILE, &state),
    }
    loader.config
}

struct Loader<'a> {
    source: &'a dyn Source,
    config: AptConfig,
    /// Statements set or cleared so far, across files.
    statements: usize,
}

impl Loader<'_> {
    /// ReadConfigDir. A missing parts directory is only a warning for apt; a
    /// missing included directory is an error.
    fn read_dir(&mut self, dir: &str, depth: u32, required: bool) -> bool {
        let mut names = match self.source.list(dir) {
            DirState::Listed(names) => names,
            // apt reads what it can list; what could not be listed is unknown to vouch.
            DirState::Unreadable(why) => {
                self.unavailable(
                    dir,
                    &FileState::Unreadable(format!("the directory could not be listed: {why}")),
                );
                return true;
            }
            DirState::NotCollected => {
                self.unavailable(dir, &FileState::NotCollected);
                return true;
            }
            DirState::Missing => {
                if required {
                    self.apt_error(dir, 0, "List of files can't be created as it is not a directory");
                }
                return !required;
            }
        };
        names.sort();
        let mut ok = true;
        for name in names {
            let path = format!("{}/{name}", dir.trim_end_matches('/'));
            if apt_reads_name(&name) {
                ok &= self.read_listed(&path, depth);
            } else {
                self.config.ignored.push(path);
            }
        }
        ok
    }

    /// One entry of a directory apt reads. GetListOfFilesInDir keeps regular files
    /// and symlinks to them: a directory or a FIFO is skipped, never opened.
    fn read_listed(&mut self, path: &str, depth: u32) -> bool {
        let kind = self.source.meta(path).map(|meta| meta.kind);
        if matches!(kind, Some(FileKind::Dir | FileKind::Other)) {
            self.config.not_regular.push(path.to_string());
            return true;
        }
        match self.source.read(path) {
            FileState::Text(text) => self.read_text(path, text, depth),
            // A dangling symlink: apt skips what is not a regular file.
            FileState::Missing => true,
            _ if self.source.list_dir(path).is_some() => true,
            state => {
                self.unavailable(path, &state);
                true
            }
        }
    }

    fn read_text(&mut self, path: &str, text: Arc<str>, depth: u32) -> bool {
        if self.config.files.len() >= MAX_FILES {
            self.apt_error(
                path,
                0,
                "not read: more than 500 configuration files (an #include loop?)",
            );
            return false;
        }
        self.config.files.push(LoadedFile {
            path: path.to_string(),
            text: text.clone(),
        });
        match parse(path, &text, depth, self) {
            Ok(()) => true,
            Err(error) if error.kind == ErrorKind::Limit => {
                let reason = error.to_string();
                self.config.problems.push(Problem::Unavailable {
                    path: path.to_string(),
                    reason,
                });
                true
            }
            Err(error) => {
                self.config.problems.push(Problem::Apt(error));
                false
            }
        }
    }

    fn unavailable(&mut self, path: &str, state: &FileState) {
        let reason = state
            .problem(path)
            .unwrap_or_else(|| format!("{path} could not be read"));
        self.config.problems.push(Problem::Unavailable {
            path: path.to_string(),
            reason,
        });
    }

    fn apt_error(&mut self, path: &str, line: u32, message: &str) {
        let error = SyntaxError {
            path: path.to_string(),
            line,
            message: message.to_string(),
            kind: ErrorKind::Apt,
        };
        self.config.problems.push(Problem::Apt(error));
    }
}

impl Sink for Loader<'_> {
    fn set(&mut self, name: &str, value: String, at: Origin) {
        self.statements += 1;
        self.config.tree.set(name, value, at);
    }

    fn clear(&mut self, name: &str, at: Origin) {
        self.statements += 1;
        self.config.tree.clear(name, at);
    }

    fn limit_reached(&self) -> Option<String> {
        (self.statements >= MAX_STATEMENTS).then(|| {
            format!("more than {MAX_STATEMENTS} settings in all; vouch stops reading here (apt has no such limit)")
        })
    }

    /// apt opens a relative path from its working directory; the periodic jobs
    /// (apt.systemd.daily, unattended-upgrade) run from `/`.
    fn include(&mut self, target: &str, depth: u32) -> bool {
        let path = if target.starts_with('/') {
            target.to_string()
        } else {
            format!("/{target}")
        };
        if target.len() > 2 && target.ends_with('/') {
            return self.read_dir(&path, depth, true);
        }
        match self.source.read(&path) {
            FileState::Text(text) => self.read_text(&path, text, depth),
            FileState::Missing => {
                self.apt_error(&path, 0, "could not open the included file: it does not exist");
                false
            }
            state => {
                self.unavailable(&path, &state);
                true
            }
        }
    }
}
