//! nftables: /etc/nftables.conf (what nftables.service loads with `nft -f`),
//! its includes, and the `nftables` domain collector that reads them. A tolerant
//! reader, not a full nft grammar: it finds the input hook chains, their policy
//! and the ports their accept rules open, and never fails on odd input.

pub mod lex;
pub mod load;
pub mod parse;
pub mod rules;

use crate::evidence::Source;
use crate::model::Location;
use crate::parse::allow::AllowRule;
use load::{Load, Loaded};
use parse::{Chain, Ruleset};
use std::collections::BTreeMap;

pub const NFT_CONF: &str = "/etc/nftables.conf";
/// Where nft resolves service names (`tcp dport ssh`).
pub const SERVICES: &str = "/etc/services";

/// A loaded script and its structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nft {
    pub loaded: Loaded,
    pub ruleset: Ruleset,
}

impl Nft {
    /// The input hook chains of the IP families.
    pub fn input_chains(&self) -> impl Iterator<Item = &Chain> {
        self.ruleset.chains.iter().filter(|c| rules::is_input_chain(c))
    }

    /// The input hook chains whose policy is drop.
    pub fn drop_chains(&self) -> impl Iterator<Item = &Chain> {
        self.input_chains().filter(|c| c.policy_is("drop"))
    }

    /// `chain inet filter input has policy drop (/etc/nftables.conf:7)` for the
    /// first input chain that drops by default.
    pub fn drop_summary(&self) -> Option<String> {
        let chain = self.drop_chains().next()?;
        Some(format!(
            "chain {} has policy drop ({})",
            chain.label(),
            self.chain_location(chain)
        ))
    }

    /// Where a chain's policy was set, or where the chain was declared.
    pub fn chain_location(&self, chain: &Chain) -> Location {
        self.loaded.location(chain.policy.as_ref().unwrap_or(&chain.declared))
    }

    /// The allow rules of the input chains with policy drop.
    pub fn allow_rules(&self, services: Option<&BTreeMap<String, u16>>) -> Vec<AllowRule> {
        rules::allow_rules(&self.ruleset, &self.loaded, services)
    }
}

/// What reading the nftables configuration found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NftState {
    /// The file does not exist.
    Absent,
    /// `nft -f` would refuse it (a missing include): nothing loads; where and why.
    Broken(Location, String),
    Loaded(Box<Nft>),
}

/// Read the configuration at `path`; Err when it or an include cannot be read.
pub fn read(source: &dyn Source, path: &str) -> Result<NftState, String> {
    match load::load(source, path) {
        Load::Missing => Ok(NftState::Absent),
        Load::Error(reason) => Err(reason),
        Load::Loaded(Loaded {
            broken: Some((at, why)),
            ..
        }) => Ok(NftState::Broken(at, why)),
        Load::Loaded(loaded) => {
            let ruleset = parse::parse(&loaded.tokens);
            Ok(NftState::Loaded(Box::new(Nft { loaded, ruleset })))
        }
    }
}

/// The host's service names, when /etc/services was collected.
pub fn services(source: &dyn Source) -> Option<BTreeMap<String, u16>> {
    source.read(SERVICES).text().map(crate::parse::ports::parse_services)
}
