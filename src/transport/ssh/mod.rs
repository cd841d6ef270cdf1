//! The SSH transport: a server reached with libssh2 (`ssh2`), its key trusted as
//! OpenSSH's StrictHostKeyChecking would, logged in with the user's keys, then
//! shared by every probe thread — files through SFTP (commands where SFTP cannot:
//! no subsystem, or root-only files with `--sudo`), commands on channels of
//! their own within the server's MaxSessions. Nothing here interprets what it reads.

mod auth;
pub use auth::terminal_prompts;
mod connect;
mod exec;
pub mod fallback;
mod hostkey;
mod jump;
mod link;
mod sftp;
pub mod target;

pub use hostkey::HostKey;
pub use target::{SshTarget, UserFiles};

use super::{Admission, Admit, CommandRun, DirList, FileIdentity, FileRead, Stat, Transport, TransportError};
use crate::evidence::{FileKind, FileMeta};
use fallback::Answer;
use sftp::Refusal;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::time::Duration;

/// How vouch reaches SSH servers: the same for every target of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshOptions {
    pub known_hosts: PathBuf,
    pub accept_new: bool,
    pub sudo: bool,
    pub connect_timeout: Duration,
    /// The user's home (default key files, `~`).
    pub home: PathBuf,
}

/// How long the fallback commands behind a file read may take.
const FALLBACK_TIMEOUT: Duration = Duration::from_secs(30);

/// One logged-in server.
pub struct SshTransport {
    target: SshTarget,
    options: SshOptions,
    connected: connect::Connected,
    files: sftp::Files,
    channels: exec::Channels,
}

impl SshTransport {
    /// Connect, check the host key, log in.
    pub fn open(target: &SshTarget, options: &SshOptions) -> Result<SshTransport, TransportError> {
        let connected = connect::connect(target, options)?;
        Ok(SshTransport {
            target: target.clone(),
            options: options.clone(),
            connected,
            files: sftp::Files::new(),
            channels: exec::Channels::new(exec::DEFAULT_CHANNELS),
        })
    }

    /// The server's key and why it is trusted.
    pub fn host_key(&self) -> &HostKey {
        &self.connected.host_key
    }

    /// Channels used at once (lowered when the server refused one).
    pub fn channel_limit(&self) -> usize {
        self.channels.limit()
    }

    fn lost(&self, reason: String) -> TransportError {
        TransportError::ConnectionLost {
            target: self.target.name.clone(),
            reason,
        }
    }

    fn check_alive(&self) -> Result<(), TransportError> {
        match self.connected.link.lost() {
            Some(reason) => Err(self.lost(reason.to_string())),
            None => Ok(()),
        }
    }

    /// Run one of vouch's own read commands, through sudo when asked.
    fn fallback(&self, argv: &[String], sudo: bool, cap: u64) -> Result<Answer, TransportError> {
        let line = exec::command_line(argv, sudo).map_err(|e| self.lost(e))?;
        let run =
            exec::run(&self.connected.link, &self.channels, &line, FALLBACK_TIMEOUT, cap).map_err(|e| self.lost(e))?;
        Ok(fallback::answer(run, sudo))
    }

    /// After SFTP said no: whether to ask the commands instead, and as root.
    fn retry_as(&self, refusal: &Refusal) -> Option<bool> {
        match refusal {
            Refusal::NoSftp(_) => Some(self.options.sudo),
            Refusal::PermissionDenied if self.options.sudo => Some(true),
            _ => None,
        }
    }

    /// Metadata through SFTP, else the commands; with the file's identity.
    fn examine(&self, path: &str, follow: bool) -> Result<Result<(FileMeta, u64, u64), Answer>, TransportError> {
        match self.files.stat(&self.connected.link, path, follow) {
            Ok(stat) => {
                let raw = stat.perm.unwrap_or(0);
                let meta = FileMeta {
                    kind: super::kind_of(raw),
                    mode: raw & 0o7777,
                    uid: stat.uid.unwrap_or(0),
                    gid: stat.gid.unwrap_or(0),
                    size: stat.size.unwrap_or(0),
                    mtime: i64::try_from(stat.mtime.unwrap_or(0)).unwrap_or(0),
                    link: None,
                };
                // SFTP gives no inode: the path names the file (two links to one
                // file are read twice, which costs less than a realpath for each).
                let identity = pseudo_inode(path.as_bytes());
                Ok(Ok((meta, 0, identity)))
            }
            Err(Refusal::Lost(reason)) => Err(self.lost(reason)),
            Err(refusal) => match self.retry_as(&refusal) {
                Some(sudo) => match self.fallback(&fallback::stat_argv(path, follow), sudo, 4096)? {
                    Answer::Output(out) => match fallback::parse_stat(&out) {
                        Some(found) => Ok(Ok(found)),
                        None => Ok(Err(Answer::Failed("`stat` said something unreadable".into()))),
                    },
                    other => Ok(Err(other)),
                },
                None => Ok(Err(refused(refusal))),
            },
        }
    }

    fn read_bytes(&self, path: &str, cap: u64, expected: u64) -> Result<Answer, TransportError> {
        match self.files.read(&self.connected.link, path, cap, expected) {
            Ok(bytes) => Ok(Answer::Output(bytes)),
            Err(Refusal::Lost(reason)) => Err(self.lost(reason)),
            Err(refusal) => match self.retry_as(&refusal) {
                Some(sudo) => self.fallback(&fallback::cat_argv(path), sudo, cap.saturating_add(1)),
                None => Ok(refused(refusal)),
            },
        }
    }
}

