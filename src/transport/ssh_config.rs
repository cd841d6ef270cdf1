//! The user's `~/.ssh/config`, resolved for one host as `ssh -G` resolves it:
//! `Host` blocks whose patterns name the host exactly as typed (letter case
//! included, `*` and `?`, a matching `!pattern` vetoing the block; the name
//! connected to is then lowercased), the first value of a
//! keyword winning, `IdentityFile` accumulating, `Include` (absolute, or
//! relative to ~/.ssh; a glob in its last component; nested at most 16 deep)
//! taking effect where it stands, `keyword value` or `keyword=value`, double
//! quotes, `#` comments, and `%h`/`%%` in HostName. `Match` blocks are refused
//! with their file and line, never silently misread. What vouch needs of it:
//! HostName, User, Port, IdentityFile, IdentitiesOnly, ProxyJump.

use std::path::{Path, PathBuf};

/// OpenSSH's own limit on nested Includes.
const MAX_DEPTH: usize = 16;
/// The largest config file read.
const FILE_CAP: u64 = 1 << 20;
/// The most files one resolution reads (Includes fanning out through globs).
const FILES_CAP: usize = 1024;

/// What the config says of one host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostConfig {
    /// The address to connect to (HostName, else the host as typed).
    pub hostname: String,
    pub user: Option<String>,
    pub port: Option<u16>,
    /// IdentityFile values in order, as written (`~` not expanded).
    pub identity_files: Vec<String>,
    pub identities_only: Option<bool>,
    pub proxy_jump: Option<String>,
}

/// Split a config line into its keyword and arguments (`=` allowed after the
/// keyword, double quotes grouping).
fn words(line: &str) -> Vec<String> {
    let line = line.trim();
    let (keyword, rest) = match line.find(|c: char| c.is_whitespace() || c == '=') {
        Some(at) => (
            &line[..at],
            line[at..]
                .trim_start_matches(|c: char| c.is_whitespace())
                .trim_start_matches('='),
        ),
        None => (line, ""),
    };
    let mut out = vec![keyword.to_string()];
    let mut current = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in rest.trim().chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut current));
                    any = false;
                }
            }
            c => {
                current.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(current);
    }
    out
}

struct Resolver<'a> {
    host: String,
    home: &'a Path,
    found: HostConfig,
    hostname: Option<String>,
    /// Files read so far.
    files: usize,
}

impl Resolver<'_> {
    fn file(&mut self, path: &Path, depth: usize, active_at_start: bool) -> Result<(), String> {
        let shown = path.display().to_string();
        self.files += 1;
        if self.files > FILES_CAP {
            return Err(format!("{shown}: more than {FILES_CAP} config files through Include"));
        }
        let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
        if meta.len() > FILE_CAP {
            return Err(format!("{shown}: over {FILE_CAP} bytes"));
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
        let mut active = active_at_start;
        for (index, line) in text.lines().enumerate() {
            let at = || format!("{shown}:{}", index + 1);
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let words = words(trimmed);
            let keyword = words[0].to_ascii_lowercase();
            let args = &words[1..];
            match keyword.as_str() {
                "host" => active = super::pattern::list(args, &self.host),
                "match" => {
                    return Err(format!(
                        "{}: `Match` blocks are not supported yet; write the host's settings in a `Host` block",
                        at()
                    ))
                }
                "include" if active => {
                    if depth >= MAX_DEPTH {
                        return Err(format!("{}: Include nested more than {MAX_DEPTH} deep", at()));
                    }
                    for pattern in args {
                        for included in self.expand(pattern) {
                            self.file(&included, depth + 1, true)?;
                        }
                    }
                }
                _ if !active => {}
                // The first value of each keyword wins; IdentityFile accumulates.
                "hostname" if self.hostname.is_none() => self.hostname = args.first().cloned(),
                "user" if self.found.user.is_none() => self.found.user = args.first().cloned(),
                "port" if self.found.port.is_none() => {
                    let port = args.first().and_then(|p| p.parse::<u16>().ok()).filter(|p| *p > 0);
                    self.found.port = Some(port.ok_or_else(|| format!("{}: Port needs a number", at()))?);
                }
                "identityfile" => self.found.identity_files.extend(args.first().cloned()),
                "identitiesonly" if self.found.identities_only.is_none() => {
                    self.found.identities_only = args.first().map(|v| v.eq_ignore_ascii_case("yes"));
                }
                "proxyjump" if self.found.proxy_jump.is_none() => {
                    self.found.proxy_jump = args.first().cloned().filter(|j| !j.eq_ignore_ascii_case("none"));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// An Include argument's files: `~` and relative paths from ~/.ssh, a glob
    /// in the last component, sorted as glob(3) returns them.
    fn expand(&self, pattern: &str) -> Vec<PathBuf> {
        let path = match pattern.strip_prefix("~/") {
            Some(rest) => self.home.join(rest),
            None if Path::new(pattern).is_absolute() => PathBuf::from(pattern),
            None => self.home.join(".ssh").join(pattern),
        };
        let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else {
            return Vec::new();
        };
        if !name.contains(['*', '?']) {
            return if path.is_file() { vec![path] } else { Vec::new() };
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| {
                        let n = e.file_name();
                        let n = n.to_string_lossy();
                        !n.starts_with('.') && super::pattern::wildcard(name.as_bytes(), n.as_bytes())
                    })
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        found
    }
}

/// HostName's tokens: `%h` the host as typed, `%%` a percent sign.
fn tokens(value: &str, host: &str) -> String {
    expand_tokens(value, &[('h', host)])
}

/// ssh's `%x` tokens in a value: each letter given its text, `%%` a percent
/// sign, any other `%x` left as written.
pub fn expand_tokens(value: &str, given: &[(char, &str)]) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some(letter) => match given.iter().find(|(l, _)| *l == letter) {
                Some((_, text)) => out.push_str(text),
                None => {
                    out.push('%');
                    out.push(letter);
                }
            },
            None => out.push('%'),
        }
    }
    out
}

/// Resolve `host` (as typed) with the config file at `path`; `home` is the
/// user's home folder (for `~` and relative Includes).
pub fn resolve(host: &str, path: &Path, home: &Path) -> Result<HostConfig, String> {
    let mut resolver = Resolver {
        host: host.to_string(),
        home,
        found: HostConfig::default(),
        hostname: None,
        files: 0,
    };
    if path.exists() {
        resolver.file(path, 0, true)?;
    }
    let mut found = resolver.found;
    // ssh connects to the name lowercased, whatever the case it was written in.
    found.hostname = match resolver.hostname {
        Some(name) => tokens(&name, host),
        None => host.to_string(),
    }
    .to_ascii_lowercase();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_fanning_out_end_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        for n in 0..8 {
            std::fs::write(
                dir.path().join(format!("c{n}")),
                format!("Include {}/c*\n", dir.path().display()),
            )
            .unwrap();
        }
        let refused = resolve("web", &dir.path().join("c0"), dir.path()).unwrap_err();
        assert!(refused.contains("Include"), "{refused}");
    }

    #[test]
    fn keywords_take_equals_and_quotes() {
        assert_eq!(words("User=deploy"), ["User", "deploy"]);
        assert_eq!(words("IdentityFile \"~/my keys/id\""), ["IdentityFile", "~/my keys/id"]);
        assert_eq!(words("Host a b  c"), ["Host", "a", "b", "c"]);
    }
}
