//! Small text and path helpers every parser shares: 1-based line numbers, path
//! pieces, reading a file's text through a `Source` (with the configuration size
//! cap), and splitting a string at separators that are not escaped, quoted or
//! inside parentheses.

use crate::evidence::{FileState, Source};
use regex::Regex;
use std::sync::{Arc, OnceLock};

/// The 1-based line number of the line at `index` (0-based), saturating.
pub fn line_number(index: usize) -> u32 {
    u32::try_from(index.saturating_add(1)).unwrap_or(u32::MAX)
}

/// Lines with their 1-based numbers, as findings cite them.
pub fn numbered_lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.lines().enumerate().map(|(index, line)| (line_number(index), line))
}

/// The last component of a path.
pub fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The directory part of an absolute path (`/` for a file at the root).
pub fn dirname(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(cut) => &path[..cut],
    }
}

/// The text of a file, or its state when no text is available.
pub fn read_text(source: &dyn Source, path: &str) -> Result<Arc<str>, FileState> {
    match crate::evidence::source::read_config(source, path) {
        FileState::Text(text) => Ok(text),
        other => Err(other),
    }
}

/// A file's text; None when it does not exist; Err (the reason) when it exists
/// but could not be read, or was never collected.
pub fn read_optional(source: &dyn Source, path: &str) -> Result<Option<Arc<str>>, String> {
    match read_text(source, path) {
        Ok(text) => Ok(Some(text)),
        Err(FileState::Missing) => Ok(None),
        Err(other) => Err(other.problem(path).unwrap_or_default()),
    }
}

/// The characters of `text` that are not backslash-escaped (nor the backslashes
/// escaping them), each with its offset and whether it lies inside double quotes.
pub fn unescaped(text: &str) -> impl Iterator<Item = (usize, char, bool)> + '_ {
    let mut quoted = false;
    let mut escaped = false;
    text.char_indices().filter_map(move |(at, c)| {
        if escaped {
            escaped = false;
            return None;
        }
        match c {
            '\\' => {
                escaped = true;
                None
            }
            '"' => {
                quoted = !quoted;
                Some((at, c, false))
            }
            _ => Some((at, c, quoted)),
        }
    })
}

/// Split `text` at each `sep` that is not backslash-escaped, not inside double
/// quotes and not inside parentheses. Pieces are returned untrimmed.
pub fn split_top(text: &str, sep: char) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    for (at, c, quoted) in unescaped(text) {
        match c {
            _ if quoted => {}
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if c == sep && depth == 0 => {
                pieces.push(&text[start..at]);
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    pieces.push(&text[start..]);
    pieces
}

/// A regex compiled once into `cell` from a constant pattern.
pub fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("constant pattern compiles"))
}

/// Collapse runs of whitespace into single spaces and trim.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words of a shell command line: split at whitespace and shell punctuation, quotes
/// dropped. Good enough to spot which programs a command names.
pub fn shell_words(command: &str) -> Vec<&str> {
    command
        .split(|c: char| c.is_whitespace() || ";|&(){}<>\"'`$=".contains(c))
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_top_respects_escapes_quotes_and_parens() {
        assert_eq!(split_top(r"a, b\, c, (x, y) d", ','), vec!["a", r" b\, c", " (x, y) d"]);
        assert_eq!(split_top(r#"k="1,2", z"#, ','), vec![r#"k="1,2""#, " z"]);
    }

    #[test]
    fn path_pieces() {
        assert_eq!(basename("/etc/cron.d/backup"), "backup");
        assert_eq!(dirname("/etc/sudoers"), "/etc");
        assert_eq!(dirname("/sudoers"), "/");
        assert_eq!(line_number(0), 1);
    }
}
