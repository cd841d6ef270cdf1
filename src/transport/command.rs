//! Running one read-only command on this machine: no stdin, `LC_ALL=C`, output
//! capped, killed at its timeout, so a hung or chatty command cannot stall a scan.

use super::CommandRun;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

/// Run `argv` with a timeout; stdout and stderr are read concurrently and capped.
pub fn run(argv: &[String], timeout: Duration, output_cap: u64) -> CommandRun {
    let Some((program, args)) = argv.split_first() else {
        return CommandRun::NotRun("empty command".into());
    };
    let spawned = Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .env("PATH", crate::transport::readonly::SAFE_PATH)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return CommandRun::NotRun(format!("`{program}` is not installed (not found in PATH)"))
        }
        Err(e) => return CommandRun::NotRun(format!("`{program}` could not start: {e}")),
    };
    let stdout = child
        .stdout
        .take()
        .map(|out| std::thread::spawn(move || capped(out, output_cap)));
    let stderr = child
        .stderr
        .take()
        .map(|err| std::thread::spawn(move || capped(err, output_cap)));
    let (exit_code, timed_out) = match child.wait_timeout(timeout) {
        Ok(Some(status)) => (status.code(), false),
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            (None, true)
        }
        Err(e) => return CommandRun::NotRun(format!("waiting for `{program}` failed: {e}")),
    };
    let join = |h: Option<std::thread::JoinHandle<(Vec<u8>, bool)>>| h.and_then(|h| h.join().ok()).unwrap_or_default();
    let (stdout, cut_out) = join(stdout);
    let (stderr, cut_err) = join(stderr);
    CommandRun::Finished {
        stdout,
        stderr,
        exit_code,
        timed_out,
        truncated: cut_out || cut_err,
    }
}

/// Read everything, keeping at most `cap` bytes (draining the rest so the child never blocks).
fn capped(mut reader: impl Read, cap: u64) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    let mut truncated = false;
    loop {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = usize::try_from(cap).unwrap_or(usize::MAX).saturating_sub(kept.len());
                if n > room {
                    truncated = true;
                }
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
    (kept, truncated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_hung_command_is_killed_at_its_timeout() {
        let run = run(&argv(&["sleep", "30"]), Duration::from_millis(200), 1024);
        assert!(
            matches!(
                run,
                CommandRun::Finished {
                    timed_out: true,
                    exit_code: None,
                    ..
                }
            ),
            "{run:?}"
        );
    }

    #[test]
    fn output_is_capped_and_marked_truncated() {
        let run = run(
            &argv(&["sh", "-c", "yes | head -c 100000"]),
            Duration::from_secs(10),
            1000,
        );
        match run {
            CommandRun::Finished {
                stdout,
                truncated,
                exit_code,
                ..
            } => {
                assert_eq!(stdout.len(), 1000);
                assert!(truncated);
                assert_eq!(exit_code, Some(0));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_missing_program_says_so() {
        let run = run(&argv(&["vouch-no-such-program"]), Duration::from_secs(1), 10);
        assert_eq!(
            run,
            CommandRun::NotRun("`vouch-no-such-program` is not installed (not found in PATH)".into())
        );
    }
}
