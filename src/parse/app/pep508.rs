//! One dependency specifier (PEP 508) read as Python's `packaging` reads it:
//! a name, extras, version specifiers or `@ URL`, and a marker. The grammar and
//! the specifier forms follow `packaging._parser` and `Specifier`'s regular
//! expression (tokens matched greedily, never backtracked into); Python's
//! `packaging` is the judge in tests/differential_requirements.rs. The marker is
//! kept as text: whether a requirement is pinned never depends on it.
//!
//! No maintained crate fits: `pep508_rs` was last released in January 2025 and
//! uv's own `uv-pep508` is published as an internal component of uv.

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
            let start = self.at;
            while self.peek().is_some_and(|b| b != b' ' && b != b'\t') {
                self.at += 1;
            }
            if self.at == start {
                return Err("Expected URL after @".into());
            }
            let url = self.text(start);
            if self.at == self.s.len() {
                return Ok((Some(url), Vec::new(), None));
            }
            self.ws();
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
        self.ws();
        let mut out = Vec::new();
        while let Some((op, version, end)) = specifier_at(self.s, self.at) {
            self.at = end;
            let rest = &self.s[self.at..];
            if rest.starts_with(b".*") {
                return Err(if matches!(op, "==" | "!=") {
                    ".* suffix cannot be used after pre-release, post-release, developmental release, or local version labels".into()
                } else {
                    ".* suffix can only be used with `==` or `!=` operators".into()
                });
            }
            if op != "==" && op != "!=" && local_label(rest) {
                return Err("Local version label can only be used with `==` or `!=` operators".into());
            }
            out.push(Specifier { op, version });
            self.ws();
            if !self.eat(b',') {
                break;
            }
            self.ws();
        }
        self.ws();
        if parens && !self.eat(b')') {
            return Err("Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier".into());
        }
        Ok(out)
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// `\+[a-z0-9]+([-_.][a-z0-9]+)*` at the start of `rest` (packaging's check after a specifier).
fn local_label(rest: &[u8]) -> bool {
    rest.first() == Some(&b'+')
        && rest
            .get(1)
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Python's `\s` for the bytes a requirement line can hold.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// One specifier at `at` as `Specifier._specifier_regex_str` matches it
/// (case-insensitive, possessive): its operator, its version without spaces, and
/// where it ends.
fn specifier_at(s: &[u8], at: usize) -> Option<(&'static str, String, usize)> {
    let rest = &s[at..];
    let op: &'static str = ["===", "==", "~=", "!=", "<=", ">=", "<", ">"]
        .into_iter()
        .find(|op| rest.starts_with(op.as_bytes()))?;
    let mut i = at + op.len();
    while s.get(i).is_some_and(|&b| is_space(b)) {
        i += 1;
    }
    let version_start = i;
    if op == "===" {
        while s.get(i).is_some_and(|&b| !is_space(b) && b != b';' && b != b')') {
            i += 1;
        }
        return (i > version_start).then(|| (op, lossy(&s[version_start..i]), i));
    }
    let mut v = Version { s, i };
    v.lit_ci("v");
    v.epoch();
    if !v.release(op == "~=") {
        return None;
    }
    let wildcard = matches!(op, "==" | "!=") && v.s[v.i..].starts_with(b".*");
    if wildcard {
        v.i += 2;
    } else {
        v.optional(Version::pre);
        v.optional(Version::post);
        v.optional(Version::dev);
        if matches!(op, "==" | "!=") {
            v.optional(Version::local);
        }
    }
    Some((op, lossy(&s[version_start..v.i]), v.i))
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A PEP 440 version's parts as packaging's specifier regex matches them.
struct Version<'a> {
    s: &'a [u8],
    i: usize,
}

impl Version<'_> {
    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - start
    }

    fn lit_ci(&mut self, word: &str) -> bool {
        let end = self.i + word.len();
        if self
            .s
            .get(self.i..end)
            .is_some_and(|w| w.eq_ignore_ascii_case(word.as_bytes()))
        {
            self.i = end;
            true
        } else {
            false
        }
    }

    fn sep(&mut self) {
        if matches!(self.s.get(self.i), Some(b'-' | b'_' | b'.')) {
            self.i += 1;
        }
    }

    /// `(?:[0-9]++!)?+`
    fn epoch(&mut self) {
        let start = self.i;
        if self.digits() > 0 && self.s.get(self.i) == Some(&b'!') {
            self.i += 1;
        } else {
            self.i = start;
        }
    }

    /// `[0-9]++(?:\.[0-9]++)*+`, at least two parts for `~=`.
    fn release(&mut self, two: bool) -> bool {
        if self.digits() == 0 {
            return false;
        }
        let mut parts = 1;
        loop {
            let start = self.i;
            if self.s.get(self.i) == Some(&b'.') {
                self.i += 1;
                if self.digits() > 0 {
                    parts += 1;
                    continue;
                }
            }
            self.i = start;
            break;
        }
        !two || parts >= 2
    }

    /// Try a part; where it does not match, nothing is consumed.
    fn optional(&mut self, part: fn(&mut Self) -> bool) {
        let start = self.i;
        if !part(self) {
            self.i = start;
        }
    }

    fn pre(&mut self) -> bool {
        self.sep();
        let matched = ["alpha", "beta", "preview", "pre", "a", "b", "c", "rc"]
            .into_iter()
            .any(|w| self.lit_ci(w));
        if !matched {
            return false;
        }
        self.sep();
        self.digits();
        true
    }

    fn post(&mut self) -> bool {
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
            if self.digits() > 0 {
                return true;
            }
            self.i = start;
        }
        self.sep();
        if !["post", "rev", "r"].into_iter().any(|w| self.lit_ci(w)) {
            return false;
        }
        self.sep();
        self.digits();
        true
    }

    fn dev(&mut self) -> bool {
        self.sep();
        if !self.lit_ci("dev") {
            return false;
        }
        self.sep();
        self.digits();
        true
    }

    /// `\+[a-z0-9]++(?:[-_\.][a-z0-9]++)*+` (case-insensitive).
    fn local(&mut self) -> bool {
        let alnum = |s: &[u8], i: &mut usize| {
            let start = *i;
            while s.get(*i).is_some_and(u8::is_ascii_alphanumeric) {
                *i += 1;
            }
            *i > start
        };
        if self.s.get(self.i) != Some(&b'+') {
            return false;
        }
        self.i += 1;
        if !alnum(self.s, &mut self.i) {
            return false;
        }
        loop {
            let start = self.i;
            if matches!(self.s.get(self.i), Some(b'-' | b'_' | b'.')) {
                self.i += 1;
                if alnum(self.s, &mut self.i) {
                    continue;
                }
            }
            self.i = start;
            return true;
        }
    }
}

/// A marker expression, checked as packaging parses it.
struct Marker<'c, 'a> {
    p: &'c mut Cursor<'a>,
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

impl Marker<'_, '_> {
    fn expression(&mut self) -> Result<(), String> {
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
    fn names_compare_as_pep_503_says() {
        assert_eq!(normalize("Py_Crypto"), "py-crypto");
        assert_eq!(normalize("zope.interface"), "zope-interface");
        assert_eq!(normalize("A--B__c"), "a-b-c");
    }
}
