//! Effective values: what sshd uses for a keyword. `sshd -T` decides when it ran.
//! Otherwise, as sshd computes it: the first line of a `Match all` section (for
//! keywords a Match can set: sshd's per-connection pass applies those sections
//! over the global values), else the first global line, else the compiled
//! default; list keywords accumulate their lines the same way. Each result keeps
//! what an auditor needs to see why: the deciding file:line, lines sshd ignores,
//! Match-block lines that can still apply, and lines sshd would reject.

use super::load;
use crate::evidence::Source;
use crate::model::Location;
use crate::parse::sshd::config::{ConfigError, Diagnostic, Directive, SshdConfig, DEFAULT_CONFIG};
use crate::parse::sshd::sshd_t::{SshdT, SSHD_T_LOCATION};
use std::fmt;

/// A single-value keyword vouch evaluates, with sshd's compiled default.
#[derive(Debug)]
pub struct Keyword {
    /// As the manual spells it.
    pub name: &'static str,
    pub default: &'static str,
    /// The values sshd accepts, lower-case.
    pub values: &'static [&'static str],
    /// Match blocks can set it (servconf.c copy_set_server_options copies it), so
    /// a `Match all` section overrides the global value.
    pub per_connection: bool,
}

impl Keyword {
    pub fn canonical(&self) -> String {
        self.name.to_ascii_lowercase()
    }
}

const YES_NO: &[&str] = &["yes", "no"];

pub static PASSWORD_AUTH: Keyword = Keyword {
    name: "PasswordAuthentication",
    default: "yes",
    values: YES_NO,
    per_connection: true,
};
pub static KBD_INTERACTIVE: Keyword = Keyword {
    name: "KbdInteractiveAuthentication",
    default: "yes",
    values: YES_NO,
    per_connection: true,
};
pub static USE_PAM: Keyword = Keyword {
    name: "UsePAM",
    default: "no",
    values: YES_NO,
    per_connection: false,
};
pub static PERMIT_EMPTY: Keyword = Keyword {
    name: "PermitEmptyPasswords",
    default: "no",
    values: YES_NO,
    per_connection: true,
};
pub static PERMIT_ROOT: Keyword = Keyword {
    name: "PermitRootLogin",
    default: "prohibit-password",
    values: &[
        "yes",
        "no",
        "prohibit-password",
        "without-password",
        "forced-commands-only",
    ],
    per_connection: true,
};

/// Where an effective value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    At(Location),
    SshdT,
}

impl Origin {
    pub fn location(&self) -> Option<Location> {
        match self {
            Origin::Default => None,
            Origin::At(at) => Some(at.clone()),
            Origin::SshdT => Some(Location::file(SSHD_T_LOCATION)),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("compiled default"),
            Origin::At(at) => write!(f, "{at}"),
            Origin::SshdT => f.write_str(SSHD_T_LOCATION),
        }
    }
}

/// The effective value of one single-value keyword.
#[derive(Debug, Clone)]
pub struct Setting {
    pub keyword: &'static Keyword,
    /// As sshd uses it, lower-case.
    pub value: String,
    /// The keyword as written where it was set (an alias shows as written).
    pub spelled: String,
    pub origin: Origin,
    /// The winner sits in a `Match all` section, which sshd applies over global values.
    pub via_match_all: bool,
    /// When `sshd -T` decided: where the files set the same value (a line, or the
    /// compiled default), as vouch reads them; None when they disagree or are unreadable.
    pub file_origin: Option<Origin>,
    /// Later global lines sshd ignores because the first value wins.
    pub ignored: Vec<Directive>,
    /// Lines inside Match blocks.
    pub in_match: Vec<Directive>,
    /// Why Match blocks could not be read (when `sshd -T` decided without the files).
    pub match_unknown: Option<String>,
    /// When `sshd -T` decided and the files, as vouch reads them, say otherwise.
    pub files_say: Option<(String, Origin)>,
    /// The main configuration file, for advice such as "add ... to /etc/ssh/sshd_config".
    pub config_path: String,
}

