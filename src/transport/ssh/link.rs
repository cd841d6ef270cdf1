//! One authenticated SSH session shared by every probe thread, in libssh2's
//! non-blocking mode: each call either completes or says it would block, and the
//! thread then waits on the socket (not on the session's lock), so a command
//! that takes its time never stalls the others' channels. libssh2 keeps one
//! channel open in flight per session and one state per SFTP operation kind,
//! so opening channels and SFTP operations each take a turn; a call that has
//! begun sending is always driven to its end (abandoning it would wedge the
//! session), and a session that stops answering is declared lost once, for all.

use ssh2::{BlockDirections, ErrorCode, Session};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// libssh2's "would block".
const EAGAIN: i32 = -37;
/// How often a quiet session says it is alive.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// What one try of a libssh2 call gave.
pub enum Try<T> {
    Done(T),
    Again,
    Failed(Stop),
}

impl<T> From<Result<T, ssh2::Error>> for Try<T> {
    fn from(result: Result<T, ssh2::Error>) -> Self {
        match result {
            Ok(value) => Try::Done(value),
            Err(e) if e.code() == ErrorCode::Session(EAGAIN) => Try::Again,
            Err(e) => Try::Failed(Stop::from_error(&e)),
        }
    }
}

/// A read through `std::io::Read` (channels, SFTP files) as one try.
pub fn io_try<T>(result: std::io::Result<T>) -> Try<T> {
    match result {
        Ok(value) => Try::Done(value),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Try::Again,
        Err(e) => match e.get_ref().and_then(|inner| inner.downcast_ref::<ssh2::Error>()) {
            Some(inner) if inner.code() == ErrorCode::Session(EAGAIN) => Try::Again,
            Some(inner) => Try::Failed(Stop::from_error(inner)),
            None => Try::Failed(Stop::Failed {
                code: ErrorCode::Session(-1),
                message: e.to_string(),
            }),
        },
    }
}

/// Why a driven call ended without its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The deadline passed while it was still waiting for the server (nothing half sent).
    TimedOut,
    /// The server refused or failed this one call: the session goes on.
    Failed { code: ErrorCode, message: String },
    /// The session is gone: nothing more can be asked of it.
    Lost(String),
}

impl Stop {
    pub fn from_error(e: &ssh2::Error) -> Stop {
        // Socket-level failures (libssh2's -7 to -9 and -43) end the session.
        match e.code() {
            ErrorCode::Session(-7 | -8 | -9 | -13 | -43) => Stop::Lost(e.message().to_string()),
            code => Stop::Failed {
                code,
                message: e.message().to_string(),
            },
        }
    }
}

/// The session, its socket, and the turns taken on it.
pub struct Link {
    session: Session,
    socket: OwnedFd,
    /// Held while a channel (or the SFTP subsystem) is being opened.
    pub opening: Mutex<()>,
    lost: OnceLock<String>,
    /// Threads inside `drive` now: with company, waits are short, since another
    /// thread may read the packet this one waits for.
    active: AtomicUsize,
    last_keepalive: Mutex<Instant>,
}

impl Link {
    /// Take over an authenticated session (switched to non-blocking) and a
    /// duplicate of its socket's descriptor, to wait on.
    pub fn new(session: Session, socket: OwnedFd) -> Link {
        session.set_blocking(false);
        session.set_keepalive(false, KEEPALIVE.as_secs() as u32);
        Link {
            session,
            socket,
            opening: Mutex::new(()),
            lost: OnceLock::new(),
            active: AtomicUsize::new(0),
            last_keepalive: Mutex::new(Instant::now()),
        }
    }

    /// The socket, to wait on.
    pub fn socket(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Why the session is gone, once it is.
    pub fn lost(&self) -> Option<&str> {
        self.lost.get().map(String::as_str)
    }

    /// Declare the session gone (first reason wins) and return the reason kept.
    pub fn lose(&self, reason: String) -> String {
        self.lost.get_or_init(|| reason).clone()
    }

    /// Call `op` until it completes, waiting on the socket between tries; give up
    /// at `deadline` with `TimedOut` (`op` must be safe to abandon then: a read).
    pub fn drive<T>(&self, deadline: Instant, mut op: impl FnMut() -> Try<T>) -> Result<T, Stop> {
        self.active.fetch_add(1, Ordering::SeqCst);
        let result = loop {
            if let Some(reason) = self.lost() {
                break Err(Stop::Lost(reason.to_string()));
            }
            match op() {
                Try::Done(value) => break Ok(value),
                Try::Failed(stop) => {
                    if let Stop::Lost(reason) = &stop {
                        self.lose(reason.clone());
                    }
                    break Err(stop);
                }
                Try::Again => {}
            }
            let now = Instant::now();
            if now >= deadline {
                break Err(Stop::TimedOut);
            }
            self.wait(deadline - now);
        };
        self.active.fetch_sub(1, Ordering::SeqCst);
        result
    }

    /// Drive a call that may have begun sending: it must finish, so its deadline
    /// passing means the session is lost.
    pub fn finish<T>(&self, deadline: Instant, what: &str, op: impl FnMut() -> Try<T>) -> Result<T, Stop> {
        match self.drive(deadline, op) {
            Err(Stop::TimedOut) => Err(Stop::Lost(self.lose(format!("no answer to {what} in time")))),
            other => other,
        }
    }

    /// Wait until the socket can go the way libssh2 last wanted, for at most `limit`.
    fn wait(&self, limit: Duration) {
        use rustix::event::{poll, PollFd, PollFlags, Timespec};
        let flags = match self.session.block_directions() {
            BlockDirections::Outbound => PollFlags::OUT,
            BlockDirections::Both => PollFlags::IN | PollFlags::OUT,
            _ => PollFlags::IN,
        };
        let slice = if self.active.load(Ordering::SeqCst) > 1 {
            Duration::from_millis(2)
        } else {
            Duration::from_millis(250)
        };
        let wait = limit.min(slice);
        let fd: BorrowedFd<'_> = self.socket.as_fd();
        let mut fds = [PollFd::new(&fd, flags)];
        let timeout = Timespec {
            tv_sec: wait.as_secs() as i64,
            tv_nsec: i64::from(wait.subsec_nanos()),
        };
        let _ = poll(&mut fds, Some(&timeout));
        self.keepalive();
    }

    /// Say the client is alive every KEEPALIVE, when the socket can take it whole
    /// (a keepalive half sent would block every later packet).
    fn keepalive(&self) {
        let Ok(mut last) = self.last_keepalive.try_lock() else {
            return;
        };
        if last.elapsed() < KEEPALIVE {
            return;
        }
        *last = Instant::now();
        use rustix::event::{poll, PollFd, PollFlags, Timespec};
        let fd = self.socket.as_fd();
        let mut fds = [PollFd::new(&fd, PollFlags::OUT)];
        let now = Timespec { tv_sec: 0, tv_nsec: 0 };
        if matches!(poll(&mut fds, Some(&now)), Ok(1)) {
            let _ = self.session.keepalive_send();
        }
    }
}

impl Stop {
    /// One line for the user.
    pub fn reason(&self) -> String {
        match self {
            Stop::TimedOut => "timed out".to_string(),
            Stop::Failed { message, .. } => message.clone(),
            Stop::Lost(reason) => reason.clone(),
        }
    }
}
