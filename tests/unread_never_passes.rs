//! What vouch could not read can never yield a pass, and a name that is not UTF-8
//! is no excuse not to read. A hardened host passes ssh.password-auth and
//! auth.sudo; add an include file whose name is not UTF-8, with the setting that
//! fails the control inside, and vouch reads it as sshd and sudo do; make an
//! include directory unlistable, and the control cannot pass.

mod common;

use common::{fixture_copy, scan_root, AS_OF};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn hardened_copy() -> tempfile::TempDir {
    fixture_copy("hardened")
}

#[test]
fn the_hardened_host_passes_before_anything_is_hidden() {
    let host = hardened_copy();
    let scan = scan_root(host.path(), &["--only", "ssh.password-auth", "--only", "auth.sudo"]);
    assert_eq!(scan.status("ssh.password-auth"), "pass");
    assert_eq!(scan.status("auth.sudo"), "pass");
}

#[test]
fn an_include_file_whose_name_is_not_utf8_is_read_like_any_other() {
    let host = hardened_copy();
    let name = OsStr::from_bytes(b"00-\xffweak.conf");
    std::fs::write(
        host.path().join("etc/ssh/sshd_config.d").join(name),
        "PasswordAuthentication yes\n",
    )
    .expect("write");
    let sudo_name = OsStr::from_bytes(b"00-\xfe");
    std::fs::write(
        host.path().join("etc/sudoers.d").join(sudo_name),
        "deploy ALL=(ALL) NOPASSWD: ALL\n",
    )
    .expect("write");
    let scan = scan_root(host.path(), &["--only", "ssh.password-auth", "--only", "auth.sudo"]);
    // sshd reads it first (00- sorts before 10-hardening), and sudo reads it too.
    assert_eq!(
        scan.status("ssh.password-auth"),
        "fail",
        "{}",
        scan.summary("ssh.password-auth")
    );
    assert!(
        scan.summary("ssh.password-auth")
            .contains(r"/etc/ssh/sshd_config.d/00-\xffweak.conf:1"),
        "named, escaped: {}",
        scan.summary("ssh.password-auth")
    );
    assert_eq!(scan.status("auth.sudo"), "warn", "{}", scan.summary("auth.sudo"));
    assert!(
        scan.summary("auth.sudo").contains(r"/etc/sudoers.d/00-\xfe:1"),
        "{}",
        scan.summary("auth.sudo")
    );
}

/// As root every directory is listable, so the scan runs as `nobody` (setpriv,
/// util-linux) over a copy everyone may read but one include directory.
#[test]
fn an_include_directory_that_cannot_be_listed_is_never_taken_as_empty() {
    let host = hardened_copy();
    let open_to_all = |path: &Path| {
        for entry in walk(path) {
            let mode = if entry.is_dir() { 0o755 } else { 0o644 };
            let _ = std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode));
        }
    };
    std::fs::set_permissions(host.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    open_to_all(host.path());
    let hidden = host.path().join("etc/ssh/sshd_config.d");
    std::fs::write(hidden.join("00-weak.conf"), "PasswordAuthentication yes\n").expect("write");
    std::fs::set_permissions(&hidden, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let bin = assert_cmd::cargo::cargo_bin("vouch");
    let mut cmd = if is_root() {
        let mut cmd = std::process::Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(bin);
        cmd
    } else {
        std::process::Command::new(bin)
    };
    let out = cmd
        .env("VOUCH_CONFIG_DIR", common::config_dir())
        .args([
            "scan",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--only",
            "ssh.password-auth",
            "--root",
        ])
        .arg(host.path())
        .output()
        .expect("vouch runs (setpriv is util-linux's, installed by .ci/run)");
    let _ = std::fs::set_permissions(&hidden, std::fs::Permissions::from_mode(0o755));
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let control = &json["hosts"][0]["controls"][0];
    let status = control["status"].as_str().unwrap_or_default();
    assert!(
        status == "error" || status == "needs_review",
        "{status}: {}",
        control["summary"]
    );
    assert!(
        control["summary"]
            .as_str()
            .unwrap_or_default()
            .contains("could not be listed"),
        "{}",
        control["summary"]
    );
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                out.extend(walk(&path));
            } else if entry.file_type().is_ok_and(|t| t.is_file()) {
                out.push(path);
            }
        }
    }
    out
}
