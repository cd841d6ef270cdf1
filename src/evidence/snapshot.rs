//! `Snapshot`: everything collected from one target, as a `Source` that evaluators
//! read without I/O. Paths that no probe asked for answer `NotCollected`, so an
//! evaluator can tell "absent on the host" from "not looked at".

use super::glob;
use super::memo::Memo;
use super::source::{CommandState, DirState, FileMeta, FileState, Globbed, Source};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    files: BTreeMap<String, FileState>,
    dirs: BTreeMap<String, DirState>,
    metas: BTreeMap<String, Option<FileMeta>>,
    /// Git index files, as the paths they list.
    indexes: BTreeMap<String, DirState>,
    /// Keyed by argv as a list: `["a b"]` and `["a", "b"]` are different commands.
    commands: BTreeMap<Vec<String>, CommandState>,
    /// Values derived from the above, emptied whenever they change.
    memo: Memo,
}

impl Snapshot {
    pub fn new() -> Self {
        Self::default()
    }

    /// Record a file's state (as the collector saw it).
    pub fn record_file(&mut self, path: &str, state: FileState) {
        self.memo.clear();
        self.files.insert(path.to_string(), state);
    }

    pub fn record_dir(&mut self, path: &str, state: DirState) {
        self.memo.clear();
        self.dirs.insert(path.to_string(), state);
    }

    pub fn record_meta(&mut self, path: &str, meta: Option<FileMeta>) {
        self.memo.clear();
        self.metas.insert(path.to_string(), meta);
    }

    pub fn record_git_index(&mut self, path: &str, state: DirState) {
        self.memo.clear();
        self.indexes.insert(path.to_string(), state);
    }

    pub fn record_command(&mut self, argv: &[String], state: CommandState) {
        self.memo.clear();
        self.commands.insert(argv.to_vec(), state);
    }

    /// Test and fixture helper: a text file, with its parent directories listed.
    pub fn with_file(mut self, path: &str, text: &str) -> Self {
        self.add_to_parents(path);
        self.record_file(path, FileState::Text(Arc::from(text)));
        self
    }

    /// Test helper: a file whose content is unavailable for the given reason.
    pub fn with_state(mut self, path: &str, state: FileState) -> Self {
        if state.exists() {
            self.add_to_parents(path);
        }
        self.record_file(path, state);
        self
    }

    /// Test helper: a command's result.
    pub fn with_command(mut self, argv: &[&str], state: CommandState) -> Self {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        self.record_command(&argv, state);
        self
    }

    /// Test helper: metadata for a path.
    pub fn with_meta(mut self, path: &str, meta: FileMeta) -> Self {
        self.add_to_parents(path);
        self.record_meta(path, Some(meta));
        self
    }

    fn add_to_parents(&mut self, path: &str) {
        self.memo.clear();
        let mut child = path.trim_end_matches('/').to_string();
        while let Some(cut) = child.rfind('/') {
            let parent = if cut == 0 {
                "/".to_string()
            } else {
                child[..cut].to_string()
            };
            let name = child[cut + 1..].to_string();
            let entries = self.dirs.entry(parent.clone()).or_insert(DirState::Listed(Vec::new()));
            if !matches!(entries, DirState::Listed(_)) {
                *entries = DirState::Listed(Vec::new());
            }
            if let DirState::Listed(list) = entries {
                if !list.contains(&name) {
                    list.push(name);
                    list.sort();
                }
            }
            if cut == 0 {
                break;
            }
            child = parent;
        }
    }

    /// Every file path recorded, sorted.
    pub fn file_paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Whether a path is known to exist: read, examined or listed.
    fn exists(&self, path: &str) -> bool {
        self.files.get(path).is_some_and(FileState::exists)
            || self.metas.get(path).is_some_and(Option::is_some)
            || matches!(self.dirs.get(path), Some(DirState::Listed(_)))
    }
}

impl Source for Snapshot {
    fn memo(&self) -> Option<&Memo> {
        Some(&self.memo)
    }

    fn read(&self, path: &str) -> FileState {
        self.files.get(path).cloned().unwrap_or(FileState::NotCollected)
    }

    fn glob(&self, pattern: &str) -> Globbed {
        let lister = |dir: &str| self.list(dir);
        let exists = |path: &str| self.exists(path);
        glob::expand(pattern, &lister, &exists)
    }

    /// A directory as collected; one never listed is still known absent when its
    /// parent's listing was collected without it.
    fn list(&self, path: &str) -> DirState {
        if let Some(state) = self.dirs.get(path) {
            return state.clone();
        }
        let trimmed = path.trim_end_matches('/');
        let (parent, name) = match trimmed.rsplit_once('/') {
            Some(("", name)) => ("/", name),
            Some((parent, name)) => (parent, name),
            None => return DirState::NotCollected,
        };
        match self.dirs.get(parent) {
            Some(DirState::Listed(names)) if !names.iter().any(|n| n == name) => DirState::Missing,
            Some(DirState::Missing) => DirState::Missing,
            _ => DirState::NotCollected,
        }
    }

    fn meta(&self, path: &str) -> Option<FileMeta> {
        self.metas.get(path).cloned().flatten()
    }

    fn git_index(&self, path: &str) -> DirState {
        self.indexes.get(path).cloned().unwrap_or(DirState::NotCollected)
    }

    fn command(&self, argv: &[&str]) -> CommandState {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        self.commands.get(&argv).cloned().unwrap_or(CommandState::NotCollected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncollected_paths_are_distinguished_from_missing_ones() {
        let snap = Snapshot::new()
            .with_file("/etc/ssh/sshd_config", "Port 22\n")
            .with_state("/etc/ssh/missing", FileState::Missing);
        assert_eq!(snap.read("/etc/ssh/sshd_config").text(), Some("Port 22\n"));
        assert_eq!(snap.read("/etc/ssh/missing"), FileState::Missing);
        assert_eq!(snap.read("/etc/shadow"), FileState::NotCollected);
    }

    #[test]
    fn glob_over_recorded_files() {
        let snap = Snapshot::new()
            .with_file("/etc/ssh/sshd_config.d/50-cloud-init.conf", "x")
            .with_file("/etc/ssh/sshd_config.d/10-a.conf", "y")
            .with_file("/etc/ssh/sshd_config.d/notes.txt", "z");
        assert_eq!(
            snap.glob("/etc/ssh/sshd_config.d/*.conf").paths,
            vec![
                "/etc/ssh/sshd_config.d/10-a.conf",
                "/etc/ssh/sshd_config.d/50-cloud-init.conf"
            ]
        );
        assert_eq!(snap.list_dir("/etc/ssh").unwrap_or_default(), vec!["sshd_config.d"]);
    }
}
