//! `patching.unattended-upgrades`: the dpkg status database has a stanza
//! `Package: unattended-upgrades` whose Status is exactly `install ok installed`.

use super::common::{self, DPKG_STATUS};
use crate::eval::EvalContext;
use crate::evidence::FileState;
use crate::model::{Finding, Location, Outcome};
use crate::parse::apt::dpkg::{self, Stanza};

pub const PACKAGE: &str = "unattended-upgrades";
const INSTALLED: &str = "install ok installed";
const INSTALLED_WORDS: (&str, &str, &str) = ("install", "ok", "installed");

pub fn evaluate(ctx: &EvalContext) -> Outcome {
    match ctx.source.read(DPKG_STATUS) {
        FileState::Text(text) => decide(&text),
        FileState::Missing => Outcome::fail(format!(
            "{PACKAGE} is not installed: {DPKG_STATUS} does not exist (no dpkg package database on this host)"
        )),
        state => common::unavailable(DPKG_STATUS, &state),
    }
}

/// Decide from the text of /var/lib/dpkg/status.
pub fn decide(status_text: &str) -> Outcome {
    let stanzas = dpkg::package(status_text, PACKAGE);
    let findings = stanzas.iter().map(finding);
    let installed = stanzas
        .iter()
        .find(|s| s.status.and_then(dpkg::status_words) == Some(INSTALLED_WORDS));
    let outcome = match (installed, stanzas.first()) {
        (Some(stanza), _) => Outcome::pass(format!(
            "{PACKAGE} {}is installed (Status: {INSTALLED})",
            stanza.version.map(|v| format!("{v} ")).unwrap_or_default()
        )),
        (None, Some(stanza)) => {
            let status = stanza.status.unwrap_or("");
            Outcome::fail(format!(
                "{PACKAGE} is not installed: its Status is \"{status}\" ({}); install it with `apt install {PACKAGE}`",
                dpkg::explain_status(status)
            ))
        }
        (None, None) => Outcome::fail(format!(
            "{PACKAGE} is not installed: {DPKG_STATUS} has no `Package: {PACKAGE}` stanza; install it with `apt install {PACKAGE}`"
        )),
    };
    outcome.with_all(findings)
}

fn finding(stanza: &Stanza) -> Finding {
    let message = format!(
        "Package: {PACKAGE}, Status: {}, Version: {}, Architecture: {}",
        stanza.status.unwrap_or("(none)"),
        stanza.version.unwrap_or("(none)"),
        stanza.architecture.unwrap_or("(none)")
    );
    Finding::at(message, Location::line(DPKG_STATUS, stanza.line))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::apt::common::testing::{host, run};
    use crate::model::Status;

    fn stanza(status: &str) -> String {
        format!(
            "Package: ufw\nStatus: install ok installed\nVersion: 0.36.2-6\n\n\
             Package: unattended-upgrades\nStatus: {status}\nPriority: optional\nSection: admin\n\
             Architecture: all\nVersion: 2.9.1+nmu4ubuntu1\nDescription: automatic installation of security upgrades\n \
             This package can download and install security upgrades automatically\n\n"
        )
    }

    #[test]
    fn table() {
        let cases = [
            ("install ok installed", Status::Pass),
            ("deinstall ok config-files", Status::Fail),
            ("purge ok not-installed", Status::Fail),
            ("install ok half-configured", Status::Fail),
            ("hold ok installed", Status::Fail),
            ("install reinstreq half-installed", Status::Fail),
        ];
        for (status, expected) in cases {
            let text = stanza(status);
            let outcome = run(evaluate, &host(&[(DPKG_STATUS, text.as_str())]));
            assert_eq!(outcome.status, expected, "{status}");
            assert_eq!(
                outcome.findings[0].location,
                Some(Location::line(DPKG_STATUS, 5)),
                "{status}"
            );
        }
    }

    #[test]
    fn summaries_say_what_to_do() {
        let text = stanza("deinstall ok config-files");
        let outcome = run(evaluate, &host(&[(DPKG_STATUS, text.as_str())]));
        assert_eq!(
            outcome.summary,
            "unattended-upgrades is not installed: its Status is \"deinstall ok config-files\" \
             (removed; only its configuration files remain); install it with `apt install unattended-upgrades`"
        );
        let text = stanza("install ok installed");
        let outcome = run(evaluate, &host(&[(DPKG_STATUS, text.as_str())]));
        assert_eq!(
            outcome.summary,
            "unattended-upgrades 2.9.1+nmu4ubuntu1 is installed (Status: install ok installed)"
        );
    }

    #[test]
    fn absent_stanza_or_file_fails_and_unreadable_is_an_error() {
        let outcome = run(
            evaluate,
            &host(&[(DPKG_STATUS, "Package: ufw\nStatus: install ok installed\n")]),
        );
        assert_eq!(outcome.status, Status::Fail);
        let missing = host(&[]).with_state(DPKG_STATUS, FileState::Missing);
        assert_eq!(run(evaluate, &missing).status, Status::Fail);
        let big = host(&[]).with_state(
            DPKG_STATUS,
            FileState::TooLarge {
                bytes: 80 << 20,
                cap: 16 << 20,
            },
        );
        let outcome = run(evaluate, &big);
        assert_eq!(outcome.status, Status::Error);
        assert_eq!(
            outcome.summary,
            "/var/lib/dpkg/status is 80.0 MiB, over the 16.0 MiB read cap; not read"
        );
        assert_eq!(run(evaluate, &host(&[])).status, Status::Error, "not collected");
    }
}
