//! pip's `preprocess` of a requirements file: Python's line splitting, `\`
//! continuations (not after a comment line), `#` comments after whitespace cut,
//! blank lines dropped; pip's own `preprocess` is the judge.

use crate::parse::app::pep508::is_py_space;

/// pip's `preprocess`: split lines as Python's `str.splitlines` does, join
/// continued lines (not after a comment line), cut comments, drop blank lines;
/// each logical line with its first line's number.
pub fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut joined: Vec<(usize, String)> = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, raw) in split_lines(text).enumerate() {
        let number = index + 1;
        let comment = is_comment_line(raw);
        if !raw.ends_with('\\') || comment {
            let line = if comment { format!(" {raw}") } else { raw.to_string() };
            match pending.take() {
                Some((first, mut acc)) => {
                    acc.push_str(&line);
                    joined.push((first, acc));
                }
                None => joined.push((number, line)),
            }
        } else {
            let part = raw.trim_matches('\\');
            match &mut pending {
                Some((_, acc)) => acc.push_str(part),
                None => pending = Some((number, part.to_string())),
            }
        }
    }
    joined.extend(pending);
    joined
        .into_iter()
        .filter_map(|(n, line)| {
            let cut = cut_comment(&line).trim_matches(is_py_space).to_string();
            (!cut.is_empty()).then_some((n, cut))
        })
        .collect()
}

/// Python's `str.splitlines`: `\r\n`, and each of `\n \r \v \f \x1c \x1d
/// \x1e \x85 \u2028 \u2029`, ends a line.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let breaks = |c: char| {
            matches!(
                c,
                '\n' | '\r' | '\x0b' | '\x0c' | '\x1c'..='\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}'
            )
        };
        let Some((at, c)) = rest.char_indices().find(|&(_, c)| breaks(c)) else {
            return Some(std::mem::take(&mut rest));
        };
        let line = &rest[..at];
        let after = at + c.len_utf8();
        let after = if rest[at..].starts_with("\r\n") {
            after + 1
        } else {
            after
        };
        rest = &rest[after..];
        Some(line)
    })
}

/// `(^|\s+)#.*$` matches at the start of the line.
fn is_comment_line(line: &str) -> bool {
    line.trim_start_matches(is_py_space).starts_with('#')
}

/// Remove `(^|\s+)#.*$`: a `#` at the start or after whitespace starts a comment.
fn cut_comment(line: &str) -> &str {
    let mut previous = None;
    for (i, c) in line.char_indices() {
        if c == '#' && previous.is_none_or(is_py_space) {
            return &line[..i];
        }
        previous = Some(c);
    }
    line
}
