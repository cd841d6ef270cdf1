//! The filesystem transport: this machine (`local`), or a foreign tree under
//! `--root DIR` whose paths and symlinks resolve inside DIR and where no command runs.

use super::rooted::{self, ResolveError};
use super::{command, CommandRun, DirList, FileRead, Stat, Transport, TransportError};
use crate::evidence::{FileKind, FileMeta};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `local` (root None) or `local --root DIR`.
#[derive(Debug, Clone)]
pub struct FsTransport {
    root: Option<PathBuf>,
}

impl FsTransport {
    /// This machine: reads files and runs read-only commands.
    pub fn local() -> Self {
        FsTransport { root: None }
    }

    /// A foreign tree: reads under `root`, runs no command.
    pub fn rooted(root: impl Into<PathBuf>) -> Self {
        FsTransport {
            root: Some(root.into()),
        }
    }

    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The path on this machine for a target path, or why there is none.
    fn host_path(&self, path: &str, follow_last: bool) -> Result<PathBuf, ResolveError> {
        if !path.starts_with('/') {
            return Err(ResolveError::Io(format!("`{path}` is not an absolute path")));
        }
        match &self.root {
            Some(root) => rooted::resolve(root, path, follow_last),
            None => Ok(PathBuf::from(path)),
        }
    }
}

fn describe_kind(ft: std::fs::FileType) -> &'static str {
    if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a named pipe"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(40) => "too many levels of symbolic links (a symlink loop)".to_string(),
        _ => match e.kind() {
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        },
    }
}

impl Transport for FsTransport {
    fn describe(&self) -> String {
        match &self.root {
            Some(root) => format!("local --root {}", root.display()),
            None => "local".to_string(),
        }
    }

    fn read_file(&self, path: &str, cap: u64) -> Result<FileRead, TransportError> {
        Ok(self.read_local(path, cap))
    }

    fn list_dir(&self, path: &str) -> Result<DirList, TransportError> {
        Ok(match self.list_local(path) {
            Ok(Some(names)) => DirList::Names(names),
            Ok(None) => DirList::Missing,
            Err(reason) => DirList::Failed(reason),
        })
    }

    fn stat(&self, path: &str) -> Result<Stat, TransportError> {
        Ok(match self.stat_local(path) {
            Ok(Some(meta)) => Stat::Meta(meta),
            Ok(None) => Stat::Missing,
            Err(reason) => Stat::Failed(reason),
        })
    }

    fn run(&self, argv: &[String], timeout: Duration, output_cap: u64) -> Result<CommandRun, TransportError> {
        if let Some(root) = &self.root {
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

impl FsTransport {
    fn read_local(&self, path: &str, cap: u64) -> FileRead {
        let host = match self.host_path(path, true) {
            Ok(host) => host,
            Err(ResolveError::Missing) => return FileRead::Missing,
            Err(ResolveError::Loop) => {
                return FileRead::Failed("too many levels of symbolic links (a symlink loop)".into())
            }
            Err(ResolveError::Io(reason)) => return FileRead::Failed(reason),
        };
        // Check the type before opening: opening a FIFO would block.
        let meta = match std::fs::metadata(&host) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return FileRead::Missing,
            Err(e) => return FileRead::Failed(io_reason(&e)),
        };
        if !meta.file_type().is_file() {
            return FileRead::Failed(format!("{} is {}", path, describe_kind(meta.file_type())));
        }
        if meta.len() > cap {
            return FileRead::TooLarge { bytes: meta.len() };
        }
        let file = match std::fs::File::open(&host) {
            Ok(file) => file,
            Err(e) => return FileRead::Failed(io_reason(&e)),
        };
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        match file.take(cap + 1).read_to_end(&mut bytes) {
            Ok(_) if bytes.len() as u64 > cap => FileRead::TooLarge {
                bytes: bytes.len() as u64,
            },
            Ok(_) => FileRead::Bytes(bytes),
            Err(e) => FileRead::Failed(io_reason(&e)),
        }
    }

    fn list_local(&self, path: &str) -> Result<Option<Vec<String>>, String> {
        let host = match self.host_path(path, true) {
            Ok(host) => host,
            Err(ResolveError::Missing) => return Ok(None),
            Err(ResolveError::Loop) => return Err("too many levels of symbolic links (a symlink loop)".into()),
            Err(ResolveError::Io(reason)) => return Err(reason),
        };
        let entries = match std::fs::read_dir(&host) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) if e.raw_os_error() == Some(20) => return Err(format!("{path} is not a directory")),
            Err(e) => return Err(io_reason(&e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(Some(names))
    }

    fn stat_local(&self, path: &str) -> Result<Option<FileMeta>, String> {
        let host = match self.host_path(path, false) {
            Ok(host) => host,
            Err(ResolveError::Missing) => return Ok(None),
            Err(ResolveError::Loop) => return Err("a symlink loop".into()),
            Err(ResolveError::Io(reason)) => return Err(reason),
        };
        match std::fs::symlink_metadata(&host) {
            Ok(meta) => {
                let mut out = to_meta(&meta);
                if out.kind == FileKind::Symlink {
                    let target = std::fs::read_link(&host).map_err(|e| io_reason(&e))?;
                    out.link = Some(target.to_string_lossy().into_owned());
                }
                Ok(Some(out))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_reason(&e)),
        }
    }
}

fn to_meta(meta: &std::fs::Metadata) -> FileMeta {
    let ft = meta.file_type();
    let kind = if ft.is_symlink() {
        FileKind::Symlink
    } else if ft.is_dir() {
        FileKind::Dir
    } else if ft.is_file() {
        FileKind::File
    } else {
        FileKind::Other
    };
    FileMeta {
        kind,
        mode: meta.mode() & 0o7777,
        uid: meta.uid(),
        gid: meta.gid(),
        size: meta.len(),
        mtime: meta.mtime(),
        link: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn stat_names_where_a_symlink_points_without_following_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let etc = dir.path().join("etc/systemd/system");
        std::fs::create_dir_all(&etc).expect("mkdir");
        symlink("/dev/null", etc.join("x.service")).expect("symlink");
        std::fs::write(etc.join("y.service"), "[Service]\n").expect("write");
        let fs = FsTransport::rooted(dir.path());
        let link = fs
            .stat_local("/etc/systemd/system/x.service")
            .ok()
            .flatten()
            .expect("stat");
        assert_eq!(
            (link.kind, link.link.as_deref()),
            (FileKind::Symlink, Some("/dev/null"))
        );
        let file = fs
            .stat_local("/etc/systemd/system/y.service")
            .ok()
            .flatten()
            .expect("stat");
        assert_eq!((file.kind, file.link), (FileKind::File, None));
    }
}
