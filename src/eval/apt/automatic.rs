//! `patching.automatic`: APT::Periodic::Update-Package-Lists and
//! APT::Periodic::Unattended-Upgrade, as apt reads them, must both be non-zero, and
//! APT::Periodic::Enable must not be "0" (apt.systemd.daily then does nothing).
//! Findings name the file and line that set each value and what it overrode.

use super::common::{self, location};
use crate::eval::EvalContext;
use crate::model::{Finding, Outcome};
use crate::parse::apt::conf::{self, AptConfig, Change, ConfTree};

pub const UPDATE_LISTS: &str = "APT::Periodic::Update-Package-Lists";
pub const UNATTENDED_UPGRADE: &str = "APT::Periodic::Unattended-Upgrade";
/// apt.systemd.daily does nothing at all when this is "0".
pub const PERIODIC_ENABLE: &str = "APT::Periodic::Enable";

pub fn evaluate(ctx: &EvalContext) -> Outcome {
    decide(&conf::load(ctx.source))
}

pub fn decide(config: &AptConfig) -> Outcome {
    if let Some(outcome) = common::config_unavailable(config) {
        return outcome;
    }
    let keys = [
        Key::read(&config.tree, UPDATE_LISTS),
        Key::read(&config.tree, UNATTENDED_UPGRADE),
    ];
    let mut findings: Vec<Finding> = keys.iter().flat_map(Key::findings).collect();
    findings.extend(enable_finding(&config.tree));
    findings.extend(common::load_findings(config));
    findings.push(read_order(config));
    if let Some(summary) = common::apt_error_summary(config) {
        return Outcome::fail(summary).with_all(findings);
    }
    let mut off: Vec<String> = keys.iter().filter(|k| !k.is_on()).map(Key::describe).collect();
    if let Some(disabled) = enable_off(&config.tree) {
        off.insert(0, disabled);
    }
    let outcome = if off.is_empty() {
        Outcome::pass(format!("{}; {}", keys[0].describe(), keys[1].describe()))
    } else {
        Outcome::fail(off.join("; "))
    };
    outcome.with_all(findings)
}

/// Off means absent, empty or zero, as apt.systemd.daily reads an interval.
pub fn is_on(value: &str) -> bool {
    let value = value.trim();
    !value.is_empty() && !value.bytes().all(|b| b == b'0')
}

struct Key<'a> {
    name: &'static str,
    value: &'a str,
    history: &'a [Change],
}

impl<'a> Key<'a> {
    fn read(tree: &'a ConfTree, name: &'static str) -> Self {
        Key {
            name,
            value: tree.find(name),
            history: tree.history(name),
        }
    }

    fn is_on(&self) -> bool {
        is_on(self.value)
    }

    fn describe(&self) -> String {
        let Some((last, earlier)) = self.history.split_last() else {
            return format!("{} is not set in any file apt reads (off by default)", self.name);
        };
        let what = match &last.value {
            Some(value) => format!("{} is \"{value}\": set at {}", self.name, last.at),
            None => format!("{} is empty: cleared by #clear at {}", self.name, last.at),
        };
        let overridden = earlier.iter().rev().find(|c| c.value.as_deref().is_some_and(is_on));
        match overridden {
            Some(Change { value: Some(value), at }) if !self.is_on() => format!("{what}, after \"{value}\" in {at}"),
            _ => what,
        }
    }

    fn findings(&self) -> Vec<Finding> {
        let Some((last, earlier)) = self.history.split_last() else {
            return vec![Finding::new(format!("{} is not set in any file apt reads", self.name))];
        };
        let mut findings: Vec<Finding> = earlier
            .iter()
            .map(|change| {
                Finding::at(
                    format!("{}, overridden by {}", self.change_text(change), last.at),
                    location(&change.at),
                )
            })
            .collect();
        findings.push(Finding::at(
            format!("{} (the effective value)", self.change_text(last)),
            location(&last.at),
        ));
        findings
    }

    fn change_text(&self, change: &Change) -> String {
        match &change.value {
            Some(value) => format!("{} \"{value}\"", self.name),
            None => format!("#clear {}", self.name),
        }
    }
}

/// apt.systemd.daily reads APT::Periodic::Enable (default 1) and exits at once
/// when it is 0, so neither list updates nor unattended-upgrade ever run.
fn enable_off(tree: &ConfTree) -> Option<String> {
    let value = tree.find(PERIODIC_ENABLE);
    let last = tree.history(PERIODIC_ENABLE).last()?;
    (!value.is_empty() && !is_on(value)).then(|| {
        format!(
            "{PERIODIC_ENABLE} is \"{value}\": set at {}, so apt's daily job does nothing",
            last.at
        )
    })
}

