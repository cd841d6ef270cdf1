//! What an SSH target names: `[ssh://][user@]host[:port]` (an IPv6 address in
//! brackets, or bare when no port is given) or a Host alias of the user's
//! ssh_config, resolved as ssh resolves it — the command line's user and port
//! first, then the config's, then the login name and port 22; `-i` keys before
//! the config's IdentityFile keys; ProxyJump hops (`a,b`: through a, then b).

use super::super::ssh_config;
use std::path::{Path, PathBuf};

/// One SSH server to audit, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshTarget {
    /// The target as the user named it (results carry it).
    pub name: String,
    /// The address connected to (HostName, else the host as typed).
    pub host: String,
    pub port: u16,
    pub user: String,
    /// Keys to offer from files, in order: `-i`, then IdentityFile (`~` expanded).
    pub identity_files: Vec<PathBuf>,
    /// IdentityFile or `-i` was given: OpenSSH's default keys are not tried.
    pub explicit_identities: bool,
    /// Offer only the keys named, even those held by the agent.
    pub identities_only: bool,
    /// The hop to go through, itself resolved (its own hops inside).
    pub jump: Option<Box<SshTarget>>,
}

/// A target as typed, before ssh_config: the parts the command line fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typed {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
}

/// Where ssh's files are for this user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFiles {
    pub home: PathBuf,
    /// `~/.ssh/config`.
    pub config: PathBuf,
    /// The login name, the user when neither the target nor the config names one.
    pub login: Option<String>,
}

impl UserFiles {
    /// The current user's, from `$HOME` and `$USER`/`$LOGNAME`.
    pub fn current() -> Result<UserFiles, String> {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .ok_or("HOME is not set: cannot find ~/.ssh")?;
        let login = ["USER", "LOGNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()));
        Ok(UserFiles {
            config: home.join(".ssh").join("config"),
            home,
            login,
        })
    }
}

/// Parse `[ssh://][user@]host[:port]`.
pub fn parse(text: &str) -> Result<Typed, String> {
    let bad = |why: &str| {
        Err(format!(
            "`{}` is not an SSH target: {why}",
            crate::sanitize::terminal(text)
        ))
    };
    let rest = text
        .strip_prefix("ssh://")
        .map_or(text, |r| r.strip_suffix('/').unwrap_or(r));
    let (user, address) = match rest.rfind('@') {
        Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
        None => (None, rest),
    };
    let (host, port) = if let Some(inner) = address.strip_prefix('[') {
        let Some((host, after)) = inner.split_once(']') else {
            return bad("`[` without `]`");
        };
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return bad("only `:port` may follow `]`"),
            },
        }
    } else if address.matches(':').count() == 1 {
        address.split_once(':').map_or((address, None), |(h, p)| (h, Some(p)))
    } else {
        (address, None)
    };
    if host.is_empty() {
        return bad("no host");
    }
    if host.starts_with('-') || !host.chars().all(|c| c.is_ascii_alphanumeric() || "._-:%".contains(c)) {
        return bad("a host is letters, digits, `.`, `-`, `_` (or an IPv6 address)");
    }
    if let Some(user) = user {
        if user.is_empty() || user.starts_with('-') || user.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad("a user name is not empty, has no spaces and does not start with `-`");
        }
    }
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => Some(n),
            _ => return bad("the port is a number from 1 to 65535"),
        },
    };
    Ok(Typed {
        user: user.map(str::to_string),
        host: host.to_string(),
        port,
    })
}

/// Resolve a typed target with the user's ssh_config; `identities` are `-i` keys.
pub fn resolve(text: &str, identities: &[PathBuf], files: &UserFiles) -> Result<SshTarget, String> {
    resolve_hop(text, identities, files, None, 0)
}

/// OpenSSH's own bound on ProxyJump chains is the config's; vouch stops at this many hops.
const MAX_HOPS: usize = 8;

