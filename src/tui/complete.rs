//! `Tab` in a path: complete what is typed as a shell does — the one match in
//! full (a folder with its `/`), else as far as every match agrees, and the
//! matches to show. `~/` is the home folder. A folder is read up to
//! [`MOST_ENTRIES`] entries, so a huge one cannot stall the screen.

use std::path::PathBuf;

/// The most entries of one folder looked at.
pub const MOST_ENTRIES: usize = 10_000;

/// What `Tab` gives: the path now typed, and the matches (when several).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub text: String,
    pub candidates: Vec<String>,
}

/// The path `typed` means: `~/` expanded.
pub fn expand(typed: &str) -> PathBuf {
    match (typed.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ if typed == "~" => std::env::var_os("HOME").map_or_else(|| PathBuf::from(typed), PathBuf::from),
        _ => PathBuf::from(typed),
    }
}

pub fn complete(typed: &str) -> Completion {
    let (folder, prefix) = match typed.rfind('/') {
        Some(at) => typed.split_at(at + 1),
        None => ("", typed),
    };
    let read = if folder.is_empty() {
        PathBuf::from(".")
    } else {
        expand(folder)
    };
    let mut names: Vec<String> = match std::fs::read_dir(&read) {
        Ok(entries) => entries
            .take(MOST_ENTRIES)
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                // A name the screen cannot show as it is (control, bidi or
                // zero-width characters) is not offered: type it yourself.
                if crate::sanitize::terminal(&name) != name {
                    return None;
                }
                if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                    return None;
                }
                let folder = std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
                Some(if folder { format!("{name}/") } else { name })
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    match names.as_slice() {
        [] => Completion {
            text: typed.to_string(),
            candidates: Vec::new(),
        },
        [only] => Completion {
            text: format!("{folder}{only}"),
            candidates: Vec::new(),
        },
        [first, rest @ ..] => {
            let mut common = first.len();
            for name in rest {
                common = common.min(
                    first
                        .char_indices()
                        .zip(name.chars())
                        .find(|((_, a), b)| a != b)
                        .map_or(first.len().min(name.len()), |((at, _), _)| at),
                );
            }
            Completion {
                text: format!("{folder}{}", &first[..common]),
                candidates: names.clone(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_match_is_completed_in_full_and_a_folder_gets_its_slash() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("policies")).expect("mkdir");
        std::fs::write(dir.path().join("plan.pdf"), "x").expect("write");
        let base = format!("{}/", dir.path().display());
        let got = complete(&format!("{base}po"));
        assert_eq!(got.text, format!("{base}policies/"));
        let got = complete(&format!("{base}pl"));
        assert_eq!(got.text, format!("{base}plan.pdf"));
    }

    #[test]
    fn several_matches_complete_as_far_as_they_agree_and_are_listed() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["incident-plan-2025.pdf", "incident-plan-2026.pdf", ".hidden"] {
            std::fs::write(dir.path().join(name), "x").expect("write");
        }
        let base = format!("{}/", dir.path().display());
        let got = complete(&format!("{base}inc"));
        assert_eq!(got.text, format!("{base}incident-plan-202"));
        assert_eq!(got.candidates, vec!["incident-plan-2025.pdf", "incident-plan-2026.pdf"]);
        // Hidden files only when asked for.
        assert!(complete(&base).candidates.iter().all(|c| !c.starts_with('.')));
        assert_eq!(complete(&format!("{base}.h")).text, format!("{base}.hidden"));
    }

    #[test]
    fn nothing_matching_leaves_the_text_as_typed() {
        let got = complete("/no/such/folder/x");
        assert_eq!(got.text, "/no/such/folder/x");
        assert!(got.candidates.is_empty());
    }
}
