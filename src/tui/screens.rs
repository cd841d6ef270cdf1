//! Drawing the walkthrough: each screen from the app's state, at 80x24 or more
//! (a smaller terminal is told so). Every string from a target or a checklist is
//! sanitised for the terminal; statuses carry a symbol, colour only adds to it.

use super::app::{symbol, App, Place, COLLECTING};
use super::keymap::{Action, Screen};
use crate::model::Status;
use crate::results::ControlResult;
use crate::sanitize::terminal;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};
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
        Place::Overview { selected } => overview(frame, app, body, selected, color),
        Place::Section { section, selected } => section_screen(frame, app, body, section, selected, color),
        Place::Control { id, scroll } => {
            let most = control_screen(frame, app, body, &id, scroll, color);
            // Scrolling stops where the page ends.
            if let Some(Place::Control { scroll, .. }) = app.stack.last_mut() {
                *scroll = (*scroll).min(most);
            }
        }
        Place::Interview { id, question } => interview(frame, app, body, &id, question),
        Place::Search { query, selected } => search(frame, app, body, &query, selected, color),
        Place::Help { of } => help(frame, app, body, of),
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
    Line::from(format!(
        " vouch · {} · auditor {} · {done}/{} final{collecting}",
        terminal(&app.target),
        terminal(&app.auditor),
        app.controls.len()
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
    let hints: Vec<String> = wanted
        .into_iter()
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

fn status_style(status: Status, color: bool) -> Style {
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
fn control_symbol(app: &App, control: &ControlResult) -> &'static str {
    if app.collecting.contains(&control.id) {
        COLLECTING
    } else {
        symbol(control.status)
    }
}

/// A control's first cells in a list: its symbol, id and title.
fn named(app: &App, control: &ControlResult, color: bool) -> Vec<Line<'static>> {
    vec![
        Line::from(Span::styled(
            control_symbol(app, control),
            status_style(control.status, color),
        )),
        Line::from(terminal(&control.id)),
        Line::from(terminal(&control.title)),
    ]
}

fn selected_style() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}

fn overview(frame: &mut Frame, app: &App, area: Rect, selected: usize, color: bool) {
    let rows = app.sections.iter().enumerate().map(|(index, section)| {
        let controls = app.section_controls(index);
        let done = controls.iter().filter(|c| app.is_final(c)).count();
        let gauge = gauge(done, controls.len(), 10);
        let mut counts = Vec::new();
        for status in Status::ALL {
            let n = controls
                .iter()
                .filter(|c| !app.collecting.contains(&c.id) && c.status == status)
                .count();
            if n > 0 {
                counts.push(Span::styled(
                    format!("{}{n} ", symbol(status)),
                    status_style(status, color),
                ));
            }
        }
        let collecting = controls.iter().filter(|c| app.collecting.contains(&c.id)).count();
        if collecting > 0 {
            counts.push(Span::raw(format!("{COLLECTING}{collecting}")));
        }
        Row::new(vec![
            Line::from(terminal(&section.title)),
            Line::from(format!("{gauge} {done}/{}", controls.len())),
            Line::from(counts),
        ])
    });
    let table = Table::new(
        rows,
        [Constraint::Min(30), Constraint::Length(18), Constraint::Length(26)],
    )
    .header(Row::new(["section", "progress", "statuses"]).style(Style::default().add_modifier(Modifier::BOLD)))
    .block(Block::bordered().title(" Overview "))
    .row_highlight_style(selected_style());
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// A text gauge `[####------]` of `done` out of `all`.
fn gauge(done: usize, all: usize, width: usize) -> String {
    let filled = (done * width).checked_div(all).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled.min(width)))
}

