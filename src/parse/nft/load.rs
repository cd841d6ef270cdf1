//! Loading an nft script with its includes spliced in, as nft's scanner does
//! (scanner.l `scanner_include_file`): `include "path"` is replaced by the tokens
//! of the file(s) it names. An absolute path is used as is; a path starting with
//! `./` or `../` is relative to nft's working directory (`/` for nftables.service);
//! any other relative path is looked up in the default include directory, /etc.
//! A glob that matches nothing is fine; a literal path that does not exist stops
//! `nft -f` with "File not found", so nothing loads. Includes nest at most 16 deep.

use super::lex::{tokenize, Kind, Token};
use crate::evidence::glob::has_magic;
use crate::evidence::{normalize_path as normalize, FileState, Source};
use crate::model::Location;

/// nft's MAX_INCLUDE_DEPTH.
const MAX_DEPTH: usize = 16;
/// A bound on files read, against include loops through globs.
const MAX_FILES: usize = 256;
/// nft's DEFAULT_INCLUDE_PATH on Debian and Ubuntu (`${sysconfdir}`).
const INCLUDE_DIR: &str = "/etc";

/// A script and everything it includes, as one token stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    /// Paths in load order; `Token::file` indexes this.
    pub files: Vec<String>,
    pub tokens: Vec<Token>,
    /// Why `nft -f` would refuse this script (a missing include, nesting too
    /// deep), and where; None when it loads.
    pub broken: Option<(Location, String)>,
}

impl Loaded {
    /// Where a token was read.
    pub fn location(&self, token: &Token) -> Location {
        let path = self.files.get(token.file).map_or("?", String::as_str);
        Location::line(path, token.line)
    }
}

/// The outcome of loading the main script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Load {
    /// The main script does not exist.
    Missing,
    /// The main script or an included file could not be read: the reason.
    Error(String),
    Loaded(Loaded),
}

/// Load `path` and its includes through `source` (which records every read).
pub fn load(source: &dyn Source, path: &str) -> Load {
    let mut loader = Loader {
        source,
        out: Loaded::default(),
    };
    match crate::evidence::source::read_config(source, path) {
        FileState::Missing => return Load::Missing,
        FileState::Text(text) => {
            if let Err(reason) = loader.splice(path, &text, 0) {
                return Load::Error(reason);
            }
        }
        other => return Load::Error(other.problem(path).unwrap_or_default()),
    }
    Load::Loaded(loader.out)
}

struct Loader<'a> {
    source: &'a dyn Source,
    out: Loaded,
}

impl Loader<'_> {
    /// Append a file's tokens, expanding its includes; Err for an unreadable file.
    fn splice(&mut self, path: &str, text: &str, depth: usize) -> Result<(), String> {
        let file = self.out.files.len();
        self.out.files.push(path.to_string());
        let tokens = tokenize(text, file);
        let mut index = 0;
        while index < tokens.len() {
            let token = &tokens[index];
            let target = tokens.get(index + 1).filter(|t| t.kind == Kind::Str);
            match target {
                Some(target) if token.is_word("include") => {
                    let at = Location::line(path, token.line);
                    self.include(&target.text, at, depth)?;
                    index += 2;
                }
                _ => {
                    self.out.tokens.push(token.clone());
                    index += 1;
                }
            }
        }
        Ok(())
    }

    fn include(&mut self, name: &str, at: Location, depth: usize) -> Result<(), String> {
        if self.out.broken.is_some() {
            return Ok(());
        }
        if depth + 1 > MAX_DEPTH || self.out.files.len() >= MAX_FILES {
            self.out.broken = Some((at, format!("includes nest too deep or loop (at `include \"{name}\"`)")));
            return Ok(());
        }
        let pattern = include_path(name);
        if has_magic(&pattern) {
            let matched = self.source.glob(&pattern);
            if let Some(problem) = matched.problem() {
                let reason = format!("`include \"{name}\"`: {problem}; the rules it would load are unknown");
                self.out.broken.get_or_insert((at, reason));
                return Ok(());
            }
            for path in matched.paths {
                if self.source.list_dir(&path).is_none() {
                    self.include_file(&path, &at, depth)?;
                }
            }
            return Ok(());
        }
        self.include_file(&pattern, &at, depth)
    }

    fn include_file(&mut self, path: &str, at: &Location, depth: usize) -> Result<(), String> {
        match crate::evidence::source::read_config(self.source, path) {
            FileState::Text(text) => self.splice(path, &text, depth + 1),
            FileState::Missing => {
                let reason = format!("`include \"{path}\"`: file not found, so `nft -f` loads nothing");
                self.out.broken.get_or_insert((at.clone(), reason));
                Ok(())
            }
            other => Err(other.problem(path).unwrap_or_default()),
        }
    }
}

