//! Judging certificate files, for nginx's servers and Caddy's sites alike: read
//! one (never its key), parse every certificate in it, and hold the leaf to the
//! rule — valid at `as_of`, not expiring within the warning days, covering the
//! names it is served for — keeping the worst verdict and every finding.

use super::front;
use crate::eval::EvalContext;
use crate::evidence::{FileState, Source};
use crate::model::{Finding, Location, Outcome};
use crate::parse::nginx::servers::Server;
use crate::parse::nginx::{full_name, Directive};
use crate::parse::tls::certificate::{parse_pem, Certificate};
use chrono::{DateTime, Duration, Utc};

/// The certificate files of a server, as nginx opens them; None for those nginx
/// builds per request (`$variable`, `data:`).
pub fn certificate_paths<'a>(server: &Server<'a>) -> Vec<(Option<String>, &'a Directive)> {
    server
        .certificates
        .iter()
        .map(|d| {
            let path = d.args.first().filter(|p| !p.contains('$') && !p.starts_with("data:"));
            (path.map(|p| full_name(p)), *d)
        })
        .collect()
}

/// What a certificate file holds, read through the source.
pub fn read_certificates(source: &dyn Source, path: &str) -> Result<Vec<Certificate>, (bool, String)> {
    match source.read(path) {
        FileState::Text(text) => parse_pem(text.as_bytes()).map_err(|e| (true, format!("{path}: {e}"))),
        FileState::Missing => Err((true, format!("{path} does not exist: nginx cannot start with it"))),
        other => Err((
            false,
            other
                .problem(path)
                .unwrap_or_else(|| format!("{path} could not be read")),
        )),
    }
}

