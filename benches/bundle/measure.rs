//! The bench's means: its temp folder, child processes timed under GNU time,
//! documents of pseudo-random bytes, and pages dropped from the page cache.

use super::{MIB, TIME};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use vouch::session::Store;

/// The bench's temp folder, and vouch's folders and the signing key in it.
pub struct Work {
    pub dir: tempfile::TempDir,
    pub data: PathBuf,
    pub key: PathBuf,
}

impl Work {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn env(&self, command: &mut Command) {
        let config = self.path().join("config");
        command
            .env("VOUCH_DATA_DIR", &self.data)
            .env("VOUCH_CONFIG_DIR", &config)
            .env("XDG_CONFIG_HOME", &config)
            .env_remove("SSH_AUTH_SOCK")
            .env_remove("SOURCE_DATE_EPOCH");
    }

    pub fn store(&self) -> Store {
        Store::at(self.data.join("sessions"))
    }
}

/// One run of a step: wall time, and CPU time and peak RSS (KiB) when known.
pub struct Run {
    pub wall: Duration,
    pub cpu: Option<Duration>,
    pub rss_kib: Option<u64>,
}

/// Run `argv` to its end under GNU time. Err: it failed, or the bench was stopped.
pub fn timed(work: &Work, argv: &[OsString], stop: &AtomicBool) -> Result<Run, String> {
    let shown = argv.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ");
    let out = work.path().join("time.out");
    let mut command = Command::new(TIME);
    command.args(["-f", "%U %S %M", "-o"]).arg(&out).args(argv);
    work.env(&mut command);
    let start = Instant::now();
    let done = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("{TIME}: {e}"))?;
    let wall = start.elapsed();
    eprintln!("bundle bench: {:7.2} s  {shown}", wall.as_secs_f64());
    if stop.load(Ordering::Relaxed) {
        return Err("stopped; the temp folder is removed".to_string());
    }
    if !done.status.success() {
        let stderr = String::from_utf8_lossy(&done.stderr);
        return Err(format!("`{shown}` failed: {}", stderr.trim()));
    }
    let text = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let fields: Vec<f64> = text
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let [user, system, rss] = fields[..] else {
        return Err(format!(
            "GNU time's report of `{shown}` is not `user system rss`: {text}"
        ));
    };
    Ok(Run {
        wall,
        cpu: Some(Duration::from_secs_f64(user + system)),
        rss_kib: Some(rss as u64),
    })
}

/// `bytes` pseudo-random bytes (xorshift64, from `seed`), written a MiB at a
/// time and flushed to disk.
pub fn document(path: &Path, bytes: u64, seed: u64) -> Result<(), String> {
    let shown = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut file = std::fs::File::create(path).map_err(shown)?;
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut chunk = vec![0u8; MIB as usize];
    for _ in 0..bytes / MIB {
        for word in chunk.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        file.write_all(&chunk).map_err(shown)?;
    }
    file.sync_all().map_err(shown)
}

/// Drop a file's pages, or those of every file under a folder, from the page
/// cache (flushed first), so the next read comes from the disk.
pub fn evict(path: &Path) -> Result<(), String> {
    let shown = |e: std::io::Error| format!("{}: {e}", path.display());
    if std::fs::symlink_metadata(path).map_err(shown)?.is_dir() {
        for entry in std::fs::read_dir(path).map_err(shown)? {
            evict(&entry.map_err(shown)?.path())?;
        }
        return Ok(());
    }
    let file = std::fs::File::open(path).map_err(shown)?;
    file.sync_all().map_err(shown)?;
    rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).map_err(|e| shown(e.into()))
}

/// That a pack holds the attached bytes: so the bench never times an export
/// that left the documents out.
pub fn holds(pack: &Path, bytes: u64) -> Result<(), String> {
    let size = match std::fs::symlink_metadata(pack) {
        Ok(meta) if meta.is_dir() => std::fs::read_dir(pack.join("attachments"))
            .map_err(|e| format!("{}: {e}", pack.display()))?
            .filter_map(|entry| entry.ok()?.metadata().ok())
            .map(|meta| meta.len())
            .sum(),
        Ok(meta) => meta.len(),
        Err(e) => return Err(format!("{}: {e}", pack.display())),
    };
    if size < bytes {
        return Err(format!(
            "{} holds {size} bytes, not the {bytes} attached",
            pack.display()
        ));
    }
    Ok(())
}

pub fn remove(path: &Path) -> Result<(), String> {
    let removed = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    removed.map_err(|e| format!("{}: {e}", path.display()))
}

impl Run {
    /// A run in this process: its wall time only.
    pub fn wall(wall: Duration) -> Run {
        Run {
            wall,
            cpu: None,
            rss_kib: None,
        }
    }
}
