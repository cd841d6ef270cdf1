//! `vouch export [SESSION] -o PACK`: finish a session (a finished session is
//! read-only) and write its signed evidence bundle, a ZIP archive (`PACK.zip`)
//! or a folder. The key: the one given with `--sign-key` (its passphrase asked
//! on the terminal, never echoed), else the user's own vouch key in the config
//! folder, made on first use. ssh-agent keys come next.

use super::{Ended, UsageError};
use crate::bundle::write;
use crate::cli::ExportArgs;
use crate::sanitize::terminal;
use crate::session::{Recording, Session, Store};
use std::io::Write;

pub fn run(args: &ExportArgs) -> Ended {
    if let Err(why) = write::free(&args.output) {
        return Ended::Usage(UsageError::Invalid(why));
    }
    match export(args) {
        Ok(()) => Ended::Clean,
        Err(why) => Ended::Failed(anyhow::anyhow!(why)),
    }
}

fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "vouch: {line}");
}

fn export(args: &ExportArgs) -> Result<(), String> {
    let store = Store::open_default()?;
    let id = match &args.session {
        Some(id) => id.clone(),
        None => newest(&store).ok_or("no session to export (see `vouch sessions list`)")?,
    };
    let session = Session::load(&id, &store.session_dir(&id)?)?;
    let identity = args
        .auditor
        .clone()
        .or_else(|| session.auditor_email.clone())
        .unwrap_or_else(|| session.auditor.clone());
    let key = super::signing::key(args.sign_key.as_deref(), &identity)?;
    // A secret that would leave stops the export before the session is finished.
    crate::bundle::leak::check_session(&store, &id)?;
    if !session.finished {
        let mut recording = Recording::resume(&store, &id)?;
        if !recording.finish() {
            return Err(recording.failure.clone().unwrap_or_default());
        }
        say(&format!("session {id} is finished: read-only from now on"));
    }
    let written = write::write(&store, &id, &args.output, Some(&key))?;
    say(&format!(
        "wrote {} ({} files), signed by {} as {}; check it with `vouch verify {}`",
        args.output.display(),
        written.sums.len(),
        key.fingerprint(),
        terminal(&key.identity),
        args.output.display()
    ));
    Ok(())
}

/// The session changed last.
fn newest(store: &Store) -> Option<String> {
    store
        .ids()
        .into_iter()
        .filter_map(|id| Session::load(&id, &store.session_dir(&id).ok()?).ok())
        .max_by_key(|s| s.last_change)
        .map(|s| s.id)
}
