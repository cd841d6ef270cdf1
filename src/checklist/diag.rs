//! Diagnostics for checklist files: a message pinned to file:line:column, computed
//! from the byte span the TOML parser reports.

use crate::sanitize::terminal;
use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
}

/// One problem found in a checklist file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub level: Level,
    pub message: String,
}

/// `file:line:column: level: message`, the file name and message (which quote the
/// checklist) with anything that could act on a terminal made visible.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {}: {}",
            terminal(&self.file),
            self.line,
            self.column,
            level,
            terminal(&self.message)
        )
    }
}

/// Maps byte offsets of one file to 1-based line and column (in characters).
pub struct SpanMap<'a> {
    file: &'a str,
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> SpanMap<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SpanMap {
            file,
            text,
            line_starts,
        }
    }

    pub fn file(&self) -> &str {
        self.file
    }

    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(0);
        let column = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line.max(1), column)
    }

    pub fn diag(&self, level: Level, span: Option<Range<usize>>, message: impl Into<String>) -> Diagnostic {
        let (line, column) = span.map_or((1, 1), |s| self.position(s.start));
        Diagnostic {
            file: self.file.to_string(),
            line,
            column,
            level,
            message: message.into(),
        }
    }

    pub fn error(&self, span: Option<Range<usize>>, message: impl Into<String>) -> Diagnostic {
        self.diag(Level::Error, span, message)
    }

    pub fn warning(&self, span: Option<Range<usize>>, message: impl Into<String>) -> Diagnostic {
        self.diag(Level::Warning, span, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_one_based_line_and_column() {
        let text = "a = 1\nbb = 2\n\nccc";
        let map = SpanMap::new("x.toml", text);
        assert_eq!(map.position(0), (1, 1));
        assert_eq!(map.position(4), (1, 5));
        assert_eq!(map.position(6), (2, 1));
        assert_eq!(map.position(13), (3, 1));
        assert_eq!(map.position(14), (4, 1));
        assert_eq!(map.position(999), (4, 4));
    }
}
