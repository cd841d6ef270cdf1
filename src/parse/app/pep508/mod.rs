//! One dependency specifier (PEP 508) read as Python's `packaging` reads it:
//! a name, extras, version specifiers or `@ URL`, and a marker. The grammar and
//! the specifier forms follow packaging 26.4's `_parser` and `Specifier`'s
//! regular expression (tokens matched greedily, never backtracked into); Python's
//! `packaging` is the judge in tests/differential_requirements.rs. The marker is
//! kept as text: whether a requirement is pinned never depends on it.
//!
//! No maintained crate fits: `pep508_rs` was last released in January 2025 and
//! uv's own `uv-pep508` is published as an internal component of uv.
//!
//! `version` reads the specifiers, `marker` checks the marker.

mod marker;
mod version;

use marker::Marker;
pub(crate) use version::is_py_space;
use version::{char_len, is_word, local_label, lossy, space_len, specifier_at, specifier_list, specifier_set};

/// A requirement as `packaging.requirements.Requirement` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub name: String,
    pub extras: Vec<String>,
    /// Each specifier as written, whitespace removed (`==2.0`, `>=1,<2` is two).
    pub specifiers: Vec<Specifier>,
    pub url: Option<String>,
    pub marker: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specifier {
    pub op: &'static str,
    pub version: String,
}

impl Specifier {
    /// `==X` without a wildcard, or `===X`: exactly one version.
    pub fn is_exact(&self) -> bool {
        self.op == "===" || (self.op == "==" && !self.version.ends_with(".*"))
    }
}

impl Requirement {
    /// Pinned by its specifiers: one of them allows exactly one version.
    pub fn pinned_by_version(&self) -> bool {
        self.specifiers.iter().any(Specifier::is_exact)
    }

    /// The specifiers as `packaging` writes a SpecifierSet's parts (`==2.0`).
    pub fn specifier_text(&self) -> String {
        let parts: Vec<String> = self
            .specifiers
            .iter()
            .map(|s| format!("{}{}", s.op, s.version))
            .collect();
        parts.join(",")
    }
}

/// The name as PEP 503 compares names: lower case, runs of `-_.` as one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            dash = true;
            continue;
        }
        if dash && !out.is_empty() {
            out.push('-');
        }
        dash = false;
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Parse one requirement; the error is packaging's message for it.
pub fn parse(text: &str) -> Result<Requirement, String> {
    let mut p = Cursor {
        s: text.as_bytes(),
        at: 0,
    };
    p.ws();
    let name = p
        .identifier()
        .ok_or("Expected package name at the start of dependency specifier")?;
    p.ws();
    let extras = p.extras()?;
    p.ws();
    let (url, specifiers, marker) = p.details()?;
    if p.at < p.s.len() {
        return Err("Expected end of dependency specifier".into());
    }
    Ok(Requirement {
        name,
        extras,
        specifiers,
        url,
        marker,
    })
}

struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

