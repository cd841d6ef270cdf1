//! nginx's `listen` as `ngx_http_core_listen` reads it (an address and port, a
//! port alone, a host alone meaning port 80, `[IPv6]:port`, `unix:PATH`, then
//! flags such as `ssl`, `quic`, `http2`, `default_server`), a server with no
//! `listen` listening on `*:80`; and proxy targets (`proxy_pass`, `uwsgi_pass`...)
//! as addresses, through `upstream` blocks. No verdict here.

use super::Directive;

/// One socket a server listens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen<'a> {
    /// The `listen` directive, or the server block itself for the implicit `*:80`.
    pub at: &'a Directive,
    /// The address part (`*` for any), or the socket path for `unix:`.
    pub address: String,
    /// None for a unix socket.
    pub port: Option<u16>,
    pub ssl: bool,
    pub quic: bool,
    pub default_server: bool,
    /// No `listen` in the server: nginx listens on `*:80`.
    pub implicit: bool,
}

/// Read one `listen` directive; None when nginx would refuse it (no argument, bad port).
pub fn listen(at: &Directive) -> Option<Listen<'_>> {
    let (first, flags) = at.args.split_first()?;
    let has = |flag: &str| flags.iter().any(|f| f == flag);
    let (address, port) = if let Some(path) = first.strip_prefix("unix:") {
        (path.to_string(), None)
    } else {
        let (address, port) = split_host_port(first)?;
        (address, Some(port))
    };
    Some(Listen {
        at,
        address,
        port,
        ssl: has("ssl"),
        quic: has("quic"),
        default_server: has("default_server") || has("default"),
        implicit: false,
    })
}

/// `host:port`, `[v6]:port`, `port` or `host` (port 80); None for a port out of range.
fn split_host_port(text: &str) -> Option<(String, u16)> {
    let port = |p: &str| p.parse::<u16>().ok().filter(|p| *p > 0);
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return Some(("*".to_string(), port(text)?));
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return match after.strip_prefix(':') {
            Some(p) => Some((format!("[{host}]"), port(p)?)),
            None if after.is_empty() => Some((format!("[{host}]"), 80)),
            None => None,
        };
    }
    match text.rsplit_once(':') {
        Some((host, p)) => Some((host.to_string(), port(p)?)),
        None => Some((text.to_string(), 80)),
    }
}

/// The implicit listen of a server without one.
pub fn implicit(server: &Directive) -> Listen<'_> {
    Listen {
        at: server,
        address: "*".into(),
        port: Some(80),
        ssl: false,
        quic: false,
        default_server: false,
        implicit: true,
    }
}

/// Where a proxying directive sends requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A unix socket path.
    Unix(String),
    /// A host (name or address, IPv6 in brackets) and its port, if given.
    Host { host: String, port: Option<u16> },
    /// A variable nginx resolves per request (`proxy_pass http://$backend`).
    Dynamic(String),
}

/// The targets of a `proxy_pass`/`uwsgi_pass`/`fastcgi_pass`/`grpc_pass`/`scgi_pass`
/// argument: its own address, or each `server` of the `upstream` it names, with
/// the directive that gave each.
pub fn targets<'a>(value: &str, at: &'a Directive, upstreams: &[&'a Directive]) -> Vec<(Target, &'a Directive)> {
    // `uwsgi_pass unix:///run/app.sock`: a socket, not a `unix://` scheme.
    if let Some(path) = value.strip_prefix("unix:") {
        return vec![(Target::Unix(path.to_string()), at)];
    }
    let rest = value.split_once("://").map_or(value, |(_, rest)| rest);
    if let Some(path) = rest.strip_prefix("unix:") {
        // proxy_pass http://unix:/run/app.sock:/uri — the path ends at the next colon.
        let path = path.split(':').next().unwrap_or(path);
        return vec![(Target::Unix(path.to_string()), at)];
    }
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    if authority.contains('$') {
        return vec![(Target::Dynamic(authority.to_string()), at)];
    }
    if let Some(upstream) = upstreams
        .iter()
        .find(|u| u.args.first().is_some_and(|n| n == authority))
    {
        let servers = upstream.block.iter().flatten().filter(|d| d.name == "server");
        return servers
            .filter_map(|server| Some((address(server.args.first()?), server)))
            .collect();
    }
    vec![(address(authority), at)]
}

