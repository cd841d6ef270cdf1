//! The fleet summary that ends a text report of several hosts: one row per host,
//! one column per section, each cell the worst that section holds there (`2 fail`,
//! `1 warn`, `ok`, `review`), and a host that could not be audited said so on its
//! row. Plain text, one width per column; every name passes `sanitize::terminal`.

use crate::model::Status;
use crate::results::{HostResult, ScanResults};
use crate::sanitize::terminal;
use std::fmt::Write as _;

/// The longest reason shown in a row before it is cut.
const REASON_WIDTH: usize = 60;

/// The table, or nothing for a single host.
pub fn table(results: &ScanResults) -> String {
    if results.hosts.len() < 2 {
        return String::new();
    }
    let sections: Vec<&str> = results.sections.iter().map(|s| s.id.as_str()).collect();
    let mut rows: Vec<Vec<String>> = vec![std::iter::once("host".to_string())
        .chain(sections.iter().map(|s| terminal(s)))
        .chain(std::iter::once("result".to_string()))
        .collect()];
    for host in &results.hosts {
        let mut row = vec![terminal(&host.target)];
        let audited = host.error.is_none() || host.controls.iter().any(|c| c.status != Status::Error);
        for section in &sections {
            row.push(if audited { cell(host, section) } else { "-".to_string() });
        }
        row.push(outcome(host));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|col| rows.iter().map(|r| r[col].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::from("\nFleet summary\n");
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(text, width)| format!("{text:<width$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    let unaudited = results.hosts.iter().filter(|h| h.error.is_some()).count();
    let _ = writeln!(
        out,
        "{} host{}, {} audited to the end, {unaudited} not",
        results.hosts.len(),
        if results.hosts.len() == 1 { "" } else { "s" },
        results.hosts.len() - unaudited
    );
    out
}

/// The worst of a section's controls on a host, with how many are that bad.
fn cell(host: &HostResult, section: &str) -> String {
    let statuses: Vec<Status> = host
        .controls
        .iter()
        .filter(|c| c.section == section)
        .map(|c| c.status)
        .collect();
    for (status, word) in [(Status::Fail, "fail"), (Status::Error, "error"), (Status::Warn, "warn")] {
        let n = statuses.iter().filter(|s| **s == status).count();
        if n > 0 {
            return format!("{n} {word}");
        }
    }
    if statuses.is_empty() {
        "-".into()
    } else if statuses.contains(&Status::NeedsReview) {
        "review".into()
    } else {
        "ok".into()
    }
}

fn outcome(host: &HostResult) -> String {
    match &host.error {
        Some(reason) => {
            let reason = terminal(reason);
            let cut: String = reason.chars().take(REASON_WIDTH).collect();
            let more = if reason.chars().count() > REASON_WIDTH {
                "…"
            } else {
                ""
            };
            format!("not audited: {cut}{more}")
        }
        None if host.summary.count(Status::Fail) > 0 => "fail".into(),
        None if host.summary.count(Status::Error) > 0 => "error".into(),
        None if host.summary.count(Status::Warn) > 0 => "warn".into(),
        None => "ok".into(),
    }
}
