//! The Markdown report: a summary table, then each section's controls with status,
//! summary and findings, for a ticket, a wiki page or a pull request. Every string
//! from a target or a checklist is written through `markdown_text` (shown literally)
//! or `markdown_code` (a code span), so a hostile file cannot add HTML, links or
//! images to the report.

use crate::model::Status;
use crate::results::{HostResult, ScanResults};
use crate::sanitize::{markdown_code as code, markdown_text as text};
use std::fmt::Write as _;

pub fn render(results: &ScanResults) -> String {
    let mut out = String::new();
    for host in &results.hosts {
        host_report(&mut out, results, host);
    }
    out
}

fn host_report(out: &mut String, results: &ScanResults, host: &HostResult) {
    let root = host
        .root
        .as_deref()
        .map(|r| format!(" (root {})", code(r)))
        .unwrap_or_default();
    let _ = writeln!(out, "# vouch scan: {}{root}\n", text(&host.target));
    let _ = writeln!(
        out,
        "As of {}, vouch {}.\n",
        crate::clock::rfc3339(&results.as_of),
        text(&results.tool.version)
    );
    if let Some(error) = &host.error {
        let _ = writeln!(out, "**Incomplete:** {}\n", text(error));
    }
    let _ = writeln!(out, "| status | controls |\n|---|---|");
    for status in Status::ALL {
        let _ = writeln!(out, "| {} | {} |", status.as_str(), host.summary.count(status));
    }
    let mut section = "";
    for control in &host.controls {
        if control.section != section {
            section = &control.section;
            let title = results.section_title(section);
            let _ = writeln!(out, "\n## {} ({})\n", text(title), code(section));
        }
        let _ = writeln!(
            out,
            "- **{}** {} {}  ",
            control.status.as_str(),
            code(&control.id),
            text(&control.title)
        );
        let _ = writeln!(out, "  {}", text(&control.summary));
        if let Some(o) = &control.override_ {
            let _ = writeln!(out, "  {}  ", super::override_line(o, text));
        }
        for finding in &control.findings {
            let line = super::finding_line(finding, code, text);
            let _ = writeln!(out, "  - {line}");
        }
    }
    out.push('\n');
}