fn resolve_hop(
    text: &str,
    identities: &[PathBuf],
    files: &UserFiles,
    jump_override: Option<&str>,
    depth: usize,
) -> Result<SshTarget, String> {
    if depth > MAX_HOPS {
        return Err(format!("ProxyJump goes through more than {MAX_HOPS} hops"));
    }
    let typed = parse(text)?;
    let config = ssh_config::resolve(&typed.host, &files.config, &files.home)?;
    let user = typed
        .user
        .clone()
        .or_else(|| config.user.clone())
        .or_else(|| files.login.clone())
        .ok_or_else(|| {
            format!(
                "no user for `{}`: neither USER nor LOGNAME is set; name it as user@host",
                crate::sanitize::terminal(text)
            )
        })?;
    let port = typed.port.or(config.port).unwrap_or(22);
    let expand = |f: &str| expand_path(f, &files.home, &user, &config.hostname);
    let mut identity_files: Vec<PathBuf> = identities.to_vec();
    identity_files.extend(config.identity_files.iter().map(|f| expand(f)));
    let explicit_identities = !identity_files.is_empty();
    // A chain `a,b` reaches the target through b, and b through a.
    let hops = jump_override.map(str::to_string).or(config.proxy_jump.clone());
    let jump = match hops.as_deref() {
        None | Some("none") | Some("") => None,
        Some(chain) => {
            let (before, last) = match chain.rsplit_once(',') {
                Some((before, last)) => (Some(before), last),
                None => (None, chain),
            };
            // A hop's own config applies, but a chain's earlier hops replace its ProxyJump.
            let hop = resolve_hop(last.trim(), &[], files, before, depth + 1)
                .map_err(|e| format!("ProxyJump {}: {e}", crate::sanitize::terminal(last)))?;
            Some(Box::new(hop))
        }
    };
    Ok(SshTarget {
        name: text.to_string(),
        host: config.hostname,
        port,
        user,
        identity_files,
        explicit_identities,
        identities_only: config.identities_only.unwrap_or(false),
        jump,
    })
}

/// `~`, `%d` (home), `%u`/`%r` (user), `%h` (host), `%%` in an IdentityFile.
fn expand_path(path: &str, home: &Path, user: &str, host: &str) -> PathBuf {
    let path = match path.strip_prefix("~/") {
        Some(rest) => format!("{}/{rest}", home.display()),
        None => path.to_string(),
    };
    let home = home.display().to_string();
    let out = ssh_config::expand_tokens(&path, &[('d', &home), ('u', user), ('r', user), ('h', host)]);
    PathBuf::from(out)
}

impl SshTarget {
    /// `user@host:port` as the results show how it was reached.
    pub fn address(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{}@{host}:{}", self.user, self.port)
    }

    /// The hops before this target, nearest the user first.
    pub fn route(&self) -> Vec<String> {
        let mut hops = Vec::new();
        let mut hop = self.jump.as_deref();
        while let Some(h) = hop {
            hops.push(h.address());
            hop = h.jump.as_deref();
        }
        hops.reverse();
        hops
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(user: Option<&str>, host: &str, port: Option<u16>) -> Typed {
        Typed {
            user: user.map(str::to_string),
            host: host.to_string(),
            port,
        }
    }

    #[test]
    fn the_forms_of_cli_md_parse() {
        assert_eq!(parse("droplet").unwrap(), typed(None, "droplet", None));
        assert_eq!(parse("deploy@droplet").unwrap(), typed(Some("deploy"), "droplet", None));
        assert_eq!(
            parse("deploy@10.0.0.5:2222").unwrap(),
            typed(Some("deploy"), "10.0.0.5", Some(2222))
        );
        assert_eq!(
            parse("ssh://deploy@web.example.com:22/").unwrap(),
            typed(Some("deploy"), "web.example.com", Some(22))
        );
        assert_eq!(parse("[::1]:2222").unwrap(), typed(None, "::1", Some(2222)));
        assert_eq!(parse("root@fe80::1").unwrap(), typed(Some("root"), "fe80::1", None));
    }

    #[test]
    fn malformed_targets_say_why() {
        for bad in [
            "",
            "@host",
            "host:0",
            "host:99999",
            "host:ssh",
            "-oProxyCommand=x",
            "a b",
            "[::1",
            "[::1]x",
            "user name@h",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("is not an SSH target"), "{bad}: {err}");
        }
    }

    #[test]
    fn identity_paths_expand_as_ssh_does() {
        let home = Path::new("/home/ann");
        assert_eq!(
            expand_path("~/.ssh/id_%h", home, "ann", "web"),
            PathBuf::from("/home/ann/.ssh/id_web")
        );
        assert_eq!(
            expand_path("%d/k_%u_%%", home, "ann", "web"),
            PathBuf::from("/home/ann/k_ann_%")
        );
    }
}
