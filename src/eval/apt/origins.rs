//! `patching.security-origin`: some entry of Unattended-Upgrade::Allowed-Origins or
//! Unattended-Upgrade::Origins-Pattern matches the distribution's security archive
//! as unattended-upgrades matches it (`parse::apt::origins`): `${distro_id}` and
//! `${distro_codename}` from os-release, every term of a pattern matching, shell
//! wildcards. The security archive is Debian's (o=Debian, a=stable-security or
//! oldstable-security, n=CODENAME-security, l=Debian-Security, site
//! security.debian.org) or Ubuntu's (o=Ubuntu, a=CODENAME-security, n=CODENAME,
//! l=Ubuntu, site security.ubuntu.com), component main. Lists append across files;
//! commented-out entries do not count, but are pointed out, and so is an entry
//! that names a `-security` archive yet matches nothing here (the Ubuntu-style
//! `"${distro_id}:${distro_codename}-security"` on Debian). An entry
//! unattended-upgrades stops at fails: it installs nothing at all.

use super::common::{self, location};
use crate::eval::EvalContext;
use crate::evidence::{FileState, Source};
use crate::model::{Finding, Location, Outcome};
use crate::parse::apt::conf::{self, AptConfig, ListEntry};
use crate::parse::apt::origins::{self as pattern, Distro, Field, Invalid, Origin, Pattern};
use crate::parse::host::os_release;
use crate::parse::text::line_number;

pub use crate::parse::apt::origins::{ALLOWED_ORIGINS, ORIGINS_PATTERN};
/// Where lsb_release reads the distribution, the first that exists.
pub const OS_RELEASE: [&str; 2] = ["/etc/os-release", "/usr/lib/os-release"];

pub fn evaluate(ctx: &EvalContext) -> Outcome {
    decide(&conf::load(ctx.source), &distro(ctx.source))
}

/// The distribution lsb_release would name, or why it is unknown.
pub fn distro(source: &dyn Source) -> Result<Distro, String> {
    let mut problems = Vec::new();
    for path in OS_RELEASE {
        let state = source.read(path);
        if let Some(text) = state.text() {
            return Ok(Distro::from_os_release(&os_release(text)));
        }
        if state != FileState::Missing {
            problems.extend(state.problem(path));
        }
    }
    Err(match problems.first() {
        Some(problem) => format!("the distribution is unknown: {problem}"),
        None => format!(
            "the distribution is unknown: neither {} exists",
            OS_RELEASE.join(" nor ")
        ),
    })
}

/// The origins of the distribution's security archive (component main) as
/// python-apt would give them; Debian's suite name depends on whether the release
/// is stable or oldstable, so both are given. None for any other distribution.
pub fn security_archive(distro: &Distro) -> Option<Vec<Origin>> {
    let codename = &distro.codename;
    if codename == "n/a" || codename.is_empty() {
        return None;
    }
    let origin = |archive: &str, label: &str, codename: String, site: &str| Origin {
        origin: distro.id.clone(),
        label: label.to_string(),
        archive: archive.to_string(),
        codename,
        component: "main".to_string(),
        site: site.to_string(),
    };
    match distro.id.as_str() {
        "Debian" => Some(
            ["stable-security", "oldstable-security"]
                .iter()
                .map(|suite| {
                    origin(
                        suite,
                        "Debian-Security",
                        format!("{codename}-security"),
                        "security.debian.org",
                    )
                })
                .collect(),
        ),
        "Ubuntu" => Some(vec![origin(
            &format!("{codename}-security"),
            "Ubuntu",
            codename.clone(),
            "security.ubuntu.com",
        )]),
        _ => None,
    }
}

struct Entry<'a> {
    list: &'static str,
    entry: ListEntry<'a>,
    read: Result<Pattern, Invalid>,
    /// Which of the security archive's origins it matches.
    matched: Vec<&'a str>,
}

