//! The start screen (bare `vouch` when sessions of this target exist): a new
//! session, or one of the saved ones (target, auditor, progress, last change,
//! finished or not) to resume, or to delete (`d`, twice). Its state is pure;
//! [`pick`] runs it in the terminal.

use super::keymap::{Action, Key, Keymap, Screen};
use crate::sanitize::terminal;
use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyEventKind};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use std::time::Duration;

/// One saved session, as the start screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub id: String,
    pub target: String,
    pub auditor: String,
    pub last_change: DateTime<Utc>,
    /// Controls with a status that counts, of all.
    pub progress: (usize, usize),
    pub finished: bool,
    /// Why it cannot be opened (an edited or reordered journal line, …): it is
    /// listed so the auditor learns of it, and may be deleted.
    pub damaged: Option<String>,
}

/// What the auditor chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    New,
    Open(String),
    Quit,
}

/// The start screen's state: row 0 is "new session", then the saved ones.
#[derive(Debug, Clone)]
pub struct Start {
    pub keymap: Keymap,
    pub target: String,
    pub sessions: Vec<Saved>,
    pub selected: usize,
    /// `d` was pressed once on this session.
    confirm: Option<String>,
    pub message: Option<String>,
}

/// What a key asks of the driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    Nothing,
    Delete(String),
    Done(Choice),
}

impl Start {
    /// The newest unfinished session is selected, else "new".
    pub fn new(keymap: Keymap, target: &str, mut sessions: Vec<Saved>) -> Start {
        sessions.sort_by_key(|s| std::cmp::Reverse(s.last_change));
        let selected = sessions
            .iter()
            .position(|s| !s.finished && s.damaged.is_none())
            .map_or(0, |at| at + 1);
        Start {
            keymap,
            target: target.to_string(),
            sessions,
            selected,
            confirm: None,
            message: None,
        }
    }

    pub fn press(&mut self, key: Key) -> Asked {
        let Some(action) = self.keymap.action(Screen::Start, key) else {
            // Any other key cancels a deletion under way.
            self.confirm = None;
            return Asked::Nothing;
        };
        let confirming = self.confirm.take();
        self.message = None;
        let last = self.sessions.len();
        match action {
            Action::MoveUp => self.selected = self.selected.saturating_sub(1),
            Action::MoveDown => self.selected = (self.selected + 1).min(last),
            Action::First => self.selected = 0,
            Action::Last => self.selected = last,
            Action::Open => {
                return Asked::Done(match self.selected {
                    0 => Choice::New,
                    at => match self.sessions.get(at - 1) {
                        Some(Saved { damaged: Some(why), .. }) => {
                            self.message = Some(format!("cannot be opened: {why}"));
                            return Asked::Nothing;
                        }
                        Some(saved) => Choice::Open(saved.id.clone()),
                        None => return Asked::Nothing,
                    },
                });
            }
            Action::Delete => {
                let Some(saved) = self.selected.checked_sub(1).and_then(|at| self.sessions.get(at)) else {
                    return Asked::Nothing;
                };
                let id = saved.id.clone();
                if confirming.as_deref() == Some(id.as_str()) {
                    return Asked::Delete(id);
                }
                let key = self
                    .keymap
                    .keys(Action::Delete)
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                self.message = Some(format!("press {key} again to delete session {id} and everything in it"));
                self.confirm = Some(id);
            }
            Action::Quit => return Asked::Done(Choice::Quit),
            _ => {}
        }
        Asked::Nothing
    }

    /// A session was deleted (or could not be).
    pub fn deleted(&mut self, id: &str, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => {
                self.sessions.retain(|s| s.id != id);
                self.selected = self.selected.min(self.sessions.len());
                self.message = Some(format!("deleted session {id}"));
            }
            Err(why) => self.message = Some(format!("not deleted: {why}")),
        }
    }
}

/// Draw the start screen.
pub fn draw(frame: &mut Frame, start: &Start) {
    let area = frame.area();
    let (width, height) = super::screens::MIN_SIZE;
    if area.width < width || area.height < height {
        let text = format!(
            "The terminal is {}x{}; vouch needs at least {width}x{height}.",
            area.width, area.height
        );
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let [body, footer] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let mut rows = vec![Row::new(vec![
        Line::from("+"),
        Line::from(format!("New session on {}", terminal(&start.target))),
        Line::from(""),
        Line::from(""),
        Line::from(""),
    ])];
    rows.extend(start.sessions.iter().map(|s| {
        Row::new(vec![
            Line::from(if s.finished { "✓" } else { " " }),
            Line::from(format!("{}  {}", s.id, terminal(&s.target))),
            Line::from(terminal(&s.auditor)),
            Line::from(format!("{}/{}", s.progress.0, s.progress.1)),
            Line::from(match &s.damaged {
                Some(_) => "damaged: Enter says why".to_string(),
                None => format!(
                    "{}{}",
                    s.last_change.format("%Y-%m-%d %H:%M"),
                    if s.finished { "  finished" } else { "" }
                ),
            }),
        ])
    }));
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Min(24),
            Constraint::Length(16),
            Constraint::Length(8),
            Constraint::Length(28),
        ],
    )
    .header(
        Row::new(["", "session", "auditor", "final", "last change"])
            .style(Style::default().add_modifier(Modifier::BOLD)),
    )
    .block(Block::bordered().title(" vouch · sessions "))
    .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED));
    let mut state = TableState::default().with_selected(Some(start.selected));
    frame.render_stateful_widget(table, body, &mut state);
    let key = |action: Action| {
        start
            .keymap
            .keys(action)
            .first()
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    let hints = format!(
        " {} new/resume  {} delete  {} quit",
        key(Action::Open),
        key(Action::Delete),
        key(Action::Quit)
    );
    let line = match &start.message {
        Some(message) => format!(" {}  {hints}", terminal(message)),
        None => hints,
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), footer);
}

