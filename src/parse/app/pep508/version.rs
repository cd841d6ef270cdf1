//! Version specifiers as packaging's `Specifier` regular expression matches them
//! (case-insensitive, possessive: a part that does not match consumes nothing),
//! and `SpecifierSet`'s comma-separated lists.

use super::Specifier;

/// packaging's one-pass reading of a specifier list: printable ASCII and tabs up
/// to `;`, `)` or the end, read by SpecifierSet, with no empty item but a last
/// one after a trailing comma. The specifiers and where they end, or None.
pub(super) fn specifier_list(s: &[u8], at: usize) -> Option<(Vec<Specifier>, usize)> {
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
    let fits =
        specifiers.len() == commas + 1 || (!specifiers.is_empty() && specifiers.len() == commas && trailing_comma);
    fits.then_some((specifiers, end))
}

/// `SpecifierSet(text)`: the comma-separated items, blank ones skipped, each one
/// whole specifier.
pub(super) fn specifier_set(text: &str) -> Result<Vec<Specifier>, String> {
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

pub(super) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// `\+[a-z0-9]+([-_.][a-z0-9]+)*` at the start of `rest` (packaging's check after a specifier).
pub(super) fn local_label(rest: &[u8]) -> bool {
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
pub(super) fn char_len(s: &[u8], at: usize) -> usize {
    match s.get(at) {
        Some(0xf0..) => 4,
        Some(0xe0..) => 3,
        Some(0xc0..) => 2,
        _ => 1,
    }
}

/// The length of the Python whitespace character at `at`, or 0.
pub(super) fn space_len(s: &[u8], at: usize) -> usize {
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
pub(super) fn specifier_at(s: &[u8], at: usize) -> Option<(&'static str, String, usize)> {
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

pub(super) fn lossy(bytes: &[u8]) -> String {
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
