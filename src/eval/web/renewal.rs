//! `tls.renewal`: is certificate renewal automated? certbot's timer (Debian's
//! `certbot.timer`, the snap's `snap.certbot.renew.timer`) enabled under
//! /etc/systemd/system/*.wants/ and not masked, or /etc/cron.d/certbot. Without
//! one, a Let's Encrypt certificate served (by its issuer, or a path under
//! /etc/letsencrypt) fails; other issuers are for the auditor.

use super::certs::{certificate_paths, read_certificates};
use super::front::{self, describe};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::evidence::{FileState, Source};
use crate::model::{Finding, Location, Outcome, ProbeType, Status};
use crate::parse::nginx::servers::servers;
use crate::parse::nginx::NginxConfig;
use crate::parse::systemd::{all_enable_links, masked_at, unit_mask};

/// What `tls.renewal` reads besides nginx's configuration and certificates.
pub const RENEWAL_PATHS: &[&str] = &[CRON, "/etc/systemd/system/*.wants/*", "/etc/systemd/system/*.timer"];
const CRON: &str = "/etc/cron.d/certbot";
const TIMERS: &[&str] = &["certbot.timer", "snap.certbot.renew.timer"];

pub fn evaluator() -> EvaluatorDef {
    EvaluatorDef {
        name: "tls.renewal",
        description: "passes when certbot's renewal timer or cron job is in place for the certificates nginx serves",
        params: &[],
        needs: &[ProbeType::NginxConfig, ProbeType::CaddyConfig, ProbeType::Files],
        run,
    }
}

/// The renewal mechanisms in place, each with where it was seen; and notes on
/// those that are there but do not run.
pub fn mechanisms(source: &dyn Source) -> (Vec<Finding>, Vec<Finding>) {
    let mut found = Vec::new();
    let mut idle = Vec::new();
    for link in all_enable_links(source) {
        // A masked timer never runs, enable link or not.
        let masked = masked_at(source, &link.path).is_some() || unit_mask(source, &link.unit).is_some();
        if !TIMERS.contains(&link.unit.as_str()) {
            continue;
        }
        if masked {
            idle.push(Finding::at(
                format!("{} is masked: it never runs", link.unit),
                Location::file(link.path.clone()),
            ));
            continue;
        }
        found.push(Finding::at(
            format!("{} enabled (wanted by {})", link.unit, link.target),
            Location::file(link.path.clone()),
        ));
    }
    if let FileState::Text(text) = source.read(CRON) {
        let jobs: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#') && l.contains("certbot"))
            .collect();
        // Debian's job steps aside where systemd runs (`! -d /run/systemd/system`):
        // there the timer renews, or nothing does.
        let systemd_host = !all_enable_links(source).is_empty();
        let steps_aside = |job: &&str| job.contains("/run/systemd/system");
        if jobs.iter().any(|job| !(systemd_host && steps_aside(job))) {
            found.push(Finding::at("certbot's cron job", Location::file(CRON)));
        } else if !jobs.is_empty() {
            idle.push(Finding::at(
                "certbot's cron job runs only where systemd does not (test ! -d /run/systemd/system), and this host runs systemd",
                Location::file(CRON),
            ));
        }
    }
    (found, idle)
}

fn run(ctx: &EvalContext) -> Outcome {
    let nginx = front::nginx(ctx.source).judge(|config| judge(ctx, config));
    let caddy = front::caddy_https(ctx.source, |_, https| super::caddy::renewal(https));
    front::decide(Status::NeedsReview, nginx, caddy)
}

fn judge(ctx: &EvalContext, config: &NginxConfig) -> Outcome {
    let all = servers(&config.directives);
    let tls: Vec<_> = all.iter().filter(|s| s.offers_tls()).collect();
    if tls.is_empty() {
        return Outcome::not_applicable("no certificate is served: no nginx server offers TLS");
    }
    let (found, idle) = mechanisms(ctx.source);
    if let Some(first) = found.first() {
        return Outcome::pass(format!("certificate renewal is automated: {}", first.message)).with_all(found);
    }
    let mut letsencrypt = Vec::new();
    let mut others = Vec::new();
    for server in &tls {
        for (path, directive) in certificate_paths(server) {
            let Some(path) = path else { continue };
            let issuer = read_certificates(ctx.source, &path)
                .ok()
                .and_then(|certs| certs.first().map(|c| c.issuer.clone()));
            let by_letsencrypt =
                issuer.as_deref().is_some_and(|i| i.contains("Let's Encrypt")) || path.starts_with("/etc/letsencrypt/");
            let what = format!(
                "{}: {path} issued by {}",
                describe(server),
                issuer.as_deref().unwrap_or("an issuer that could not be read")
            );
            let finding = Finding::at(what, super::front::at(directive));
            if by_letsencrypt {
                letsencrypt.push(finding);
            } else {
                others.push(finding);
            }
        }
    }
    let none = "no running certbot.timer, snap.certbot.renew.timer or /etc/cron.d/certbot job";
    if let Some(first) = letsencrypt.first() {
        let message = format!(
            "a Let's Encrypt certificate is served and {none} renews it: {}",
            first.message
        );
        return Outcome::fail(message)
            .with_all(idle)
            .with_all(letsencrypt)
            .with_all(others);
    }
    Outcome::needs_review(format!(
        "{none}; the certificates served are not Let's Encrypt's: confirm how they are renewed"
    ))
    .with_all(idle)
    .with_all(others)
}
