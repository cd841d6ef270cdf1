//! Loading sshd_config through a `Source` the way sshd's servconf.c does: lines top
//! to bottom; `Include` globs (relative to /etc/ssh, several per line) expanded in
//! lexical order and parsed inline, at most 16 files deep; `Match` opens a block
//! that lasts until the next Match or the end of the file that opened it (an
//! included file starts in, and cannot change, its includer's block); `Match all`
//! returns to the global context, except in a file included from inside a Match
//! block, where sshd never applies anything globally.
//!
//! sshd also re-reads the file for every connection (parse_server_match_config),
//! applying only lines under Match blocks that match it; a `Match all` section
//! matches every connection, so its lines are marked `match_all`: their values
//! override the global ones (sshd -T shows the same).

use super::keywords;
use super::lexer::{self, Line};
use crate::evidence::source::human_bytes;
use crate::evidence::{FileKind, FileState, Source};
use crate::model::Location;
use crate::parse::sshd::config::{ConfigError, Diagnostic, Directive, MatchBlock, SshdConfig};
use std::sync::Arc;

/// sshd's SERVCONF_MAX_DEPTH.
pub const MAX_INCLUDE_DEPTH: usize = 16;
/// A guard against include trees that fan out without looping; sshd has none.
pub const MAX_INCLUDED_FILES: usize = 1024;
/// sshd's SSHDIR: relative Include paths are relative to it.
pub const SSH_DIR: &str = "/etc/ssh";

/// Load the configuration rooted at `path`, following its Includes.
pub fn load(source: &dyn Source, path: &str) -> Result<SshdConfig, ConfigError> {
    let text = match crate::evidence::source::read_config(source, path) {
        FileState::Text(text) => text,
        FileState::Missing => return Err(ConfigError::Missing { path: path.to_string() }),
        FileState::NotCollected => return Err(ConfigError::NotCollected { path: path.to_string() }),
        other => return Err(unreadable(path, &other, None)),
    };
    let mut loader = Loader {
        source,
        config: SshdConfig::new(path),
        included: 0,
    };
    loader.parse_file(path, &text, Scope::default(), 0)?;
    Ok(loader.config)
}

/// Why a configuration file's settings are unknown. sshd itself reads what vouch
/// could not (it runs as root and has no size cap), so nothing here says sshd fails.
fn unreadable(path: &str, state: &FileState, from: Option<&Location>) -> ConfigError {
    let problem = match state {
        FileState::TooLarge { bytes, cap } => format!(
            "{path} is {}, over the {} read cap, so vouch did not read it (sshd does)",
            human_bytes(*bytes),
            human_bytes(*cap)
        ),
        other => other
            .problem(path)
            .unwrap_or_else(|| format!("{path} could not be read")),
    };
    let reason = match from {
        Some(at) => format!("{problem} (included at {at}); the settings it holds are unknown"),
        None => problem,
    };
    ConfigError::Unreadable {
        path: path.to_string(),
        reason,
    }
}

struct Loader<'a> {
    source: &'a dyn Source,
    config: SshdConfig,
    included: usize,
}

/// Where a line sits: its Match block (None: the global context), and whether
/// sshd's per-connection pass applies it to every connection (a `Match all` section).
#[derive(Clone, Default)]
struct Scope {
    block: Option<Arc<MatchBlock>>,
    match_all: bool,
}

/// The state of one file being read.
struct FileCtx {
    depth: usize,
    /// The includer's Match block: Some means nothing in this file ever applies globally.
    inherited: Option<Arc<MatchBlock>>,
    scope: Scope,
}

