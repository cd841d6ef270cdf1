//! Drawing the walkthrough: each screen from the app's state, at 80x24 or more
//! (a smaller terminal is told so): the header and footer here, the screens in
//! their own modules. Every string from a target or a checklist is sanitised
//! for the terminal; statuses carry a symbol, colour only adds to it.

mod control;
mod export;
mod forms;
mod lists;

use super::app::{symbol, App, Place, COLLECTING};
use super::keymap::Action;
use crate::model::Status;
use crate::results::ControlResult;
use crate::sanitize::terminal;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// The smallest terminal the walkthrough draws in.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// Draw the current screen. `color` is off under `NO_COLOR`.
pub fn draw(frame: &mut Frame, app: &mut App, color: bool) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = format!(
            "The terminal is {}x{}; vouch needs at least {}x{}.",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        );
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let [header, body, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
    frame.render_widget(Paragraph::new(header_line(app)), header);
    // A page is the list's height less its border and heading.
    app.page = usize::from(body.height.saturating_sub(3)).max(1);
    match app.place().clone() {
        Place::Overview { selected } => lists::overview(frame, app, body, selected, color),
        Place::Section { section, selected } => lists::section_screen(frame, app, body, section, selected, color),
        Place::Control {
            id,
            scroll,
            evidence_scroll,
            pane,
        } => {
            let reach = control::control_screen(frame, app, body, &id, (scroll, evidence_scroll), pane, color);
            // Scrolling stops where each pane ends.
            if let Some(Place::Control {
                scroll,
                evidence_scroll,
                ..
            }) = app.stack.last_mut()
            {
                *scroll = (*scroll).min(reach.details);
                *evidence_scroll = match *evidence_scroll {
                    Some(at) => Some(at.min(reach.evidence)),
                    // Drawn at the first deciding line: from there it scrolls.
                    None => reach.deciding.map(|at| at.min(reach.evidence)),
                };
            }
        }
        Place::Interview { id, question } => forms::interview(frame, app, body, &id, question),
        Place::Form => forms::form(frame, app, body),
        Place::Search { query, selected } => lists::search(frame, app, body, &query, selected, color),
        Place::Help { of } => lists::help(frame, app, body, of),
        Place::Export => export::export(frame, app, body),
    }
    frame.render_widget(Paragraph::new(footer_line(app)), footer);
}

fn header_line(app: &App) -> Line<'static> {
    let done = app.controls.iter().filter(|c| app.is_final(c)).count();
    let mut collecting = match app.collecting.len() {
        0 => String::new(),
        n => format!(" · collecting {n}"),
    };
    if let Some(status) = app.filter {
        collecting.push_str(&format!(" · only {} {}", symbol(status), status.as_str()));
    }
    let organisation = app
        .organisation
        .as_deref()
        .map(|o| format!(" · {}", terminal(o)))
        .unwrap_or_default();
    let on_call = app
        .on_call
        .as_ref()
        .map(|p| format!(" · answering {} ({})", terminal(&p.name), terminal(&p.role)))
        .unwrap_or_default();
    // Progress first: at 80 columns the names are what gets cut.
    Line::from(format!(
        " vouch · {done}/{} final{collecting} · {}{organisation} · auditor {}{on_call}",
        app.controls.len(),
        terminal(&app.target),
        terminal(&app.auditor),
    ))
}

/// The keys worth knowing here, from the keymap (so a remap shows).
fn footer_line(app: &App) -> Line<'static> {
    let screen = app.screen();
    let wanted = [
        Action::Open,
        Action::Back,
        Action::NextNeeded,
        Action::Answer,
        Action::Yes,
        Action::No,
        Action::Help,
        Action::Quit,
    ];
    // A form says its own keys.
    let wanted = if matches!(app.place(), Place::Form) {
        &[][..]
    } else {
        &wanted[..]
    };
    let hints: Vec<String> = wanted
        .iter()
        .copied()
        .filter(|a| a.screens().contains(&screen))
        .filter_map(|a| {
            let key = app.keymap.keys(a).first()?;
            let what = match a {
                Action::NextNeeded => "next to do".to_string(),
                Action::Back => "back".to_string(),
                other => other.name().replace('_', " "),
            };
            Some(format!("{key} {what}"))
        })
        .collect();
    // A message (`saved`, or why not) comes first: it is what the auditor must read.
    match &app.message {
        Some(message) => Line::from(vec![
            Span::styled(
                format!(" {} ", terminal(message)),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!(" {}", hints.join("  "))),
        ]),
        None => Line::from(format!(" {}", hints.join("  "))),
    }
}

pub(super) fn status_style(status: Status, color: bool) -> Style {
    if !color {
        return Style::default();
    }
    let fg = match status {
        Status::Pass => Color::Green,
        Status::Fail | Status::Error => Color::Red,
        Status::Warn => Color::Yellow,
        Status::NeedsReview => Color::Cyan,
        Status::NotApplicable => Color::DarkGray,
    };
    Style::default().fg(fg)
}

/// The symbol a control shows: `…` while collecting, else its status's.
pub(super) fn control_symbol(app: &App, control: &ControlResult) -> &'static str {
    if app.collecting.contains(&control.id) {
        COLLECTING
    } else {
        symbol(control.status)
    }
}

/// A control's first cells in a list: its symbol, id and title.
pub(super) fn named(app: &App, control: &ControlResult, color: bool) -> Vec<Line<'static>> {
    vec![
        Line::from(Span::styled(
            control_symbol(app, control),
            status_style(control.status, color),
        )),
        Line::from(terminal(&control.id)),
        Line::from(terminal(&control.title)),
    ]
}

pub(super) fn selected_style() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}

/// A text gauge `[####------]` of `done` out of `all`.
pub(super) fn gauge(done: usize, all: usize, width: usize) -> String {
    let filled = (done * width).checked_div(all).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled.min(width)))
}
