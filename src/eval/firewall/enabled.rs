//! `firewall.enabled`: pass when ufw is enabled (`ufw status verbose` says
//! active when it was collected, else ufw.conf has ENABLED=yes) or nftables has
//! an input hook chain with policy drop; fail when ufw is installed but disabled
//! or no host firewall is found.

use super::detect::{detect, Active, Detection};
use super::nft_path;
use crate::eval::EvalContext;
use crate::model::Outcome;
use crate::parse::ufw::{UfwState, UFW_CONF};

pub fn evaluate(ctx: &EvalContext) -> Outcome {
    match detect(ctx.source, nft_path(ctx.params)) {
        Ok(detection) => decide(detection),
        Err(reason) => Outcome::error(reason),
    }
}

/// The decision from the detected firewall.
pub fn decide(detection: Detection) -> Outcome {
    let outcome = match &detection.active {
        Active::Ufw(UfwState::Reported(_)) => Outcome::pass("ufw is active (`ufw status verbose`)"),
        Active::Ufw(UfwState::Configured { setting: Some(a), .. }) => {
            Outcome::pass(format!("ufw is enabled (ENABLED={}, {UFW_CONF}:{})", a.value, a.line))
        }
        Active::Ufw(_) => Outcome::pass("ufw is enabled"),
        Active::Nft(n) => match n.drop_summary() {
            Some(chain) => Outcome::pass(format!("nftables filters incoming traffic: {chain}")),
            None => Outcome::pass("nftables filters incoming traffic"),
        },
        Active::Off(summary) => Outcome::fail(summary.clone()),
    };
    outcome.with_all(detection.findings)
}
