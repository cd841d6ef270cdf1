//! A control's page: its status and summary, findings at `path:line`, answers
//! (who, role, when), documents (name, size, sha256), notes, the override (both
//! statuses shown), its guidance — and beside it the evidence, scrollable, each
//! line a finding points at marked `▶` and highlighted.

use super::status_style;
use crate::evidence::record::{EvidenceKind, EvidenceRecord, EvidenceState, Payload};
use crate::evidence::source::human_bytes;
use crate::results::ControlResult;
use crate::sanitize::terminal;
use crate::tui::app::{symbol, App, Pane, COLLECTING};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;
use std::collections::{BTreeMap, BTreeSet};

/// How far each pane of the page can scroll, as drawn.
pub(super) struct Reach {
    pub details: u16,
    pub evidence: u16,
    /// Where the evidence shows its first deciding line near the top (once read).
    pub deciding: Option<u16>,
}

/// Draws a control's page.
pub(super) fn control_screen(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    id: &str,
    scroll: (u16, Option<u16>),
    pane: Pane,
    color: bool,
) -> Reach {
    let Some(control) = app.controls.iter().find(|c| c.id == id) else {
        return Reach {
            details: 0,
            evidence: 0,
            deciding: None,
        };
    };
    let collected = app
        .evidence_of(control)
        .iter()
        .any(|r| !matches!(r.kind(), EvidenceKind::Attachment | EvidenceKind::Attestation));
    let [left, right] = if area.width >= 140 {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area)
    } else if collected || app.collecting.contains(&control.id) {
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area)
    } else {
        // Nothing collected (an interview-only control): the page gets the room.
        Layout::vertical([Constraint::Min(0), Constraint::Length(3)]).areas(area)
    };
    let focus = |this: Pane| {
        if this == pane {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        }
    };
    let lines = details(app, control, color);
    let title = format!(" {} — {} ", terminal(&control.id), terminal(&control.title));
    let body = Paragraph::new(lines)
        .block(Block::bordered().title(title).border_style(focus(Pane::Details)))
        .wrap(Wrap { trim: false });
    // Rows as the word wrapper lays them out (a long remediation wraps at word
    // ends, which an estimate by width alone undercounts: the end was cut off).
    let details_reach = reach(body.line_count(left.width), left.height.saturating_add(2));
    let body = body.scroll((scroll.0.min(details_reach), 0));
    frame.render_widget(body, left);
    let (evidence_reach, deciding) = evidence(frame, app, control, right, scroll.1, focus(Pane::Evidence), color);
    Reach {
        details: details_reach,
        evidence: evidence_reach,
        deciding,
    }
}

fn reach(rows: usize, height: u16) -> u16 {
    u16::try_from(rows.saturating_sub(usize::from(height.saturating_sub(2)))).unwrap_or(u16::MAX)
}

fn heading(text: &str) -> Line<'static> {
    Line::from(Span::styled(
        text.to_string(),
        Style::default().add_modifier(Modifier::BOLD),
    ))
}

