//! Shared by the differential tests (tests/differential_*.rs), which hold vouch's
//! parsers against the real programs: finding the real program (a hard failure
//! under CI, a skip elsewhere), writing generated trees, and reading a `--root`
//! tree into a Snapshot exactly as `vouch scan --root` does.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use vouch::evidence::Snapshot;
use vouch::model::ProbeType;
use vouch::probe::collect_snapshot;
use vouch::probe::ProbeKind;
use vouch::transport::fs::FsTransport;

/// The path of `program` (searched in PATH, then in `extra_dirs`), or None.
pub fn find_program(program: &str, extra_dirs: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(extra_dirs.iter().map(PathBuf::from))
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// The real program a differential test needs. When it is missing the test must
/// not pass silently under CI: with `CI` set this panics; otherwise it prints why
/// the test is skipped and returns None.
pub fn require_program(program: &str, extra_dirs: &[&str], package: &str) -> Option<PathBuf> {
    if let Some(found) = find_program(program, extra_dirs) {
        return Some(found);
    }
    let why = format!("`{program}` is not installed (Debian package {package})");
    assert!(
        std::env::var_os("CI").is_none(),
        "{why}, and CI is set: the differential test cannot be skipped in CI (apt-get install -y {package})"
    );
    // Straight to stderr: the test harness captures eprintln! of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {why}; install it to compare vouch with the real program"
    );
    None
}

/// Write `files` (paths relative to `root`) under `root`, creating directories.
pub fn write_tree(root: &Path, files: &[(&str, &str)]) {
    for (relative, text) in files {
        let path = root.join(relative);
        let parent = path.parent().expect("a file path has a parent");
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("creating {}: {e}", parent.display()));
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }
}

/// What vouch would collect from `root` with the domain probe `kind`, as a
/// Snapshot: the same collector `vouch scan --root ROOT` runs.
pub fn snapshot_of(root: &Path, kind: ProbeType) -> Snapshot {
    let probe = ProbeKind::Domain {
        kind,
        params: Default::default(),
    };
    collect_snapshot([&probe], &FsTransport::rooted(root))
}

/// Run `program ARGS` in a private mount namespace where the tree's `etc/NAME` is
/// mounted on the host's /etc/NAME (which the judge's package made): its stdout
/// when it exits 0, else its stderr.
pub fn run_with_etc(root: &Path, name: &str, program: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "--", "sh", "-c"])
        .arg(r#"mount --bind "$1" "/etc/$2" && shift 2 && exec "$@""#)
        .arg("sh")
        .arg(root.join("etc").join(name))
        .arg(name)
        .arg(program)
        .args(args)
        .output()
        .expect("unshare runs (util-linux; the tests run as root)");
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Run `command`; its stdout when it exits 0, else its stderr (and exit status).
pub fn output_of(command: &mut Command) -> Result<String, String> {
    let shown = format!("{command:?}");
    let out = command.output().unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{} ({})",
            String::from_utf8_lossy(&out.stderr).trim(),
            out.status
        ))
    }
}

/// A small deterministic generator (xorshift64), so every run tests the same trees.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).expect("below n")
    }

    /// Up to `max` lines, each drawn from the concatenation of `pools`.
    pub fn lines(&mut self, pools: &[&[&str]], max: usize) -> String {
        let all: Vec<&str> = pools.iter().flat_map(|pool| pool.iter().copied()).collect();
        let count = self.below(max + 1);
        let mut text = String::new();
        for _ in 0..count {
            text.push_str(all[self.below(all.len())]);
            text.push('\n');
        }
        text
    }
}

/// A throwaway self-signed P-256 certificate for `subject` (`/CN=example.com`),
/// written by `openssl` (with no configuration file) to `cert` and `key`.
pub fn self_signed_certificate(openssl: &Path, subject: &str, cert: &Path, key: &Path) {
    let out = Command::new(openssl)
        .env("OPENSSL_CONF", "/dev/null")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ])
        .args(["-days", "30", "-subj", subject, "-keyout"])
        .arg(key)
        .arg("-out")
        .arg(cert)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl req: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A program `.ci/judges` installs under VOUCH_JUDGES (default /opt/vouch-judges),
/// by its path there (`py/bin/bandit`). A missing judge fails, never skips.
pub fn installed_judge(relative: &str) -> PathBuf {
    let judges = std::env::var_os("VOUCH_JUDGES").map_or_else(|| PathBuf::from("/opt/vouch-judges"), PathBuf::from);
    let program = judges.join(relative);
    assert!(
        program.exists(),
        "{} is missing: install the judges with `bash .ci/judges` (VOUCH_JUDGES={})",
        program.display(),
        judges.display()
    );
    program
}
