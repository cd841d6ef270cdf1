//! `firewall.listening-services` (hybrid): from `ss -tlnH`, warn when the app
//! server (gunicorn, uvicorn, a python process, or a typical app port such as
//! 8000) or a datastore (by process name, or a datastore port such as 5432)
//! listens on 0.0.0.0 / :: instead of loopback; needs_review without the command
//! output. Listeners on a specific non-loopback address are listed, not flagged.

use super::watched::{datastore_name, APP_PORTS};
use crate::eval::EvalContext;
use crate::model::{Finding, Location, Outcome};
use crate::parse::ss::{collected, parse_ss, Listener};

/// Process names (ss shows the 15-character comm) of datastores.
const DATASTORE_PROCESSES: &[(&str, &str)] = &[
    ("postgres", "PostgreSQL"),
    ("postmaster", "PostgreSQL"),
    ("mysqld", "MySQL"),
    ("mariadbd", "MariaDB"),
    ("redis-server", "Redis"),
    ("valkey-server", "Valkey"),
    ("memcached", "memcached"),
    ("mongod", "MongoDB"),
    ("mongos", "MongoDB"),
    ("couchdb", "CouchDB"),
    ("influxd", "InfluxDB"),
    ("beam.smp", "RabbitMQ"),
];

/// Process names of Python app servers (and other app backends).
const APP_PROCESSES: &[&str] = &[
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "uwsgi",
    "waitress-serve",
    "granian",
    "node",
];

pub fn evaluate(ctx: &EvalContext) -> Outcome {
    let Some((label, text)) = collected(ctx.source) else {
        return Outcome::needs_review(
            "No `ss -tlnH` output was collected: check which services listen beyond loopback (`ss -tlnp`)",
        );
    };
    decide(&parse_ss(&text), &label)
}

/// The decision from parsed listeners; `label` names the command for locations.
pub fn decide(listeners: &[Listener], label: &str) -> Outcome {
    let mut flagged: Vec<(String, Location)> = Vec::new();
    let mut findings = Vec::new();
    for listener in listeners {
        let at = Location::line(label, listener.line);
        let role = role(listener);
        let exposed = listener.is_wildcard() && role.is_some();
        findings.push(Finding::at(describe(listener, role.as_deref(), exposed), at.clone()));
        if let (true, Some(role)) = (exposed, role) {
            flagged.push((format!("{role} listens on {} instead of loopback", listener.local), at));
        }
    }
    let outcome = match flagged.split_first() {
        Some(((first, at), rest)) => {
            let more = if rest.is_empty() {
                String::new()
            } else {
                format!(" (and {} more)", rest.len())
            };
            Outcome::warn(format!("{first}: {at}{more}"))
        }
        None => Outcome::pass(format!(
            "No app server or datastore listens on 0.0.0.0 or :: ({} listening sockets checked)",
            listeners.len()
        )),
    };
    outcome.with_all(findings)
}

/// `the app server (gunicorn)`, `PostgreSQL (postgres)`, or None for other services.
fn role(listener: &Listener) -> Option<String> {
    let process = listener.process.as_deref().unwrap_or("");
    let shown = |what: &str| match process {
        "" => format!("{what} (port {})", listener.port),
        p => format!("{what} ({p})"),
    };
    if let Some((_, name)) = DATASTORE_PROCESSES.iter().find(|(p, _)| *p == process) {
        return Some(shown(name));
    }
    if APP_PROCESSES.contains(&process) || process.starts_with("python") {
        return Some(shown("the app server"));
    }
    if let Some(name) = datastore_name(listener.port) {
        return Some(shown(name));
    }
    APP_PORTS.contains(&listener.port).then(|| shown("the app server"))
}

fn describe(listener: &Listener, role: Option<&str>, exposed: bool) -> String {
    let who = role.map_or_else(
        || listener.process.clone().unwrap_or_else(|| "a service".to_string()),
        str::to_string,
    );
    let verdict = if exposed {
        "on every address: bind it to 127.0.0.1 (or ::1)"
    } else if listener.is_loopback() {
        "loopback only"
    } else if listener.is_wildcard() {
        "on every address"
    } else {
        "on a specific address"
    };
    format!("{} — {who}, {verdict}", listener.local)
}