fn details(app: &App, control: &ControlResult, color: bool) -> Vec<Line<'static>> {
    let status = if app.collecting.contains(&control.id) {
        format!("{COLLECTING} collecting")
    } else {
        format!("{} {}", symbol(control.status), control.status.as_str())
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(status, status_style(control.status, color)),
            Span::raw(format!("  {}", terminal(&control.summary))),
        ]),
        Line::from(""),
    ];
    if let Some(decision) = &control.override_ {
        let state = if decision.expired {
            "expired, no longer applied"
        } else {
            "applied"
        };
        lines.push(heading("Override"));
        lines.push(Line::from(format!(
            "  {} {} (evaluated {} {}), {state}",
            symbol(decision.status),
            decision.status.as_str(),
            symbol(decision.evaluated),
            decision.evaluated.as_str()
        )));
        lines.push(Line::from(format!(
            "  by {}{}{}: {}",
            terminal(&decision.by),
            decision
                .approved_by
                .as_deref()
                .map(|a| format!(", approved by {}", terminal(a)))
                .unwrap_or_default(),
            decision.expires.map(|d| format!(", expires {d}")).unwrap_or_default(),
            terminal(&decision.reason)
        )));
        lines.push(Line::from(""));
    }
    if !control.findings.is_empty() {
        lines.push(heading("Findings"));
        for finding in &control.findings {
            lines.push(Line::from(format!(
                "  {}",
                crate::report::finding_line(finding, terminal, terminal)
            )));
        }
        lines.push(Line::from(""));
    }
    answers(app, control, &mut lines);
    let documents: Vec<&EvidenceRecord> = app
        .evidence_of(control)
        .into_iter()
        .filter(|r| r.kind() == EvidenceKind::Attachment)
        .collect();
    if !documents.is_empty() {
        lines.push(heading("Documents"));
        for doc in documents {
            let name = match doc.payload() {
                Payload::Attachment(a) => a.name.clone(),
                _ => String::new(),
            };
            lines.push(Line::from(format!(
                "  {}  {}  sha256 {}",
                terminal(&name),
                human_bytes(doc.bytes().unwrap_or(0)),
                doc.sha256().unwrap_or("")
            )));
        }
        lines.push(Line::from(""));
    }
    if !control.notes.is_empty() {
        lines.push(heading("Notes"));
        for note in &control.notes {
            let mut first = true;
            for text in note.text.lines() {
                let who = if first {
                    format!("{}, {}: ", terminal(&note.by), note.at.format("%Y-%m-%d %H:%M"))
                } else {
                    "    ".to_string()
                };
                first = false;
                lines.push(Line::from(format!("  {who}{}", terminal(text))));
            }
        }
        lines.push(Line::from(""));
    }
    guidance(app, control, &mut lines);
    lines
}

fn answers(app: &App, control: &ControlResult, lines: &mut Vec<Line<'static>>) {
    let asked = app.questions.get(&control.id).map(Vec::as_slice).unwrap_or_default();
    if control.answers.is_empty() && asked.is_empty() {
        return;
    }
    lines.push(heading("Answers"));
    // In the order the checklist asks them; those not answered yet say so.
    for question in asked {
        lines.push(Line::from(format!("  {}", terminal(&question.text))));
        match control.answers.iter().find(|a| a.question == question.id) {
            Some(answer) => given(answer, lines),
            None => lines.push(Line::from("    → not answered yet")),
        }
    }
    for answer in control
        .answers
        .iter()
        .filter(|a| !asked.iter().any(|q| q.id == a.question))
    {
        lines.push(Line::from(format!("  {}", terminal(&answer.question))));
        given(answer, lines);
    }
    lines.push(Line::from(""));
}

/// An answer, who gave it (and in what role) and when; text on its lines.
fn given(answer: &crate::results::AnswerOut, lines: &mut Vec<Line<'static>>) {
    let text = answer.answer.to_string();
    let mut text = text.lines();
    let role = if answer.role.is_empty() {
        String::new()
    } else {
        format!(", {}", terminal(&answer.role))
    };
    let how = if answer.from_evidence {
        "from the evidence, confirmed by "
    } else {
        ""
    };
    lines.push(Line::from(format!(
        "    → {}   ({how}{}{role}, {})",
        terminal(text.next().unwrap_or("")),
        terminal(&answer.by),
        answer.at.format("%Y-%m-%d %H:%M")
    )));
    for more in text {
        lines.push(Line::from(format!("      {}", terminal(more))));
    }
}

fn guidance(app: &App, control: &ControlResult, lines: &mut Vec<Line<'static>>) {
    let Some(guidance) = app.guidance.get(&control.id) else {
        return;
    };
    for (title, text) in [
        ("Why it matters", &guidance.rationale),
        ("How to fix it", &guidance.remediation),
    ] {
        if text.trim().is_empty() {
            continue;
        }
        lines.push(heading(title));
        lines.extend(text.lines().map(|l| Line::from(format!("  {}", terminal(l)))));
        lines.push(Line::from(""));
    }
    if !guidance.references.is_empty() {
        lines.push(heading("References"));
        lines.extend(
            guidance
                .references
                .iter()
                .map(|r| Line::from(format!("  {}", terminal(r)))),
        );
    }
}

/// The lines each finding points at, by the evidence's source.
fn deciding(control: &ControlResult) -> BTreeMap<String, BTreeSet<usize>> {
    let mut at: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for finding in &control.findings {
        let Some(location) = &finding.location else {
            continue;
        };
        if let Some((path, line)) = location.rsplit_once(':') {
            if let Ok(line) = line.parse::<usize>() {
                at.entry(path.to_string()).or_default().insert(line);
            }
        }
    }
    at
}

