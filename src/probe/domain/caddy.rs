//! The domain probe `caddy_config`: the Caddyfile and every file its `import`s
//! reach, read as Caddy reads them, then the certificate files its `tls`
//! directives name (never their keys) and the certificates Caddy obtained and
//! keeps in its data folder.

use super::{Collect, DomainDef};
use crate::evidence::Source;
use crate::model::{ParamDef, ParamKind, Params, ProbeType};
use crate::parse::caddy::{load, sites, MAIN, MANAGED_CERTIFICATES};

pub static CADDY: DomainDef = DomainDef {
    kind: ProbeType::CaddyConfig,
    description: "the Caddyfile with its imports followed, and the certificates Caddy serves",
    params: &[ParamDef::optional(
        "path",
        ParamKind::String,
        "the Caddyfile (default /etc/caddy/Caddyfile)",
    )],
    collect: Collect::Host(collect),
    // Not `/etc/caddy/*`: a key kept beside the Caddyfile must never be in a grant.
    stock: &[
        "/etc/caddy/Caddyfile",
        "/etc/caddy/*.caddy",
        "/etc/caddy/*/*.caddy",
        "/etc/caddy/conf.d/*.conf",
        MANAGED_CERTIFICATES,
    ],
};

fn collect(source: &dyn Source, params: &Params) {
    // The reads are the point: the source records them as evidence.
    let Ok(file) = load(source, params.str_or("path", MAIN)) else {
        return;
    };
    for site in sites::sites(&file) {
        for certificate in site.tls.iter().filter_map(|t| sites::certificate_file(t)) {
            let _ = source.read(certificate);
        }
    }
    for path in source.glob(MANAGED_CERTIFICATES).paths {
        let _ = source.read(&path);
    }
}
