//! unattended-upgrades' origin patterns, read as `/usr/bin/unattended-upgrade`
//! reads them (2.9, Debian 12 and Ubuntu 24.04 alike):
//!
//! - an Allowed-Origins value `ORIGIN:ARCHIVE` (split at a `:` not escaped by `\`,
//!   or at whitespace when there is none) becomes the pattern `o=ORIGIN,a=ARCHIVE`
//!   (`get_allowed_origins_legacy`), with `,` escaped and `${...}` substituted;
//! - an Origins-Pattern value is comma-separated `key=value` terms (`\,` is a comma
//!   inside a value), keys o/origin, l/label, a/suite/archive, c/component, site,
//!   n/codename; every term must match, each value a Python `fnmatch` pattern
//!   (case-sensitive, no escape character) after substitution
//!   (`match_whitelist_string`);
//! - `${distro_id}`/`${distro_codename}` (and `$name`, `$$`) are substituted as
//!   Python's `string.Template.substitute` does, with lsb_release's distributor id
//!   (`Debian`, `Ubuntu`) and codename.
//!
//! Whatever makes unattended-upgrades stop (a value with two `:`, a term without
//! one `=`, an unknown key, an unknown `${name}`, a lone `$`) is an [`Invalid`]
//! with unattended-upgrades' reason: it raises, and the run installs nothing. An
//! empty pattern matches nothing. No verdicts: what the security archive is and
//! what a match means are the evaluator's.

use crate::parse::fnmatch::fnmatch;

/// The two lists unattended-upgrades reads its origins from.
pub const ALLOWED_ORIGINS: &str = "Unattended-Upgrade::Allowed-Origins";
pub const ORIGINS_PATTERN: &str = "Unattended-Upgrade::Origins-Pattern";

/// The distribution as unattended-upgrades substitutes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distro {
    /// lsb_release's distributor id: `Debian`, `Ubuntu`.
    pub id: String,
    /// lsb_release's codename: `bookworm`, `noble`.
    pub codename: String,
}

/// One archive's origin as python-apt gives it (a Release file's fields, and the
/// host it was fetched from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub origin: String,
    pub label: String,
    pub archive: String,
    pub codename: String,
    pub component: String,
    pub site: String,
}

/// Why unattended-upgrades stops at an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A pattern's terms once read: each key and its (substituted) fnmatch value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern string unattended-upgrades matches (`o=Debian,a=bookworm-security`).
    pub text: String,
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub field: Field,
    pub value: String,
}

/// The field of an origin a term matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Origin,
    Label,
    Archive,
    Component,
    Site,
    Codename,
}

impl Field {
    fn named(key: &str) -> Option<Field> {
        Some(match key {
            "o" | "origin" => Field::Origin,
            "l" | "label" => Field::Label,
            "a" | "suite" | "archive" => Field::Archive,
            "c" | "component" => Field::Component,
            "site" => Field::Site,
            "n" | "codename" => Field::Codename,
            _ => return None,
        })
    }

    fn of(self, origin: &Origin) -> &str {
        match self {
            Field::Origin => &origin.origin,
            Field::Label => &origin.label,
            Field::Archive => &origin.archive,
            Field::Component => &origin.component,
            Field::Site => &origin.site,
            Field::Codename => &origin.codename,
        }
    }
}

impl Pattern {
    /// Does every term match `origin`? An empty pattern matches nothing.
    pub fn matches(&self, origin: &Origin) -> bool {
        !self.terms.is_empty() && self.terms.iter().all(|t| fnmatch(&t.value, t.field.of(origin)))
    }
}