fn section_screen(frame: &mut Frame, app: &App, area: Rect, section: usize, selected: usize, color: bool) {
    let title = app
        .sections
        .get(section)
        .map(|s| terminal(&s.title))
        .unwrap_or_default();
    let rows = app.controls_of(section).into_iter().map(|control| {
        let answered = if control.answers.is_empty() { "" } else { "answered" };
        let mut cells = named(app, control, color);
        cells.extend([
            Line::from(control.severity.as_str()),
            Line::from(control.mode.as_str()),
            Line::from(answered),
        ]);
        Row::new(cells)
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Length(24),
            Constraint::Min(20),
            Constraint::Length(8),
            Constraint::Length(6),
            Constraint::Length(8),
        ],
    )
    .header(
        Row::new(["", "control", "title", "severity", "mode", ""]).style(Style::default().add_modifier(Modifier::BOLD)),
    )
    .block(Block::bordered().title(format!(" {title} ")))
    .row_highlight_style(selected_style());
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// Draws a control's page; returns the furthest it can scroll.
fn control_screen(frame: &mut Frame, app: &App, area: Rect, id: &str, scroll: u16, color: bool) -> u16 {
    let Some(control) = app.controls.iter().find(|c| c.id == id) else {
        return 0;
    };
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
    if !control.findings.is_empty() {
        lines.push(Line::from(Span::styled(
            "Findings",
            Style::default().add_modifier(Modifier::BOLD),
        )));
        for finding in &control.findings {
            lines.push(Line::from(format!(
                "  {}",
                crate::report::finding_line(finding, terminal, terminal)
            )));
        }
        lines.push(Line::from(""));
    }
    if !control.answers.is_empty() {
        lines.push(Line::from(Span::styled(
            "Answers",
            Style::default().add_modifier(Modifier::BOLD),
        )));
        for answer in &control.answers {
            lines.push(Line::from(format!(
                "  {}: {} ({}, {})",
                terminal(&answer.question),
                terminal(&answer.answer.key()),
                terminal(&answer.by),
                terminal(&answer.role)
            )));
        }
        lines.push(Line::from(""));
    }
    for note in &control.notes {
        lines.push(Line::from(format!("  note: {}", terminal(&note.text))));
    }
    if let Some(decision) = &control.override_ {
        lines.push(Line::from(format!(
            "  overridden to {} by {}: {}",
            decision.status.as_str(),
            terminal(&decision.by),
            terminal(&decision.reason)
        )));
    }
    if let Some(guidance) = app.guidance.get(&control.id) {
        let bold = Style::default().add_modifier(Modifier::BOLD);
        for (heading, text) in [
            ("Why it matters", &guidance.rationale),
            ("How to fix it", &guidance.remediation),
        ] {
            if text.trim().is_empty() {
                continue;
            }
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(heading, bold)));
            lines.extend(text.lines().map(|l| Line::from(format!("  {}", terminal(l)))));
        }
        if !guidance.references.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled("References", bold)));
            lines.extend(
                guidance
                    .references
                    .iter()
                    .map(|r| Line::from(format!("  {}", terminal(r)))),
            );
        }
    }
    let title = format!(" {} — {} ", terminal(&control.id), terminal(&control.title));
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let most = u16::try_from(rows.saturating_sub(usize::from(area.height.saturating_sub(2)))).unwrap_or(u16::MAX);
    let body = Paragraph::new(lines)
        .block(Block::bordered().title(title))
        .wrap(Wrap { trim: false })
        .scroll((scroll.min(most), 0));
    frame.render_widget(body, area);
    most
}

fn interview(frame: &mut Frame, app: &App, area: Rect, id: &str, index: usize) {
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
    let key = |action: Action| {
        app.keymap
            .keys(action)
            .first()
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    match question.answer {
        crate::checklist::AnswerKind::YesNo => {
            lines.push(Line::from(format!(
                "  {} yes    {} no",
                key(Action::Yes),
                key(Action::No)
            )));
        }
        crate::checklist::AnswerKind::Choice => {
            for (n, choice) in question.choices.iter().enumerate().take(9) {
                lines.push(Line::from(format!(
                    "  {} {}",
                    key(Action::Pick(n as u8 + 1)),
                    terminal(choice)
                )));
            }
        }
        crate::checklist::AnswerKind::Date | crate::checklist::AnswerKind::Text => {
            lines.push(Line::from(
                "  This question is typed in; typing answers in the walkthrough comes next.",
            ));
        }
    }
    if let Some(answer) = given {
        lines.push(Line::from(""));
        lines.push(Line::from(format!(
            "Answered: {} ({}, {})",
            terminal(&answer.answer.key()),
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

fn search(frame: &mut Frame, app: &App, area: Rect, query: &str, selected: usize, color: bool) {
    let [input, list] = Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(area);
    let typed = Paragraph::new(format!("/{}▏", terminal(query))).block(Block::bordered().title(" Search "));
    frame.render_widget(typed, input);
    let found = app.found(query);
    let count = found.len();
    let rows = found.into_iter().map(|control| Row::new(named(app, control, color)));
    let table = Table::new(
        rows,
        [Constraint::Length(1), Constraint::Length(28), Constraint::Min(20)],
    )
    .block(Block::bordered().title(format!(" {count} found ")))
    .row_highlight_style(selected_style());
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, list, &mut state);
}

fn help(frame: &mut Frame, app: &App, area: Rect, of: Screen) {
    let lines: Vec<Line> = app
        .keymap
        .help(of)
        .into_iter()
        .map(|(keys, what)| Line::from(format!("  {keys:<18} {what}")))
        .collect();
    let body = Paragraph::new(lines).block(Block::bordered().title(" Keys "));
    frame.render_widget(body, area);
}
