//! The list screens: the overview (a gauge and counts per section), a section's
//! controls, the search, and help (generated from the keymap).

use super::{gauge, named, selected_style, status_style};
use crate::model::Status;
use crate::sanitize::terminal;
use crate::tui::app::{symbol, App, COLLECTING};
use crate::tui::keymap::Screen;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};
use ratatui::Frame;

pub(super) fn overview(frame: &mut Frame, app: &App, area: Rect, selected: usize, color: bool) {
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

pub(super) fn section_screen(frame: &mut Frame, app: &App, area: Rect, section: usize, selected: usize, color: bool) {
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

pub(super) fn search(frame: &mut Frame, app: &App, area: Rect, query: &str, selected: usize, color: bool) {
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

pub(super) fn help(frame: &mut Frame, app: &App, area: Rect, of: Screen) {
    let lines: Vec<Line> = app
        .keymap
        .help(of)
        .into_iter()
        .map(|(keys, what)| Line::from(format!("  {keys:<18} {what}")))
        .collect();
    let body = Paragraph::new(lines).block(Block::bordered().title(" Keys "));
    frame.render_widget(body, area);
}