impl Distro {
    /// The distribution as `lsb_release -i -s` and `-c -s` print it from
    /// os-release's assignments: ID with its first letter upper-cased (or NAME
    /// when it is that ID in another case), VERSION_CODENAME or `n/a`.
    pub fn from_os_release(assignments: &[(String, String)]) -> Distro {
        let get = |key: &str| {
            assignments
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let id = get("ID").unwrap_or_default();
        let mut capital = id.chars();
        let mut id: String = match capital.next() {
            Some(first) => first.to_uppercase().chain(capital).collect(),
            None => String::new(),
        };
        if let Some(name) = get("NAME").filter(|name| name.to_lowercase() == id.to_lowercase()) {
            id = name.to_string();
        }
        let codename = get("VERSION_CODENAME")
            .filter(|c| !c.is_empty())
            .unwrap_or("n/a")
            .to_string();
        Distro { id, codename }
    }
}

/// An entry of `list` (Allowed-Origins or Origins-Pattern) as the pattern
/// unattended-upgrades matches.
pub fn read_entry(list: &str, value: &str, distro: &Distro) -> Result<Pattern, Invalid> {
    if list == ALLOWED_ORIGINS {
        allowed_origin(value, distro)
    } else {
        origins_pattern(value, distro)
    }
}

/// An Allowed-Origins value as the pattern unattended-upgrades makes of it.
pub fn allowed_origin(value: &str, distro: &Distro) -> Result<Pattern, Invalid> {
    let (origin, archive) = match split_unescaped_colons(value) {
        Some(parts) => match parts.as_slice() {
            [origin, archive] => (origin.replace("\\:", ":"), archive.clone()),
            _ => return Err(Invalid(format!("\"{value}\" has more than one `:`"))),
        },
        None => match value.split_whitespace().collect::<Vec<_>>().as_slice() {
            [origin, archive] => (origin.to_string(), archive.to_string()),
            _ => {
                return Err(Invalid(format!(
                    "\"{value}\" is neither ORIGIN:ARCHIVE nor ORIGIN ARCHIVE"
                )))
            }
        },
    };
    let text = format!(
        "o={},a={}",
        substitute(&escape_commas(&origin), distro)?,
        substitute(&escape_commas(&archive), distro)?
    );
    terms_of(&text, distro).map(|terms| Pattern { text, terms })
}

/// An Origins-Pattern value as the pattern unattended-upgrades matches.
pub fn origins_pattern(value: &str, distro: &Distro) -> Result<Pattern, Invalid> {
    let text = substitute(value, distro)?;
    terms_of(&text, distro).map(|terms| Pattern { text, terms })
}

/// `match_whitelist_string`'s reading: `\,` kept inside a value, each term split at
/// its one `=`, each value substituted (again).
fn terms_of(pattern: &str, distro: &Distro) -> Result<Vec<Term>, Invalid> {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return Ok(Vec::new());
    }
    let quoted = pattern.replace("\\,", "%2C");
    let mut terms = Vec::new();
    for token in quoted.split(',') {
        let parts: Vec<String> = token.split('=').map(|s| s.trim().replace("%2C", ",")).collect();
        let [key, value] = parts.as_slice() else {
            return Err(Invalid(format!(
                "the term \"{}\" is not one name=value pair",
                token.replace("%2C", ",")
            )));
        };
        let Some(field) = Field::named(key) else {
            return Err(Invalid(format!(
                "unknown key \"{key}\" (o, l, a, c, n, site and their long names)"
            )));
        };
        terms.push(Term {
            field,
            value: substitute(value, distro)?,
        });
    }
    Ok(terms)
}

/// `re.split(r'(?<!\\):', s)` when `s` has such a colon, else None.
fn split_unescaped_colons(value: &str) -> Option<Vec<String>> {
    let mut parts = vec![String::new()];
    let mut previous = None;
    for c in value.chars() {
        if c == ':' && previous != Some('\\') {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(c);
        }
        previous = Some(c);
    }
    (parts.len() > 1).then_some(parts)
}

