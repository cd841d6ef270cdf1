//! What every report for people shows, worked out once from the results so the
//! terminal, Markdown and HTML reports agree: the words a status reads as beside
//! a title that states the desired state ("met", "not met"), the controls that
//! need action (fail, error, warn) most severe first, each section's verdicts,
//! and the controls still open grouped by what would settle them — the
//! interview, better evidence, or a rule the checklists do not have — so the
//! few real verdicts are not buried under lines the auditor decides.

use crate::model::Status;
use crate::results::{ControlResult, HostResult, Open, ScanResults, Summary};

/// What a session adds to the cover: who audited, for whom, whom they asked, when.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Cover {
    pub auditor: String,
    pub organisation: Option<String>,
    /// `Name (role)`, one each.
    pub interviewees: Vec<String>,
    pub started: Option<String>,
    pub finished: Option<String>,
    /// `id version`, one per checklist used.
    pub checklists: Vec<String>,
    /// The signing key's fingerprint, in a pack.
    pub signer: Option<String>,
}

/// How a status reads beside a control's title (which states the desired state).
pub fn verdict(status: Status) -> &'static str {
    match status {
        Status::Pass => "met",
        Status::Fail => "not met",
        Status::Warn => "partly met",
        Status::NeedsReview => "open",
        Status::NotApplicable => "not applicable",
        Status::Error => "not checked",
    }
}

/// The order statuses are counted in, worst first.
pub const COUNTED: [Status; 6] = [
    Status::Fail,
    Status::Error,
    Status::Warn,
    Status::Pass,
    Status::NotApplicable,
    Status::NeedsReview,
];

fn action_rank(status: Status) -> u8 {
    match status {
        Status::Fail => 0,
        Status::Error => 1,
        _ => 2,
    }
}

/// One section's verdicts.
#[derive(Debug)]
pub struct SectionView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// Its controls per status (the open ones too), every status present.
    pub counts: Summary,
    /// Its decided controls (not the open ones), in checklist order.
    pub controls: Vec<&'a ControlResult>,
}

/// One host as its reports show it.
#[derive(Debug)]
pub struct HostView<'a> {
    pub host: &'a HostResult,
    /// Fail, error, then warn; most severe first within each; checklist order after.
    pub action: Vec<&'a ControlResult>,
    pub sections: Vec<SectionView<'a>>,
    /// Open, for the interview to settle.
    pub interview: Vec<&'a ControlResult>,
    /// Open, the evidence could not decide.
    pub inconclusive: Vec<&'a ControlResult>,
    /// Open, no automated rule in the checklists in use.
    pub no_rule: Vec<&'a ControlResult>,
}

impl<'a> HostView<'a> {
    pub fn of(results: &'a ScanResults, host: &'a HostResult) -> Self {
        let mut action: Vec<&ControlResult> = host
            .controls
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Error | Status::Warn))
            .collect();
        // A stable sort keeps checklist order among equals.
        action.sort_by_key(|c| (action_rank(c.status), std::cmp::Reverse(c.severity)));
        let mut sections: Vec<SectionView> = Vec::new();
        let (mut interview, mut inconclusive, mut no_rule) = (Vec::new(), Vec::new(), Vec::new());
        for control in &host.controls {
            if sections.last().is_none_or(|s| s.id != control.section) {
                sections.push(SectionView {
                    id: &control.section,
                    title: results.section_title(&control.section),
                    counts: Summary::of([]),
                    controls: Vec::new(),
                });
            }
            let Some(section) = sections.last_mut() else {
                continue;
            };
            *section.counts.0.entry(control.status).or_default() += 1;
            match control.open() {
                Some(Open::Interview) => interview.push(control),
                Some(Open::Evidence) => inconclusive.push(control),
                Some(Open::NoRule) => no_rule.push(control),
                None => section.controls.push(control),
            }
        }
        HostView {
            host,
            action,
            sections,
            interview,
            inconclusive,
            no_rule,
        }
    }

    /// `3 not met, 1 not checked, …, 8 open (5 for the interview, …)`: the
    /// statuses present, worst first.
    pub fn tally(&self) -> String {
        let summary = &self.host.summary;
        let mut parts: Vec<String> = COUNTED
            .iter()
            .filter(|s| **s != Status::NeedsReview && summary.count(**s) > 0)
            .map(|s| format!("{} {}", summary.count(*s), verdict(*s)))
            .collect();
        let open = summary.count(Status::NeedsReview);
        if open > 0 {
            let groups: Vec<String> = [
                (self.interview.len(), "for the interview"),
                (self.inconclusive.len(), "inconclusive"),
                (self.no_rule.len(), "with no rule"),
            ]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
            parts.push(format!("{open} open ({})", groups.join(", ")));
        }
        if parts.is_empty() {
            return "no controls".to_string();
        }
        parts.join(", ")
    }
}