impl Loader<'_> {
    fn parse_file(&mut self, path: &str, text: &str, scope: Scope, depth: usize) -> Result<(), ConfigError> {
        self.config.files.push(path.to_string());
        let mut ctx = FileCtx {
            depth,
            inherited: scope.block.clone(),
            scope,
        };
        for (index, raw) in text.split('\n').enumerate() {
            let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
            let at = Location::line(path, line_no);
            match lexer::split_line(raw) {
                Line::Nothing => {}
                Line::Bad { keyword, reason } => self.reject(at, &keywords::canonical(&keyword), reason),
                Line::Directive { keyword, args } => self.directive(keyword, args, at, &mut ctx)?,
            }
        }
        Ok(())
    }

    fn reject(&mut self, at: Location, keyword: &str, message: impl Into<String>) {
        self.config.diagnostics.push(Diagnostic {
            at,
            keyword: keyword.to_string(),
            message: message.into(),
        });
    }

    fn directive(
        &mut self,
        spelled: String,
        args: Vec<String>,
        at: Location,
        ctx: &mut FileCtx,
    ) -> Result<(), ConfigError> {
        let keyword = keywords::canonical(&spelled);
        match keyword.as_str() {
            "match" => {
                ctx.scope = self.match_scope(&args, at, ctx);
                Ok(())
            }
            "include" => self.include(&args, &at, ctx),
            _ => {
                if ctx.scope.block.is_some() && keywords::global_only(&keyword) {
                    self.reject(
                        at.clone(),
                        &keyword,
                        format!("sshd does not allow {spelled} inside a Match block"),
                    );
                }
                let Scope { block, match_all } = ctx.scope.clone();
                self.config.directives.push(Directive {
                    keyword,
                    spelled,
                    args,
                    at,
                    block,
                    match_all,
                });
                Ok(())
            }
        }
    }

    /// The scope a `Match` line opens; `Match all` in a file that applies is global
    /// and also overrides global values for every connection.
    fn match_scope(&mut self, args: &[String], at: Location, ctx: &FileCtx) -> Scope {
        if let Some(problem) = match_problem(args) {
            self.reject(at.clone(), "match", problem);
        }
        let all = args.first().is_some_and(|a| a.eq_ignore_ascii_case("all"));
        if all && ctx.inherited.is_none() {
            return Scope {
                block: None,
                match_all: true,
            };
        }
        let block = MatchBlock {
            criteria: args.join(" "),
            at,
            within: ctx.inherited.clone(),
        };
        Scope {
            block: Some(Arc::new(block)),
            match_all: false,
        }
    }

    fn include(&mut self, args: &[String], at: &Location, ctx: &FileCtx) -> Result<(), ConfigError> {
        if args.is_empty() {
            self.reject(at.clone(), "include", "Include is missing a filename argument");
        }
        for arg in args {
            if arg.is_empty() {
                self.reject(at.clone(), "include", "Include has an empty argument");
                continue;
            }
            let pattern = if arg.starts_with('/') || arg.starts_with('~') {
                arg.clone()
            } else {
                format!("{SSH_DIR}/{arg}")
            };
            let matched = self.source.glob(&pattern);
            if let Some(problem) = matched.problem() {
                // What an unlisted include directory holds is unknown, so is the
                // configuration: never decide from the files that could be seen.
                return Err(ConfigError::Unreadable {
                    path: pattern.clone(),
                    reason: format!("Include {pattern} at {at}: {problem}"),
                });
            }
            for path in matched.paths {
                self.include_file(&path, at, ctx)?;
            }
        }
        Ok(())
    }

    fn include_file(&mut self, path: &str, at: &Location, ctx: &FileCtx) -> Result<(), ConfigError> {
        let depth = ctx.depth + 1;
        if depth > MAX_INCLUDE_DEPTH {
            return Err(ConfigError::IncludeDepth {
                at: at.clone(),
                max: MAX_INCLUDE_DEPTH,
            });
        }
        self.included += 1;
        if self.included > MAX_INCLUDED_FILES {
            return Err(ConfigError::TooManyFiles {
                at: at.clone(),
                max: MAX_INCLUDED_FILES,
            });
        }
        match crate::evidence::source::read_config(self.source, path) {
            FileState::Text(text) => self.parse_file(path, &text, ctx.scope.clone(), depth),
            // Gone between glob and read, or a directory (sshd reads it as empty).
            FileState::Missing => Ok(()),
            FileState::Unreadable(_) if self.is_dir(path) => Ok(()),
            other => Err(unreadable(path, &other, Some(at))),
        }
    }

    fn is_dir(&self, path: &str) -> bool {
        self.source.meta(path).is_some_and(|m| m.kind == FileKind::Dir)
    }
}

/// What sshd's match_cfg_line rejects whatever its version: no criteria, or `all`
/// with others. (Criteria names and values vary between versions; not checked.)
fn match_problem(args: &[String]) -> Option<&'static str> {
    if args.is_empty() {
        return Some("Match needs one or more criteria");
    }
    let all = args.first().is_some_and(|a| a.eq_ignore_ascii_case("all"));
    (all && args.len() > 1).then_some("`all` cannot be combined with other Match criteria")
}
