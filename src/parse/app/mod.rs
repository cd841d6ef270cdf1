//! The Python application's repository as its tools read it: where the app is
//! (`discovery`), its dependency manifests (`requirements`, `pep508`,
//! `manifests`), its .env files and what Git keeps out of it (`dotenv`,
//! `gitignore`, `crate::parse::git_index`). Parsers only: the
//! app probes collect through them and the app evaluators judge with them.

pub mod code;
pub mod discovery;
pub mod dotenv;
pub mod gitignore;
pub mod manifests;
pub mod pep508;
pub mod pipelines;
pub mod requirements;
pub mod updates;
pub mod walk;
pub mod yaml;

use crate::evidence::Source;

/// Parents of a folder looked through for `.git`, at most.
const MAX_UP: usize = 64;

/// The folders from `dir` up to `/`, nearest first.
pub fn folders_up(dir: &str) -> Vec<String> {
    let mut chain = vec![dir.trim_end_matches('/').to_string()];
    while chain.len() < MAX_UP {
        let Some(up) = chain.last().and_then(|last| parent(last)) else {
            break;
        };
        chain.push(up.to_string());
    }
    chain
}

/// The folder holding `path` (`/` for `/srv`); None for `/` itself.
pub fn parent(path: &str) -> Option<&str> {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rsplit_once('/') {
        Some(("", name)) if !name.is_empty() => Some("/"),
        Some((parent, _)) if !parent.is_empty() => Some(parent),
        _ => None,
    }
}

/// The app's folder, then its repository's root when that is another folder:
/// where CI and update configurations are looked for.
pub fn app_and_repo(source: &dyn Source, dir: &str) -> Vec<String> {
    let mut folders = vec![dir.trim_end_matches('/').to_string()];
    folders.extend(repo_root(source, dir).filter(|root| *root != folders[0]));
    folders
}

/// The repository the app is in: the nearest folder at or above `dir` holding
/// `.git` (a folder, or a worktree's file).
pub fn repo_root(source: &dyn Source, dir: &str) -> Option<String> {
    folders_up(dir)
        .into_iter()
        .find(|folder| source.meta(&format!("{}/.git", folder.trim_end_matches('/'))).is_some())
}

pub use discovery::{discover, Discovery, Found, BASES, MARKERS, UNITS};
