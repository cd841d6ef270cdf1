//! `patching.reboot-required`: /run/reboot-required (or /var/run/reboot-required)
//! exists when installed updates wait for a reboot; the packages that asked for it
//! are listed from the `.pkgs` file next to it.

use super::common::REBOOT_FLAGS;
use crate::eval::EvalContext;
use crate::evidence::{FileState, Source};
use crate::model::{Finding, Location, Outcome};
use crate::parse::text::line_number;

pub fn evaluate(ctx: &EvalContext) -> Outcome {
    let states: Vec<(&str, FileState)> = REBOOT_FLAGS.iter().map(|p| (*p, ctx.source.read(p))).collect();
    if let Some((flag, _)) = states.iter().find(|(_, state)| state.exists()) {
        return pending(ctx.source, flag);
    }
    if let Some((path, _)) = states.iter().find(|(_, state)| *state == FileState::Missing) {
        return Outcome::pass(format!("No reboot is pending: {path} does not exist"));
    }
    let reasons: Vec<String> = states.iter().filter_map(|(path, state)| state.problem(path)).collect();
    Outcome::error(format!(
        "Cannot tell whether a reboot is pending: {}",
        reasons.join("; ")
    ))
}

fn pending(source: &dyn Source, flag: &str) -> Outcome {
    let pkgs_path = format!("{flag}.pkgs");
    let flag_finding = Finding::at(
        "exists: installed updates take effect only after a reboot",
        Location::file(flag),
    );
    let (packages, findings) = match source.read(&pkgs_path) {
        FileState::Text(text) => package_lines(&pkgs_path, &text),
        state => {
            let reason = state.problem(&pkgs_path).unwrap_or_default();
            (
                Vec::new(),
                vec![Finding::at(
                    format!("packages unknown: {reason}"),
                    Location::file(pkgs_path.clone()),
                )],
            )
        }
    };
    let because = if packages.is_empty() {
        String::new()
    } else {
        format!(" for {}", packages.join(", "))
    };
    Outcome::warn(format!(
        "A reboot is pending{because}: {flag} exists; reboot to finish applying updates"
    ))
    .with(flag_finding)
    .with_all(findings)
}

/// Distinct package names of a reboot-required.pkgs file, with a finding each.
fn package_lines(path: &str, text: &str) -> (Vec<String>, Vec<Finding>) {
    let mut packages: Vec<String> = Vec::new();
    let mut findings = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let name = line.trim();
        if name.is_empty() || packages.iter().any(|p| p == name) {
            continue;
        }
        packages.push(name.to_string());
        findings.push(Finding::at(
            format!("{name} asks for a reboot"),
            Location::line(path, line_number(index)),
        ));
    }
    (packages, findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::apt::common::testing::{host, run};
    use crate::model::Status;

    #[test]
    fn a_pending_reboot_warns_and_lists_the_packages() {
        let snap = host(&[
            ("/run/reboot-required", "*** System restart required ***\n"),
            (
                "/run/reboot-required.pkgs",
                "linux-image-6.8.0-49-generic\nlinux-base\nlinux-image-6.8.0-49-generic\n",
            ),
        ]);
        let outcome = run(evaluate, &snap);
        assert_eq!(outcome.status, Status::Warn);
        assert_eq!(
            outcome.summary,
            "A reboot is pending for linux-image-6.8.0-49-generic, linux-base: /run/reboot-required exists; \
             reboot to finish applying updates"
        );
        assert_eq!(outcome.findings.len(), 3);
        assert_eq!(
            outcome.findings[2].location,
            Some(Location::line("/run/reboot-required.pkgs", 2))
        );
    }

    #[test]
    fn table() {
        let missing = || {
            host(&[])
                .with_state("/run/reboot-required", FileState::Missing)
                .with_state("/var/run/reboot-required", FileState::Missing)
        };
        let cases = [
            ("no flag", missing(), Status::Pass),
            (
                "flag without pkgs",
                missing().with_file("/run/reboot-required", ""),
                Status::Warn,
            ),
            (
                "flag under /var/run",
                missing().with_file("/var/run/reboot-required", ""),
                Status::Warn,
            ),
            (
                "unreadable flag still exists",
                missing().with_state("/run/reboot-required", FileState::Unreadable("denied".into())),
                Status::Warn,
            ),
            ("nothing collected", host(&[]), Status::Error),
        ];
        for (name, snap, expected) in cases {
            assert_eq!(run(evaluate, &snap).status, expected, "{name}");
        }
    }
}
