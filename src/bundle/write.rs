//! Writing a planned bundle out: as a folder, or as a ZIP archive when the
//! path ends in `.zip`. Entries go in sorted order; blobs stream through
//! (never whole in memory), checked by the store against the hash the plan
//! gave them, so what is written is what SHA256SUMS says. ZIP entries carry
//! the session's time and mode 0644 and nothing of this machine; attachments
//! are stored uncompressed (byte for byte, as they are hashed), the rest
//! deflated. Either form is written beside its final name and renamed into
//! place once whole: a failed export leaves nothing behind.

use super::manifest::Manifest;
use super::plan::{self, Entry, Source};
use super::sign::Key;
use super::sums::Sum;
use crate::session::Store;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What was written.
#[derive(Debug, Clone)]
pub struct Written {
    pub manifest: Manifest,
    /// Every file, as `SHA256SUMS` lists it.
    pub sums: Vec<Sum>,
}

/// Whether `to` names a ZIP archive rather than a folder.
pub fn is_zip(to: &Path) -> bool {
    to.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// Whether a bundle can be written at `to`: a ZIP file that does not exist
/// yet, or a folder that does not exist or is empty.
pub fn free(to: &Path) -> Result<(), String> {
    if is_zip(to) {
        return match std::fs::symlink_metadata(to) {
            Ok(_) => Err(format!("{} exists: a bundle is written to a new file", to.display())),
            Err(_) => Ok(()),
        };
    }
    match std::fs::read_dir(to) {
        Ok(mut entries) => match entries.next() {
            Some(_) => Err(format!(
                "{} is not empty: a bundle goes into a new folder",
                to.display()
            )),
            None => Ok(()),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("{}: {e}", to.display())),
    }
}

/// Write session `id` of `store` as a bundle at `to` — a ZIP archive if it ends
/// in `.zip`, else a folder (which must not exist, or be empty) — signed with
/// `key` when one is given.
pub fn write(store: &Store, id: &str, to: &Path, key: Option<&Key>) -> Result<Written, String> {
    let plan = plan::plan(store, id, key)?;
    if is_zip(to) {
        zip(store, id, &plan, to)?;
    } else {
        folder(store, id, &plan, to)?;
    }
    Ok(Written {
        manifest: plan.manifest,
        sums: plan.sums,
    })
}

/// Copy an entry's bytes into `out`. Bytes made for the bundle were hashed
/// when planned; a blob is checked by the store against the SHA-256 it is
/// named by (the planned one) as it streams, and its size against the plan.
fn fill(store: &Store, id: &str, entry: &Entry, out: &mut dyn Write) -> Result<(), String> {
    match &entry.source {
        Source::Bytes(bytes) => out.write_all(bytes).map_err(|e| format!("{}: {e}", entry.path)),
        Source::Blob(sha) => {
            let bytes = store.copy_blob(id, sha, out)?;
            if bytes != entry.bytes {
                return Err(format!(
                    "{}: changed while the bundle was written; export again",
                    entry.path
                ));
            }
            Ok(())
        }
    }
}

/// A name beside `to` to write into before it is renamed into place.
fn partial_beside(to: &Path) -> Result<PathBuf, String> {
    let name = to
        .file_name()
        .ok_or_else(|| format!("{}: not a file or folder name", to.display()))?;
    let mut partial = name.to_os_string();
    partial.push(format!(".partial-{}", std::process::id()));
    Ok(to.with_file_name(partial))
}

fn folder(store: &Store, id: &str, plan: &plan::Plan, to: &Path) -> Result<(), String> {
    let shown = |e: std::io::Error| format!("{}: {e}", to.display());
    free(to)?;
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(shown)?;
    }
    let partial = partial_beside(to)?;
    let written = folder_into(store, id, plan, &partial).and_then(|()| {
        // An empty folder given by the user is replaced by the whole bundle.
        let _ = std::fs::remove_dir(to);
        std::fs::rename(&partial, to).map_err(shown)
    });
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    written?;
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::session::store::sync_dir(parent)?;
    }
    Ok(())
}

fn folder_into(store: &Store, id: &str, plan: &plan::Plan, dir: &Path) -> Result<(), String> {
    let shown = |path: &Path, e: std::io::Error| format!("{}: {e}", path.display());
    std::fs::create_dir(dir).map_err(|e| shown(dir, e))?;
    let mut folders = std::collections::BTreeSet::new();
    for entry in &plan.entries {
        let path = dir.join(&entry.path);
        if let Some(parent) = path.parent() {
            if parent != dir && folders.insert(parent.to_path_buf()) {
                std::fs::create_dir(parent).map_err(|e| shown(parent, e))?;
            }
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| shown(&path, e))?;
        let mut file = WriteBehind::new(file);
        fill(store, id, entry, &mut file)?;
        file.into_inner().sync_all().map_err(|e| shown(&path, e))?;
    }
    for folder in &folders {
        crate::session::store::sync_dir(folder)?;
    }
    crate::session::store::sync_dir(dir)
}

