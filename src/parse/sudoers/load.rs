//! Loading a sudoers policy the way sudo reads it: physical lines joined at a trailing
//! `\`, `#` comments stripped (but not `#include`/`#includedir` directives nor `#123`
//! uids), and `#include`/`@include` files and `#includedir`/`@includedir` directories
//! followed inline, where they appear. In an include directory sudo reads regular
//! files in lexical order and skips names that end in `~` or contain a `.`; a relative
//! include path is relative to the including file's directory. Reads go only through
//! a `Source`, so the same loader collects the tree and later evaluates it.

use crate::evidence::source::resolve_relative;
use crate::evidence::{DirState, FileKind, FileState, Source};
use crate::model::Location;
use crate::parse::text::{dirname, line_number, read_text, unescaped};

/// The main sudoers file.
pub const SUDOERS_PATH: &str = "/etc/sudoers";
/// sudo's limit on nested includes.
const MAX_DEPTH: usize = 128;
/// A bound on the files one tree may pull in, whatever the includes say.
const MAX_FILES: usize = 1024;

/// One logical line of policy (continuations joined, comment stripped) and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyLine {
    pub text: String,
    pub location: Location,
}

/// What kind of remark a `TreeNote` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// An included file exists but its content is unavailable: the policy is incomplete.
    Unavailable,
    /// An included file or directory does not exist.
    Missing,
    /// A file in an include directory that sudo ignores because of its name.
    Skipped,
    /// The include depth or file bound was reached.
    Limit,
    /// A file includes itself, directly or through others: sudo stops with "too
    /// many levels of includes" and refuses to run.
    Loop,
}

/// Something about the tree that is not policy, for findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNote {
    pub kind: NoteKind,
    pub message: String,
    /// The include directive that led to it.
    pub location: Location,
}

/// Every policy line of a sudoers tree in the order sudo parses them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SudoersTree {
    /// Files read, in parse order.
    pub files: Vec<String>,
    pub lines: Vec<PolicyLine>,
    pub notes: Vec<TreeNote>,
}

/// Why the main file gave no tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The main file does not exist.
    Missing(String),
    /// No probe read the main file.
    NotCollected(String),
    /// It exists but its text is unavailable; the message says why.
    Unavailable(String),
}

/// Load the tree rooted at `path`, following includes through `source`.
pub fn load(source: &dyn Source, path: &str) -> Result<SudoersTree, LoadError> {
    let text = match read_text(source, path) {
        Ok(text) => text,
        Err(FileState::Missing) => return Err(LoadError::Missing(path.to_string())),
        Err(FileState::NotCollected) => return Err(LoadError::NotCollected(path.to_string())),
        Err(state) => return Err(LoadError::Unavailable(state.problem(path).unwrap_or_default())),
    };
    let mut loader = Loader {
        source,
        tree: SudoersTree::default(),
        reading: Vec::new(),
    };
    loader.parse_file(path, &text, 0);
    Ok(loader.tree)
}

/// Does sudo read a file of this name from an include directory?
pub fn includedir_reads(name: &str) -> bool {
    !name.ends_with('~') && !name.contains('.')
}

struct Loader<'a> {
    source: &'a dyn Source,
    tree: SudoersTree,
    /// The files being read, outermost first: an include of one of them is a loop.
    reading: Vec<String>,
}

