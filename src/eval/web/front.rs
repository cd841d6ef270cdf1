//! What fronts the application: nginx's configuration as nginx reads it and the
//! Caddyfile as Caddy reads it (or why either is unknown), and the installed
//! nginx's version from dpkg, shared by every tls.* evaluator. No verdict here
//! but the common ones — no web server found, a configuration its server refuses,
//! no server offering TLS — and how nginx's and Caddy's parts make one outcome.

use crate::evidence::memo::memoized;
use crate::evidence::Source;
use crate::model::{Finding, Location, Outcome, Status};
use crate::parse::apt::dpkg;
use crate::parse::caddy::sites::Site;
use crate::parse::caddy::{self, Caddyfile};
use crate::parse::nginx::servers::{self, Server};
use crate::parse::nginx::{self, dump, LoadError, NginxConfig};
use crate::parse::text::read_text;
use std::sync::Arc;

/// Where dpkg records installed packages.
pub const DPKG_STATUS: &str = "/var/lib/dpkg/status";
/// The Debian and nginx.org packages that install the nginx binary.
const NGINX_PACKAGES: &[&str] = &["nginx-core", "nginx-full", "nginx-light", "nginx-extras", "nginx"];

/// What a scan found of one web server's configuration.
#[derive(Debug)]
pub enum Loaded<T> {
    /// Not configured here.
    Absent,
    /// Configured, but unknown: the outcome that says why.
    Unknown(Outcome),
    Present(T),
}

fn unknown(why: String, at: Option<Location>) -> Outcome {
    let outcome = Outcome::needs_review(why.clone());
    match at {
        Some(at) => outcome.with(Finding::at(why, at)),
        None => outcome,
    }
}

/// nginx's configuration as nginx reads it: from `nginx -T`'s dump when the
/// target ran it (nginx's own reading, checked against the files), else from the
/// files, includes followed as nginx follows them.
pub fn nginx(source: &dyn Source) -> Arc<Loaded<NginxConfig>> {
    memoized(source, "web.nginx", || load_nginx(source))
}

fn load_nginx(source: &dyn Source) -> Loaded<NginxConfig> {
    match dump::from_command(&source.command(dump::ARGV)) {
        Some(Ok(dumped)) => match dump::verify(&dumped, source) {
            Ok(()) => {
                return match nginx::load(&dump::DumpSource { dump: &dumped }, nginx::MAIN) {
                    Ok(config) => Loaded::Present(config),
                    Err(e) => Loaded::Unknown(unknown(
                        format!("vouch cannot read the configuration nginx -T accepts: {e}"),
                        None,
                    )),
                };
            }
            Err(why) => {
                return Loaded::Unknown(unknown(
                    format!("nginx -T and the configuration files disagree: {why}"),
                    None,
                ))
            }
        },
        Some(Err(refusal)) => {
            let at = dump::refusal_at(&refusal).map(|(path, line)| Location::line(path, line as u32));
            return Loaded::Unknown(unknown(format!("nginx -t refuses its configuration: {refusal}"), at));
        }
        None => {}
    }
    match nginx::load(source, nginx::MAIN) {
        Ok(config) => Loaded::Present(config),
        Err(LoadError::Missing { .. }) => Loaded::Absent,
        Err(LoadError::Refused { path, line, message }) => Loaded::Unknown(unknown(
            format!("nginx refuses its configuration: {message}"),
            Some(Location::line(path, line as u32)),
        )),
        Err(e @ LoadError::Unreadable(_)) => {
            Loaded::Unknown(unknown(format!("the nginx configuration is unknown: {e}"), None))
        }
    }
}

/// The Caddyfile as Caddy reads it.
pub fn caddy(source: &dyn Source) -> Arc<Loaded<Caddyfile>> {
    memoized(source, "web.caddy", || load_caddy(source))
}

fn load_caddy(source: &dyn Source) -> Loaded<Caddyfile> {
    match caddy::load(source, caddy::MAIN) {
        Ok(file) if !file.unset_environment.is_empty() => {
            let (name, path) = &file.unset_environment[0];
            Loaded::Unknown(unknown(
                format!("the Caddyfile takes {{${name}}} from Caddy's environment, which a scan cannot see"),
                Some(Location::file(path.clone())),
            ))
        }
        Ok(file) => Loaded::Present(file),
        Err(caddy::LoadError::Missing { .. }) => Loaded::Absent,
        Err(caddy::LoadError::Refused { path, line, message }) => Loaded::Unknown(unknown(
            format!("Caddy refuses its Caddyfile: {message}"),
            Some(Location::line(path, line as u32)),
        )),
        Err(e @ caddy::LoadError::Unreadable(_)) => {
            Loaded::Unknown(unknown(format!("the Caddyfile is unknown: {e}"), None))
        }
    }
}

impl<T> Loaded<T> {
    /// The rule's part for this server: None when it is not configured.
    pub fn judge(&self, judge: impl FnOnce(&T) -> Outcome) -> Option<Outcome> {
        match self {
            Loaded::Absent => None,
            Loaded::Unknown(outcome) => Some(outcome.clone()),
            Loaded::Present(config) => Some(judge(config)),
        }
    }
}

