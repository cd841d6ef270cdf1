//! Confinement of a foreign tree (`--root DIR`), race-free by construction: every
//! path is resolved by the kernel relative to a handle on DIR, as a chroot would —
//! absolute and relative symlinks and `..` stay inside DIR — so a directory swapped
//! for a symlink while vouch reads can never lead outside. `openat2` with
//! `RESOLVE_IN_ROOT` does it in one call (Linux 5.6+); where it is missing, a walk
//! holds a directory handle per component, opens each with `O_NOFOLLOW` and
//! resolves `..` and symlinks itself, so no checked path is ever reopened.

use crate::pathname::{from_bytes, to_bytes};
use rustix::fs::{openat, openat2, readlinkat, statat, AtFlags, FileType, Mode, OFlags, ResolveFlags, Stat};
use rustix::io::Errno;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// sshd, the kernel and glibc give up after 40 links; so does the walk.
const MAX_LINKS: usize = 40;
/// `openat2` answers EAGAIN when a rename raced it; it is safe to try again.
const RETRIES: usize = 32;

/// A handle on the root of a foreign tree.
#[derive(Debug)]
pub struct Root {
    fd: OwnedFd,
    path: PathBuf,
    /// Cleared after the kernel says it has no `openat2` (then the walk is used).
    openat2: AtomicBool,
}

/// Called by the walk between its steps; tests use it to swap a directory for a
/// symlink at exactly the worst moment.
pub type StepHook<'a> = &'a dyn Fn(&str);

impl Root {
    /// Open the tree's root directory once; every later access is relative to it.
    pub fn open(path: &Path) -> std::io::Result<Root> {
        let fd = rustix::fs::open(path, OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
        Ok(Root {
            fd,
            path: path.to_path_buf(),
            openat2: AtomicBool::new(true),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Open `path` (absolute, as on the target) inside the root with `flags`,
    /// following every symlink inside the root.
    pub fn open_in(&self, path: &str, flags: OFlags) -> Result<OwnedFd, Errno> {
        // openat2 refuses O_PATH with any flag but O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW.
        let flags = if flags.contains(OFlags::PATH) {
            flags | OFlags::CLOEXEC
        } else {
            flags | OFlags::CLOEXEC | OFlags::NOCTTY
        };
        if self.openat2.load(Ordering::Relaxed) {
            match self.open_kernel(path, flags) {
                Err(Errno::NOSYS) => self.openat2.store(false, Ordering::Relaxed),
                other => return other,
            }
        }
        self.open_walking(path, flags, &|_| {})
    }

    fn open_kernel(&self, path: &str, flags: OFlags) -> Result<OwnedFd, Errno> {
        let relative = relative(path);
        let resolve = ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS;
        let mut last = Errno::AGAIN;
        for _ in 0..RETRIES {
            match openat2(&self.fd, &*to_bytes(&relative), flags, Mode::empty(), resolve) {
                Err(Errno::AGAIN) => last = Errno::AGAIN,
                other => return other,
            }
        }
        Err(last)
    }

    /// The walk: one directory handle per component, each opened with
    /// `O_NOFOLLOW` relative to the one before, symlinks read and re-rooted here,
    /// `..` taken from the walk's own stack (never the kernel's), so a component
    /// swapped between the check and the open fails instead of leading out.
    pub fn open_walking(&self, path: &str, flags: OFlags, hook: StepHook) -> Result<OwnedFd, Errno> {
        let mut pending: Vec<String> = components(path).rev().map(str::to_string).collect();
        let mut stack: Vec<OwnedFd> = Vec::new();
        let mut links = 0usize;
        while let Some(name) = pending.pop() {
            match name.as_str() {
                "." => continue,
                ".." => {
                    stack.pop();
                    continue;
                }
                _ => {}
            }
            let dir = stack.last().map_or(self.fd.as_fd(), |fd| fd.as_fd());
            let raw = to_bytes(&name);
            let found = statat(dir, &*raw, AtFlags::SYMLINK_NOFOLLOW)?;
            hook(&name);
            if FileType::from_raw_mode(found.st_mode) == FileType::Symlink {
                links += 1;
                if links > MAX_LINKS {
                    return Err(Errno::LOOP);
                }
                let target = readlinkat(dir, &*raw, Vec::new())?;
                let target = from_bytes(target.as_bytes()).into_owned();
                if target.starts_with('/') {
                    stack.clear();
                }
                pending.extend(components(&target).rev().map(str::to_string));
                continue;
            }
            if pending.is_empty() {
                return openat(dir, &*raw, flags | OFlags::NOFOLLOW, Mode::empty());
            }
            let next = openat(
                dir,
                &*raw,
                OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            stack.push(next);
        }
        let dir = stack.last().map_or(self.fd.as_fd(), |fd| fd.as_fd());
        openat(dir, ".", flags, Mode::empty())
    }

    /// Metadata of `path` without following a final symlink (lstat), and where a
    /// symlink points: the parent is resolved inside the root, then the last
    /// component is examined relative to that handle.
    pub fn lstat(&self, path: &str) -> Result<(Stat, Option<Vec<u8>>), Errno> {
        let (parent, name) = split_last(path);
        match name {
            None => {
                let fd = self.open_in(path, OFlags::PATH)?;
                Ok((rustix::fs::fstat(&fd)?, None))
            }
            Some(name) => {
                let dir = self.open_in(parent, OFlags::PATH | OFlags::DIRECTORY)?;
                let name = to_bytes(name);
                let found = statat(&dir, &*name, AtFlags::SYMLINK_NOFOLLOW)?;
                let link = if FileType::from_raw_mode(found.st_mode) == FileType::Symlink {
                    Some(readlinkat(&dir, &*name, Vec::new())?.into_bytes())
                } else {
                    None
                };
                Ok((found, link))
            }
        }
    }
}

/// The components of a target path, empty ones dropped.
fn components(path: &str) -> impl DoubleEndedIterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty())
}

/// The path relative to the root, for `openat2` (`.` for the root itself).
fn relative(path: &str) -> String {
    let joined = components(path).collect::<Vec<_>>().join("/");
    if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// The parent of a path and its last component; None as the name when the last
/// component is `.`, `..` or absent, which are examined by resolving the whole path.
fn split_last(path: &str) -> (&str, Option<&str>) {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rsplit_once('/') {
        Some((_, "." | "..")) | None => (path, None),
        Some((_, "")) => (path, None),
        Some(("", name)) => ("/", Some(name)),
        Some((parent, name)) => (parent, Some(name)),
    }
}

#[cfg(test)]
mod tests;
