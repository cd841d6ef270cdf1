//! The Markdown report, for a ticket, a wiki page, a pull request or the
//! bundle's report.md: per host a heading and tally, what needs action most
//! severe first (findings, answers, the checklist's fix), each section's
//! verdicts as a table with the place that decided them, and the controls
//! still open grouped by what would settle them. Every string from a target or
//! a checklist is written through `markdown_text` (shown literally) or
//! `markdown_code` (a code span), so a hostile file cannot add HTML, links or
//! images to the report; multi-line text (a fix) goes in a fenced block whose
//! fence is longer than any backtick run inside it.

use super::view::{self, Cover, HostView};
use crate::model::Status;
use crate::results::{ControlResult, HostResult, ScanResults};
use crate::sanitize::{markdown_code as code, markdown_text as text};
use std::fmt::Write as _;

pub fn render(results: &ScanResults) -> String {
    render_with(results, None)
}

/// The report with a session's cover (who audited, whom they asked, when).
pub fn render_with(results: &ScanResults, cover: Option<&Cover>) -> String {
    let mut out = String::new();
    for host in &results.hosts {
        host_report(&mut out, results, host, cover);
    }
    out
}

fn cover_lines(out: &mut String, cover: &Cover) {
    let mut rows = vec![("Auditor", text(&cover.auditor))];
    if let Some(organisation) = &cover.organisation {
        rows.push(("Organisation", text(organisation)));
    }
    if !cover.interviewees.is_empty() {
        let people: Vec<String> = cover.interviewees.iter().map(|p| text(p)).collect();
        rows.push(("Interviewees", people.join("; ")));
    }
    for (label, value) in [("Started", &cover.started), ("Finished", &cover.finished)] {
        if let Some(value) = value {
            rows.push((label, text(value)));
        }
    }
    if !cover.checklists.is_empty() {
        let lists: Vec<String> = cover.checklists.iter().map(|c| text(c)).collect();
        rows.push(("Checklists", lists.join("; ")));
    }
    if let Some(signer) = &cover.signer {
        rows.push(("Signed by", code(signer)));
    }
    let _ = writeln!(out, "| | |\n|---|---|");
    for (label, value) in rows {
        let _ = writeln!(out, "| {label} | {} |", value.replace('|', "\\|"));
    }
    out.push('\n');
}

/// A table cell: literal text, no line breaks, no column separators.
fn cell(value: &str) -> String {
    text(&value.replace(['\n', '\r'], " "))
}

fn host_report(out: &mut String, results: &ScanResults, host: &HostResult, cover: Option<&Cover>) {
    let view = HostView::of(results, host);
    let root = host
        .root
        .as_deref()
        .map(|r| format!(" (root {})", code(r)))
        .unwrap_or_default();
    let _ = writeln!(out, "# vouch audit of {}{root}\n", text(&host.target));
    let _ = writeln!(
        out,
        "As of {}, vouch {}.\n",
        crate::clock::rfc3339(&results.as_of),
        text(&results.tool.version)
    );
    if let Some(cover) = cover {
        cover_lines(out, cover);
    }
    if let Some(about) = view::about(results, host, code, text) {
        let _ = writeln!(out, "{about}\n");
    }
    if let Some(error) = &host.error {
        let _ = writeln!(out, "**Incomplete:** {}\n", text(error));
    }
    let _ = writeln!(out, "**{}**\n", text(&view.tally()));
    let _ = writeln!(
        out,
        "| section | not met | not checked | partly met | met | n/a | open |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for section in &view.sections {
        let counts: Vec<String> = view::COUNTED
            .iter()
            .map(|s| section.counts.count(*s).to_string())
            .collect();
        let _ = writeln!(out, "| {} | {} |", cell(section.title), counts.join(" | "));
    }

    if !view.action.is_empty() {
        let _ = writeln!(out, "\n## Needs action, most severe first\n");
        for control in &view.action {
            action(out, control);
        }
    }
    for section in &view.sections {
        if section.controls.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## {} ({})\n", text(section.title), code(section.id));
        let _ = writeln!(
            out,
            "| verdict | severity | control | why | at |\n|---|---|---|---|---|"
        );
        for control in &section.controls {
            // GFM splits cells at `|` even inside a code span, unless escaped.
            let at = view::deciding_location(control)
                .map(|at| code(at).replace('|', "\\|"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| **{}** | {} | {} {} | {} | {at} |",
                view::verdict(control.status),
                control.severity.as_str(),
                code(&control.id),
                cell(&control.title),
                cell(&control.summary),
            );
        }
        for control in &section.controls {
            extras(out, control);
        }
    }
    for (controls, what) in [
        (&view.interview, "Open: for the interview"),
        (&view.inconclusive, "Open: the evidence could not decide"),
        (&view.no_rule, "Open: no automated rule in the checklists in use"),
    ] {
        if controls.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## {what} ({})\n", controls.len());
        for control in controls.iter() {
            let why = if control.evaluator.is_some() {
                format!(": {}", text(&control.summary))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "- {} {} ({}){why}",
                code(&control.id),
                text(&control.title),
                control.severity.as_str()
            );
        }
        // What was said of them so far: answers, notes, overrides.
        for control in controls.iter() {
            extras(out, control);
        }
    }
    let _ = writeln!(out, "\n| status | controls |\n|---|---|");
    for status in Status::ALL {
        let _ = writeln!(out, "| {} | {} |", status.as_str(), host.summary.count(status));
    }
    out.push('\n');
}

/// A control that needs action, in full.
fn action(out: &mut String, control: &ControlResult) {
    let _ = writeln!(
        out,
        "### {}: {} {} ({})\n",
        view::verdict(control.status).to_uppercase(),
        code(&control.id),
        text(&control.title),
        control.severity.as_str()
    );
    let _ = writeln!(out, "{}\n", text(&control.summary));
    for finding in &control.findings {
        let line = super::finding_line(finding, code, text);
        let _ = writeln!(out, "- {line}");
    }
    if !control.findings.is_empty() {
        out.push('\n');
    }
    extras(out, control);
    if !control.remediation.trim().is_empty() {
        let _ = writeln!(out, "**Fix:**\n\n{}", fenced(control.remediation.trim()));
    }
}

/// Answers, notes and an override, when there are any.
fn extras(out: &mut String, control: &ControlResult) {
    let mut lines = Vec::new();
    if let Some(o) = &control.override_ {
        lines.push(super::override_line(o, text));
    }
    for answer in &control.answers {
        lines.push(super::answer_line(answer, text));
    }
    for note in &control.notes {
        lines.push(format!(
            "note by {} ({}): {}",
            text(&note.by),
            crate::clock::rfc3339(&note.at),
            text(&note.text)
        ));
    }
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}:\n", code(&control.id));
    for line in lines {
        let _ = writeln!(out, "- {line}");
    }
    out.push('\n');
}

/// Multi-line text shown as it is: a fenced block whose fence is longer than
/// any run of backticks inside (CommonMark), control characters made visible.
fn fenced(body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let lines: Vec<String> = body.lines().map(crate::sanitize::terminal).collect();
    format!("{fence}\n{}\n{fence}\n", lines.join("\n"))
}
