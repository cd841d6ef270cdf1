//! Logging in with keys, in OpenSSH's order: the agent's identities that match a
//! named key file first, then its other identities (not with IdentitiesOnly),
//! then the named key files the agent does not hold, or OpenSSH's default keys
//! when none is named. Every agent identity is tried, not only the first. An
//! encrypted key file asks for its passphrase (SSH_ASKPASS as ssh honours it,
//! else the terminal, never echoed, never kept); no password is ever sent.
//! A failure names every key tried and what became of it.

use ssh2::Session;
use ssh_key::{HashAlg, PrivateKey, PublicKey};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use zeroize::Zeroizing;

use super::target::SshTarget;

/// OpenSSH's default identity files, in its order.
const DEFAULT_KEYS: [&str; 3] = ["id_rsa", "id_ecdsa", "id_ed25519"];
/// The largest key file read.
const KEY_CAP: u64 = 1 << 20;

/// One passphrase prompt at a time, whichever host asks.
static PROMPT: Mutex<()> = Mutex::new(());
/// Whether a passphrase may be asked on the terminal: not while the walkthrough
/// draws on it (SSH_ASKPASS still may).
static TERMINAL_PROMPTS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Allow or forbid passphrase prompts on the terminal from now on.
pub fn terminal_prompts(allowed: bool) {
    TERMINAL_PROMPTS.store(allowed, std::sync::atomic::Ordering::SeqCst);
}

/// A key file to offer.
struct KeyFile {
    path: PathBuf,
    /// Its public key, when known (from the file or its `.pub`).
    public: Option<PublicKey>,
}

/// Log in as `target.user`; the keys tried are named when none is accepted.
pub fn login(session: &Session, target: &SshTarget, home: &Path) -> Result<(), String> {
    let user = target.user.as_str();
    let methods = session
        .auth_methods(user)
        .map_err(|e| format!("the server gave no login methods: {e}"))?;
    if session.authenticated() {
        return Ok(());
    }
    if !methods.split(',').any(|m| m == "publickey") {
        return Err(format!(
            "the server accepts only {} for {user}: vouch logs in with keys (agent or -i), never a password",
            crate::sanitize::terminal(methods)
        ));
    }
    let mut files = key_files(target, home);
    let mut tried: Vec<String> = Vec::new();
    if let Some(agent) = agent_identities(session, &mut tried) {
        let (agent, mut identities) = agent;
        // Identities matching a named file go first, then the others.
        identities.sort_by_key(|id| !files.iter().any(|f| same_key(f, id.blob())));
        for identity in identities {
            let matched = files.iter().position(|f| same_key(f, identity.blob()));
            if matched.is_none() && target.identities_only {
                continue;
            }
            if let Some(index) = matched {
                files.remove(index);
            }
            let label = format!("agent {}", describe_blob(identity.blob(), identity.comment()));
            match agent.userauth(user, &identity) {
                Ok(()) if session.authenticated() => return Ok(()),
                Ok(()) => tried.push(format!("{label}: refused")),
                Err(e) => {
                    tried.push(format!("{label}: {}", refusal(&e)));
                    if disconnected(&e) {
                        return Err(failure(user, &tried, true));
                    }
                }
            }
        }
    }
    for file in files {
        let label = file.path.display().to_string();
        match offer_file(session, user, &file) {
            Ok(()) if session.authenticated() => return Ok(()),
            Ok(()) => tried.push(format!("{label}: refused")),
            Err(Offer::Skipped(why)) => tried.push(format!("{label}: {why}")),
            Err(Offer::Refused(e)) => {
                tried.push(format!("{label}: {}", refusal(&e)));
                if disconnected(&e) {
                    return Err(failure(user, &tried, true));
                }
            }
        }
    }
    Err(failure(user, &tried, false))
}

fn failure(user: &str, tried: &[String], cut: bool) -> String {
    let tried = if tried.is_empty() {
        "no key (no agent, no key file)".to_string()
    } else {
        tried.join("; ")
    };
    let cut = if cut {
        " — the server closed the connection (its MaxAuthTries): name the right key with -i"
    } else {
        ""
    };
    format!("no key was accepted for {user}: tried {tried}{cut}")
}

fn refusal(e: &ssh2::Error) -> String {
    match e.code() {
        ssh2::ErrorCode::Session(-18 | -19) => "refused".to_string(),
        _ => e.message().to_string(),
    }
}

/// The server hung up (too many tries): nothing more can be offered. libssh2
/// says so with a socket error, or, when the server's goodbye arrived while it
/// waited for an answer, with "Waiting for USERAUTH response".
fn disconnected(e: &ssh2::Error) -> bool {
    match e.code() {
        ssh2::ErrorCode::Session(-7 | -13 | -43) => true,
        ssh2::ErrorCode::Session(-19) => e.message().starts_with("Waiting for"),
        _ => false,
    }
}

/// The agent and its identities, when SSH_AUTH_SOCK leads to one.
fn agent_identities(session: &Session, tried: &mut Vec<String>) -> Option<(ssh2::Agent, Vec<ssh2::PublicKey>)> {
    std::env::var_os("SSH_AUTH_SOCK").filter(|s| !s.is_empty())?;
    let mut agent = session.agent().ok()?;
    if let Err(e) = agent.connect() {
        tried.push(format!("ssh-agent: cannot connect ({})", e.message()));
        return None;
    }
    if let Err(e) = agent.list_identities() {
        tried.push(format!("ssh-agent: cannot list its keys ({})", e.message()));
        return None;
    }
    let identities = agent.identities().ok()?;
    Some((agent, identities))
}

