//! A server's files through its SFTP subsystem, one operation at a time
//! (libssh2 keeps one state per SFTP operation kind): stat with and without
//! following links, the link's target, a directory's names as raw bytes, a file's first
//! bytes up to a cap. Started on first use; a server without the subsystem is
//! remembered, and the caller reads through commands instead.

use super::link::{Link, Stop};
use crate::pathname::{from_bytes, to_bytes};
use ssh2::{ErrorCode, FileStat, OpenFlags, OpenType, Sftp};
use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long one SFTP request may wait for its answer before the session is lost,
/// and how long a whole read or listing may take.
const ANSWER: Duration = Duration::from_secs(30);
const WHOLE: Duration = Duration::from_secs(120);
/// The most names, and bytes of names, one listing keeps.
const NAMES_CAP: usize = 100_000;
const NAME_BYTES_CAP: usize = 8 << 20;
/// SFTP status codes (RFC draft-ietf-secsh-filexfer-02).
const NO_SUCH_FILE: i32 = 2;
const PERMISSION_DENIED: i32 = 3;
/// libssh2's "no more entries" from readdir.
const END_OF_LISTING: i32 = -16;

/// Why an SFTP request gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Missing,
    PermissionDenied,
    /// Another failure: one line.
    Other(String),
    /// The server has no SFTP: use commands.
    NoSftp(String),
    /// The session is gone.
    Lost(String),
}

impl From<Stop> for Refusal {
    fn from(stop: Stop) -> Refusal {
        match stop {
            Stop::Lost(reason) => Refusal::Lost(reason),
            Stop::TimedOut => Refusal::Other("no answer in time".into()),
            Stop::Failed {
                code: ErrorCode::SFTP(NO_SUCH_FILE),
                ..
            } => Refusal::Missing,
            Stop::Failed {
                code: ErrorCode::SFTP(PERMISSION_DENIED),
                ..
            } => Refusal::PermissionDenied,
            Stop::Failed { message, .. } => Refusal::Other(message),
        }
    }
}

/// The SFTP subsystem of one session, started on first use.
pub struct Files {
    sftp: Mutex<Option<Result<Sftp, String>>>,
}

fn path_of(path: &str) -> std::borrow::Cow<'_, [u8]> {
    to_bytes(path)
}

impl Files {
    pub fn new() -> Files {
        Files { sftp: Mutex::new(None) }
    }

    /// Run `op` with the subsystem, alone.
    fn with<T>(&self, link: &Link, op: impl FnOnce(&Sftp) -> Result<T, Refusal>) -> Result<T, Refusal> {
        let mut guard = self.sftp.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.is_none() {
            let started = {
                let _turn = link.opening.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                link.finish(Instant::now() + ANSWER, "starting SFTP", || {
                    link.session().sftp().into()
                })
            };
            *guard = Some(match started {
                Ok(sftp) => Ok(sftp),
                Err(Stop::Lost(reason)) => return Err(Refusal::Lost(reason)),
                Err(other) => Err(other.reason()),
            });
        }
        match guard.as_ref() {
            Some(Ok(sftp)) => op(sftp),
            Some(Err(reason)) => Err(Refusal::NoSftp(reason.clone())),
            None => Err(Refusal::NoSftp("not started".into())),
        }
    }

    /// Metadata, following a final link (`follow`) or not.
    pub fn stat(&self, link: &Link, path: &str, follow: bool) -> Result<FileStat, Refusal> {
        let bytes = path_of(path);
        let path = Path::new(OsStr::from_bytes(&bytes));
        self.with(link, |sftp| {
            let asked = || if follow { sftp.stat(path) } else { sftp.lstat(path) };
            Ok(link.finish(Instant::now() + ANSWER, "an SFTP stat", || asked().into())?)
        })
    }

    /// Where a symlink points.
    pub fn readlink(&self, link: &Link, path: &str) -> Result<String, Refusal> {
        let bytes = path_of(path);
        let path = Path::new(OsStr::from_bytes(&bytes));
        self.with(link, |sftp| {
            let target = link.finish(Instant::now() + ANSWER, "an SFTP readlink", || {
                sftp.readlink(path).into()
            })?;
            Ok(from_bytes(target.as_os_str().as_bytes()).into_owned())
        })
    }

    /// A directory's entry names (not `.` or `..`), sorted by their bytes.
    pub fn list(&self, link: &Link, path: &str) -> Result<Vec<String>, Refusal> {
        let bytes = path_of(path);
        let path = Path::new(OsStr::from_bytes(&bytes));
        self.with(link, |sftp| {
            let mut dir = link.finish(Instant::now() + ANSWER, "an SFTP opendir", || sftp.opendir(path).into())?;
            let mut names: Vec<Vec<u8>> = Vec::new();
            let mut bytes = 0usize;
            let whole = Instant::now() + WHOLE;
            let listed = loop {
                if names.len() >= NAMES_CAP || bytes >= NAME_BYTES_CAP {
                    break Err(Refusal::Other(format!("more than {NAMES_CAP} names, or 8 MiB of them")));
                }
                match link.finish(whole.min(Instant::now() + ANSWER), "an SFTP readdir", || {
                    dir.readdir().into()
                }) {
                    Ok((name, _)) => {
                        let name = name.as_os_str().as_bytes();
                        if name != b"." && name != b".." {
                            bytes += name.len();
                            names.push(name.to_vec());
                        }
                    }
                    Err(Stop::Failed {
                        code: ErrorCode::Session(END_OF_LISTING),
                        ..
                    }) => break Ok(()),
                    Err(other) => break Err(Refusal::from(other)),
                }
            };
            close(link, &mut dir)?;
            listed?;
            names.sort();
            Ok(names.iter().map(|n| from_bytes(n).into_owned()).collect())
        })
    }

    /// The file's bytes, at most `cap + 1` of them (more than `cap` means too large).
    /// With the size a stat gave (`expected`, not 0 as /proc files say), reading
    /// stops there rather than asking once more to learn it is the end.
    pub fn read(&self, link: &Link, path: &str, cap: u64, expected: u64) -> Result<Vec<u8>, Refusal> {
        let bytes = path_of(path);
        let path = Path::new(OsStr::from_bytes(&bytes));
        self.with(link, |sftp| {
            let mut file = link.finish(Instant::now() + ANSWER, "an SFTP open", || {
                sftp.open_mode(path, OpenFlags::READ, 0, OpenType::File).into()
            })?;
            let limit = usize::try_from(cap).unwrap_or(usize::MAX).saturating_add(1);
            let mut kept = Vec::new();
            let mut buf = vec![0u8; 64 * 1024];
            let whole = Instant::now() + WHOLE;
            let read = loop {
                if kept.len() >= limit || (expected > 0 && kept.len() as u64 >= expected) {
                    break Ok(());
                }
                match link.finish(whole.min(Instant::now() + ANSWER), "an SFTP read", || {
                    super::link::io_try(file.read(&mut buf))
                }) {
                    Ok(0) => break Ok(()),
                    Ok(n) => kept.extend_from_slice(&buf[..n.min(limit - kept.len())]),
                    Err(stop) => break Err(Refusal::from(stop)),
                }
            };
            close(link, &mut file)?;
            read?;
            Ok(kept)
        })
    }
}

/// Close a handle in non-blocking mode (its drop would block the session).
fn close(link: &Link, file: &mut ssh2::File) -> Result<(), Refusal> {
    match link.finish(Instant::now() + ANSWER, "an SFTP close", || file.close().into()) {
        Ok(()) | Err(Stop::Failed { .. }) => Ok(()),
        Err(other) => Err(Refusal::from(other)),
    }
}
