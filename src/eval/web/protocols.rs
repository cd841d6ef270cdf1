//! `tls.protocols`: does every nginx server offering TLS allow only TLS 1.2 and
//! 1.3? The effective `ssl_protocols` is the server's own, else the http block's;
//! with neither, nginx's built-in default applies, safe since 1.23.4 (before it,
//! `TLSv1 TLSv1.1 TLSv1.2 TLSv1.3`), so the installed version decides.

use super::front::{self, at, describe};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Outcome, ProbeType, Status};
use crate::parse::nginx::servers::{tls_sockets, Server};

/// The first nginx whose default `ssl_protocols` is `TLSv1.2 TLSv1.3`.
pub const SAFE_DEFAULT_SINCE: &str = "1.23.4";
const LEGACY: &[&str] = &["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"];

pub fn evaluator() -> EvaluatorDef {
    EvaluatorDef {
        name: "tls.protocols",
        description: "passes when every nginx server offering TLS allows only TLSv1.2 and TLSv1.3",
        params: &[],
        needs: &[ProbeType::NginxConfig, ProbeType::CaddyConfig, ProbeType::Files],
        run,
    }
}

/// The protocols a server allows and where that was decided (None: nginx's default).
pub fn effective<'a>(
    server: &'a Server<'a>,
    version: Option<&str>,
) -> (Vec<String>, Option<&'a crate::parse::nginx::Directive>) {
    match &server.protocols {
        Some(set) => (set.args.to_vec(), Some(set.at)),
        None if version.is_some_and(|v| front::at_least(v, SAFE_DEFAULT_SINCE)) => {
            (vec!["TLSv1.2".into(), "TLSv1.3".into()], None)
        }
        None => (
            ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"].map(String::from).to_vec(),
            None,
        ),
    }
}

fn run(ctx: &EvalContext) -> Outcome {
    let nginx = front::nginx_tls(ctx.source, |tls| {
        let version = front::nginx_version(ctx.source);
        let mut legacy = Vec::new();
        let mut defaulted = Vec::new();
        let mut findings = Vec::new();
        for server in tls {
            match &server.protocols {
                Some(set) => {
                    let old: Vec<&str> = set
                        .args
                        .iter()
                        .map(String::as_str)
                        // nginx matches protocol names without regard to case.
                        .filter(|p| LEGACY.iter().any(|l| l.eq_ignore_ascii_case(p)))
                        .collect();
                    let message = if old.is_empty() {
                        format!("{}: ssl_protocols {}", describe(server), set.args.join(" "))
                    } else {
                        legacy.push(format!("{} ({})", describe(server), at(set.at)));
                        let lowered = server
                            .ciphers
                            .as_ref()
                            .is_some_and(|c| c.args.iter().any(|a| a.contains("@SECLEVEL=0")));
                        let openssl = if lowered {
                            "its ssl_ciphers sets @SECLEVEL=0, so OpenSSL 3 completes those handshakes"
                        } else {
                            "OpenSSL 3 at its default security level refuses TLS 1.0 and 1.1 handshakes, but the \
                             configuration asks for them, and another OpenSSL build or setting gives them"
                        };
                        format!(
                            "{}: ssl_protocols {} allows {} ({openssl})",
                            describe(server),
                            set.args.join(" "),
                            old.join(" ")
                        )
                    };
                    findings.push(Finding::at(message, at(set.at)));
                }
                None => {
                    let message = match &version {
                        Some((v, _)) if front::at_least(v, SAFE_DEFAULT_SINCE) => {
                            format!(
                                "{}: no ssl_protocols; nginx {v}'s default is TLSv1.2 TLSv1.3",
                                describe(server)
                            )
                        }
                        Some((v, _)) => {
                            defaulted.push(describe(server));
                            format!(
                                "{}: no ssl_protocols; nginx {v} (before {SAFE_DEFAULT_SINCE}) defaults to TLSv1 TLSv1.1 TLSv1.2 TLSv1.3",
                                describe(server)
                            )
                        }
                        None => {
                            defaulted.push(describe(server));
                            format!(
                                "{}: no ssl_protocols, and the nginx version is unknown (its default allows TLSv1 and TLSv1.1 before {SAFE_DEFAULT_SINCE})",
                                describe(server)
                            )
                        }
                    };
                    findings.push(Finding::at(message, at(server.block)));
                }
            }
        }
        // The version is chosen before the host name is known: per socket, the default server's.
        for socket in tls_sockets(tls) {
            let default = tls[socket.default];
            let (list, set_at) = effective(default, version.as_ref().map(|(v, _)| v.as_str()));
            let from = set_at.map_or_else(|| "nginx's default".to_string(), |d| at(d).to_string());
            let others = socket.members.len() - 1;
            let message = format!(
                "{}: clients negotiate {} — OpenSSL picks the version before the host name is known, from the default \
                 server ({}, {from}){}",
                socket.address,
                list.join(" "),
                describe(default),
                if others > 0 {
                    format!(", for {} on it too", front::count(others, "other server"))
                } else {
                    String::new()
                }
            );
            findings.push(Finding::at(message, set_at.map_or_else(|| at(default.block), at)));
        }
        if let Some((v, location)) = &version {
            findings.push(Finding::at(format!("nginx {v} installed"), location.clone()));
        }
        let outcome = if !legacy.is_empty() {
            Outcome::fail(format!("TLS 1.0/1.1 or SSL enabled: {}", legacy.join(", ")))
        } else if !defaulted.is_empty() {
            Outcome::warn(format!(
                "no ssl_protocols applies and nginx's default may allow TLS 1.0/1.1: {}",
                defaulted.join(", ")
            ))
        } else {
            Outcome::pass(format!(
                "every server offering TLS allows only TLSv1.2/TLSv1.3 ({})",
                front::count(tls.len(), "server")
            ))
        };
        outcome.with_all(findings)
    });
    let caddy = front::caddy_https(ctx.source, |_, https| super::caddy::protocols(https));
    front::decide(Status::NeedsReview, nginx, caddy)
}
