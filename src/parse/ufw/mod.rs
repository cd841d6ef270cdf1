//! ufw: whether it is enabled, its incoming default, and its allow rules, from
//! `ufw status verbose` when that ran (authoritative) or else from its files:
//! /etc/ufw/ufw.conf (`ENABLED`), /etc/default/ufw (`DEFAULT_INPUT_POLICY`, `IPV6`),
//! /etc/ufw/user.rules and user6.rules (`### tuple ###` lines).

pub mod conf;
pub mod status;
pub mod tuples;

use crate::evidence::Source;
use crate::model::{Finding, Location};
use crate::parse::allow::AllowRule;
use crate::parse::text::read_optional as read_text;
use conf::{Assignment, ShellVars};
use status::{parse_status, UfwStatus, STATUS_ARGV, STATUS_LABEL};

pub const UFW_CONF: &str = "/etc/ufw/ufw.conf";
pub const UFW_DEFAULTS: &str = "/etc/default/ufw";
pub const USER_RULES: &str = "/etc/ufw/user.rules";
pub const USER6_RULES: &str = "/etc/ufw/user6.rules";

/// What is known about ufw on the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UfwState {
    /// `ufw status verbose` ran and printed a status: it is authoritative.
    Reported(UfwStatus),
    /// /etc/ufw/ufw.conf exists; `enabled` is its `ENABLED` (yes/YES, as ufw-init
    /// tests it), set at `setting` (None when the file never sets it).
    Configured { enabled: bool, setting: Option<Assignment> },
    /// No /etc/ufw/ufw.conf: ufw is not installed.
    Absent,
}

impl UfwState {
    pub fn is_enabled(&self) -> bool {
        match self {
            UfwState::Reported(status) => status.active,
            UfwState::Configured { enabled, .. } => *enabled,
            UfwState::Absent => false,
        }
    }

    /// The finding that shows where the state was read.
    pub fn evidence(&self) -> Finding {
        match self {
            UfwState::Reported(status) => Finding::at(
                format!(
                    "`ufw status verbose`: Status: {}",
                    if status.active { "active" } else { "inactive" }
                ),
                Location::line(STATUS_LABEL, status.status_line),
            ),
            UfwState::Configured { setting: Some(a), .. } => {
                Finding::at(format!("ENABLED={}", a.value), Location::line(UFW_CONF, a.line))
            }
            UfwState::Configured { setting: None, .. } => {
                Finding::at("ENABLED is not set (ufw stays off)", Location::file(UFW_CONF))
            }
            UfwState::Absent => Finding::at("ufw is not installed", Location::file(UFW_CONF)),
        }
    }
}

/// The `ufw status verbose` report, when the command ran, exited 0 and printed one.
pub fn reported_status(source: &dyn Source) -> Option<UfwStatus> {
    source.command(&STATUS_ARGV).success_stdout().and_then(parse_status)
}

/// ufw's state; Err when ufw.conf exists but cannot be read.
pub fn read_state(source: &dyn Source) -> Result<UfwState, String> {
    if let Some(status) = reported_status(source) {
        return Ok(UfwState::Reported(status));
    }
    let Some(text) = read_text(source, UFW_CONF)? else {
        return Ok(UfwState::Absent);
    };
    let setting = ShellVars::parse(&text).get("ENABLED").cloned();
    let enabled = setting.as_ref().is_some_and(|a| is_yes(&a.value));
    Ok(UfwState::Configured { enabled, setting })
}

/// /etc/default/ufw's variables; None when the file does not exist.
pub fn defaults(source: &dyn Source) -> Result<Option<ShellVars>, String> {
    Ok(read_text(source, UFW_DEFAULTS)?.map(|text| ShellVars::parse(&text)))
}

/// The allow rules of user.rules and (when IPV6 is on) user6.rules, with a
/// finding for each file read or skipped.
pub fn file_rules(source: &dyn Source) -> Result<(Vec<AllowRule>, Vec<Finding>), String> {
    let mut rules = Vec::new();
    let mut findings = Vec::new();
    let ipv6 = ipv6_enabled(source);
    for (path, v6) in [(USER_RULES, false), (USER6_RULES, true)] {
        if v6 && !ipv6 {
            findings.push(Finding::at(
                "IPV6 is off: user6.rules is not loaded",
                Location::file(UFW_DEFAULTS),
            ));
            continue;
        }
        match read_text(source, path)? {
            Some(text) => {
                let tuples = tuples::parse_tuples(&text);
                rules.extend(tuples.iter().filter_map(|t| t.allow_rule(path, v6)));
            }
            None => findings.push(Finding::at("does not exist: no user rules", Location::file(path))),
        }
    }
    Ok((rules, findings))
}

/// ufw-init loads IPv6 rules only when /etc/default/ufw says IPV6=yes (else it
/// drops all IPv6 but loopback); when that file cannot be read, count them.
fn ipv6_enabled(source: &dyn Source) -> bool {
    match defaults(source) {
        Ok(Some(vars)) => vars.get("IPV6").is_some_and(|a| is_yes(&a.value)),
        _ => true,
    }
}

/// ufw-init's test for ENABLED and IPV6: `yes` or `YES`.
fn is_yes(value: &str) -> bool {
    value == "yes" || value == "YES"
}

/// The allow rules of the `ufw status verbose` table.
pub fn status_rules(status: &UfwStatus) -> Vec<AllowRule> {
    status.rules.iter().filter_map(status::StatusRule::allow_rule).collect()
}
