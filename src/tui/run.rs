//! The walkthrough's driver: the terminal (raw mode, alternate screen, restored
//! on every way out — a panic, SIGTERM and SIGHUP included), the loop that draws,
//! reads keys and takes the engine's events from its channel — collection runs
//! on the engine's own threads, never this one — and carries out what the app
//! asks: each write flushed to the session's journal before the screen says
//! `saved`, documents copied on a thread of their own with progress shown.

use super::app::{App, Copying, Effect};
use super::complete;
use super::keymap::Key;
use super::screens::draw;
use crate::engine::{self, EventSink, LiveHost};
use crate::results::{HostResult, Override};
use crate::session::{Recording, Store};
use crossterm::event::{Event as TermEvent, KeyEventKind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;
use std::time::Duration;

/// How long the loop waits for a key before looking at the engine again.
const TICK: Duration = Duration::from_millis(50);

/// The most of one piece of evidence read back to be shown.
const SHOWN_CAP: u64 = 16 * 1024 * 1024;

/// The session as it stands on disk, replayed after each write: what the screen
/// then shows is what was saved.
pub type Reload<'a> = &'a dyn Fn() -> Result<HostResult, String>;

/// Starts collecting again: one control, or (with `None`) everything.
pub type Collect<'a> = &'a dyn Fn(Option<&str>) -> Result<LiveHost, String>;

/// Who gives the answers typed in this walkthrough.
pub struct Speaker {
    pub name: String,
    pub role: String,
}

/// What the walkthrough works on.
pub struct Session<'a> {
    pub store: Store,
    pub id: String,
    /// Where writes go; `None` for a finished session, shown read-only.
    pub recording: Option<&'a mut Recording>,
    pub reload: Reload<'a>,
    pub collect: Option<Collect<'a>>,
    pub speaker: Speaker,
    /// The auditor of record: notes and overrides are theirs.
    pub auditor: String,
    /// Who signs the bundle (the auditor's email, else name).
    pub signer: String,
    /// The largest document taken (bytes).
    pub attachment_cap: u64,
}

/// A document being copied into the store on its own thread.
struct Copy {
    control: String,
    question: String,
    name: String,
    copied: Arc<AtomicU64>,
    done: Receiver<Result<(String, u64), String>>,
}

/// Run the walkthrough until the auditor quits (or the terminal goes). A write
/// that failed is returned as the reason the session is incomplete (the screen
/// ends first, so it can be read).
pub fn run(mut app: App, mut session: Session, mut live: Option<LiveHost>, color: bool) -> Result<(), String> {
    super::input::stop_requested()?;
    app.drafts = session.store.drafts(&session.id);
    let mut terminal = ratatui::try_init().map_err(|e| format!("cannot open the terminal: {e}"))?;
    // A paste arrives whole (one draft written, newlines kept as text); a panic
    // turns it off again before ratatui's own hook restores the terminal.
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste);
    let restore = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
        restore(info);
    }));
    let mut copy: Option<Copy> = None;
    let outcome = (|| -> Result<(), String> {
        loop {
            if let Some(host) = &live {
                let Some(recording) = session.recording.as_deref_mut() else {
                    return Err("collection needs a session to record it".to_string());
                };
                if drain(host, &mut app, recording) {
                    live = None;
                    // Collection is over: show each control as the session decides
                    // it, with any answers given meanwhile applied.
                    match (session.reload)() {
                        Ok(host) => app.refresh(host),
                        Err(why) => app.refused(why),
                    }
                }
            }
            if let Some(job) = &copy {
                if let Some(shown) = &mut app.copying {
                    shown.done = job.copied.load(Ordering::Relaxed);
                }
                match job.done.try_recv() {
                    Err(TryRecvError::Empty) => {}
                    ended => {
                        let job = copy.take().ok_or("no copy")?;
                        finish_copy(
                            &mut app,
                            &mut session,
                            job,
                            ended.unwrap_or(Err("the copy stopped".into())),
                        );
                    }
                }
            }
            terminal
                .draw(|frame| draw(frame, &mut app, color))
                .map_err(|e| format!("cannot draw: {e}"))?;
            if app.quit || super::input::stop_requested()? {
                match &copy {
                    // A document being copied is recorded before leaving.
                    Some(job) => app.message = Some(format!("finishing the copy of {} before quitting…", job.name)),
                    None => return Ok(()),
                }
            }
            if super::input::gone() {
                // Closed under us (SIGHUP may come late or not at all): every
                // write is already on disk.
                return Ok(());
            }
            let Some(read) = super::input::next(TICK)? else {
                continue;
            };
            let key = match read {
                TermEvent::Key(key) => key,
                TermEvent::Paste(text) => {
                    let effects = app.paste(&text);
                    for effect in effects {
                        perform(&mut app, &mut session, &mut live, &mut copy, effect);
                    }
                    continue;
                }
                _ => continue,
            };
            if key.kind == KeyEventKind::Release {
                continue;
            }
            let Some(key) = Key::from_event(&key) else {
                continue;
            };
            let mut effects = app.press(key);
            while !effects.is_empty() {
                for effect in effects {
                    perform(&mut app, &mut session, &mut live, &mut copy, effect);
                }
                effects = app.take_effects();
            }
        }
    })();
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
    ratatui::restore();
    // Leaving stops collection (the engine's handle cancels when dropped); what
    // was decided is in the journal. A copy under way is left to finish its
    // temporary file, which never takes a blob's name unless complete.
    drop(live);
    outcome?;
    match session.recording.and_then(|r| r.failure.clone()) {
        Some(reason) => Err(format!("the session could not be saved: {reason}")),
        None => Ok(()),
    }
}

