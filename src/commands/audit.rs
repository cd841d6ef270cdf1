//! `vouch audit [TARGET]` (and bare `vouch`): open the walkthrough on a session —
//! the one asked for, else the newest unfinished one of this target, else a new
//! one whose collection starts at once in the background.

use super::collect::Collector;
use super::{Ended, UsageError};
use crate::checklist::Catalog;
use crate::cli::AuditArgs;
use crate::engine;
use crate::model::{Mode, Status, Target};
use crate::results::{ControlResult, HostResult, ScanResults, Summary};
use crate::sanitize::terminal;
use crate::session::{Recording, Session, Start, Store};
use crate::settings::AuditSettings;
use crate::transport::{self, TargetSpec};
use crate::tui::app::App;
use crate::tui::keymap::Keymap;
use crate::tui::start::{Choice, Saved};
use std::io::IsTerminal;
use std::sync::Arc;

/// Bare `vouch`: the walkthrough of this machine, through the start screen
/// when sessions of it exist.
pub fn home() -> Ended {
    audit(&AuditArgs::default(), true)
}

pub fn run(args: &AuditArgs) -> Ended {
    audit(args, false)
}

fn audit(args: &AuditArgs, home: bool) -> Ended {
    let mut settings = match AuditSettings::from_args(args) {
        Ok(settings) => settings,
        Err(e) => return Ended::Usage(e),
    };
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Ended::Usage(UsageError::Invalid(
            "the walkthrough needs a terminal; `vouch scan` audits without one".into(),
        ));
    }
    if args.auditor.is_none() {
        match remembered_auditor(&settings.auditor) {
            Ok(name) => settings.auditor = name,
            Err(reason) => return Ended::Failed(anyhow::anyhow!(reason)),
        }
    }
    let keymap = match Keymap::load() {
        Ok(keymap) => keymap,
        Err(errors) => {
            let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
            return Ended::Usage(UsageError::Invalid(shown.join("\n")));
        }
    };
    match open(&settings, keymap, home) {
        Ok(()) => Ended::Clean,
        Err(reason) => Ended::Failed(anyhow::anyhow!(reason)),
    }
}

fn open(settings: &AuditSettings, keymap: Keymap, home: bool) -> Result<(), String> {
    let store = Store::open_default()?;
    let target = Target {
        name: settings.target.name(),
        root: settings.target.root(),
        ..Target::default()
    }
    .with_app_dir(settings.app_dir.as_deref());
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let resumed = match &settings.session {
        Some(id) => Some(id.clone()),
        None if settings.new => None,
        None if home => match start_screen(&store, &target, keymap.clone())? {
            Choice::Quit => return Ok(()),
            Choice::New => None,
            Choice::Open(id) => Some(id),
        },
        None => newest_unfinished(&store, &target),
    };
    if let Some(id) = resumed {
        return resume(&store, &id, settings, keymap, color);
    }
    let transport: Arc<dyn transport::Transport> =
        Arc::from(transport::open(&settings.target).map_err(|e| e.to_string())?);
    let start = Start {
        target: target.name.clone(),
        root: target.root.clone(),
        app_dir: settings.app_dir.clone(),
        host_key: transport.host_key(),
        transport: transport.describe(),
        auditor: settings.auditor.clone(),
        as_of: settings.as_of,
        sections: ScanResults::new(&settings.catalog, settings.as_of, Vec::new()).sections,
        checklists: settings.catalog.checklists.clone(),
        only: settings.catalog.only.clone(),
        organisation: settings.organisation.clone(),
        auditor_email: settings.auditor_email.clone(),
    };
    let mut recording = Recording::start(&store, start)?;
    let id = recording.id().to_string();
    let awaited = awaiting(&settings.catalog, &target, settings.as_of);
    let mut app = App::new(keymap, &awaited, &settings.auditor).with_catalog(&settings.catalog);
    app.organisation = settings.organisation.clone();
    app.collecting = settings
        .catalog
        .controls
        .iter()
        .filter(|c| c.mode != Mode::Manual)
        .map(|c| c.id.clone())
        .collect();
    let collector = Collector {
        catalog: &settings.catalog,
        spec: settings.target.clone(),
        app_dir: settings.app_dir.clone(),
        as_of: settings.as_of,
        opened: std::sync::Mutex::new(Some(transport)),
    };
    let live = collector.collect(None)?;
    let reload = reloader(&store, &id, &settings.catalog);
    let collect = |only: Option<&str>| collector.collect(only);
    let session = crate::tui::run::Session {
        store: store.clone(),
        id: id.clone(),
        recording: Some(&mut recording),
        reload: &reload,
        collect: Some(&collect),
        speaker: speaker(&settings.auditor),
        auditor: settings.auditor.clone(),
        signer: settings
            .auditor_email
            .clone()
            .unwrap_or_else(|| settings.auditor.clone()),
        attachment_cap: settings.attachment_cap,
    };
    let ran = walkthrough(app, session, Some(live), color);
    say(&format!("session {id} saved (`vouch sessions show {id}`)"));
    ran
}