/// Facts of one certificate for the evidence.
pub fn facts(cert: &Certificate) -> String {
    format!(
        "subject {}; SANs {}; issuer {}; valid {} to {}; SHA-256 {}",
        cert.subject,
        if cert.dns_names.is_empty() {
            "(none)".to_string()
        } else {
            cert.dns_names.join(", ")
        },
        cert.issuer,
        cert.not_before.format("%Y-%m-%d %H:%M:%SZ"),
        cert.not_after.format("%Y-%m-%d %H:%M:%SZ"),
        cert.sha256
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Pass,
    Warn,
    Review,
    Fail,
}

/// The certificates judged so far: the worst verdict and every finding.
#[derive(Default)]
pub struct Judged {
    worst: Option<(Level, String)>,
    findings: Vec<Finding>,
    seen: Vec<String>,
}

impl Judged {
    pub fn add(&mut self, level: Level, message: String, location: Location) {
        if self.worst.as_ref().is_none_or(|(w, _)| level > *w) {
            self.worst = Some((level, message.clone()));
        }
        self.findings.push(Finding::at(message, location));
    }

    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    /// Whether a finding says `text`.
    pub fn mentions(&self, text: &str) -> bool {
        self.findings.iter().any(|f| f.message.contains(text))
    }

    /// The outcome over `served` servers (or sites: `noun`).
    pub fn outcome(self, served: usize, noun: &str) -> Outcome {
        let outcome = match self.worst {
            None | Some((Level::Pass, _)) => Outcome::pass(format!(
                "every certificate served is valid and covers its names ({})",
                front::count(served, noun)
            )),
            Some((Level::Warn, m)) => Outcome::warn(m),
            Some((Level::Review, m)) => Outcome::needs_review(m),
            Some((Level::Fail, m)) => Outcome::fail(m),
        };
        outcome.with_all(self.findings)
    }
}

/// Judge the certificate file at `path`, served by `who` (a server or site) for
/// `names`, configured at `place`.
pub fn judge_file(
    ctx: &EvalContext,
    who: &str,
    names: &[String],
    path: &str,
    place: Location,
    warn_days: i64,
    judged: &mut Judged,
) -> Option<Certificate> {
    let certs = match read_certificates(ctx.source, path) {
        Ok(certs) => certs,
        Err((true, why)) => {
            judged.add(Level::Fail, format!("{who}: {why}"), place);
            return None;
        }
        Err((false, why)) => {
            judged.add(Level::Review, format!("{who}: {why}"), place);
            return None;
        }
    };
    let leaf = &certs[0];
    let file = Location::file(path.to_string());
    if !judged.seen.iter().any(|p| p == path) {
        judged.seen.push(path.to_string());
        for (i, cert) in certs.iter().enumerate() {
            let role = if i == 0 { "leaf" } else { "chain" };
            judged
                .findings
                .push(Finding::at(format!("{role}: {}", facts(cert)), file.clone()));
        }
    }
    let (level, message) = validity(leaf, ctx.as_of, warn_days);
    judged.add(level, format!("{who}: {path}: {message}"), place.clone());
    // The chain's order, for the evidence (the rule judges the leaf): each
    // certificate issued by the next, and a leaf not served alone.
    if let Some(i) = (1..certs.len()).find(|&i| certs[i - 1].issuer != certs[i].subject) {
        judged.add(
            Level::Pass,
            format!(
                "{who}: {path}: certificate {} is not issued by the one after it: the chain is out of order",
                i
            ),
            place.clone(),
        );
    } else if certs.len() == 1 && !leaf.is_self_issued() {
        judged.add(
            Level::Pass,
            format!("{who}: {path} holds the leaf alone, no intermediate (cert.pem rather than fullchain.pem?): clients that lack it fail"),
            place.clone(),
        );
    }
    let uncovered: Vec<&str> = names
        .iter()
        .filter(|name| checked_name(name).is_some_and(|hosts| !hosts.iter().all(|h| leaf.covers(h))))
        .map(String::as_str)
        .collect();
    if !uncovered.is_empty() {
        let has = if leaf.dns_names.is_empty() {
            leaf.common_name.clone().unwrap_or_default()
        } else {
            leaf.dns_names.join(", ")
        };
        judged.add(
            Level::Warn,
            format!(
                "{who}: {path} does not cover {} (its names: {has})",
                uncovered.join(", ")
            ),
            place,
        );
    }
    Some(certs[0].clone())
}

fn validity(leaf: &Certificate, as_of: DateTime<Utc>, warn_days: i64) -> (Level, String) {
    let day = |t: DateTime<Utc>| t.format("%Y-%m-%d").to_string();
    if leaf.not_after < as_of {
        return (
            Level::Fail,
            format!("expired on {} ({})", day(leaf.not_after), leaf.subject),
        );
    }
    if leaf.not_before > as_of {
        return (
            Level::Fail,
            format!("not valid before {} ({})", day(leaf.not_before), leaf.subject),
        );
    }
    let left = leaf.not_after - as_of;
    if left < Duration::days(warn_days.clamp(0, 36_500)) {
        return (
            Level::Warn,
            format!(
                "expires on {} in {} days (under {warn_days})",
                day(leaf.not_after),
                left.num_days()
            ),
        );
    }
    (
        Level::Pass,
        format!("valid until {} ({} days)", day(leaf.not_after), left.num_days()),
    )
}

/// The host names a `server_name` stands for that a certificate must cover; None
/// for catch-alls (`_`, empty, regexes) the rule sets aside.
fn checked_name(name: &str) -> Option<Vec<String>> {
    if name.is_empty() || name == "_" || name.starts_with('~') || name == "localhost" {
        return None;
    }
    if let Some(domain) = name.strip_prefix('.') {
        return Some(vec![domain.to_string(), format!("vouch-any-name.{domain}")]);
    }
    if let Some(domain) = name.strip_prefix("*.") {
        return Some(vec![format!("vouch-any-name.{domain}")]);
    }
    if name.contains('*') {
        return None; // `www.example.*`: nginx's trailing wildcard names no one host
    }
    Some(vec![name.to_string()])
}