const READ_ONLY: &str = "this session is finished: it is read-only";

/// Carry out one effect the app asked for.
fn perform(app: &mut App, session: &mut Session, live: &mut Option<LiveHost>, copy: &mut Option<Copy>, effect: Effect) {
    match effect {
        Effect::Load { ids } => load(app, session, &ids),
        Effect::Complete { typed } => {
            let done = complete::complete(&typed);
            app.completed(&done.text, done.candidates);
        }
        Effect::Draft { .. } => {
            if session.recording.is_some() {
                if let Err(why) = session.store.save_drafts(&session.id, &app.drafts) {
                    app.message = Some(format!("draft not kept: {why}"));
                }
            }
        }
        Effect::WriteBundle { path } => write_bundle(app, session, live, &path),
        Effect::Finish => match session.recording.take() {
            Some(recording) => {
                if recording.finish() {
                    app.finished();
                } else {
                    let why = recording.failure.clone().unwrap_or_default();
                    session.recording = Some(recording);
                    app.refused(why);
                }
            }
            None => app.refused(READ_ONLY.to_string()),
        },
        Effect::Recollect { control } => recollect(app, session, live, control.as_deref()),
        Effect::Attach {
            control,
            question,
            path,
        } => {
            if session.recording.is_none() {
                return app.refused(READ_ONLY.to_string());
            }
            start_copy(app, session, copy, control, question, &path);
        }
        write => {
            let Some(recording) = session.recording.as_deref_mut() else {
                return app.refused(READ_ONLY.to_string());
            };
            let on_call = match &write {
                Effect::OnTheCall { person } => Some(person.clone()),
                _ => None,
            };
            let written = write_one(app, recording, (&session.speaker, &session.auditor), write);
            if let (Ok(()), Some(person)) = (&written, on_call) {
                // Their answers carry their name and role from now on.
                session.speaker = match &person {
                    Some(person) => Speaker {
                        name: person.name.clone(),
                        role: person.role.clone(),
                    },
                    None => Speaker {
                        name: session.auditor.clone(),
                        role: "auditor".to_string(),
                    },
                };
                app.on_call = person;
            }
            match written.and_then(|()| (session.reload)()) {
                Ok(host) => app.saved(host),
                Err(why) => app.refused(why),
            }
        }
    }
}

