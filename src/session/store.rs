//! Where sessions live: `<data folder>/sessions/<id>/` holding `journal.jsonl` and
//! `blobs/<sha256>` (the bytes of evidence and attachments, stored once by their
//! hash), folders 0700 and files 0600. Session ids are hex, so no id names a
//! path outside the store.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The folder of every session.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// The sessions folder of the data folder (`VOUCH_DATA_DIR` overrides).
    pub fn open_default() -> Result<Store, String> {
        crate::paths::data_dir().map(|dir| Store::at(dir.join("sessions")))
    }

    pub fn at(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A session's folder; an id that is not a session id names none.
    pub fn session_dir(&self, id: &str) -> Result<PathBuf, String> {
        let valid = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_hexdigit());
        if !valid {
            return Err(format!(
                "`{}` is not a session id (see `vouch sessions list`)",
                crate::sanitize::terminal(id)
            ));
        }
        Ok(self.root.join(id))
    }

    /// Make a new session's folder.
    pub fn create(&self, id: &str) -> Result<PathBuf, String> {
        let dir = self.session_dir(id)?;
        crate::paths::private_dir(&dir.join("blobs"))?;
        Ok(dir)
    }

    /// The ids of every saved session, sorted.
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = std::fs::read_dir(&self.root)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter_map(|e| e.file_name().to_str().map(str::to_string))
                    .filter(|id| self.session_dir(id).is_ok_and(|d| d.join("journal.jsonl").is_file()))
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        ids
    }

    /// Delete a session and everything in it.
    pub fn remove(&self, id: &str) -> Result<(), String> {
        let dir = self.session_dir(id)?;
        if !dir.join("journal.jsonl").is_file() {
            return Err(format!("no session {id}"));
        }
        std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))
    }

    /// Copy a file into a session's blob store, hashing it as it streams (never
    /// whole in memory); its SHA-256 and size.
    pub fn put_file(&self, id: &str, file: &Path) -> Result<(String, u64), String> {
        use sha2::{Digest, Sha256};
        use std::io::Read;
        let blobs = self.session_dir(id)?.join("blobs");
        let shown = |e: std::io::Error| format!("{}: {e}", file.display());
        let meta = std::fs::metadata(file).map_err(shown)?;
        if !meta.is_file() {
            return Err(format!("{} is not a regular file", file.display()));
        }
        let mut input = std::fs::File::open(file).map_err(shown)?;
        let partial = blobs.join(format!(".incoming-{}", std::process::id()));
        let mut output = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&partial)
            .map_err(|e| format!("{}: {e}", partial.display()))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut bytes = 0u64;
        loop {
            let n = input.read(&mut buf).map_err(shown)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            output
                .write_all(&buf[..n])
                .map_err(|e| format!("{}: {e}", partial.display()))?;
            bytes += n as u64;
        }
        output.sync_data().map_err(|e| format!("{}: {e}", partial.display()))?;
        let sha = hex::encode(hasher.finalize());
        std::fs::rename(&partial, blobs.join(&sha)).map_err(|e| format!("{}: {e}", partial.display()))?;
        Ok((sha, bytes))
    }

    /// Keep `bytes` in a session's blob store under their SHA-256 (once).
    pub fn put_blob(&self, id: &str, sha256: &str, bytes: &[u8]) -> Result<(), String> {
        let path = self.session_dir(id)?.join("blobs").join(sha256);
        if path.exists() {
            return Ok(());
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_data())
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}
