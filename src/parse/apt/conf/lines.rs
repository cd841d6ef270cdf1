//! Comment removal for one line of an APT configuration file, in apt's order
//! (apt-pkg/contrib/configuration.cc, ReadConfigFile): tabs become 8 spaces and the
//! line is trimmed; a `/* */` comment left open on an earlier line is closed first;
//! then `//` cuts the line, then `#` does (unless it starts `#clear`, `#include` or
//! `#x-apt-configure-index`), then `/* ... */` spans are removed, possibly opening
//! a comment that continues on later lines. A marker inside an odd number of `"`
//! before it is part of a string, not a comment.

use super::words::trim_c;

const DIRECTIVES: [&str; 3] = ["clear", "include", "x-apt-configure-index"];

/// The text of `raw` that is not comment; `in_comment` carries an open `/*`.
pub fn strip_comments(raw: &str, in_comment: &mut bool) -> String {
    let expanded = raw.replace('\t', "        ");
    let mut line = trim_c(&expanded);
    if *in_comment {
        match line.find("*/") {
            Some(end) => {
                line = &line[end + 2..];
                *in_comment = false;
            }
            None => return String::new(),
        }
    }
    if let Some(cut) = find_outside_quotes(line, "//", |_| true) {
        line = &line[..cut];
    }
    let is_comment_hash = |rest: &str| !DIRECTIVES.iter().any(|d| rest[1..].starts_with(d));
    if let Some(cut) = find_outside_quotes(line, "#", is_comment_hash) {
        line = &line[..cut];
    }
    remove_block_comments(line, in_comment)
}

fn remove_block_comments(mut line: &str, in_comment: &mut bool) -> String {
    let mut fragment = String::with_capacity(line.len());
    while let Some(open) = find_outside_quotes(line, "/*", |_| true) {
        fragment.push_str(&line[..open]);
        match line[open + 2..].find("*/") {
            Some(close) => line = &line[open + 2 + close + 2..],
            None => {
                *in_comment = true;
                return fragment;
            }
        }
    }
    fragment.push_str(line);
    fragment
}

/// The first `pattern` in `text` with an even number of `"` before it and for
/// which `accept(text[at..])` holds.
fn find_outside_quotes(text: &str, pattern: &str, accept: impl Fn(&str) -> bool) -> Option<usize> {
    let (mut from, mut counted, mut quotes) = (0, 0, 0usize);
    while let Some(relative) = text[from..].find(pattern) {
        let at = from + relative;
        quotes += text.as_bytes()[counted..at].iter().filter(|&&b| b == b'"').count();
        counted = at;
        if quotes % 2 == 0 && accept(&text[at..]) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(lines: &[&str]) -> Vec<String> {
        let mut in_comment = false;
        lines.iter().map(|l| strip_comments(l, &mut in_comment)).collect()
    }

    #[test]
    fn line_comments_outside_strings_only() {
        assert_eq!(strip(&["A \"1\"; // note"]), vec!["A \"1\"; "]);
        assert_eq!(strip(&["A \"http://x\";"]), vec!["A \"http://x\";"]);
        assert_eq!(strip(&["A \"1\"; # note"]), vec!["A \"1\"; "]);
        assert_eq!(strip(&["A \"a#b\";"]), vec!["A \"a#b\";"]);
        assert_eq!(strip(&["#clear A;"]), vec!["#clear A;"]);
        assert_eq!(strip(&["#include \"/x\";"]), vec!["#include \"/x\";"]);
        assert_eq!(strip(&["\t//\t\"x\";"]), vec![""]);
    }

    #[test]
    fn block_comments_span_lines() {
        assert_eq!(
            strip(&[
                "A \"1\"; /* one",
                "still comment",
                "end */ B \"2\";",
                "C /* x */ \"3\";"
            ]),
            vec!["A \"1\"; ", "", " B \"2\";", "C  \"3\";"]
        );
    }

    #[test]
    fn a_line_comment_inside_a_block_comment_cuts_first_as_apt_does() {
        // `//` is removed before `/* */`, so this `/*` is never closed on its line.
        assert_eq!(
            strip(&["/* a // b */ Q \"1\";", "R \"2\";", "*/ S \"3\";"]),
            vec!["", "", " S \"3\";"]
        );
    }

    #[test]
    fn tabs_become_eight_spaces() {
        assert_eq!(strip(&["A \"a\tb\";"]), vec!["A \"a        b\";"]);
    }
}
