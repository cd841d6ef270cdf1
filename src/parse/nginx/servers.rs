//! The server blocks of an nginx configuration with the values that apply in
//! them, by nginx's inheritance: a directive set at `http` applies in every
//! `server` that does not set its own, and in every `location` that does not
//! either; `add_header` is the classic trap — a level with any `add_header` of
//! its own drops every header inherited from above (nginx's array merge), so an
//! HSTS header set at `http` vanishes from a location that adds another header.
//! Each value keeps the directive that set it (file and line). No verdict here.

use super::listen::{self, Listen};
use super::Directive;

/// A value and the directive it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Set<'a> {
    pub args: &'a [String],
    pub at: &'a Directive,
}

/// One `server` block, its values resolved.
#[derive(Debug, Clone)]
pub struct Server<'a> {
    pub block: &'a Directive,
    /// Its sockets (the implicit `*:80` when it has no `listen`); a `listen` nginx
    /// would refuse is left out.
    pub listens: Vec<Listen<'a>>,
    pub names: Vec<String>,
    /// The legacy `ssl on;` (server or http level): every socket is TLS.
    pub ssl_on: Option<&'a Directive>,
    /// `ssl_protocols`, from the server or inherited from `http`.
    pub protocols: Option<Set<'a>>,
    pub ciphers: Option<Set<'a>>,
    /// Every `ssl_certificate` (an RSA and an ECDSA one may both be set), the
    /// server's own or else the http block's.
    pub certificates: Vec<&'a Directive>,
    /// The headers that apply at the server's own level (shared, not copied, by
    /// every level that inherits them).
    pub headers: Headers<'a>,
    /// `return` and `rewrite` at the server's level, in order.
    pub redirects: Vec<&'a Directive>,
    /// The `if` blocks at the server's level, in order.
    pub conditions: Vec<&'a Directive>,
    /// Directives at the server's level that serve content (`root`, `proxy_pass`...).
    pub content: Vec<&'a Directive>,
    pub locations: Vec<Location<'a>>,
}

impl Server<'_> {
    /// Whether it offers TLS: a socket with `ssl` or `quic`, or `ssl on`.
    pub fn offers_tls(&self) -> bool {
        self.ssl_on.is_some() || self.listens.iter().any(|l| l.ssl || l.quic)
    }

    /// Its plain-HTTP sockets on `port`.
    pub fn plain_on(&self, port: u16) -> impl Iterator<Item = &Listen<'_>> {
        let tls = self.ssl_on.is_some();
        self.listens
            .iter()
            .filter(move |l| !tls && !l.ssl && !l.quic && l.port == Some(port))
    }

    /// The `location /` block (the one that answers requests no other location takes).
    pub fn root_location(&self) -> Option<&Location<'_>> {
        self.locations.iter().find(|l| l.block.args == ["/"])
    }
}

/// One `location` (nested ones included, flattened), its values resolved.
#[derive(Debug, Clone)]
pub struct Location<'a> {
    pub block: &'a Directive,
    /// The headers that apply here (its own, else the nearest level's above).
    pub headers: Headers<'a>,
    pub redirects: Vec<&'a Directive>,
    /// Directives here that serve content (`root`, `alias`, `proxy_pass`...).
    pub content: Vec<&'a Directive>,
}

impl Location<'_> {
    /// Its `location` arguments as written (`= /`, `~ \.php$`, `/static/`).
    pub fn pattern(&self) -> String {
        self.block.args.join(" ")
    }
}

/// Directives that make nginx answer with content rather than a redirect.
pub const CONTENT: &[&str] = &["root", "alias", "try_files", "index"];
/// Directives that hand a request to another server.
pub const PROXIES: &[&str] = &[
    "proxy_pass",
    "uwsgi_pass",
    "fastcgi_pass",
    "scgi_pass",
    "grpc_pass",
    "memcached_pass",
];

fn is_content(d: &Directive) -> bool {
    CONTENT.contains(&d.name.as_str()) || PROXIES.contains(&d.name.as_str())
}

/// A location's content directives, those inside its `if` blocks too (they
/// serve when the condition holds).
fn content_of(block: &[Directive]) -> Vec<&Directive> {
    let mut out: Vec<&Directive> = block.iter().filter(|d| is_content(d)).collect();
    for condition in block.iter().filter(|d| d.name == "if") {
        if let Some(inner) = &condition.block {
            out.extend(content_of(inner));
        }
    }
    out
}

fn own<'a>(block: &'a [Directive], name: &str) -> Vec<&'a Directive> {
    block.iter().filter(|d| d.name == name).collect()
}

