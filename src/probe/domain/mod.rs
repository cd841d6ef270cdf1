//! Domain probes: collectors that read what a configuration needs by running the
//! same parser its evaluators run (from `parse`), through the recording source, so
//! every include sshd, apt, nft or sudo would follow is collected. One static per
//! probe type, found by an exhaustive match, so no type has two.

mod app;
mod apt;
mod caddy;
mod nft;
mod nginx;
mod repo;
mod sshd;
mod sudoers;

use crate::evidence::Source;
use crate::model::{ParamDef, Params, ProbeType};

/// One domain probe type.
pub struct DomainDef {
    pub kind: ProbeType,
    pub description: &'static str,
    pub params: &'static [ParamDef],
    pub collect: Collect,
    /// What its includes reach on a stock Debian or Ubuntu server (patterns; `~/`
    /// under every login's home): what a plan made without reading (dry run,
    /// sudoers grant, collector) names.
    pub stock: &'static [&'static str],
}

/// How a domain probe reads: from the host's fixed places, or inside the
/// application's directory (which it is given once discovery found it).
pub enum Collect {
    Host(fn(&dyn Source, &Params)),
    App(fn(&dyn Source, &Params, &str)),
}

impl DomainDef {
    /// Run the collector through `source`. An app collector with no application
    /// directory reads nothing: its controls say no app was found.
    pub fn collect(&self, source: &dyn Source, params: &Params, app_dir: Option<&str>) {
        match (&self.collect, app_dir) {
            (Collect::Host(collect), _) => collect(source, params),
            (Collect::App(collect), Some(dir)) => collect(source, params, dir),
            (Collect::App(_), None) => {}
        }
    }
}

/// The collector of a domain probe type; None for the generic ones.
pub fn def(kind: ProbeType) -> Option<&'static DomainDef> {
    match kind {
        ProbeType::SshdConfig => Some(&sshd::CONFIG),
        ProbeType::AuthorizedKeys => Some(&sshd::KEYS),
        ProbeType::AptConfig => Some(&apt::APT_CONFIG),
        ProbeType::Nftables => Some(&nft::NFTABLES),
        ProbeType::Sudoers => Some(&sudoers::SUDOERS),
        ProbeType::NginxConfig => Some(&nginx::NGINX),
        ProbeType::CaddyConfig => Some(&caddy::CADDY),
        ProbeType::AppServers => Some(&app::APP_SERVERS),
        ProbeType::AppDependencies => Some(&repo::DEPENDENCIES),
        ProbeType::AppDotenv => Some(&repo::DOTENV),
        ProbeType::AppPipelines => Some(&repo::PIPELINES),
        ProbeType::AppCode => Some(&repo::CODE),
        ProbeType::Files | ProbeType::Dir | ProbeType::Meta | ProbeType::Command => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_type_has_its_own_collector() {
        for kind in ProbeType::ALL {
            match def(kind) {
                Some(d) => assert_eq!(d.kind, kind),
                None => assert!(!kind.is_domain(), "{kind} has no collector"),
            }
        }
    }
}
