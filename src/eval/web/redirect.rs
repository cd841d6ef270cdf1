//! `tls.https-redirect`: does every server answering plain HTTP on port 80 send
//! clients to HTTPS? nginx runs the rewrite directives of a server's own level
//! (`return`, `rewrite`, `if`) in order before choosing a location, so the first
//! that ends the request decides: a redirect to `https://` passes, a 4xx (444
//! too) serves nothing, anything else serves content in clear. Certbot's layout
//! (`if ($host = NAME) { return 301 https://...; }` per name, then `return 404`)
//! and the in-server `if ($scheme != "https")` are recognised. With no decision at
//! the server level, `location /` decides, and any other location that serves
//! content (but the ACME challenge) is served in clear.

use super::front::{self, at, describe};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Outcome, ProbeType, Status};
use crate::parse::nginx::servers::{servers, Location as Block, Server};
use crate::parse::nginx::{Directive, NginxConfig};
use regex::Regex;

pub fn evaluator() -> EvaluatorDef {
    EvaluatorDef {
        name: "tls.https-redirect",
        description: "passes when every nginx server on plain port 80 redirects to HTTPS or serves nothing",
        params: &[],
        needs: &[ProbeType::NginxConfig, ProbeType::CaddyConfig],
        run,
    }
}

/// What a port-80 server does with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer<'a> {
    Redirects(&'a Directive),
    /// Certbot's per-name redirects, everything else refused.
    Certbot(&'a Directive),
    /// A 4xx/444 `return`: nothing is served.
    Refuses(&'a Directive),
    /// Content in clear: the directive that serves it (None: nginx's default root).
    Serves(Option<&'a Directive>, String),
}

fn run(ctx: &EvalContext) -> Outcome {
    let nginx = front::nginx(ctx.source).judge(judge);
    let caddy = front::caddy(ctx.source).judge(super::caddy::redirect);
    front::decide(Status::NeedsReview, nginx, caddy)
}

fn judge(config: &NginxConfig) -> Outcome {
    let all = servers(&config.directives);
    let plain: Vec<&Server> = all.iter().filter(|s| s.plain_on(80).next().is_some()).collect();
    if plain.is_empty() {
        return Outcome::pass("no nginx server listens for plain HTTP on port 80");
    }
    let mut findings = Vec::new();
    let mut serving = Vec::new();
    for server in &plain {
        let (message, location) = match answer(server) {
            Answer::Redirects(d) => (
                format!("{}: redirects to HTTPS ({})", describe(server), shown(d)),
                at(d),
            ),
            Answer::Certbot(d) => (
                format!(
                    "{}: certbot's layout, each name redirected to HTTPS and the rest refused ({})",
                    describe(server),
                    shown(d)
                ),
                at(d),
            ),
            Answer::Refuses(d) => (format!("{}: serves nothing ({})", describe(server), shown(d)), at(d)),
            Answer::Serves(d, why) => {
                let location = d.map_or_else(|| at(server.block), at);
                serving.push(format!("{} ({location})", describe(server)));
                (
                    format!("{}: serves content over plain HTTP: {why}", describe(server)),
                    location,
                )
            }
        };
        findings.push(Finding::at(message, location));
    }
    let outcome = if serving.is_empty() {
        Outcome::pass(format!(
            "every nginx server on port 80 redirects to HTTPS or serves nothing ({})",
            front::count(plain.len(), "server")
        ))
    } else {
        Outcome::fail(format!(
            "plain HTTP serves content without redirecting: {}",
            serving.join(", ")
        ))
    };
    outcome.with_all(findings)
}

fn shown(d: &Directive) -> String {
    format!("{} {}", d.name, d.args.join(" "))
}

fn answer<'a>(server: &Server<'a>) -> Answer<'a> {
    let Some(block) = &server.block.block else {
        return Answer::Serves(None, "an empty server block".into());
    };
    let mut certbot_names = 0;
    for directive in block {
        match directive.name.as_str() {
            "return" | "rewrite" => match ends(directive) {
                Some(End::Https) => return Answer::Redirects(directive),
                Some(End::Refused) if certbot_names > 0 => return Answer::Certbot(directive),
                Some(End::Refused) => return Answer::Refuses(directive),
                Some(End::Other(why)) => return Answer::Serves(Some(directive), why),
                None => {}
            },
            "if" => match condition(directive) {
                Condition::PlainScheme if if_redirects(directive) => return Answer::Redirects(directive),
                Condition::Host if if_redirects(directive) => certbot_names += 1,
                _ => {}
            },
            _ => {}
        }
    }
    in_locations(server)
}

/// With nothing decided at the server's level: `location /`, then the others.
fn in_locations<'a>(server: &Server<'a>) -> Answer<'a> {
    // `location /` (or `location = /` with it) answers what no other location takes.
    let root = server.locations.iter().find(|l| l.block.args == ["/"]);
    let decided = match root.map(location_answer) {
        Some(answer @ (Answer::Redirects(_) | Answer::Refuses(_))) => answer,
        Some(serves) => return serves,
        None => {
            let content = server.content.first().copied();
            let why = match content {
                Some(d) => format!("{} at the server level", shown(d)),
                None => "no redirect, so nginx serves its default root".to_string(),
            };
            return Answer::Serves(content, why);
        }
    };
    // Another location may still serve in clear (the ACME challenge aside).
    for location in server.locations.iter().filter(|l| l.block.args != ["/"]) {
        if location.pattern().contains("/.well-known/acme-challenge") {
            continue;
        }
        if let serves @ Answer::Serves(..) = location_answer(location) {
            return serves;
        }
    }
    decided
}