/// Reopen a saved session: written on where it stopped, or shown read-only
/// when finished.
fn resume(store: &Store, id: &str, settings: &AuditSettings, keymap: Keymap, color: bool) -> Result<(), String> {
    let saved = Session::load(id, &store.session_dir(id)?)?;
    let catalog = saved.catalog(store)?;
    let mut app = App::new(keymap, &saved.results(&catalog), &saved.auditor).with_catalog(&catalog);
    app.organisation = saved.organisation.clone();
    app.on_call = saved.on_call.clone();
    let reload = reloader(store, id, &catalog);
    // The saved session's target, reached again: the one named now when it is
    // the same (with this run's SSH options), else as the session names it.
    let spec = if settings.target.name() == saved.target {
        settings.target.clone()
    } else if saved.target == "local" {
        TargetSpec::Local {
            root: saved.root.as_ref().map(std::path::PathBuf::from),
        }
    } else {
        crate::settings::ssh_target(&saved.target).map_err(|e| e.to_string())?
    };
    let collector = Collector {
        catalog: &catalog,
        spec,
        // The app's directory named now, else the one named when the session began.
        app_dir: settings.app_dir.clone().or_else(|| saved.app_dir_given.clone()),
        as_of: saved.as_of,
        opened: std::sync::Mutex::new(None),
    };
    let collect = |only: Option<&str>| collector.collect(only);
    let mut session = crate::tui::run::Session {
        store: store.clone(),
        id: id.to_string(),
        recording: None,
        reload: &reload,
        collect: Some(&collect),
        auditor: saved.auditor.clone(),
        signer: saved.auditor_email.clone().unwrap_or_else(|| saved.auditor.clone()),
        speaker: match &saved.on_call {
            Some(person) => crate::tui::run::Speaker {
                name: person.name.clone(),
                role: person.role.clone(),
            },
            None => speaker(&saved.auditor),
        },
        attachment_cap: settings.attachment_cap,
    };
    if saved.finished {
        // A finished session is read-only: shown, never written.
        app.finished();
        return walkthrough(app, session, None, color);
    }
    let mut recording = Recording::resume(store, id)?;
    if let Some(dropped) = &recording.recovered {
        let told = format!("{}; the rest of the session is kept", terminal(dropped));
        say(&told);
        app.message = Some(told);
    }
    // Controls never decided (the walkthrough was left mid-collection) are
    // collected now.
    let undecided: Vec<String> = catalog
        .controls
        .iter()
        .filter(|c| c.mode != Mode::Manual && !saved.controls.iter().any(|d| d.id == c.id))
        .map(|c| c.id.clone())
        .collect();
    let live = if undecided.is_empty() {
        None
    } else {
        app.collecting = undecided.iter().cloned().collect();
        Some(collector.collect_these(&undecided)?)
    };
    session.recording = Some(&mut recording);
    walkthrough(app, session, live, color)?;
    say(&format!("session {id} saved (`vouch sessions show {id}`)"));
    Ok(())
}

/// Run the walkthrough; while it holds the terminal, an SSH reconnection asks no
/// passphrase there (keys in ssh-agent, or SSH_ASKPASS, still work).
fn walkthrough(
    app: App,
    session: crate::tui::run::Session,
    live: Option<engine::LiveHost>,
    color: bool,
) -> Result<(), String> {
    crate::transport::ssh::terminal_prompts(false);
    let ran = crate::tui::run::run(app, session, live, color);
    crate::transport::ssh::terminal_prompts(true);
    ran
}

/// One line to the auditor on stderr; a terminal already gone (SIGHUP) is no error.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "vouch: {line}");
}

