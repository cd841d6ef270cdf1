//! Evaluator and probe parameters as a checklist gives them (a TOML table), with
//! typed accessors and the declarations that `checklists lint` validates against.

use std::collections::BTreeMap;

/// The type a parameter must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    String,
    StringList,
    Integer,
    Bool,
    /// A string that must compile as a regular expression (regex crate syntax).
    Regex,
    /// One of these words.
    Choice(&'static [&'static str]),
}

impl ParamKind {
    pub fn describe(self) -> &'static str {
        match self {
            ParamKind::String => "a string",
            ParamKind::StringList => "a list of strings",
            ParamKind::Integer => "an integer",
            ParamKind::Bool => "true or false",
            ParamKind::Regex => "a regular expression string",
            ParamKind::Choice(_) => "one of the listed words",
        }
    }
}

/// The declaration of one parameter.
#[derive(Debug, Clone, Copy)]
pub struct ParamDef {
    pub name: &'static str,
    pub kind: ParamKind,
    pub required: bool,
    pub help: &'static str,
}

impl ParamDef {
    pub const fn required(name: &'static str, kind: ParamKind, help: &'static str) -> Self {
        ParamDef {
            name,
            kind,
            required: true,
            help,
        }
    }

    pub const fn optional(name: &'static str, kind: ParamKind, help: &'static str) -> Self {
        ParamDef {
            name,
            kind,
            required: false,
            help,
        }
    }
}

/// Parameter values, validated by lint before any evaluator sees them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params(BTreeMap<String, toml::Value>);

impl Params {
    pub fn new(values: BTreeMap<String, toml::Value>) -> Self {
        Params(values)
    }

    /// Builder for tests and defaults.
    pub fn with(mut self, name: &str, value: impl Into<toml::Value>) -> Self {
        self.0.insert(name.to_string(), value.into());
        self
    }

    pub fn get(&self, name: &str) -> Option<&toml::Value> {
        self.0.get(name)
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(toml::Value::as_str)
    }

    pub fn str_or<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        self.str(name).unwrap_or(default)
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.0.get(name).and_then(toml::Value::as_integer)
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        self.0.get(name).and_then(toml::Value::as_bool)
    }

    pub fn str_list(&self, name: &str) -> Vec<String> {
        match self.0.get(name) {
            Some(toml::Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            Some(toml::Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        }
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Check a value against its declared kind; Err says what was expected.
    pub fn check(def: &ParamDef, value: &toml::Value) -> Result<(), String> {
        let ok = match def.kind {
            ParamKind::String => value.is_str(),
            ParamKind::Integer => value.is_integer(),
            ParamKind::Bool => value.is_bool(),
            ParamKind::StringList => {
                value.is_str() || value.as_array().is_some_and(|a| a.iter().all(toml::Value::is_str))
            }
            ParamKind::Choice(words) => {
                return match value.as_str() {
                    Some(word) if words.contains(&word) => Ok(()),
                    _ => Err(format!("`{}` must be one of: {}", def.name, words.join(", "))),
                }
            }
            ParamKind::Regex => match value.as_str() {
                Some(pattern) => {
                    return compile_regex(pattern)
                        .map(|_| ())
                        .map_err(|e| format!("`{}` is not a valid regex: {e}", def.name))
                }
                None => false,
            },
        };
        if ok {
            Ok(())
        } else {
            Err(format!("`{}` must be {}", def.name, def.kind.describe()))
        }
    }
}

/// How large a checklist's regex may compile (the regex crate's program size).
/// The crate matches in linear time, but with a constant that grows with the
/// program: past this, a big Unicode class repeated (`(\w+\s?){100}`) overflows
/// the lazy DFA's cache and falls back to a matcher that took seconds per 16 MB
/// of text. Within it, every pattern tried scans 16 MB in well under a second.
pub const REGEX_SIZE_LIMIT: usize = 2 * 1024 * 1024;
/// The lazy DFA's cache per regex (the regex crate's default, made explicit).
pub const REGEX_DFA_LIMIT: usize = 2 * 1024 * 1024;

/// Compile a checklist's regex within vouch's limits, as lint checks it and as
/// evaluators run it; Err says why in one line.
pub fn compile_regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => format!(
                "too costly: compiled, it exceeds the {} MiB vouch allows; use fewer or smaller repetitions, \
                 or `(?-u)` for ASCII-only classes such as \\w",
                limit / (1024 * 1024)
            ),
            other => first_line(&other.to_string()),
        })
}

/// The regex crate's multi-line message, reduced to its last line ("unclosed group").
fn first_line(text: &str) -> String {
    let last = text.lines().last().unwrap_or(text).trim();
    last.strip_prefix("error: ").unwrap_or(last).to_string()
}
