//! An archive made by `vouch collector`, read as a target: never extracted, read
//! once into memory within caps (compressed size, uncompressed total, entries,
//! each file), refusing what a collector never writes — absolute or `..` paths,
//! links, devices, FIFOs — so a hostile archive ends with a reason, not a write.
//! The MANIFEST says what the script looked for and how it went: a file it found
//! absent is missing; one it never looked for is not collected (unread, never
//! absent). Evidence from here has provenance `imported`.

use super::{Admission, Admit, CommandRun, DirList, FileIdentity, FileRead, Stat, Transport, TransportError};
use crate::evidence::record::Provenance;
use crate::evidence::{FileKind, FileMeta};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// The largest archive read, compressed and uncompressed, and its most entries.
const COMPRESSED_CAP: u64 = 256 << 20;
const UNCOMPRESSED_CAP: u64 = 1 << 30;
const ENTRIES_CAP: usize = 200_000;
/// Configuration text packs 3 to 20 times smaller; past `RATIO_FLOOR` unpacked,
/// an archive unpacking to more than `RATIO` times its size is a bomb.
const RATIO: u64 = 200;
const RATIO_FLOOR: u64 = 32 << 20;
/// The largest entry (the collector caps files at 16 MiB, outputs at 8 MiB).
const ENTRY_CAP: u64 = 16 << 20;
/// Every entry lives under this folder.
const TOP: &str = "vouch-collect/";

/// What the manifest says of one file.
#[derive(Debug, Clone)]
enum Gathered {
    Present {
        meta: FileMeta,
        device: u64,
        inode: u64,
    },
    Missing,
    NotRegular(u32),
    Unreadable,
    /// A link in a user's home, not followed by the collector (run as root).
    Link,
    TooLarge(u64),
}

/// One command's run, as the script kept it.
#[derive(Debug, Clone)]
struct Ran {
    entry: usize,
    exit: Option<i32>,
    not_found: bool,
}

/// An imported archive.
pub struct ArchiveTransport {
    name: String,
    host: String,
    collected: String,
    files: BTreeMap<String, Gathered>,
    dirs: BTreeMap<String, Option<usize>>,
    metas: BTreeMap<String, Option<FileMeta>>,
    commands: BTreeMap<String, Ran>,
    /// Entry bodies by path inside the archive (`files/...`, `dirs/N`, `commands/N.out`).
    bodies: BTreeMap<String, Vec<u8>>,
}

fn refused(archive: &Path, reason: impl std::fmt::Display) -> TransportError {
    TransportError::Refused {
        target: archive.display().to_string(),
        reason: format!("not a vouch collector archive: {reason}"),
    }
}

impl ArchiveTransport {
    /// Read and check `archive` (a `.tar.gz` made by `vouch collector`).
    pub fn open(archive: &Path) -> Result<ArchiveTransport, TransportError> {
        let file = std::fs::File::open(archive).map_err(|e| TransportError::Unreachable {
            target: archive.display().to_string(),
            reason: e.to_string(),
        })?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        if size > COMPRESSED_CAP {
            return Err(refused(archive, format!("larger than {} MiB", COMPRESSED_CAP >> 20)));
        }
        let read = std::rc::Rc::new(std::cell::Cell::new(0u64));
        let counted = Counted {
            inner: file.take(COMPRESSED_CAP + 1),
            read: read.clone(),
        };
        let gz = flate2::read::GzDecoder::new(counted);
        // One budget for everything unpacked: a bomb stops at it.
        let mut tar = tar::Archive::new(gz.take(UNCOMPRESSED_CAP + 1));
        let mut bodies = BTreeMap::new();
        let mut total: u64 = 0;
        let entries = tar.entries().map_err(|e| refused(archive, e))?;
        for (count, entry) in entries.enumerate() {
            if count >= ENTRIES_CAP {
                return Err(refused(archive, format!("more than {ENTRIES_CAP} entries")));
            }
            let mut entry = entry.map_err(|e| refused(archive, e))?;
            let path = entry.path_bytes().into_owned();
            let name = String::from_utf8(path).map_err(|_| refused(archive, "an entry's name is not UTF-8"))?;
            check_name(&name).map_err(|why| refused(archive, why))?;
            let kind = entry.header().entry_type();
            if kind.is_dir() {
                continue;
            }
            if !kind.is_file() {
                return Err(refused(
                    archive,
                    format!(
                        "{} is a {kind:?} entry: links, devices and FIFOs are never imported",
                        crate::sanitize::terminal(&name)
                    ),
                ));
            }
            let declared = entry.header().size().unwrap_or(u64::MAX);
            if declared > ENTRY_CAP {
                return Err(refused(
                    archive,
                    format!(
                        "{} is larger than {} MiB",
                        crate::sanitize::terminal(&name),
                        ENTRY_CAP >> 20
                    ),
                ));
            }
            let mut body = Vec::new();
            (&mut entry)
                .take(ENTRY_CAP + 1)
                .read_to_end(&mut body)
                .map_err(|e| refused(archive, e))?;
            total += body.len() as u64;
            if total > UNCOMPRESSED_CAP {
                return Err(refused(
                    archive,
                    format!("unpacks to more than {} MiB", UNCOMPRESSED_CAP >> 20),
                ));
            }
            if total > RATIO_FLOOR && total > RATIO.saturating_mul(read.get().max(1)) {
                return Err(refused(
                    archive,
                    format!("unpacks to more than {RATIO} times its size (a bomb?)"),
                ));
            }
            let Some(inner) = name.strip_prefix(TOP).filter(|i| !i.is_empty()) else {
                return Err(refused(
                    archive,
                    format!("{}: not a file the collector writes", crate::sanitize::terminal(&name)),
                ));
            };
            bodies.insert(inner.to_string(), body);
        }
        let manifest = bodies
            .remove("MANIFEST")
            .ok_or_else(|| refused(archive, "no MANIFEST"))?;
        let manifest = String::from_utf8(manifest).map_err(|_| refused(archive, "the MANIFEST is not UTF-8"))?;
        let mut imported = ArchiveTransport {
            name: archive.display().to_string(),
            host: String::new(),
            collected: String::new(),
            files: BTreeMap::new(),
            dirs: BTreeMap::new(),
            metas: BTreeMap::new(),
            commands: BTreeMap::new(),
            bodies,
        };
        imported.read_manifest(&manifest).map_err(|why| refused(archive, why))?;
        Ok(imported)
    }

