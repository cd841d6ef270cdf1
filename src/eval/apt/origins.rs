//! `patching.security-origin`: some entry of Unattended-Upgrade::Allowed-Origins
//! (a value ending in `-security`) or Unattended-Upgrade::Origins-Pattern
//! (containing `-security`, or a `label=`/`l=` Debian-Security match) names the
//! security pocket. Lists append across files; commented-out entries do not count,
//! but are pointed out.

use super::common::{self, location};
use crate::eval::EvalContext;
use crate::model::{Finding, Location, Outcome};
use crate::parse::apt::conf::{self, AptConfig, ListEntry};
use crate::parse::text::line_number;

pub const ALLOWED_ORIGINS: &str = "Unattended-Upgrade::Allowed-Origins";
pub const ORIGINS_PATTERN: &str = "Unattended-Upgrade::Origins-Pattern";

pub fn evaluate(ctx: &EvalContext) -> Outcome {
    decide(&conf::load(ctx.source))
}

/// An Allowed-Origins value (`origin:archive`) for a security pocket.
pub fn is_security_origin(value: &str) -> bool {
    value.trim().ends_with("-security")
}

/// An Origins-Pattern value (`key=value,...`) matching a security archive.
pub fn is_security_pattern(value: &str) -> bool {
    let label = |part: &str| {
        part.split_once('=')
            .is_some_and(|(key, value)| matches!(key.trim(), "label" | "l") && value.trim() == "Debian-Security")
    };
    value.contains("-security") || value.split(',').any(label)
}

struct Entry<'a> {
    list: &'static str,
    entry: ListEntry<'a>,
    security: bool,
}

pub fn decide(config: &AptConfig) -> Outcome {
    if let Some(outcome) = common::config_unavailable(config) {
        return outcome;
    }
    let entries = entries(config);
    let mut findings: Vec<Finding> = entries.iter().map(entry_finding).collect();
    findings.extend(clear_findings(config));
    let commented = commented_out(config);
    findings.extend(commented.iter().map(|c| {
        Finding::at(
            format!("\"{}\" is commented out, so it does not count", c.value),
            c.at.clone(),
        )
    }));
    findings.extend(common::load_findings(config));
    if let Some(summary) = common::apt_error_summary(config) {
        return Outcome::fail(summary).with_all(findings);
    }
    let outcome = match entries.iter().find(|e| e.security) {
        Some(found) => Outcome::pass(format!(
            "Security updates are applied automatically: {} has \"{}\"{}",
            found.list,
            found.entry.value,
            found.entry.at.map(|at| format!(" ({at})")).unwrap_or_default()
        )),
        None => Outcome::fail(missing_summary(&entries, &commented)),
    };
    outcome.with_all(findings)
}

fn entries(config: &AptConfig) -> Vec<Entry<'_>> {
    let allowed = config.tree.list(ALLOWED_ORIGINS).into_iter().map(|entry| Entry {
        list: ALLOWED_ORIGINS,
        security: is_security_origin(entry.value),
        entry,
    });
    let patterns = config.tree.list(ORIGINS_PATTERN).into_iter().map(|entry| Entry {
        list: ORIGINS_PATTERN,
        security: is_security_pattern(entry.value),
        entry,
    });
    allowed.chain(patterns).filter(|e| !e.entry.value.is_empty()).collect()
}