fn address(text: &str) -> Target {
    if let Some(path) = text.strip_prefix("unix:") {
        return Target::Unix(path.to_string());
    }
    let explicit_port = text.starts_with('[') && text.contains("]:") || !text.starts_with('[') && text.contains(':');
    match split_host_port(text) {
        Some((host, port)) if explicit_port => Target::Host { host, port: Some(port) },
        Some((host, _)) => Target::Host { host, port: None },
        None => Target::Host {
            host: text.to_string(),
            port: None,
        },
    }
}

impl Target {
    /// Whether only this machine can reach it: a unix socket, 127.0.0.0/8, ::1, localhost.
    pub fn is_local(&self) -> bool {
        match self {
            Target::Unix(_) => true,
            Target::Host { host, .. } => is_loopback(host),
            Target::Dynamic(_) => false,
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Unix(path) => write!(f, "unix:{path}"),
            Target::Host { host, port: Some(port) } => write!(f, "{host}:{port}"),
            Target::Host { host, port: None } => write!(f, "{host}"),
            Target::Dynamic(text) => write!(f, "{text}"),
        }
    }
}

/// A loopback host: `localhost`, 127.0.0.0/8, `::1` (bracketed or not).
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") || bare.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn directive(name: &str, args: &[&str]) -> Directive {
        Directive {
            name: name.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            file: Arc::from("/etc/nginx/nginx.conf"),
            line: 1,
            block: None,
        }
    }

    #[test]
    fn listen_reads_addresses_ports_and_flags_as_nginx_does() {
        let cases: &[(&[&str], &str, Option<u16>, bool)] = &[
            (&["80"], "*", Some(80), false),
            (&["443", "ssl", "http2"], "*", Some(443), true),
            (&["[::]:443", "ssl"], "[::]", Some(443), true),
            (&["[::]"], "[::]", Some(80), false),
            (&["127.0.0.1:8080"], "127.0.0.1", Some(8080), false),
            (&["example.com"], "example.com", Some(80), false),
            (&["unix:/run/nginx.sock"], "/run/nginx.sock", None, false),
        ];
        for (args, address, port, ssl) in cases {
            let d = directive("listen", args);
            let l = listen(&d).unwrap();
            assert_eq!((l.address.as_str(), l.port, l.ssl), (*address, *port, *ssl), "{args:?}");
        }
        assert!(listen(&directive("listen", &["99999"])).is_none());
        assert!(
            listen(&directive("listen", &["443", "quic", "default_server"]))
                .unwrap()
                .quic
        );
    }

    #[test]
    fn proxy_targets_go_through_upstreams_and_unix_sockets() {
        let at = directive("proxy_pass", &["http://app"]);
        let mut upstream = directive("upstream", &["app"]);
        upstream.block = Some(vec![
            directive("server", &["127.0.0.1:8000"]),
            directive("server", &["10.0.0.5:8000", "backup"]),
        ]);
        let found = targets("http://app", &at, &[&upstream]);
        let shown: Vec<String> = found.iter().map(|(t, _)| t.to_string()).collect();
        assert_eq!(shown, ["127.0.0.1:8000", "10.0.0.5:8000"]);
        assert!(found[0].0.is_local() && !found[1].0.is_local());
        let unix = targets("http://unix:/run/app/gunicorn.sock:/api", &at, &[]);
        assert_eq!(unix[0].0, Target::Unix("/run/app/gunicorn.sock".into()));
        assert!(targets("http://[::1]:8000/", &at, &[])[0].0.is_local());
        assert!(targets("http://localhost", &at, &[])[0].0.is_local());
        assert!(!targets("http://203.0.113.9:8000", &at, &[])[0].0.is_local());
        assert!(matches!(targets("http://$backend", &at, &[])[0].0, Target::Dynamic(_)));
        assert!(
            targets("127.0.0.1:9000", &at, &[])[0].0.is_local(),
            "uwsgi_pass without a scheme"
        );
    }
}
