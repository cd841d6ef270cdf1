//! A server's files through read-only commands, when SFTP cannot reach them: a
//! server without the SFTP subsystem, or (with `--sudo`) a file only root may
//! read, asked through `sudo -n` (never a prompt). GNU coreutils and findutils,
//! as every Debian and Ubuntu server has: `stat -c`, `readlink`, `cat`, and
//! `find -printf '%f\0'` for names that may hold any byte but NUL. sudo's own
//! refusal is told apart from the command's, so the evidence can say "not
//! readable without root" rather than "missing".

use crate::evidence::FileMeta;
use crate::transport::CommandRun;

/// `stat`'s format: raw mode (hex), uid, gid, size, mtime, device, inode.
pub const STAT_FORMAT: &str = "%f %u %g %s %Y %d %i";

/// The argv for each operation on `path`.
pub fn stat_argv(path: &str, follow: bool) -> Vec<String> {
    let mut argv = vec!["stat".to_string()];
    if follow {
        argv.push("-L".into());
    }
    argv.extend([
        "-c".to_string(),
        STAT_FORMAT.to_string(),
        "--".to_string(),
        path.to_string(),
    ]);
    argv
}

pub fn readlink_argv(path: &str) -> Vec<String> {
    vec!["readlink".into(), "--".into(), path.into()]
}

pub fn cat_argv(path: &str) -> Vec<String> {
    vec!["cat".into(), "--".into(), path.into()]
}

pub fn list_argv(path: &str) -> Vec<String> {
    vec![
        "find".into(),
        path.into(),
        "-mindepth".into(),
        "1".into(),
        "-maxdepth".into(),
        "1".into(),
        // Whole paths, NUL-ended: no backslash in the arguments, which a sudoers
        // grant could only match through two layers of escaping.
        "-print0".into(),
    ]
}

/// What a fallback command said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Output(Vec<u8>),
    Missing,
    /// Permission denied (to the user, or sudo refused): one line.
    Denied(String),
    Failed(String),
}

/// How evidence that only root may read, and sudo would not give, is named: the
/// engine makes a control it leaves undecided one for the auditor (needs_review),
/// never a failure of the host or of vouch.
pub const NEEDS_ROOT: &str = "not readable without root";

/// sudo's own refusal (`sudo: a password is required`, `... is not allowed to
/// execute ...`): exit status 1, nothing on stdout, a line of stderr from sudo.
/// Other lines (sshd's "Could not chdir to home directory") are not the command's.
pub fn sudo_refusal(run: &CommandRun) -> Option<String> {
    let CommandRun::Finished {
        stdout,
        stderr,
        exit_code: Some(1),
        ..
    } = run
    else {
        return None;
    };
    if !stdout.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().find(|l| l.starts_with("sudo: "))?;
    Some(format!(
        "{NEEDS_ROOT}: `sudo -n` refused ({})",
        crate::sanitize::terminal(line)
    ))
}

/// Read a run of vouch's own command `argv[0]` as one of the answers: only the
/// lines that command (or sudo) wrote decide "missing" or "denied".
pub fn answer(run: CommandRun, sudo: bool) -> Answer {
    if sudo {
        if let Some(refused) = sudo_refusal(&run) {
            return Answer::Denied(refused);
        }
    }
    let CommandRun::Finished {
        stdout,
        stderr,
        exit_code,
        timed_out,
        truncated,
    } = run
    else {
        let CommandRun::NotRun(why) = run else {
            return Answer::Failed("not run".into());
        };
        return Answer::Failed(why);
    };
    if timed_out {
        return Answer::Failed("timed out".into());
    }
    if truncated {
        // A listing or a stat cut short would pass off what is missing as absent.
        return Answer::Failed("its output passed vouch's cap".into());
    }
    if exit_code == Some(0) {
        return Answer::Output(stdout);
    }
    let text = String::from_utf8_lossy(&stderr);
    let own = |l: &&str| {
        ["cat: ", "stat: ", "find: ", "readlink: "]
            .iter()
            .any(|p| l.starts_with(p))
    };
    let said = crate::sanitize::terminal(text.lines().find(own).or(text.lines().next()).unwrap_or(""));
    let by_command = text.lines().any(|l| own(&l));
    if by_command && (said.contains("No such file or directory") || said.contains("Not a directory")) {
        return Answer::Missing;
    }
    if by_command && said.contains("Permission denied") {
        return Answer::Denied("permission denied".into());
    }
    Answer::Failed(if said.is_empty() {
        format!("exit status {}", exit_code.map_or("unknown".into(), |c| c.to_string()))
    } else {
        said
    })
}

/// Parsed `stat -c STAT_FORMAT` output: the metadata, then (device, inode).
pub fn parse_stat(output: &[u8]) -> Option<(FileMeta, u64, u64)> {
    let text = std::str::from_utf8(output).ok()?;
    let fields: Vec<&str> = text.split_whitespace().collect();
    let [mode, uid, gid, size, mtime, device, inode] = fields.as_slice() else {
        return None;
    };
    let raw = u32::from_str_radix(mode, 16).ok()?;
    let meta = FileMeta {
        kind: crate::transport::kind_of(raw),
        mode: raw & 0o7777,
        uid: uid.parse().ok()?,
        gid: gid.parse().ok()?,
        size: size.parse().ok()?,
        mtime: mtime.parse().ok()?,
        link: None,
    };
    Some((meta, device.parse().ok()?, inode.parse().ok()?))
}

/// Names from `find DIR ... -print0` (each `DIR/name`), sorted by their bytes.
pub fn parse_names(output: &[u8]) -> Vec<String> {
    let mut names: Vec<&[u8]> = output
        .split(|b| *b == 0)
        .filter_map(|path| {
            path.iter()
                .rposition(|b| *b == b'/')
                .map(|at| &path[at + 1..])
                .or(Some(path))
        })
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| crate::pathname::from_bytes(n).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::FileKind;

    #[test]
    fn stat_output_reads_back() {
        let (meta, dev, ino) = parse_stat(b"81a4 0 0 3512 1733400000 2049 131\n").unwrap();
        assert_eq!(
            (meta.kind, meta.mode, meta.size, dev, ino),
            (FileKind::File, 0o644, 3512, 2049, 131)
        );
        assert_eq!(crate::transport::kind_of(0xa1ff), FileKind::Symlink);
        assert_eq!(parse_stat(b"garbage"), None);
    }

    #[test]
    fn sudo_refusals_are_told_from_missing_files() {
        let run = |stderr: &str| CommandRun::Finished {
            stdout: Vec::new(),
            stderr: stderr.as_bytes().to_vec(),
            exit_code: Some(1),
            timed_out: false,
            truncated: false,
        };
        assert!(
            matches!(answer(run("sudo: a password is required"), true), Answer::Denied(r) if r.contains("not readable without root"))
        );
        assert_eq!(answer(run("cat: /x: No such file or directory"), true), Answer::Missing);
        // sshd's own complaint about a missing home says nothing of the file.
        let chdir =
            "Could not chdir to home directory /home/a: No such file or directory\nsudo: a password is required";
        assert!(matches!(answer(run(chdir), true), Answer::Denied(r) if r.contains("not readable without root")));
        assert!(matches!(
            answer(
                run("Could not chdir to home directory /home/a: No such file or directory"),
                false
            ),
            Answer::Failed(_)
        ));
        assert_eq!(
            parse_names(b"/d/b\0/d/a\0/d/\xff\0"),
            vec![
                "a".to_string(),
                "b".to_string(),
                crate::pathname::from_bytes(b"\xff").into_owned()
            ]
        );
    }
}
