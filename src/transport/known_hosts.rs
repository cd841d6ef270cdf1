//! Host-key trust as OpenSSH's `StrictHostKeyChecking` decides it, from the
//! user's known_hosts: which lines name a host (plain patterns with `*`, `?`
//! and `!` negation, `[host]:port` for ports other than 22, hashed `|1|salt|hash`
//! names as HMAC-SHA1 of the name under the salt, case-insensitive as ssh
//! compares), and what the key a server shows is for that host — known,
//! revoked (`@revoked`), changed (another key of its type is known: a possible
//! man in the middle, never accepted), or unknown (with the key types that are
//! known and whether a `@cert-authority` line covers the host; vouch does not
//! check host certificates). A line that does not parse is skipped and
//! reported, as ssh skips it. Pure: the file's text in, a verdict out.

use hmac::{Hmac, Mac};
use ssh_key::known_hosts::{Entry, HostPatterns, Marker};
use ssh_key::PublicKey;

/// A known_hosts file, parsed.
#[derive(Debug, Default)]
pub struct KnownHosts {
    /// Each usable line with its 1-based number.
    lines: Vec<(usize, Entry)>,
    /// `N: why` for each line skipped.
    pub skipped: Vec<String>,
}

/// What a host's key is, by the user's known_hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A line for this host holds this key.
    Known { line: usize },
    /// A `@revoked` line for this host holds this key: refused.
    Revoked { line: usize },
    /// Lines for this host hold other keys of the same type: refused, never
    /// overridable (the host key changed, or someone is in the middle).
    Changed { lines: Vec<usize> },
    /// No line for this host holds a key of this type.
    Unknown {
        /// Key types recorded for the host (another type than the one shown).
        other_types: Vec<String>,
        /// A `@cert-authority` line covers the host (host certificates are not checked).
        cert_authority: bool,
    },
}

/// The name ssh looks a host up by: `host`, or `[host]:port` off port 22.
pub fn lookup_name(host: &str, port: u16) -> String {
    let host = host.to_ascii_lowercase();
    if port == 22 {
        host
    } else {
        format!("[{host}]:{port}")
    }
}

/// Whether a hashed name is `name`: HMAC-SHA1 of the name, keyed by the salt.
fn hashed_match(salt: &[u8], hash: &[u8; 20], name: &str) -> bool {
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(salt) else {
        return false;
    };
    mac.update(name.as_bytes());
    mac.verify_slice(hash).is_ok()
}

impl KnownHosts {
    /// Parse a known_hosts file's text.
    pub fn parse(text: &str) -> KnownHosts {
        let mut known = KnownHosts::default();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.parse::<Entry>() {
                Ok(entry) => known.lines.push((index + 1, entry)),
                Err(e) => known
                    .skipped
                    .push(format!("{}: not a known_hosts line ({e})", index + 1)),
            }
        }
        known
    }

    /// The numbers of the lines that name `host` on `port` (what
    /// `ssh-keygen -F` finds).
    pub fn lines_for(&self, host: &str, port: u16) -> Vec<usize> {
        let name = lookup_name(host, port);
        self.lines
            .iter()
            .filter(|(_, entry)| names(entry, &name))
            .map(|(number, _)| *number)
            .collect()
    }

    /// The key types held for `host` on `port` (not revoked, not CAs), in file order.
    pub fn key_types_for(&self, host: &str, port: u16) -> Vec<String> {
        let name = lookup_name(host, port);
        let mut types: Vec<String> = Vec::new();
        for (_, entry) in self
            .lines
            .iter()
            .filter(|(_, e)| e.marker().is_none() && names(e, &name))
        {
            let algorithm = entry.public_key().algorithm().to_string();
            if !types.contains(&algorithm) {
                types.push(algorithm);
            }
        }
        types
    }

    /// What `key`, shown by `host` on `port`, is.
    pub fn check(&self, host: &str, port: u16, key: &PublicKey) -> Verdict {
        let name = lookup_name(host, port);
        let for_host: Vec<&(usize, Entry)> = self.lines.iter().filter(|(_, e)| names(e, &name)).collect();
        let same_key = |e: &Entry| e.public_key().key_data() == key.key_data();
        if let Some((line, _)) = for_host
            .iter()
            .find(|(_, e)| e.marker() == Some(&Marker::Revoked) && same_key(e))
        {
            return Verdict::Revoked { line: *line };
        }
        let plain: Vec<&&(usize, Entry)> = for_host.iter().filter(|(_, e)| e.marker().is_none()).collect();
        if let Some((line, _)) = plain.iter().find(|(_, e)| same_key(e)) {
            return Verdict::Known { line: *line };
        }
        let changed: Vec<usize> = plain
            .iter()
            .filter(|(_, e)| e.public_key().algorithm() == key.algorithm())
            .map(|(line, _)| *line)
            .collect();
        if !changed.is_empty() {
            return Verdict::Changed { lines: changed };
        }
        let mut other_types: Vec<String> = plain
            .iter()
            .map(|(_, e)| e.public_key().algorithm().to_string())
            .collect();
        other_types.sort();
        other_types.dedup();
        Verdict::Unknown {
            other_types,
            cert_authority: for_host.iter().any(|(_, e)| e.marker() == Some(&Marker::CertAuthority)),
        }
    }
}

fn names(entry: &Entry, name: &str) -> bool {
    match entry.host_patterns() {
        HostPatterns::Patterns(patterns) => {
            let lowered: Vec<String> = patterns.iter().map(|p| p.to_ascii_lowercase()).collect();
            super::pattern::list(&lowered, name)
        }
        HostPatterns::HashedName { salt, hash } => hashed_match(salt, hash, name),
    }
}

/// The line `--accept-new` appends for `host` on `port`: the name hashed, as
/// ssh does with `HashKnownHosts yes` (Debian's default), under `salt`.
pub fn line_for(host: &str, port: u16, key: &PublicKey, salt: &[u8; 20]) -> Result<String, String> {
    let name = lookup_name(host, port);
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(salt).map_err(|e| e.to_string())?;
    mac.update(name.as_bytes());
    let hash: [u8; 20] = mac.finalize().into_bytes().into();
    let patterns = HostPatterns::HashedName {
        salt: salt.to_vec(),
        hash,
    };
    let mut key = key.clone();
    key.set_comment("");
    let key = key.to_openssh().map_err(|e| e.to_string())?;
    Ok(format!("{} {}", patterns.to_string(), key.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_port_22_the_name_is_bracketed() {
        assert_eq!(lookup_name("Web.Example.com", 22), "web.example.com");
        assert_eq!(lookup_name("127.0.0.1", 2222), "[127.0.0.1]:2222");
    }
}
