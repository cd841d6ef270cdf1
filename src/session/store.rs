//! Where sessions live: `<data folder>/sessions/<id>/` holding `journal.jsonl` and
//! `blobs/<sha256>` (the bytes of evidence and attachments, stored once by their
//! hash), folders 0700 and files 0600. Session ids are hex, so no id names a
//! path outside the store.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Where a session's drafts are kept, and the most of them read back.
const DRAFTS: &str = "drafts.json";
const DRAFTS_CAP: u64 = 16 * 1024 * 1024;

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

    /// Make a new session's folder; an id already taken is refused, never shared.
    pub fn create(&self, id: &str) -> Result<PathBuf, String> {
        let dir = self.session_dir(id)?;
        crate::paths::private_dir(&self.root)?;
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        crate::paths::private_dir(&dir.join("blobs"))?;
        sync_dir(&self.root)?;
        sync_dir(&dir)?;
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
        let journal = dir.join("journal.jsonl");
        if !journal.is_file() {
            return Err(format!("no session {id}"));
        }
        // Held while the folder goes: a session open in another vouch (the
        // walkthrough writing it) is not pulled from under it.
        let held = std::fs::File::open(&journal).map_err(|e| format!("{}: {e}", journal.display()))?;
        if !super::journal::lock_exclusive(&held) {
            return Err(format!("session {id} is open in another vouch; close it first"));
        }
        std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))
    }

    /// Copy a file into a session's blob store, hashing it as it streams (never
    /// whole in memory); its SHA-256 and size. Only a regular file is taken (the
    /// one opened is the one checked: no FIFO or device swapped in between), and
    /// one over `cap` bytes is refused, before copying or if it grows while
    /// copied. `copied` counts the bytes as they go, for a progress bar.
    pub fn put_file(
        &self,
        id: &str,
        file: &Path,
        cap: u64,
        copied: &std::sync::atomic::AtomicU64,
    ) -> Result<(String, u64), String> {
        use sha2::{Digest, Sha256};
        use std::io::Read;
        use std::sync::atomic::Ordering;
        let blobs = self.session_dir(id)?.join("blobs");
        let shown = |e: std::io::Error| format!("{}: {e}", file.display());
        let mut input = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32 | rustix::fs::OFlags::NOCTTY.bits() as i32)
            .open(file)
            .map_err(shown)?;
        let meta = input.metadata().map_err(shown)?;
        if meta.is_dir() {
            return Err(format!("{} is a folder, not a file", file.display()));
        }
        if !meta.is_file() {
            return Err(format!("{} is not a regular file", file.display()));
        }
        let over = |size: u64| {
            format!(
                "{} is {}, over the attachment cap of {}",
                file.display(),
                crate::evidence::source::human_bytes(size),
                crate::evidence::source::human_bytes(cap)
            )
        };
        if meta.len() > cap {
            return Err(over(meta.len()));
        }
        let mut bytes = 0u64;
        let sha = store_atomically(&blobs, |output| {
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = input.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                bytes += n as u64;
                if bytes > cap {
                    return Err(std::io::Error::other(over(bytes)));
                }
                hasher.update(&buf[..n]);
                output.write_all(&buf[..n])?;
                copied.store(bytes, Ordering::Relaxed);
            }
            Ok(hex::encode(hasher.finalize()))
        })?;
        Ok((sha, bytes))
    }

    /// What forms held when left unsaved (keyed by form), so a draft survives
    /// `Esc`, a quit and a crash. Kept beside the journal (never in a bundle),
    /// redacted like everything stored, replaced whole at each change.
    pub fn save_drafts(
        &self,
        id: &str,
        drafts: &std::collections::BTreeMap<String, Vec<String>>,
    ) -> Result<(), String> {
        let dir = self.session_dir(id)?;
        let redacted: std::collections::BTreeMap<&String, Vec<String>> = drafts
            .iter()
            .map(|(k, fields)| {
                let fields = fields.iter().map(|f| crate::evidence::redact::redact(f).text).collect();
                (k, fields)
            })
            .collect();
        let text = serde_json::to_vec(&redacted).map_err(|e| e.to_string())?;
        let partial = dir.join(".drafts.json.incoming");
        let shown = |e: std::io::Error| format!("{}: {e}", partial.display());
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&partial)
            .map_err(shown)?;
        // Not fsync'd: a crash or kill keeps it (the page cache survives), and
        // this runs at every key typed; a power cut may lose the last draft.
        file.write_all(&text).map_err(shown)?;
        std::fs::rename(&partial, dir.join(DRAFTS)).map_err(shown)
    }

    /// The drafts kept for a session (none when there are none, or they cannot be read).
    pub fn drafts(&self, id: &str) -> std::collections::BTreeMap<String, Vec<String>> {
        use std::io::Read;
        let Ok(dir) = self.session_dir(id) else {
            return Default::default();
        };
        let mut text = Vec::new();
        let read = std::fs::File::open(dir.join(DRAFTS)).and_then(|f| f.take(DRAFTS_CAP).read_to_end(&mut text));
        match read {
            Ok(_) => serde_json::from_slice(&text).unwrap_or_default(),
            Err(_) => Default::default(),
        }
    }

    /// Stream a blob into `out` (never whole in memory), checking its bytes
    /// against the SHA-256 it is stored under as they go; its size. A reader
    /// thread reads and hashes while this one writes, so hashing and the disk
    /// overlap; at most `CHUNKS` chunks of `CHUNK` bytes are in flight.
    pub fn copy_blob(&self, id: &str, sha256: &str, out: &mut dyn Write) -> Result<u64, String> {
        use sha2::{Digest, Sha256};
        use std::io::Read;
        const CHUNK: usize = 1 << 20;
        const CHUNKS: usize = 4;
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("`{sha256}` is not a SHA-256"));
        }
        let path = self.session_dir(id)?.join("blobs").join(sha256);
        let shown = |e: std::io::Error| format!("{}: {e}", path.display());
        let mut file = std::fs::File::open(&path).map_err(shown)?;
        let (chunks, arriving) = std::sync::mpsc::sync_channel::<Vec<u8>>(CHUNKS);
        let (digest, written) = std::thread::scope(|scope| {
            let reader = scope.spawn(move || -> std::io::Result<(String, u64)> {
                let mut hasher = Sha256::new();
                let mut bytes = 0u64;
                loop {
                    let mut buf = vec![0u8; CHUNK];
                    let n = file.read(&mut buf)?;
                    if n == 0 {
                        return Ok((hex::encode(hasher.finalize()), bytes));
                    }
                    buf.truncate(n);
                    hasher.update(&buf);
                    bytes += n as u64;
                    if chunks.send(buf).is_err() {
                        // The writer gave up: its error is the one reported.
                        return Ok((String::new(), bytes));
                    }
                }
            });
            let mut written = Ok(0u64);
            for chunk in arriving.iter() {
                if let Err(e) = out.write_all(&chunk) {
                    written = Err(e);
                    break;
                }
                if let Ok(total) = &mut written {
                    *total += chunk.len() as u64;
                }
            }
            drop(arriving);
            let digest = reader
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the blob reader stopped")));
            (digest, written)
        });
        let bytes = written.map_err(shown)?;
        let (digest, read) = digest.map_err(shown)?;
        if digest != sha256 || read != bytes {
            return Err(format!("{}: its bytes no longer match its hash", path.display()));
        }
        Ok(bytes)
    }

    /// A blob's size in bytes, as stored (its hash is checked when it is copied).
    pub fn blob_len(&self, id: &str, sha256: &str) -> Result<u64, String> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("`{sha256}` is not a SHA-256"));
        }
        let path = self.session_dir(id)?.join("blobs").join(sha256);
        std::fs::metadata(&path)
            .map(|m| m.len())
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    /// A blob's bytes, checked against the SHA-256 it is stored under; refused
    /// over `cap` bytes or when it does not match (the store was tampered with).
    pub fn get_blob(&self, id: &str, sha256: &str, cap: u64) -> Result<Vec<u8>, String> {
        use sha2::{Digest, Sha256};
        use std::io::Read;
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("`{sha256}` is not a SHA-256"));
        }
        let path = self.session_dir(id)?.join("blobs").join(sha256);
        let shown = |e: std::io::Error| format!("{}: {e}", path.display());
        let file = std::fs::File::open(&path).map_err(shown)?;
        let mut bytes = Vec::new();
        file.take(cap + 1).read_to_end(&mut bytes).map_err(shown)?;
        if bytes.len() as u64 > cap {
            return Err(format!("{}: over {cap} bytes", path.display()));
        }
        if hex::encode(Sha256::digest(&bytes)) != sha256 {
            return Err(format!("{}: its content does not match its SHA-256", path.display()));
        }
        Ok(bytes)
    }

    pub fn put_blob(&self, id: &str, sha256: &str, bytes: &[u8]) -> Result<(), String> {
        let blobs = self.session_dir(id)?.join("blobs");
        if blobs.join(sha256).exists() {
            return Ok(());
        }
        store_atomically(&blobs, |output| {
            output.write_all(bytes)?;
            Ok(sha256.to_string())
        })
        .map(|_| ())
    }
}

/// Write a blob to a private temporary file of its own, flush it, and only then
/// give it its name (its hash): a crash never leaves a partial blob under a real
/// name, and a failed write leaves nothing behind.
fn store_atomically(
    blobs: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<String>,
) -> Result<String, String> {
    let mut nonce = [0u8; 8];
    let _ = rustix::rand::getrandom(&mut nonce, rustix::rand::GetRandomFlags::empty());
    let partial = blobs.join(format!(".incoming-{}-{}", std::process::id(), hex::encode(nonce)));
    let shown = |e: std::io::Error| format!("{}: {e}", partial.display());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&partial)
        .map_err(shown)?;
    let written = write(&mut file).and_then(|name| file.sync_data().map(|()| name));
    let name = match written {
        Ok(name) => name,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(shown(e));
        }
    };
    if let Err(e) = std::fs::rename(&partial, blobs.join(&name)) {
        let _ = std::fs::remove_file(&partial);
        return Err(shown(e));
    }
    sync_dir(blobs)?;
    Ok(name)
}

/// Flush a folder's entries, so a file just made or renamed in it survives a
/// power cut.
pub fn sync_dir(dir: &Path) -> Result<(), String> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| format!("{}: {e}", dir.display()))
}
