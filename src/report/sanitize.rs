//! Making collected text safe to show: a target's files and command output may hold
//! terminal escape sequences; they are shown as visible `\x1b` escapes, never sent
//! raw to a terminal.

/// Replace control characters (except tab) with visible escapes.
pub fn terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push(c),
            '\n' => out.push_str("\\n"),
            c if c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                out.push_str(&c.escape_unicode().to_string().replace("\\u{", "\\x{"));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_text() {
        let hostile = "PermitRootLogin yes\u{1b}[2J\u{1b}]0;pwned\u{7}";
        let shown = terminal(hostile);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert!(shown.starts_with("PermitRootLogin yes\\x{1b}[2J"));
    }

    #[test]
    fn bidi_overrides_are_escaped() {
        assert_eq!(terminal("a\u{202e}b"), "a\\x{202e}b");
    }
}
