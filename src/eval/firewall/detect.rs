//! Which host firewall is in force: ufw when it is enabled (`ufw status
//! verbose` when collected, else /etc/ufw/ufw.conf), else nftables when
//! /etc/nftables.conf has an input hook chain with policy drop, else none. Every
//! `firewall.*` evaluator but listening-services starts here.

use crate::evidence::Source;
use crate::model::{Finding, Location};
use crate::parse::nft::{self, Nft, NftState};
use crate::parse::ufw::{self, UfwState, UFW_CONF};

/// The firewall that filters incoming traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Active {
    Ufw(UfwState),
    Nft(Box<Nft>),
    /// None does: why, in one line a person can act on.
    Off(String),
}

/// The firewall in force and the findings that show how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    pub active: Active,
    /// ufw's state, also when another firewall (or none) is in force.
    pub ufw: UfwState,
    pub findings: Vec<Finding>,
}

/// Err when a file the decision needs cannot be read (the reason).
pub fn detect(source: &dyn Source, nft_path: &str) -> Result<Detection, String> {
    let ufw = ufw::read_state(source)?;
    let mut findings = vec![ufw.evidence()];
    if ufw.is_enabled() {
        return Ok(Detection {
            active: Active::Ufw(ufw.clone()),
            ufw,
            findings,
        });
    }
    let state = nft::read(source, nft_path)?;
    if let NftState::Loaded(n) = &state {
        if n.drop_chains().next().is_some() {
            findings.extend(drop_chain_findings(n));
            let active = Active::Nft(n.clone());
            return Ok(Detection { active, ufw, findings });
        }
    }
    findings.push(nft_finding(&state, nft_path));
    let summary = format!(
        "No host firewall filters incoming traffic: {}, and {}",
        ufw_part(&ufw),
        nft_part(&state, nft_path)
    );
    Ok(Detection {
        active: Active::Off(summary),
        ufw,
        findings,
    })
}

fn drop_chain_findings(n: &Nft) -> Vec<Finding> {
    let mut findings: Vec<Finding> = n
        .drop_chains()
        .map(|c| {
            let text = format!("chain {}: hook input, policy drop", c.label());
            Finding::at(text, n.chain_location(c))
        })
        .collect();
    let covers = |family: &str| n.drop_chains().any(|c| c.family == family || c.family == "inet");
    // (family not covered, the family that is, the traffic left unfiltered)
    for (missing, only, traffic) in [("ip6", "ip", "IPv6"), ("ip", "ip6", "IPv4")] {
        if !covers(missing) {
            findings.push(Finding::new(format!(
                "only table family `{only}` drops by default: {traffic} traffic is not filtered (use `inet`)"
            )));
        }
    }
    findings
}

fn nft_finding(state: &NftState, path: &str) -> Finding {
    match state {
        NftState::Absent => Finding::at("does not exist", Location::file(path)),
        NftState::Broken(at, why) => Finding::at(why.clone(), at.clone()),
        NftState::Loaded(n) => match n.input_chains().next() {
            Some(c) => {
                let policy = c.policy.as_ref().map_or("accept (default)", |t| t.text.as_str());
                let text = format!("chain {}: hook input, policy {policy}", c.label());
                Finding::at(text, n.chain_location(c))
            }
            None => Finding::at("no chain with `hook input`", Location::file(path)),
        },
    }
}

fn ufw_part(ufw: &UfwState) -> String {
    match ufw {
        UfwState::Reported(_) => "`ufw status` reports inactive".to_string(),
        UfwState::Configured { setting: Some(a), .. } => {
            format!("ufw is disabled (ENABLED={}, {UFW_CONF}:{})", a.value, a.line)
        }
        UfwState::Configured { setting: None, .. } => {
            format!("ufw is disabled (no ENABLED in {UFW_CONF})")
        }
        UfwState::Absent => "ufw is not installed".to_string(),
    }
}

fn nft_part(state: &NftState, path: &str) -> String {
    match state {
        NftState::Absent => format!("there is no {path}"),
        NftState::Broken(_, why) => format!("{path} does not load ({why})"),
        NftState::Loaded(n) if n.input_chains().next().is_some() => {
            format!("{path}'s input chain accepts by default (no `policy drop`)")
        }
        NftState::Loaded(_) => format!("{path} has no input hook chain"),
    }
}
