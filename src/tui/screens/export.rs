//! The export screen: what the evidence bundle will hold (controls by status,
//! evidence collected, answers, documents, notes, overrides), and finishing the
//! session. Writing the bundle itself belongs to `vouch export`.

use crate::evidence::record::EvidenceKind;
use crate::evidence::source::human_bytes;
use crate::model::Status;
use crate::tui::app::{symbol, App};
use crate::tui::keymap::Action;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

pub(super) fn export(frame: &mut Frame, app: &App, area: Rect) {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let count = |kind: EvidenceKind| app.evidence.values().filter(|r| r.kind() == kind).count();
    let documents: Vec<_> = app
        .evidence
        .values()
        .filter(|r| r.kind() == EvidenceKind::Attachment)
        .collect();
    let document_bytes: u64 = documents.iter().filter_map(|r| r.bytes()).sum();
    let statuses: Vec<String> = Status::ALL
        .iter()
        .map(|s| (s, app.controls.iter().filter(|c| c.status == *s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{}{n} {}", symbol(*s), s.as_str()))
        .collect();
    let collected = app
        .evidence
        .values()
        .filter(|r| !matches!(r.kind(), EvidenceKind::Attachment | EvidenceKind::Attestation))
        .count();
    let overrides = app.controls.iter().filter(|c| c.override_.is_some()).count();
    let expired = app
        .controls
        .iter()
        .filter(|c| c.override_.as_ref().is_some_and(|o| o.expired))
        .count();
    let notes: usize = app.controls.iter().map(|c| c.notes.len()).sum();
    let waiting = app.controls.iter().filter(|c| app.needs_auditor(c)).count();
    let key = |action: Action| {
        app.keymap
            .keys(action)
            .first()
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    let mut lines = vec![
        Line::from(Span::styled("The evidence bundle will hold", bold)),
        Line::from(""),
        Line::from(format!("  {} controls: {}", app.controls.len(), statuses.join("  "))),
        Line::from(format!(
            "  {collected} pieces of collected evidence, each with its SHA-256"
        )),
        Line::from(format!(
            "  {} answers (attestations: who said it, their role, when)",
            count(EvidenceKind::Attestation)
        )),
        Line::from(format!(
            "  {} documents ({})",
            documents.len(),
            human_bytes(document_bytes)
        )),
        Line::from(format!("  {notes} notes, {overrides} overrides ({expired} expired)")),
        Line::from("  the results document, the journal (hash-chained), the manifest, SHA256SUMS and its signature"),
        Line::from(""),
    ];
    if waiting > 0 {
        lines.push(Line::from(format!(
            "{waiting} controls still need you ({} walks to them).",
            key(Action::NextNeeded)
        )));
    }
    lines.push(Line::from(format!(
        "{} writes it to a new folder or PACK.zip, signed with your vouch key (`vouch export --sign-key` for another key).",
        key(Action::Open)
    )));
    lines.push(Line::from(""));
    if app.read_only {
        lines.push(Line::from(Span::styled("This session is finished: read-only.", bold)));
    } else {
        lines.push(Line::from(format!(
            "Writing it finishes the session; {} finishes it without writing. A finished session is read-only.",
            key(Action::Finish)
        )));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(" Export "))
            .wrap(Wrap { trim: false }),
        area,
    );
}