/// Run the start screen in the terminal until the auditor chooses; `delete`
/// removes a session.
pub fn pick(mut start: Start, delete: &dyn Fn(&str) -> Result<(), String>) -> Result<Choice, String> {
    super::input::stop_requested()?;
    let mut terminal = ratatui::try_init().map_err(|e| format!("cannot open the terminal: {e}"))?;
    let chosen = (|| loop {
        terminal
            .draw(|frame| draw(frame, &start))
            .map_err(|e| format!("cannot draw: {e}"))?;
        if super::input::gone() || super::input::stop_requested()? {
            return Ok(Choice::Quit);
        }
        let Some(TermEvent::Key(key)) = super::input::next(Duration::from_millis(100))? else {
            continue;
        };
        if key.kind == KeyEventKind::Release {
            continue;
        }
        let Some(key) = Key::from_event(&key) else {
            continue;
        };
        match start.press(key) {
            Asked::Nothing => {}
            Asked::Delete(id) => {
                let outcome = delete(&id);
                start.deleted(&id, outcome);
            }
            Asked::Done(choice) => return Ok(choice),
        }
    })();
    ratatui::restore();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(id: &str, minutes: i64, finished: bool) -> Saved {
        Saved {
            id: id.to_string(),
            target: "local".into(),
            auditor: "Ada".into(),
            last_change: DateTime::from_timestamp(1_700_000_000 + minutes * 60, 0).unwrap_or_default(),
            progress: (10, 65),
            finished,
            damaged: None,
        }
    }

    fn key(text: &str) -> Key {
        Key::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_newest_unfinished_session_is_selected_and_enter_resumes_it() {
        let mut start = Start::new(
            Keymap::default(),
            "local",
            vec![saved("aaa", 1, false), saved("bbb", 3, true), saved("ccc", 2, false)],
        );
        assert_eq!(start.press(key("enter")), Asked::Done(Choice::Open("ccc".into())));
        start.press(key("g"));
        assert_eq!(start.press(key("enter")), Asked::Done(Choice::New));
        assert_eq!(start.press(key("q")), Asked::Done(Choice::Quit));
    }

    #[test]
    fn a_damaged_session_is_listed_says_why_and_can_be_deleted() {
        let mut broken = saved("bad", 5, false);
        broken.damaged = Some("journal.jsonl:3: the chain breaks here".into());
        let mut start = Start::new(Keymap::default(), "local", vec![broken, saved("good", 1, false)]);
        assert_eq!(start.selected, 2, "the newest one that opens is selected");
        start.press(key("k"));
        assert_eq!(start.press(key("enter")), Asked::Nothing);
        assert!(start
            .message
            .as_deref()
            .is_some_and(|m| m.contains("the chain breaks here")));
        start.press(key("d"));
        assert_eq!(start.press(key("d")), Asked::Delete("bad".into()));
        // An unbound key between the two cancels.
        start.press(key("d"));
        start.press(key("x"));
        assert_eq!(start.press(key("d")), Asked::Nothing);
    }

    #[test]
    fn delete_asks_twice_and_the_list_follows() {
        let mut start = Start::new(Keymap::default(), "local", vec![saved("aaa", 1, false)]);
        assert_eq!(start.press(key("d")), Asked::Nothing);
        assert!(start.message.as_deref().is_some_and(|m| m.contains("again")));
        assert_eq!(start.press(key("d")), Asked::Delete("aaa".into()));
        start.deleted("aaa", Ok(()));
        assert!(start.sessions.is_empty());
        assert_eq!(
            start.press(key("d")),
            Asked::Nothing,
            "the new-session row cannot be deleted"
        );
        // A key in between cancels the confirmation.
        let mut start = Start::new(Keymap::default(), "local", vec![saved("aaa", 1, false)]);
        start.press(key("d"));
        start.press(key("j"));
        start.press(key("k"));
        assert_eq!(start.press(key("d")), Asked::Nothing);
    }
}