pub fn decide(config: &AptConfig, distro: &Result<Distro, String>) -> Outcome {
    if let Some(outcome) = common::config_unavailable(config) {
        return outcome;
    }
    let commented = commented_out(config);
    let mut notes: Vec<Finding> = clear_findings(config);
    notes.extend(commented.iter().map(|c| {
        Finding::at(
            format!("\"{}\" is commented out, so it does not count", c.value),
            c.at.clone(),
        )
    }));
    notes.extend(common::load_findings(config));
    if let Some(summary) = common::apt_error_summary(config) {
        return Outcome::fail(summary).with_all(notes);
    }
    let (distro, archive) = match distro {
        Ok(distro) => match security_archive(distro) {
            Some(archive) => (distro, archive),
            None => {
                return Outcome::needs_review(format!(
                    "unattended-upgrades' origins cannot be judged for \"{}\" (codename {}): only Debian's and Ubuntu's security archives are known",
                    distro.id, distro.codename
                ))
                .with_all(listed(config))
                .with_all(notes)
            }
        },
        Err(why) => {
            return Outcome::needs_review(format!(
                "unattended-upgrades' origins cannot be judged: {why} (${{distro_id}} and ${{distro_codename}} come from it)"
            ))
            .with_all(listed(config))
            .with_all(notes)
        }
    };
    let entries = entries(config, distro, &archive);
    let mut findings: Vec<Finding> = entries.iter().map(|e| entry_finding(e, distro, &archive)).collect();
    findings.extend(notes);
    if let Some(broken) = entries.iter().find(|e| e.read.is_err()) {
        let why = broken.read.as_ref().err().map(ToString::to_string).unwrap_or_default();
        return Outcome::fail(format!(
            "unattended-upgrades stops at {} \"{}\"{}: {why}; it installs no update at all",
            broken.list,
            broken.entry.value,
            at(&broken.entry)
        ))
        .with_all(findings);
    }
    let outcome = match entries.iter().find(|e| !e.matched.is_empty()) {
        Some(found) => Outcome::pass(format!(
            "Security updates are applied automatically: {} \"{}\"{} matches {}'s security archive",
            found.list,
            found.entry.value,
            at(&found.entry),
            distro.id
        )),
        None => Outcome::fail(missing_summary(&entries, &commented, distro)),
    };
    outcome.with_all(findings)
}

fn at(entry: &ListEntry) -> String {
    entry.at.map(|at| format!(" ({at})")).unwrap_or_default()
}

fn entries<'a>(config: &'a AptConfig, distro: &Distro, archive: &'a [Origin]) -> Vec<Entry<'a>> {
    both_lists(config)
        .map(|(list, entry)| {
            let read = pattern::read_entry(list, entry.value, distro);
            let matched = match &read {
                Ok(p) => archive
                    .iter()
                    .filter(|o| p.matches(o))
                    .map(|o| o.archive.as_str())
                    .collect(),
                Err(_) => Vec::new(),
            };
            Entry {
                list,
                entry,
                read,
                matched,
            }
        })
        .collect()
}

/// Both lists' entries, Allowed-Origins first, as unattended-upgrades reads them.
fn both_lists(config: &AptConfig) -> impl Iterator<Item = (&'static str, ListEntry<'_>)> {
    [ALLOWED_ORIGINS, ORIGINS_PATTERN]
        .into_iter()
        .flat_map(move |list| config.tree.list(list).into_iter().map(move |entry| (list, entry)))
}

/// A finding at the entry's file and line, when apt knows them.
fn at_entry(entry: &ListEntry, message: String) -> Finding {
    match entry.at {
        Some(at) => Finding::at(message, location(at)),
        None => Finding::new(message),
    }
}

/// The entries as they stand, when they cannot be judged.
fn listed(config: &AptConfig) -> Vec<Finding> {
    both_lists(config)
        .map(|(list, entry)| at_entry(&entry, format!("{list} \"{}\"", entry.value)))
        .collect()
}