/// The outcome when nginx is configured but no server offers TLS.
pub fn no_tls(config: &NginxConfig) -> Outcome {
    let blocks = servers::servers(&config.directives).len();
    Outcome::not_applicable(format!(
        "nginx is configured ({}) but no server listens with ssl or quic; tls.https-redirect reports the missing HTTPS",
        count(blocks, "server block")
    ))
}

/// nginx's part of a rule over its servers offering TLS: None without nginx,
/// needs_review when its configuration is unknown, not_applicable with no TLS server.
pub fn nginx_tls(source: &dyn Source, judge: impl FnOnce(&[&Server]) -> Outcome) -> Option<Outcome> {
    nginx(source).judge(|config| {
        let all = servers::servers(&config.directives);
        let tls: Vec<&Server> = all.iter().filter(|s| s.offers_tls()).collect();
        if tls.is_empty() {
            return no_tls(config);
        }
        judge(&tls)
    })
}

/// Caddy's part of a rule over its HTTPS sites: None without a Caddyfile.
pub fn caddy_https(source: &dyn Source, judge: impl FnOnce(&Caddyfile, &[Site]) -> Outcome) -> Option<Outcome> {
    caddy(source).judge(|file| {
        let global = caddy::sites::global(file);
        let all = caddy::sites::sites(file);
        let https: Vec<Site> = all.into_iter().filter(|s| s.https(&global)).collect();
        if https.is_empty() {
            return Outcome::not_applicable(format!(
                "Caddy is configured ({}) but no site is served over HTTPS",
                count(file.sites.len(), "site block")
            ));
        }
        judge(file, &https)
    })
}

/// How much a status weighs when two web servers' outcomes are one.
fn weight(status: Status) -> u8 {
    match status {
        Status::Fail => 6,
        Status::Error => 5,
        Status::Warn => 4,
        Status::NeedsReview => 3,
        Status::Pass => 2,
        Status::NotApplicable => 1,
    }
}

/// One outcome from nginx's and Caddy's parts: the worse decides, both are told;
/// with neither configured, `absent` (no web server here; TLS may end at a load balancer).
pub fn decide(absent: Status, nginx: Option<Outcome>, caddy: Option<Outcome>) -> Outcome {
    match (nginx, caddy) {
        (None, None) => Outcome::new(
            absent,
            "no web server configuration found (no /etc/nginx/nginx.conf or /etc/caddy/Caddyfile); TLS may end at a load balancer",
        ),
        (Some(one), None) | (None, Some(one)) => one,
        (Some(n), Some(c)) => {
            let status = if weight(n.status) >= weight(c.status) { n.status } else { c.status };
            Outcome::new(status, format!("nginx: {}; Caddy: {}", n.summary, c.summary))
                .with_all(n.findings)
                .with_all(c.findings)
        }
    }
}

/// `3 servers`, `1 server`.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// `server_name`s and where, for findings: `example.com www.example.com (/etc/nginx/sites-enabled/shop:3)`.
pub fn describe(server: &servers::Server<'_>) -> String {
    let names = if server.names.is_empty() || server.names.iter().all(|n| n.is_empty()) {
        "(no server_name)".to_string()
    } else {
        server.names.join(" ")
    };
    format!("server {names}")
}

pub fn at(directive: &nginx::Directive) -> Location {
    Location::line(directive.file.to_string(), directive.line as u32)
}

/// The installed nginx's upstream version (`1.22.1` of `1.22.1-9+deb12u1`), and
/// the package that gave it; None when dpkg's database says nothing of nginx.
pub fn nginx_version(source: &dyn Source) -> Option<(String, Location)> {
    let text = read_text(source, DPKG_STATUS).ok()?;
    for stanza in dpkg::stanzas(&text) {
        let (Some(package), Some(version), Some(status)) = (stanza.package, stanza.version, stanza.status) else {
            continue;
        };
        let installed = dpkg::status_words(status).is_some_and(|(_, _, state)| state == "installed");
        if installed && NGINX_PACKAGES.contains(&package) {
            let upstream = version.split_once(':').map_or(version, |(_, v)| v);
            let upstream = upstream.rsplit_once('-').map_or(upstream, |(v, _)| v);
            return Some((upstream.to_string(), Location::line(DPKG_STATUS, stanza.line)));
        }
    }
    None
}

/// Whether version `a` (dotted numbers) is at least `b`.
pub fn at_least(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Vec<u64> {
        v.split(|c: char| !c.is_ascii_digit())
            .take_while(|p| !p.is_empty())
            .filter_map(|p| p.parse().ok())
            .collect()
    };
    parts(a) >= parts(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_their_numbers() {
        assert!(at_least("1.23.4", "1.23.4"));
        assert!(at_least("1.24.0", "1.23.4"));
        assert!(at_least("1.100", "1.23.4"));
        assert!(!at_least("1.22.1", "1.23.4"));
        assert!(!at_least("1.18.0", "1.23.4"));
    }
}
