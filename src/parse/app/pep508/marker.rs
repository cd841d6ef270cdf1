//! A requirement's marker (`; python_version < "3.9"`), checked as packaging's
//! parser checks it — variables, quoted strings read as Python literals, operators,
//! `and`/`or` and parentheses — and kept as text.

use super::version::{is_word, lossy};
use super::Cursor;

/// A marker expression, checked as packaging parses it.
pub(super) struct Marker<'c, 'a> {
    pub(super) p: &'c mut Cursor<'a>,
}

const VARIABLES: &[&str] = &[
    "python_version",
    "python_full_version",
    "os_name",
    "os.name",
    "sys_platform",
    "sys.platform",
    "platform_release",
    "platform_system",
    "platform_version",
    "platform.version",
    "platform_machine",
    "platform.machine",
    "platform_python_implementation",
    "platform.python_implementation",
    "python_implementation",
    "implementation_name",
    "implementation_version",
    "extras",
    "extra",
    "dependency_groups",
];

/// Whether Python reads `'body'` as a string literal, as packaging checks a
/// quoted string with `ast.literal_eval`: no NUL, no raw line break, a backslash
/// never last (it would escape the closing quote), `\x`, `\u`, `\U` with their
/// hex digits. A `\N{NAME}` needs Unicode's name table: any name written with
/// the characters of names reads as valid.
fn python_literal(body: &[u8]) -> bool {
    let hex = |digits: Option<&[u8]>| digits.is_some_and(|d| d.iter().all(u8::is_ascii_hexdigit));
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        i += 1;
        match b {
            0 | b'\n' | b'\r' => return false,
            b'\\' => {
                let Some(&escaped) = body.get(i) else {
                    return false;
                };
                i += 1;
                let width = match escaped {
                    0 => return false,
                    b'x' => 2,
                    b'u' => 4,
                    b'U' => 8,
                    b'N' => {
                        let name = body[i..].strip_prefix(b"{").and_then(|rest| {
                            let end = rest.iter().position(|&c| c == b'}')?;
                            Some(&rest[..end])
                        });
                        match name {
                            Some(name)
                                if !name.is_empty()
                                    && name
                                        .iter()
                                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b' ' | b'-')) =>
                            {
                                i += name.len() + 2;
                                continue;
                            }
                            _ => return false,
                        }
                    }
                    // A line continuation, `\r\n` as one break.
                    b'\r' if body.get(i) == Some(&b'\n') => {
                        i += 1;
                        0
                    }
                    _ => 0,
                };
                let digits = body.get(i..i + width);
                if !hex(digits) {
                    return false;
                }
                if width == 8
                    && digits
                        .and_then(|d| u32::from_str_radix(&lossy(d), 16).ok())
                        .is_none_or(|c| c > 0x10ffff)
                {
                    return false;
                }
                i += width;
            }
            _ => {}
        }
    }
    true
}

impl Marker<'_, '_> {
    pub(super) fn expression(&mut self) -> Result<(), String> {
        self.atom()?;
        while self.boolop() {
            self.atom()?;
        }
        Ok(())
    }

    fn word(&mut self, word: &str) -> bool {
        let s = self.p.s;
        let at = self.p.at;
        let end = at + word.len();
        let bounded_before = at == 0 || !is_word(s[at - 1]);
        let bounded_after = s.get(end).is_none_or(|&b| !is_word(b));
        if bounded_before && s.get(at..end) == Some(word.as_bytes()) && bounded_after {
            self.p.at = end;
            true
        } else {
            false
        }
    }

    fn boolop(&mut self) -> bool {
        self.word("or") || self.word("and")
    }

    fn atom(&mut self) -> Result<(), String> {
        self.p.ws();
        if self.p.eat(b'(') {
            self.p.ws();
            self.expression()?;
            self.p.ws();
            if !self.p.eat(b')') {
                return Err("Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression".into());
            }
        } else {
            self.p.ws();
            self.var()?;
            self.p.ws();
            self.op()?;
            self.p.ws();
            self.var()?;
            self.p.ws();
        }
        self.p.ws();
        Ok(())
    }

    fn var(&mut self) -> Result<(), String> {
        // The longest variable name that matches with word boundaries.
        let mut names: Vec<&&str> = VARIABLES.iter().collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        for name in names {
            if self.word(name) {
                return Ok(());
            }
        }
        if let Some(quote @ (b'\'' | b'"')) = self.p.peek() {
            let start = self.p.at + 1;
            if let Some(len) = self.p.s[start..].iter().position(|&b| b == quote) {
                if !python_literal(&self.p.s[start..start + len]) {
                    return Err("Invalid quoted string".into());
                }
                self.p.at = start + len + 1;
                return Ok(());
            }
        }
        Err("Expected a marker variable or quoted string".into())
    }

    fn op(&mut self) -> Result<(), String> {
        if self.word("in") {
            return Ok(());
        }
        if self.word("not") {
            if !self.p.ws() {
                return Err("Expected whitespace after 'not'".into());
            }
            if !self.word("in") {
                return Err("Expected 'in' after 'not'".into());
            }
            return Ok(());
        }
        for op in ["===", "==", "~=", "!=", "<=", ">=", "<", ">"] {
            if self.p.s[self.p.at..].starts_with(op.as_bytes()) {
                self.p.at += op.len();
                return Ok(());
            }
        }
        Err("Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in".into())
    }
}