fn entry_finding(entry: &Entry, distro: &Distro, archive: &[Origin]) -> Finding {
    let verdict = match (&entry.read, entry.matched.as_slice()) {
        (Err(why), _) => format!("unattended-upgrades stops here: {why}"),
        (Ok(p), []) if names_security(&p.text) => format!(
            "reads as \"{}\", which matches no archive of {}'s security updates ({})",
            p.text,
            distro.id,
            describe(&archive[0])
        ),
        (Ok(p), []) => format!("reads as \"{}\": not the security archive", p.text),
        (Ok(p), matched) if matched.len() < archive.len() => format!(
            "reads as \"{}\": the security archive while {} is Debian's {} release (a= names a suite, which moves at each release; n={}-security does not)",
            p.text,
            distro.codename,
            matched.join("/").trim_end_matches("-security"),
            distro.codename
        ),
        (Ok(p), _) => format!("reads as \"{}\": the security archive", p.text),
    };
    // The site is where the archive was fetched from (sources.list), which vouch
    // does not read: a mirror serving the security pocket would not match.
    let site = match &entry.read {
        Ok(p) if !entry.matched.is_empty() && p.terms.iter().any(|t| t.field == Field::Site) => format!(
            " (site= judged against {}; a mirror serving the security archive under another name would not match)",
            archive[0].site
        ),
        _ => String::new(),
    };
    at_entry(
        &entry.entry,
        format!("{} \"{}\" {verdict}{site}", entry.list, entry.entry.value),
    )
}

/// How the security archive's Release file describes it.
fn describe(origin: &Origin) -> String {
    format!(
        "o={},a={},n={},l={}",
        origin.origin, origin.archive, origin.codename, origin.label
    )
}

/// Does an entry mean to name a security archive?
fn names_security(text: &str) -> bool {
    text.contains("-security") || text.contains("Security")
}

fn clear_findings(config: &AptConfig) -> Vec<Finding> {
    [ALLOWED_ORIGINS, ORIGINS_PATTERN]
        .iter()
        .flat_map(|list| {
            config
                .tree
                .history(list)
                .iter()
                .filter(|c| c.value.is_none())
                .map(move |c| {
                    Finding::at(
                        format!("#clear {list} drops the entries set before it"),
                        location(&c.at),
                    )
                })
        })
        .collect()
}

/// A security origin that sits in a comment.
struct Commented {
    value: String,
    at: Location,
}

/// Comment lines in the files apt read that hold a security origin.
fn commented_out(config: &AptConfig) -> Vec<Commented> {
    let mut found = Vec::new();
    for file in &config.files {
        for (index, line) in file.text.lines().enumerate() {
            let Some(value) = comment_body(line).and_then(quoted) else {
                continue;
            };
            if names_security(value) {
                let at = Location::line(file.path.clone(), line_number(index));
                found.push(Commented {
                    value: value.to_string(),
                    at,
                });
            }
        }
    }
    found
}

fn comment_body(line: &str) -> Option<&str> {
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix("//") {
        return Some(rest);
    }
    let rest = line.strip_prefix('#')?;
    (!rest.starts_with("clear") && !rest.starts_with("include")).then_some(rest)
}

fn quoted(text: &str) -> Option<&str> {
    let start = text.find('"')? + 1;
    let length = text[start..].find('"')?;
    Some(&text[start..start + length])
}

fn missing_summary(entries: &[Entry], commented: &[Commented], distro: &Distro) -> String {
    let mut summary = if entries.is_empty() {
        format!("No security updates are applied automatically: neither {ALLOWED_ORIGINS} nor {ORIGINS_PATTERN} has an entry")
    } else {
        format!(
            "No security updates are applied automatically: none of the {} {ALLOWED_ORIGINS} / {ORIGINS_PATTERN} entries matches {}'s security archive",
            entries.len(),
            distro.id
        )
    };
    let near = entries
        .iter()
        .find_map(|e| e.read.as_ref().ok().filter(|p| names_security(&p.text)).map(|p| (e, p)));
    if let Some((near, p)) = near {
        summary.push_str(&format!(
            "; \"{}\"{} reads as \"{}\" on {} {}, which matches nothing",
            near.entry.value,
            at(&near.entry),
            p.text,
            distro.id,
            distro.codename
        ));
    }
    if let Some(first) = commented.first() {
        summary.push_str(&format!("; \"{}\" is commented out at {}", first.value, first.at));
    }
    summary
}
