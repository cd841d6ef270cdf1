//! Export and verify of a session holding 1 GiB of attachments, on the user's
//! path (the target: hashing at 500 MB/s or more, peak RSS under 64 MB).
//!
//! In a temp folder of its own (`VOUCH_DATA_DIR`, `VOUCH_CONFIG_DIR`,
//! `XDG_CONFIG_HOME`): sessions of the weak fixture (`vouch scan --save`), with
//! documents of pseudo-random bytes attached to `incident.plan`'s `exists`, one
//! of 1 GiB, then four of 256 MiB. Then the release binary's `vouch export
//! SESSION -o PACK.zip --sign-key KEY`, `vouch export SESSION -o DIR --sign-key
//! KEY` and `vouch verify PACK` of each. Every step is a child process under GNU
//! time, which gives its CPU time (user + system) and peak RSS (`ru_maxrss` from
//! `wait4`); wall time is taken here. Attaching (hash and copy into the blob
//! store) has no command: it runs `Recording::attach`, as the walkthrough does,
//! in a child of this bench, into a fresh session each run. Exports and verifies
//! run once cold (their input's pages dropped from the page cache with
//! `posix_fadvise`, this folder's files only) and `RUNS` times warm; the table
//! gives the median. The references: `sha256sum`, `openssl dgst -sha256` and
//! the sha2 crate in memory on the same bytes, and the disk itself (1 GiB
//! written and fsync'd, then read cold). Throughput is the attached bytes over
//! the wall time, in MB/s (10^6). Prints a Markdown table for BENCHMARKS.md,
//! and each run as it ends on stderr.
//!
//! Run: `cargo bench --bench bundle` (2 to 5 minutes; needs GNU time at
//! /usr/bin/time, ssh-keygen, and 5 GiB free in the temp folder, `TMPDIR`, which
//! is checked first). The temp folder is removed at the end, on failure and on
//! Ctrl-C.

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vouch::session::{Recording, Store};

mod measure;
use measure::{document, evict, holds, remove, timed, Run, Work};

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;
/// Warm runs of each step (the median is reported).
const RUNS: usize = 3;
/// The most the bench holds on disk at once is about 4 GiB.
const NEEDED: u64 = 5 * GIB;
const VOUCH: &str = env!("CARGO_BIN_EXE_vouch");
const TIME: &str = "/usr/bin/time";
const AS_OF: &str = "2026-11-22T12:00:00Z";

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "--attach") {
        return ended(attach_child(args.get(2..).unwrap_or_default()));
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        if let Err(e) = signal_hook::flag::register(signal, stop.clone()) {
            return ended(Err(format!("cannot watch signals: {e}")));
        }
    }
    ended(bench(&stop))
}

fn ended(outcome: Result<(), String>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("bundle bench: {why}");
            ExitCode::FAILURE
        }
    }
}

/// The child that attaches: args are the data folder, the session id and the files.
fn attach_child(args: &[OsString]) -> Result<(), String> {
    let [data, id, files @ ..] = args else {
        return Err("usage: bundle --attach DATA SESSION FILE...".to_string());
    };
    let store = Store::at(Path::new(data).join("sessions"));
    let id = id.to_str().ok_or("the session id is not UTF-8")?;
    let mut recording = Recording::resume(&store, id)?;
    for file in files {
        recording.attach("incident.plan", "exists", Path::new(file))?;
    }
    Ok(())
}

/// A row of the table: a step, the attached bytes it handles, its runs.
struct Row {
    step: String,
    bytes: u64,
    runs: Vec<Run>,
}

fn bench(stop: &AtomicBool) -> Result<(), String> {
    for (tool, why) in [(TIME, "GNU time"), ("ssh-keygen", "OpenSSH's ssh-keygen")] {
        let found = Command::new(tool)
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if found.is_err() {
            return Err(format!(
                "{why} is needed ({tool} not found); on Debian: apt-get install time openssh-client"
            ));
        }
    }
    let parent = std::env::temp_dir();
    let free = rustix::fs::statvfs(&parent)
        .map(|s| s.f_bavail.saturating_mul(s.f_frsize))
        .map_err(|e| format!("{}: {e}", parent.display()))?;
    if free < NEEDED {
        return Err(format!(
            "{} has {:.1} GiB free; this bench needs {} GiB (set TMPDIR to a folder on a larger disk)",
            parent.display(),
            free as f64 / GIB as f64,
            NEEDED / GIB
        ));
    }
    let dir = tempfile::Builder::new()
        .prefix("vouch-bundle-bench-")
        .tempdir()
        .map_err(|e| format!("{}: {e}", parent.display()))?;
    let work = Work {
        data: dir.path().join("data"),
        key: dir.path().join("id_ed25519"),
        dir,
    };
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "ada@example.com", "-f"])
        .arg(&work.key)
        .status();
    if !made.is_ok_and(|s| s.success()) {
        return Err("ssh-keygen could not make a key".to_string());
    }
    eprintln!("bundle bench: working in {}", work.path().display());
    let mut rows = Vec::new();
    for (count, each) in [(1, GIB), (4, 256 * MIB)] {
        rows.extend(layout(&work, count, each, stop)?);
    }
    print(&rows);
    // `work` goes here, and with it every file made.
    Ok(())
}

