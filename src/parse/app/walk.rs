//! A bounded breadth-first walk of the application's own folders: from the app's
//! folder down, skipping what is not the app's code (hidden folders such as .git
//! and .venv, virtualenvs (by name, or by the `pyvenv.cfg` any one holds), node_modules, site-packages, caches, builds) and
//! links (`c -> /`, `a -> .` lead out of the app or round in circles). Names
//! without a dot are examined to see whether they are folders. Each folder's
//! listing is handed to a visitor that may stop the walk. Past the caps it ends
//! with the reason, never a guess.

use crate::evidence::{DirState, FileKind, Source};
use std::collections::VecDeque;
use std::ops::ControlFlow;

/// Folders that hold no code of the app's own.
pub const SKIPPED: &[&str] = &[
    "node_modules",
    "site-packages",
    "__pycache__",
    "venv",
    "env",
    "build",
    "dist",
    "htmlcov",
];
pub const MAX_DIRS: usize = 2_000;
pub const MAX_NAMES: usize = 100_000;

pub fn join(dir: &str, name: &str) -> String {
    format!("{}/{name}", dir.trim_end_matches('/'))
}

/// Walk from `dir`, calling `visit(folder, names)` for each folder listed, in
/// breadth-first order; `Break` stops. Returns why the walk is incomplete, if it is.
pub fn walk(
    source: &dyn Source,
    dir: &str,
    mut visit: impl FnMut(&str, &[String]) -> ControlFlow<()>,
) -> Option<String> {
    let mut queue: VecDeque<String> = VecDeque::from([dir.to_string()]);
    let (mut dirs, mut names_seen) = (0usize, 0usize);
    while let Some(folder) = queue.pop_front() {
        if dirs >= MAX_DIRS || names_seen >= MAX_NAMES {
            return Some(format!(
                "the walk of {dir} stopped after {dirs} folders and {names_seen} names (the caps are {MAX_DIRS} and {MAX_NAMES})"
            ));
        }
        let names = match source.list(&folder) {
            DirState::Listed(names) => names,
            DirState::Unreadable(why) if folder == dir => return Some(format!("{folder} could not be listed: {why}")),
            DirState::NotCollected if folder == dir => return Some(format!("{folder} was not listed")),
            _ => continue,
        };
        dirs += 1;
        names_seen += names.len();
        // A virtualenv, whatever its name: its packages are not the app's code.
        if folder != dir && names.iter().any(|n| n == "pyvenv.cfg") {
            continue;
        }
        if visit(&folder, &names).is_break() {
            return None;
        }
        for name in &names {
            let hidden = name.starts_with('.');
            let looks_like_file = name.contains('.');
            if hidden || looks_like_file || SKIPPED.contains(&name.as_str()) {
                continue;
            }
            let path = join(&folder, name);
            if source.meta(&path).is_none_or(|m| m.kind != FileKind::Dir) {
                continue;
            }
            queue.push_back(path);
        }
    }
    None
}
