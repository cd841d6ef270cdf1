//! `sshd -T` output: the daemon's own dump of its effective global configuration,
//! one lower-case `keyword value` per line (list keywords repeat the keyword).
//! When the command exited 0 it is authoritative for global values.

use crate::evidence::Source;
use std::collections::BTreeMap;

/// The argv vouch runs (or looks up) for the dump.
pub const SSHD_T: [&str; 2] = ["sshd", "-T"];

/// Where findings point when `sshd -T` decided a value.
pub const SSHD_T_LOCATION: &str = "sshd -T";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SshdT {
    values: BTreeMap<String, Vec<String>>,
}

impl SshdT {
    /// The dump, when `sshd -T` ran and exited 0 with some output.
    pub fn from_source(source: &dyn Source) -> Option<SshdT> {
        let stdout = source.command(&SSHD_T).success_stdout().map(str::to_string)?;
        let parsed = SshdT::parse(&stdout);
        (!parsed.values.is_empty()).then_some(parsed)
    }

    pub fn parse(text: &str) -> SshdT {
        let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for line in text.lines() {
            let line = line.trim();
            let (keyword, value) = line.split_once([' ', '\t']).unwrap_or((line, ""));
            if keyword.is_empty() {
                continue;
            }
            values
                .entry(keyword.to_ascii_lowercase())
                .or_default()
                .push(value.trim().to_string());
        }
        SshdT { values }
    }

    /// The value of a single-value keyword (canonical, lower-case).
    pub fn first(&self, keyword: &str) -> Option<&str> {
        self.values.get(keyword).and_then(|v| v.first()).map(String::as_str)
    }

    /// Every line of a list keyword (`port`, `allowusers`, `listenaddress`...).
    pub fn all(&self, keyword: &str) -> &[String] {
        self.values.get(keyword).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_and_repeated_keywords() {
        let t = SshdT::parse("port 22\nport 2222\npasswordauthentication no\nauthorizedkeysfile .ssh/a .ssh/b\n\n");
        assert_eq!(t.all("port"), ["22", "2222"]);
        assert_eq!(t.first("passwordauthentication"), Some("no"));
        assert_eq!(t.first("authorizedkeysfile"), Some(".ssh/a .ssh/b"));
        assert_eq!(t.first("usepam"), None);
    }
}
