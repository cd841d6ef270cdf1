//! The terminal report: per host, controls grouped by section with a coloured
//! status, the summary line of each, findings under those that need action, and a
//! closing count. Colour only when asked (the caller honours NO_COLOR and ttys).

use crate::model::Status;
use crate::results::{ControlResult, HostResult, ScanResults};
use crate::sanitize::terminal;
use anstyle::{AnsiColor, Style};
use std::fmt::Write as _;

pub fn render(results: &ScanResults, color: bool) -> String {
    let mut out = String::new();
    for host in &results.hosts {
        host_report(&mut out, results, host, color);
    }
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

fn label(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::Warn => "WARN",
        Status::NeedsReview => "REVIEW",
        Status::NotApplicable => "N/A",
        Status::Error => "ERROR",
    }
}

fn host_report(out: &mut String, results: &ScanResults, host: &HostResult, color: bool) {
    let bold = Style::new().bold();
    let root = host
        .root
        .as_deref()
        .map(|r| format!(" (root {})", terminal(r)))
        .unwrap_or_default();
    let heading = format!(
        "vouch scan of {}{root}, as of {}",
        terminal(&host.target),
        crate::clock::rfc3339(&results.as_of)
    );
    let _ = writeln!(out, "{}", paint(&heading, bold, color));
    if let Some(error) = &host.error {
        let style = status_style(Status::Error);
        let _ = writeln!(
            out,
            "{}",
            paint(&format!("incomplete: {}", terminal(error)), style, color)
        );
    }
    let mut section = "";
    for control in &host.controls {
        if control.section != section {
            section = &control.section;
            let title = terminal(results.section_title(section));
            let _ = writeln!(
                out,
                "\n{}",
                paint(&format!("{title} [{}]", terminal(section)), bold, color)
            );
        }
        control_line(out, control, color);
    }
    let _ = writeln!(out, "\n{}", summary_line(host, color));
}

fn control_line(out: &mut String, control: &ControlResult, color: bool) {
    let tag = paint(
        &format!("{:<6}", label(control.status)),
        status_style(control.status),
        color,
    );
    let _ = writeln!(out, "  {tag} {}  {}", terminal(&control.id), terminal(&control.title));
    let dim = Style::new().dimmed();
    let _ = writeln!(out, "         {}", paint(&terminal(&control.summary), dim, color));
    if let Some(o) = &control.override_ {
        let _ = writeln!(out, "         {}", super::override_line(o, terminal));
    }
    if matches!(control.status, Status::Fail | Status::Warn | Status::Error) {
        for finding in &control.findings {
            let _ = writeln!(out, "         - {}", super::finding_line(finding, terminal, terminal));
        }
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
