//! Deciding whether to trust the key a server showed, as OpenSSH's
//! `StrictHostKeyChecking` does with the user's known_hosts (read with a size
//! cap): known goes on; revoked, changed, or shown in place of a type already
//! known is refused whatever the flags (a changed key with the man-in-the-middle
//! warning); unknown is refused with its fingerprint and how to check and accept
//! it, or, with `--accept-new`, appended to known_hosts as a hashed line.

use crate::transport::known_hosts::{self, KnownHosts, Verdict};
use ssh_key::{HashAlg, PublicKey};
use std::io::Write;
use std::path::Path;

/// The system-wide known_hosts files ssh reads beside the user's (GlobalKnownHostsFile).
const GLOBAL_KNOWN_HOSTS: [&str; 2] = ["/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"];

/// The largest known_hosts file read.
const KNOWN_HOSTS_CAP: u64 = 16 << 20;

/// The server's key, once trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostKey {
    /// `SHA256:…`, as ssh prints it.
    pub fingerprint: String,
    /// `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`.
    pub algorithm: String,
    /// Why it is trusted: `known_hosts:LINE`, or accepted on first use.
    pub trusted_by: String,
}

/// The key types known_hosts holds for this host, to ask the server for first
/// (as ssh orders its host key algorithms).
pub fn known_types(file: &Path, host: &str, port: u16) -> Vec<String> {
    let Ok(text) = read_capped(file) else {
        return Vec::new();
    };
    let known = KnownHosts::parse(&text);
    known.key_types_for(host, port)
}