/// The ZIP time of `time` (UTC); before 1980, 1980-01-01 (the format's first day).
fn zip_time(time: chrono::DateTime<chrono::Utc>) -> zip::DateTime {
    use chrono::{Datelike, Timelike};
    let fields = (
        u16::try_from(time.year()).unwrap_or(1980),
        time.month() as u8,
        time.day() as u8,
        time.hour() as u8,
        time.minute() as u8,
        time.second() as u8,
    );
    zip::DateTime::from_date_and_time(fields.0, fields.1, fields.2, fields.3, fields.4, fields.5).unwrap_or_default()
}

fn zip(store: &Store, id: &str, plan: &plan::Plan, to: &Path) -> Result<(), String> {
    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;
    free(to)?;
    let shown = |e: &dyn std::fmt::Display| format!("{}: {e}", to.display());
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| shown(&e))?;
    }
    let partial = partial_beside(to)?;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial)
        .map_err(|e| shown(&e))?;
    let time = zip_time(plan.time);
    let written = (|| {
        let mut archive = zip::ZipWriter::new(std::io::BufWriter::new(WriteBehind::new(file)));
        for entry in &plan.entries {
            let stored = entry.path.starts_with("attachments/");
            let options = SimpleFileOptions::default()
                .compression_method(if stored {
                    CompressionMethod::Stored
                } else {
                    CompressionMethod::Deflated
                })
                .last_modified_time(time)
                .unix_permissions(0o644)
                .large_file(entry.bytes >= u64::from(u32::MAX));
            archive
                .start_file(entry.path.as_str(), options)
                .map_err(|e| shown(&e))?;
            fill(store, id, entry, &mut archive)?;
        }
        let buffered = archive.finish().map_err(|e| shown(&e))?;
        let file = buffered
            .into_inner()
            .map_err(|e| shown(&e.error().to_string()))?
            .into_inner();
        file.sync_all().map_err(|e| shown(&e))?;
        std::fs::rename(&partial, to).map_err(|e| shown(&e))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written?;
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::session::store::sync_dir(parent)?;
    }
    Ok(())
}

/// A bundle file being written, its pages handed to the disk as it grows.
/// Left alone, Linux writes dirty pages back only past a tenth of free memory
/// (gigabytes) or after 30 s, so the closing fsync of a 1 GiB bundle waited for
/// all of it after it was hashed: the hashing time plus the writing time, where
/// they can overlap. Every `STEP` bytes, `POSIX_FADV_DONTNEED` over the part
/// just written starts its writeback on Linux without waiting for it (pages
/// still dirty or being written stay cached). A hint: its errors are ignored,
/// other systems skip it, and the fsync after is what makes the file durable.
/// Seeks (the ZIP writer's) go to the file.
struct WriteBehind {
    file: std::fs::File,
    position: u64,
    /// How far the file has been written, and handed to the disk.
    end: u64,
    handed: u64,
}

impl WriteBehind {
    const STEP: u64 = 16 << 20;

    fn new(file: std::fs::File) -> WriteBehind {
        WriteBehind {
            file,
            position: 0,
            end: 0,
            handed: 0,
        }
    }

    fn into_inner(self) -> std::fs::File {
        self.file
    }
}

impl Write for WriteBehind {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.position += n as u64;
        self.end = self.end.max(self.position);
        if self.end - self.handed >= Self::STEP {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            {
                let len = std::num::NonZeroU64::new(self.end - self.handed);
                let _ = rustix::fs::fadvise(&self.file, self.handed, len, rustix::fs::Advice::DontNeed);
            }
            self.handed = self.end;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl std::io::Seek for WriteBehind {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.position = self.file.seek(to)?;
        Ok(self.position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    /// A store holding one session whose blob named `named` holds `bytes`.
    fn store_with(named: &str, bytes: &[u8]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::at(dir.path().join("sessions"));
        store.create("ab12").expect("session folder");
        store.put_blob("ab12", named, bytes).expect("blob");
        (dir, store)
    }

    fn blob_entry(sha256: &str, bytes: u64) -> Entry {
        Entry {
            path: format!("attachments/{sha256}"),
            source: Source::Blob(sha256.to_string()),
            sha256: sha256.to_string(),
            bytes,
        }
    }

    #[test]
    fn a_blob_is_copied_whole_and_checked_once_against_its_name() {
        let sha = hex::encode(sha2::Sha256::digest(b"the plan"));
        let (_dir, store) = store_with(&sha, b"the plan");
        let mut out = Vec::new();
        fill(&store, "ab12", &blob_entry(&sha, 8), &mut out).expect("copied");
        assert_eq!(out, b"the plan");
        // Planned at another size than the store holds: refused.
        let err = fill(&store, "ab12", &blob_entry(&sha, 9), &mut Vec::new()).expect_err("size");
        assert!(err.contains("changed while the bundle was written"), "{err}");
    }

    #[test]
    fn a_blob_changed_in_the_store_fails_the_export() {
        let sha = hex::encode(sha2::Sha256::digest(b"the plan"));
        let (_dir, store) = store_with(&sha, b"the plot");
        let err = fill(&store, "ab12", &blob_entry(&sha, 8), &mut Vec::new()).expect_err("tampered");
        assert!(err.contains("no longer match its hash"), "{err}");
    }
}
