//! Caddy is the judge of how a Caddyfile is read: `caddy adapt` (Debian's caddy,
//! run in a private mount namespace where the fixture is /etc/caddy) gives the
//! JSON config Caddy would run; the facts vouch reads from the same Caddyfile —
//! each site's listening port and hosts, the HSTS it sets, the upstreams it
//! proxies to, its redirects and TLS protocol bounds — must be the ones in it.

mod common;

use common::differential::{require_program, run_with_etc, write_tree, XorShift};
use common::fixture;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use vouch::parse::caddy::{self, sites};
use vouch::probe::collector::Collector;
use vouch::probe::ProbeScope;
use vouch::transport::fs::FsTransport;
use vouch::transport::Limits;

/// `caddy adapt` of the tree's /etc/caddy/Caddyfile, or what Caddy said.
fn adapt(caddy: &Path, root: &Path) -> Result<Value, String> {
    let stdout = run_with_etc(root, "caddy", caddy, &["adapt", "--config", "/etc/caddy/Caddyfile"])?;
    serde_json::from_slice(&stdout).map_err(|e| format!("caddy adapt printed no JSON: {e}"))
}

/// Caddy's placeholders written back as the Caddyfile's shorthands.
fn shorthand(text: &str) -> String {
    text.replace("{http.request.uri}", "{uri}")
        .replace("{http.request.host}", "{host}")
        .replace("{http.request.uri.path}", "{path}")
}

/// The facts of Caddy's JSON.
fn judged(json: &Value) -> BTreeSet<String> {
    let mut facts = BTreeSet::new();
    let servers = json["apps"]["http"]["servers"].as_object().cloned().unwrap_or_default();
    for server in servers.values() {
        let ports: Vec<String> = server["listen"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l.as_str()?.rsplit(':').next().map(str::to_string))
            .collect();
        for route in server["routes"].as_array().into_iter().flatten() {
            let mut hosts: Vec<String> = route["match"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|m| m["host"].as_array().cloned().unwrap_or_default())
                .filter_map(|h| h.as_str().map(str::to_string))
                .collect();
            if hosts.is_empty() {
                hosts.push(String::new());
            }
            // A top-level route matching more than hosts (a path) covers part of the site.
            let scoped = route["match"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|m| m.as_object().is_some_and(|o| o.keys().any(|k| k != "host")));
            let mut found = Vec::new();
            walk(&route["handle"], scoped, &mut found);
            for host in &hosts {
                for port in &ports {
                    facts.insert(format!("site {port} {host}"));
                }
                for fact in &found {
                    facts.insert(format!("{fact} @ {host}"));
                }
            }
        }
        for policy in server["tls_connection_policies"].as_array().into_iter().flatten() {
            let (min, max) = (policy["protocol_min"].as_str(), policy["protocol_max"].as_str());
            if min.is_none() && max.is_none() {
                continue;
            }
            for host in policy["match"]["sni"].as_array().into_iter().flatten() {
                facts.insert(format!(
                    "protocols {} {} @ {}",
                    min.unwrap_or("-"),
                    max.unwrap_or("-"),
                    host.as_str().unwrap_or("")
                ));
            }
        }
        if let Some(auto) = server.get("automatic_https") {
            if auto["disable"].as_bool() == Some(true) {
                facts.insert("auto_https off".into());
            }
            if auto["disable_redirects"].as_bool() == Some(true) {
                facts.insert("auto_https disable_redirects".into());
            }
        }
    }
    facts
}

/// Facts of handlers; `scoped` under a route that matches part of the site only
/// (HSTS counts site-wide only, as vouch reads it).
fn walk(handlers: &Value, scoped: bool, found: &mut Vec<String>) {
    for handler in handlers.as_array().into_iter().flatten() {
        match handler["handler"].as_str() {
            Some("subroute") => {
                for route in handler["routes"].as_array().into_iter().flatten() {
                    walk(&route["handle"], scoped || route.get("match").is_some(), found);
                }
            }
            Some("headers") if !scoped => {
                if let Some(values) = handler["response"]["set"]["Strict-Transport-Security"].as_array() {
                    for v in values {
                        found.push(format!("hsts {}", v.as_str().unwrap_or("")));
                    }
                }
            }
            Some("reverse_proxy") => {
                for upstream in handler["upstreams"].as_array().into_iter().flatten() {
                    found.push(format!("proxy {}", upstream["dial"].as_str().unwrap_or("")));
                }
            }
            Some("static_response") => {
                let code = handler["status_code"]
                    .as_u64()
                    .or_else(|| handler["status_code"].as_str()?.parse().ok());
                if let (Some(300..=399), Some(to)) = (code, handler["headers"]["Location"][0].as_str()) {
                    found.push(format!("redir {}", shorthand(to)));
                }
            }
            _ => {}
        }
    }
}

