//! Evaluator `ssh.authorized-keys`: fail on ssh-dss or RSA below 2048 bits, warn on
//! RSA 2048..3071 (and key types vouch does not rate), pass when every key is
//! ed25519, ecdsa, sk-* or RSA >= 3072; needs_review when no file exists, or when
//! sshd's configuration could not be read (the key files in use are then unknown;
//! the default locations are still checked, and a weak key there still fails).

use crate::eval::EvalContext;
use crate::model::{Finding, Location, Outcome, Status};
use crate::parse::sshd::keyfiles::{self, Content, KeyFile, KeyScan};
use crate::parse::sshd::keys::{KeyInfo, Strength};
use crate::parse::sshd::settings::Origin;

/// One key with where it was found.
struct Found<'a> {
    user: &'a str,
    at: Location,
    key: &'a KeyInfo,
}

pub fn authorized_keys(ctx: &EvalContext) -> Outcome {
    decide(&keyfiles::scan(ctx.source))
}

fn decide(scan: &KeyScan) -> Outcome {
    let keys = found_keys(&scan.files);
    let present: Vec<&KeyFile> = scan
        .files
        .iter()
        .filter(|f| !matches!(f.content, Content::Missing | Content::NotCollected))
        .collect();
    let problems: Vec<(&str, &str)> = scan
        .files
        .iter()
        .filter_map(|f| match &f.content {
            Content::Problem(reason) => Some((f.path.as_str(), reason.as_str())),
            _ => None,
        })
        .collect();
    let outcome = status(scan, &keys, &present, &problems);
    let outcome = match &scan.patterns.unknown {
        Some(reason) => config_unknown(outcome, reason),
        None => outcome,
    };
    outcome.with_all(findings(scan, &keys))
}

/// With sshd's configuration unknown, a pass (or a search that found nothing)
/// becomes needs_review; a weak key still fails and a moderate one still warns.
fn config_unknown(outcome: Outcome, reason: &str) -> Outcome {
    match outcome.status {
        Status::Fail | Status::Error => outcome,
        Status::Warn => Outcome::warn(format!(
            "{}; sshd's configuration is unknown ({reason}), so other key files may be in use",
            outcome.summary
        )),
        _ => Outcome::needs_review(format!(
            "sshd's configuration is unknown ({reason}), so the AuthorizedKeysFile in effect is unknown; \
             at sshd's default locations: {}",
            outcome.summary
        )),
    }
}

fn status(scan: &KeyScan, keys: &[Found], present: &[&KeyFile], problems: &[(&str, &str)]) -> Outcome {
    let rated = |s: Strength| keys.iter().filter(|k| k.key.strength == s).collect::<Vec<_>>();
    let (weak, moderate, unknown) = (
        rated(Strength::Weak),
        rated(Strength::Acceptable),
        rated(Strength::Unknown),
    );
    if let Some(first) = weak.first() {
        return Outcome::fail(format!(
            "{} weak key{}: {} at {}{}; replace with ed25519 keys",
            weak.len(),
            plural(weak.len()),
            describe(first),
            first.at,
            more(weak.len())
        ));
    }
    if let Some((_, reason)) = problems.first() {
        return Outcome::error(format!("{reason}; its keys could not be checked"));
    }
    if present.is_empty() {
        return nothing_found(scan);
    }
    if let Some(first) = moderate.first().or(unknown.first()) {
        let count = moderate.len() + unknown.len();
        return Outcome::warn(format!(
            "{count} key{} below the recommended strength: {} at {}{}; prefer ed25519 or RSA >= 3072",
            plural(count),
            describe(first),
            first.at,
            more(count)
        ));
    }
    Outcome::pass(format!(
        "{} key{} in {} file{}, all ed25519, ecdsa, sk-* or RSA >= 3072",
        keys.len(),
        plural(keys.len()),
        present.len(),
        plural(present.len())
    ))
}