/// `re.sub(r'([^\\]),', r'\1\\,', s)`: a comma after any character but `\`
/// gets a `\`; matches do not overlap, so the second of `,,` keeps none.
fn escape_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '\\' && chars.get(i + 1) == Some(&',') {
            out.push(chars[i]);
            out.push_str("\\,");
            i += 2;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Python's `string.Template(text).substitute(distro_id=..., distro_codename=...)`:
/// `$$` is `$`; `$name` and `${name}` (name: ASCII letter or `_`, then letters,
/// digits, `_`) must be one of the two; any other `$` is invalid.
pub fn substitute(text: &str, distro: &Distro) -> Result<String, Invalid> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while let Some(offset) = text[i..].find('$') {
        let at = i + offset;
        out.push_str(&text[copied..at]);
        let rest = &bytes[at + 1..];
        let (name, used) = if rest.first() == Some(&b'$') {
            out.push('$');
            i = at + 2;
            copied = i;
            continue;
        } else if rest.first() == Some(&b'{') {
            let length = identifier_length(&rest[1..]);
            if length == 0 || rest.get(1 + length) != Some(&b'}') {
                return Err(invalid_placeholder(text, at));
            }
            (&text[at + 2..at + 2 + length], length + 3)
        } else {
            let length = identifier_length(rest);
            if length == 0 {
                return Err(invalid_placeholder(text, at));
            }
            (&text[at + 1..at + 1 + length], length + 1)
        };
        match name {
            "distro_id" => out.push_str(&distro.id),
            "distro_codename" => out.push_str(&distro.codename),
            other => {
                return Err(Invalid(format!(
                    "${{{other}}} is not a name unattended-upgrades substitutes (distro_id, distro_codename)"
                )))
            }
        }
        i = at + used;
        copied = i;
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

fn invalid_placeholder(text: &str, at: usize) -> Invalid {
    Invalid(format!(
        "\"{text}\" has a `$` at character {} that is neither $$, $name nor ${{name}}",
        text[..at].chars().count() + 1
    ))
}

/// The length of the Python identifier Template accepts at the start of `bytes`
/// (`[_a-z][_a-z0-9]*`, ASCII, either case).
fn identifier_length(bytes: &[u8]) -> usize {
    match bytes.first() {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => bytes
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn debian() -> Distro {
        Distro {
            id: "Debian".into(),
            codename: "bookworm".into(),
        }
    }

    fn security() -> Origin {
        Origin {
            origin: "Debian".into(),
            label: "Debian-Security".into(),
            archive: "oldstable-security".into(),
            codename: "bookworm-security".into(),
            component: "main".into(),
            site: "security.debian.org".into(),
        }
    }

    #[test]
    fn the_ubuntu_style_entry_is_bookworm_security_as_an_archive_on_debian() {
        let pattern = allowed_origin("${distro_id}:${distro_codename}-security", &debian()).unwrap();
        assert_eq!(pattern.text, "o=Debian,a=bookworm-security");
        assert!(
            !pattern.matches(&security()),
            "Debian's security suite is oldstable-security"
        );
        let by_codename = origins_pattern(
            "origin=Debian,codename=${distro_codename}-security,label=Debian-Security",
            &debian(),
        )
        .unwrap();
        assert!(by_codename.matches(&security()));
    }

    #[test]
    fn entries_unattended_upgrades_stops_at() {
        for bad in ["a:b:c", "just-one-word", ""] {
            assert!(allowed_origin(bad, &debian()).is_err(), "{bad}");
        }
        for bad in [
            "origin=Debian,suite",
            "Origin=Debian",
            "o=${distro}",
            "o=Debian$",
            "o=$5",
            "o=a=b",
        ] {
            assert!(origins_pattern(bad, &debian()).is_err(), "{bad}");
        }
        assert!(origins_pattern("  ", &debian()).is_ok_and(|p| !p.matches(&security())));
    }

    #[test]
    fn substitution_is_string_template() {
        let d = debian();
        assert_eq!(
            substitute("$distro_id/${distro_codename}-x$$", &d).unwrap(),
            "Debian/bookworm-x$"
        );
        assert!(substitute("${distro_id", &d).is_err());
        assert!(substitute("$distro_idx", &d).is_err());
    }

    #[test]
    fn commas_escaped_as_unattended_upgrades_escapes_them() {
        assert_eq!(escape_commas("a,b"), "a\\,b");
        assert_eq!(escape_commas("a\\,b"), "a\\,b");
        assert_eq!(escape_commas("a,,b"), "a\\,,b");
        assert_eq!(escape_commas(",b"), ",b");
    }
}
