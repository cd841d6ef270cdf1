//! `tls.ciphers`: does every nginx server offering TLS 1.2 or older allow only
//! strong suites? The effective `ssl_ciphers` (the server's, else the http
//! block's, else nginx's default `HIGH:!aNULL:!MD5`) is expanded as OpenSSL 3
//! expands it; the first broken suite fails, the first dated one warns. A server
//! offering TLS 1.3 only passes: its suites are all strong.

use super::front::{self, at, describe};
use super::protocols::effective;
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Outcome, ProbeType, Status};
use crate::parse::tls::ciphers::{expand, weakness, Weakness, NGINX_DEFAULT};

pub fn evaluator() -> EvaluatorDef {
    EvaluatorDef {
        name: "tls.ciphers",
        description: "passes when every nginx server offering TLS 1.2 allows only ECDHE/DHE AEAD suites",
        params: &[],
        needs: &[ProbeType::NginxConfig, ProbeType::CaddyConfig, ProbeType::Files],
        run,
    }
}

/// One server's verdict.
enum Verdict {
    Strong,
    Broken,
    Dated,
    Refused,
}

fn run(ctx: &EvalContext) -> Outcome {
    let nginx = front::nginx_tls(ctx.source, |tls| {
        let version = front::nginx_version(ctx.source).map(|(v, _)| v);
        let mut worst: Vec<(Verdict, String)> = Vec::new();
        let mut findings = Vec::new();
        for server in tls {
            let (protocols, _) = effective(server, version.as_deref());
            let location = server
                .ciphers
                .as_ref()
                .map_or_else(|| at(server.block), |set| at(set.at));
            if protocols.iter().all(|p| p.eq_ignore_ascii_case("TLSv1.3")) {
                findings.push(Finding::at(
                    format!("{}: TLSv1.3 only, whose suites are all strong", describe(server)),
                    location,
                ));
                continue;
            }
            let (string, from) = match &server.ciphers {
                Some(set) => (set.args.join(" "), format!("ssl_ciphers at {}", at(set.at))),
                None => (NGINX_DEFAULT.to_string(), format!("nginx default {NGINX_DEFAULT}")),
            };
            let (verdict, message) = match expand(&string) {
                Err(e) => (
                    Verdict::Refused,
                    format!("{}: nginx cannot load \"{string}\" ({from}): {e}", describe(server)),
                ),
                Ok(suites) => {
                    // The first broken suite decides, else the first dated one.
                    let first = |broken: bool| {
                        suites.iter().find_map(|s| match weakness(s) {
                            Some(Weakness::Broken(why)) if broken => Some((s, why)),
                            Some(Weakness::Dated(why)) if !broken => Some((s, why)),
                            _ => None,
                        })
                    };
                    let weakest = first(true)
                        .map(|w| (Verdict::Broken, w))
                        .or_else(|| first(false).map(|w| (Verdict::Dated, w)));
                    match weakest {
                        Some((verdict, (s, why))) => (
                            verdict,
                            format!(
                                "{}: allows {} ({why}; {}) of {} suites, by {from}",
                                describe(server),
                                s.name,
                                s.describe(),
                                suites.len()
                            ),
                        ),
                        None => (
                            Verdict::Strong,
                            format!(
                                "{}: {} suites, all ECDHE/DHE with AEAD, by {from}",
                                describe(server),
                                suites.len()
                            ),
                        ),
                    }
                }
            };
            findings.push(Finding::at(message.clone(), location));
            worst.push((verdict, message));
        }
        let first = |wanted: fn(&Verdict) -> bool| worst.iter().find(|(v, _)| wanted(v)).map(|(_, m)| m.clone());
        let outcome = if let Some(m) = first(|v| matches!(v, Verdict::Broken)) {
            Outcome::fail(m)
        } else if let Some(m) = first(|v| matches!(v, Verdict::Refused)) {
            Outcome::needs_review(m)
        } else if let Some(m) = first(|v| matches!(v, Verdict::Dated)) {
            Outcome::warn(m)
        } else {
            Outcome::pass(format!(
                "every server offering TLS allows only strong suites ({})",
                front::count(tls.len(), "server")
            ))
        };
        outcome.with_all(findings)
    });
    let caddy = front::caddy_https(ctx.source, |_, https| super::caddy::ciphers(https));
    front::decide(Status::NeedsReview, nginx, caddy)
}
