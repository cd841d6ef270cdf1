//! A server's files through read-only commands, when SFTP cannot reach them: a
//! server without the SFTP subsystem, or (with `--sudo`) a file only root may
//! read, asked through `sudo -n` (never a prompt). GNU coreutils and findutils,
//! as every Debian and Ubuntu server has: `stat -c`, `readlink`, `cat`, and
//! `find -printf '%f\0'` for names that may hold any byte but NUL. sudo's own
//! refusal is told apart from the command's, so the evidence can say "not
//! readable without root" rather than "missing".

use crate::evidence::{FileKind, FileMeta};
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
        "-printf".into(),
        "%f\\0".into(),
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

/// Read a command's run as one of the answers.
pub fn answer(run: CommandRun, sudo: bool) -> Answer {
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
    let said = String::from_utf8_lossy(&stderr)
        .trim()
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    let said = crate::sanitize::terminal(&said);
    if timed_out {
        return Answer::Failed("timed out".into());
    }
    if exit_code == Some(0) || truncated {
        return Answer::Output(stdout);
    }
    if sudo && said.starts_with("sudo:") {
        return Answer::Denied(format!("not readable without root: `sudo -n` refused ({said})"));
    }
    if said.contains("No such file or directory") || said.contains("Not a directory") {
        return Answer::Missing;
    }
    if said.contains("Permission denied") {
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
        kind: kind_of(raw),
        mode: raw & 0o7777,
        uid: uid.parse().ok()?,
        gid: gid.parse().ok()?,
        size: size.parse().ok()?,
        mtime: mtime.parse().ok()?,
        link: None,
    };
    Some((meta, device.parse().ok()?, inode.parse().ok()?))
}

/// The file kind from a raw `st_mode`.
pub fn kind_of(mode: u32) -> FileKind {
    match mode & 0o170000 {
        0o100000 => FileKind::File,
        0o040000 => FileKind::Dir,
        0o120000 => FileKind::Symlink,
        _ => FileKind::Other,
    }
}

/// What a non-regular kind is called in a reason.
pub fn describe_kind(mode: u32) -> &'static str {
    match mode & 0o170000 {
        0o040000 => "a directory",
        0o010000 => "a named pipe",
        0o140000 => "a socket",
        0o060000 | 0o020000 => "a device",
        _ => "not a regular file",
    }
}

/// Names from `find -printf '%f\0'`, sorted by their bytes.
pub fn parse_names(output: &[u8]) -> Vec<String> {
    let mut names: Vec<&[u8]> = output.split(|b| *b == 0).filter(|n| !n.is_empty()).collect();
    names.sort();
    names
        .into_iter()
        .map(|n| crate::pathname::from_bytes(n).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_output_reads_back() {
        let (meta, dev, ino) = parse_stat(b"81a4 0 0 3512 1733400000 2049 131\n").unwrap();
        assert_eq!(
            (meta.kind, meta.mode, meta.size, dev, ino),
            (FileKind::File, 0o644, 3512, 2049, 131)
        );
        assert_eq!(kind_of(0xa1ff), FileKind::Symlink);
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
        assert_eq!(
            parse_names(b"b\0a\0\xff\0"),
            vec![
                "a".to_string(),
                "b".to_string(),
                crate::pathname::from_bytes(b"\xff").into_owned()
            ]
        );
    }
}
