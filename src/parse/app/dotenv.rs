//! The application's .env files and what Git does with them: each file's mode
//! and owner (its content is never read), the Git repository it sits in (the
//! nearest folder at or above the app holding `.git`), the ignore files that
//! apply (`.gitignore` from the repository's root down to the app, and
//! `.git/info/exclude`), and whether Git's index tracks it — read from
//! `.git/index` itself, never by running git in a repository whose config could
//! run commands.

use super::gitignore::{IgnoreFile, Rules};
use super::parent;
use super::walk::join;
use crate::evidence::{DirState, FileKind, FileMeta, FileState, Source};

/// One .env file of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFile {
    pub path: String,
    /// Its metadata (a symlink's target's, with the link named).
    pub meta: Option<FileMeta>,
    pub link: Option<String>,
}

/// The repository the app is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// The folder holding `.git`.
    pub root: String,
    pub ignore_files: Vec<IgnoreFile>,
    pub exclude: Option<IgnoreFile>,
    /// Ignore files that exist but could not be read: `(path, why)`.
    pub unread: Vec<(String, String)>,
    /// The paths Git's index tracks (relative to the root), or why unknown.
    pub tracked: Result<Vec<String>, String>,
}

/// The app's .env files and their repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dotenv {
    pub dir: String,
    pub files: Vec<EnvFile>,
    /// Why the app's folder could not be listed (then its .env files are unknown).
    pub unlisted: Option<String>,
    /// None when no `.git` is at or above the app.
    pub repo: Option<Repo>,
    /// `.gitignore` files of the app's folder and its parents when it is no Git
    /// checkout (a deployed copy): the rules the repository would apply.
    pub loose_ignores: Vec<IgnoreFile>,
    /// Those that could not be read: `(path, why)`.
    pub loose_unread: Vec<(String, String)>,
}

impl Dotenv {
    /// The ignore rules that decide for the app's files.
    pub fn rules(&self) -> Rules {
        match &self.repo {
            Some(repo) => Rules::new(&repo.ignore_files, repo.exclude.as_ref()),
            None => Rules::new(&self.loose_ignores, None),
        }
    }

    /// A path of the app relative to the repository's root (or the app's folder).
    pub fn relative(&self, path: &str) -> String {
        let root = self.repo.as_ref().map(|r| r.root.as_str()).unwrap_or(&self.dir);
        let root = root.trim_end_matches('/');
        path.strip_prefix(root)
            .unwrap_or(path)
            .trim_start_matches('/')
            .to_string()
    }
}

pub use crate::evidence::redact::dotenv::is_secret_env;

/// Read what decides the app's .env controls, through `source`.
pub fn read(source: &dyn Source, dir: &str) -> Dotenv {
    let dir = dir.trim_end_matches('/').to_string();
    let mut out = Dotenv {
        dir: dir.clone(),
        files: Vec::new(),
        unlisted: None,
        repo: None,
        loose_ignores: Vec::new(),
        loose_unread: Vec::new(),
    };
    // Every folder of the app's own (config/.env, docker/.env.production too).
    out.unlisted = super::walk::walk(source, &dir, |folder, names| {
        for name in names.iter().filter(|n| is_secret_env(n)) {
            let file = env_file(source, &join(folder, name));
            // A folder named .env is a virtualenv, not a secret file.
            if !file.meta.as_ref().is_some_and(|m| m.kind == FileKind::Dir) {
                out.files.push(file);
            }
        }
        std::ops::ControlFlow::Continue(())
    });
    // The folders between the app and each .env file below it: their .gitignore apply too.
    let mut below: Vec<String> = Vec::new();
    for file in &out.files {
        let mut folder = parent(&file.path).unwrap_or("/").to_string();
        while folder.len() > dir.len() && folder.starts_with(&dir) && !below.contains(&folder) {
            below.push(folder.clone());
            folder = parent(&folder).unwrap_or("/").to_string();
        }
    }
    // The folders from the app up to the filesystem's root, nearest first.
    let chain = super::folders_up(&dir);
    let root_at = chain.iter().position(|d| source.meta(&join(d, ".git")).is_some());
    match root_at {
        Some(at) => out.repo = Some(repo(source, &chain[..=at], &below)),
        None => {
            // No checkout: the app's own .gitignore files are what its repository has.
            let folders: Vec<String> = chain[..1].iter().chain(&below).cloned().collect();
            let (files, unread) = ignore_files(source, &folders, &dir);
            out.loose_ignores = files;
            out.loose_unread = unread;
        }
    }
    out
}

