//! Running one read-only command on an SSH server: a session channel of its
//! own, `LC_ALL=C` and the system PATH set through `env`, stdout and stderr read
//! as they come and capped, a deadline after which the channel is closed and
//! the others go on. Channels are taken within the server's MaxSessions: the
//! first refusal lowers vouch's own limit to what the server granted, and the
//! refused command waits for a channel to close rather than failing.

use super::link::{Link, Stop, Try};
use crate::transport::CommandRun;
use ssh2::{Channel, ErrorCode};
use std::io::Read;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// libssh2's "channel open failure": the server refused another channel.
const CHANNEL_FAILURE: i32 = -21;
/// Channels vouch opens at once before the server says otherwise (sshd's
/// MaxSessions is 10 by default; one goes to SFTP).
pub const DEFAULT_CHANNELS: usize = 8;
/// How long opening, starting or closing a channel may take on a live session.
const HANDSHAKE: Duration = Duration::from_secs(30);
/// How long a closed channel's server side may take to say it closed too.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// The channels taken (opening or open), those open, and how many the server allows.
pub struct Channels {
    state: Mutex<Counts>,
    freed: Condvar,
}

struct Counts {
    taken: usize,
    open: usize,
    limit: usize,
}

impl Channels {
    pub fn new(limit: usize) -> Channels {
        Channels {
            state: Mutex::new(Counts {
                taken: 0,
                open: 0,
                limit: limit.max(1),
            }),
            freed: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Wait for a free channel (or the deadline).
    fn take(&self, deadline: Instant) -> bool {
        let mut state = self.lock();
        loop {
            if state.taken < state.limit {
                state.taken += 1;
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            state = match self.freed.wait_timeout(state, deadline - now) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    fn opened(&self) {
        self.lock().open += 1;
    }

    fn give_back(&self, was_open: bool) {
        let mut state = self.lock();
        state.taken -= 1;
        if was_open {
            state.open -= 1;
        }
        drop(state);
        self.freed.notify_all();
    }

    /// The server refused a channel: it allows as many as are open now (at least
    /// one: with none open, a channel still closing on its side holds the place).
    fn refused(&self) -> usize {
        let mut state = self.lock();
        state.taken -= 1;
        state.limit = state.open.max(1);
        let open = state.open;
        drop(state);
        self.freed.notify_all();
        open
    }

    /// The most channels used at once from now on.
    pub fn limit(&self) -> usize {
        self.lock().limit
    }
}

/// Refusals in a row with no channel of vouch's open before the server is taken
/// to allow no command channel at all.
const REFUSALS_WITH_NONE_OPEN: u32 = 5;

/// The command line the server's shell runs for `argv`: every word quoted.
pub fn command_line(argv: &[String], sudo: bool) -> Result<String, String> {
    let mut words: Vec<&str> = vec![
        "env",
        "LC_ALL=C",
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    ];
    if sudo {
        words.extend(["sudo", "-n", "--"]);
    }
    words.extend(argv.iter().map(String::as_str));
    shlex::try_join(words).map_err(|e| format!("cannot quote the command: {e}"))
}

/// Run `command` on a channel of `link`. `Err` only when the session is lost.
pub fn run(link: &Link, channels: &Channels, command: &str, timeout: Duration, cap: u64) -> Result<CommandRun, String> {
    let deadline = Instant::now() + timeout;
    let mut lonely_refusals = 0;
    let (mut channel, turn) = loop {
        if !channels.take(deadline) {
            return Ok(timed_out_waiting());
        }
        // Opening a channel and starting its command take a turn together: libssh2
        // waits for a request's answer by packet type and fails the wait when the
        // answer to another channel's request comes first.
        let turn = link.opening.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let opened = link.finish(Instant::now() + HANDSHAKE, "opening a channel", || {
            link.session().channel_session().into()
        });
        match opened {
            Ok(channel) => {
                channels.opened();
                break (channel, turn);
            }
            Err(Stop::Failed {
                code: ErrorCode::Session(CHANNEL_FAILURE),
                message,
            }) => {
                drop(turn);
                let none_open = channels.refused() == 0;
                lonely_refusals = if none_open { lonely_refusals + 1 } else { 0 };
                if lonely_refusals >= REFUSALS_WITH_NONE_OPEN {
                    return Ok(CommandRun::NotRun(format!(
                        "the server opens no channel for commands ({message})"
                    )));
                }
                // Back off a little: a channel closing on the server's side frees its place.
                std::thread::sleep(Duration::from_millis(20 << lonely_refusals.min(4)));
            }
            Err(Stop::Lost(reason)) => {
                channels.give_back(false);
                return Err(reason);
            }
            Err(other) => {
                channels.give_back(false);
                return Ok(CommandRun::NotRun(format!("no channel: {}", other.reason())));
            }
        }
    };
    let started = start(link, &mut channel, command);
    drop(turn);
    let outcome = match started {
        Ok(None) => read_out(link, &mut channel, deadline, cap),
        Ok(Some(refused)) => Ok(refused),
        Err(lost) => Err(lost),
    };
    let closed = close(link, &mut channel);
    drop(channel);
    channels.give_back(true);
    closed?;
    outcome
}

fn timed_out_waiting() -> CommandRun {
    CommandRun::Finished {
        stdout: Vec::new(),
        stderr: b"vouch: no SSH channel came free before the command's timeout".to_vec(),
        exit_code: None,
        timed_out: true,
        truncated: false,
    }
}

/// Start the command: None once it runs, or why the server would not run it.
fn start(link: &Link, channel: &mut Channel, command: &str) -> Result<Option<CommandRun>, String> {
    match link.finish(Instant::now() + HANDSHAKE, "starting a command", || {
        channel.exec(command).into()
    }) {
        Ok(()) => Ok(None),
        Err(Stop::Lost(reason)) => Err(reason),
        Err(other) => Ok(Some(CommandRun::NotRun(format!(
            "the server would not run it: {}",
            other.reason()
        )))),
    }
}

/// Read a started command to its end, its cap or its deadline.
fn read_out(link: &Link, channel: &mut Channel, deadline: Instant, cap: u64) -> Result<CommandRun, String> {
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut truncated = false;
    let mut buf = vec![0u8; 32 * 1024];
    let ended = link.drive(deadline, || {
        for (stream, kept) in [(0, &mut stdout), (1, &mut stderr)] {
            loop {
                let read = if stream == 0 {
                    channel.read(&mut buf)
                } else {
                    channel.stderr().read(&mut buf)
                };
                match super::link::io_try(read) {
                    Try::Done(0) | Try::Again => break,
                    Try::Done(n) => {
                        let room = cap.saturating_sub(kept.len());
                        kept.extend_from_slice(&buf[..n.min(room)]);
                        if n > room {
                            truncated = true;
                            return Try::Done(());
                        }
                    }
                    Try::Failed(stop) => return Try::Failed(stop),
                }
            }
        }
        // Both streams are drained to what has arrived: done at the end of output.
        if channel.eof() {
            Try::Done(())
        } else {
            Try::Again
        }
    });
    let timed_out = match ended {
        Ok(()) => false,
        Err(Stop::TimedOut) => true,
        Err(Stop::Lost(reason)) => return Err(reason),
        Err(other) => {
            return Ok(CommandRun::NotRun(format!(
                "reading its output failed: {}",
                other.reason()
            )))
        }
    };
    let exit_code = if timed_out || truncated {
        None
    } else {
        exit_code(link, channel)?
    };
    Ok(CommandRun::Finished {
        stdout,
        stderr,
        exit_code,
        timed_out,
        truncated,
    })
}

/// The exit status once the server has closed the channel; None when a signal ended it.
fn exit_code(link: &Link, channel: &mut Channel) -> Result<Option<i32>, String> {
    match link.drive(Instant::now() + CLOSE_WAIT, || channel.wait_close().into()) {
        Ok(()) => {}
        Err(Stop::Lost(reason)) => return Err(reason),
        Err(_) => return Ok(None),
    }
    let signalled = channel.exit_signal().map(|s| s.exit_signal.is_some()).unwrap_or(false);
    Ok(if signalled { None } else { channel.exit_status().ok() })
}

/// Close our side (always finished: a close half sent would wedge the session),
/// then give the server a moment to close its side.
fn close(link: &Link, channel: &mut Channel) -> Result<(), String> {
    match link.finish(Instant::now() + HANDSHAKE, "closing a channel", || {
        channel.close().into()
    }) {
        Ok(()) | Err(Stop::Failed { .. } | Stop::TimedOut) => {}
        Err(Stop::Lost(reason)) => return Err(reason),
    }
    let _ = link.drive(Instant::now() + CLOSE_WAIT, || channel.wait_close().into());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_quoted_for_the_remote_shell() {
        let argv = vec![
            "crontab".to_string(),
            "-l".to_string(),
            "-u".to_string(),
            "a b;c".to_string(),
        ];
        assert_eq!(
            command_line(&argv, false).unwrap(),
            "env 'LC_ALL=C' 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' crontab -l -u 'a b;c'"
        );
        assert!(command_line(&argv, true).unwrap().contains(" sudo -n -- crontab -l"));
    }

    #[test]
    fn a_refusal_lowers_the_limit_to_the_channels_open() {
        let channels = Channels::new(8);
        let far = Instant::now() + Duration::from_secs(1);
        assert!(channels.take(far) && channels.take(far) && channels.take(far));
        channels.opened();
        channels.opened();
        channels.refused();
        assert_eq!(channels.limit(), 2);
        assert!(!channels.take(Instant::now()));
        channels.give_back(true);
        assert!(channels.take(Instant::now()));
    }
}