fn nothing_found(scan: &KeyScan) -> Outcome {
    let collected = scan.files.iter().any(|f| !matches!(f.content, Content::NotCollected));
    if collected {
        Outcome::needs_review(format!(
            "no authorized_keys file found ({} paths checked): confirm how administrators log in",
            scan.files.len()
        ))
    } else {
        Outcome::needs_review(
            "authorized_keys files were not collected: the control must declare needs = [\"authorized_keys\"]",
        )
    }
}

fn found_keys(files: &[KeyFile]) -> Vec<Found<'_>> {
    let mut out = Vec::new();
    for file in files {
        if let Content::Lines(lines) = &file.content {
            for (line, key) in lines {
                if let Ok(key) = key {
                    out.push(Found {
                        user: &file.user,
                        at: Location::line(&file.path, *line),
                        key,
                    });
                }
            }
        }
    }
    out
}

fn describe(found: &Found) -> String {
    let bits = found.key.bits.map(|b| format!(" {b}-bit")).unwrap_or_default();
    format!("{}{bits} key of {}", found.key.algorithm, found.user)
}

fn verdict(strength: Strength) -> &'static str {
    match strength {
        Strength::Strong => "strong",
        Strength::Acceptable => "RSA below 3072 bits: replace when convenient",
        Strength::Unknown => "key type not rated: check it by hand",
        Strength::Weak => "weak: ssh-dss or RSA below 2048 bits, remove it",
    }
}

fn findings(scan: &KeyScan, keys: &[Found]) -> Vec<Finding> {
    let mut out = vec![patterns_finding(scan)];
    out.extend(
        scan.passwd_problem
            .iter()
            .map(|p| Finding::new(format!("{p}: only /root and /home/* were searched"))),
    );
    out.extend(keys.iter().map(key_finding));
    for file in &scan.files {
        match &file.content {
            Content::Problem(reason) => out.push(Finding::at(reason.clone(), Location::file(&file.path))),
            Content::Lines(lines) => out.extend(lines.iter().filter_map(|(line, key)| {
                let reason = key.as_ref().err()?;
                let message = format!("{}: this line is not a key sshd can use ({reason})", file.user);
                Some(Finding::at(message, Location::line(&file.path, *line)))
            })),
            Content::Missing | Content::NotCollected => {}
        }
    }
    out
}

fn key_finding(found: &Found) -> Finding {
    let key = found.key;
    let bits = key.bits.map_or_else(|| "? bits".to_string(), |b| format!("{b} bits"));
    let options = if key.options.is_empty() {
        String::new()
    } else {
        format!(", options {}", key.options.join(","))
    };
    let comment = if key.comment.is_empty() {
        "(no comment)".to_string()
    } else {
        format!("`{}`", key.comment)
    };
    let message = format!(
        "user {}: {} {bits} {} {comment}{options}: {}",
        found.user,
        key.algorithm,
        key.fingerprint,
        verdict(key.strength)
    );
    Finding::at(message, found.at.clone())
}

fn patterns_finding(scan: &KeyScan) -> Finding {
    let p = &scan.patterns;
    if let Some(reason) = &p.unknown {
        return Finding::new(format!(
            "AuthorizedKeysFile is unknown: {reason}; only sshd's default locations ({}) were checked",
            p.global.join(" ")
        ));
    }
    let mut message = format!(
        "AuthorizedKeysFile {} ({})",
        p.global.join(" "),
        origin_words(&p.origin)
    );
    if !p.in_match.is_empty() {
        message.push_str(&format!("; in Match blocks: {}", p.in_match.join(" ")));
    }
    match &p.origin {
        Origin::At(at) => Finding::at(message, at.clone()),
        _ => Finding::new(message),
    }
}

fn origin_words(origin: &Origin) -> String {
    match origin {
        Origin::Default => "sshd's compiled default".to_string(),
        other => format!("set at {other}"),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn more(n: usize) -> String {
    if n > 1 {
        format!(" and {} more", n - 1)
    } else {
        String::new()
    }
}
