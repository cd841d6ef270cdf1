//! The JUnit XML report, for CI dashboards (GitLab, Jenkins, GitHub test
//! reporters, Azure DevOps): one `<testsuites>`, a `<testsuite>` per host and
//! section, a `<testcase>` per control.
//!
//! Suites are per host *and* section because dashboards show suites as the first
//! level of grouping and count failures per suite: "ssh: 2 failures" tells a reader
//! where to look, where one suite of 65 controls per host would not. The suite's
//! name carries the host (`local: SSH access control`) and its `hostname` attribute
//! the target, so a fleet's suites stay apart; the test case's `classname` is the
//! section id and its name `control-id: title`, the same on every host and every
//! run, so a dashboard follows a control's history.
//!
//! Statuses: `fail` is a `<failure type="fail">` (summary as the message; findings,
//! override and remediation in the body); `error` an `<error>`; `needs_review` and
//! `not_applicable` are `<skipped>` with the status and summary as the message.
//! `warn` passes, with the warning and its findings in `<system-out>`: vouch's exit
//! code does not fail on a warn by default (`--fail-on fail`), and a dashboard that
//! turned red where the job is green would contradict it. Counts on every suite
//! (and the sum on `<testsuites>`) are of those elements, so they always agree.
//!
//! Every string from a target or a checklist goes through `sanitize::xml_text` or
//! `sanitize::xml_attr`, so hostile evidence cannot break the document.

use crate::model::Status;
use crate::results::{ControlResult, HostResult, ScanResults};
use crate::sanitize::{xml_attr as attr, xml_text as text};
use std::fmt::Write as _;

