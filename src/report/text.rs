//! The terminal report, per host: a heading, a tally worst first, what needs
//! action (most severe first, with findings and the checklist's fix), each
//! section's verdicts with the place that decided them, then the controls still
//! open grouped by what would settle them. Colour only when asked (the caller
//! honours NO_COLOR and ttys); every string from a target or a checklist passes
//! `sanitize::terminal`.

use super::view::{self, HostView};
use crate::model::Status;
use crate::results::{ControlResult, HostResult, ScanResults};
use crate::sanitize::terminal;
use anstyle::{AnsiColor, Style};
use std::fmt::Write as _;

/// Where the text under a control's line starts.
const INDENT: &str = "                ";

pub fn render(results: &ScanResults, color: bool) -> String {
    let mut out = String::new();
    for host in &results.hosts {
        host_report(&mut out, results, host, color);
    }
    out.push_str(&super::fleet::table(results));
    out
}

fn paint(text: &str, style: Style, color: bool) -> String {
    if color {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

fn status_style(status: Status) -> Style {
    let color = match status {
        Status::Pass => AnsiColor::Green,
        Status::Fail => AnsiColor::Red,
        Status::Warn => AnsiColor::Yellow,
        Status::NeedsReview => AnsiColor::Cyan,
        Status::NotApplicable => AnsiColor::BrightBlack,
        Status::Error => AnsiColor::Magenta,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

fn label(status: Status) -> String {
    view::verdict(status).to_uppercase()
}

fn host_report(out: &mut String, results: &ScanResults, host: &HostResult, color: bool) {
    let bold = Style::new().bold();
    let view = HostView::of(results, host);
    let root = host
        .root
        .as_deref()
        .map(|r| format!(" (root {})", terminal(r)))
        .unwrap_or_default();
    let heading = format!(
        "vouch {} audit of {}{root}, as of {}",
        terminal(&results.tool.version),
        terminal(&host.target),
        crate::clock::rfc3339(&results.as_of)
    );
    let _ = writeln!(out, "{}", paint(&heading, bold, color));
    if let Some(about) = view::about(results, host, terminal, terminal) {
        let _ = writeln!(out, "{about}");
    }
    if let Some(error) = &host.error {
        let style = status_style(Status::Error);
        let _ = writeln!(
            out,
            "{}",
            paint(&format!("incomplete: {}", terminal(error)), style, color)
        );
    }
    let _ = writeln!(out, "{}", view.tally());

    if !view.action.is_empty() {
        let _ = writeln!(out, "\n{}", paint("Needs action, most severe first", bold, color));
        for control in &view.action {
            control_line(out, control, color, true);
        }
    }
    for section in &view.sections {
        if section.controls.is_empty() {
            continue;
        }
        let title = format!("{} [{}]", terminal(section.title), terminal(section.id));
        let _ = writeln!(out, "\n{}", paint(&title, bold, color));
        for control in &section.controls {
            control_line(out, control, color, false);
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
        let _ = writeln!(out, "\n{}", paint(&format!("{what} ({})", controls.len()), bold, color));
        for control in controls.iter() {
            open_line(out, control, color);
        }
    }
    let _ = writeln!(out, "\n{}", summary_line(host, color));
}

/// A decided control: its verdict, severity, id and title; then why; in full
/// (findings, the fix) when it needs action, else the place that decided it.
fn control_line(out: &mut String, control: &ControlResult, color: bool, full: bool) {
    let tag = paint(
        &format!("{:<11}", label(control.status)),
        status_style(control.status),
        color,
    );
    let dim = Style::new().dimmed();
    let _ = writeln!(
        out,
        "  {tag} {:<8} {}  {}",
        control.severity.as_str(),
        terminal(&control.id),
        terminal(&control.title)
    );
    let _ = writeln!(out, "{INDENT}{}", paint(&terminal(&control.summary), dim, color));
    if let Some(o) = &control.override_ {
        let _ = writeln!(out, "{INDENT}{}", super::override_line(o, terminal));
    }
    for answer in &control.answers {
        let _ = writeln!(out, "{INDENT}{}", super::answer_line(answer, terminal));
    }
    if full {
        for finding in &control.findings {
            let _ = writeln!(out, "{INDENT}- {}", super::finding_line(finding, terminal, terminal));
        }
        for (n, line) in control.remediation.trim().lines().enumerate() {
            let lead = if n == 0 { "Fix: " } else { "     " };
            let _ = writeln!(out, "{INDENT}{lead}{}", terminal(line));
        }
    } else if view::needs_action(control) {
        // Its findings and fix are under "Needs action".
    } else if let Some(at) = view::deciding_location(control) {
        let _ = writeln!(out, "{INDENT}at {}", terminal(at));
    }
}

/// An open control: id and title, and what its rule found, if it has one.
fn open_line(out: &mut String, control: &ControlResult, color: bool) {
    let _ = writeln!(
        out,
        "  {:<8} {}  {}",
        control.severity.as_str(),
        terminal(&control.id),
        terminal(&control.title)
    );
    if control.evaluator.is_some() {
        let dim = Style::new().dimmed();
        let _ = writeln!(out, "           {}", paint(&terminal(&control.summary), dim, color));
    }
}

fn summary_line(host: &HostResult, color: bool) -> String {
    let parts: Vec<String> = Status::ALL
        .iter()
        .map(|&s| {
            let text = format!("{} {}", host.summary.count(s), s.as_str());
            if host.summary.count(s) > 0 {
                paint(&text, status_style(s), color)
            } else {
                text
            }
        })
        .collect();
    let n = host.controls.len();
    format!("{n} control{}: {}", if n == 1 { "" } else { "s" }, parts.join(", "))
}
