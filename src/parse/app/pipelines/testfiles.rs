//! Whether the application has tests: a `test_*.py` or `*_test.py` file, or a
//! `tests/` folder holding `.py` files — looked for breadth-first from the app's
//! folder, skipping what is not the app's code (.git, virtualenvs, node_modules,
//! site-packages, caches, builds, and links), and stopping at the first one
//! found. Names without a dot are examined to see whether they are folders.
//! Bounded: a tree past the caps ends with the reason, never a guess.

use crate::evidence::{DirState, FileKind, Source};
use std::collections::VecDeque;

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

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestFiles {
    /// The first test file (or tests folder's file) found.
    pub found: Option<String>,
    /// Why the search is incomplete, when it is.
    pub incomplete: Option<String>,
}

pub fn is_test_file(name: &str) -> bool {
    name.ends_with(".py") && (name.starts_with("test_") || name.ends_with("_test.py"))
}

fn join(dir: &str, name: &str) -> String {
    format!("{}/{name}", dir.trim_end_matches('/'))
}

pub fn find(source: &dyn Source, dir: &str) -> TestFiles {
    let mut out = TestFiles::default();
    let mut queue: VecDeque<(String, bool)> = VecDeque::from([(dir.to_string(), false)]);
    let (mut dirs, mut names_seen) = (0usize, 0usize);
    while let Some((folder, in_tests)) = queue.pop_front() {
        if dirs >= MAX_DIRS || names_seen >= MAX_NAMES {
            out.incomplete = Some(format!(
                "the search stopped after {dirs} folders and {names_seen} names (the caps are {MAX_DIRS} and {MAX_NAMES})"
            ));
            return out;
        }
        let names = match source.list(&folder) {
            DirState::Listed(names) => names,
            DirState::Unreadable(why) if folder == dir => {
                out.incomplete = Some(format!("{folder} could not be listed: {why}"));
                return out;
            }
            _ => continue,
        };
        dirs += 1;
        names_seen += names.len();
        if let Some(name) = names
            .iter()
            .find(|n| is_test_file(n) || (in_tests && n.ends_with(".py")))
        {
            out.found = Some(join(&folder, name));
            return out;
        }
        for name in &names {
            let hidden = name.starts_with('.');
            let looks_like_file = name.contains('.');
            if hidden || looks_like_file || SKIPPED.contains(&name.as_str()) {
                continue;
            }
            let path = join(&folder, name);
            // Real folders only: a link (`c -> /`, `a -> .`) leads out of the app or round in circles.
            if source.meta(&path).is_none_or(|m| m.kind != FileKind::Dir) {
                continue;
            }
            queue.push_back((path, in_tests || name == "tests" || name == "test"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{FileMeta, Snapshot};

    /// A snapshot of `files`, each folder on their way examined as a folder
    /// (and `links` examined as symlinks).
    fn tree(files: &[&str], links: &[&str]) -> Snapshot {
        let meta = |kind| FileMeta {
            kind,
            mode: 0o755,
            uid: 0,
            gid: 0,
            size: 0,
            mtime: 0,
            link: None,
        };
        let mut snapshot = Snapshot::new();
        for file in files {
            snapshot = snapshot.with_file(file, "");
            let mut dir = file.rsplit_once('/').map_or("", |(d, _)| d);
            while !dir.is_empty() {
                snapshot = snapshot.with_meta(dir, meta(FileKind::Dir));
                dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
            }
        }
        for link in links {
            snapshot = snapshot.with_meta(link, meta(FileKind::Symlink));
        }
        snapshot
    }

    #[test]
    fn a_tests_folder_or_a_test_file_anywhere_but_in_a_virtualenv() {
        let source = tree(
            &[
                "/srv/app/manage.py",
                "/srv/app/venv/lib/test_x.py",
                "/srv/app/shop/tests/helpers.py",
            ],
            &[],
        );
        assert_eq!(
            find(&source, "/srv/app").found.as_deref(),
            Some("/srv/app/shop/tests/helpers.py")
        );
        let none = tree(&["/srv/app/manage.py", "/srv/app/venv/test_x.py"], &[]);
        assert_eq!(find(&none, "/srv/app"), TestFiles::default());
        let named = tree(&["/srv/app/app/models_test.py"], &[]);
        assert_eq!(
            find(&named, "/srv/app").found.as_deref(),
            Some("/srv/app/app/models_test.py")
        );
    }

    #[test]
    fn links_are_not_followed() {
        let mut source = tree(&["/srv/app/manage.py", "/srv/other/test_x.py"], &["/srv/app/elsewhere"]);
        source.record_dir(
            "/srv/app",
            DirState::Listed(vec!["elsewhere".into(), "manage.py".into()]),
        );
        source.record_dir("/srv/app/elsewhere", DirState::Listed(vec!["test_x.py".into()]));
        assert_eq!(find(&source, "/srv/app").found, None);
        // The same name as a real folder is searched.
        let mut real = tree(&["/srv/app/manage.py", "/srv/app/elsewhere/x.txt"], &[]);
        real.record_dir("/srv/app/elsewhere", DirState::Listed(vec!["test_x.py".into()]));
        assert_eq!(
            find(&real, "/srv/app").found.as_deref(),
            Some("/srv/app/elsewhere/test_x.py")
        );
    }
}
