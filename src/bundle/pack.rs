//! Reading a bundle someone handed over, folder or ZIP, without trusting it:
//! what it holds (each entry a plain file, a folder, a link, or refused and
//! why), a small file's bytes under a cap, and a file's SHA-256, streamed.
//! Nothing is ever extracted. A ZIP entry whose name climbs out (`..`), is
//! absolute, is not UTF-8 or is given twice, a link, or one that inflates
//! absurdly (a zip bomb) is refused; a folder's links are named, never followed.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Past this many bytes of output per byte stored, an entry is a zip bomb
/// (text deflates 5–20 times; deflate's ceiling is about 1,032).
const MAX_RATIO: u64 = 200;
/// Entries smaller than this are never refused for their ratio.
const RATIO_FLOOR: u64 = 1 << 20;

/// What an entry of a pack is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    File,
    Folder,
    Link,
    /// Never read: why.
    Refused(String),
}

/// One entry, its path inside the pack (`/`-separated) and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub path: String,
    pub kind: Kind,
}

/// An opened pack.
pub enum Pack {
    Folder(PathBuf),
    Zip {
        archive: Box<zip::ZipArchive<std::fs::File>>,
        /// Readable entries by name.
        index: BTreeMap<String, usize>,
        items: Vec<Item>,
    },
    /// A ZIP archive in another layout than vouch writes: never read further.
    Refused(String),
}

/// A path inside a pack: relative, `/`-separated, no `.`, `..` or empty part,
/// no backslash.
pub fn plain(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != ".." && part != ".")
}

impl Pack {
    /// A folder, or a ZIP archive (a file). Err: neither, or not a ZIP.
    pub fn open(path: &Path) -> Result<Pack, String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.is_dir() {
            return Ok(Pack::Folder(path.to_path_buf()));
        }
        let mut file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let layout = super::layout::check(&mut file);
        let archive = zip::ZipArchive::new(file);
        let mut archive = match (layout, archive) {
            (Ok(()), Ok(archive)) => archive,
            (_, Err(e)) => return Err(format!("{}: not a ZIP archive ({e})", path.display())),
            (Err(why), Ok(_)) => return Ok(Pack::Refused(why)),
        };
        let mut index = BTreeMap::new();
        let mut items = Vec::new();
        for number in 0..archive.len() {
            let entry = archive
                .by_index_raw(number)
                .map_err(|e| format!("{}: entry {number}: {e}", path.display()))?;
            let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
            let (path, folder) = match name.strip_suffix('/') {
                Some(folder) => (folder.to_string(), true),
                None => (name.clone(), false),
            };
            let stored = entry.compressed_size().max(1);
            let kind = if std::str::from_utf8(entry.name_raw()).is_err() {
                Kind::Refused("its name is not UTF-8".into())
            } else if !plain(&path) {
                Kind::Refused("its name leaves the pack (absolute, `..` or `\\`)".into())
            } else if entry.is_symlink() {
                Kind::Link
            } else if folder || entry.is_dir() {
                Kind::Folder
            } else if entry.size() > RATIO_FLOOR && entry.size() / stored > MAX_RATIO {
                Kind::Refused(format!(
                    "it inflates {}:1 ({} bytes from {}), a zip bomb",
                    entry.size() / stored,
                    entry.size(),
                    entry.compressed_size()
                ))
            } else if entry.encrypted() {
                Kind::Refused("it is encrypted".into())
            } else if index.contains_key(&path) {
                Kind::Refused("it is given twice".into())
            } else {
                index.insert(path.clone(), number);
                Kind::File
            };
            items.push(Item { path, kind });
        }
        Ok(Pack::Zip {
            archive: Box::new(archive),
            index,
            items,
        })
    }

    /// Why this pack is refused unread, if it is.
    pub fn refusal(&self) -> Option<&str> {
        match self {
            Pack::Refused(why) => Some(why),
            _ => None,
        }
    }

    /// Every entry.
    pub fn items(&self) -> Result<Vec<Item>, String> {
        match self {
            Pack::Folder(root) => walk(root),
            Pack::Zip { items, .. } => Ok(items.clone()),
            Pack::Refused(why) => Err(why.clone()),
        }
    }

    /// Stream a plain file's bytes through `each`; Err names the file.
    pub fn stream(&mut self, path: &str, each: &mut dyn FnMut(&[u8])) -> Result<u64, String> {
        if !plain(path) {
            return Err(format!("`{}`: outside the bundle", crate::sanitize::terminal(path)));
        }
        let missing = || format!("{path}: missing");
        match self {
            Pack::Folder(root) => {
                let file = open_beneath(root, path).map_err(|e| match e {
                    rustix::io::Errno::NOENT => missing(),
                    rustix::io::Errno::LOOP | rustix::io::Errno::XDEV => {
                        format!("{path}: reached through a link (a bundle holds only files)")
                    }
                    other => format!("{path}: {other}"),
                })?;
                let file = std::fs::File::from(file);
                let meta = file.metadata().map_err(|e| format!("{path}: {e}"))?;
                if !meta.is_file() {
                    return Err(format!("{path}: not a plain file"));
                }
                pump(file, u64::MAX, each).map_err(|e| format!("{path}: {e}"))
            }
            Pack::Zip { archive, index, .. } => {
                let number = *index.get(path).ok_or_else(missing)?;
                let entry = archive.by_index(number).map_err(|e| format!("{path}: {e}"))?;
                let declared = entry.size();
                let read = pump(entry, declared, each).map_err(|e| format!("{path}: {e}"))?;
                if read != declared {
                    return Err(format!("{path}: {read} bytes where the archive says {declared}"));
                }
                Ok(read)
            }
            Pack::Refused(why) => Err(why.clone()),
        }
    }

    /// A file's bytes, refused past `cap`.
    pub fn read(&mut self, path: &str, cap: u64) -> Result<Vec<u8>, String> {
        let mut bytes = Vec::new();
        let mut over = false;
        self.stream(path, &mut |chunk| {
            if bytes.len() as u64 + chunk.len() as u64 > cap {
                over = true;
            } else {
                bytes.extend_from_slice(chunk);
            }
        })?;
        if over {
            return Err(format!("{path}: over {cap} bytes"));
        }
        Ok(bytes)
    }

    /// A file's SHA-256 (hex) and size, streamed.
    pub fn hash(&mut self, path: &str) -> Result<(String, u64), String> {
        let mut hasher = Sha256::new();
        let bytes = self.stream(path, &mut |chunk| hasher.update(chunk))?;
        Ok((hex::encode(hasher.finalize()), bytes))
    }
}