/// Links followed at most, as the kernel's own limit on a chain.
const MAX_LINKS: usize = 40;

fn env_file(source: &dyn Source, path: &str) -> EnvFile {
    let first = source.meta(path);
    let mut link = None;
    let (mut at, mut meta) = (path.to_string(), first);
    for _ in 0..MAX_LINKS {
        let Some(next) = meta
            .as_ref()
            .filter(|m| m.kind == FileKind::Symlink)
            .and_then(|m| m.link.clone())
        else {
            break;
        };
        link.get_or_insert_with(|| next.clone());
        at = crate::evidence::normalize_path(&crate::evidence::resolve_relative(parent(&at).unwrap_or("/"), &next));
        meta = source.meta(&at);
    }
    // A chain that never ends is a file nobody can read: its mode says nothing.
    if meta.as_ref().is_some_and(|m| m.kind == FileKind::Symlink) {
        meta = None;
    }
    EnvFile {
        path: path.to_string(),
        meta,
        link,
    }
}

/// The `.gitignore` of each folder of `chain` (app first, root last), with
/// their folders relative to `root`.
fn ignore_files(source: &dyn Source, chain: &[String], root: &str) -> (Vec<IgnoreFile>, Vec<(String, String)>) {
    let mut files = Vec::new();
    let mut unread = Vec::new();
    for folder in chain.iter().rev() {
        let path = join(folder, ".gitignore");
        let relative = folder.strip_prefix(root).unwrap_or("").trim_matches('/').to_string();
        match source.read(&path) {
            FileState::Text(text) => files.push(IgnoreFile {
                dir: relative,
                path,
                text: text.to_string(),
            }),
            FileState::Missing | FileState::NotCollected => {}
            other => unread.extend(other.problem(&path).map(|why| (path.clone(), why))),
        }
    }
    (files, unread)
}

fn repo(source: &dyn Source, chain: &[String], below: &[String]) -> Repo {
    let root = chain.last().cloned().unwrap_or_else(|| "/".to_string());
    let folders: Vec<String> = chain.iter().chain(below).cloned().collect();
    let (ignore_files, mut unread) = ignore_files(source, &folders, &root);
    let git = join(&root, ".git");
    let is_dir = source.meta(&git).is_some_and(|m| m.kind == FileKind::Dir);
    let (exclude, tracked) = if is_dir {
        let exclude_path = join(&git, "info/exclude");
        let exclude = match source.read(&exclude_path) {
            FileState::Text(text) => Some(IgnoreFile {
                dir: String::new(),
                path: exclude_path,
                text: text.to_string(),
            }),
            FileState::Missing | FileState::NotCollected => None,
            other => {
                unread.extend(other.problem(&exclude_path).map(|why| (exclude_path.clone(), why)));
                None
            }
        };
        let index = join(&git, "index");
        let tracked = match source.git_index(&index) {
            DirState::Listed(paths) => Ok(paths),
            DirState::Missing => Ok(Vec::new()),
            DirState::Unreadable(why) => Err(format!("{index} could not be read: {why}")),
            DirState::NotCollected => Err(format!("{index} was not read")),
        };
        (exclude, tracked)
    } else {
        (
            None,
            Err(format!(
                "{git} is a file (a worktree or submodule): its index lives elsewhere and is not read"
            )),
        )
    };
    Repo {
        root,
        ignore_files,
        exclude,
        unread,
        tracked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_end_at_the_root() {
        assert_eq!(parent("/srv/app"), Some("/srv"));
        assert_eq!(parent("/srv"), Some("/"));
        assert_eq!(parent("/"), None);
    }
}