/// What a location does with a request: its first `return`/`rewrite` that ends
/// it, an `if ($scheme ...)` redirect, `deny all` (403), else it serves.
fn location_answer<'a>(location: &Block<'a>) -> Answer<'a> {
    let Some(block) = &location.block.block else {
        return Answer::Serves(None, format!("location {} serves content in clear", location.pattern()));
    };
    for directive in block {
        match directive.name.as_str() {
            "return" | "rewrite" => match ends(directive) {
                Some(End::Https) => return Answer::Redirects(directive),
                Some(End::Refused) => return Answer::Refuses(directive),
                Some(End::Other(why)) => return Answer::Serves(Some(directive), why),
                None => {}
            },
            "if" if matches!(condition(directive), Condition::PlainScheme) && if_redirects(directive) => {
                return Answer::Redirects(directive)
            }
            "deny" if directive.args == ["all"] => return Answer::Refuses(directive),
            _ => {}
        }
    }
    let first = location.content.first().copied();
    Answer::Serves(
        first,
        format!("location {} serves content in clear", location.pattern()),
    )
}

enum End {
    Https,
    Refused,
    Other(String),
}

/// How a `return` or `rewrite` ends a request; None when it lets it go on.
fn ends(d: &Directive) -> Option<End> {
    match d.name.as_str() {
        "return" => {
            let args = &d.args;
            let (code, url) = match args.as_slice() {
                [one] if one.starts_with("http://") || one.starts_with("https://") || one.starts_with("$scheme") => {
                    ("302", Some(one.as_str()))
                }
                [code] => (code.as_str(), None),
                [code, url, ..] => (code.as_str(), Some(url.as_str())),
                [] => return None,
            };
            match (code, url) {
                ("301" | "302" | "307" | "308", Some(url)) if url.starts_with("https://") => Some(End::Https),
                ("301" | "302" | "303" | "307" | "308", Some(url)) => {
                    Some(End::Other(format!("{} redirects to {url}, not to https://", shown(d))))
                }
                (code, _) if code == "444" || code.starts_with('4') && code.len() == 3 => Some(End::Refused),
                _ => Some(End::Other(format!("{} answers in clear", shown(d)))),
            }
        }
        "rewrite" => {
            let [pattern, replacement, ..] = d.args.as_slice() else {
                return None;
            };
            // nginx redirects whenever the replacement is an absolute URL, whatever the flag.
            let redirects = replacement.starts_with("https://");
            // Only a pattern every URI matches redirects the whole site.
            let everything = Regex::new(pattern).is_ok_and(|re| re.is_match("/") && re.is_match("/any/path"));
            (redirects && everything).then_some(End::Https)
        }
        _ => None,
    }
}

enum Condition {
    /// `$scheme = http`, `$scheme != https`: true on plain sockets.
    PlainScheme,
    /// `$host = NAME` (certbot).
    Host,
    Other,
}

fn condition(d: &Directive) -> Condition {
    let words: Vec<&str> = d
        .args
        .iter()
        .map(|a| a.trim_matches(|c| c == '(' || c == ')' || c == '"' || c == '\''))
        .filter(|a| !a.is_empty())
        .collect();
    match words.as_slice() {
        ["$scheme", "=", "http"] | ["$scheme", "!=", "https"] => Condition::PlainScheme,
        ["$host" | "$server_name" | "$http_host", "=", _] => Condition::Host,
        _ => Condition::Other,
    }
}

fn if_redirects(d: &Directive) -> bool {
    d.block
        .iter()
        .flatten()
        .find(|inner| inner.name == "return" || inner.name == "rewrite")
        .is_some_and(|inner| matches!(ends(inner), Some(End::Https)))
}
