//! apt's statement reader for one configuration file (ReadConfigFile in
//! apt-pkg/contrib/configuration.cc): text between `{`, `;` and `}` (outside
//! quotes, possibly over several lines) is one statement `Tag [Value]`; `Tag {`
//! opens a scope whose name prefixes the tags inside; a statement with only a value
//! is a list entry (`Tag::`); `#clear` and `#include` are top-level directives.
//! Like apt, reading stops at the first syntax error, keeping what was set before.

use super::lines::strip_comments;
use super::tree::Origin;
use super::words::{parse_c_word, parse_quote_word, trim_c};
use std::fmt;

/// apt refuses `#include` deeper than this.
pub const MAX_INCLUDE_DEPTH: u32 = 10;

/// Where the statements of a file go.
pub trait Sink {
    fn set(&mut self, name: &str, value: String, at: Origin);
    fn clear(&mut self, name: &str, at: Origin);
    /// Read an included file, or a directory when `target` ends in `/`; false when
    /// apt would fail to (it then reports "Included from here").
    fn include(&mut self, target: &str, depth: u32) -> bool;
}

/// A syntax error apt reports (and stops reading the file at).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub path: String,
    pub line: u32,
    pub message: String,
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
    /// Enclosing scopes' names, innermost last (apt's Stack).
    stack: Vec<String>,
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
        let buffer = std::mem::take(&mut self.buffer);
        let mut statement = self.split(&buffer, term)?;
        if term == b'{' {
            self.enter_scope(std::mem::take(&mut statement.tag));
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

    fn enter_scope(&mut self, tag: String) {
        let outer = std::mem::take(&mut self.scope);
        self.scope = if outer.is_empty() {
            tag
        } else {
            format!("{outer}::{tag}")
        };
        self.stack.push(outer);
    }

    fn leave_scope(&mut self) {
        self.scope = self.stack.pop().unwrap_or_default();
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
        }
    }
}
