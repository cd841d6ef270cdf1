//! `firewall.allowed-ports`: gathers the allow rules of the firewall in force —
//! ufw's (`ufw status verbose` when collected and active, else user.rules and
//! user6.rules) or nftables' input chains — or, with no enabled firewall, the
//! non-loopback listeners of `ss -tlnH` (without which it fails), and hands them
//! to `exposure::decide_allowed_ports` with sshd's ports.

use super::detect::{detect, Active, Detection};
use super::exposure::{decide_allowed_ports, AllowRule};
use super::nft_path;
use crate::eval::EvalContext;
use crate::evidence::Source;
use crate::model::{Finding, Location, Outcome};
use crate::parse::nft;
use crate::parse::ports::{PortItem, Ports, Proto};
use crate::parse::ss::{collected, parse_ss, Listener};
use crate::parse::sshd::ssh_ports;
use crate::parse::ufw::{file_rules, status_rules, UfwState, USER6_RULES, USER_RULES};

pub fn evaluate(ctx: &EvalContext) -> Outcome {
    let ssh = ssh_ports(ctx.source);
    match detect(ctx.source, nft_path(ctx.params)) {
        Ok(detection) => decide(ctx.source, detection, &ssh, nft_path(ctx.params)),
        Err(reason) => Outcome::error(reason),
    }
}

fn decide(source: &dyn Source, detection: Detection, ssh: &[u16], nft_path: &str) -> Outcome {
    let (rules, origin, mut findings) = match &detection.active {
        Active::Ufw(UfwState::Reported(status)) => (
            status_rules(status),
            "ufw is active: rules from `ufw status verbose`".to_string(),
            Vec::new(),
        ),
        Active::Ufw(_) => match file_rules(source) {
            Ok((rules, findings)) => (
                rules,
                format!("ufw is enabled: rules from {USER_RULES} and {USER6_RULES}"),
                findings,
            ),
            Err(reason) => return Outcome::error(reason),
        },
        Active::Nft(n) => {
            let rules = n.allow_rules(nft::services(source).as_ref());
            (
                rules,
                format!("nftables: accept rules of the input chains with policy drop in {nft_path}"),
                Vec::new(),
            )
        }
        Active::Off(summary) => {
            let mut findings = dormant_rules(source, &detection.ufw);
            findings.extend(detection.findings);
            return without_firewall(source, summary, findings, ssh);
        }
    };
    findings.extend(detection.findings);
    let outcome = decide_allowed_ports(&rules, ssh, &origin).with_all(findings);
    match &detection.active {
        Active::Nft(n) if !n.drop_chains().any(|c| c.family == "ip" || c.family == "inet") => {
            // An `ip6`-only ruleset leaves IPv4 — the droplet's public address — unfiltered.
            let summary = "IPv4 traffic is not filtered: only `ip6` tables drop by default, so nothing limits \
                           which ports are exposed over IPv4 (use an `inet` table)";
            Outcome::fail(summary).with_all(outcome.findings)
        }
        _ => outcome,
    }
}

/// No enabled firewall: every non-loopback listener is open to anywhere.
fn without_firewall(source: &dyn Source, summary: &str, findings: Vec<Finding>, ssh: &[u16]) -> Outcome {
    let Some((label, text)) = collected(source) else {
        return Outcome::fail(format!("{summary}; nothing limits which ports are exposed"))
            .with(Finding::new(
                "no `ss -tlnH` output was collected to list the listening ports",
            ))
            .with_all(findings);
    };
    let rules: Vec<AllowRule> = parse_ss(&text)
        .iter()
        .filter(|l| !l.is_loopback())
        .map(|l| listener_rule(l, &label))
        .collect();
    let origin = format!("{summary}: every port listening beyond loopback (`{label}`) counts as open");
    decide_allowed_ports(&rules, ssh, &origin).with_all(findings)
}

/// The rules of an installed but disabled ufw: listed, not counted.
fn dormant_rules(source: &dyn Source, ufw: &UfwState) -> Vec<Finding> {
    let rules = match (ufw, file_rules(source)) {
        (UfwState::Absent, _) | (_, Err(_)) => return Vec::new(),
        (_, Ok((rules, _))) => rules,
    };
    let note = |r: &AllowRule| format!("{} — not in force while ufw is disabled", r.describe());
    rules.iter().map(|r| Finding::at(note(r), r.location.clone())).collect()
}

fn listener_rule(listener: &Listener, label: &str) -> AllowRule {
    AllowRule {
        proto: Proto::Tcp,
        ports: Ports::List(vec![PortItem::single(listener.port)]),
        source: None,
        incoming: true,
        notes: listener.process.iter().cloned().collect(),
        location: Location::line(label, listener.line),
        listening_on: Some(listener.host.clone()),
    }
}