type Details = (Option<String>, Vec<Specifier>, Option<String>);

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// `[ \t]+`, as packaging's WS token.
    fn ws(&mut self) -> bool {
        let start = self.at;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
        self.at > start
    }

    fn text(&self, from: usize) -> String {
        String::from_utf8_lossy(&self.s[from..self.at]).into_owned()
    }

    /// `\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b`: the regex backs off trailing `.`/`-`/`_`
    /// to end on a word character.
    fn identifier(&mut self) -> Option<String> {
        let start = self.at;
        if !self.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        // A word boundary before: the previous byte is not a word character.
        if start > 0 && is_word(self.s[start - 1]) {
            return None;
        }
        let mut end = start;
        while self
            .s
            .get(end)
            .is_some_and(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        {
            end += 1;
        }
        // End on a word character (`_` is one) followed by a non-word one.
        while end > start && !is_word(self.s[end - 1]) {
            end -= 1;
        }
        if self.s.get(end).is_some_and(|&b| is_word(b)) {
            // Non-ASCII word characters (é) make no boundary in Python's \b.
            return None;
        }
        self.at = end;
        Some(self.text(start))
    }

    fn extras(&mut self) -> Result<Vec<String>, String> {
        let mut extras = Vec::new();
        if !self.eat(b'[') {
            return Ok(extras);
        }
        self.ws();
        if let Some(first) = self.identifier() {
            extras.push(first);
            loop {
                self.ws();
                if self.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
                    return Err("Expected comma between extra names".into());
                }
                if !self.eat(b',') {
                    break;
                }
                self.ws();
                extras.push(self.identifier().ok_or("Expected extra name after comma")?);
            }
        }
        self.ws();
        if !self.eat(b']') {
            return Err("Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras".into());
        }
        Ok(extras)
    }

    fn details(&mut self) -> Result<Details, String> {
        if self.eat(b'@') {
            self.ws();
            // `\S+`: up to any of Python's whitespace, which must then be `[ \t]+`.
            let start = self.at;
            while self.at < self.s.len() && space_len(self.s, self.at) == 0 {
                self.at += char_len(self.s, self.at);
            }
            if self.at == start {
                return Err("Expected URL after @".into());
            }
            let url = self.text(start);
            if self.at == self.s.len() {
                return Ok((Some(url), Vec::new(), None));
            }
            if !self.ws() {
                return Err("Expected whitespace after URL".into());
            }
            if self.at == self.s.len() {
                return Ok((Some(url), Vec::new(), None));
            }
            let marker = self.marker("semicolon (after URL and whitespace)")?;
            return Ok((Some(url), Vec::new(), Some(marker)));
        }
        let specifiers = self.specifier()?;
        self.ws();
        if self.at == self.s.len() {
            return Ok((None, specifiers, None));
        }
        let expected = if specifiers.is_empty() {
            "semicolon (after name with no version specifier)"
        } else {
            "comma (within version specifier), semicolon (after version specifier)"
        };
        let marker = self.marker(expected)?;
        Ok((None, specifiers, Some(marker)))
    }

    /// `; marker`: kept as text once it is known to be well formed.
    fn marker(&mut self, expected: &str) -> Result<String, String> {
        if !self.eat(b';') {
            return Err(format!("Expected {expected} or end"));
        }
        let start = self.at;
        Marker { p: self }.expression()?;
        self.ws();
        Ok(self.text(start).trim().to_string())
    }

    fn specifier(&mut self) -> Result<Vec<Specifier>, String> {
        let parens = self.eat(b'(');
        if parens {
            self.ws();
        }
        let out = self.version_many()?;
        self.ws();
        if parens && !self.eat(b')') {
            return Err("Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier".into());
        }
        Ok(out)
    }

    /// `version_many` as packaging reads it: the whole list at once as a
    /// SpecifierSet when that works, else specifier by specifier. Either way the
    /// specifiers are what SpecifierSet makes of the text read, split at commas
    /// (so `===1.0,<2`, one token, is two specifiers).
    fn version_many(&mut self) -> Result<Vec<Specifier>, String> {
        if let Some((specifiers, end)) = specifier_list(self.s, self.at) {
            self.at = end;
            return Ok(specifiers);
        }
        let mut text = String::new();
        while let Some((op, _, end)) = specifier_at(self.s, self.at) {
            text.push_str(&lossy(&self.s[self.at..end]));
            self.at = end;
            let rest = &self.s[self.at..];
            if rest.starts_with(b".*") {
                return Err(if matches!(op, "==" | "!=") {
                    ".* suffix cannot be used with pre-release, post-release, dev or local versions".into()
                } else {
                    ".* suffix can only be used with `==` or `!=` operators".into()
                });
            }
            if local_label(rest) {
                return Err("Local version label can only be used with `==` or `!=` operators".into());
            }
            self.ws();
            if !self.eat(b',') {
                break;
            }
            text.push(',');
            self.ws();
        }
        specifier_set(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(text: &str) -> Vec<String> {
        parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .specifiers
            .iter()
            .map(|s| format!("{}{}", s.op, s.version))
            .collect()
    }

    #[test]
    fn names_extras_specifiers_urls_and_markers() {
        let r = parse("Flask[async, dotenv] >=2.0, <3 ; python_version >= '3.8'").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.name, "Flask");
        assert_eq!(r.extras, vec!["async", "dotenv"]);
        assert_eq!(
            specs("Flask[async, dotenv] >=2.0, <3 ; python_version >= '3.8'"),
            vec![">=2.0", "<3"]
        );
        assert_eq!(r.marker.as_deref(), Some("python_version >= '3.8'"));
        let u = parse("pkg @ git+https://github.com/o/r@0123456789abcdef0123456789abcdef01234567")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            u.url.as_deref(),
            Some("git+https://github.com/o/r@0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!(specs("django (==4.2.7)"), vec!["==4.2.7"]);
        assert_eq!(specs("requests === 2.31.0-custom"), vec!["===2.31.0-custom"]);
    }

    #[test]
    fn exact_pins_are_told_from_ranges_and_wildcards() {
        assert!(parse("a==1.2.3").map(|r| r.pinned_by_version()).unwrap_or(false));
        assert!(parse("a===1.2").map(|r| r.pinned_by_version()).unwrap_or(false));
        for loose in ["a", "a==1.*", "a>=1", "a~=1.2", "a!=1.0"] {
            assert!(!parse(loose).map(|r| r.pinned_by_version()).unwrap_or(true), "{loose}");
        }
    }

    #[test]
    fn packaging_refuses_what_it_refuses() {
        for bad in [
            "",
            "==1.0",
            "a>=1.*",
            "a>=1.0+local",
            "a b",
            "a; os_name =",
            "a[x y]",
            "a @",
            "a ~=1",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn specifier_lists_quoted_strings_and_whitespace_as_packaging_reads_them() {
        // `===` takes the commas after it, and SpecifierSet splits them off again.
        assert_eq!(specs("a===1.0,<2"), vec!["===1.0", "<2"]);
        assert_eq!(specs("a === 1.0 , <2"), vec!["===1.0", "<2"]);
        assert_eq!(specs("a==\u{a0}1.0"), vec!["==1.0"]);
        for bad in [
            "a @ https://x.org/a\u{a0}b",
            "a===1.0\u{3000}",
            "a; os_name == 'bad\\x'",
            "a; os_name == 'ends\\'",
            "a; os_name == '\\U00110000'",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(parse("a; os_name == '\\x41\\N{BULLET}\\q'").is_ok());
    }

    #[test]
    fn names_compare_as_pep_503_says() {
        assert_eq!(normalize("Py_Crypto"), "py-crypto");
        assert_eq!(normalize("zope.interface"), "zope-interface");
        assert_eq!(normalize("A--B__c"), "a-b-c");
    }
}
