//! apt's statement reader for one configuration file (ReadConfigFile in
//! apt-pkg/contrib/configuration.cc): text between `{`, `;` and `}` (outside
//! quotes, possibly over several lines) is one statement `Tag [Value]`; `Tag {`
//! opens a scope whose name prefixes the tags inside; a statement with only a value
//! is a list entry (`Tag::`); `#clear` and `#include` are top-level directives.
//! Like apt, reading stops at the first syntax error, keeping what was set before.
//! vouch also stops at bounds of its own that apt lacks (nesting depth, scope name
//! length, statements in all), far beyond any real file, so a hostile file costs
//! memory and time in proportion to its size; those stops are `ErrorKind::Limit`.

use super::lines::strip_comments;
use super::tree::Origin;
use super::words::{parse_c_word, parse_quote_word, trim_c};
use std::fmt;

/// apt refuses `#include` deeper than this.
pub const MAX_INCLUDE_DEPTH: u32 = 10;
/// vouch's own bound on `{` nesting. apt has none (its parser keeps a copy of every
/// enclosing scope's name, so memory grows with the square of the depth); real
/// files nest four or five levels, so a file past this is hostile or broken.
pub const MAX_NESTING: usize = 64;
/// vouch's own bound on the length of a scope's full name: every statement inside
/// a scope builds a name that starts with it, so an unbounded one makes reading
/// quadratic. Real names are a few dozen bytes.
pub const MAX_SCOPE_BYTES: usize = 1024;

/// Where the statements of a file go.
pub trait Sink {
    fn set(&mut self, name: &str, value: String, at: Origin);
    fn clear(&mut self, name: &str, at: Origin);
    /// Read an included file, or a directory when `target` ends in `/`; false when
    /// apt would fail to (it then reports "Included from here").
    fn include(&mut self, target: &str, depth: u32) -> bool;
    /// Why no further statement should be read (a bound of vouch's on the size of
    /// the configuration), or None to read on.
    fn limit_reached(&self) -> Option<String> {
        None
    }
}

/// A syntax error apt reports (and stops reading the file at), or a limit of
/// vouch's own that stopped reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub path: String,
    pub line: u32,
    pub message: String,
    pub kind: ErrorKind,
}

/// Who stops reading the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// apt itself: apt-get, apt-config and unattended-upgrade refuse to run.
    Apt,
    /// vouch's bound (`MAX_NESTING`, `MAX_SCOPE_BYTES`, the sink's
    /// `limit_reached`): apt would read on, so the
    /// configuration past this point is unknown to the audit.
    Limit,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.message)
    }
}

/// Read one file's statements into `sink`. `depth` counts `#include` nesting.
pub fn parse(path: &str, text: &str, depth: u32, sink: &mut dyn Sink) -> Result<(), SyntaxError> {
    let mut parser = Parser {
        path,
        depth,
        sink,
        stack: Vec::new(),
        scope: String::new(),
        buffer: String::new(),
        buffer_line: 0,
        line: 0,
    };
    let mut in_comment = false;
    // Like apt's line reader, text ending in "\n" has one more, empty, line.
    for raw in text.split('\n') {
        parser.line += 1;
        let fragment = strip_comments(raw, &mut in_comment);
        if !fragment.is_empty() {
            parser.scan(&fragment)?;
        }
    }
    if parser.buffer.is_empty() {
        Ok(())
    } else {
        let line = parser.buffer_line;
        Err(parser.error_at(line, "Extra junk at end of file (a statement is not ended by `;`)"))
    }
}

/// apt's `_strstrip`, used on the text left at the end of a line: spaces and tabs
/// from the front, and also `\r` and `\n` from the back (so a leading `\r` stays).
fn strstrip(text: &str) -> &str {
    text.trim_start_matches([' ', '\t'])
        .trim_end_matches([' ', '\t', '\r', '\n'])
}

struct Parser<'a> {
    path: &'a str,
    depth: u32,
    sink: &'a mut dyn Sink,
    /// The length of `scope` before each enclosing scope was entered, innermost
    /// last (apt's Stack, which keeps whole copies of those names).
    stack: Vec<usize>,
    /// The current scope's full name (apt's ParentTag).
    scope: String,
    /// Statement text read so far (apt's LineBuffer).
    buffer: String,
    /// The line the buffered statement started on: where its value is said to be set.
    buffer_line: u32,
    line: u32,
}

/// The parts of one statement once its tag and value are read.
struct Statement {
    tag: String,
    word: String,
    no_word: bool,
}

