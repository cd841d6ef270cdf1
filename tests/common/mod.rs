//! Shared helpers for the integration tests: run the real `vouch` binary and read
//! its JSON results; `differential` serves the tests that compare vouch with the
//! real programs.

#![allow(dead_code)]

pub mod differential;
pub mod sshd;

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

pub const AS_OF: &str = "2026-11-22T12:00:00Z";

pub fn vouch() -> Command {
    let mut cmd = Command::cargo_bin("vouch").expect("the vouch binary is built");
    cmd.env_remove("NO_COLOR")
        .env_remove("SSH_AUTH_SOCK")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("VOUCH_CONFIG_DIR", config_dir())
        .env("VOUCH_DATA_DIR", config_dir().join("data"));
    cmd
}

/// A config folder of the test run's own (its redaction key made on first use),
/// so tests never write into the home of whoever runs them.
pub fn config_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temp config folder"))
        .path()
}

pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// One host's scan as JSON, with the exit code.
pub struct Scan {
    pub code: i32,
    pub json: Value,
    pub stderr: String,
}

impl Scan {
    pub fn host(&self) -> &Value {
        &self.json["hosts"][0]
    }

    pub fn control(&self, id: &str) -> &Value {
        self.host()["controls"]
            .as_array()
            .and_then(|all| all.iter().find(|c| c["id"] == id))
            .unwrap_or_else(|| panic!("no control {id} in the results"))
    }

    pub fn status(&self, id: &str) -> String {
        self.control(id)["status"].as_str().unwrap_or_default().to_string()
    }

    pub fn summary(&self, id: &str) -> String {
        self.control(id)["summary"].as_str().unwrap_or_default().to_string()
    }

    /// Every finding's "location: message" of a control, one string each.
    pub fn findings(&self, id: &str) -> Vec<String> {
        self.control(id)["findings"]
            .as_array()
            .map(|all| {
                all.iter()
                    .map(|f| {
                        format!(
                            "{}: {}",
                            f["location"].as_str().unwrap_or("-"),
                            f["message"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn statuses(&self) -> BTreeMap<String, String> {
        self.host()["controls"]
            .as_array()
            .map(|all| {
                all.iter()
                    .map(|c| {
                        (
                            c["id"].as_str().unwrap_or("").to_string(),
                            c["status"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `vouch scan --root ROOT --as-of AS_OF --format json` plus extra args.
pub fn scan_root(root: &Path, extra: &[&str]) -> Scan {
    let out = vouch()
        .args(["scan", "--format", "json", "--as-of", AS_OF, "--root"])
        .arg(root)
        .args(extra)
        .output()
        .expect("vouch runs");
    scan_of(out)
}

/// A finished `vouch scan --format json` read back.
pub fn scan_of(out: std::process::Output) -> Scan {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}\n{stderr}"));
    Scan {
        code: out.status.code().unwrap_or(-1),
        json,
        stderr,
    }
}

/// The session id `vouch scan --save` printed on stderr.
pub fn session_id_in(stderr: &str) -> String {
    stderr
        .split("saved as session ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no session id in: {stderr}"))
        .to_string()
}

/// `vouch scan --save` of the weak fixture into the data folder `data`, by
/// `auditor`, with `extra` arguments: the new session's id.
pub fn saved_weak_session(data: &Path, auditor: &str, extra: &[&str]) -> String {
    let scan = vouch()
        .env("VOUCH_DATA_DIR", data)
        .args(["scan", "--as-of", AS_OF, "--save", "--auditor", auditor])
        .args(extra)
        .arg("--root")
        .arg(fixture("weak"))
        .output()
        .expect("vouch runs");
    session_id_in(&String::from_utf8_lossy(&scan.stderr))
}

/// A writable copy of a fixture host, for tests that add to it.
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(Path::new(&fixture(name)), dir.path());
    dir
}

/// Copy a tree, symlinks as symlinks.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("a fixture folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("type");
        if kind.is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else if kind.is_symlink() {
            let link = std::fs::read_link(entry.path()).expect("link");
            std::os::unix::fs::symlink(link, &target).expect("symlink");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