/// An answer, a note or an override, flushed to the journal.
/// `speaker` gives the answers; notes and overrides are the auditor's own.
fn write_one(
    app: &App,
    recording: &mut Recording,
    (speaker, auditor): (&Speaker, &str),
    effect: Effect,
) -> Result<(), String> {
    match effect {
        Effect::Answer {
            control,
            question,
            value,
            from_evidence,
        } => {
            let asked = app
                .question(&control, &question)
                .cloned()
                .ok_or_else(|| format!("{control} has no question {question}"))?;
            if from_evidence {
                recording.confirm(&control, &asked, value, &speaker.name, &speaker.role)
            } else {
                recording.answer(&control, &asked, value, &speaker.name, &speaker.role)
            }
        }
        Effect::Note { control, text } => recording.note(&control, &text, auditor),
        Effect::OnTheCall { person } => recording.on_the_call(person.as_ref()),
        Effect::Override {
            control,
            status,
            reason,
            approved_by,
            expires,
        } => {
            let decision = Override {
                status,
                // The status it had: set again when the session decides it.
                evaluated: app
                    .controls
                    .iter()
                    .find(|c| c.id == control)
                    .map_or(status, |c| c.evaluated),
                reason,
                by: auditor.to_string(),
                approved_by,
                expires,
                expired: false,
            };
            recording.set_override(&control, decision)
        }
        _ => Ok(()),
    }
}

/// Finish the session (if it is not) and write its bundle, signed with the
/// auditor's own vouch key.
fn write_bundle(app: &mut App, session: &mut Session, live: &Option<LiveHost>, typed: &str) {
    if live.is_some() {
        return app.refused("collection is still running".to_string());
    }
    let path = complete::expand(typed);
    // Refused before the session is finished, not after.
    if let Err(why) = crate::bundle::write::free(&path) {
        return app.refused(why);
    }
    let key = crate::paths::config_dir().and_then(|dir| crate::bundle::sign::Key::default(&dir, &session.signer));
    let (key, notes) = match key {
        Ok(found) => found,
        Err(why) => return app.refused(why),
    };
    if let Err(why) = crate::bundle::leak::check_session(&session.store, &session.id) {
        return app.refused(why);
    }
    if let Some(recording) = session.recording.take() {
        if !recording.finish() {
            let why = recording.failure.clone().unwrap_or_default();
            session.recording = Some(recording);
            return app.refused(why);
        }
        app.finished();
    }
    match crate::bundle::write::write(&session.store, &session.id, &path, Some(&key)) {
        Ok(written) => {
            app.form = None;
            if matches!(app.place(), super::app::Place::Form) {
                app.stack.pop();
            }
            // Which key signed, and whether it was just made, are worth saying.
            let said: String = notes.iter().map(|n| format!("; {n}")).collect();
            app.message = Some(format!(
                "wrote {} ({} files), signed by {} ({}); `vouch verify {}` checks it{said}",
                path.display(),
                written.sums.len(),
                key.fingerprint(),
                key.held_by(),
                path.display()
            ));
        }
        Err(why) => app.refused(why),
    }
}

/// Read evidence back from the store to show it.
fn load(app: &mut App, session: &Session, ids: &[crate::evidence::record::EvidenceId]) {
    for id in ids {
        let Some(sha) = app.evidence.get(id).and_then(|r| r.sha256()).map(str::to_string) else {
            continue;
        };
        let text: Arc<str> = match session.store.get_blob(&session.id, &sha, SHOWN_CAP) {
            Ok(bytes) => Arc::from(String::from_utf8_lossy(&bytes).as_ref()),
            Err(why) => Arc::from(format!("(cannot be read back: {why})")),
        };
        app.loaded(id.clone(), text);
    }
}