impl Parser<'_> {
    fn scan(&mut self, fragment: &str) -> Result<(), SyntaxError> {
        let mut in_quote = false;
        let mut start = 0;
        for (at, byte) in fragment.bytes().enumerate() {
            if byte == b'"' {
                in_quote = !in_quote;
            }
            if in_quote || !matches!(byte, b'{' | b';' | b'}') {
                continue;
            }
            self.push_text(trim_c(&fragment[start..at]));
            start = at + 1;
            self.statement(byte)?;
        }
        self.push_text(strstrip(&fragment[start..]));
        Ok(())
    }

    fn push_text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.buffer.is_empty() {
            self.buffer_line = self.line;
        } else {
            self.buffer.push(' ');
        }
        self.buffer.push_str(text);
    }

    /// Handle the buffered statement, ended by `term` (`{`, `;` or `}`).
    fn statement(&mut self, term: u8) -> Result<(), SyntaxError> {
        if self.buffer.is_empty() {
            if term == b'{' {
                return Err(self.error("Block starts with no name."));
            }
            if term == b'}' {
                self.leave_scope();
            }
            return Ok(());
        }
        if let Some(reason) = self.sink.limit_reached() {
            return Err(self.limit(&reason));
        }
        let buffer = std::mem::take(&mut self.buffer);
        let mut statement = self.split(&buffer, term)?;
        if term == b'{' {
            self.enter_scope(&statement.tag)?;
            statement.tag.clear();
        }
        self.apply(statement, term)?;
        if term == b'}' {
            self.leave_scope();
        }
        Ok(())
    }

    fn split(&self, buffer: &str, term: u8) -> Result<Statement, SyntaxError> {
        let (mut tag, rest) = parse_quote_word(buffer).ok_or_else(|| self.error("Malformed tag"))?;
        let (word, rest, no_word) = match parse_c_word(rest).or_else(|| parse_quote_word(rest)) {
            Some((word, after)) => (word, after, false),
            None if term != b'{' => (std::mem::take(&mut tag), rest, false),
            None => (String::new(), rest, true),
        };
        if !rest.is_empty() {
            return Err(self.error("Extra junk after value"));
        }
        Ok(Statement { tag, word, no_word })
    }

    fn apply(&mut self, statement: Statement, term: u8) -> Result<(), SyntaxError> {
        let Statement { tag, word, no_word } = statement;
        if let Some(directive) = tag.strip_prefix('#') {
            if !self.scope.is_empty() {
                return Err(self.error("Directives can only be done at the top level"));
            }
            return self.directive(directive, &word);
        }
        if tag.is_empty() && !no_word && word == "#clear" {
            return Err(self.error("clear directive requires an option tree as argument"));
        }
        if !no_word {
            let item = match (self.scope.is_empty(), term != b'{' || !tag.is_empty()) {
                (true, _) => tag,
                (false, true) => format!("{}::{tag}", self.scope),
                (false, false) => self.scope.clone(),
            };
            let at = self.origin();
            self.sink.set(&item, word, at);
        }
        Ok(())
    }

    fn directive(&mut self, name: &str, word: &str) -> Result<(), SyntaxError> {
        match name {
            "clear" => {
                let at = self.origin();
                self.sink.clear(word, at);
                Ok(())
            }
            "include" if self.depth > MAX_INCLUDE_DEPTH => Err(self.error("Too many nested includes")),
            "include" if !self.sink.include(word, self.depth + 1) => Err(self.error("Included from here")),
            "include" | "x-apt-configure-index" => Ok(()),
            other => Err(self.error(&format!("Unsupported directive '{other}'"))),
        }
    }

    fn enter_scope(&mut self, tag: &str) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_NESTING {
            return Err(self.limit(&format!(
                "nesting deeper than {MAX_NESTING} levels; vouch stops reading the file here (apt has no such limit)"
            )));
        }
        let joiner = if self.scope.is_empty() { 0 } else { 2 };
        if self.scope.len() + joiner + tag.len() > MAX_SCOPE_BYTES {
            return Err(self.limit(&format!(
                "a scope name longer than {MAX_SCOPE_BYTES} bytes; vouch stops reading the file here \
                 (apt has no such limit)"
            )));
        }
        self.stack.push(self.scope.len());
        if joiner > 0 {
            self.scope.push_str("::");
        }
        self.scope.push_str(tag);
        Ok(())
    }

    /// apt's leaveCurrentScope: back to the enclosing scope, or to the top level
    /// when there is none.
    fn leave_scope(&mut self) {
        let outer = self.stack.pop().unwrap_or(0);
        self.scope.truncate(outer);
    }

    fn origin(&self) -> Origin {
        Origin {
            path: self.path.to_string(),
            line: self.buffer_line,
        }
    }

    fn error(&self, message: &str) -> SyntaxError {
        self.error_at(self.line, message)
    }

    fn error_at(&self, line: u32, message: &str) -> SyntaxError {
        SyntaxError {
            path: self.path.to_string(),
            line,
            message: message.to_string(),
            kind: ErrorKind::Apt,
        }
    }

    fn limit(&self, message: &str) -> SyntaxError {
        SyntaxError {
            kind: ErrorKind::Limit,
            ..self.error(message)
        }
    }
}