/// Sessions holding `count` documents of `each` bytes: attach, references (for
/// one document), then export and verify as a ZIP and as a folder.
fn layout(work: &Work, count: u64, each: u64, stop: &AtomicBool) -> Result<Vec<Row>, String> {
    let label = format!("{count} × {} MiB", each / MIB);
    let total = count * each;
    let docs = work.path().join("docs");
    std::fs::create_dir(&docs).map_err(|e| format!("{}: {e}", docs.display()))?;
    let mut files = Vec::new();
    for n in 0..count {
        let file = docs.join(format!("document-{n}.bin"));
        document(&file, each, count * 100 + n)?;
        files.push(file);
    }
    let mut rows = Vec::new();
    let mut attach = Vec::new();
    let mut id = String::new();
    let this = std::env::current_exe().map_err(|e| format!("this bench's path: {e}"))?;
    for _ in 0..RUNS {
        if !id.is_empty() {
            work.store().remove(&id)?;
        }
        id = new_session(work)?;
        let mut argv = vec![this.clone().into_os_string(), "--attach".into()];
        argv.extend([work.data.clone().into_os_string(), id.clone().into()]);
        argv.extend(files.iter().map(|f| f.clone().into_os_string()));
        attach.push(timed(work, &argv, stop)?);
    }
    rows.push(Row::new(
        format!("attach {label} (a new session each run)"),
        total,
        attach,
    ));
    if let [one] = files.as_slice() {
        rows.extend(references(work, one, stop)?);
    }
    std::fs::remove_dir_all(&docs).map_err(|e| format!("{}: {e}", docs.display()))?;
    // Finished before the exports, so none of them writes the journal (and
    // the recording, which holds the session, ends here).
    let mut recording = Recording::resume(&work.store(), &id)?;
    if !recording.finish() {
        return Err(recording.failure.unwrap_or_default());
    }
    drop(recording);
    for zip in [true, false] {
        rows.extend(export_and_verify(work, &id, total, zip, &label, stop)?);
    }
    work.store().remove(&id)?;
    Ok(rows)
}

/// `vouch export` to a new pack, once cold and `RUNS` times warm, then `vouch
/// verify` of the first pack, once cold and `RUNS` times warm.
fn export_and_verify(
    work: &Work,
    id: &str,
    bytes: u64,
    zip: bool,
    label: &str,
    stop: &AtomicBool,
) -> Result<Vec<Row>, String> {
    let (form, ending) = if zip { ("ZIP", ".zip") } else { ("folder", "") };
    let pack = |n: usize| work.path().join(format!("pack-{n}{ending}"));
    let export = |n: usize| {
        let argv: Vec<OsString> = vec![
            VOUCH.into(),
            "export".into(),
            id.into(),
            "-o".into(),
            pack(n).into(),
            "--sign-key".into(),
            work.key.clone().into(),
        ];
        timed(work, &argv, stop)
    };
    let verify = || timed(work, &[VOUCH.into(), "verify".into(), pack(0).into()], stop);
    let sessions = work.data.join("sessions").join(id);
    evict(&sessions)?;
    let cold_export = export(0)?;
    holds(&pack(0), bytes)?;
    let mut warm_export = Vec::new();
    for n in 1..=RUNS {
        warm_export.push(export(n)?);
        remove(&pack(n))?;
    }
    evict(&pack(0))?;
    let cold_verify = verify()?;
    let warm_verify = (0..RUNS).map(|_| verify()).collect::<Result<Vec<_>, _>>()?;
    remove(&pack(0))?;
    Ok(vec![
        Row::new(format!("export {label} → {form}, cold"), bytes, vec![cold_export]),
        Row::new(format!("export {label} → {form}, warm"), bytes, warm_export),
        Row::new(format!("verify {label} {form}, cold"), bytes, vec![cold_verify]),
        Row::new(format!("verify {label} {form}, warm"), bytes, warm_verify),
    ])
}

