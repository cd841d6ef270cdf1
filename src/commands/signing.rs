//! Which key signs a bundle, for `export` and `scan --bundle` alike: the one
//! given with `--sign-key` (RSA through OpenSSH's ssh-keygen, which asks its
//! own passphrase; an encrypted ed25519/ECDSA key's passphrase asked here on
//! the terminal, never echoed, never kept; a `.pub` names a key ssh-agent
//! holds), else a key held by ssh-agent, else the user's own vouch key in the
//! config folder, made on first use with its fingerprint printed.

use crate::bundle::sign::Key;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// The key to sign with, as `identity`.
pub fn key(sign_key: Option<&Path>, identity: &str) -> Result<Key, String> {
    match sign_key {
        Some(path) if path.extension().is_some_and(|e| e == "pub") => agent_key(path, identity),
        Some(path) if Key::is_rsa_file(path) => Key::through_ssh_keygen(path, identity),
        Some(path) => {
            let passphrase = passphrase(path)?;
            Key::from_file(path, passphrase.as_deref(), identity)
        }
        None => {
            let (key, notes) = Key::default(&crate::paths::config_dir()?, identity)?;
            for note in notes {
                let _ = writeln!(std::io::stderr(), "vouch: {note}");
            }
            Ok(key)
        }
    }
}

/// The key ssh-agent holds for the public key in `path`.
fn agent_key(path: &Path, identity: &str) -> Result<Key, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let public = ssh_key::PublicKey::from_openssh(text.trim())
        .map_err(|e| format!("{}: not an OpenSSH public key ({e})", path.display()))?;
    let socket = crate::bundle::sign::agent_socket().ok_or_else(|| {
        format!(
            "{} is a public key: its private half must be in ssh-agent, and SSH_AUTH_SOCK is not set",
            path.display()
        )
    })?;
    Key::from_agent(&socket, Some(&public), identity)?
        .ok_or_else(|| format!("ssh-agent does not hold the key of {} (`ssh-add` it)", path.display()))
}

/// An encrypted key's passphrase, asked on the terminal (never echoed); none
/// for a key that is not encrypted.
fn passphrase(path: &Path) -> Result<Option<String>, String> {
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
