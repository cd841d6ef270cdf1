//! Evaluators for who may log in: `ssh.root-login` and `ssh.allow-users`.

use super::report::{
    bad_value_summary, blocked, match_phrase, origin_phrase, setting_findings, view, with_config_problems,
};
use crate::eval::EvalContext;
use crate::model::{Finding, Location, Outcome};
use crate::parse::sshd::config::DEFAULT_CONFIG;
use crate::parse::sshd::settings::{Blocked, ListSetting, View, PERMIT_ROOT};
use crate::parse::sshd::sshd_t::SSHD_T_LOCATION;

/// ssh.root-login: effective PermitRootLogin must be `no`; a Match block that lets
/// root in again under a global `no` is a warning.
pub fn root_login(ctx: &EvalContext) -> Outcome {
    let view = view(ctx);
    with_config_problems(decide_root_login(&view), &view)
}

fn decide_root_login(view: &View) -> Outcome {
    let s = match view.setting(&PERMIT_ROOT) {
        Ok(s) => s,
        Err(b) => return blocked(b),
    };
    let outcome = if s.value != "no" {
        Outcome::fail(bad_value_summary(&s, "no", how_root_gets_in(&s.value)))
    } else if let Some(line) = s.match_lines_not("no").first() {
        Outcome::warn(format!(
            "{} no globally ({}), but {}: root can log in from matching connections",
            s.spelled,
            origin_phrase(&s),
            match_phrase(line)
        ))
    } else if let Some(reason) = &s.match_unknown {
        Outcome::needs_review(format!(
            "PermitRootLogin no per sshd -T, but Match blocks could not be checked: {reason}"
        ))
    } else {
        Outcome::pass(format!(
            "{} no ({}): root cannot log in over SSH",
            s.spelled,
            origin_phrase(&s)
        ))
    };
    outcome.with_all(setting_findings(&s))
}

fn how_root_gets_in(value: &str) -> &'static str {
    match value {
        "yes" => "root can log in with a password or a key",
        "forced-commands-only" => "root can log in with a key that has a forced command",
        _ => "root can log in with a key",
    }
}

/// ssh.allow-users: pass when a global AllowUsers or AllowGroups exists.
pub fn allow_users(ctx: &EvalContext) -> Outcome {
    let view = view(ctx);
    with_config_problems(decide_allow_users(&view), &view)
}

fn decide_allow_users(view: &View) -> Outcome {
    let (users, groups) = match (view.list("allowusers"), view.list("allowgroups")) {
        (Ok(users), Ok(groups)) => (users, groups),
        (Err(e), _) | (_, Err(e)) => return blocked(Blocked::Config(e)),
    };
    let mut findings = list_findings("AllowUsers", &users);
    findings.extend(list_findings("AllowGroups", &groups));
    let named: Vec<String> = [("AllowUsers", &users), ("AllowGroups", &groups)]
        .iter()
        .filter(|(_, list)| !list.members.is_empty())
        .map(|(name, list)| format!("{name} {} ({})", list.members.join(" "), where_set(list)))
        .collect();
    // sshd requires both lists when both are set; a list of `*` (or `*@*`) admits everyone.
    let admits_all =
        |list: &ListSetting| list.members.is_empty() || list.members.iter().any(|m| m == "*" || m == "*@*");
    let outcome = if !named.is_empty() && admits_all(&users) && admits_all(&groups) {
        Outcome::warn(format!(
            "{} admits every account: a `*` pattern matches all users; name the admin users instead",
            named.join(" and ")
        ))
    } else if named.is_empty() {
        let path = view.config.as_ref().map_or(DEFAULT_CONFIG, |c| c.path.as_str());
        Outcome::warn(format!(
            "Neither AllowUsers nor AllowGroups is set globally: every account with a key or password may log in; add `AllowUsers <admin users>` to {path}, outside any Match block"
        ))
    } else {
        Outcome::pass(format!("SSH logins are limited to {}", named.join(" and ")))
    };
    outcome.with_all(findings)
}

fn where_set(list: &ListSetting) -> String {
    let lines: Vec<String> = list.lines.iter().map(|d| d.at.to_string()).collect();
    match (lines.is_empty(), list.from_sshd_t) {
        (false, false) => format!("set at {}", lines.join(", ")),
        (false, true) => format!("per sshd -T; set at {}", lines.join(", ")),
        (true, _) => "per sshd -T".to_string(),
    }
}

fn list_findings(name: &str, list: &ListSetting) -> Vec<Finding> {
    let mut out: Vec<Finding> = list
        .lines
        .iter()
        .map(|d| {
            Finding::at(
                format!("{}: global, members {}", d.text(), d.args.join(" ")),
                d.at.clone(),
            )
        })
        .collect();
    if list.from_sshd_t && !list.members.is_empty() {
        let message = format!("{name} {} (sshd -T)", list.members.join(" "));
        out.push(Finding::at(message, Location::file(SSHD_T_LOCATION)));
    }
    out.extend(list.in_match.iter().map(|d| {
        Finding::at(
            format!(
                "{}: only for connections matching; does not limit logins globally",
                match_phrase(d)
            ),
            d.at.clone(),
        )
    }));
    out
}