/// Start copying a document into the store: refused at once (a missing path, a
/// folder, too large) with the reason, else on its own thread.
fn start_copy(
    app: &mut App,
    session: &Session,
    copy: &mut Option<Copy>,
    control: String,
    question: String,
    typed: &str,
) {
    if copy.is_some() {
        return app.refused("a file is still being copied".to_string());
    }
    let path = complete::expand(typed);
    let total = match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => return app.refused(format!("{typed} is a folder, not a file")),
        Ok(meta) if meta.len() > session.attachment_cap => {
            return app.refused(format!(
                "{typed} is {}, over the attachment cap of {}",
                crate::evidence::source::human_bytes(meta.len()),
                crate::evidence::source::human_bytes(session.attachment_cap)
            ))
        }
        Ok(meta) => meta.len(),
        Err(e) => return app.refused(format!("{typed}: {e}")),
    };
    let name = crate::session::recording::display_name(&path);
    let copied = Arc::new(AtomicU64::new(0));
    let (tx, done) = mpsc::channel();
    let (store, id, cap, counter) = (
        session.store.clone(),
        session.id.clone(),
        session.attachment_cap,
        copied.clone(),
    );
    std::thread::spawn(move || {
        let _ = tx.send(store.put_file(&id, &path, cap, &counter));
    });
    app.copying = Some(Copying {
        name: name.clone(),
        done: 0,
        total,
    });
    *copy = Some(Copy {
        control,
        question,
        name,
        copied,
        done,
    });
}

/// A copy ended: record the document, or say why not.
fn finish_copy(app: &mut App, session: &mut Session, job: Copy, ended: Result<(String, u64), String>) {
    let Some(recording) = session.recording.as_deref_mut() else {
        return app.copy_failed(&job.control, &job.question, READ_ONLY.to_string());
    };
    let told = |(sha, bytes): &(String, u64)| {
        format!(
            "saved: {} ({}, sha256 {}) is attached to {}",
            job.name,
            crate::evidence::source::human_bytes(*bytes),
            sha.get(..12).unwrap_or(sha),
            job.control
        )
    };
    let message = ended.as_ref().map(told).ok();
    let written =
        ended.and_then(|(sha, bytes)| recording.attached(&job.control, &job.question, &job.name, &sha, bytes));
    match written.and_then(|()| (session.reload)()) {
        Ok(host) => {
            app.attached(host, &job.control, &job.question);
            app.message = message;
        }
        Err(why) => app.copy_failed(&job.control, &job.question, why),
    }
}

/// `r`: collect again, unless collection is still running.
fn recollect(app: &mut App, session: &Session, live: &mut Option<LiveHost>, control: Option<&str>) {
    if session.recording.is_none() {
        return app.refused(READ_ONLY.to_string());
    }
    if live.is_some() {
        app.message = Some("collection is still running".to_string());
        return;
    }
    let Some(collect) = session.collect else {
        app.message = Some("this session cannot collect again".to_string());
        return;
    };
    match collect(control) {
        Ok(host) => {
            *live = Some(host);
            app.collecting_again(control);
            app.message = Some(format!("collecting {} again", control.unwrap_or("everything")));
        }
        Err(why) => app.refused(why),
    }
}

/// Take every event the engine has ready: recorded, then shown. True once the
/// host is done (or its thread is gone).
fn drain(host: &LiveHost, app: &mut App, recording: &mut Recording) -> bool {
    loop {
        match host.events.try_recv() {
            Ok(event) => {
                let done = matches!(event, engine::Event::HostDone(_));
                match &event {
                    engine::Event::ControlDecided(result) => app.decided((**result).clone()),
                    engine::Event::ProbeDone { evidence, .. }
                    | engine::Event::ProbeFailed { evidence, .. }
                    | engine::Event::FactsFound { evidence, .. } => {
                        for record in evidence {
                            app.collected(record.clone());
                        }
                    }
                    engine::Event::AppFound { app_dir, how, evidence } => {
                        for record in evidence {
                            app.collected(record.clone());
                        }
                        app.message = Some(match app_dir {
                            Some(dir) => format!("the application: {dir} ({how})"),
                            None => {
                                "no Python application found: the app controls are for you (vouch audit --app-dir DIR)"
                                    .to_string()
                            }
                        });
                    }
                    _ => {}
                }
                if !recording.accept(event) {
                    let why = recording.failure.clone().unwrap_or_default();
                    app.message = Some(format!("the session could not be saved: {why}"));
                    return true;
                }
                if done {
                    return true;
                }
            }
            Err(TryRecvError::Empty) => return false,
            Err(TryRecvError::Disconnected) => return true,
        }
    }
}
