//! /etc/ufw/ufw.conf and /etc/default/ufw: shell files that ufw-init sources at
//! boot (`. /etc/default/ufw; . /etc/ufw/ufw.conf`), so they are read as sh reads
//! simple assignments: `KEY=value`, `KEY="value"`, `KEY='value'`, `export KEY=...`,
//! several on a line with `;`, `#` comments; the last assignment wins.

use crate::parse::text::numbered_lines;
use std::collections::BTreeMap;

/// One variable's effective value and the 1-based line that set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub value: String,
    pub line: u32,
}

/// The variables a shell file assigns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShellVars(BTreeMap<String, Assignment>);

impl ShellVars {
    pub fn parse(text: &str) -> ShellVars {
        let mut vars = BTreeMap::new();
        for (number, line) in numbered_lines(text) {
            for (key, value) in assignments(line) {
                vars.insert(key, Assignment { value, line: number });
            }
        }
        ShellVars(vars)
    }

    pub fn get(&self, key: &str) -> Option<&Assignment> {
        self.0.get(key)
    }
}

/// The assignments of one line, in order; stops at the first thing that is not one.
fn assignments(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = line.trim_start();
    loop {
        rest = rest.strip_prefix("export ").map(str::trim_start).unwrap_or(rest);
        let Some((key, after)) = split_key(rest) else {
            break;
        };
        let (value, after) = shell_word(after);
        out.push((key.to_string(), value));
        let after = after.trim_start();
        match after.strip_prefix(';') {
            Some(next) => rest = next.trim_start(),
            None => break,
        }
    }
    out
}

/// `KEY=` at the start of `text`: the key and what follows the `=`.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let (key, after) = text.split_once('=')?;
    let mut chars = key.chars();
    let first = chars.next()?;
    let valid = (first.is_ascii_alphabetic() || first == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some((key, after))
}

/// One shell word (quotes joined and removed) and the text after it.
fn shell_word(text: &str) -> (String, &str) {
    let mut value = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() || c == ';' => return (value, &text[at..]),
            '\'' => {
                chars.next();
                for (_, q) in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    value.push(q);
                }
            }
            '"' => {
                chars.next();
                double_quoted(&mut chars, &mut value);
            }
            '\\' => {
                chars.next();
                if let Some((_, escaped)) = chars.next() {
                    value.push(escaped);
                }
            }
            _ => {
                chars.next();
                value.push(c);
            }
        }
    }
    (value, "")
}

fn double_quoted(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, value: &mut String) {
    while let Some((_, q)) = chars.next() {
        match q {
            '"' => return,
            '\\' => match chars.next() {
                Some((_, e)) if matches!(e, '"' | '\\' | '$' | '`') => value.push(e),
                Some((_, e)) => {
                    value.push('\\');
                    value.push(e);
                }
                None => value.push('\\'),
            },
            _ => value.push(q),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(vars: &ShellVars, key: &str) -> Option<(String, u32)> {
        vars.get(key).map(|a| (a.value.clone(), a.line))
    }

    #[test]
    fn quotes_comments_and_last_assignment_wins() {
        let text = "# ENABLED=yes\nENABLED=no\nDEFAULT_INPUT_POLICY=\"DROP\"  # policy\n\
                    IPV6='yes'\n  ENABLED=yes # on\nBROKEN = x\n";
        let vars = ShellVars::parse(text);
        assert_eq!(value(&vars, "ENABLED"), Some(("yes".into(), 5)));
        assert_eq!(value(&vars, "DEFAULT_INPUT_POLICY"), Some(("DROP".into(), 3)));
        assert_eq!(value(&vars, "IPV6"), Some(("yes".into(), 4)));
        assert_eq!(value(&vars, "BROKEN"), None);
    }

    #[test]
    fn several_assignments_on_a_line_and_export() {
        let vars = ShellVars::parse("A=\"1\"; B=2;export C=x\"y z\"\\!\nD=\"a\\\"b\"\nE=");
        assert_eq!(value(&vars, "A"), Some(("1".into(), 1)));
        assert_eq!(value(&vars, "B"), Some(("2".into(), 1)));
        assert_eq!(value(&vars, "C"), Some(("xy z!".into(), 1)));
        assert_eq!(value(&vars, "D"), Some(("a\"b".into(), 2)));
        assert_eq!(value(&vars, "E"), Some((String::new(), 3)));
    }

    #[test]
    fn unterminated_quotes_do_not_panic() {
        let vars = ShellVars::parse("A=\"open\nB='x\nC=\\");
        assert_eq!(value(&vars, "A"), Some(("open".into(), 1)));
        assert_eq!(value(&vars, "C"), Some((String::new(), 3)));
    }
}
