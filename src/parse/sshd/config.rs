//! The parsed sshd_config tree as sshd reads it: every directive in reading order
//! (Includes expanded inline), each with its file:line and the Match block it sits
//! in, plus the lines sshd would reject and the errors that stop a load.

use crate::model::Location;
use std::fmt;
use std::sync::Arc;

/// Where `sshd` looks for its configuration unless told otherwise.
pub const DEFAULT_CONFIG: &str = "/etc/ssh/sshd_config";

/// A `Match` line; directives under it do not set global values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchBlock {
    /// The criteria as written after `Match`, e.g. `Address 10.0.0.0/8`.
    pub criteria: String,
    pub at: Location,
    /// The Match block of the file that included this one, when there was one
    /// (sshd then never applies this block, whatever its criteria).
    pub within: Option<Arc<MatchBlock>>,
}

impl fmt::Display for MatchBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`Match {}` at {}", self.criteria, self.at)?;
        if let Some(outer) = &self.within {
            write!(f, " (inside {outer})")?;
        }
        Ok(())
    }
}

/// One keyword line sshd reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-case, aliases resolved (`challengeresponseauthentication` becomes
    /// `kbdinteractiveauthentication`).
    pub keyword: String,
    /// The keyword as written.
    pub spelled: String,
    pub args: Vec<String>,
    pub at: Location,
    /// None: global context. Some: inside that Match block.
    pub block: Option<Arc<MatchBlock>>,
    /// In a `Match all` section: sshd's per-connection pass applies it to every
    /// connection, over the global value (for keywords Match can set).
    pub match_all: bool,
}

impl Directive {
    /// The first argument, lower-cased (sshd compares values case-insensitively).
    pub fn value(&self) -> String {
        self.args.first().map(|a| a.to_ascii_lowercase()).unwrap_or_default()
    }

    /// The line as a person would write it: `PasswordAuthentication yes`.
    pub fn text(&self) -> String {
        format!("{} {}", self.spelled, self.args.join(" "))
            .trim_end()
            .to_string()
    }
}

/// A line sshd rejects: `sshd -t` fails and sshd refuses to (re)start with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub at: Location,
    /// Canonical keyword of the line.
    pub keyword: String,
    pub message: String,
}

/// Why the configuration could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("no {path}: is openssh-server installed?")]
    Missing { path: String },
    #[error("{path} was not collected: the control must declare a probe of kind `sshd_config`")]
    NotCollected { path: String },
    #[error("{reason}")]
    Unreadable { path: String, reason: String },
    #[error("Include at {at} nests deeper than {max} files (an Include loop?): sshd refuses to start")]
    IncludeDepth { at: Location, max: usize },
    #[error("Include at {at} brings the configuration past {max} included files; not followed further")]
    TooManyFiles { at: Location, max: usize },
}

/// The whole configuration tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshdConfig {
    /// The main file.
    pub path: String,
    /// Every file read, in reading order (the main file first).
    pub files: Vec<String>,
    pub directives: Vec<Directive>,
    pub diagnostics: Vec<Diagnostic>,
}

impl SshdConfig {
    pub fn new(path: &str) -> Self {
        SshdConfig {
            path: path.to_string(),
            files: Vec::new(),
            directives: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Every occurrence of a canonical keyword, global or not, in reading order.
    pub fn all<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Directive> + 'a {
        self.directives.iter().filter(move |d| d.keyword == keyword)
    }

    /// Occurrences in the global context, in reading order (the first one wins for
    /// single-value keywords).
    pub fn global<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Directive> + 'a {
        self.all(keyword).filter(|d| d.block.is_none())
    }

    /// Occurrences in `Match all` sections, which override global values.
    pub fn match_all<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Directive> + 'a {
        self.all(keyword).filter(|d| d.match_all)
    }

    /// Occurrences inside Match blocks.
    pub fn in_match<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Directive> + 'a {
        self.all(keyword).filter(|d| d.block.is_some())
    }

    /// Rejected lines of one canonical keyword.
    pub fn diagnostics_for<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Diagnostic> + 'a {
        self.diagnostics.iter().filter(move |d| d.keyword == keyword)
    }
}