    fn read_manifest(&mut self, text: &str) -> Result<(), String> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, "vouch-collect\t1")) => {}
            _ => return Err("the MANIFEST does not start with `vouch-collect 1`".into()),
        }
        for (index, line) in lines {
            let at = |why: &str| format!("MANIFEST line {}: {why}", index + 1);
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["host", host] => self.host = host.to_string(),
                ["collected", when] => self.collected = when.to_string(),
                ["user", _] => {}
                ["file", path, how, rest @ ..] => {
                    let gathered = match (*how, rest) {
                        ("present", [meta]) => {
                            let (meta, device, inode) = parse_meta(meta).ok_or_else(|| at("bad metadata"))?;
                            if !self.bodies.contains_key(&format!("files{path}")) {
                                return Err(at("a file said present is not in the archive"));
                            }
                            Gathered::Present { meta, device, inode }
                        }
                        ("missing", []) => Gathered::Missing,
                        ("unreadable", []) => Gathered::Unreadable,
                        ("link", []) => Gathered::Link,
                        ("not-regular", [mode]) => Gathered::NotRegular(u32::from_str_radix(mode, 16).unwrap_or(0)),
                        ("too-large", [size]) => Gathered::TooLarge(size.parse().unwrap_or(0)),
                        _ => return Err(at("an unknown file line")),
                    };
                    self.files.insert(path.to_string(), gathered);
                }
                ["dir", path, "listed", n] => {
                    self.dirs
                        .insert(path.to_string(), Some(n.parse().map_err(|_| at("bad listing"))?));
                }
                ["dir", path, "missing" | "not-dir" | "unreadable"] => {
                    let missing = fields[2] == "missing";
                    self.dirs
                        .insert(path.to_string(), if missing { None } else { Some(usize::MAX) });
                }
                ["meta", path, "present", meta, link] => {
                    let (mut meta, _, _) = parse_meta(meta).ok_or_else(|| at("bad metadata"))?;
                    meta.link = (!link.is_empty()).then(|| link.to_string());
                    self.metas.insert(path.to_string(), Some(meta));
                }
                ["meta", path, "missing" | "unreadable"] => {
                    self.metas.insert(path.to_string(), None);
                }
                ["command", n, "ran", exit, argv] => {
                    let entry = n.parse().map_err(|_| at("bad command number"))?;
                    let exit = exit.parse().ok();
                    self.commands.insert(
                        argv.to_string(),
                        Ran {
                            entry,
                            exit,
                            not_found: false,
                        },
                    );
                }
                ["command", n, "not-found", argv] => {
                    let entry = n.parse().map_err(|_| at("bad command number"))?;
                    self.commands.insert(
                        argv.to_string(),
                        Ran {
                            entry,
                            exit: None,
                            not_found: true,
                        },
                    );
                }
                _ => return Err(at("not a line vouch's collector writes")),
            }
        }
        Ok(())
    }

    /// The host the archive was collected on, as it named itself.
    pub fn host(&self) -> &str {
        &self.host
    }
}

/// Names a collector writes: under `vouch-collect/`, no `..`, no empty or `.` parts.
fn check_name(name: &str) -> Result<(), String> {
    let shown = crate::sanitize::terminal(name);
    if name.starts_with('/') {
        return Err(format!("{shown}: an absolute path"));
    }
    let inner = name
        .strip_prefix(TOP)
        .or_else(|| (name == "vouch-collect" || name == TOP).then_some(""))
        .ok_or_else(|| format!("{shown}: outside vouch-collect/"))?;
    if inner.split('/').any(|part| part == ".." || part == ".") {
        return Err(format!("{shown}: a path with `..` or `.`"));
    }
    Ok(())
}

