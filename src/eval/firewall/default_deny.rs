//! `firewall.default-deny`: pass when the enabled firewall drops incoming
//! traffic by default — ufw's `Default: deny|reject (incoming)` in `ufw status
//! verbose`, else DEFAULT_INPUT_POLICY "DROP" or "REJECT" in /etc/default/ufw; or
//! an nftables input chain with policy drop. Fail on ACCEPT, and whenever no
//! firewall is enabled (a disabled ufw denies nothing, whatever its policy file).

use super::detect::{detect, Active, Detection};
use super::nft_path;
use crate::eval::EvalContext;
use crate::evidence::Source;
use crate::model::{Finding, Location, Outcome};
use crate::parse::ufw::conf::ShellVars;
use crate::parse::ufw::status::STATUS_LABEL;
use crate::parse::ufw::{defaults, UfwState, UFW_DEFAULTS};

pub fn evaluate(ctx: &EvalContext) -> Outcome {
    match detect(ctx.source, nft_path(ctx.params)) {
        Ok(detection) => decide(ctx.source, detection),
        Err(reason) => Outcome::error(reason),
    }
}

fn decide(source: &dyn Source, detection: Detection) -> Outcome {
    let outcome = match &detection.active {
        Active::Ufw(UfwState::Reported(status)) => match &status.incoming {
            Some((policy, line)) => from_status(policy, *line),
            None => from_defaults(source),
        },
        Active::Ufw(_) => from_defaults(source),
        Active::Nft(n) => match n.drop_summary() {
            Some(chain) => Outcome::pass(format!("nftables drops incoming traffic by default: {chain}")),
            None => Outcome::pass("nftables drops incoming traffic by default"),
        },
        Active::Off(summary) => {
            let installed = detection.ufw != UfwState::Absent;
            let ignored = if installed { ignored_policy(source) } else { Vec::new() };
            Outcome::fail(summary.clone()).with_all(ignored)
        }
    };
    outcome.with_all(detection.findings)
}

/// `Default: deny (incoming)` from `ufw status verbose`.
fn from_status(policy: &str, line: u32) -> Outcome {
    let at = Location::line(STATUS_LABEL, line);
    let seen = Finding::at(format!("Default: {policy} (incoming)"), at.clone());
    match policy {
        "deny" | "reject" => Outcome::pass(format!("ufw denies incoming traffic by default ({policy}, {at})")),
        _ => Outcome::fail(format!(
            "ufw lets incoming traffic in by default ({policy}, {at}); run `ufw default deny incoming`"
        )),
    }
    .with(seen)
}

/// DEFAULT_INPUT_POLICY from /etc/default/ufw.
fn from_defaults(source: &dyn Source) -> Outcome {
    let vars = match defaults(source) {
        Ok(Some(vars)) => vars,
        Ok(None) => {
            return Outcome::fail(format!(
                "{UFW_DEFAULTS} does not exist, so ufw has no DEFAULT_INPUT_POLICY (and ufw-init will not start)"
            ))
        }
        Err(reason) => return Outcome::error(reason),
    };
    let Some(setting) = vars.get("DEFAULT_INPUT_POLICY") else {
        return Outcome::fail(format!(
            "DEFAULT_INPUT_POLICY is not set in {UFW_DEFAULTS}; set it to \"DROP\""
        ))
        .with(Finding::at("no DEFAULT_INPUT_POLICY", Location::file(UFW_DEFAULTS)));
    };
    let at = Location::line(UFW_DEFAULTS, setting.line);
    let value = setting.value.to_ascii_uppercase();
    let seen = Finding::at(format!("DEFAULT_INPUT_POLICY=\"{}\"", setting.value), at.clone());
    let outcome = match value.as_str() {
        "DROP" | "REJECT" => Outcome::pass(format!(
            "ufw {} incoming traffic by default (DEFAULT_INPUT_POLICY=\"{value}\", {at})",
            if value == "DROP" { "drops" } else { "rejects" }
        )),
        "ACCEPT" => Outcome::fail(format!(
            "ufw accepts incoming traffic by default (DEFAULT_INPUT_POLICY=\"ACCEPT\", {at}); set it to \"DROP\""
        )),
        _ => Outcome::fail(format!(
            "DEFAULT_INPUT_POLICY=\"{}\" ({at}) is not DROP, REJECT or ACCEPT: ufw will not start",
            setting.value
        )),
    };
    outcome.with(seen)
}

/// A policy file that denies, shown as having no effect while ufw is off.
fn ignored_policy(source: &dyn Source) -> Vec<Finding> {
    let vars: Option<ShellVars> = defaults(source).ok().flatten();
    let setting = vars.as_ref().and_then(|v| v.get("DEFAULT_INPUT_POLICY"));
    setting
        .map(|a| {
            Finding::at(
                format!(
                    "DEFAULT_INPUT_POLICY=\"{}\" has no effect while ufw is disabled",
                    a.value
                ),
                Location::line(UFW_DEFAULTS, a.line),
            )
        })
        .into_iter()
        .collect()
}
