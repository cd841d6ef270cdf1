//! The filesystem transport: this machine (`local`), or a foreign tree under
//! `--root DIR` whose paths and symlinks resolve inside DIR (by the kernel, relative
//! to a handle on DIR: see `confined`) and where no command runs. A file is examined
//! through a handle that cannot block or act (`O_PATH`), and read only when that
//! handle is a regular file of acceptable size; the handle it is read through must
//! be the same file, so nothing swapped in between is read.

use super::confined::Root;
use super::{command, Admit, CommandRun, DirList, FileIdentity, FileRead, Stat, Transport, TransportError};
use crate::evidence::FileMeta;
use crate::pathname::{from_bytes, to_bytes};
use rustix::fs::{FileType, Mode, OFlags};
use rustix::io::Errno;
use std::io::Read;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// `local` (no root) or `local --root DIR`.
#[derive(Debug, Clone)]
pub struct FsTransport {
    root: Option<Rooted>,
}

/// The foreign tree: its handle, or why it could not be opened.
#[derive(Debug, Clone)]
struct Rooted {
    path: PathBuf,
    handle: Result<Arc<Root>, String>,
}

impl FsTransport {
    /// This machine: reads files and runs read-only commands.
    pub fn local() -> Self {
        FsTransport { root: None }
    }

    /// A foreign tree: reads under `root`, runs no command. The root is opened once
    /// here; if it cannot be, every read says why.
    pub fn rooted(root: impl Into<PathBuf>) -> Self {
        let path = root.into();
        let handle = Root::open(&path)
            .map(Arc::new)
            .map_err(|e| format!("--root {}: {e}", path.display()));
        FsTransport {
            root: Some(Rooted { path, handle }),
        }
    }

    pub fn root(&self) -> Option<&Path> {
        self.root.as_ref().map(|r| r.path.as_path())
    }

    /// Open a target path (absolute) with `flags`, confined to the root if any.
    fn open(&self, path: &str, flags: OFlags) -> Result<OwnedFd, Failure> {
        if !path.starts_with('/') {
            return Err(Failure::Other(format!("`{path}` is not an absolute path")));
        }
        let opened = match &self.root {
            None => rustix::fs::open(
                &*to_bytes(path),
                flags | OFlags::CLOEXEC | OFlags::NOCTTY,
                Mode::empty(),
            ),
            Some(Rooted { handle: Ok(root), .. }) => root.open_in(path, flags),
            Some(Rooted {
                handle: Err(reason), ..
            }) => return Err(Failure::Other(reason.clone())),
        };
        opened.map_err(Failure::from)
    }

    /// Metadata without following a final symlink, and the link's target.
    fn lstat(&self, path: &str) -> Result<(rustix::fs::Stat, Option<Vec<u8>>), Failure> {
        if !path.starts_with('/') {
            return Err(Failure::Other(format!("`{path}` is not an absolute path")));
        }
        let found = match &self.root {
            None => local_lstat(path),
            Some(Rooted { handle: Ok(root), .. }) => root.lstat(path),
            Some(Rooted {
                handle: Err(reason), ..
            }) => return Err(Failure::Other(reason.clone())),
        };
        found.map_err(Failure::from)
    }

