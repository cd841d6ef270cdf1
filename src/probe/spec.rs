//! What a probe asks of a target: the generic kinds (files, dir, meta, command) and
//! the domain kinds that follow a configuration's includes. A probe's `key` is its
//! canonical form, so two checklists asking for the same thing share one probe.

use super::domain;
use crate::evidence::recorder::command_line;
use crate::model::{ParamDef, ParamKind, Params, ProbeType};
use std::time::Duration;

pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest `timeout_secs` a checklist may give a command: past it, one slow
/// command holds a probe worker for minutes of a scan.
pub const MAX_COMMAND_TIMEOUT_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq)]
pub enum ProbeKind {
    /// Read each path; glob patterns read every match.
    Files { paths: Vec<String> },
    /// List a directory and read each entry.
    Dir { path: String },
    /// Metadata of each path (globs allowed).
    Meta { paths: Vec<String> },
    /// Run a read-only command.
    Command { argv: Vec<String>, timeout: Duration },
    /// A domain collector that follows a configuration's includes.
    Domain { kind: ProbeType, params: Params },
}

/// One probe as a checklist declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeSpec {
    pub kind: ProbeKind,
    pub description: String,
}

const FILES_PARAMS: &[ParamDef] = &[ParamDef::required(
    "paths",
    ParamKind::StringList,
    "absolute paths; glob patterns read every match",
)];
const DIR_PARAMS: &[ParamDef] = &[ParamDef::required("path", ParamKind::String, "absolute directory path")];
const META_PARAMS: &[ParamDef] = &[ParamDef::required(
    "paths",
    ParamKind::StringList,
    "absolute paths or glob patterns",
)];
const COMMAND_PARAMS: &[ParamDef] = &[
    ParamDef::required("argv", ParamKind::StringList, "the command and its arguments"),
    ParamDef::optional(
        "timeout_secs",
        ParamKind::Integer,
        "seconds before the command is killed (default 10)",
    ),
];

/// The parameters a probe type accepts (besides `kind` and `description`), or
/// None for an unknown name.
pub fn kind_params(kind: &str) -> Option<&'static [ParamDef]> {
    match ProbeType::parse(kind)? {
        ProbeType::Files => Some(FILES_PARAMS),
        ProbeType::Dir => Some(DIR_PARAMS),
        ProbeType::Meta => Some(META_PARAMS),
        ProbeType::Command => Some(COMMAND_PARAMS),
        domain_type => domain::def(domain_type).map(|d| d.params),
    }
}

/// Every probe type name, generic first.
pub fn kind_names() -> Vec<&'static str> {
    ProbeType::ALL.iter().map(|t| t.as_str()).collect()
}

/// What a domain probe type reads, in one line; None for the generic ones.
pub fn kind_description(kind: ProbeType) -> Option<&'static str> {
    domain::def(kind).map(|d| d.description)
}

/// What lint refuses in a probe's parameters once their types are right: a
/// command timeout outside 1..=300 seconds, and a `path` or `paths` that is not
/// absolute (a target's paths are resolved from its root, never from where vouch
/// runs). Each problem with the parameter it is in.
pub fn check_values(params: &Params) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if let Some(secs) = params.int("timeout_secs") {
        if !(1..=MAX_COMMAND_TIMEOUT_SECS).contains(&secs) {
            problems.push((
                "timeout_secs",
                format!("`timeout_secs` is {secs}: it must be between 1 and {MAX_COMMAND_TIMEOUT_SECS} seconds"),
            ));
        }
    }
    for name in ["path", "paths"] {
        let relative: Vec<String> = params
            .str_list(name)
            .into_iter()
            .filter(|path| !path.starts_with('/'))
            .collect();
        if let Some(path) = relative.first() {
            problems.push((
                name,
                format!("`{name}`: `{path}` is not an absolute path (write it from the target's root: `/etc/...`)"),
            ));
        }
    }
    problems
}

impl ProbeKind {
    /// Build from validated parameters (lint has checked kinds and types).
    pub fn from_params(kind: &str, params: &Params) -> Option<ProbeKind> {
        Some(match kind {
            "files" => ProbeKind::Files {
                paths: params.str_list("paths"),
            },
            "dir" => ProbeKind::Dir {
                path: params.str("path")?.to_string(),
            },
            "meta" => ProbeKind::Meta {
                paths: params.str_list("paths"),
            },
            "command" => ProbeKind::Command {
                argv: params.str_list("argv"),
                timeout: params
                    .int("timeout_secs")
                    .and_then(|s| u64::try_from(s).ok())
                    .map_or(DEFAULT_COMMAND_TIMEOUT, Duration::from_secs),
            },
            other => {
                let def = domain::def(ProbeType::parse(other)?)?;
                ProbeKind::Domain {
                    kind: def.kind,
                    params: params.clone(),
                }
            }
        })
    }

    pub fn probe_type(&self) -> ProbeType {
        match self {
            ProbeKind::Files { .. } => ProbeType::Files,
            ProbeKind::Dir { .. } => ProbeType::Dir,
            ProbeKind::Meta { .. } => ProbeType::Meta,
            ProbeKind::Command { .. } => ProbeType::Command,
            ProbeKind::Domain { kind, .. } => *kind,
        }
    }

    /// Canonical text of what the probe does: equal keys are the same probe.
    pub fn key(&self) -> String {
        match self {
            ProbeKind::Files { paths } => format!("files {}", command_line(paths)),
            ProbeKind::Dir { path } => format!("dir {}", command_line(std::slice::from_ref(path))),
            ProbeKind::Meta { paths } => format!("meta {}", command_line(paths)),
            ProbeKind::Command { argv, timeout } => format!("command[{}s] {}", timeout.as_secs(), command_line(argv)),
            ProbeKind::Domain { kind, params } => {
                let args: Vec<String> = params.names().map(|n| format!("{n}={:?}", params.get(n))).collect();
                format!("{kind} {}", args.join(" "))
            }
        }
    }
}