fn same_key(file: &KeyFile, blob: &[u8]) -> bool {
    let Ok(shown) = PublicKey::from_bytes(blob) else {
        return false;
    };
    file.public.as_ref().is_some_and(|k| k.key_data() == shown.key_data())
}

fn describe_blob(blob: &[u8], comment: &str) -> String {
    match PublicKey::from_bytes(blob) {
        Ok(key) => {
            let comment = crate::sanitize::terminal(comment);
            let comment = if comment.is_empty() {
                String::new()
            } else {
                format!(" ({comment})")
            };
            format!("{} {}{comment}", key.algorithm(), key.fingerprint(HashAlg::Sha256))
        }
        Err(_) => "a key of an unknown type".to_string(),
    }
}

/// The key files to offer: those named, else OpenSSH's defaults that exist.
fn key_files(target: &SshTarget, home: &Path) -> Vec<KeyFile> {
    let paths: Vec<PathBuf> = if target.explicit_identities {
        target.identity_files.clone()
    } else {
        DEFAULT_KEYS
            .iter()
            .map(|name| home.join(".ssh").join(name))
            .filter(|p| p.exists())
            .collect()
    };
    let mut seen = Vec::new();
    paths
        .into_iter()
        .filter(|p| {
            let fresh = !seen.contains(p);
            seen.push(p.clone());
            fresh
        })
        .map(|path| KeyFile {
            public: public_of(&path),
            path,
        })
        .collect()
}

/// The public half of a key file, as ssh finds it: the OpenSSH private key
/// itself (public even when encrypted), the file as a public key (`-i key.pub`
/// names the agent's copy), else `FILE.pub`.
fn public_of(path: &Path) -> Option<PublicKey> {
    if let Ok(text) = read_key(path) {
        if let Ok(key) = PrivateKey::from_openssh(&text) {
            return Some(key.public_key().clone());
        }
        if let Ok(key) = PublicKey::from_openssh(text.trim()) {
            return Some(key);
        }
    }
    let mut pub_path = path.as_os_str().to_owned();
    pub_path.push(".pub");
    let text = std::fs::read_to_string(PathBuf::from(pub_path)).ok()?;
    PublicKey::from_openssh(text.trim()).ok()
}

fn read_key(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "not found".to_string(),
        _ => e.to_string(),
    })?;
    let mut text = String::new();
    file.take(KEY_CAP)
        .read_to_string(&mut text)
        .map_err(|_| "not a key file".to_string())?;
    Ok(text)
}

enum Offer {
    Skipped(String),
    Refused(ssh2::Error),
}

fn offer_file(session: &Session, user: &str, file: &KeyFile) -> Result<(), Offer> {
    let text = read_key(&file.path).map_err(Offer::Skipped)?;
    let passphrase = if encrypted(&text) {
        Some(passphrase(&file.path).map_err(Offer::Skipped)?)
    } else {
        None
    };
    session
        .userauth_pubkey_file(user, None, &file.path, passphrase.as_ref().map(|p| p.as_str()))
        .map_err(Offer::Refused)
}

fn encrypted(text: &str) -> bool {
    match PrivateKey::from_openssh(text) {
        Ok(key) => key.is_encrypted(),
        Err(_) => text.contains("ENCRYPTED"),
    }
}

/// Ask for a key's passphrase: through SSH_ASKPASS when ssh would (forced, or no
/// terminal and a display), else on the terminal without echo.
fn passphrase(path: &Path) -> Result<Zeroizing<String>, String> {
    let _one = PROMPT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let prompt = format!("Enter passphrase for key '{}': ", path.display());
    if let Some(program) = askpass() {
        let out = std::process::Command::new(&program)
            .arg(&prompt)
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| format!("encrypted; SSH_ASKPASS {} could not run: {e}", program.display()))?;
        if !out.status.success() {
            return Err("encrypted; no passphrase given".into());
        }
        let stdout = Zeroizing::new(out.stdout);
        let text = Zeroizing::new(String::from_utf8_lossy(&stdout).into_owned());
        return Ok(Zeroizing::new(text.trim_end_matches(['\n', '\r']).to_string()));
    }
    if !TERMINAL_PROMPTS.load(std::sync::atomic::Ordering::SeqCst) {
        return Err("encrypted, and the walkthrough holds the terminal (add it to ssh-agent)".into());
    }
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(|_| "encrypted, and no terminal to ask its passphrase on (add it to ssh-agent)".to_string())
}

/// SSH_ASKPASS, when ssh would use it: SSH_ASKPASS_REQUIRE=force, or `prefer`,
/// or no terminal while DISPLAY or WAYLAND_DISPLAY is set; never when `never`.
fn askpass() -> Option<PathBuf> {
    let program = std::env::var_os("SSH_ASKPASS").filter(|p| !p.is_empty())?;
    let require = std::env::var("SSH_ASKPASS_REQUIRE").unwrap_or_default();
    let display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()));
    let no_terminal = std::fs::OpenOptions::new().read(true).open("/dev/tty").is_err();
    match require.as_str() {
        "never" => None,
        "force" | "prefer" => Some(PathBuf::from(program)),
        _ if no_terminal && display => Some(PathBuf::from(program)),
        _ => None,
    }
}
