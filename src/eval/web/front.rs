//! What fronts the application: the nginx configuration as nginx reads it (or why
//! it is unknown), and the installed nginx's version from dpkg, shared by every
//! tls.* evaluator. No verdict here but the common ones: no web server found, a
//! configuration nginx refuses, no server offering TLS.

use crate::evidence::Source;
use crate::model::{Finding, Location, Outcome, Status};
use crate::parse::apt::dpkg;
use crate::parse::nginx::servers::{self, Server};
use crate::parse::nginx::{self, LoadError, NginxConfig};
use crate::parse::text::read_text;

/// Where dpkg records installed packages.
pub const DPKG_STATUS: &str = "/var/lib/dpkg/status";
/// The Debian and nginx.org packages that install the nginx binary.
const NGINX_PACKAGES: &[&str] = &["nginx-core", "nginx-full", "nginx-light", "nginx-extras", "nginx"];

/// The web server configuration found on the target.
#[derive(Debug)]
pub enum Front {
    /// No nginx.conf: no web server here (TLS may end at a load balancer).
    Absent,
    /// nginx.conf is there but its configuration is unknown: why, and where.
    Unknown(String, Option<Location>),
    Nginx(NginxConfig),
}

pub fn load(source: &dyn Source) -> Front {
    match nginx::load(source, nginx::MAIN) {
        Ok(config) => Front::Nginx(config),
        Err(LoadError::Missing { .. }) => Front::Absent,
        Err(LoadError::Refused { path, line, message }) => Front::Unknown(
            format!("nginx refuses its configuration: {message}"),
            Some(Location::line(path, line as u32)),
        ),
        Err(e @ LoadError::Unreadable(_)) => Front::Unknown(format!("the nginx configuration is unknown: {e}"), None),
    }
}

/// The outcome when there is no configuration to judge, or None when there is.
/// `absent` is the rule's status for "no web server configuration found".
pub fn undecided(front: &Front, absent: Status) -> Option<Outcome> {
    match front {
        Front::Absent => Some(Outcome::new(
            absent,
            "no web server configuration found (no /etc/nginx/nginx.conf); TLS may end at a load balancer",
        )),
        Front::Unknown(why, at) => {
            let outcome = Outcome::needs_review(why.clone());
            Some(match at {
                Some(at) => outcome.with(Finding::at(why.clone(), at.clone())),
                None => outcome,
            })
        }
        Front::Nginx(_) => None,
    }
}

/// The outcome when nginx is configured but no server offers TLS.
pub fn no_tls(config: &NginxConfig) -> Outcome {
    let count = servers::servers(&config.directives).len();
    Outcome::not_applicable(format!(
        "nginx is configured ({count} server block{}) but no server listens with ssl or quic; \
         tls.https-redirect reports the missing HTTPS",
        if count == 1 { "" } else { "s" }
    ))
}

/// Judge the servers offering TLS with `judge`; the common outcomes first: no
/// configuration (status `absent`), one nginx refuses, no server offering TLS.
pub fn judge_tls(source: &dyn Source, absent: Status, judge: impl FnOnce(&[&Server]) -> Outcome) -> Outcome {
    let front = load(source);
    if let Some(outcome) = undecided(&front, absent) {
        return outcome;
    }
    let Front::Nginx(config) = &front else {
        unreachable!("undecided covers the rest")
    };
    let all = servers::servers(&config.directives);
    let tls: Vec<&Server> = all.iter().filter(|s| s.offers_tls()).collect();
    if tls.is_empty() {
        return no_tls(config);
    }
    judge(&tls)
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
