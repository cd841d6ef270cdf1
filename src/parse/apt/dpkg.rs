//! The dpkg status database (/var/lib/dpkg/status): deb822 stanzas separated by
//! blank lines, `Field: value` lines with indented continuations. Read in one
//! linear pass, keeping only the fields the audit uses.

use crate::parse::text::line_number;

/// One package stanza, borrowing from the status text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stanza<'a> {
    /// 1-based line of the stanza's first field.
    pub line: u32,
    pub package: Option<&'a str>,
    pub status: Option<&'a str>,
    pub version: Option<&'a str>,
    pub architecture: Option<&'a str>,
}

/// Every stanza of a status file, in order.
pub fn stanzas(text: &str) -> Vec<Stanza<'_>> {
    let mut out = Vec::new();
    let mut current: Option<Stanza<'_>> = None;
    for (index, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let stanza = current.get_or_insert_with(|| Stanza {
            line: line_number(index),
            ..Stanza::default()
        });
        if let Some((name, value)) = line.split_once(':') {
            record(stanza, name.trim(), value.trim());
        }
    }
    out.extend(current);
    out
}

/// The stanzas of one package (several for a multi-arch package).
pub fn package<'a>(text: &'a str, name: &str) -> Vec<Stanza<'a>> {
    stanzas(text).into_iter().filter(|s| s.package == Some(name)).collect()
}

fn record<'a>(stanza: &mut Stanza<'a>, name: &str, value: &'a str) {
    let slot = if name.eq_ignore_ascii_case("Package") {
        &mut stanza.package
    } else if name.eq_ignore_ascii_case("Status") {
        &mut stanza.status
    } else if name.eq_ignore_ascii_case("Version") {
        &mut stanza.version
    } else if name.eq_ignore_ascii_case("Architecture") {
        &mut stanza.architecture
    } else {
        return;
    };
    *slot = Some(value);
}

/// The three words of a Status field: want, error flag, state.
pub fn status_words(status: &str) -> Option<(&str, &str, &str)> {
    let mut words = status.split_whitespace();
    match (words.next(), words.next(), words.next(), words.next()) {
        (Some(want), Some(flag), Some(state), None) => Some((want, flag, state)),
        _ => None,
    }
}

/// What a Status means, in words an auditor can act on.
pub fn explain_status(status: &str) -> String {
    let Some((want, flag, state)) = status_words(status) else {
        return "not a valid dpkg status".to_string();
    };
    let state_text = match state {
        "installed" => "installed",
        "config-files" => "removed; only its configuration files remain",
        "not-installed" => "not installed",
        "half-installed" => "its installation started but did not finish",
        "unpacked" => "unpacked but not configured",
        "half-configured" => "its configuration started but did not finish",
        "triggers-awaited" | "triggers-pending" => "installed, with triggers still to run",
        _ => "in an unknown state",
    };
    let want_text = match want {
        "hold" => ", held at its version",
        "deinstall" | "purge" if state == "installed" => ", marked for removal",
        _ => "",
    };
    let flag_text = if flag == "ok" {
        ""
    } else {
        ", and dpkg flags it as needing reinstallation"
    };
    format!("{state_text}{want_text}{flag_text}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const STATUS: &str = "Package: adduser\nStatus: install ok installed\nPriority: important\n\
        Version: 3.137ubuntu1\nDescription: add and remove users\n and groups\n .\n more\n\n\
        Package: unattended-upgrades\nStatus: deinstall ok config-files\nArchitecture: all\n\
        Version: 2.9.1+nmu4ubuntu1\nConffiles:\n /etc/apt/apt.conf.d/50unattended-upgrades 1b3c\n";

    #[test]
    fn stanzas_with_their_lines_and_fields() {
        let all = stanzas(STATUS);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].package, Some("adduser"));
        assert_eq!(all[1].line, 10);
        assert_eq!(all[1].status, Some("deinstall ok config-files"));
        assert_eq!(
            package(STATUS, "unattended-upgrades")[0].version,
            Some("2.9.1+nmu4ubuntu1")
        );
        assert!(package(STATUS, "unattended").is_empty());
    }

    #[test]
    fn continuation_lines_never_start_fields() {
        let text = "Package: a\nDescription: x\n Package: fake\n Status: install ok installed\n";
        assert_eq!(stanzas(text)[0].status, None);
    }

    #[test]
    fn statuses_explained() {
        assert_eq!(explain_status("install ok installed"), "installed");
        assert_eq!(
            explain_status("deinstall ok config-files"),
            "removed; only its configuration files remain"
        );
        assert_eq!(explain_status("hold ok installed"), "installed, held at its version");
        assert_eq!(explain_status("garbage"), "not a valid dpkg status");
    }

    proptest! {
        #[test]
        fn the_status_parser_never_panics(text in "(?s).{0,600}") {
            let _ = stanzas(&text);
        }

        #[test]
        fn the_status_parser_never_panics_on_stanza_like_text(
            lines in proptest::collection::vec("(Package|Status|Version| |\t)?:? ?[a-z -]{0,12}\r?", 0..40)
        ) {
            let text = lines.join("\n");
            for stanza in stanzas(&text) {
                if let Some(status) = stanza.status {
                    let _ = explain_status(status);
                }
            }
        }
    }
}
