//! The interview (one question at a time, with the keys that answer it) and the
//! forms the auditor types in: a date or text answer, a document's path (with
//! what `Tab` found and the copy's progress), a note, an override.

use crate::checklist::AnswerKind;
use crate::evidence::source::human_bytes;
use crate::sanitize::terminal;
use crate::tui::app::{symbol, App, FieldKind, Form, OVERRIDE_STATUSES};
use crate::tui::keymap::Action;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

fn key(app: &App, action: Action) -> String {
    app.keymap
        .keys(action)
        .first()
        .map(ToString::to_string)
        .unwrap_or_default()
}

pub(super) fn interview(frame: &mut Frame, app: &App, area: Rect, id: &str, index: usize) {
    let Some((_, question)) = app.question_in_view() else {
        return;
    };
    let count = app.questions.get(id).map_or(0, Vec::len);
    let given = app
        .controls
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.answers.iter().find(|a| a.question == question.id));
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines = vec![
        Line::from(format!("Question {} of {count}", index + 1)),
        Line::from(""),
        Line::from(Span::styled(terminal(&question.text), bold)),
    ];
    if !question.help.is_empty() {
        lines.push(Line::from(terminal(&question.help)));
    }
    lines.push(Line::from(""));
    match question.answer {
        AnswerKind::YesNo => {
            lines.push(Line::from(format!(
                "  {} yes    {} no",
                key(app, Action::Yes),
                key(app, Action::No)
            )));
        }
        AnswerKind::Choice => {
            for (n, choice) in question.choices.iter().enumerate().take(9) {
                lines.push(Line::from(format!(
                    "  {} {}",
                    key(app, Action::Pick(n as u8 + 1)),
                    terminal(choice)
                )));
            }
        }
        AnswerKind::Date | AnswerKind::Text => {
            lines.push(Line::from(format!("  {} to type the answer", key(app, Action::Open))));
        }
    }
    if let Some(value) = app.suggestion() {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!(
                "From the evidence: {} — {} confirms it",
                terminal(&value.to_string()),
                key(app, Action::Open)
            ),
            bold,
        )));
    }
    if let Some(answer) = given {
        lines.push(Line::from(""));
        lines.push(Line::from(format!(
            "Answered: {} ({}, {})",
            terminal(answer.answer.to_string().lines().next().unwrap_or("")),
            terminal(&answer.by),
            crate::clock::rfc3339(&answer.at)
        )));
    }
    let title = format!(" Interview — {} ", terminal(id));
    let body = Paragraph::new(lines)
        .block(Block::bordered().title(title))
        .wrap(Wrap { trim: false });
    frame.render_widget(body, area);
}

/// A form: its title, each field (the focused one marked), what `Tab` found,
/// why it was not saved, a copy's progress, and the keys that save and leave.
pub(super) fn form(frame: &mut Frame, app: &App, area: Rect) {
    let Some(form) = &app.form else {
        return;
    };
    let about = match form.purpose.control() {
        "" => "On the call".to_string(),
        control => terminal(control),
    };
    let block = Block::bordered().title(format!(" {about} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The title (a question with its help) gets the lines it needs, up to six.
    let title_rows = terminal(&form.title)
        .chars()
        .count()
        .div_ceil(usize::from(inner.width.max(1)))
        + 1;
    let title_rows = u16::try_from(title_rows.min(6)).unwrap_or(6);
    let heights: Vec<Constraint> = std::iter::once(Constraint::Length(title_rows))
        .chain(form.fields.iter().map(|f| match f.kind {
            FieldKind::Lines => Constraint::Min(5),
            _ => Constraint::Length(3),
        }))
        .chain(std::iter::once(Constraint::Length(3)))
        .collect();
    let areas = Layout::vertical(heights).split(inner);
    let title = Paragraph::new(Line::from(Span::styled(
        terminal(&form.title),
        Style::default().add_modifier(Modifier::BOLD),
    )))
    .wrap(Wrap { trim: true });
    frame.render_widget(title, areas[0]);
    for (index, field) in form.fields.iter().enumerate() {
        let Some(place) = areas.get(index + 1) else {
            continue;
        };
        let focused = index == form.focus;
        let marker = if focused { "▶ " } else { "  " };
        let required = if field.required { " (required)" } else { "" };
        let style = if focused {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let block = Block::bordered()
            .title(format!("{marker}{}{required} ", field.label))
            .border_style(style);
        if field.kind == FieldKind::Status {
            let choices: Vec<Span> = OVERRIDE_STATUSES
                .iter()
                .map(|s| {
                    let text = format!(" {} {} ", symbol(*s), s.as_str());
                    if *s == form.chosen() {
                        Span::styled(
                            format!("[{}]", text.trim()),
                            Style::default().add_modifier(Modifier::REVERSED),
                        )
                    } else {
                        Span::raw(text)
                    }
                })
                .collect();
            frame.render_widget(Paragraph::new(Line::from(choices)).block(block), *place);
            continue;
        }
        let mut editor = field.editor.clone();
        editor.set_block(block);
        if !focused {
            editor.set_cursor_style(Style::default());
        }
        frame.render_widget(&editor, *place);
    }
    if let Some(place) = areas.last() {
        frame.render_widget(Paragraph::new(footer(app, form)).wrap(Wrap { trim: true }), *place);
    }
}

fn footer(app: &App, form: &Form) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(copying) = &app.copying {
        let percent = (copying.done * 100).checked_div(copying.total).unwrap_or(100);
        lines.push(Line::from(format!(
            "copying {}: {} of {} ({percent}%)",
            terminal(&copying.name),
            human_bytes(copying.done),
            human_bytes(copying.total)
        )));
    } else if let Some(error) = &form.error {
        lines.push(Line::from(Span::styled(
            format!("✗ {}", terminal(error)),
            Style::default().add_modifier(Modifier::BOLD),
        )));
    } else if !form.hint.is_empty() {
        let shown: Vec<String> = form.hint.iter().take(8).map(|h| terminal(h)).collect();
        let more = form.hint.len().saturating_sub(8);
        let more = if more > 0 {
            format!(" … {more} more")
        } else {
            String::new()
        };
        lines.push(Line::from(format!("{}{more}", shown.join("  "))));
    }
    let multi = form.focused().is_some_and(|f| f.kind == FieldKind::Lines);
    let enter = if multi {
        "Enter new line · "
    } else {
        "Enter next/save · "
    };
    let tab = match form.focused().map(|f| f.kind) {
        Some(FieldKind::Path) => format!("{} complete · ", key(app, Action::NextPane)),
        _ if form.fields.len() > 1 => format!("{} next field · ", key(app, Action::NextPane)),
        _ => String::new(),
    };
    lines.push(Line::from(format!(
        "{enter}{tab}{} save · {} leave (draft kept)",
        key(app, Action::Save),
        key(app, Action::Back)
    )));
    lines
}
