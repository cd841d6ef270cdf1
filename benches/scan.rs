//! Speed of a whole-catalog scan of a fixture host with `--root`: load the bundled
//! checklists, collect, evaluate and render JSON, as `vouch scan local --root DIR
//! --format json` does, minus process start. Reports wall time and CPU time (user +
//! system, all threads, from /proc/self/stat) per scan; record results in
//! BENCHMARKS.md. Run: `cargo bench --bench scan`.

use std::time::{Duration, Instant};
use vouch::checklist::{bundled, load_catalog};
use vouch::engine::{self, Options};
use vouch::model::Target;
use vouch::report::json;
use vouch::results::ScanResults;
use vouch::transport::fs::FsTransport;

const ITERATIONS: u32 = 50;

/// CPU time of this process so far (utime + stime), from /proc/self/stat.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_comm = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}

fn one_scan(root: &str) -> (usize, usize) {
    let (catalog, _) = match load_catalog(&bundled::texts()) {
        Ok(loaded) => loaded,
        Err(e) => panic!("bundled checklists: {e}"),
    };
    let transport = FsTransport::rooted(root);
    let target = Target {
        name: "local".into(),
        root: Some(root.into()),
        ..Target::default()
    };
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let host = engine::scan_host(&catalog, &target, &transport, &Options::default(), &cancel);
    let results = ScanResults::new(&catalog, vouch::clock::now(), vec![host]);
    let text = json::render(&results).unwrap_or_default();
    (results.hosts[0].evidence.len(), text.len())
}

/// Redaction runs over every byte collected: time it on a real-sized dpkg status
/// (the weak fixture's, repeated to about 3 MB, the size of a server's).
fn redaction() {
    let path = format!("{}/tests/fixtures/weak/var/lib/dpkg/status", env!("CARGO_MANIFEST_DIR"));
    let Ok(one) = std::fs::read_to_string(&path) else {
        return;
    };
    let text = one.repeat((3 * 1024 * 1024) / one.len().max(1));
    let start = Instant::now();
    let runs = 10;
    for _ in 0..runs {
        let _ = vouch::evidence::redact::redact(&text);
    }
    let per = start.elapsed() / runs;
    println!(
        "\nredaction of a {:.1} MB dpkg status: {:.1} ms ({:.0} MB/s)",
        text.len() as f64 / 1e6,
        per.as_secs_f64() * 1e3,
        text.len() as f64 / 1e6 / per.as_secs_f64()
    );
}

fn main() {
    println!("| fixture | controls | evidence items | JSON bytes | wall per scan | CPU per scan |");
    println!("|---|---|---|---|---|---|");
    for fixture in ["weak", "hardened", "mixed"] {
        let root = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
        if !std::path::Path::new(&root).is_dir() {
            continue;
        }
        let (evidence, bytes) = one_scan(&root); // warm the page cache
        let cpu_before = cpu_time();
        let start = Instant::now();
        for _ in 0..ITERATIONS {
            one_scan(&root);
        }
        let wall = start.elapsed() / ITERATIONS;
        let cpu = match (cpu_before, cpu_time()) {
            (Some(before), Some(after)) => format!(
                "{:.1} ms",
                (after - before).as_secs_f64() * 1000.0 / f64::from(ITERATIONS)
            ),
            _ => "n/a".to_string(),
        };
        let controls = load_catalog(&bundled::texts())
            .map(|(c, _)| c.controls.len())
            .unwrap_or(0);
        println!(
            "| {fixture} | {controls} | {evidence} | {bytes} | {:.2} ms | {cpu} |",
            wall.as_secs_f64() * 1000.0
        );
    }
    redaction();
}
