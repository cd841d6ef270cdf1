//! `tls.certificate`: is every certificate nginx serves valid at `as_of`, not
//! about to expire, and issued for the names of the servers that serve it? Each
//! `ssl_certificate` file (certbot's live/ links followed on the target) is parsed
//! whole: the leaf decides, the chain is listed. Private keys are never read.

use super::certs::{certificate_paths, judge_file, Judged, Level};
use super::front::{self, at, describe};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Outcome, ParamDef, ParamKind, ProbeType, Status};

/// Warn when a certificate expires within this many days (the rule's 14).
pub const WARN_DAYS: i64 = 14;

const PARAMS: &[ParamDef] = &[ParamDef::optional(
    "warn_days",
    ParamKind::Integer,
    "warn when a certificate expires within this many days (default 14)",
)];

pub fn evaluator() -> EvaluatorDef {
    EvaluatorDef {
        name: "tls.certificate",
        description:
            "passes when every certificate nginx serves is valid, covers its server names and is not about to expire",
        params: PARAMS,
        needs: &[ProbeType::NginxConfig, ProbeType::CaddyConfig],
        run,
    }
}

fn run(ctx: &EvalContext) -> Outcome {
    let warn_days = ctx.params.int("warn_days").unwrap_or(WARN_DAYS);
    let nginx = front::nginx_tls(ctx.source, |tls| {
        let mut judged = Judged::default();
        for server in tls {
            if server.certificates.is_empty() {
                judged.add(
                    Level::Fail,
                    format!("{}: offers TLS with no ssl_certificate", describe(server)),
                    at(server.block),
                );
            }
            for (path, directive) in certificate_paths(server) {
                let Some(path) = path else {
                    judged.add(
                        Level::Review,
                        format!(
                            "{}: ssl_certificate {} is chosen per request",
                            describe(server),
                            directive.args.join(" ")
                        ),
                        at(directive),
                    );
                    continue;
                };
                judge_file(
                    ctx,
                    &describe(server),
                    &server.names,
                    &path,
                    at(directive),
                    warn_days,
                    &mut judged,
                );
            }
        }
        judged.outcome(tls.len(), "server")
    });
    let caddy = front::caddy_https(ctx.source, |_, https| super::caddy::certificate(ctx, https, warn_days));
    front::decide(Status::NeedsReview, nginx, caddy)
}
