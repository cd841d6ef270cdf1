//! The walkthrough's driver: the terminal (raw mode, alternate screen, restored
//! on every way out, a panic included), the loop that draws, reads keys and takes
//! the engine's events from its channel — collection runs on the engine's own
//! threads, never this one — and hands each event to the session's recording
//! before the screen shows it.

use super::app::{App, Request};
use super::keymap::Key;
use super::screens::draw;
use crate::engine::{self, EventSink, LiveHost};
use crate::results::ControlResult;
use crate::session::Recording;
use crossterm::event::{self, Event as TermEvent, KeyEventKind};
use std::sync::mpsc::TryRecvError;
use std::time::Duration;

/// How long the loop waits for a key before looking at the engine again.
const TICK: Duration = Duration::from_millis(50);

/// Run the walkthrough until the auditor quits. Every engine event is written to
/// `recording` before it is shown; a write that fails is returned as the reason
/// the session is incomplete (the screen ends first, so it can be read).
/// The session as it stands on disk, replayed after each write: what the screen
/// then shows is what was saved.
pub type Reload<'a> = &'a dyn Fn() -> Result<Vec<ControlResult>, String>;

/// Who gives the answers typed in this walkthrough.
pub struct Speaker {
    pub name: String,
    pub role: String,
}

pub fn run(
    mut app: App,
    mut recording: Option<&mut Recording>,
    mut live: Option<LiveHost>,
    color: bool,
    reload: Reload,
    speaker: &Speaker,
) -> Result<(), String> {
    let mut terminal = ratatui::try_init().map_err(|e| format!("cannot open the terminal: {e}"))?;
    let outcome = (|| -> Result<(), String> {
        loop {
            if let Some(host) = &live {
                let Some(recording) = recording.as_deref_mut() else {
                    return Err("collection needs a session to record it".to_string());
                };
                if drain(host, &mut app, recording) {
                    live = None;
                    // Collection is over: show each control as the session decides
                    // it, with any answers given meanwhile applied.
                    match reload() {
                        Ok(controls) => app.refresh(controls),
                        Err(why) => app.refused(why),
                    }
                }
            }
            terminal
                .draw(|frame| draw(frame, &mut app, color))
                .map_err(|e| format!("cannot draw: {e}"))?;
            if app.quit {
                return Ok(());
            }
            if event::poll(TICK).map_err(|e| format!("cannot read the terminal: {e}"))? {
                match event::read().map_err(|e| format!("cannot read the terminal: {e}"))? {
                    TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
                        if let Some(key) = Key::from_event(&key) {
                            app.press(key);
                        }
                        match recording.as_deref_mut() {
                            Some(recording) => perform(&mut app, recording, reload, speaker),
                            None if !app.requests.is_empty() => {
                                app.requests.clear();
                                app.refused("this session is finished: it is read-only".to_string());
                            }
                            None => {}
                        }
                    }
                    _ => {}
                }
            }
        }
    })();
    ratatui::restore();
    // Leaving stops collection (the engine's handle cancels when dropped); what
    // was decided is in the journal.
    drop(live);
    outcome?;
    match recording.and_then(|r| r.failure.as_ref()) {
        Some(reason) => Err(format!("the session could not be saved: {reason}")),
        None => Ok(()),
    }
}

/// Do the writes the walkthrough asked for, each flushed to the journal before
/// the screen says `saved`.
fn perform(app: &mut App, recording: &mut Recording, reload: Reload, speaker: &Speaker) {
    for request in std::mem::take(&mut app.requests) {
        match request {
            Request::Answer {
                control,
                question,
                value,
            } => {
                let asked = app
                    .questions
                    .get(&control)
                    .and_then(|qs| qs.iter().find(|q| q.id == question))
                    .cloned();
                let Some(asked) = asked else {
                    app.refused(format!("{control} has no question {question}"));
                    continue;
                };
                let written = recording.answer(&control, &asked, value, &speaker.name, &speaker.role);
                match written.and_then(|()| reload()) {
                    Ok(controls) => app.saved(controls),
                    Err(why) => app.refused(why),
                }
            }
        }
    }
}

/// Take every event the engine has ready: recorded, then shown. True once the
/// host is done (or its thread is gone).
fn drain(host: &LiveHost, app: &mut App, recording: &mut Recording) -> bool {
    loop {
        match host.events.try_recv() {
            Ok(event) => {
                let done = matches!(event, engine::Event::HostDone(_));
                if let engine::Event::ControlDecided(result) = &event {
                    app.decided((**result).clone());
                }
                recording.accept(event);
                if done {
                    return true;
                }
            }
            Err(TryRecvError::Empty) => return false,
            Err(TryRecvError::Disconnected) => return true,
        }
    }
}
