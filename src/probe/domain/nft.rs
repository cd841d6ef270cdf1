//! The domain probe `nftables`: the script nftables.service loads, every file it
//! includes, and /etc/services (for service names in rules).

use super::{Collect, DomainDef};
use crate::evidence::Source;
use crate::model::{ParamDef, ParamKind, Params, ProbeType};
use crate::parse::nft::load::{self, Load};
use crate::parse::nft::{NFT_CONF, SERVICES};

pub static NFTABLES: DomainDef = DomainDef {
    kind: ProbeType::Nftables,
    description: "nftables configuration (/etc/nftables.conf) with its includes followed",
    params: &[ParamDef::optional(
        "path",
        ParamKind::String,
        "the nftables script nftables.service loads (default /etc/nftables.conf)",
    )],
    collect: Collect::Host(collect),
    stock: &["/etc/nftables.d/*", "/etc/nftables/*"],
};

fn collect(source: &dyn Source, params: &Params) {
    let path = params.str_or("path", NFT_CONF);
    if let Load::Loaded(_) = load::load(source, path) {
        source.read(SERVICES);
    }
}