impl Setting {
    /// Ignored lines whose value differs from the winner's.
    pub fn overridden(&self) -> Vec<&Directive> {
        self.ignored
            .iter()
            .filter(|d| !same_value(self.keyword, &d.value(), &self.value))
            .collect()
    }

    /// Match-block lines whose value differs from `value`.
    pub fn match_lines_not(&self, value: &str) -> Vec<&Directive> {
        self.in_match
            .iter()
            .filter(|d| !same_value(self.keyword, &d.value(), value))
            .collect()
    }
}

/// Why no effective value can be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocked {
    Config(ConfigError),
    /// sshd refuses these lines, so `sshd -t` fails and the daemon's values are unknown.
    Rejected(Vec<Diagnostic>),
}

/// The evidence the ssh evaluators read: the parsed files and, when the default
/// configuration is audited, `sshd -T`.
#[derive(Debug, Clone)]
pub struct View {
    pub config: Result<SshdConfig, ConfigError>,
    pub sshd_t: Option<SshdT>,
}

impl View {
    /// Load `path` and its Includes; consult `sshd -T` only for the default path
    /// (it dumps /etc/ssh/sshd_config, not another file).
    pub fn load(source: &dyn Source, path: &str) -> View {
        let config = load::load(source, path);
        let sshd_t = if path == DEFAULT_CONFIG {
            SshdT::from_source(source)
        } else {
            None
        };
        View { config, sshd_t }
    }

    /// The effective global value of a single-value keyword.
    pub fn setting(&self, keyword: &'static Keyword) -> Result<Setting, Blocked> {
        let dumped = self.sshd_t.as_ref().and_then(|t| t.first(&keyword.canonical()));
        match (dumped, &self.config) {
            (Some(value), config) => Ok(from_sshd_t(keyword, value, config)),
            (None, Err(error)) => Err(Blocked::Config(error.clone())),
            (None, Ok(config)) => {
                let rejected = rejected(config, keyword);
                if rejected.is_empty() {
                    Ok(from_config(keyword, config))
                } else {
                    Err(Blocked::Rejected(rejected))
                }
            }
        }
    }
}

fn from_config(keyword: &'static Keyword, config: &SshdConfig) -> Setting {
    let canonical = keyword.canonical();
    let lines: Vec<(usize, &Directive)> = config
        .directives
        .iter()
        .enumerate()
        .filter(|(_, d)| d.keyword == canonical)
        .collect();
    let first_all = lines
        .iter()
        .find(|(_, d)| d.match_all && keyword.per_connection)
        .map(|(i, _)| *i);
    let first_global = lines.iter().find(|(_, d)| d.block.is_none()).map(|(i, _)| *i);
    let winner = first_all.or(first_global);
    let (value, spelled, origin) = match winner.and_then(|i| config.directives.get(i)) {
        Some(d) => (d.value(), d.spelled.clone(), Origin::At(d.at.clone())),
        None => (keyword.default.to_string(), keyword.name.to_string(), Origin::Default),
    };
    let global = lines.iter().filter(|(i, d)| d.block.is_none() && Some(*i) != winner);
    // A Match block after the first `Match all` line never gets to set the value.
    let live = |i: &usize| first_all.is_none_or(|all| *i < all);
    let in_match = lines.iter().filter(|(i, d)| d.block.is_some() && live(i));
    Setting {
        keyword,
        value,
        spelled,
        origin,
        via_match_all: first_all.is_some(),
        file_origin: None,
        ignored: global.map(|(_, d)| (*d).clone()).collect(),
        in_match: in_match.map(|(_, d)| (*d).clone()).collect(),
        match_unknown: None,
        files_say: None,
        config_path: config.path.clone(),
    }
}