/// The same bytes hashed by `sha256sum`, `openssl dgst -sha256` (both warm)
/// and the sha2 crate in memory, the ceilings vouch is compared with.
fn references(work: &Work, file: &Path, stop: &AtomicBool) -> Result<Vec<Row>, String> {
    let bytes = std::fs::metadata(file)
        .map_err(|e| format!("{}: {e}", file.display()))?
        .len();
    let mut rows = Vec::new();
    for tool in [&["sha256sum"][..], &["openssl", "dgst", "-sha256"][..]] {
        let mut argv: Vec<OsString> = tool.iter().map(OsString::from).collect();
        argv.push(file.into());
        let runs = (0..RUNS)
            .map(|_| timed(work, &argv, stop))
            .collect::<Result<Vec<_>, _>>();
        match runs {
            Ok(runs) => rows.push(Row::new(format!("`{}` (reference), warm", tool.join(" ")), bytes, runs)),
            Err(why) => eprintln!("bundle bench: no reference from {}: {why}", tool.join(" ")),
        }
    }
    let chunk = vec![0x5au8; MIB as usize];
    let runs = (0..RUNS)
        .map(|_| {
            use sha2::{Digest, Sha256};
            let start = Instant::now();
            let mut hasher = Sha256::new();
            for _ in 0..bytes / MIB {
                hasher.update(&chunk);
            }
            std::hint::black_box(hasher.finalize());
            Run::wall(start.elapsed())
        })
        .collect();
    rows.push(Row::new(
        "sha2 crate, 1 MiB chunks in memory (reference)".to_string(),
        bytes,
        runs,
    ));
    rows.extend(disk(work, bytes)?);
    Ok(rows)
}

/// The disk's own speed, in this process: `bytes` written a MiB at a time and
/// synced (what an export's durable write cannot beat), then read back cold
/// (what a cold verify cannot beat).
fn disk(work: &Work, bytes: u64) -> Result<Vec<Row>, String> {
    use std::io::Read;
    let path = work.path().join("disk.bin");
    let shown = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut chunk = vec![0u8; MIB as usize];
    for (n, byte) in chunk.iter_mut().enumerate() {
        *byte = (n.wrapping_mul(2_654_435_761) >> 13) as u8;
    }
    let (mut writes, mut reads) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let start = Instant::now();
        let mut file = std::fs::File::create(&path).map_err(shown)?;
        for _ in 0..bytes / MIB {
            file.write_all(&chunk).map_err(shown)?;
        }
        file.sync_all().map_err(shown)?;
        writes.push(Run::wall(start.elapsed()));
        evict(&path)?;
        let start = Instant::now();
        let mut file = std::fs::File::open(&path).map_err(shown)?;
        while file.read(&mut chunk).map_err(shown)? > 0 {}
        reads.push(Run::wall(start.elapsed()));
        remove(&path)?;
    }
    Ok(vec![
        Row::new(
            "write and fsync, in process (disk reference)".to_string(),
            bytes,
            writes,
        ),
        Row::new("read cold, in process (disk reference)".to_string(), bytes, reads),
    ])
}

/// A new session of the weak fixture, as `vouch scan --save` makes it; its id.
fn new_session(work: &Work) -> Result<String, String> {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/weak");
    let mut scan = Command::new(VOUCH);
    work.env(&mut scan);
    let done = scan
        .args([
            "scan",
            "--root",
            fixture,
            "--save",
            "--auditor",
            "Ada",
            "--as-of",
            AS_OF,
        ])
        .args(["--format", "json", "--fail-on", "never"])
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("{VOUCH}: {e}"))?;
    let stderr = String::from_utf8_lossy(&done.stderr);
    stderr
        .split("saved as session ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .ok_or_else(|| format!("vouch scan --save gave no session id: {stderr}"))
}

impl Row {
    fn new(step: String, bytes: u64, runs: Vec<Run>) -> Row {
        Row { step, bytes, runs }
    }
}

fn median(mut values: Vec<Duration>) -> Option<Duration> {
    values.sort();
    values.get(values.len() / 2).copied()
}

fn print(rows: &[Row]) {
    println!("| step | bytes | runs | wall (median) | CPU (median) | throughput | peak RSS (most) |");
    println!("|---|---|---|---|---|---|---|");
    for row in rows {
        let wall = median(row.runs.iter().map(|r| r.wall).collect());
        let cpu = median(row.runs.iter().filter_map(|r| r.cpu).collect());
        let rss = row.runs.iter().filter_map(|r| r.rss_kib).max();
        let seconds = |d: Option<Duration>| d.map_or("—".to_string(), |d| format!("{:.2} s", d.as_secs_f64()));
        let rate = wall.map_or("—".to_string(), |w| {
            format!("{:.0} MB/s", row.bytes as f64 / 1e6 / w.as_secs_f64().max(1e-9))
        });
        let rss = rss.map_or("—".to_string(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0));
        println!(
            "| {} | {} MiB | {} | {} | {} | {} | {} |",
            row.step,
            row.bytes / MIB,
            row.runs.len(),
            seconds(wall),
            seconds(cpu),
            rate,
            rss
        );
    }
}
