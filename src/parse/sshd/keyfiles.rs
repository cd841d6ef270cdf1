//! Which authorized_keys files sshd reads, and what they hold: /root's and every
//! /home/*'s `.ssh/authorized_keys`, plus the effective AuthorizedKeysFile patterns
//! (`sshd -T`, else the first global line, else `.ssh/authorized_keys
//! .ssh/authorized_keys2`; Match-block patterns too) expanded for every account of
//! /etc/passwd with sshd's `%h`, `%u`, `%U`, `%%` and a leading `~`. When the
//! configuration could not be read, the patterns are unknown: the default ones are
//! still searched, and `Patterns::unknown` says why nothing more is known.

use crate::evidence::{FileState, Source};
use crate::parse::passwd::{self, User, PASSWD};
use crate::parse::sshd::config::{ConfigError, DEFAULT_CONFIG};
use crate::parse::sshd::keys::{self, KeyInfo};
use crate::parse::sshd::settings::{Origin, View};
use std::collections::{HashMap, HashSet};

/// sshd's compiled default AuthorizedKeysFile.
pub const DEFAULT_KEY_FILES: [&str; 2] = [".ssh/authorized_keys", ".ssh/authorized_keys2"];
const ROOT_KEYS: &str = "/root/.ssh/authorized_keys";
const HOME_KEYS: &str = "/home/*/.ssh/authorized_keys";

/// The AuthorizedKeysFile patterns in effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patterns {
    pub global: Vec<String>,
    pub origin: Origin,
    /// Patterns set inside Match blocks (followed for every account, to be safe).
    pub in_match: Vec<String>,
    /// Why the configuration in effect is unknown (it could not be read and no
    /// `sshd -T` output stands in for it); `global` then holds sshd's defaults.
    pub unknown: Option<String>,
}

/// One file sshd may read keys from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFile {
    pub path: String,
    pub user: String,
    pub content: Content,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Missing,
    NotCollected,
    /// The file exists but its content is unavailable; the reason says why.
    Problem(String),
    /// 1-based line number and the key, or why the line is not a usable key.
    Lines(Vec<(u32, Result<KeyInfo, String>)>),
}

/// Everything the ssh.authorized-keys evaluator needs.
#[derive(Debug, Clone)]
pub struct KeyScan {
    pub patterns: Patterns,
    pub files: Vec<KeyFile>,
    /// Why /etc/passwd could not be used, when it could not.
    pub passwd_problem: Option<String>,
}

/// Read /etc/passwd, the sshd configuration and every candidate key file.
pub fn scan(source: &dyn Source) -> KeyScan {
    let (users, passwd_problem) = match source.read(PASSWD) {
        FileState::Text(text) => (passwd::parse(&text), None),
        other => (Vec::new(), other.problem(PASSWD)),
    };
    let patterns = patterns(&View::load(source, DEFAULT_CONFIG));
    let homes = source.glob(HOME_KEYS);
    let mut files: Vec<KeyFile> = candidates(&homes.paths, &users, &patterns)
        .into_iter()
        .map(|(path, user)| KeyFile {
            content: read_keys(source, &path),
            path,
            user,
        })
        .collect();
    // Home directories that could not be listed may hold keys: an unread file, not none.
    if let Some(problem) = homes.problem() {
        files.push(KeyFile {
            path: HOME_KEYS.to_string(),
            user: "(unknown)".to_string(),
            content: Content::Problem(problem),
        });
    }
    KeyScan {
        patterns,
        files,
        passwd_problem,
    }
}

/// The effective AuthorizedKeysFile patterns (`none` dropped).
pub fn patterns(view: &View) -> Patterns {
    let in_match: Vec<String> = match &view.config {
        Ok(config) => config
            .in_match("authorizedkeysfile")
            .flat_map(|d| d.args.clone())
            .collect(),
        Err(_) => Vec::new(),
    };
    let dumped = view.sshd_t.as_ref().and_then(|t| t.first("authorizedkeysfile"));
    let first_line = view.config.as_ref().ok().and_then(|c| {
        let mut overriding = c.match_all("authorizedkeysfile");
        overriding.next().or_else(|| c.global("authorizedkeysfile").next())
    });
    let (global, origin) = match (dumped, first_line) {
        (Some(line), _) => (line.split_whitespace().map(str::to_string).collect(), Origin::SshdT),
        (None, Some(d)) => (d.args.clone(), Origin::At(d.at.clone())),
        (None, None) => (
            DEFAULT_KEY_FILES.iter().map(|p| p.to_string()).collect(),
            Origin::Default,
        ),
    };
    let unknown = match (dumped, &view.config) {
        // No sshd_config at all: sshd does not start, and the defaults are all there is.
        (None, Err(error)) if !matches!(error, ConfigError::Missing { .. }) => Some(error.to_string()),
        _ => None,
    };
    let keep = |p: &String| !p.eq_ignore_ascii_case("none");
    Patterns {
        global: global.into_iter().filter(keep).collect(),
        origin,
        in_match: in_match.into_iter().filter(keep).collect(),
        unknown,
    }
}

