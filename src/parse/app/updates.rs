//! What keeps an application's dependencies updated: Dependabot
//! (`.github/dependabot.yml|yaml`, its `updates` by package ecosystem), Renovate
//! (renovate.json, renovate.json5, .renovaterc, .renovaterc.json, and the same
//! under .github/ and .gitlab/) and pyup (.pyup.yml) — at the root of the
//! repository the app is in, where those services read them.

use crate::evidence::{FileState, Source};
use serde::Deserialize;

pub const DEPENDABOT: &[&str] = &[".github/dependabot.yml", ".github/dependabot.yaml"];
pub const RENOVATE: &[&str] = &[
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
];
pub const PYUP: &[&str] = &[".pyup.yml"];

/// Dependabot's ecosystems for Python: `pip` (pip, pip-compile, pipenv, poetry)
/// and `uv`.
pub const PYTHON_ECOSYSTEMS: &[&str] = &["pip", "uv"];

/// One update configuration found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A Dependabot file: each `package-ecosystem` with its line.
    Dependabot {
        path: String,
        ecosystems: Vec<(String, u64)>,
    },
    Renovate {
        path: String,
    },
    Pyup {
        path: String,
    },
    /// A file that is there but could not be read or understood.
    Unreadable {
        path: String,
        why: String,
    },
}

#[derive(Deserialize)]
struct Dependabot {
    #[serde(default)]
    updates: Vec<Update>,
}

#[derive(Deserialize)]
struct Update {
    #[serde(rename = "package-ecosystem")]
    ecosystem: Option<serde_saphyr::Spanned<String>>,
}

/// The update configurations of the app whose folders are `folders` (the app's,
/// then its repository's root): Dependabot, Renovate and pyup read them at the
/// repository's root only (the app's folder when it is no checkout).
pub fn find(source: &dyn Source, folders: &[String]) -> Vec<Found> {
    let mut found = Vec::new();
    if let Some(folder) = folders.last() {
        let at = |name: &str| format!("{}/{name}", folder.trim_end_matches('/'));
        for name in DEPENDABOT {
            let path = at(name);
            match source.read(&path) {
                FileState::Text(text) => found.push(dependabot(&path, &text)),
                FileState::Missing | FileState::NotCollected => {}
                other => found.push(Found::Unreadable {
                    why: other.problem(&path).unwrap_or_default(),
                    path,
                }),
            }
        }
        for (names, make) in [(RENOVATE, renovate as fn(String) -> Found), (PYUP, pyup)] {
            for name in names {
                let path = at(name);
                // Presence is the rule: these are looked at, never read.
                if source.meta(&path).is_some() {
                    found.push(make(path));
                }
            }
        }
    }
    found
}

fn renovate(path: String) -> Found {
    Found::Renovate { path }
}

fn pyup(path: String) -> Found {
    Found::Pyup { path }
}

fn dependabot(path: &str, text: &str) -> Found {
    match super::yaml::from_str::<Dependabot>(text) {
        Ok(config) => Found::Dependabot {
            path: path.to_string(),
            ecosystems: config
                .updates
                .into_iter()
                .filter_map(|u| u.ecosystem)
                .map(|e| (e.value.clone(), e.referenced.line()))
                .collect(),
        },
        Err(why) => Found::Unreadable {
            path: path.to_string(),
            why,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Snapshot;

    #[test]
    fn dependabot_ecosystems_with_their_lines_and_renovate_by_presence() {
        let source = Snapshot::new()
            .with_file(
                "/srv/app/.github/dependabot.yml",
                "version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n  - package-ecosystem: \"pip\"\n    directory: /\n",
            )
            .with_meta(
                "/srv/app/renovate.json",
                crate::evidence::FileMeta {
                    kind: crate::evidence::FileKind::File,
                    mode: 0o644,
                    uid: 0,
                    gid: 0,
                    size: 2,
                    mtime: 0,
                    link: None,
                },
            );
        let found = find(&source, &["/srv/app".to_string()]);
        assert_eq!(
            found,
            vec![
                Found::Dependabot {
                    path: "/srv/app/.github/dependabot.yml".into(),
                    ecosystems: vec![("github-actions".into(), 3), ("pip".into(), 5)]
                },
                Found::Renovate {
                    path: "/srv/app/renovate.json".into()
                }
            ]
        );
    }
}
