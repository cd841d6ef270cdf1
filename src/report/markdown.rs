//! The Markdown report: a summary table, then each section's controls with status,
//! summary and findings, for a ticket, a wiki page or a pull request.

use crate::model::Status;
use crate::results::{HostResult, ScanResults};
use std::fmt::Write as _;

pub fn render(results: &ScanResults) -> String {
    let mut out = String::new();
    for host in &results.hosts {
        host_report(&mut out, results, host);
    }
    out
}

/// Escape text for a Markdown line: control characters made visible, and `<`, `>`
/// and `|` escaped outside `code spans` (inside them a renderer shows text as is).
fn md(text: &str) -> String {
    let safe = super::sanitize::terminal(text);
    let parts: Vec<&str> = safe.split('`').collect();
    let balanced = parts.len() % 2 == 1;
    let mut out = String::with_capacity(safe.len());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('`');
        }
        let in_code = i % 2 == 1 && (balanced || i + 1 < parts.len());
        if in_code {
            out.push_str(part);
        } else {
            out.push_str(&part.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;"));
        }
    }
    out
}

/// Text for inside a code span: control characters made visible, no backticks.
fn code(text: &str) -> String {
    super::sanitize::terminal(text).replace('`', "'")
}

fn host_report(out: &mut String, results: &ScanResults, host: &HostResult) {
    let root = host
        .root
        .as_deref()
        .map(|r| format!(" (root `{}`)", code(r)))
        .unwrap_or_default();
    let _ = writeln!(out, "# vouch scan: {}{root}\n", md(&host.target));
    let _ = writeln!(
        out,
        "As of {}, vouch {}.\n",
        crate::clock::rfc3339(&results.as_of),
        md(&results.tool.version)
    );
    if let Some(error) = &host.error {
        let _ = writeln!(out, "**Incomplete:** {}\n", md(error));
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
            let _ = writeln!(out, "\n## {} (`{}`)\n", md(title), code(section));
        }
        let _ = writeln!(
            out,
            "- **{}** `{}` {}  ",
            control.status.as_str(),
            code(&control.id),
            md(&control.title)
        );
        let _ = writeln!(out, "  {}", md(&control.summary));
        if let Some(o) = &control.override_ {
            let _ = writeln!(out, "  {}  ", super::override_line(o, md));
        }
        for finding in &control.findings {
            let line = super::finding_line(finding, |l| format!("`{}`", code(l)), md);
            let _ = writeln!(out, "  - {line}");
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn html_is_escaped_outside_code_spans_only() {
        assert_eq!(
            md("add `AllowUsers <admin users>` to <file>"),
            "add `AllowUsers <admin users>` to &lt;file&gt;"
        );
        assert_eq!(md("a | b `c | d`"), "a \\| b `c | d`");
        assert_eq!(md("unbalanced `<x>"), "unbalanced `&lt;x&gt;");
    }
}