/// The accounts of /etc/passwd looked up by home and by name; the first line
/// with a name or home wins, as getpwnam(3) returns the first.
pub struct Accounts<'u> {
    by_home: HashMap<&'u str, &'u User>,
    by_name: HashMap<&'u str, &'u User>,
}

impl<'u> Accounts<'u> {
    pub fn new(users: &'u [User]) -> Self {
        let mut by_home = HashMap::with_capacity(users.len());
        let mut by_name = HashMap::with_capacity(users.len());
        for user in users {
            by_home.entry(user.home.trim_end_matches('/')).or_insert(user);
            by_name.entry(user.name.as_str()).or_insert(user);
        }
        Accounts { by_home, by_name }
    }
}

/// Candidate files with the account each belongs to, without duplicates.
fn candidates(homes: &[String], users: &[User], patterns: &Patterns) -> Vec<(String, String)> {
    let accounts = Accounts::new(users);
    let mut out: Vec<(String, String)> = vec![(ROOT_KEYS.to_string(), "root".to_string())];
    for path in homes.iter().cloned() {
        let home = path.trim_end_matches("/.ssh/authorized_keys");
        let owner = accounts.by_home.get(home);
        let name = owner.map_or_else(|| home.trim_start_matches("/home/").to_string(), |u| u.name.clone());
        out.push((path, name));
    }
    for user in users {
        for pattern in patterns.global.iter().chain(&patterns.in_match) {
            if let Some(path) = expand(pattern, user, &accounts) {
                out.push((path, user.name.clone()));
            }
        }
    }
    let mut seen = HashSet::with_capacity(out.len());
    out.retain(|(path, _)| seen.insert(path.clone()));
    out
}

/// sshd's expansion of one AuthorizedKeysFile pattern for one account; None when
/// the pattern holds a token sshd rejects.
pub fn expand(pattern: &str, user: &User, accounts: &Accounts) -> Option<String> {
    let pattern = expand_tilde(pattern, accounts)?;
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            'h' => out.push_str(&user.home),
            'u' => out.push_str(&user.name),
            'U' => out.push_str(&user.uid),
            _ => return None,
        }
    }
    if out.starts_with('/') {
        return Some(out);
    }
    Some(format!("{}/{out}", user.home.trim_end_matches('/')))
}

/// `~/x` is root's home (sshd expands it as the user it runs as); `~name/x` is name's.
fn expand_tilde(pattern: &str, accounts: &Accounts) -> Option<String> {
    let Some(rest) = pattern.strip_prefix('~') else {
        return Some(pattern.to_string());
    };
    let (name, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let name = if name.is_empty() { "root" } else { name };
    let home = match accounts.by_name.get(name) {
        Some(u) => u.home.clone(),
        None if name == "root" => "/root".to_string(),
        None => return None,
    };
    Some(format!("{}/{tail}", home.trim_end_matches('/')))
}

fn read_keys(source: &dyn Source, path: &str) -> Content {
    match source.read(path) {
        FileState::Text(text) => Content::Lines(parse_keys(&text)),
        FileState::Missing => Content::Missing,
        FileState::NotCollected => Content::NotCollected,
        other => Content::Problem(
            other
                .problem(path)
                .unwrap_or_else(|| format!("{path} could not be read")),
        ),
    }
}

/// Every key line of an authorized_keys text, numbered from 1.
pub fn parse_keys(text: &str) -> Vec<(u32, Result<KeyInfo, String>)> {
    let mut out = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        match keys::parse_line(line) {
            Ok(Some(key)) => out.push((number, Ok(key))),
            Ok(None) => {}
            Err(reason) => out.push((number, Err(reason))),
        }
    }
    out
}
