//! What a Caddyfile's blocks say about the web front, as Caddy's HTTP adapter
//! reads them: the global `auto_https`, `http_port`, `https_port`; per site its
//! addresses (scheme, host, port; no scheme means HTTPS on the HTTPS port unless
//! the port is the HTTP port or no host is named), its `tls` (certificate files,
//! `protocols`, `ciphers`), the `Strict-Transport-Security` it sets, `redir`s
//! and `reverse_proxy` upstreams, wherever they are nested (`handle`, `route`).
//! No verdict here.

use super::{all, Caddyfile, Node, SiteBlock};

/// A site address: `[scheme://]host[:port][/path]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub scheme: Option<String>,
    pub host: String,
    pub port: u16,
    pub raw: String,
}

/// The global options that decide HTTPS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Global<'a> {
    /// `auto_https off|disable_redirects|disable_certs|ignore_loaded_certs`.
    pub auto_https: Option<(&'a str, &'a Node)>,
    pub http_port: u16,
    pub https_port: u16,
}

pub fn global(file: &Caddyfile) -> Global<'_> {
    let port = |name: &str, default: u16| {
        file.global
            .iter()
            .find(|n| n.name == name)
            .and_then(|n| n.args.first()?.parse().ok())
            .unwrap_or(default)
    };
    Global {
        auto_https: file
            .global
            .iter()
            .find(|n| n.name == "auto_https")
            .and_then(|n| Some((n.args.first()?.as_str(), n))),
        http_port: port("http_port", 80),
        https_port: port("https_port", 443),
    }
}

/// Read one address as Caddy's `ParseAddress` and its default ports do.
pub fn address(raw: &str, global: &Global) -> Address {
    let (scheme, rest) = match raw.split_once("://") {
        Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
        None => (None, raw),
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((h, after)) => (format!("[{h}]"), after.strip_prefix(':').and_then(|p| p.parse().ok())),
            None => (authority.to_string(), None),
        },
        None => match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p.parse().ok()),
            None => (authority.to_string(), None),
        },
    };
    let port = port.unwrap_or(match scheme.as_deref() {
        Some("http") => global.http_port,
        _ => global.https_port,
    });
    Address {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
        raw: raw.to_string(),
    }
}

impl Address {
    /// Whether Caddy serves this address over TLS.
    pub fn https(&self, global: &Global, has_tls: bool) -> bool {
        match self.scheme.as_deref() {
            Some("https") => true,
            Some("http") => false,
            _ => self.port != global.http_port && (!self.host.is_empty() || has_tls),
        }
    }
}

/// One site block, read.
#[derive(Debug, Clone)]
pub struct Site<'a> {
    pub block: &'a SiteBlock,
    pub addresses: Vec<Address>,
    /// The `tls` directives (`tls internal`, `tls cert key`, `tls { ... }`).
    pub tls: Vec<&'a Node>,
    /// `protocols MIN [MAX]` inside a `tls` block.
    pub protocols: Option<&'a Node>,
    /// `ciphers ...` inside a `tls` block.
    pub ciphers: Option<&'a Node>,
    /// Every value set for Strict-Transport-Security, and the directive (matcher-free only).
    pub hsts: Vec<(String, &'a Node)>,
    /// `redir` directives: target and directive.
    pub redirects: Vec<(String, &'a Node)>,
    /// `reverse_proxy` upstreams, each with its directive.
    pub upstreams: Vec<(String, &'a Node)>,
}

impl Site<'_> {
    pub fn https(&self, global: &Global) -> bool {
        self.addresses.iter().any(|a| a.https(global, !self.tls.is_empty()))
    }

    /// The hosts it names (empty for a catch-all).
    pub fn hosts(&self) -> Vec<&str> {
        self.addresses
            .iter()
            .map(|a| a.host.as_str())
            .filter(|h| !h.is_empty())
            .collect()
    }

    /// `caddy.example.com, www.example.com (/etc/caddy/Caddyfile:3)` for findings.
    pub fn describe(&self) -> String {
        format!("site {}", self.block.addresses.join(", "))
    }
}

/// A matcher token that scopes a directive to part of the site (`/path*`,
/// `@name`); `*` matches every request.
fn is_matcher(arg: &str) -> bool {
    arg.starts_with('/') || arg.starts_with('@')
}

/// A header field as `header` writes it, its operation prefix (`+`, `?`, `>`, `-`) aside.
fn field_name(field: &str) -> &str {
    field.trim_start_matches(['+', '?', '>'])
}

/// The directives named `name` that apply to every request of the site: at its top
/// level or in blocks without a matcher (`route { }`, `handle { }`), not under
/// `handle /path { }` or `@name` scopes.
fn site_wide<'a>(nodes: &'a [Node], name: &str) -> Vec<&'a Node> {
    let mut out = Vec::new();
    for node in nodes {
        if node.name == name {
            out.push(node);
        } else if let Some(block) = &node.block {
            if !node.args.first().is_some_and(|a| is_matcher(a)) && !node.name.starts_with('@') {
                out.extend(site_wide(block, name));
            }
        }
    }
    out
}

pub fn sites<'a>(file: &'a Caddyfile) -> Vec<Site<'a>> {
    let global = global(file);
    file.sites.iter().map(|block| site(block, &global)).collect()
}