/// An SFTP refusal as an answer.
fn refused(refusal: Refusal) -> Answer {
    match refusal {
        Refusal::Missing => Answer::Missing,
        Refusal::PermissionDenied => Answer::Denied("permission denied (--sudo reads it through `sudo -n`)".into()),
        Refusal::Other(why) | Refusal::NoSftp(why) | Refusal::Lost(why) => Answer::Failed(why),
    }
}

/// A stable number for a file's real path.
fn pseudo_inode(real: &[u8]) -> u64 {
    let digest = Sha256::digest(real);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

impl Transport for SshTransport {
    fn describe(&self) -> String {
        let via = match self.target.route().as_slice() {
            [] => String::new(),
            hops => format!(" via {}", hops.join(", ")),
        };
        let sudo = if self.options.sudo { ", sudo -n" } else { "" };
        let key = &self.connected.host_key;
        format!(
            "ssh {}{via} (host key {} {}, {}{sudo})",
            self.target.address(),
            key.algorithm,
            key.fingerprint,
            key.trusted_by
        )
    }

    fn host_key(&self) -> Option<String> {
        Some(self.connected.host_key.fingerprint.clone())
    }

    fn alive(&self) -> bool {
        self.connected.link.lost().is_none()
    }

    fn read_file(&self, path: &str, cap: u64, admit: Admit) -> Result<FileRead, TransportError> {
        self.check_alive()?;
        let (meta, device, inode) = match self.examine(path, true)? {
            Ok(found) => found,
            Err(Answer::Missing) => return Ok(FileRead::Missing),
            Err(Answer::Denied(why) | Answer::Failed(why)) => return Ok(FileRead::Failed(why)),
            Err(Answer::Output(_)) => return Ok(FileRead::Failed("unexpected output".into())),
        };
        if meta.kind != FileKind::File {
            let raw = match meta.kind {
                FileKind::Dir => 0o040000,
                _ => 0,
            };
            return Ok(FileRead::Failed(format!("{path} is {}", super::describe_kind(raw))));
        }
        if meta.size > cap {
            return Ok(FileRead::TooLarge { bytes: meta.size });
        }
        let identity = FileIdentity {
            device,
            inode,
            size: meta.size,
            mtime: (meta.mtime, 0),
        };
        match admit(&identity) {
            Admission::Read => {}
            Admission::Known => return Ok(FileRead::Known(identity)),
            Admission::Decline(reason) => return Ok(FileRead::Declined(reason)),
        }
        Ok(match self.read_bytes(path, cap, meta.size)? {
            Answer::Output(bytes) if bytes.len() as u64 > cap => FileRead::TooLarge {
                bytes: bytes.len() as u64,
            },
            Answer::Output(bytes) => FileRead::Bytes(bytes),
            Answer::Missing => FileRead::Missing,
            Answer::Denied(why) | Answer::Failed(why) => FileRead::Failed(why),
        })
    }

    fn list_dir(&self, path: &str) -> Result<DirList, TransportError> {
        self.check_alive()?;
        let refusal = match self.files.list(&self.connected.link, path) {
            Ok(names) => return Ok(DirList::Names(names)),
            Err(Refusal::Lost(reason)) => return Err(self.lost(reason)),
            Err(refusal) => refusal,
        };
        let answer = match self.retry_as(&refusal) {
            Some(sudo) => self.fallback(&fallback::list_argv(path), sudo, 8 << 20)?,
            None => refused(refusal),
        };
        Ok(match answer {
            Answer::Output(out) => DirList::Names(fallback::parse_names(&out)),
            Answer::Missing => DirList::Missing,
            Answer::Denied(why) | Answer::Failed(why) => DirList::Failed(why),
        })
    }

    fn stat(&self, path: &str) -> Result<Stat, TransportError> {
        self.check_alive()?;
        let (mut meta, _, _) = match self.examine(path, false)? {
            Ok(found) => found,
            Err(Answer::Missing) => return Ok(Stat::Missing),
            Err(Answer::Denied(why) | Answer::Failed(why)) => return Ok(Stat::Failed(why)),
            Err(Answer::Output(_)) => return Ok(Stat::Failed("unexpected output".into())),
        };
        if meta.kind == FileKind::Symlink {
            meta.link = match self.files.readlink(&self.connected.link, path) {
                Ok(target) => Some(target),
                Err(Refusal::Lost(reason)) => return Err(self.lost(reason)),
                Err(refusal) => match self.retry_as(&refusal) {
                    Some(sudo) => match self.fallback(&fallback::readlink_argv(path), sudo, 8192)? {
                        Answer::Output(out) => {
                            Some(crate::pathname::from_bytes(out.strip_suffix(b"\n").unwrap_or(&out)).into_owned())
                        }
                        _ => None,
                    },
                    None => None,
                },
            };
        }
        Ok(Stat::Meta(meta))
    }

    fn run(&self, argv: &[String], timeout: Duration, output_cap: u64) -> Result<CommandRun, TransportError> {
        self.check_alive()?;
        let line = match exec::command_line(argv, self.options.sudo) {
            Ok(line) => line,
            Err(why) => return Ok(CommandRun::NotRun(why)),
        };
        let run =
            exec::run(&self.connected.link, &self.channels, &line, timeout, output_cap).map_err(|e| self.lost(e))?;
        if self.options.sudo {
            if let Some(refused) = fallback::sudo_refusal(&run) {
                // Not granted as root: what the login itself may run still counts
                // (`ss` lists ports without root, only not their processes).
                let line = exec::command_line(argv, false).map_err(|e| self.lost(e))?;
                let plain = exec::run(&self.connected.link, &self.channels, &line, timeout, output_cap)
                    .map_err(|e| self.lost(e))?;
                return Ok(match plain {
                    CommandRun::Finished { exit_code: Some(0), .. } => plain,
                    _ => CommandRun::NotRun(refused),
                });
            }
        }
        Ok(run)
    }
}
