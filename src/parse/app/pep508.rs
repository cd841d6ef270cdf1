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

/// packaging's one-pass reading of a specifier list: printable ASCII and tabs up
/// to `;`, `)` or the end, read by SpecifierSet, with no empty item but a last
/// one after a trailing comma. The specifiers and where they end, or None.
fn specifier_list(s: &[u8], at: usize) -> Option<(Vec<Specifier>, usize)> {
    let mut end = at;
    while s
        .get(end)
        .is_some_and(|&b| b == b'\t' || ((0x20..=0x7e).contains(&b) && b != b')' && b != b';'))
    {
        end += 1;
    }
    if end == at || !matches!(s.get(end), None | Some(b';' | b')')) {
        return None;
    }
    let text = lossy(&s[at..end]);
    let specifiers = specifier_set(&text).ok()?;
    let commas = text.matches(',').count();
    let trailing_comma = text.trim_end_matches([' ', '\t']).ends_with(',');
    let fits = specifiers.len() == commas + 1 || (!specifiers.is_empty() && specifiers.len() == commas && trailing_comma);
    fits.then_some((specifiers, end))
}

/// `SpecifierSet(text)`: the comma-separated items, blank ones skipped, each one
/// whole specifier.
fn specifier_set(text: &str) -> Result<Vec<Specifier>, String> {
    let mut out = Vec::new();
    for item in text.split(',') {
        let item = item.trim_matches(is_py_space);
        if item.is_empty() {
            continue;
        }
        match specifier_at(item.as_bytes(), 0) {
            Some((op, version, end)) if end == item.len() => out.push(Specifier { op, version }),
            _ => return Err(format!("Invalid specifier: '{item}'")),
        }
    }
    Ok(out)
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

/// Python's `\s` (and `str.isspace`): Unicode's White_Space and \x1c-\x1f.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// The length of the character at `at` (1 past the end or on a broken byte).
fn char_len(s: &[u8], at: usize) -> usize {
    match s.get(at) {
        Some(0xf0..) => 4,
        Some(0xe0..) => 3,
        Some(0xc0..) => 2,
        _ => 1,
    }
}

/// The length of the Python whitespace character at `at`, or 0.
fn space_len(s: &[u8], at: usize) -> usize {
    let len = char_len(s, at);
    s.get(at..at + len)
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .and_then(|c| c.chars().next())
        .filter(|&c| is_py_space(c))
        .map_or(0, |_| len)
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
    while space_len(s, i) > 0 {
        i += space_len(s, i);
    }
    let version_start = i;
    if op == "===" {
        while s.get(i).is_some_and(|&b| b != b';' && b != b')') && space_len(s, i) == 0 {
            i += char_len(s, i);
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
                                    && name.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b' ' | b'-')) =>
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
                if width == 8 && digits.and_then(|d| u32::from_str_radix(&lossy(d), 16).ok()).is_none_or(|c| c > 0x10ffff) {
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
