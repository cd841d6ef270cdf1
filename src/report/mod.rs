//! Renderers of one results model: text for a terminal, JSON (the CLI contract) for
//! scripts, Markdown for tickets and wikis, HTML for people who never open a
//! terminal (`view` is what the three for people share), JUnit XML for CI
//! dashboards, SARIF for code-scanning dashboards, OSCAL assessment results for
//! GRC tools. Renderers read only `results` (section titles included) and never
//! compute a status.

pub mod chart;
pub mod fleet;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod oscal;
pub mod sarif;
pub mod text;
pub mod view;

use crate::results::{AnswerOut, FindingOut, Override};

/// One line about an auditor's override, each piece of free text passed through
/// the output's escaping: `overridden from fail: REASON (by A, approved by B,
/// until 2027-01-31)`, or, past its expiry, that it no longer applies.
pub(crate) fn override_line(o: &Override, escape: impl Fn(&str) -> String) -> String {
    let mut who = format!("by {}", escape(&o.by));
    if let Some(approver) = &o.approved_by {
        who.push_str(&format!(", approved by {}", escape(approver)));
    }
    match (o.expires, o.expired) {
        (Some(day), true) => format!(
            "override to {} expired on {day}, no longer applied: {} ({who})",
            o.status,
            escape(&o.reason)
        ),
        (Some(day), false) => format!(
            "overridden from {}: {} ({who}, until {day})",
            o.evaluated,
            escape(&o.reason)
        ),
        (None, _) => format!("overridden from {}: {} ({who})", o.evaluated, escape(&o.reason)),
    }
}

/// One interview answer as a line: `exists: yes (Grace, CTO, 2026-11-22T12:00:00Z)`,
/// marked when it was pre-filled from the evidence and confirmed.
pub(crate) fn answer_line(answer: &AnswerOut, escape: impl Fn(&str) -> String) -> String {
    let role = if answer.role.is_empty() {
        String::new()
    } else {
        format!(", {}", escape(&answer.role))
    };
    let confirmed = if answer.from_evidence {
        ", confirmed from the evidence"
    } else {
        ""
    };
    format!(
        "answered {}: {} ({}{role}, {}{confirmed})",
        escape(&answer.question),
        escape(&answer.answer.to_string()),
        escape(&answer.by),
        crate::clock::rfc3339(&answer.at)
    )
}

/// One finding as a line, `LOCATION: MESSAGE`, each part passed through the output's
/// own escaping (`location` and `message`).
pub(crate) fn finding_line(
    finding: &FindingOut,
    location: impl Fn(&str) -> String,
    message: impl Fn(&str) -> String,
) -> String {
    let at = finding
        .location
        .as_deref()
        .map(|l| format!("{}: ", location(l)))
        .unwrap_or_default();
    format!("{at}{}", message(&finding.message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{bundled, load_catalog};
    use crate::results::fixtures::{at, exception, failing, host_of};
    use crate::results::ScanResults;

    fn results_with(expires: &str) -> ScanResults {
        let (catalog, _) = load_catalog(&bundled::texts()).unwrap();
        let as_of = at("2026-12-05");
        let result = failing().overridden(exception(expires, "break-glass <b>account</b>"), as_of);
        ScanResults::new(&catalog, as_of, vec![host_of(vec![result])])
    }

    #[test]
    fn reports_say_who_overrode_a_status_and_when_an_override_lapsed() {
        let live = text::render(&results_with("2027-01-31"), false);
        assert!(live.contains("  MET "), "{live}");
        assert!(
            live.contains(
                "overridden from fail: break-glass <b>account</b> (by A. Auditor, approved by CTO, until 2027-01-31)"
            ),
            "{live}"
        );
        let lapsed = markdown::render(&results_with("2026-11-30"));
        assert!(lapsed.contains("### NOT MET: `ssh.root-login`"), "{lapsed}");
        assert!(
            lapsed.contains(
                r"override to pass expired on 2026-11-30, no longer applied: break\-glass \<b\>account\</b\>"
            ),
            "{lapsed}"
        );
    }
}
