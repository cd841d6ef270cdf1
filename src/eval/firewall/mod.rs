//! The host firewall controls (`firewall.*`): whether ufw
//! or nftables filters incoming traffic, with what default, which ports are open
//! to anywhere, and which services listen beyond loopback. The rules are read
//! by `parse::{ufw, nft, ss}`; `detect` picks the firewall in force; one file per
//! evaluator decides its control.

pub mod allowed_ports;
pub mod default_deny;
pub mod detect;
pub mod enabled;
pub mod exposure;
pub mod listening;
pub mod watched;

#[cfg(test)]
mod tests;

use super::EvaluatorDef;
use crate::model::params::{ParamDef, ParamKind, Params};
use crate::model::ProbeType;

/// The optional parameter that points the evaluators at another nftables script
/// (keep it equal to the `nftables` probe's `path`).
const NFT_PATH_PARAM: ParamDef = ParamDef::optional(
    "nftables_path",
    ParamKind::String,
    "the nftables script to read (default /etc/nftables.conf)",
);
const NFT_PARAMS: &[ParamDef] = &[NFT_PATH_PARAM];

fn nft_path(params: &Params) -> &str {
    params.str_or(NFT_PATH_PARAM.name, crate::parse::nft::NFT_CONF)
}

pub fn evaluators() -> Vec<EvaluatorDef> {
    vec![
        EvaluatorDef {
            name: "firewall.enabled",
            description: "ufw is enabled, or nftables has an input chain with policy drop",
            params: NFT_PARAMS,
            needs: &[ProbeType::Files, ProbeType::Nftables],
            run: enabled::evaluate,
        },
        EvaluatorDef {
            name: "firewall.default-deny",
            description: "the enabled firewall drops or rejects incoming traffic by default",
            params: NFT_PARAMS,
            needs: &[ProbeType::Files, ProbeType::Nftables],
            run: default_deny::evaluate,
        },
        EvaluatorDef {
            name: "firewall.allowed-ports",
            description: "no datastore or admin port is open to anywhere; only SSH, 80 and 443 are",
            params: NFT_PARAMS,
            needs: &[ProbeType::Files, ProbeType::Nftables, ProbeType::SshdConfig],
            run: allowed_ports::evaluate,
        },
        EvaluatorDef {
            name: "firewall.listening-services",
            description: "the app server and datastores listen on loopback, not 0.0.0.0/::",
            params: &[],
            needs: &[ProbeType::Command],
            run: listening::evaluate,
        },
    ]
}
