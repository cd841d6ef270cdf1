//! `tls.backend-loopback`: is the application reachable only through the proxy?
//! Every `proxy_pass`/`uwsgi_pass`/... of nginx (through `upstream` blocks) must
//! reach a loopback address or a unix socket, and every application server a
//! systemd unit starts (gunicorn, uvicorn, hypercorn, waitress, daphne, Django's
//! runserver) must listen on one; a public address is named with where it is set.

use super::front::{self, at, describe, Loaded};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::evidence::Source;
use crate::model::{Finding, Location, Outcome, ProbeType};
use crate::parse::appserver::{listening, local_address};
use crate::parse::nginx::listen::{targets, Target};
use crate::parse::nginx::servers::{servers, upstreams, PROXIES};
use crate::parse::nginx::NginxConfig;
use crate::parse::ss;

pub fn evaluator() -> EvaluatorDef {
    EvaluatorDef {
        name: "tls.backend-loopback",
        description: "passes when nginx proxies only to loopback or unix sockets and the app server binds only there",
        params: &[],
        needs: &[
            ProbeType::NginxConfig,
            ProbeType::CaddyConfig,
            ProbeType::AppServers,
            ProbeType::Command,
        ],
        run,
    }
}

/// One place the application is reached or listens, and whether only this machine reaches it.
struct Reach {
    local: bool,
    message: String,
    location: Location,
}

fn proxies(config: &NginxConfig) -> Vec<Reach> {
    let ups = upstreams(&config.directives);
    let mut out = Vec::new();
    for server in servers(&config.directives) {
        let levels = std::iter::once((String::new(), server.content.clone())).chain(
            server
                .locations
                .iter()
                .map(|l| (format!(", location {}", l.pattern()), l.content.clone())),
        );
        for (place, content) in levels {
            for directive in content.iter().filter(|d| PROXIES.contains(&d.name.as_str())) {
                let Some(value) = directive.args.first() else { continue };
                for (target, given) in targets(value, directive, &ups) {
                    let local = target.is_local();
                    let via = if std::ptr::eq(given, *directive) {
                        String::new()
                    } else {
                        format!(" (upstream server at {})", at(given))
                    };
                    out.push(Reach {
                        local,
                        message: format!(
                            "{}{place}: {} {value} reaches {target}{via}{}",
                            describe(&server),
                            directive.name,
                            match (&target, local) {
                                (_, true) => "",
                                (Target::Dynamic(_), false) => ", chosen per request: vouch cannot tell where",
                                (_, false) => ", off this machine or on a public interface",
                            }
                        ),
                        location: at(given),
                    });
                }
            }
        }
    }
    out
}

/// Application servers the host shows listening right now (`ss -tlnpH`, where
/// vouch runs commands): the running truth beside what the units say.
fn live_listeners(source: &dyn Source) -> Vec<Reach> {
    const SERVERS: &[&str] = &["gunicorn", "uvicorn", "hypercorn", "waitress-serve", "daphne"];
    let Some((label, text)) = ss::collected(source) else {
        return Vec::new();
    };
    ss::parse_ss(&text)
        .into_iter()
        .filter(|l| l.process.as_deref().is_some_and(|p| SERVERS.contains(&p)))
        .map(|l| {
            let local = l.is_loopback();
            let program = l.process.clone().unwrap_or_default();
            Reach {
                local,
                message: format!(
                    "{program} is listening on {}{}",
                    l.local,
                    if local { "" } else { " now: reachable without the proxy" }
                ),
                location: Location::line(label.clone(), l.line),
            }
        })
        .collect()
}

/// Where the application servers systemd units start listen.
fn app_servers(source: &dyn Source) -> Vec<Reach> {
    listening(source)
        .into_iter()
        .map(|l| {
            let location = Location::line(l.path, l.line);
            match l.address {
                Ok(address) => bind_reach(l.program, &address, l.default, location),
                Err(why) => Reach {
                    local: false,
                    message: format!("{} listens where vouch cannot tell: {why}", l.program),
                    location,
                },
            }
        })
        .collect()
}

fn bind_reach(program: &str, address: &str, default: bool, location: Location) -> Reach {
    let local = local_address(address);
    let default = if default { " (its default)" } else { "" };
    Reach {
        local,
        message: format!(
            "{program} listens on {address}{default}{}",
            if local { "" } else { ": reachable without the proxy" }
        ),
        location,
    }
}

fn run(ctx: &EvalContext) -> Outcome {
    let mut proxied = Vec::new();
    match &*front::nginx(ctx.source) {
        Loaded::Unknown(why) => return why.clone(),
        Loaded::Present(config) => proxied.extend(proxies(config)),
        Loaded::Absent => {}
    }
    match &*front::caddy(ctx.source) {
        Loaded::Unknown(why) => return why.clone(),
        Loaded::Present(file) => proxied.extend(super::caddy::upstreams(file).into_iter().map(
            |(local, message, location)| Reach {
                local,
                message,
                location,
            },
        )),
        Loaded::Absent => {}
    }
    if proxied.is_empty() {
        let apps = app_servers(ctx.source).into_iter().chain(live_listeners(ctx.source));
        let outcome = Outcome::needs_review(
            "no proxy configuration found (no proxy_pass or uwsgi_pass in nginx, no reverse_proxy in Caddy)",
        );
        return outcome.with_all(apps.map(|r| Finding::at(r.message, r.location)));
    }
    let reaches: Vec<Reach> = proxied
        .into_iter()
        .chain(app_servers(ctx.source))
        .chain(live_listeners(ctx.source))
        .collect();
    let exposed: Vec<String> = reaches
        .iter()
        .filter(|r| !r.local)
        .map(|r| format!("{} ({})", r.message, r.location))
        .collect();
    let findings: Vec<Finding> = reaches
        .iter()
        .map(|r| Finding::at(r.message.clone(), r.location.clone()))
        .collect();
    let outcome = match exposed.first() {
        Some(first) => Outcome::warn(if exposed.len() == 1 {
            first.clone()
        } else {
            format!("{first}, and {} more", exposed.len() - 1)
        }),
        None => Outcome::pass(format!(
            "the application is reached only through loopback or unix sockets ({}: proxy targets and app server binds)",
            front::count(reaches.len(), "place")
        )),
    };
    outcome.with_all(findings)
}
