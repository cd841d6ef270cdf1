//! Whether the application has tests: a `test_*.py` or `*_test.py` file, or a
//! `tests/` folder holding `.py` files — looked for through the app's own
//! folders (`crate::parse::app::walk`), stopping at the first one found.

use crate::evidence::Source;
use crate::parse::app::walk::{join, walk};
use std::ops::ControlFlow;

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

/// A folder inside a `tests`/`test` folder of the app.
fn in_tests(dir: &str, folder: &str) -> bool {
    folder
        .strip_prefix(dir)
        .is_some_and(|rest| rest.split('/').any(|part| part == "tests" || part == "test"))
}

pub fn find(source: &dyn Source, dir: &str) -> TestFiles {
    let mut found = None;
    let incomplete = walk(source, dir, |folder, names| {
        let tests = in_tests(dir, folder);
        match names.iter().find(|n| is_test_file(n) || (tests && n.ends_with(".py"))) {
            Some(name) => {
                found = Some(join(folder, name));
                ControlFlow::Break(())
            }
            None => ControlFlow::Continue(()),
        }
    });
    TestFiles {
        incomplete: incomplete.filter(|_| found.is_none()),
        found,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{DirState, FileKind, FileMeta, Snapshot};

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