/// Where nft looks for an included name.
pub fn include_path(name: &str) -> String {
    if name.starts_with('/') {
        normalize(name)
    } else if name.starts_with("./") || name.starts_with("../") {
        normalize(&format!("/{name}"))
    } else {
        normalize(&format!("{INCLUDE_DIR}/{name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Snapshot;

    fn texts(loaded: &Loaded) -> Vec<String> {
        loaded
            .tokens
            .iter()
            .filter(|t| t.kind != Kind::Newline)
            .map(|t| t.text.clone())
            .collect()
    }

    #[test]
    fn include_paths_follow_nft() {
        assert_eq!(include_path("/etc/nftables.d/*.nft"), "/etc/nftables.d/*.nft");
        assert_eq!(include_path("nftables.d/x.nft"), "/etc/nftables.d/x.nft");
        assert_eq!(include_path("./rules/../x.nft"), "/x.nft");
        assert_eq!(include_path("../../x"), "/x");
    }

    #[test]
    fn globs_splice_in_lexical_order_and_remember_files() {
        let snap = Snapshot::new()
            .with_file("/etc/nftables.conf", "a\ninclude \"/etc/nftables.d/*.nft\"\nz\n")
            .with_file("/etc/nftables.d/20-b.nft", "b\n")
            .with_file("/etc/nftables.d/10-a.nft", "include \"nftables.d/sub/c.nft\"\n")
            .with_file("/etc/nftables.d/sub/c.nft", "c\n")
            .with_file("/etc/nftables.d/notes.txt", "x\n");
        let Load::Loaded(loaded) = load(&snap, "/etc/nftables.conf") else {
            panic!("not loaded")
        };
        assert_eq!(texts(&loaded), vec!["a", "c", "b", "z"]);
        assert_eq!(loaded.files[1], "/etc/nftables.d/10-a.nft");
        assert_eq!(
            loaded.location(&loaded.tokens[2]),
            Location::line("/etc/nftables.d/sub/c.nft", 1)
        );
        assert_eq!(loaded.broken, None);
    }

    #[test]
    fn missing_literal_include_breaks_the_script_and_loops_are_bounded() {
        let snap = Snapshot::new()
            .with_file("/etc/nftables.conf", "include \"/etc/gone.nft\"\n")
            .with_state("/etc/gone.nft", FileState::Missing);
        let Load::Loaded(loaded) = load(&snap, "/etc/nftables.conf") else {
            panic!("not loaded")
        };
        let (at, reason) = loaded.broken.expect("broken");
        assert_eq!(at, Location::line("/etc/nftables.conf", 1));
        assert!(reason.contains("file not found"), "{reason}");

        let looping = Snapshot::new().with_file("/etc/nftables.conf", "include \"/etc/nftables.conf\"\n");
        let Load::Loaded(loaded) = load(&looping, "/etc/nftables.conf") else {
            panic!("not loaded")
        };
        assert!(loaded.broken.is_some());
    }

    #[test]
    fn unreadable_files_are_errors() {
        let snap = Snapshot::new()
            .with_file("/etc/nftables.conf", "include \"/etc/x.nft\"\n")
            .with_state("/etc/x.nft", FileState::Unreadable("permission denied".into()));
        assert_eq!(
            load(&snap, "/etc/x.nft"),
            Load::Error("/etc/x.nft could not be read: permission denied".into())
        );
        assert!(matches!(load(&snap, "/etc/nftables.conf"), Load::Error(_)));
        let none = Snapshot::new().with_state("/etc/nftables.conf", FileState::Missing);
        assert_eq!(load(&none, "/etc/nftables.conf"), Load::Missing);
    }
}