fn setting<'a>(block: &'a [Directive], name: &str) -> Option<Set<'a>> {
    // nginx refuses these repeated at one level ("is duplicate"): the one there is.
    block
        .iter()
        .find(|d| d.name == name)
        .map(|d| Set { args: &d.args, at: d })
}

/// The `add_header`s in effect at a level; levels that inherit share one list.
pub type Headers<'a> = std::rc::Rc<[&'a Directive]>;

/// Headers at a level: its own `add_header`s if it has any, else those inherited.
fn headers<'a>(block: &'a [Directive], inherited: &Headers<'a>) -> Headers<'a> {
    let mine = own(block, "add_header");
    if mine.is_empty() {
        inherited.clone()
    } else {
        mine.into()
    }
}

fn redirects(block: &[Directive]) -> Vec<&Directive> {
    block
        .iter()
        .filter(|d| d.name == "return" || d.name == "rewrite")
        .collect()
}

/// The legacy `ssl` flag of a level: Some(directive) for `on`, None for `off`
/// or none at this level (Err: the level sets none, inherit).
fn ssl_flag(block: &[Directive]) -> Result<Option<&Directive>, ()> {
    match block.iter().find(|d| d.name == "ssl") {
        Some(d) if d.args.first().is_some_and(|a| a.eq_ignore_ascii_case("on")) => Ok(Some(d)),
        Some(_) => Ok(None),
        None => Err(()),
    }
}

/// Every server of every `http` block, in order.
pub fn servers(directives: &[Directive]) -> Vec<Server<'_>> {
    let mut out = Vec::new();
    for http in directives.iter().filter(|d| d.name == "http") {
        let Some(http_block) = &http.block else { continue };
        let http_headers: Headers = own(http_block, "add_header").into();
        for server in http_block.iter().filter(|d| d.name == "server") {
            let Some(block) = &server.block else { continue };
            let server_headers = headers(block, &http_headers);
            let mut locations = Vec::new();
            collect_locations(block, &server_headers, &mut locations);
            let mut listens: Vec<Listen> = own(block, "listen").into_iter().filter_map(listen::listen).collect();
            if !block.iter().any(|d| d.name == "listen") {
                listens.push(listen::implicit(server));
            }
            let mut certificates = own(block, "ssl_certificate");
            if certificates.is_empty() {
                certificates = own(http_block, "ssl_certificate");
            }
            out.push(Server {
                block: server,
                listens,
                names: own(block, "server_name").iter().flat_map(|d| d.args.clone()).collect(),
                ssl_on: ssl_flag(block).or_else(|()| ssl_flag(http_block)).unwrap_or(None),
                protocols: setting(block, "ssl_protocols").or_else(|| setting(http_block, "ssl_protocols")),
                ciphers: setting(block, "ssl_ciphers").or_else(|| setting(http_block, "ssl_ciphers")),
                certificates,
                headers: server_headers,
                redirects: redirects(block),
                conditions: own(block, "if"),
                content: block.iter().filter(|d| is_content(d)).collect(),
                locations,
            });
        }
    }
    share_ssl(&mut out);
    out
}

/// A TLS socket (`*:443`, `[::]:443`) and the server that answers it before a
/// client names a host: the one marked `default_server`, else the first listed.
/// OpenSSL chooses the protocol version from that server's settings before nginx
/// switches to the named server, so its `ssl_protocols` is what every name on the
/// socket negotiates (nginx 1.22 with OpenSSL 3, measured in tests/differential_tls.rs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Socket {
    /// `*:443`, `[::]:443`, `127.0.0.1:8443`.
    pub address: String,
    /// Index of the default server in the list given.
    pub default: usize,
    /// Every server listening on it, by index.
    pub members: Vec<usize>,
}