/// The same facts from vouch's reading.
fn read(root: &Path) -> Result<BTreeSet<String>, String> {
    let transport = FsTransport::rooted(root);
    let collector = Collector::new(&transport, Limits::default());
    let scope = ProbeScope::new(&collector);
    let file = caddy::load(&scope, caddy::MAIN).map_err(|e| e.to_string())?;
    let global = sites::global(&file);
    let mut facts = BTreeSet::new();
    match global.auto_https.map(|(v, _)| v) {
        Some("off") => {
            facts.insert("auto_https off".to_string());
        }
        Some("disable_redirects") => {
            facts.insert("auto_https disable_redirects".to_string());
        }
        _ => {}
    }
    for site in sites::sites(&file) {
        let mut hosts: Vec<String> = Vec::new();
        for address in &site.addresses {
            if !hosts.contains(&address.host) {
                hosts.push(address.host.clone());
            }
        }
        for address in &site.addresses {
            // Caddy writes no route for a catch-all site with nothing in it.
            if address.host.is_empty() && site.block.directives.is_empty() {
                continue;
            }
            facts.insert(format!("site {} {}", address.port, address.host));
        }
        for host in &hosts {
            for (value, _) in &site.hsts {
                facts.insert(format!("hsts {value} @ {host}"));
            }
            for (upstream, _) in &site.upstreams {
                facts.insert(format!("proxy {} @ {host}", sites::dial(upstream)));
            }
            for (target, _) in &site.redirects {
                facts.insert(format!("redir {target} @ {host}"));
            }
            // Caddy's connection policies match by SNI: a catch-all has none to compare.
            if let Some(protocols) = site.protocols.filter(|_| !host.is_empty()) {
                let min = protocols.args.first().map_or("-", String::as_str);
                let max = protocols.args.get(1).map_or("-", String::as_str);
                facts.insert(format!("protocols {min} {max} @ {host}"));
            }
        }
    }
    Ok(facts)
}

fn judge() -> Option<std::path::PathBuf> {
    require_program("caddy", &["/usr/bin"], "caddy")
}

fn agree(caddy: &Path, root: &Path) {
    let theirs = adapt(caddy, root).map(|json| judged(&json));
    let ours = read(root);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert_eq!(
            a,
            b,
            "{}: vouch (left) and caddy adapt (right) read it differently",
            root.display()
        ),
        (Err(_), Err(_)) => {}
        _ => panic!("{}: vouch {ours:?}, caddy adapt {theirs:?}", root.display()),
    }
}

#[test]
fn the_fixture_caddyfiles_read_as_caddy_adapt_reads_them() {
    let Some(caddy) = judge() else { return };
    for name in ["site", "imports"] {
        agree(&caddy, Path::new(&fixture(&format!("caddy/{name}"))));
    }
}

#[test]
fn generated_caddyfiles_read_as_caddy_adapt_reads_them() {
    let Some(caddy) = judge() else { return };
    const ADDRESSES: &[&str] = &[
        "a.example.com",
        "http://b.example.com",
        ":8080",
        "c.example.com:8443",
        "https://d.example.com",
        "*.e.example.com",
        "localhost",
    ];
    const LINES: &[&str] = &[
        "reverse_proxy 127.0.0.1:8000",
        "reverse_proxy unix//run/app.sock",
        "reverse_proxy http://10.0.0.9",
        "reverse_proxy /api/* localhost:9000",
        "header Strict-Transport-Security \"max-age=31536000\"",
        "header {\n\t\tStrict-Transport-Security max-age=600\n\t}",
        "header /static/* Strict-Transport-Security \"max-age=1\"",
        "redir https://example.com{uri}",
        "redir /old /new 301",
        "tls {\n\t\tprotocols tls1.2\n\t}",
        "tls internal",
        "import snip",
        "handle /x/* {\n\t\treverse_proxy 192.0.2.1:80\n\t}",
        "respond \"hi # not a comment\" 200 # a comment",
        "encode zstd gzip",
    ];
    let mut rng = XorShift(0xcadd_f11e_0000_0015);
    for case in 0..60 {
        let mut text = String::new();
        if rng.below(3) == 0 {
            text.push_str(
                [
                    "{\n\tauto_https off\n}\n",
                    "{\n\tauto_https disable_redirects\n}\n",
                    "{\n\temail a@example.com\n}\n",
                ][rng.below(3)],
            );
        }
        text.push_str("(snip) {\n\theader Strict-Transport-Security \"max-age=31536000; preload\"\n}\n");
        let mut used = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let mut addresses = Vec::new();
            for _ in 0..1 + rng.below(2) {
                let a = ADDRESSES[rng.below(ADDRESSES.len())];
                if !used.contains(&a) && !addresses.contains(&a) {
                    addresses.push(a);
                }
            }
            if addresses.is_empty() {
                continue;
            }
            used.extend(addresses.iter().copied());
            text.push_str(&format!("{} {{\n", addresses.join(", ")));
            for _ in 0..rng.below(4) {
                text.push_str(&format!("\t{}\n", LINES[rng.below(LINES.len())]));
            }
            text.push_str("}\n");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        write_tree(dir.path(), &[("etc/caddy/Caddyfile", &text)]);
        let theirs = adapt(&caddy, dir.path()).map(|json| judged(&json));
        let ours = read(dir.path());
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "case {case}:\n{text}"),
            (Err(_), Err(_)) => {}
            _ => panic!("case {case}:\n{text}\nvouch {ours:?}\ncaddy adapt {theirs:?}"),
        }
    }
}
