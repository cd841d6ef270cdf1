//! The sudoers(5) grammar for one logical line: alias definitions (`User_Alias`,
//! `Runas_Alias`, `Host_Alias`, `Cmnd_Alias`, several per line joined by `:`),
//! `Defaults` lines with their `:user`, `@host`, `>runas` and `!cmnd` bindings, and
//! user specifications `users hosts = (runas) OPTION=x TAG: cmnd, ... : hosts = ...`
//! in which the Runas list and the tags carry forward along one command list.

use super::load::PolicyLine;
use crate::model::Location;
use crate::parse::text::{regex, split_top, squeeze};
use regex::Regex;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AliasKind {
    User,
    Runas,
    Host,
    Cmnd,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub kind: AliasKind,
    pub name: String,
    pub members: Vec<String>,
    pub location: Location,
}

/// To whom a Defaults line applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultsScope {
    Global,
    User(Vec<String>),
    Host(Vec<String>),
    Runas(Vec<String>),
    Cmnd(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultsLine {
    pub scope: DefaultsScope,
    /// Each setting as written, e.g. `!authenticate`, `env_keep += "A B"`.
    pub settings: Vec<String>,
    pub location: Location,
}

/// Tags in force for one command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    /// `NOPASSWD` (true) or `PASSWD` (false); None when neither was given.
    pub nopasswd: Option<bool>,
    /// The other tags seen, e.g. `NOEXEC`, `SETENV`.
    pub other: Vec<String>,
}

/// One command of a command list, with the Runas and tags that apply to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmndSpec {
    /// The Runas list as written inside the parentheses, e.g. `ALL:ALL`.
    pub runas: Option<String>,
    pub tags: Tags,
    /// The command (or `ALL`, or a Cmnd_Alias), `!`-prefixed when negated.
    pub command: String,
}

/// `hosts = commands`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Privilege {
    pub hosts: Vec<String>,
    pub cmnds: Vec<CmndSpec>,
}

/// A user specification: who, then one or more privileges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSpec {
    pub users: Vec<String>,
    pub privileges: Vec<Privilege>,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Alias(Alias),
    Defaults(DefaultsLine),
    Spec(UserSpec),
}

const TAGS: &[&str] = &[
    "NOPASSWD",
    "PASSWD",
    "NOEXEC",
    "EXEC",
    "SETENV",
    "NOSETENV",
    "LOG_INPUT",
    "NOLOG_INPUT",
    "LOG_OUTPUT",
    "NOLOG_OUTPUT",
    "MAIL",
    "NOMAIL",
    "FOLLOW",
    "NOFOLLOW",
    "INTERCEPT",
    "NOINTERCEPT",
];
const DIGESTS: &[&str] = &["sha224", "sha256", "sha384", "sha512"];

/// Parse one logical line; an unparseable line yields nothing (sudo would reject it).
pub fn parse_line(line: &PolicyLine) -> Vec<Entry> {
    let text = line.text.trim();
    let (word, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let kind = match word {
        "User_Alias" => Some(AliasKind::User),
        "Runas_Alias" => Some(AliasKind::Runas),
        "Host_Alias" => Some(AliasKind::Host),
        "Cmnd_Alias" | "Cmd_Alias" => Some(AliasKind::Cmnd),
        _ => None,
    };
    if let Some(kind) = kind {
        return parse_aliases(kind, rest, &line.location)
            .into_iter()
            .map(Entry::Alias)
            .collect();
    }
    if let Some(defaults) = parse_defaults(text, &line.location) {
        return vec![Entry::Defaults(defaults)];
    }
    parse_spec(text, &line.location).map(Entry::Spec).into_iter().collect()
}

fn parse_aliases(kind: AliasKind, text: &str, location: &Location) -> Vec<Alias> {
    static DEF: OnceLock<Regex> = OnceLock::new();
    let def = regex(&DEF, r"^\s*([A-Z][A-Z0-9_]*)\s*=");
    let mut defs: Vec<String> = Vec::new();
    for piece in split_top(text, ':') {
        match defs.last_mut() {
            Some(current) if !def.is_match(piece) => {
                current.push(':');
                current.push_str(piece);
            }
            _ => defs.push(piece.to_string()),
        }
    }
    defs.iter()
        .filter_map(|one| {
            let (name, members) = one.split_once('=')?;
            let name = name.trim();
            def.is_match(&format!("{name}=")).then(|| Alias {
                kind,
                name: name.to_string(),
                members: list(members)
                    .into_iter()
                    .map(|m| strip_digest(&m).to_string())
                    .collect(),
                location: location.clone(),
            })
        })
        .collect()
}

fn parse_defaults(text: &str, location: &Location) -> Option<DefaultsLine> {
    static DEFAULTS: OnceLock<Regex> = OnceLock::new();
    let re = regex(
        &DEFAULTS,
        r"^Defaults(?:([:@>!])\s*((?:[^\s,]+\s*,\s*)*[^\s,]+))?(?:\s+(.*))?$",
    );
    let caps = re.captures(text)?;
    let bound = caps.get(2).map(|m| list(m.as_str())).unwrap_or_default();
    let scope = match caps.get(1).map(|m| m.as_str()) {
        Some(":") => DefaultsScope::User(bound),
        Some("@") => DefaultsScope::Host(bound),
        Some(">") => DefaultsScope::Runas(bound),
        Some(_) => DefaultsScope::Cmnd(bound),
        None => DefaultsScope::Global,
    };
    let settings = caps.get(3).map(|m| list(m.as_str())).unwrap_or_default();
    Some(DefaultsLine {
        scope,
        settings,
        location: location.clone(),
    })
}

fn parse_spec(text: &str, location: &Location) -> Option<UserSpec> {
    let left = split_top(text, '=').into_iter().next()?;
    let right = text.get(left.len() + 1..)?;
    let (users, hosts) = who_and_where(left)?;
    let mut privileges = vec![Privilege {
        hosts,
        cmnds: Vec::new(),
    }];
    let mut body = String::new();
    for piece in split_top(right, ':') {
        if let Some((hosts, rest)) = next_privilege(&body, piece) {
            if let Some(last) = privileges.last_mut() {
                last.cmnds = parse_cmnds(&body);
            }
            privileges.push(Privilege {
                hosts,
                cmnds: Vec::new(),
            });
            body = rest.to_string();
        } else {
            if !body.is_empty() {
                body.push(':');
            }
            body.push_str(piece);
        }
    }
    if let Some(last) = privileges.last_mut() {
        last.cmnds = parse_cmnds(&body);
    }
    Some(UserSpec {
        users,
        privileges,
        location: location.clone(),
    })
}

/// The user list and host list left of the first `=`.
fn who_and_where(left: &str) -> Option<(Vec<String>, Vec<String>)> {
    static COMMA: OnceLock<Regex> = OnceLock::new();
    static BANG: OnceLock<Regex> = OnceLock::new();
    let joined = regex(&COMMA, r"\s*,\s*").replace_all(left.trim(), ",");
    let joined = regex(&BANG, r"!\s+").replace_all(&joined, "!");
    let words: Vec<&str> = joined.split_whitespace().collect();
    match words.as_slice() {
        [users, hosts] => Some((list(users), list(hosts))),
        _ => None,
    }
}

/// Whether `piece` (after a `:`) starts a new `hosts = commands` privilege, given the
/// command text accumulated so far; returns its hosts and commands.
fn next_privilege<'a>(body: &str, piece: &'a str) -> Option<(Vec<String>, &'a str)> {
    static HOSTS: OnceLock<Regex> = OnceLock::new();
    let re = regex(&HOSTS, r"^\s*(!?[^\s,=:()!]+(?:\s*,\s*!?[^\s,=:()!]+)*)\s*=");
    if body.trim().is_empty() || ends_with_keyword(body) {
        return None;
    }
    let caps = re.captures(piece)?;
    let whole = caps.get(0)?;
    Some((list(caps.get(1)?.as_str()), &piece[whole.end()..]))
}