/// The TLS sockets of `servers` with their default servers, in order of first listen.
pub fn tls_sockets(servers: &[&Server<'_>]) -> Vec<Socket> {
    let mut out: Vec<(Socket, bool)> = Vec::new();
    let mut by_address: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (index, server) in servers.iter().enumerate() {
        let tls = server.ssl_on.is_some();
        for listen in server.listens.iter().filter(|l| tls || l.ssl) {
            let Some(port) = listen.port else { continue };
            let host = if listen.address == "0.0.0.0" {
                "*"
            } else {
                listen.address.as_str()
            };
            let address = format!("{host}:{port}");
            match by_address.get(&address) {
                Some(&at) => {
                    let (socket, marked) = &mut out[at];
                    // A server's listens come together: it is the last member if already one.
                    if socket.members.last() != Some(&index) {
                        socket.members.push(index);
                    }
                    if listen.default_server && !*marked {
                        socket.default = index;
                        *marked = true;
                    }
                }
                None => {
                    by_address.insert(address.clone(), out.len());
                    out.push((
                        Socket {
                            address,
                            default: index,
                            members: vec![index],
                        },
                        listen.default_server,
                    ));
                }
            }
        }
    }
    out.into_iter().map(|(socket, _)| socket).collect()
}

/// nginx keeps one set of options per address:port: `ssl` on any `listen` of a
/// socket makes every server on it a TLS server there.
fn share_ssl(servers: &mut [Server<'_>]) {
    let key = |l: &Listen| {
        l.port.map(|p| {
            (
                if l.address == "0.0.0.0" {
                    "*".to_string()
                } else {
                    l.address.clone()
                },
                p,
            )
        })
    };
    let tls: std::collections::HashSet<(String, u16)> = servers
        .iter()
        .flat_map(|s| s.listens.iter())
        .filter(|l| l.ssl)
        .filter_map(key)
        .collect();
    if tls.is_empty() {
        return;
    }
    for listen in servers.iter_mut().flat_map(|s| s.listens.iter_mut()) {
        if !listen.ssl && key(listen).is_some_and(|k| tls.contains(&k)) {
            listen.ssl = true;
        }
    }
}

/// Every `upstream` block of every `http` block.
pub fn upstreams(directives: &[Directive]) -> Vec<&Directive> {
    directives
        .iter()
        .filter(|d| d.name == "http")
        .filter_map(|http| http.block.as_ref())
        .flat_map(|block| own(block, "upstream"))
        .collect()
}

fn collect_locations<'a>(block: &'a [Directive], inherited: &Headers<'a>, out: &mut Vec<Location<'a>>) {
    for location in block.iter().filter(|d| d.name == "location") {
        let Some(inner) = &location.block else { continue };
        let here = headers(inner, inherited);
        out.push(Location {
            block: location,
            headers: here.clone(),
            redirects: redirects(inner),
            content: content_of(inner),
        });
        collect_locations(inner, &here, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn parse(text: &str) -> Vec<Directive> {
        super::super::syntax::parse(text, &Arc::from("/etc/nginx/nginx.conf")).unwrap()
    }

    #[test]
    fn http_values_reach_servers_that_set_none() {
        let tree = parse(
            "http {\n ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n server { listen 443 ssl; server_name a.example b.example; }\n server { listen 443 ssl; ssl_protocols TLSv1.3; }\n}\n",
        );
        let servers = servers(&tree);
        assert_eq!(servers.len(), 2);
        let inherited = servers[0].protocols.as_ref().unwrap();
        assert_eq!(inherited.args, ["TLSv1", "TLSv1.1", "TLSv1.2"]);
        assert_eq!(inherited.at.line, 2);
        assert_eq!(servers[0].names, ["a.example", "b.example"]);
        assert_eq!(servers[1].protocols.as_ref().unwrap().args, ["TLSv1.3"]);
    }

    #[test]
    fn a_level_with_its_own_add_header_drops_the_inherited_ones() {
        let tree = parse(
            "http {\n add_header Strict-Transport-Security \"max-age=63072000\" always;\n server {\n  listen 443 ssl;\n  location / { proxy_pass http://127.0.0.1:8000; }\n  location /static { add_header Cache-Control public; location /static/x { } }\n }\n}\n",
        );
        let server = &servers(&tree)[0];
        assert_eq!(server.headers[0].args[0], "Strict-Transport-Security");
        let root = &server.locations[0];
        assert_eq!(root.headers[0].args[0], "Strict-Transport-Security");
        assert_eq!(root.content[0].args, ["http://127.0.0.1:8000"]);
        let statics = &server.locations[1];
        assert_eq!(statics.headers.len(), 1);
        assert_eq!(
            statics.headers[0].args[0], "Cache-Control",
            "HSTS silently dropped here"
        );
        // A nested location inherits from the location around it.
        assert_eq!(server.locations[2].headers[0].args[0], "Cache-Control");
    }

    #[test]
    fn redirects_at_the_server_level_are_told_from_those_in_a_location() {
        let tree = parse(
            "http {\n server { listen 80; return 301 https://$host$request_uri; }\n server { listen 80; location / { rewrite ^ https://$host$request_uri permanent; } }\n}\n",
        );
        let servers = servers(&tree);
        assert_eq!(servers[0].redirects[0].args[0], "301");
        assert!(servers[1].redirects.is_empty());
        assert_eq!(servers[1].locations[0].redirects[0].name, "rewrite");
    }
}