fn read_capped(file: &Path) -> Result<String, String> {
    use std::io::Read;
    let opened = match std::fs::File::open(file) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(String::new()),
        Err(e) => return Err(format!("{}: {e}", file.display())),
    };
    let mut bytes = Vec::new();
    opened
        .take(KNOWN_HOSTS_CAP + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    if bytes.len() as u64 > KNOWN_HOSTS_CAP {
        return Err(format!("{}: larger than {} MiB", file.display(), KNOWN_HOSTS_CAP >> 20));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Decide on `blob` (the key in SSH wire form) shown by `host` on `port`.
pub fn trust(file: &Path, host: &str, port: u16, blob: &[u8], accept_new: bool) -> Result<HostKey, String> {
    let key = PublicKey::from_bytes(blob).map_err(|e| format!("the server's host key cannot be read: {e}"))?;
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    let algorithm = key.algorithm().to_string();
    let kind = kind_name(&algorithm);
    let shown = format!("{kind} key {fingerprint}");
    let name = known_hosts::lookup_name(host, port);
    let text = read_capped(file)?;
    let known = KnownHosts::parse(&text);
    let trusted = |trusted_by: String| HostKey {
        fingerprint: fingerprint.clone(),
        algorithm: algorithm.clone(),
        trusted_by,
    };
    // The system-wide files count as they do for ssh: a @revoked line there is
    // final, a key they hold is known, another key of the type they hold is a change.
    let (mut known_globally, mut changed_globally) = (None, None);
    for global in GLOBAL_KNOWN_HOSTS.iter().map(Path::new).filter(|g| g.exists()) {
        let text = read_capped(global)?;
        match KnownHosts::parse(&text).check(host, port, &key) {
            Verdict::Revoked { line } => {
                return Err(format!(
                    "host key refused: the {shown} shown by {name} is marked @revoked at {}:{line}",
                    global.display()
                ))
            }
            Verdict::Known { line } => {
                known_globally.get_or_insert(format!("{}:{line}", global.display()));
            }
            Verdict::Changed { lines } => {
                changed_globally.get_or_insert(format!("{}:{}", global.display(), lines.first().copied().unwrap_or(0)));
            }
            Verdict::Unknown { .. } => {}
        }
    }
    let verdict = known.check(host, port, &key);
    // As ssh: the key found in any file is known (unless the user's file revokes it).
    if let (Some(place), Verdict::Changed { .. } | Verdict::Unknown { .. }) = (&known_globally, &verdict) {
        return Ok(trusted(place.clone()));
    }
    if let (Some(place), Verdict::Unknown { .. }) = (&changed_globally, &verdict) {
        return Err(format!(
            "REMOTE HOST IDENTIFICATION HAS CHANGED: {name} showed the {shown}, not the key at {place} — \
             someone could be in the middle (or the key was replaced); refused, and no flag overrides it"
        ));
    }
    match verdict {
        Verdict::Known { line } => Ok(trusted(format!("{}:{line}", file.display()))),
        Verdict::Revoked { line } => Err(format!(
            "host key refused: the {shown} shown by {name} is marked @revoked at {}:{line}",
            file.display()
        )),
        Verdict::Changed { lines } => Err(format!(
            "REMOTE HOST IDENTIFICATION HAS CHANGED: {name} showed the {shown}, not the key at {}:{} — \
             someone could be in the middle (or the key was replaced); refused, and no flag overrides it. \
             Once the server's admin confirms the new key, remove the old one with `ssh-keygen -R '{name}' -f {}`",
            file.display(),
            lines.first().copied().unwrap_or(0),
            file.display()
        )),
        Verdict::Unknown { other_types, .. } if !other_types.is_empty() => Err(format!(
            "host key refused: {name} showed the {shown} while {} holds only its {} key — a server that \
             stops offering the key type it is known by is refused, even with --accept-new",
            file.display(),
            other_types.iter().map(|t| kind_name(t)).collect::<Vec<_>>().join(", ")
        )),
        Verdict::Unknown { cert_authority, .. } if !accept_new => {
            let certificates = if cert_authority {
                " (a @cert-authority line covers it, but vouch does not check host certificates)"
            } else {
                ""
            };
            Err(format!(
                "host key unknown: {name} showed the {shown}, which {} does not hold{certificates}; \
                 compare it with the server's (`ssh-keygen -lf /etc/ssh/ssh_host_{}_key.pub` there), \
                 then run again with --accept-new to trust and record it",
                file.display(),
                file_stem(&algorithm)
            ))
        }
        Verdict::Unknown { .. } => {
            append(file, host, port, &key)?;
            // As ssh says it: the user learns at once what was trusted.
            eprintln!("vouch: permanently added the {shown} of {name} to {}", file.display());
            Ok(trusted(format!("accepted on first use, added to {}", file.display())))
        }
    }
}

/// What ssh calls a key type in its messages.
fn kind_name(algorithm: &str) -> &'static str {
    match algorithm {
        "ssh-ed25519" => "ED25519",
        a if a.starts_with("ecdsa-") => "ECDSA",
        a if a.starts_with("ssh-rsa") || a.starts_with("rsa-") => "RSA",
        _ => "host",
    }
}

fn file_stem(algorithm: &str) -> &'static str {
    match kind_name(algorithm) {
        "ED25519" => "ed25519",
        "ECDSA" => "ecdsa",
        _ => "rsa",
    }
}

/// Append the key's hashed line, making the file (0600) and its folder (0700) if needed.
fn append(file: &Path, host: &str, port: u16, key: &PublicKey) -> Result<(), String> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let mut salt = [0u8; 20];
    rustix::rand::getrandom(&mut salt, rustix::rand::GetRandomFlags::empty())
        .map_err(|e| format!("no randomness for the known_hosts salt: {e}"))?;
    let line = known_hosts::line_for(host, port, key, &salt)?;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut out = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(file)
        .map_err(|e| format!("cannot record the host key in {}: {e}", file.display()))?;
    // A file that does not end with a newline gets one first, so the line stands alone.
    let ends_cleanly = std::fs::read(file).map_or(true, |b| b.is_empty() || b.ends_with(b"\n"));
    let text = if ends_cleanly {
        format!("{line}\n")
    } else {
        format!("\n{line}\n")
    };
    out.write_all(text.as_bytes())
        .and_then(|()| out.sync_all())
        .map_err(|e| format!("cannot record the host key in {}: {e}", file.display()))
}