fn site<'a>(block: &'a SiteBlock, global: &Global) -> Site<'a> {
    let tls: Vec<&Node> = all(&block.directives, "tls");
    let inner = |name: &str| {
        tls.iter()
            .filter_map(|t| t.block.as_ref())
            .flat_map(|b| b.iter().filter(|n| n.name == name))
            .last()
    };
    let mut hsts = Vec::new();
    for header in site_wide(&block.directives, "header") {
        if header.args.first().is_some_and(|a| is_matcher(a)) {
            continue; // applies to part of the site only
        }
        let args = match header.args.first() {
            Some(all) if all == "*" => &header.args[1..],
            _ => &header.args[..],
        };
        if let [field, value, ..] = args {
            if field_name(field).eq_ignore_ascii_case("Strict-Transport-Security") {
                hsts.push((value.to_string(), header));
            }
        }
        for line in header.block.iter().flatten() {
            if field_name(&line.name).eq_ignore_ascii_case("Strict-Transport-Security") {
                if let Some(value) = line.args.first() {
                    hsts.push((value.clone(), header));
                }
            }
        }
    }
    let redirects = all(&block.directives, "redir")
        .into_iter()
        .filter_map(|n| {
            let args: Vec<&String> = n.args.iter().collect();
            let target = if args.len() >= 2 && is_matcher(args[0]) {
                args[1]
            } else {
                *args.first()?
            };
            Some((target.clone(), n))
        })
        .collect();
    let mut upstreams = Vec::new();
    for proxy in all(&block.directives, "reverse_proxy") {
        let args = if proxy.args.first().is_some_and(|a| is_matcher(a)) {
            &proxy.args[1..]
        } else {
            &proxy.args[..]
        };
        upstreams.extend(args.iter().map(|a| (a.clone(), proxy)));
        for to in proxy.block.iter().flatten().filter(|n| n.name == "to") {
            upstreams.extend(to.args.iter().map(|a| (a.clone(), proxy)));
        }
    }
    Site {
        block,
        addresses: block.addresses.iter().map(|a| address(a, global)).collect(),
        protocols: inner("protocols"),
        ciphers: inner("ciphers"),
        tls,
        hsts,
        redirects,
        upstreams,
    }
}

/// The certificate file a `tls CERT KEY` directive names (not `tls internal`,
/// `tls EMAIL` or a block alone).
pub fn certificate_file(tls: &Node) -> Option<&str> {
    match tls.args.as_slice() {
        [cert, _key, ..] => Some(cert.as_str()),
        _ => None,
    }
}

/// The address a `reverse_proxy` upstream dials, as Caddy writes it in its JSON
/// (`dial`): the scheme dropped, `unix/PATH` kept, a missing port from the scheme.
pub fn dial(upstream: &str) -> String {
    if upstream.starts_with("unix/") {
        return upstream.to_string();
    }
    if let Some(path) = upstream.strip_prefix("unix+h2c/") {
        return format!("unix/{path}");
    }
    let (scheme, rest) = match upstream.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, upstream),
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    let has_port = if authority.starts_with('[') {
        authority.contains("]:")
    } else {
        authority.contains(':')
    };
    match (has_port, scheme) {
        (true, _) => authority.to_string(),
        (false, Some("https")) => format!("{authority}:443"),
        (false, _) => format!("{authority}:80"),
    }
}

/// Whether only this machine reaches an upstream: a unix socket or a loopback host.
pub fn local_upstream(upstream: &str) -> bool {
    let dial = dial(upstream);
    if dial.starts_with("unix/") {
        return true;
    }
    let host = match dial.rsplit_once(':') {
        Some((host, _)) => host,
        None => &dial,
    };
    // Go dials an empty host (`:8000`) on the local system.
    host.is_empty() || crate::parse::nginx::listen::is_loopback(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global() -> Global<'static> {
        Global {
            auto_https: None,
            http_port: 80,
            https_port: 443,
        }
    }

    #[test]
    fn addresses_take_caddys_default_schemes_and_ports() {
        let g = global();
        let a = address("example.com", &g);
        assert_eq!(
            (a.scheme.as_deref(), a.host.as_str(), a.port, a.https(&g, false)),
            (None, "example.com", 443, true)
        );
        let h = address("http://example.com", &g);
        assert_eq!((h.port, h.https(&g, false)), (80, false));
        let p = address(":8080", &g);
        assert_eq!((p.host.as_str(), p.port, p.https(&g, false)), ("", 8080, false));
        let s = address("https://[::1]:8443/app", &g);
        assert_eq!((s.host.as_str(), s.port, s.https(&g, false)), ("[::1]", 8443, true));
        assert!(!address("example.com:80", &g).https(&g, false));
    }

    #[test]
    fn upstreams_dial_as_caddy_writes_them() {
        assert_eq!(dial("localhost:8000"), "localhost:8000");
        assert_eq!(dial("http://127.0.0.1:8000"), "127.0.0.1:8000");
        assert_eq!(dial("unix//run/app.sock"), "unix//run/app.sock");
        assert_eq!(dial("http://10.0.0.2"), "10.0.0.2:80");
        assert!(
            local_upstream("unix//run/app.sock") && local_upstream("[::1]:9000") && local_upstream("localhost:8000")
        );
        assert!(!local_upstream("10.0.0.2:8000") && local_upstream(":8000") && local_upstream("unix+h2c//run/a.sock"));
    }
}
