//! Whether Git ignores a path, as `git check-ignore` decides: the `.gitignore` of
//! each folder from the repository's root down to the path's (a deeper file's
//! rule wins, and within a file the last matching line), then
//! `.git/info/exclude`; a path under an ignored folder is ignored whatever a
//! negation says, since Git never looks inside an ignored folder. Patterns are
//! matched by the `ignore` crate's gitignore matcher (ripgrep's).

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use std::path::PathBuf;

/// One ignore file: the folder (relative to the repository's root, `` for the
/// root) whose paths its patterns are relative to, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreFile {
    pub dir: String,
    /// Where it is on the target, for findings.
    pub path: String,
    pub text: String,
}

struct Compiled {
    dir: String,
    path: String,
    text: String,
    matcher: Gitignore,
}

/// The rule that decided, and what it decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub ignored: bool,
    /// `path:line` and the pattern as written; None when no pattern matched.
    pub by: Option<(String, String)>,
    /// The folder whose exclusion decided it (`config/` for `config/.env`).
    pub via_folder: Option<String>,
}

/// The ignore rules of one repository.
pub struct Rules {
    /// Deepest folders last; `info/exclude` apart, consulted after all of them.
    files: Vec<Compiled>,
    exclude: Option<Compiled>,
}

fn compile(file: &IgnoreFile) -> Compiled {
    let mut builder = GitignoreBuilder::new("/");
    for line in file.text.lines() {
        // A line the matcher cannot read is one Git ignores too.
        let _ = builder.add_line(Some(PathBuf::from(&file.path)), line);
    }
    Compiled {
        dir: file.dir.trim_matches('/').to_string(),
        path: file.path.clone(),
        text: file.text.clone(),
        matcher: builder.build().unwrap_or_else(|_| Gitignore::empty()),
    }
}

impl Rules {
    /// `gitignores` in any order; `exclude` is `.git/info/exclude`.
    pub fn new(gitignores: &[IgnoreFile], exclude: Option<&IgnoreFile>) -> Rules {
        let mut files: Vec<Compiled> = gitignores.iter().map(compile).collect();
        files.sort_by_key(|f| f.dir.matches('/').count() + usize::from(!f.dir.is_empty()));
        Rules {
            files,
            exclude: exclude.map(compile),
        }
    }

    /// Whether Git ignores `path` (relative to the repository's root).
    pub fn decide(&self, path: &str, is_dir: bool) -> Decision {
        let path = path.trim_matches('/');
        let parts: Vec<&str> = path.split('/').collect();
        for end in 1..parts.len() {
            let folder = parts[..end].join("/");
            let decided = self.one(&folder, true);
            if decided.ignored {
                return Decision {
                    via_folder: Some(format!("{folder}/")),
                    ..decided
                };
            }
        }
        self.one(path, is_dir)
    }

    fn one(&self, path: &str, is_dir: bool) -> Decision {
        let applies = |c: &&Compiled| c.dir.is_empty() || path.starts_with(&format!("{}/", c.dir));
        let deepest_first = self.files.iter().rev().filter(applies).chain(self.exclude.iter());
        for compiled in deepest_first {
            // info/exclude is the root's, like the root's .gitignore (its dir is empty).
            let relative = if compiled.dir.is_empty() {
                path
            } else {
                &path[compiled.dir.len() + 1..]
            };
            let (ignored, glob) = match compiled.matcher.matched(format!("/{relative}"), is_dir) {
                Match::None => continue,
                Match::Ignore(glob) => (true, glob),
                Match::Whitelist(glob) => (false, glob),
            };
            let line = line_of(&compiled.text, glob.original());
            return Decision {
                ignored,
                by: Some((format!("{}:{line}", compiled.path), glob.original().to_string())),
                via_folder: None,
            };
        }
        Decision {
            ignored: false,
            by: None,
            via_folder: None,
        }
    }
}

/// The last line holding this pattern (Git's last matching line wins).
fn line_of(text: &str, pattern: &str) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim_end() == pattern || line.trim() == pattern)
        .map(|(i, _)| i + 1)
        .last()
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &str, text: &str) -> IgnoreFile {
        let path = if dir.is_empty() {
            "/srv/app/.gitignore".to_string()
        } else {
            format!("/srv/app/{dir}/.gitignore")
        };
        IgnoreFile {
            dir: dir.into(),
            path,
            text: text.into(),
        }
    }

    #[test]
    fn negation_anchor_and_last_line_win() {
        let rules = Rules::new(&[file("", "*.env\n.env*\n!.env.example\n")], None);
        assert!(rules.decide(".env", false).ignored);
        assert!(!rules.decide(".env.example", false).ignored);
        assert_eq!(
            rules.decide(".env.example", false).by,
            Some(("/srv/app/.gitignore:3".into(), "!.env.example".into()))
        );
        let anchored = Rules::new(&[file("", "/config/.env\n")], None);
        assert!(anchored.decide("config/.env", false).ignored);
        assert!(!anchored.decide("sub/config/.env", false).ignored);
    }

    #[test]
    fn a_deeper_gitignore_overrides_and_an_ignored_folder_cannot_be_undone() {
        let rules = Rules::new(&[file("backend", "!.env\n"), file("", ".env\n")], None);
        assert!(!rules.decide("backend/.env", false).ignored);
        assert!(rules.decide(".env", false).ignored);
        let folder = Rules::new(&[file("", "secrets/\n!secrets/.env\n")], None);
        let decided = folder.decide("secrets/.env", false);
        assert!(decided.ignored);
        assert_eq!(decided.via_folder.as_deref(), Some("secrets/"));
    }

    #[test]
    fn info_exclude_counts_after_every_gitignore() {
        let exclude = IgnoreFile {
            dir: String::new(),
            path: "/srv/app/.git/info/exclude".into(),
            text: ".env\n".into(),
        };
        let rules = Rules::new(&[], Some(&exclude));
        assert!(rules.decide(".env", false).ignored);
        let overridden = Rules::new(&[file("", "!.env\n")], Some(&exclude));
        assert!(!overridden.decide(".env", false).ignored);
    }
}
