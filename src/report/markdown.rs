//! The Markdown report: a summary table, then each section's controls with status,
//! summary and findings, for a ticket, a wiki page or a pull request.

use super::ReportInput;
use crate::model::Status;
use crate::results::HostResult;
use std::fmt::Write as _;

pub fn render(input: &ReportInput) -> String {
    let mut out = String::new();
    for host in &input.results.hosts {
        host_report(&mut out, input, host);
    }
    out
}

/// Escape text for a Markdown table cell or line.
fn md(text: &str) -> String {
    super::sanitize::terminal(text)
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn host_report(out: &mut String, input: &ReportInput, host: &HostResult) {
    let root = host
        .root
        .as_deref()
        .map(|r| format!(" (root `{}`)", md(r)))
        .unwrap_or_default();
    let _ = writeln!(out, "# vouch scan: {}{root}\n", md(&host.target));
    let _ = writeln!(
        out,
        "As of {}, vouch {}.\n",
        crate::clock::rfc3339(&input.results.as_of),
        input.results.tool.version
    );
    let _ = writeln!(out, "| status | controls |\n|---|---|");
    for status in Status::ALL {
        let _ = writeln!(out, "| {} | {} |", status.as_str(), host.summary.count(status));
    }
    let mut section = "";
    for control in &host.controls {
        if control.section != section {
            section = &control.section;
            let title = input.catalog.section(section).map_or(section, |s| s.title.as_str());
            let _ = writeln!(out, "\n## {} (`{section}`)\n", md(title));
        }
        let _ = writeln!(
            out,
            "- **{}** `{}` {}  ",
            control.status.as_str(),
            control.id,
            md(&control.title)
        );
        let _ = writeln!(out, "  {}", md(&control.summary));
        for finding in &control.findings {
            let at = finding
                .location
                .as_deref()
                .map(|l| format!("`{}`: ", md(l)))
                .unwrap_or_default();
            let _ = writeln!(out, "  - {at}{}", md(&finding.message));
        }
    }
    out.push('\n');
}