/// The evidence pane: what was collected for this control, items a finding
/// points at first, each with its text (lines numbered, deciding ones marked);
/// only the rows in view are built, however long the evidence. Returns how far
/// it can scroll.
fn evidence(
    frame: &mut Frame,
    app: &App,
    control: &ControlResult,
    area: Rect,
    scroll: Option<u16>,
    border: Style,
    color: bool,
) -> (u16, Option<u16>) {
    let marks = deciding(control);
    let mut items: Vec<&EvidenceRecord> = app
        .evidence_of(control)
        .into_iter()
        .filter(|r| !matches!(r.kind(), EvidenceKind::Attachment | EvidenceKind::Attestation))
        .collect();
    // Items a finding points at, then those read, then what was missing.
    items.sort_by_key(|r| (!marks.contains_key(r.source()), r.state() != EvidenceState::Ok));
    let height = usize::from(area.height.saturating_sub(2));
    // Not scrolled yet: start two lines above the first deciding line.
    let first_mark = first_marked_row(app, &items, &marks);
    let first = match scroll {
        Some(at) => usize::from(at),
        None => first_mark.map_or(0, |row| row.saturating_sub(2)),
    };
    let mut shown: Vec<Line<'static>> = Vec::new();
    let mut row = 0usize;
    let mut keep = |row: &mut usize, line: &dyn Fn() -> Line<'static>| {
        if *row >= first && shown.len() < height {
            shown.push(line());
        }
        *row += 1;
    };
    let mark = if color {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        Style::default().add_modifier(Modifier::BOLD)
    };
    for record in &items {
        let title = item_title(record);
        keep(&mut row, &|| heading(&title));
        let Some(text) = app.contents.get(record.id()) else {
            if record.sha256().is_some() {
                keep(&mut row, &|| Line::from("   (reading…)"));
            }
            continue;
        };
        let lines_marked = marks.get(record.source());
        for (index, text) in text.lines().enumerate() {
            let number = index + 1;
            let decides = lines_marked.is_some_and(|m| m.contains(&number));
            keep(&mut row, &|| {
                let body = format!("{number:>5} {}", terminal(text));
                if decides {
                    Line::from(vec![Span::raw("▶"), Span::styled(body, mark)])
                } else {
                    Line::from(format!(" {body}"))
                }
            });
        }
    }
    if items.is_empty() {
        keep(&mut row, &|| Line::from("  nothing collected for this control"));
    }
    let reach = u16::try_from(row.saturating_sub(height)).unwrap_or(u16::MAX);
    let title = format!(" Evidence ({}) ", items.len());
    frame.render_widget(
        Paragraph::new(shown).block(Block::bordered().title(title).border_style(border)),
        area,
    );
    let deciding = first_mark.map(|row| u16::try_from(row.saturating_sub(2)).unwrap_or(u16::MAX));
    (reach, deciding)
}

/// The row (in the pane's whole text) of the first line a finding points at,
/// once that evidence has been read.
fn first_marked_row(app: &App, items: &[&EvidenceRecord], marks: &BTreeMap<String, BTreeSet<usize>>) -> Option<usize> {
    let mut row = 0usize;
    for record in items {
        row += 1;
        let Some(text) = app.contents.get(record.id()) else {
            if record.sha256().is_some() {
                row += 1;
            }
            continue;
        };
        let lines = text.lines().count();
        if let Some(first) = marks.get(record.source()).and_then(|m| m.iter().find(|l| **l <= lines)) {
            return Some(row + first - 1);
        }
        row += lines;
    }
    None
}

/// An item's heading: where it came from, what kind, and how it went.
fn item_title(record: &EvidenceRecord) -> String {
    let what = match record.state() {
        EvidenceState::Ok => record
            .bytes()
            .map(|b| format!("{}, {}", record.kind().as_str(), human_bytes(b)))
            .unwrap_or_else(|| record.kind().as_str().to_string()),
        other => format!("{}, {}", record.kind().as_str(), other.as_str()),
    };
    let note = record.note().map(|n| format!(" — {}", terminal(n))).unwrap_or_default();
    format!("── {} ({what}){note}", terminal(record.source()))
}
