//! Whether Git ignores a path, as `git check-ignore` decides: the `.gitignore` of
//! each folder from the repository's root down to the path's (a deeper file's
//! rule wins, and within a file the last matching line), then
//! `.git/info/exclude`; a path under an ignored folder is ignored whatever a
//! negation says, since Git never looks inside an ignored folder. Patterns are
//! matched by the `ignore` crate's gitignore matcher (ripgrep's), each first
//! written so that it reads as Git reads it (trailing whitespace, braces,
//! bracket expressions); `git check-ignore` is the judge in
//! tests/differential_gitignore.rs.

mod pattern;

use pattern::{for_matcher, kept_whole};

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
    /// Each line's pattern as Git keeps it (index: line number - 1).
    patterns: Vec<String>,
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
    // Git skips a UTF-8 byte order mark.
    let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
    let patterns: Vec<String> = text
        .lines()
        .map(|line| trim_trailing_spaces(line).to_string())
        .collect();
    for (index, pattern) in patterns.iter().enumerate() {
        if pattern.is_empty() || pattern.starts_with('#') {
            continue;
        }
        // The glob's origin is its line number. A line the matcher cannot read
        // matches nothing in Git either.
        if let Some(glob) = for_matcher(pattern) {
            let _ = builder.add_line(Some(PathBuf::from((index + 1).to_string())), &kept_whole(&glob));
        }
    }
    Compiled {
        dir: file.dir.trim_matches('/').to_string(),
        path: file.path.clone(),
        patterns,
        matcher: builder.build().unwrap_or_else(|_| Gitignore::empty()),
    }
}

/// Git's `trim_trailing_spaces`: unescaped trailing spaces go, and nothing else
/// (a trailing tab is part of the pattern).
fn trim_trailing_spaces(line: &str) -> &str {
    let bytes = line.as_bytes();
    let (mut i, mut last_space) = (0, None);
    while i < bytes.len() {
        match bytes[i] {
            b' ' => {
                last_space.get_or_insert(i);
            }
            b'\\' => {
                i += 1;
                last_space = None;
            }
            _ => last_space = None,
        }
        i += 1;
    }
    &line[..last_space.unwrap_or(line.len())]
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
            let line = glob
                .from()
                .and_then(|from| from.to_str())
                .and_then(|number| number.parse::<usize>().ok())
                .unwrap_or(1);
            let pattern = compiled.patterns.get(line - 1).cloned().unwrap_or_default();
            return Decision {
                ignored,
                by: Some((format!("{}:{line}", compiled.path), pattern)),
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
    fn patterns_read_as_git_reads_them_with_their_own_line() {
        let text = "# c\ntab\t\nsp\\  \n[[:digit:]].txt\n{a,b}\n[!a]x\n";
        let rules = Rules::new(&[file("", text)], None);
        let by = |path: &str| {
            rules
                .decide(path, false)
                .by
                .map(|(at, pattern)| format!("{at} {pattern}"))
        };
        assert_eq!(by("tab\t").as_deref(), Some("/srv/app/.gitignore:2 tab\t"));
        assert_eq!(by("tab"), None);
        assert_eq!(by("sp ").as_deref(), Some("/srv/app/.gitignore:3 sp\\ "));
        assert_eq!(by("1.txt").as_deref(), Some("/srv/app/.gitignore:4 [[:digit:]].txt"));
        assert_eq!(by("{a,b}").as_deref(), Some("/srv/app/.gitignore:5 {a,b}"));
        assert_eq!(by("a"), None);
        assert_eq!(by("bx").as_deref(), Some("/srv/app/.gitignore:6 [!a]x"));
        assert_eq!(by("sub/bx").as_deref(), Some("/srv/app/.gitignore:6 [!a]x"));
        assert_eq!(by("b/x"), None);
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