fn enable_finding(tree: &ConfTree) -> Option<Finding> {
    let value = tree.find(PERIODIC_ENABLE);
    let last = tree.history(PERIODIC_ENABLE).last()?;
    (!value.is_empty() && !is_on(value)).then(|| {
        let message = format!("{PERIODIC_ENABLE} \"{value}\": apt.systemd.daily skips all periodic work");
        Finding::at(message, location(&last.at))
    })
}

fn read_order(config: &AptConfig) -> Finding {
    let files: Vec<&str> = config.files.iter().map(|f| f.path.as_str()).collect();
    if files.is_empty() {
        return Finding::new("apt reads no configuration file on this host");
    }
    Finding::new(format!("apt reads, in this order: {}", files.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::apt::common::testing::{host, run};
    use crate::evidence::FileState;
    use crate::model::{Location, Status};

    const AUTO: &str = "/etc/apt/apt.conf.d/20auto-upgrades";
    const STOCK: &str = "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n";

    fn status(files: &[(&str, &str)]) -> Status {
        run(evaluate, &host(files)).status
    }

    /// name, files (path, text), expected status
    type Case<'a> = (&'a str, Vec<(String, &'a str)>, Status);

    #[test]
    fn table() {
        let d = |name: &str| format!("/etc/apt/apt.conf.d/{name}");
        let nested = "APT {\n  Periodic {\n    Update-Package-Lists \"1\";\n    Unattended-Upgrade \"7\";\n  };\n};\n";
        let off = "APT::Periodic::Unattended-Upgrade \"0\";\n";
        let cases: Vec<Case> = vec![
            ("`::` syntax", vec![(d("20auto-upgrades"), STOCK)], Status::Pass),
            ("nested syntax", vec![(d("10periodic"), nested)], Status::Pass),
            (
                "one line nested",
                vec![(
                    d("10p"),
                    "APT { Periodic { Update-Package-Lists \"1\"; Unattended-Upgrade \"always\"; }; };",
                )],
                Status::Pass,
            ),
            (
                "later file switches off",
                vec![(d("20auto-upgrades"), STOCK), (d("99-no-updates"), off)],
                Status::Fail,
            ),
            (
                "earlier file cannot switch off",
                vec![(d("10-off"), off), (d("20auto-upgrades"), STOCK)],
                Status::Pass,
            ),
            (
                "apt.conf overrides",
                vec![(d("20auto-upgrades"), STOCK), ("/etc/apt/apt.conf".into(), off)],
                Status::Fail,
            ),
            (
                "apt.conf switches on",
                vec![(d("99-off"), off), ("/etc/apt/apt.conf".into(), STOCK)],
                Status::Pass,
            ),
            (
                "not set",
                vec![(d("01autoremove"), "APT::NeverAutoRemove { \"^linux-image.*\"; };\n")],
                Status::Fail,
            ),
            (
                "only Unattended-Upgrade",
                vec![(d("20auto-upgrades"), "APT::Periodic::Unattended-Upgrade \"1\";\n")],
                Status::Fail,
            ),
            (
                "case-insensitive keys",
                vec![
                    (d("20auto-upgrades"), STOCK),
                    (d("99x"), "apt::periodic::unattended-upgrade \"0\";\n"),
                ],
                Status::Fail,
            ),
            (
                "#clear",
                vec![(d("20auto-upgrades"), STOCK), (d("99clear"), "#clear APT::Periodic;\n")],
                Status::Fail,
            ),
            (
                "syntax error",
                vec![
                    (d("20auto-upgrades"), STOCK),
                    (d("99broken"), "APT::Periodic::Verbose \"1\"\n"),
                ],
                Status::Fail,
            ),
        ];
        for (name, files, expected) in cases {
            let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), *t)).collect();
            assert_eq!(status(&files), expected, "{name}");
        }
    }

    #[test]
    fn ignored_names_never_switch_updates_on() {
        for name in [
            "20auto-upgrades.dpkg-old",
            ".hidden",
            "x.bak",
            "x~",
            "x.disabled",
            "20auto-upgrades.ucf-dist",
        ] {
            let path = format!("/etc/apt/apt.conf.d/{name}");
            let outcome = run(evaluate, &host(&[(&path, STOCK)]));
            assert_eq!(outcome.status, Status::Fail, "{name}");
            assert!(
                outcome
                    .findings
                    .iter()
                    .any(|f| f.location == Some(Location::file(path.as_str()))),
                "{name}"
            );
        }
    }

    #[test]
    fn comments_hide_values() {
        let text = "// APT::Periodic::Update-Package-Lists \"1\";\n# APT::Periodic::Update-Package-Lists \"1\";\n\
                    /* APT::Periodic::Update-Package-Lists \"1\";\n   APT::Periodic::Unattended-Upgrade \"1\"; */\n\
                    APT::Periodic::Unattended-Upgrade \"1\"; // on\n";
        let outcome = run(evaluate, &host(&[(AUTO, text)]));
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(
            outcome.summary,
            "APT::Periodic::Update-Package-Lists is not set in any file apt reads (off by default)"
        );
    }

    #[test]
    fn the_finding_names_the_file_that_switched_updates_off() {
        let snap = host(&[
            (AUTO, STOCK),
            (
                "/etc/apt/apt.conf.d/99-disable",
                "// local\n\nAPT::Periodic::Unattended-Upgrade \"0\";\n",
            ),
        ]);
        let outcome = run(evaluate, &snap);
        assert_eq!(
            outcome.summary,
            "APT::Periodic::Unattended-Upgrade is \"0\": set at /etc/apt/apt.conf.d/99-disable:3, \
             after \"1\" in /etc/apt/apt.conf.d/20auto-upgrades:2"
        );
        let effective = outcome
            .findings
            .iter()
            .find(|f| f.message.ends_with("(the effective value)") && f.message.contains("Unattended"));
        assert_eq!(
            effective.and_then(|f| f.location.clone()),
            Some(Location::line("/etc/apt/apt.conf.d/99-disable", 3))
        );
        let overridden = Location::line(AUTO, 2);
        assert!(outcome
            .findings
            .iter()
            .any(|f| f.location == Some(overridden.clone()) && f.message.contains("overridden by")));
    }

    #[test]
    fn a_pass_names_where_each_value_was_set() {
        let outcome = run(evaluate, &host(&[(AUTO, STOCK)]));
        assert_eq!(
            outcome.summary,
            "APT::Periodic::Update-Package-Lists is \"1\": set at /etc/apt/apt.conf.d/20auto-upgrades:1; \
             APT::Periodic::Unattended-Upgrade is \"1\": set at /etc/apt/apt.conf.d/20auto-upgrades:2"
        );
    }

    #[test]
    fn a_syntax_error_fails_because_apt_refuses_to_run() {
        let snap = host(&[
            (AUTO, STOCK),
            ("/etc/apt/apt.conf.d/99broken", "APT::Periodic::Verbose \"1\" junk;\n"),
        ]);
        let outcome = run(evaluate, &snap);
        assert!(outcome
            .summary
            .starts_with("APT configuration error at /etc/apt/apt.conf.d/99broken:1 (Extra junk after value)"));
        assert!(outcome
            .findings
            .iter()
            .any(|f| f.location == Some(Location::line("/etc/apt/apt.conf.d/99broken", 1))));
    }

    #[test]
    fn unreadable_or_uncollected_configuration_is_an_error() {
        let snap = host(&[(AUTO, STOCK)]).with_state("/etc/apt/apt.conf.d/50x", FileState::Binary { bytes: 12 });
        let outcome = run(evaluate, &snap);
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.summary.contains("/etc/apt/apt.conf.d/50x is a binary file"));
        let outcome = run(evaluate, &crate::evidence::Snapshot::new());
        assert_eq!(outcome.status, Status::Error);
        assert!(
            outcome.summary.contains("/etc/apt/apt.conf.d was not collected"),
            "{}",
            outcome.summary
        );
    }

    #[test]
    fn off_values() {
        for value in ["", "0", "00", " 0 "] {
            assert!(!is_on(value), "{value:?}");
        }
        for value in ["1", "7", "always", "1d", "0d"] {
            assert!(is_on(value), "{value:?}");
        }
    }

    #[test]
    fn periodic_enable_zero_switches_everything_off() {
        let snap = host(&[
            (AUTO, STOCK),
            ("/etc/apt/apt.conf.d/99off", "APT::Periodic::Enable \"0\";\n"),
        ]);
        let outcome = run(evaluate, &snap);
        assert_eq!(outcome.status, crate::model::Status::Fail);
        assert!(
            outcome.summary.starts_with(
                "APT::Periodic::Enable is \"0\": set at /etc/apt/apt.conf.d/99off:1, so apt's daily job does nothing"
            ),
            "{}",
            outcome.summary
        );
        assert!(outcome
            .findings
            .iter()
            .any(|f| f.message.contains("apt.systemd.daily skips all periodic work")));
    }
}
