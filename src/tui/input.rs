//! The terminal's input, read on a thread of its own and handed over a
//! channel, so the screens keep their tick whatever the terminal does: a
//! vanished terminal makes crossterm's reader spin on end-of-file without
//! returning (crossterm #793), and the walkthrough must still see SIGHUP, or the
//! hang-up itself, and leave. One reader for the whole process (the start screen
//! and the walkthrough share it), so no key goes to a reader nobody listens to.

use crossterm::event::{self, Event};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

static INPUT: OnceLock<Mutex<Receiver<std::io::Result<Event>>>> = OnceLock::new();
static STOP: OnceLock<Result<std::sync::Arc<std::sync::atomic::AtomicBool>, String>> = OnceLock::new();

/// Whether SIGTERM or SIGHUP came: the screens leave like `q` (the terminal
/// restored; everything written is already on disk). Watching starts at the
/// first call; it fails only if the signals cannot be watched.
pub fn stop_requested() -> Result<bool, String> {
    let flag = STOP.get_or_init(|| {
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
            signal_hook::flag::register(signal, flag.clone()).map_err(|e| format!("cannot watch signals: {e}"))?;
        }
        Ok(flag)
    });
    match flag {
        Ok(flag) => Ok(flag.load(std::sync::atomic::Ordering::Relaxed)),
        Err(why) => Err(why.clone()),
    }
}

fn reader() -> &'static Mutex<Receiver<std::io::Result<Event>>> {
    INPUT.get_or_init(|| {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || loop {
            let read = event::read();
            let failed = read.is_err();
            if tx.send(read).is_err() || failed {
                return;
            }
        });
        Mutex::new(rx)
    })
}

/// The next event within `wait`: `Ok(None)` when none came.
pub fn next(wait: Duration) -> Result<Option<Event>, String> {
    let reader = reader()
        .lock()
        .map_err(|_| "the terminal's reader failed".to_string())?;
    match reader.recv_timeout(wait) {
        Ok(Ok(event)) => Ok(Some(event)),
        Ok(Err(e)) => Err(format!("cannot read the terminal: {e}")),
        Err(RecvTimeoutError::Timeout) => Ok(None),
        Err(RecvTimeoutError::Disconnected) => Err("the terminal's input ended".to_string()),
    }
}

/// Whether the terminal hung up (its other end closed).
pub fn gone() -> bool {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    let stdin = std::io::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::empty())];
    let zero = Timespec { tv_sec: 0, tv_nsec: 0 };
    match poll(&mut fds, Some(&zero)) {
        Ok(_) => fds[0]
            .revents()
            .intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL),
        Err(_) => false,
    }
}