/// Read `from` in chunks into `each`, at most `limit` + 1 bytes (so a reader
/// that gives more than it declared is caught).
fn pump(from: impl Read, limit: u64, each: &mut dyn FnMut(&[u8])) -> std::io::Result<u64> {
    let mut from = from.take(limit.saturating_add(1));
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            return Ok(total);
        }
        each(&buf[..n]);
        total += n as u64;
    }
}

/// Open `path` under the folder `root` without following any link on the way
/// (`openat2` with RESOLVE_BENEATH and RESOLVE_NO_SYMLINKS; without openat2,
/// one component at a time with O_NOFOLLOW), non-blocking so a FIFO cannot hang
/// the check.
fn open_beneath(root: &Path, path: &str) -> Result<rustix::fd::OwnedFd, rustix::io::Errno> {
    use rustix::fs::{openat, openat2, Mode, OFlags, ResolveFlags, CWD};
    let dir = openat(
        CWD,
        root,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
    match openat2(&dir, path, flags, Mode::empty(), resolve) {
        Err(rustix::io::Errno::NOSYS) => {}
        other => return other,
    }
    let mut at = dir;
    let parts: Vec<&str> = path.split('/').collect();
    for (index, part) in parts.iter().enumerate() {
        let last = index + 1 == parts.len();
        let part_flags = if last {
            flags
        } else {
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC
        };
        at = openat(&at, *part, part_flags, Mode::empty())?;
    }
    Ok(at)
}

/// A folder's entries, links named and not followed.
fn walk(root: &Path) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                items.push(Item {
                    path: format!("{prefix}{}", entry.file_name().to_string_lossy()),
                    kind: Kind::Refused("its name is not UTF-8".into()),
                });
                continue;
            };
            let path = format!("{prefix}{name}");
            let file_type = entry.file_type().map_err(|e| e.to_string())?;
            let kind = if file_type.is_symlink() {
                Kind::Link
            } else if file_type.is_dir() {
                stack.push((entry.path(), format!("{path}/")));
                Kind::Folder
            } else if file_type.is_file() {
                Kind::File
            } else {
                Kind::Refused("not a plain file".into())
            };
            items.push(Item { path, kind });
        }
    }
    items.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_inside_a_pack() {
        for good in ["results.json", "evidence/ev-0123", "attachments/ab"] {
            assert!(plain(good), "{good}");
        }
        for bad in ["", "/etc/passwd", "../x", "a/../b", "a//b", "./a", "a\\..\\b", "a/"] {
            assert!(!plain(bad), "{bad}");
        }
    }
}