fn entry_finding(entry: &Entry) -> Finding {
    let kind = if entry.security {
        "a security origin"
    } else {
        "not a security origin"
    };
    let message = format!("{} \"{}\": {kind}", entry.list, entry.entry.value);
    match entry.entry.at {
        Some(at) => Finding::at(message, location(at)),
        None => Finding::new(message),
    }
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
            if is_security_origin(value) || is_security_pattern(value) {
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

fn missing_summary(entries: &[Entry], commented: &[Commented]) -> String {
    let mut summary = if entries.is_empty() {
        format!("No security updates are applied automatically: neither {ALLOWED_ORIGINS} nor {ORIGINS_PATTERN} has an entry")
    } else {
        format!(
            "No security updates are applied automatically: none of the {} {ALLOWED_ORIGINS} / {ORIGINS_PATTERN} entries names a -security pocket",
            entries.len()
        )
    };
    if let Some(first) = commented.first() {
        summary.push_str(&format!("; \"{}\" is commented out at {}", first.value, first.at));
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::apt::common::testing::{host, run};
    use crate::model::Status;

    const UU: &str = "/etc/apt/apt.conf.d/50unattended-upgrades";
    const UBUNTU: &str = "Unattended-Upgrade::Allowed-Origins {\n\t\"${distro_id}:${distro_codename}\";\n\
                          \t\"${distro_id}:${distro_codename}-security\";\n//\t\"${distro_id}:${distro_codename}-updates\";\n};\n";
    const COMMENTED: &str = "Unattended-Upgrade::Allowed-Origins {\n\t\"${distro_id}:${distro_codename}\";\n\
                             //\t\"${distro_id}:${distro_codename}-security\";\n\t\"${distro_id}ESM:${distro_codename}\";\n};\n";
    const DEBIAN: &str = "Unattended-Upgrade::Origins-Pattern {\n\
                          //      \"origin=Debian,codename=${distro_codename}-updates\";\n\
                          \"origin=Debian,codename=${distro_codename},label=Debian\";\n\
                          \"origin=Debian,codename=${distro_codename},label=Debian-Security\";\n};\n";

    fn outcome(files: &[(&str, &str)]) -> Outcome {
        run(evaluate, &host(files))
    }

    /// name, files (path, text), expected status
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Status);

    #[test]
    fn table() {
        let local = "/etc/apt/apt.conf.d/52unattended-upgrades-local";
        let cases: Vec<Case> = vec![
            ("stock Ubuntu", vec![(UU, UBUNTU)], Status::Pass),
            ("commented-out -security", vec![(UU, COMMENTED)], Status::Fail),
            ("Debian label=Debian-Security", vec![(UU, DEBIAN)], Status::Pass),
            ("short l=Debian-Security", vec![(UU, "Unattended-Upgrade::Origins-Pattern { \"o=Debian,l=Debian-Security\"; };\n")], Status::Pass),
            ("`::` list entry", vec![(UU, COMMENTED), (local, "Unattended-Upgrade::Allowed-Origins:: \"Ubuntu:noble-security\";\n")], Status::Pass),
            ("lists append across files", vec![(UU, COMMENTED), (local, "Unattended-Upgrade::Allowed-Origins { \"${distro_id}:${distro_codename}-security\"; };\n")], Status::Pass),
            ("#clear drops earlier entries", vec![(UU, UBUNTU), (local, "#clear Unattended-Upgrade::Allowed-Origins;\nUnattended-Upgrade::Allowed-Origins { \"${distro_id}:${distro_codename}-updates\"; };\n")], Status::Fail),
            ("#clear then re-add", vec![(UU, COMMENTED), (local, "#clear Unattended-Upgrade::Allowed-Origins;\nUnattended-Upgrade::Allowed-Origins { \"Ubuntu:noble-security\"; };\n")], Status::Pass),
            ("/* */ around the entry", vec![(UU, "Unattended-Upgrade::Allowed-Origins {\n/*\n\"${distro_id}:${distro_codename}-security\";\n*/\n};\n")], Status::Fail),
            ("# comment", vec![(UU, "Unattended-Upgrade::Allowed-Origins {\n# \"${distro_id}:${distro_codename}-security\";\n};\n")], Status::Fail),
            ("no configuration", vec![], Status::Fail),
            ("dpkg-dist copy is not read", vec![(UU, COMMENTED), ("/etc/apt/apt.conf.d/50unattended-upgrades.dpkg-dist", UBUNTU)], Status::Fail),
        ];
        for (name, files, expected) in cases {
            assert_eq!(outcome(&files).status, expected, "{name}");
        }
    }

    #[test]
    fn a_commented_out_origin_is_named_in_the_summary() {
        let result = outcome(&[(UU, COMMENTED)]);
        assert_eq!(
            result.summary,
            "No security updates are applied automatically: none of the 2 Unattended-Upgrade::Allowed-Origins / \
             Unattended-Upgrade::Origins-Pattern entries names a -security pocket; \
             \"${distro_id}:${distro_codename}-security\" is commented out at /etc/apt/apt.conf.d/50unattended-upgrades:3"
        );
        assert!(result
            .findings
            .iter()
            .any(|f| f.location == Some(Location::line(UU, 3))));
    }

    #[test]
    fn a_pass_names_the_entry_and_where() {
        let result = outcome(&[(UU, UBUNTU)]);
        assert_eq!(
            result.summary,
            "Security updates are applied automatically: Unattended-Upgrade::Allowed-Origins has \
             \"${distro_id}:${distro_codename}-security\" (/etc/apt/apt.conf.d/50unattended-upgrades:3)"
        );
    }

    #[test]
    fn origin_matchers() {
        assert!(is_security_origin(
            "${distro_id}ESMApps:${distro_codename}-apps-security"
        ));
        assert!(!is_security_origin("${distro_id}ESM:${distro_codename}"));
        assert!(!is_security_origin("Ubuntu:noble-security-not"));
        assert!(is_security_pattern(
            "origin=Debian,codename=${distro_codename}-security,label=Debian-Security"
        ));
        assert!(!is_security_pattern(
            "origin=Debian,codename=${distro_codename},label=Debian"
        ));
    }
}