impl Loader<'_> {
    fn note(&mut self, kind: NoteKind, message: String, location: &Location) {
        self.tree.notes.push(TreeNote {
            kind,
            message,
            location: location.clone(),
        });
    }

    fn parse_file(&mut self, path: &str, text: &str, depth: usize) {
        self.tree.files.push(path.to_string());
        self.reading.push(path.to_string());
        for (line, logical) in logical_lines(text) {
            let location = Location::line(path, line);
            match directive(&logical) {
                Some(Directive { dir, path: target }) => {
                    let target = resolve_relative(dirname(path), &target);
                    if dir {
                        self.include_dir(&target, depth + 1, &location);
                    } else {
                        self.include_file(&target, depth + 1, &location);
                    }
                }
                None if logical.trim().is_empty() => {}
                None => self.tree.lines.push(PolicyLine {
                    text: logical,
                    location,
                }),
            }
        }
        self.reading.pop();
    }

    fn include_file(&mut self, path: &str, depth: usize, at: &Location) {
        if depth > MAX_DEPTH || self.tree.files.len() >= MAX_FILES {
            let message = format!("{path} not read: include limit reached (an include loop?)");
            return self.note(NoteKind::Limit, message, at);
        }
        if let Some(start) = self.reading.iter().position(|open| open == path) {
            let chain: Vec<&str> = self.reading[start..].iter().map(String::as_str).collect();
            let message = format!(
                "include loop: {path} is included again while it is read ({} -> {path}); sudo stops with \
                 \"too many levels of includes\" and refuses to run",
                chain.join(" -> ")
            );
            return self.note(NoteKind::Loop, message, at);
        }
        // Included twice but not from itself: sudo reads it again, which grants nothing new.
        if self.tree.files.iter().any(|seen| seen == path) {
            return;
        }
        match read_text(self.source, path) {
            Ok(text) => self.parse_file(path, &text, depth),
            Err(FileState::Missing) => self.note(NoteKind::Missing, format!("included file {path} does not exist"), at),
            Err(state) => {
                let problem = state.problem(path).unwrap_or_default();
                self.note(NoteKind::Unavailable, problem, at)
            }
        }
    }

    fn include_dir(&mut self, dir: &str, depth: usize, at: &Location) {
        let names = match self.source.list(dir) {
            DirState::Listed(names) => names,
            DirState::Missing => {
                let message = format!("include directory {dir} does not exist");
                return self.note(NoteKind::Missing, message, at);
            }
            // What it holds is unknown, and may grant anything: not "absent".
            DirState::Unreadable(why) => {
                let message = format!("include directory {dir} could not be listed: {why}");
                return self.note(NoteKind::Unavailable, message, at);
            }
            DirState::NotCollected => {
                let message = format!("include directory {dir} was not collected");
                return self.note(NoteKind::Unavailable, message, at);
            }
        };
        // `Source::list_dir` is sorted: sudo's lexical order.
        for name in names {
            let path = resolve_relative(dir, &name);
            if !includedir_reads(&name) {
                let message = format!("{path} is ignored by sudo (names containing '.' or ending in '~' are skipped)");
                self.note(NoteKind::Skipped, message, at);
            } else if is_regular_or_unknown(self.source, &path) {
                self.include_file(&path, depth, at);
            }
        }
    }
}

/// sudo reads only regular files from an include directory; without metadata, try it.
fn is_regular_or_unknown(source: &dyn Source, path: &str) -> bool {
    source
        .meta(path)
        .is_none_or(|meta| matches!(meta.kind, FileKind::File | FileKind::Symlink))
}

/// Join physical lines ending in an unescaped `\` and strip comments; returns each
/// logical line with the number of its first physical line.
pub fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let (start, mut buf) = pending.take().unwrap_or((line_number(index), String::new()));
        let body = strip_comment(raw, buf.is_empty());
        match continued(body) {
            Some(head) => {
                buf.push_str(head);
                buf.push(' ');
                pending = Some((start, buf));
            }
            None => {
                buf.push_str(body);
                out.push((start, buf));
            }
        }
    }
    out.extend(pending);
    out
}

/// The line without its continuation backslash, when it ends in an odd number of them.
fn continued(body: &str) -> Option<&str> {
    let body = body.trim_end();
    let trailing = body.len() - body.trim_end_matches('\\').len();
    (trailing % 2 == 1).then(|| &body[..body.len() - 1])
}

/// Cut a `#` comment: not inside quotes, not escaped, not a `#123` / `#-1` id, and not
/// an include directive at the start of a logical line.
fn strip_comment(raw: &str, line_start: bool) -> &str {
    if line_start && directive(raw).is_some() {
        return raw;
    }
    let comment = unescaped(raw).find(|&(at, c, quoted)| c == '#' && !quoted && !starts_id(&raw[at + 1..]));
    comment.map_or(raw, |(at, _, _)| &raw[..at])
}

fn starts_id(rest: &str) -> bool {
    rest.strip_prefix('-')
        .unwrap_or(rest)
        .starts_with(|c: char| c.is_ascii_digit())
}

/// An include directive's target as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub dir: bool,
    pub path: String,
}

/// `#include PATH`, `@include PATH`, `#includedir DIR`, `@includedir DIR`; the path
/// may be double-quoted or use `\` escapes.
pub fn directive(line: &str) -> Option<Directive> {
    let trimmed = line.trim_start();
    let rest = trimmed.strip_prefix('#').or_else(|| trimmed.strip_prefix('@'))?;
    let (dir, rest) = match rest.strip_prefix("includedir") {
        Some(rest) => (true, rest),
        None => (false, rest.strip_prefix("include")?),
    };
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    include_path(rest.trim_start()).map(|path| Directive { dir, path })
}

fn include_path(text: &str) -> Option<String> {
    let (quoted, body) = match text.strip_prefix('"') {
        Some(body) => (true, body),
        None => (false, text),
    };
    let mut path = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => path.extend(chars.next()),
            '"' if quoted => break,
            c if c.is_whitespace() && !quoted => break,
            c => path.push(c),
        }
    }
    (!path.is_empty()).then_some(path)
}