/// A reader that counts what it gives (the compressed bytes consumed).
struct Counted<R> {
    inner: R,
    read: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

fn parse_meta(text: &str) -> Option<(FileMeta, u64, u64)> {
    crate::transport::ssh::fallback::parse_stat(text.as_bytes())
}

impl Transport for ArchiveTransport {
    fn describe(&self) -> String {
        format!(
            "imported {} (collected on {} at {})",
            self.name,
            crate::sanitize::terminal(&self.host),
            crate::sanitize::terminal(&self.collected)
        )
    }

    fn provenance(&self) -> Provenance {
        Provenance::Imported
    }

    fn read_file(&self, path: &str, cap: u64, admit: Admit) -> Result<FileRead, TransportError> {
        Ok(match self.files.get(path) {
            None => FileRead::Failed(format!(
                "{path} is not in the archive (the collector did not gather it)"
            )),
            Some(Gathered::Missing) => FileRead::Missing,
            Some(Gathered::Unreadable) => FileRead::Failed("the collector could not read it".into()),
            Some(Gathered::Link) => FileRead::Failed(format!(
                "{path} is a link in a user's home, which the collector does not follow as root"
            )),
            Some(Gathered::NotRegular(mode)) => FileRead::Failed(format!("{path} is {}", super::describe_kind(*mode))),
            Some(Gathered::TooLarge(bytes)) => FileRead::TooLarge { bytes: *bytes },
            Some(Gathered::Present { meta, device, inode }) => {
                let body = self.bodies.get(&format!("files{path}")).cloned().unwrap_or_default();
                let size = body.len() as u64;
                if size > cap {
                    return Ok(FileRead::TooLarge { bytes: size });
                }
                let identity = FileIdentity {
                    device: *device,
                    inode: *inode,
                    size,
                    mtime: (meta.mtime, 0),
                };
                match admit(&identity) {
                    Admission::Read => FileRead::Bytes(body),
                    Admission::Known => FileRead::Known(identity),
                    Admission::Decline(reason) => FileRead::Declined(reason),
                }
            }
        })
    }

    fn list_dir(&self, path: &str) -> Result<DirList, TransportError> {
        let key = if path.len() > 1 {
            path.trim_end_matches('/')
        } else {
            path
        };
        Ok(match self.dirs.get(key) {
            None => DirList::Failed(format!("{path} is not in the archive (the collector did not list it)")),
            Some(None) => DirList::Missing,
            Some(Some(usize::MAX)) => DirList::Failed("the collector could not list it".into()),
            Some(Some(n)) => {
                let body = self.bodies.get(&format!("dirs/{n}")).cloned().unwrap_or_default();
                let mut names: Vec<&[u8]> = body.split(|b| *b == 0).filter(|n| !n.is_empty()).collect();
                names.sort();
                DirList::Names(
                    names
                        .iter()
                        .map(|n| crate::pathname::from_bytes(n).into_owned())
                        .collect(),
                )
            }
        })
    }

    fn stat(&self, path: &str) -> Result<Stat, TransportError> {
        if let Some(meta) = self.metas.get(path) {
            return Ok(match meta {
                Some(meta) => Stat::Meta(meta.clone()),
                None => Stat::Missing,
            });
        }
        // A file gathered whole says what it is, as a stat would (links followed).
        Ok(match self.files.get(path) {
            Some(Gathered::Present { meta, .. }) => Stat::Meta(FileMeta {
                kind: FileKind::File,
                ..meta.clone()
            }),
            Some(Gathered::Missing) => Stat::Missing,
            _ => Stat::Failed(format!(
                "{path} is not in the archive (the collector did not look at it)"
            )),
        })
    }

    fn run(&self, argv: &[String], _timeout: Duration, output_cap: u64) -> Result<CommandRun, TransportError> {
        let line = argv.join(" ");
        let Some(ran) = self.commands.get(&line) else {
            return Ok(CommandRun::NotRun(format!(
                "`{line}` is not in the archive (the collector did not run it)"
            )));
        };
        if ran.not_found {
            return Ok(CommandRun::NotRun(format!(
                "`{}` is not installed on the server",
                argv[0]
            )));
        }
        let body = |suffix: &str| {
            self.bodies
                .get(&format!("commands/{}.{suffix}", ran.entry))
                .cloned()
                .unwrap_or_default()
        };
        let mut stdout = body("out");
        let cap = usize::try_from(output_cap).unwrap_or(usize::MAX);
        let truncated = stdout.len() > cap || stdout.len() as u64 >= 8 << 20;
        stdout.truncate(cap);
        let timed_out = ran.exit == Some(124);
        Ok(CommandRun::Finished {
            stdout,
            stderr: body("err"),
            exit_code: if timed_out { None } else { ran.exit },
            timed_out,
            truncated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_outside_the_collector_folder_are_refused() {
        assert!(check_name("vouch-collect/files/etc/passwd").is_ok());
        for bad in [
            "/etc/passwd",
            "vouch-collect/../x",
            "vouch-collect/files/./x",
            "other/x",
            "vouch-collectx/y",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