/// True when text ends in a tag or digest name, so the `:` after it is not a separator.
fn ends_with_keyword(text: &str) -> bool {
    let last = text
        .rsplit(|c: char| c.is_whitespace() || ",()".contains(c))
        .next()
        .unwrap_or("");
    TAGS.contains(&last) || DIGESTS.contains(&last)
}

/// A command list: Runas and tags carry forward from one command to the next.
pub fn parse_cmnds(text: &str) -> Vec<CmndSpec> {
    let mut runas: Option<String> = None;
    let mut tags = Tags::default();
    let mut out = Vec::new();
    for item in split_top(text, ',') {
        let mut rest = item.trim();
        if let Some(after) = rest.strip_prefix('(') {
            let close = after.find(')').unwrap_or(after.len());
            runas = Some(squeeze(&after[..close]));
            rest = after.get(close + 1..).unwrap_or("").trim_start();
        }
        let rest = strip_digest(take_tags(skip_options(rest), &mut tags));
        let command = normalize(rest);
        if !command.is_empty() {
            out.push(CmndSpec {
                runas: runas.clone(),
                tags: tags.clone(),
                command,
            });
        }
    }
    out
}

fn skip_options(mut rest: &str) -> &str {
    static OPTION: OnceLock<Regex> = OnceLock::new();
    let re = regex(
        &OPTION,
        r#"^(?:ROLE|TYPE|CHROOT|CWD|TIMEOUT|NOTBEFORE|NOTAFTER|APPARMOR_PROFILE|PRIVS|LIMITPRIVS)\s*=\s*(?:"[^"]*"|\S+)\s*"#,
    );
    while let Some(found) = re.find(rest) {
        rest = &rest[found.end()..];
    }
    rest
}

fn take_tags<'a>(mut rest: &'a str, tags: &mut Tags) -> &'a str {
    static TAG: OnceLock<Regex> = OnceLock::new();
    let re = regex(&TAG, r"^([A-Z_]+)\s*:\s*");
    while let Some(caps) = re.captures(rest) {
        let (Some(whole), Some(name)) = (caps.get(0), caps.get(1)) else {
            break;
        };
        let name = name.as_str();
        if !TAGS.contains(&name) {
            break;
        }
        match name {
            "NOPASSWD" => tags.nopasswd = Some(true),
            "PASSWD" => tags.nopasswd = Some(false),
            other if !tags.other.iter().any(|t| t == other) => tags.other.push(other.to_string()),
            _ => {}
        }
        rest = &rest[whole.end()..];
    }
    rest
}

fn strip_digest(text: &str) -> &str {
    static DIGEST: OnceLock<Regex> = OnceLock::new();
    let re = regex(&DIGEST, r"^\s*(?:sha224|sha256|sha384|sha512)\s*:\s*\S+\s*");
    re.find(text).map_or(text, |found| &text[found.end()..])
}

/// Whitespace squeezed, and a leading `! x` written `!x`.
fn normalize(item: &str) -> String {
    let item = item.trim();
    match item.strip_prefix('!') {
        Some(negated) => format!("!{}", squeeze(negated)),
        None => squeeze(item),
    }
}

/// A comma-separated list, normalized, empty items dropped.
fn list(text: &str) -> Vec<String> {
    split_top(text, ',')
        .into_iter()
        .map(normalize)
        .filter(|item| !item.is_empty())
        .collect()
}
