//! ProxyJump: the session to the target runs over a `direct-tcpip` channel of the
//! jump host's session. libssh2 wants a socket, so the channel is bridged to one
//! end of a Unix socket pair by a pump thread that copies both ways without
//! blocking on either side, and stops when either side ends.

use super::link::{io_try, Link, Try};
use crate::transport::TransportError;
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use ssh2::Channel;
use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the jump host may take to open the channel to the target.
const OPEN: Duration = Duration::from_secs(30);

/// The jump host's session and the pump: dropping it stops the pump.
pub struct Route {
    stop: Arc<AtomicBool>,
    pump: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Route {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(pump) = self.pump.take() {
            let _ = pump.join();
        }
    }
}

/// Reach `host:port` through the logged-in jump host (`jump`, kept alive with the
/// hops before it, `before`): the route, the socket for the inner session, and a
/// duplicate of that socket to wait on. `via` names the jump host in errors.
pub fn through(
    jump: Link,
    before: Option<Route>,
    via: &str,
    host: &str,
    port: u16,
) -> Result<(Route, UnixStream, OwnedFd), TransportError> {
    let channel = jump
        .finish(Instant::now() + OPEN, "opening the jump channel", || {
            jump.session().channel_direct_tcpip(host, port, None).into()
        })
        .map_err(|stop| TransportError::Unreachable {
            target: format!("{host}:{port}"),
            reason: format!("the jump host {via} could not reach it: {}", stop.reason()),
        })?;
    let lost = |e: std::io::Error| TransportError::Unreachable {
        target: format!("{host}:{port}"),
        reason: format!("no socket pair for the jump: {e}"),
    };
    let (ours, theirs) = UnixStream::pair().map_err(lost)?;
    theirs.set_nonblocking(true).map_err(lost)?;
    let socket = ours.try_clone().map(OwnedFd::from).map_err(lost)?;
    let stop = Arc::new(AtomicBool::new(false));
    let pump = {
        let stop = stop.clone();
        std::thread::Builder::new()
            .name("vouch-jump".into())
            .spawn(move || {
                pump(&jump, channel, theirs, &stop);
                // The hops before this one outlive the pump.
                drop(before);
            })
            .map_err(lost)?
    };
    Ok((Route { stop, pump: Some(pump) }, ours, socket))
}

/// Copy between the channel and the socket until either ends or `stop` is set.
fn pump(link: &Link, mut channel: Channel, mut socket: UnixStream, stop: &AtomicBool) {
    // Bytes waiting to go each way. A channel write that would block must be
    // retried with the very same bytes, so `up` is only refilled once empty.
    let (mut up, mut down): (Vec<u8>, Vec<u8>) = (Vec::new(), Vec::new());
    let mut buf = vec![0u8; 32 * 1024];
    let mut socket_open = true;
    while !stop.load(Ordering::SeqCst) && link.lost().is_none() {
        let mut moved = false;
        if up.is_empty() && socket_open {
            match socket.read(&mut buf) {
                Ok(0) => socket_open = false,
                Ok(n) => up.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(_) => socket_open = false,
            }
        }
        if !up.is_empty() {
            match io_try(channel.write(&up)) {
                Try::Done(n) => {
                    up.drain(..n);
                    moved = true;
                }
                Try::Again => {}
                Try::Failed(_) => break,
            }
        }
        if down.is_empty() {
            match io_try(channel.read(&mut buf)) {
                Try::Done(0) if channel.eof() => break,
                Try::Done(n) => {
                    down.extend_from_slice(&buf[..n]);
                    moved |= n > 0;
                }
                Try::Again => {}
                Try::Failed(_) => break,
            }
        }
        if !down.is_empty() {
            match socket.write(&down) {
                Ok(n) => {
                    down.drain(..n);
                    moved = true;
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(_) => break,
            }
        }
        if !socket_open && up.is_empty() {
            break;
        }
        if !moved {
            // Wait for what is pending: room to write where bytes wait, else input.
            wait(link, &socket, !down.is_empty());
        }
    }
    let _ = link.finish(
        Instant::now() + Duration::from_secs(2),
        "closing the jump channel",
        || channel.close().into(),
    );
    let _ = socket.shutdown(std::net::Shutdown::Both);
}

/// Wait until either side has something, at most a short while.
fn wait(link: &Link, socket: &UnixStream, to_inner: bool) {
    let ours = socket.as_fd();
    let theirs = link.socket();
    let ours_flags = if to_inner {
        PollFlags::IN | PollFlags::OUT
    } else {
        PollFlags::IN
    };
    // The jump side waits the way libssh2 says it is stuck (a full channel window
    // waits for input: the server's window adjust), not merely for a writable socket.
    let theirs_flags = match link.session().block_directions() {
        ssh2::BlockDirections::Outbound => PollFlags::OUT,
        ssh2::BlockDirections::Both => PollFlags::IN | PollFlags::OUT,
        _ => PollFlags::IN,
    };
    let mut fds = [PollFd::new(&ours, ours_flags), PollFd::new(&theirs, theirs_flags)];
    let timeout = Timespec {
        tv_sec: 0,
        tv_nsec: 20_000_000,
    };
    let _ = poll(&mut fds, Some(&timeout));
}
