//! The host firewall controls (`firewall.*` of spec/controls.toml): whether ufw
//! or nftables filters incoming traffic, with what default, which ports are open
//! to anywhere, and which services listen beyond loopback. Parsers live in
//! `ufw/`, `nft/` and `ss`; `detect` picks the firewall in force; one file per
//! evaluator decides its control.

pub mod allowed_ports;
pub mod default_deny;
pub mod detect;
pub mod enabled;
pub mod exposure;
pub mod listening;
pub mod nft;
pub mod ports;
pub mod ss;
pub mod ufw;

#[cfg(test)]
mod tests;

use super::params::{ParamDef, ParamKind, Params};
use super::{CollectorDef, EvaluatorDef};
use crate::evidence::{FileState, Source};
use std::sync::Arc;

/// The optional parameter that points the evaluators at another nftables script
/// (keep it equal to the `nftables` probe's `path`).
const NFT_PATH_PARAM: ParamDef = ParamDef::optional(
    "nftables_path",
    ParamKind::String,
    "the nftables script to read (default /etc/nftables.conf)",
);
const NFT_PARAMS: &[ParamDef] = &[NFT_PATH_PARAM];

fn nft_path(params: &Params) -> &str {
    params.str_or(NFT_PATH_PARAM.name, nft::NFT_CONF)
}

pub fn evaluators() -> Vec<EvaluatorDef> {
    vec![
        EvaluatorDef {
            name: "firewall.enabled",
            description: "ufw is enabled, or nftables has an input chain with policy drop",
            params: NFT_PARAMS,
            needs: &["files", "nftables"],
            run: enabled::evaluate,
        },
        EvaluatorDef {
            name: "firewall.default-deny",
            description: "the enabled firewall drops or rejects incoming traffic by default",
            params: NFT_PARAMS,
            needs: &["files", "nftables"],
            run: default_deny::evaluate,
        },
        EvaluatorDef {
            name: "firewall.allowed-ports",
            description: "no datastore or admin port is open to anywhere; only SSH, 80 and 443 are",
            params: NFT_PARAMS,
            needs: &["files", "nftables", "sshd_config"],
            run: allowed_ports::evaluate,
        },
        EvaluatorDef {
            name: "firewall.listening-services",
            description: "the app server and datastores listen on loopback, not 0.0.0.0/::",
            params: &[],
            needs: &["command"],
            run: listening::evaluate,
        },
    ]
}

pub fn collectors() -> Vec<CollectorDef> {
    nft::collectors()
}

/// Lines with their 1-based numbers, as findings cite them.
fn numbered_lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.lines().zip(1u32..).map(|(line, number)| (number, line))
}

/// A file's text; None when it does not exist; Err (the reason) when it exists
/// but could not be read, or was never collected.
fn read_text(source: &dyn Source, path: &str) -> Result<Option<Arc<str>>, String> {
    match crate::evidence::source::read_config(source, path) {
        FileState::Text(text) => Ok(Some(text)),
        FileState::Missing => Ok(None),
        other => Err(other.problem(path).unwrap_or_default()),
    }
}
