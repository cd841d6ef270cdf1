//! `vouch export [SESSION] -o PACK`: finish a session (a finished session is
//! read-only) and write its signed evidence bundle, a ZIP archive (`PACK.zip`)
//! or a folder. The key: the one given with `--sign-key` (its passphrase asked
//! on the terminal, never echoed), else the user's own vouch key in the config
//! folder, made on first use. ssh-agent keys come next.

use super::{Ended, UsageError};
use crate::bundle::{sign, write};
use crate::cli::ExportArgs;
use crate::sanitize::terminal;
use crate::session::{Recording, Session, Store};
use std::io::{IsTerminal, Write};

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
    let identity = session.auditor_email.clone().unwrap_or_else(|| session.auditor.clone());
    let key = match &args.sign_key {
        // An RSA key is signed by ssh-keygen, which asks its passphrase itself.
        Some(path) if sign::Key::is_rsa_file(path) => sign::Key::through_ssh_keygen(path, &identity)?,
        Some(path) => {
            let passphrase = passphrase(path)?;
            sign::Key::from_file(path, passphrase.as_deref(), &identity)?
        }
        None => {
            let (key, made) = sign::Key::own(&crate::paths::config_dir()?, &identity)?;
            if made {
                say(&format!(
                    "made your vouch signing key {} (signing_key.pub in the config folder): give it to those who check your packs",
                    key.fingerprint()
                ));
            }
            key
        }
    };
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

/// An encrypted key's passphrase, asked on the terminal (never echoed); none
/// for a key that is not encrypted.
fn passphrase(path: &std::path::Path) -> Result<Option<String>, String> {
    let key = ssh_key::PrivateKey::read_openssh_file(path)
        .map_err(|e| format!("{}: not an OpenSSH private key ({e})", path.display()))?;
    if !key.is_encrypted() {
        return Ok(None);
    }
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "{} is encrypted and there is no terminal to ask its passphrase on",
            path.display()
        ));
    }
    rpassword::prompt_password(format!("Passphrase for {}: ", path.display()))
        .map(Some)
        .map_err(|e| format!("cannot read the passphrase: {e}"))
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