/// The auditor's name remembered in the config folder; on first use it is asked
/// once (Enter keeps `login`) and remembered. `--auditor` skips all of this.
fn remembered_auditor(login: &str) -> Result<String, String> {
    use std::io::{BufRead, Write};
    let path = crate::paths::config_dir()?.join("auditor");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let name = text.trim();
        if !name.is_empty() {
            return Ok(name.to_string());
        }
    }
    eprint!("Your name, as the auditor of record [{}]: ", terminal(login));
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read your name: {e}"))?;
    let name = match crate::sanitize::terminal(line.trim()) {
        typed if typed.is_empty() => login.to_string(),
        typed => typed,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&path, format!("{name}\n")).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(name)
}

/// Replays the session from disk, its results decided by `catalog`'s rules.
fn reloader<'a>(store: &'a Store, id: &'a str, catalog: &'a Catalog) -> impl Fn() -> Result<HostResult, String> + 'a {
    move || {
        let session = Session::load(id, &store.session_dir(id)?)?;
        let results = session.results(catalog);
        results
            .hosts
            .into_iter()
            .next()
            .ok_or_else(|| format!("session {id} has no host"))
    }
}

/// Until interviewees are part of a session, the auditor gives the answers.
fn speaker(auditor: &str) -> crate::tui::run::Speaker {
    crate::tui::run::Speaker {
        name: auditor.to_string(),
        role: "auditor".to_string(),
    }
}

/// The sessions of this target on the start screen (none: a new one, at once).
fn start_screen(store: &Store, target: &Target, keymap: Keymap) -> Result<Choice, String> {
    let mut saved = Vec::new();
    for id in store.ids() {
        let loaded = store.session_dir(&id).and_then(|dir| Session::load(&id, &dir));
        let session = match loaded {
            Ok(session) => session,
            Err(why) => {
                // Its target cannot be read either: listed so it is not lost from sight.
                saved.push(Saved {
                    id,
                    target: "?".into(),
                    auditor: String::new(),
                    last_change: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
                    progress: (0, 0),
                    finished: false,
                    damaged: Some(why),
                });
                continue;
            }
        };
        if session.target != target.name || session.root != target.root {
            continue;
        }
        let progress = match session.catalog(store) {
            Ok(catalog) => {
                let results = session.results(&catalog);
                let controls = results.hosts.first().map(|h| h.controls.as_slice()).unwrap_or_default();
                let counted = controls.iter().filter(|c| c.status != Status::NeedsReview).count();
                (counted, controls.len())
            }
            Err(_) => (0, 0),
        };
        saved.push(Saved {
            id: session.id.clone(),
            target: session.target.clone(),
            auditor: session.auditor.clone(),
            last_change: session.last_change,
            progress,
            finished: session.finished,
            damaged: None,
        });
    }
    if saved.is_empty() {
        return Ok(Choice::New);
    }
    let shown = match &target.root {
        Some(root) => format!("{} --root {root}", target.name),
        None => target.name.clone(),
    };
    let start = crate::tui::start::Start::new(keymap, &shown, saved);
    crate::tui::start::pick(start, &|id| store.remove(id))
}

/// The newest session of this target (and root) not yet finished. A session
/// whose journal cannot be read is told of (where it breaks), never silently
/// passed over.
fn newest_unfinished(store: &Store, target: &Target) -> Option<String> {
    let mut sessions = Vec::new();
    for id in store.ids() {
        match store.session_dir(&id).and_then(|dir| Session::load(&id, &dir)) {
            Ok(session) => sessions.push(session),
            Err(why) => say(&format!(
                "{}; not resumed (`vouch sessions rm {id}` deletes it)",
                terminal(&why)
            )),
        }
    }
    sessions
        .into_iter()
        .filter(|s| !s.finished && s.target == target.name && s.root == target.root)
        .max_by_key(|s| s.last_change)
        .map(|s| s.id)
}

/// The results before anything is collected: every control awaiting review.
fn awaiting(catalog: &Catalog, target: &Target, as_of: chrono::DateTime<chrono::Utc>) -> ScanResults {
    let controls: Vec<ControlResult> = catalog
        .controls
        .iter()
        .map(|control| {
            let why = match control.mode {
                Mode::Manual => "not answered yet",
                _ => "collecting",
            };
            ControlResult::evaluated(control, Status::NeedsReview, why.to_string(), Vec::new())
        })
        .collect();
    let host = HostResult {
        target: terminal(&target.name),
        root: target.root.clone(),
        app_dir: None,
        app_dir_source: None,
        transport: String::new(),
        host_key: None,
        error: None,
        facts: None,
        summary: Summary::of(controls.iter().map(|c| &c.status)),
        controls,
        evidence: Vec::new(),
    };
    ScanResults::new(catalog, as_of, vec![host])
}