    fn read(&self, path: &str, cap: u64, admit: Admit) -> FileRead {
        let probe = match self.open(path, OFlags::PATH) {
            Ok(fd) => fd,
            Err(Failure::Missing | Failure::NotDirectory) => return FileRead::Missing,
            Err(other) => return FileRead::Failed(other.reason()),
        };
        let seen = match rustix::fs::fstat(&probe) {
            Ok(seen) => seen,
            Err(e) => return FileRead::Failed(Failure::from(e).reason()),
        };
        if FileType::from_raw_mode(seen.st_mode) != FileType::RegularFile {
            return FileRead::Failed(format!("{path} is {}", super::describe_kind(seen.st_mode)));
        }
        let size = u64::try_from(seen.st_size).unwrap_or(0);
        if size > cap {
            return FileRead::TooLarge { bytes: size };
        }
        let identity = FileIdentity {
            device: seen.st_dev,
            inode: seen.st_ino,
            size,
            mtime: (seen.st_mtime, i64::try_from(seen.st_mtime_nsec).unwrap_or(0)),
        };
        match admit(&identity) {
            super::Admission::Read => {}
            super::Admission::Known => return FileRead::Known(identity),
            super::Admission::Decline(reason) => return FileRead::Declined(reason),
        }
        // Read through the very file that was examined: reopening the O_PATH handle
        // (its /proc/self/fd link names that inode, not a path) cannot reach a FIFO
        // or a device swapped in meanwhile. Without /proc, the path is resolved
        // again (O_NONBLOCK, so a FIFO cannot hang it) and the inode compared.
        let reopened = reopen(&probe).or_else(|_| self.open(path, OFlags::RDONLY | OFlags::NONBLOCK));
        let fd = match reopened {
            Ok(fd) => fd,
            Err(Failure::Missing | Failure::NotDirectory) => return FileRead::Missing,
            Err(other) => return FileRead::Failed(other.reason()),
        };
        match rustix::fs::fstat(&fd) {
            Ok(now) if (now.st_dev, now.st_ino) == (seen.st_dev, seen.st_ino) => {}
            Ok(_) => return FileRead::Failed(format!("{path} was replaced while being read")),
            Err(e) => return FileRead::Failed(Failure::from(e).reason()),
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        match std::fs::File::from(fd).take(cap + 1).read_to_end(&mut bytes) {
            Ok(_) if bytes.len() as u64 > cap => FileRead::TooLarge {
                bytes: bytes.len() as u64,
            },
            Ok(_) => FileRead::Bytes(bytes),
            Err(e) => FileRead::Failed(io_reason(&e)),
        }
    }

    fn list(&self, path: &str) -> DirList {
        let fd = match self.open(path, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::DIRECTORY) {
            Ok(fd) => fd,
            Err(Failure::Missing) => return DirList::Missing,
            Err(Failure::NotDirectory) if self.lstat(path).is_ok() => {
                return DirList::Failed(format!("{path} is not a directory"))
            }
            Err(Failure::NotDirectory) => return DirList::Missing,
            Err(other) => return DirList::Failed(other.reason()),
        };
        let dir = match rustix::fs::Dir::read_from(&fd) {
            Ok(dir) => dir,
            Err(e) => return DirList::Failed(Failure::from(e).reason()),
        };
        let mut names = Vec::new();
        for entry in dir {
            match entry {
                Ok(entry) => match entry.file_name().to_bytes() {
                    b"." | b".." => {}
                    // A name that is not UTF-8 is carried losslessly (see `pathname`).
                    raw => names.push(from_bytes(raw).into_owned()),
                },
                Err(e) => return DirList::Failed(Failure::from(e).reason()),
            }
        }
        // In byte order, as glob(3) and the programs that include them sort.
        names.sort_by(|a, b| to_bytes(a).cmp(&to_bytes(b)));
        DirList::Names(names)
    }

    fn examine(&self, path: &str) -> Stat {
        match self.lstat(path) {
            Ok((found, link)) => Stat::Meta(FileMeta {
                link: link.map(|l| from_bytes(&l).into_owned()),
                ..to_meta(&found)
            }),
            Err(Failure::Missing | Failure::NotDirectory) => Stat::Missing,
            Err(other) => Stat::Failed(other.reason()),
        }
    }
}

/// Why a path could not be opened.
#[derive(Debug)]
enum Failure {
    /// A component does not exist (the path is absent on the target).
    Missing,
    /// A component that must be a directory is not one.
    NotDirectory,
    /// Too many symlinks: a loop.
    Loop,
    Other(String),
}

impl From<Errno> for Failure {
    fn from(e: Errno) -> Self {
        match e {
            Errno::NOENT => Failure::Missing,
            Errno::NOTDIR => Failure::NotDirectory,
            Errno::LOOP => Failure::Loop,
            Errno::ACCESS | Errno::PERM => Failure::Other("permission denied".to_string()),
            other => Failure::Other(std::io::Error::from(other).to_string()),
        }
    }
}

impl Failure {
    fn reason(&self) -> String {
        match self {
            Failure::Missing => "no such file or directory".to_string(),
            Failure::NotDirectory => "a component of the path is not a directory".to_string(),
            Failure::Loop => "too many levels of symbolic links (a symlink loop)".to_string(),
            Failure::Other(reason) => reason.clone(),
        }
    }
}

/// A readable handle on the file an `O_PATH` handle names.
fn reopen(probe: &OwnedFd) -> Result<OwnedFd, Failure> {
    use std::os::fd::AsRawFd;
    let link = format!("/proc/self/fd/{}", probe.as_raw_fd());
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    rustix::fs::open(link.as_str(), flags, Mode::empty()).map_err(Failure::from)
}

fn local_lstat(path: &str) -> Result<(rustix::fs::Stat, Option<Vec<u8>>), Errno> {
    let path = to_bytes(path);
    let found = rustix::fs::lstat(&*path)?;
    let link = if FileType::from_raw_mode(found.st_mode) == FileType::Symlink {
        Some(rustix::fs::readlink(&*path, Vec::new())?.into_bytes())
    } else {
        None
    };
    Ok((found, link))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

fn to_meta(found: &rustix::fs::Stat) -> FileMeta {
    FileMeta {
        kind: super::kind_of(found.st_mode),
        mode: found.st_mode & 0o7777,
        uid: found.st_uid,
        gid: found.st_gid,
        size: u64::try_from(found.st_size).unwrap_or(0),
        mtime: found.st_mtime,
        link: None,
    }
}

impl Transport for FsTransport {
    fn describe(&self) -> String {
        match self.root() {
            Some(root) => format!("local --root {}", root.display()),
            None => "local".to_string(),
        }
    }

    fn read_file(&self, path: &str, cap: u64, admit: Admit) -> Result<FileRead, TransportError> {
        Ok(self.read(path, cap, admit))
    }

    fn list_dir(&self, path: &str) -> Result<DirList, TransportError> {
        Ok(self.list(path))
    }

    fn stat(&self, path: &str) -> Result<Stat, TransportError> {
        Ok(self.examine(path))
    }

    fn run(&self, argv: &[String], timeout: Duration, output_cap: u64) -> Result<CommandRun, TransportError> {
        if let Some(root) = self.root() {
            return Ok(CommandRun::NotRun(format!(
                "commands are not run under --root {}",
                root.display()
            )));
        }
        // The policy is checked here too, so no caller can run a writing command.
        if let Err(reason) = super::readonly::check(argv) {
            return Ok(CommandRun::NotRun(format!("refused: {reason}")));
        }
        Ok(command::run(argv, timeout, output_cap))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::FileKind;
    use std::os::unix::fs::symlink;

    #[test]
    fn stat_names_where_a_symlink_points_without_following_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let etc = dir.path().join("etc/systemd/system");
        std::fs::create_dir_all(&etc).expect("mkdir");
        symlink("/dev/null", etc.join("x.service")).expect("symlink");
        std::fs::write(etc.join("y.service"), "[Service]\n").expect("write");
        let fs = FsTransport::rooted(dir.path());
        let Stat::Meta(link) = fs.examine("/etc/systemd/system/x.service") else {
            panic!("stat")
        };
        assert_eq!(
            (link.kind, link.link.as_deref()),
            (FileKind::Symlink, Some("/dev/null"))
        );
        let Stat::Meta(file) = fs.examine("/etc/systemd/system/y.service") else {
            panic!("stat")
        };
        assert_eq!((file.kind, file.link), (FileKind::File, None));
    }

    #[test]
    fn the_file_examined_is_the_file_read_even_if_a_fifo_is_swapped_in() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sshd_config");
        std::fs::write(&path, "Port 22\n").expect("write");
        let probe = rustix::fs::open(&path, OFlags::PATH | OFlags::CLOEXEC, Mode::empty()).expect("O_PATH");
        // The attacker's move, between the check and the read: a FIFO in its place.
        let fifo = dir.path().join("fifo");
        rustix::fs::mknodat(rustix::fs::CWD, &fifo, FileType::Fifo, Mode::from_raw_mode(0o600), 0).expect("mkfifo");
        std::fs::rename(&fifo, &path).expect("swap");
        let fd = reopen(&probe).expect("reopened without blocking");
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::fs::File::from(fd), &mut text).expect("read");
        assert_eq!(text, "Port 22\n", "the original file, never the FIFO");
    }
}