/// The checklists in a few words: `16 checklists, version 1.0.0`, or each
/// `id version` when their versions differ; None when the results name none.
pub fn checklists_line(results: &ScanResults) -> Option<String> {
    let first = results.checklists.first()?;
    if results.checklists.iter().all(|c| c.version == first.version) {
        let n = results.checklists.len();
        return Some(format!(
            "{n} checklist{}, version {}",
            if n == 1 { "" } else { "s" },
            first.version
        ));
    }
    Some(
        results
            .checklists
            .iter()
            .map(|c| format!("{} {}", c.id, c.version))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// The host's facts as `label: value` pairs, those known, for a header: host
/// name, OS, kernel.
pub fn facts(host: &HostResult) -> Vec<(&'static str, String)> {
    let Some(facts) = &host.facts else {
        return Vec::new();
    };
    [
        ("host name", facts.hostname.clone()),
        ("OS", facts.os.clone()),
        ("kernel", facts.kernel.clone()),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.map(|v| (label, v)))
    .collect()
}

/// The header line under a host's heading: `host name web-1 · OS … · kernel
/// … · 16 checklists, version 1.0.0`, each fact's value through `value` and
/// the rest through `text` (the output's own escaping); None when nothing is known.
pub fn about(
    results: &ScanResults,
    host: &HostResult,
    value: impl Fn(&str) -> String,
    text: impl Fn(&str) -> String,
) -> Option<String> {
    let mut parts: Vec<String> = facts(host)
        .into_iter()
        .map(|(label, fact)| format!("{label} {}", value(&fact)))
        .collect();
    parts.extend(checklists_line(results).map(|c| text(&c)));
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The place that decided a control, for citing: its first finding's location.
pub fn deciding_location(control: &ControlResult) -> Option<&str> {
    control.findings.iter().find_map(|f| f.location.as_deref())
}

/// Whether a control's findings and remediation are shown in full.
pub fn needs_action(control: &ControlResult) -> bool {
    matches!(control.status, Status::Fail | Status::Error | Status::Warn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{bundled, load_catalog};
    use crate::results::fixtures::{at, host_of};

    fn control(id: &str, status: Status) -> ControlResult {
        let (catalog, _) = load_catalog(&bundled::texts()).unwrap();
        let control = catalog.control(id).unwrap();
        ControlResult::evaluated(control, status, "why".into(), Vec::new())
    }

    #[test]
    fn action_comes_worst_first_and_open_controls_are_grouped_apart() {
        let (catalog, _) = load_catalog(&bundled::texts()).unwrap();
        let host = host_of(vec![
            control("ssh.allow-users", Status::Warn),
            control("ssh.root-login", Status::Fail),
            control("ssh.password-auth", Status::Fail),
            control("ssh.kbd-interactive", Status::Error),
            control("ssh.empty-passwords", Status::Pass),
            control("incident.plan", Status::NeedsReview),
            {
                // An auto control the checklist gives no rule to.
                let mut ruleless = control("deps.pinned", Status::NeedsReview);
                ruleless.evaluator = None;
                ruleless
            },
            control("firewall.allowed-ports", Status::NeedsReview),
        ]);
        let results = ScanResults::new(&catalog, at("2026-12-05"), vec![host]);
        let view = HostView::of(&results, &results.hosts[0]);
        let ids: Vec<&str> = view.action.iter().map(|c| c.id.as_str()).collect();
        // Critical before high among the failures; then the error; then the warning.
        assert_eq!(
            ids,
            [
                "ssh.password-auth",
                "ssh.root-login",
                "ssh.kbd-interactive",
                "ssh.allow-users"
            ]
        );
        assert_eq!(view.interview.len(), 1);
        assert_eq!(view.inconclusive[0].id, "firewall.allowed-ports");
        assert_eq!(view.no_rule[0].id, "deps.pinned");
        assert_eq!(
            view.sections[0].controls.len(),
            5,
            "open controls are not listed with verdicts"
        );
        assert_eq!(
            view.tally(),
            "2 not met, 1 not checked, 1 partly met, 1 met, 3 open (1 for the interview, 1 inconclusive, 1 with no rule)"
        );
    }
}
