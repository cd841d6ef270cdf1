//! `tls.hsts`: does every nginx server offering TLS send Strict-Transport-Security
//! with a max-age of at least 180 days, at its own level and in every location?
//! nginx inherits `add_header` only into a level that defines none, so a location
//! with a header of its own silently drops HSTS there.

use super::front::{self, at, describe};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Location, Outcome, ProbeType, Status};
use crate::parse::nginx::Directive;

/// 180 days, the rule's bound.
pub const MIN_MAX_AGE: u64 = 15_552_000;

pub fn evaluator() -> EvaluatorDef {
    EvaluatorDef {
        name: "tls.hsts",
        description:
            "passes when every nginx server offering TLS, and each of its locations, sends HSTS for 180 days or more",
        params: &[],
        needs: &[ProbeType::NginxConfig, ProbeType::CaddyConfig],
        run,
    }
}

/// The max-age an HSTS header of `headers` sets: Ok(age, directive), or Err(why not).
fn hsts<'a>(headers: &[&'a Directive]) -> Result<(u64, &'a Directive), String> {
    let Some(header) = headers.iter().find(|d| {
        d.args
            .first()
            .is_some_and(|n| n.eq_ignore_ascii_case("Strict-Transport-Security"))
    }) else {
        return Err("no Strict-Transport-Security header".into());
    };
    let value = header.args.get(1).map(String::as_str).unwrap_or("");
    let age = value
        .split(';')
        .filter_map(|part| part.trim().split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("max-age"))
        .and_then(|(_, v)| v.trim().trim_matches('"').parse::<u64>().ok());
    match age {
        Some(age) => Ok((age, header)),
        None => Err(format!(
            "Strict-Transport-Security \"{value}\" has no max-age nginx sends as a number"
        )),
    }
}

fn days(seconds: u64) -> String {
    front::count((seconds / 86_400) as usize, "day")
}

fn run(ctx: &EvalContext) -> Outcome {
    let nginx = front::nginx_tls(ctx.source, |tls| {
        let mut short: Vec<String> = Vec::new();
        let mut findings = Vec::new();
        for server in tls {
            let mut check = |headers: &[&Directive], place: String, location: Location| match hsts(headers) {
                Ok((age, d)) if age >= MIN_MAX_AGE => {
                    findings.push(Finding::at(
                        format!("{place}: HSTS max-age={age} ({})", days(age)),
                        at(d),
                    ));
                }
                Ok((age, d)) => {
                    let message = format!("{place}: HSTS max-age={age} ({}) is under 180 days", days(age));
                    short.push(format!("{place} ({})", at(d)));
                    findings.push(Finding::at(message, at(d)));
                }
                Err(why) => {
                    let message = match headers.first() {
                        Some(own) => format!(
                            "{place}: {why} (its own add_header at {} drops any inherited one)",
                            at(own)
                        ),
                        None => format!("{place}: {why}"),
                    };
                    short.push(format!("{place} ({location})"));
                    findings.push(Finding::at(message, location));
                }
            };
            check(&server.headers, describe(server), at(server.block));
            for location in &server.locations {
                if std::rc::Rc::ptr_eq(&location.headers, &server.headers) {
                    continue; // inherits the server's: judged above
                }
                let place = format!("{}, location {}", describe(server), location.pattern());
                check(&location.headers, place, at(location.block));
            }
        }
        let outcome = if short.is_empty() {
            Outcome::pass(format!(
                "every server offering TLS sends HSTS for 180 days or more, in every location ({})",
                front::count(tls.len(), "server")
            ))
        } else {
            Outcome::warn(format!("HSTS missing or under 180 days: {}", short.join(", ")))
        };
        outcome.with_all(findings)
    });
    let caddy = front::caddy_https(ctx.source, |_, https| super::caddy::hsts(https, MIN_MAX_AGE));
    front::decide(Status::NeedsReview, nginx, caddy)
}