fn from_sshd_t(keyword: &'static Keyword, dumped: &str, config: &Result<SshdConfig, ConfigError>) -> Setting {
    let value = dumped.to_ascii_lowercase();
    let value = if value == "without-password" {
        "prohibit-password".to_string()
    } else {
        value
    };
    let files = config.as_ref().map(|c| from_config(keyword, c));
    let mut setting = Setting {
        keyword,
        spelled: keyword.name.to_string(),
        value,
        origin: Origin::SshdT,
        via_match_all: false,
        file_origin: None,
        ignored: Vec::new(),
        in_match: Vec::new(),
        match_unknown: config.as_ref().err().map(ToString::to_string),
        files_say: None,
        config_path: config.as_ref().map_or(DEFAULT_CONFIG, |c| c.path.as_str()).to_string(),
    };
    if let Ok(files) = files {
        if same_value(keyword, &files.value, &setting.value) {
            setting.file_origin = Some(files.origin);
            setting.spelled = files.spelled;
            setting.via_match_all = files.via_match_all;
        } else {
            setting.files_say = Some((files.value, files.origin));
        }
        setting.ignored = files.ignored;
        setting.in_match = files.in_match;
    }
    setting
}

/// `without-password` is sshd's old name for `prohibit-password`.
pub fn same_value(keyword: &Keyword, a: &str, b: &str) -> bool {
    let norm = |v: &str| {
        let v = v.to_ascii_lowercase();
        if keyword.name == PERMIT_ROOT.name && v == "without-password" {
            "prohibit-password".to_string()
        } else {
            v
        }
    };
    norm(a) == norm(b)
}

/// Lines of this keyword sshd rejects: bad syntax, a missing, unknown or extra value.
fn rejected(config: &SshdConfig, keyword: &Keyword) -> Vec<Diagnostic> {
    let canonical = keyword.canonical();
    let syntax = config.diagnostics_for(&canonical).cloned();
    let values = config.all(&canonical).filter_map(|d| check_value(d, keyword));
    syntax.chain(values).collect()
}

fn check_value(d: &Directive, keyword: &Keyword) -> Option<Diagnostic> {
    let message = match d.args.as_slice() {
        [] => format!("{} has no value", d.spelled),
        [one] if !keyword.values.contains(&one.to_ascii_lowercase().as_str()) => {
            format!(
                "{} does not accept `{one}` (only {})",
                d.spelled,
                keyword.values.join(", ")
            )
        }
        [_] => return None,
        many => format!("{} takes one value, not `{}`", d.spelled, many.join(" ")),
    };
    Some(Diagnostic {
        at: d.at.clone(),
        keyword: d.keyword.clone(),
        message,
    })
}

/// A list keyword (AllowUsers, AllowGroups...): every global occurrence adds members.
#[derive(Debug, Clone, Default)]
pub struct ListSetting {
    pub members: Vec<String>,
    /// True when `sshd -T` supplied the members.
    pub from_sshd_t: bool,
    /// The global lines that add members, as vouch reads the files.
    pub lines: Vec<Directive>,
    pub in_match: Vec<Directive>,
}

impl View {
    /// The effective global members of a list keyword (canonical name).
    pub fn list(&self, canonical: &str) -> Result<ListSetting, ConfigError> {
        let mut list = ListSetting::default();
        if let Ok(config) = &self.config {
            // Lines of `Match all` sections replace the global list for every connection.
            let overriding: Vec<Directive> = config.match_all(canonical).cloned().collect();
            list.lines = if overriding.is_empty() {
                config.global(canonical).cloned().collect()
            } else {
                overriding
            };
            list.in_match = config.in_match(canonical).cloned().collect();
            list.members = list.lines.iter().flat_map(|d| d.args.iter().cloned()).collect();
        }
        match (&self.sshd_t, &self.config) {
            (Some(t), _) => {
                list.members = t
                    .all(canonical)
                    .iter()
                    .flat_map(|l| l.split_whitespace())
                    .map(str::to_string)
                    .collect();
                list.from_sshd_t = true;
                Ok(list)
            }
            (None, Err(error)) => Err(error.clone()),
            (None, Ok(_)) => Ok(list),
        }
    }
}
