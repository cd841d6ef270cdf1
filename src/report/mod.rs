//! Renderers of one results model: text for a terminal, JSON (the CLI contract) for
//! scripts, Markdown for tickets and wikis. Renderers read only `results` (section
//! titles included) and never compute a status.

pub mod json;
pub mod markdown;
pub mod sanitize;
pub mod text;

use crate::results::{FindingOut, Override};

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
    use crate::model::Status;
    use crate::results::{ControlResult, HostResult, ScanResults, Summary};
    use chrono::{DateTime, NaiveDate, Utc};

    fn results_with(expires: &str) -> ScanResults {
        let (catalog, _) = load_catalog(&bundled::texts()).unwrap();
        let control = catalog.control("ssh.root-login").unwrap();
        let as_of: DateTime<Utc> = "2026-12-05T12:00:00Z".parse().unwrap();
        let exception = Override {
            status: Status::Pass,
            evaluated: Status::Fail,
            reason: "break-glass <b>account</b>".into(),
            by: "A. Auditor".into(),
            approved_by: Some("CTO".into()),
            expires: NaiveDate::parse_from_str(expires, "%Y-%m-%d").ok(),
            expired: false,
        };
        let result = ControlResult::evaluated(control, Status::Fail, "PermitRootLogin yes".into(), Vec::new())
            .overridden(exception, as_of);
        let host = HostResult {
            target: "local".into(),
            root: None,
            app_dir: None,
            app_dir_source: None,
            transport: "local".into(),
            error: None,
            summary: Summary::of([&result.status]),
            controls: vec![result],
            evidence: Vec::new(),
        };
        ScanResults::new(&catalog, as_of, vec![host])
    }

    #[test]
    fn reports_say_who_overrode_a_status_and_when_an_override_lapsed() {
        let live = text::render(&results_with("2027-01-31"), false);
        assert!(live.contains("PASS"), "{live}");
        assert!(
            live.contains(
                "overridden from fail: break-glass <b>account</b> (by A. Auditor, approved by CTO, until 2027-01-31)"
            ),
            "{live}"
        );
        let lapsed = markdown::render(&results_with("2026-11-30"));
        assert!(lapsed.contains("**fail**"), "{lapsed}");
        assert!(
            lapsed.contains(
                "override to pass expired on 2026-11-30, no longer applied: break-glass &lt;b&gt;account&lt;/b&gt;"
            ),
            "{lapsed}"
        );
    }
}
