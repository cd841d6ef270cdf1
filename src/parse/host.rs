//! What a report's header says of a host, read as the system itself reads it:
//! the name in /etc/hostname (first word of the first line that is not a
//! comment, as systemd-hostnamed takes it), the OS from os-release(5) (/etc
//! first, else /usr/lib; `KEY=value` lines, values quoted shell-style), the
//! running kernel from /proc/sys/kernel/osrelease (absent for a `--root` copy).

use crate::evidence::Source;
use serde::{Deserialize, Serialize};

/// The files read for the facts, in the order they are preferred.
pub const PATHS: [&str; 4] = [
    "/etc/hostname",
    "/etc/os-release",
    "/usr/lib/os-release",
    "/proc/sys/kernel/osrelease",
];

/// The longest fact kept: a longer os-release value or kernel release is no
/// name a system gives itself, and a report header is no place for it.
const FACT_CAP: usize = 256;

/// A host's facts, each absent when it could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// os-release's PRETTY_NAME (else NAME and VERSION).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// os-release's ID and VERSION_ID (`ubuntu`, `24.04`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_version_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
}

impl HostFacts {
    pub fn is_empty(&self) -> bool {
        *self == HostFacts::default()
    }
}

/// The facts `source` holds.
pub fn facts(source: &dyn Source) -> HostFacts {
    let text = |path: &str| source.read(path).text().map(str::to_string);
    let hostname = text("/etc/hostname").and_then(|t| hostname(&t));
    let release = text("/etc/os-release")
        .or_else(|| text("/usr/lib/os-release"))
        .map(|t| os_release(&t))
        .unwrap_or_default();
    let get = |key: &str| {
        release
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty() && v.len() <= FACT_CAP)
    };
    let os = get("PRETTY_NAME").or_else(|| match (get("NAME"), get("VERSION")) {
        (Some(name), Some(version)) => Some(format!("{name} {version}")),
        (name, _) => name,
    });
    HostFacts {
        hostname,
        os,
        os_id: get("ID"),
        os_version_id: get("VERSION_ID"),
        kernel: text("/proc/sys/kernel/osrelease")
            .map(|t| t.trim().to_string())
            .filter(|k| !k.is_empty() && k.len() <= FACT_CAP),
    }
}

/// The static hostname: the first line that is neither blank nor a comment.
fn hostname(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .and_then(|line| line.split_whitespace().next())
        .filter(|name| name.len() <= 253)
        .map(str::to_string)
}

/// os-release's assignments, in order: `KEY=value`, the value unquoted
/// (double quotes with `\` escapes, or single quotes) as a shell would.
pub fn os_release(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue;
        }
        out.push((key.to_string(), unquote(value)));
    }
    out
}

fn unquote(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some('"') | None, '\\') => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            (None, '#') if out.is_empty() => break,
            (None, c) if c.is_whitespace() => break,
            (_, c) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_values_are_unquoted_as_a_shell_does() {
        let text = "# comment\nPRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\nNAME='Ubuntu'\nID=ubuntu\nVERSION_ID=\"24.04\"\nQUIRK=\"a \\\"b\\\" \\\\c\"\nbad line\n";
        let release = os_release(text);
        assert_eq!(release[0], ("PRETTY_NAME".into(), "Ubuntu 24.04.1 LTS".into()));
        assert_eq!(release[1], ("NAME".into(), "Ubuntu".into()));
        assert_eq!(release[2], ("ID".into(), "ubuntu".into()));
        assert_eq!(release[4], ("QUIRK".into(), "a \"b\" \\c".into()));
        assert_eq!(release.len(), 5);
    }

    #[test]
    fn an_absurd_value_is_no_fact() {
        let text = format!("PRETTY_NAME=\"{}\"\nNAME=Ubuntu\nID=ubuntu\n", "A".repeat(10_000));
        let source = crate::evidence::Snapshot::new()
            .with_file("/etc/os-release", &text)
            .with_file("/proc/sys/kernel/osrelease", &"6".repeat(1_000));
        let found = facts(&source);
        assert_eq!(found.os.as_deref(), Some("Ubuntu"), "the absurd PRETTY_NAME is skipped");
        assert_eq!(found.os_id.as_deref(), Some("ubuntu"));
        assert_eq!(found.kernel, None);
    }

    #[test]
    fn the_hostname_is_the_first_word_of_the_first_real_line() {
        assert_eq!(hostname("# set by cloud-init\n\nweb-1 \n").as_deref(), Some("web-1"));
        assert_eq!(hostname("\n# only a comment\n"), None);
    }
}