/// How many test cases of each outcome a suite holds.
#[derive(Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn of<'a>(controls: impl IntoIterator<Item = &'a ControlResult>) -> Self {
        let mut counts = Counts::default();
        for control in controls {
            counts.tests += 1;
            match control.status {
                Status::Fail => counts.failures += 1,
                Status::Error => counts.errors += 1,
                Status::NeedsReview | Status::NotApplicable => counts.skipped += 1,
                Status::Pass | Status::Warn => {}
            }
        }
        counts
    }

    fn add(self, other: Counts) -> Self {
        Counts {
            tests: self.tests + other.tests,
            failures: self.failures + other.failures,
            errors: self.errors + other.errors,
            skipped: self.skipped + other.skipped,
        }
    }

    fn attributes(self) -> String {
        format!(
            r#"tests="{}" failures="{}" errors="{}" skipped="{}""#,
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

pub fn render(results: &ScanResults) -> String {
    let mut suites = String::new();
    let mut total = Counts::default();
    for host in &results.hosts {
        for (section, controls) in sections(host) {
            let counts = Counts::of(controls.iter().copied());
            total = total.add(counts);
            suite(&mut suites, results, host, section, &controls, counts);
        }
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, r#"<testsuites name="vouch scan" {}>"#, total.attributes());
    out.push_str(&suites);
    out.push_str("</testsuites>\n");
    out
}

/// A host's controls by section, sections in the order their first control comes.
fn sections(host: &HostResult) -> Vec<(&str, Vec<&ControlResult>)> {
    let mut sections: Vec<(&str, Vec<&ControlResult>)> = Vec::new();
    for control in &host.controls {
        match sections.iter_mut().find(|(id, _)| *id == control.section) {
            Some((_, list)) => list.push(control),
            None => sections.push((&control.section, vec![control])),
        }
    }
    sections
}

fn suite(
    out: &mut String,
    results: &ScanResults,
    host: &HostResult,
    section: &str,
    controls: &[&ControlResult],
    counts: Counts,
) {
    let name = format!("{}: {}", host.target, results.section_title(section));
    let _ = writeln!(
        out,
        r#"  <testsuite name="{}" {} hostname="{}" timestamp="{}">"#,
        attr(&name),
        counts.attributes(),
        attr(&host.target),
        results.as_of.format("%Y-%m-%dT%H:%M:%S"),
    );
    properties(out, results, host, section);
    for control in controls {
        testcase(out, control);
    }
    if let Some(error) = &host.error {
        let _ = writeln!(out, "    <system-err>incomplete: {}</system-err>", text(error));
    }
    out.push_str("  </testsuite>\n");
}

fn properties(out: &mut String, results: &ScanResults, host: &HostResult, section: &str) {
    let mut props = vec![
        ("vouch.version", results.tool.version.clone()),
        ("vouch.as_of", crate::clock::rfc3339(&results.as_of)),
        ("vouch.target", host.target.clone()),
        ("vouch.transport", host.transport.clone()),
        ("vouch.section", section.to_string()),
    ];
    props.extend(host.root.clone().map(|root| ("vouch.root", root)));
    props.extend(host.app_dir.clone().map(|dir| ("vouch.app_dir", dir)));
    out.push_str("    <properties>\n");
    for (name, value) in props {
        let _ = writeln!(out, r#"      <property name="{name}" value="{}"/>"#, attr(&value));
    }
    out.push_str("    </properties>\n");
}

fn testcase(out: &mut String, control: &ControlResult) {
    let name = format!("{}: {}", control.id, control.title);
    let _ = write!(
        out,
        r#"    <testcase classname="{}" name="{}""#,
        attr(&control.section),
        attr(&name)
    );
    let message = attr(&format!("{}: {}", control.status, control.summary));
    match control.status {
        Status::Pass if control.override_.is_none() => out.push_str("/>\n"),
        Status::Pass => {
            let _ = writeln!(
                out,
                ">\n      <system-out>{}</system-out>\n    </testcase>",
                text(&body(control))
            );
        }
        Status::Warn => {
            let _ = writeln!(
                out,
                ">\n      <system-out>warn: {}</system-out>\n    </testcase>",
                text(&body(control))
            );
        }
        Status::Fail | Status::Error => {
            let element = if control.status == Status::Fail {
                "failure"
            } else {
                "error"
            };
            let _ = writeln!(
                out,
                ">\n      <{element} message=\"{message}\" type=\"{}\">{}</{element}>\n    </testcase>",
                control.status,
                text(&body(control))
            );
        }
        Status::NeedsReview | Status::NotApplicable => {
            let _ = writeln!(out, ">\n      <skipped message=\"{message}\"/>\n    </testcase>");
        }
    }
}

/// The text under a control: summary, findings (`location: message`), any
/// override, and the remediation.
fn body(control: &ControlResult) -> String {
    let mut body = control.summary.clone();
    for finding in &control.findings {
        let line = super::finding_line(finding, str::to_string, str::to_string);
        let _ = write!(body, "\n- {line}");
    }
    if let Some(o) = &control.override_ {
        let _ = write!(body, "\n{}", super::override_line(o, str::to_string));
    }
    if !control.remediation.is_empty() && matches!(control.status, Status::Fail | Status::Warn) {
        let _ = write!(body, "\n\nRemediation: {}", control.remediation.trim_end());
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{bundled, load_catalog};
    use crate::results::fixtures::{at, failing, host_of};
    use crate::results::FindingOut;

    fn results_of(controls: Vec<ControlResult>) -> ScanResults {
        let (catalog, _) = load_catalog(&bundled::texts()).unwrap();
        ScanResults::new(&catalog, at("2026-11-22"), vec![host_of(controls)])
    }

    fn with(status: Status, summary: &str) -> ControlResult {
        let mut control = failing();
        control.status = status;
        control.summary = summary.into();
        control
    }

    #[test]
    fn a_ci_dashboard_counts_one_failure_one_error_and_two_skips() {
        let xml = render(&results_of(vec![
            with(Status::Fail, "PermitRootLogin yes"),
            with(Status::Error, "cannot read"),
            with(Status::NeedsReview, "ask"),
            with(Status::NotApplicable, "no sshd"),
            with(Status::Warn, "keys only"),
            with(Status::Pass, "fine"),
        ]));
        assert!(
            xml.contains(r#"<testsuites name="vouch scan" tests="6" failures="1" errors="1" skipped="2">"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"hostname="local" timestamp="2026-11-22T12:00:00">"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<failure message="fail: PermitRootLogin yes" type="fail">"#),
            "{xml}"
        );
        assert!(xml.contains(r#"<skipped message="needs_review: ask"/>"#), "{xml}");
        assert!(xml.contains("<system-out>warn: keys only"), "{xml}");
        assert!(xml.contains(r#"classname="ssh" name="ssh.root-login: "#), "{xml}");
    }

    #[test]
    fn a_failure_shows_its_findings_and_how_to_fix_it() {
        let mut control = with(Status::Fail, "root may log in");
        control.findings = vec![FindingOut {
            message: "PermitRootLogin yes".into(),
            location: Some("/etc/ssh/sshd_config:3".into()),
        }];
        let xml = render(&results_of(vec![control]));
        assert!(xml.contains("- /etc/ssh/sshd_config:3: PermitRootLogin yes"), "{xml}");
        assert!(xml.contains("Remediation: "), "{xml}");
    }

    #[test]
    fn hostile_evidence_cannot_break_the_document() {
        let mut control = with(Status::Fail, "<script>\"x\"</script> ]]> \u{1b}[2J");
        control.findings = vec![FindingOut {
            message: "a\u{0}b".into(),
            location: None,
        }];
        let xml = render(&results_of(vec![control]));
        assert!(!xml.contains("<script") && !xml.contains("]]>") && !xml.contains('\u{1b}') && !xml.contains('\u{0}'));
        assert!(xml.contains("&lt;script&gt;&quot;x&quot;"), "{xml}");
    }
}
