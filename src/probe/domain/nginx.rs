//! The domain probe `nginx_config`: nginx.conf and every file its `include`s
//! reach, read in nginx's order (as `nginx -T` lists them).

use super::DomainDef;
use crate::evidence::Source;
use crate::model::{ParamDef, ParamKind, Params, ProbeType};
use crate::parse::nginx::{load, MAIN};

pub static NGINX: DomainDef = DomainDef {
    kind: ProbeType::NginxConfig,
    description: "nginx.conf with its includes followed, in nginx's order",
    params: &[ParamDef::optional(
        "path",
        ParamKind::String,
        "the main nginx configuration (default /etc/nginx/nginx.conf)",
    )],
    collect,
    stock: &[
        "/etc/nginx/modules-enabled/*.conf",
        "/etc/nginx/conf.d/*.conf",
        "/etc/nginx/sites-enabled/*",
        "/etc/nginx/snippets/*.conf",
    ],
};

fn collect(source: &dyn Source, params: &Params) {
    // The reads are the point: the source records them as evidence.
    let _ = load(source, params.str_or("path", MAIN));
}
