//! The domain probe `nginx_config`: nginx.conf and every file its `include`s
//! reach, read in nginx's order (as `nginx -T` lists them), then the certificate
//! files its servers name (`ssl_certificate`; never `ssl_certificate_key`); and,
//! where commands run, `nginx -T`, which evaluators take as nginx's own reading.

use super::{Collect, DomainDef};
use crate::evidence::Source;
use crate::model::{ParamDef, ParamKind, Params, ProbeType};
use crate::parse::nginx::servers::servers;
use crate::parse::nginx::{dump, full_name, load, MAIN};

pub static NGINX: DomainDef = DomainDef {
    kind: ProbeType::NginxConfig,
    description: "nginx.conf with its includes followed, in nginx's order",
    params: &[ParamDef::optional(
        "path",
        ParamKind::String,
        "the main nginx configuration (default /etc/nginx/nginx.conf)",
    )],
    collect: Collect::Host(collect),
    stock: &[
        "/etc/nginx/mime.types",
        "/etc/nginx/fastcgi.conf",
        "/etc/nginx/fastcgi_params",
        "/etc/nginx/proxy_params",
        "/etc/nginx/uwsgi_params",
        "/etc/nginx/scgi_params",
        "/etc/nginx/modules-enabled/*.conf",
        "/etc/nginx/conf.d/*.conf",
        "/etc/nginx/sites-enabled/*",
        "/etc/nginx/snippets/*.conf",
        "/etc/letsencrypt/options-ssl-nginx.conf",
        "/etc/letsencrypt/live/*/fullchain.pem",
        "/etc/letsencrypt/live/*/cert.pem",
    ],
};

fn collect(source: &dyn Source, params: &Params) {
    // The reads are the point: the source records them as evidence.
    let main = params.str_or("path", MAIN);
    if main == MAIN {
        // nginx's own reading, where the target runs commands (not under --root).
        let _ = source.command(dump::ARGV);
    }
    let Ok(config) = load(source, main) else {
        return;
    };
    let mut read: Vec<String> = Vec::new();
    for server in servers(&config.directives) {
        for certificate in &server.certificates {
            // A path built per request ($ssl_server_name) or inline (data:) names no file.
            let Some(path) = certificate
                .args
                .first()
                .filter(|p| !p.contains('$') && !p.starts_with("data:"))
            else {
                continue;
            };
            let path = full_name(path);
            if !read.contains(&path) {
                let _ = source.read(&path);
                read.push(path);
            }
        }
    }
}
