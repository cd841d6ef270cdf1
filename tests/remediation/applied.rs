//! The fixes applied as a client would: the weak Ubuntu 24.04 droplet
//! (tests/fixtures/weak) gets the files the remediations give, and the controls
//! they fix then pass — while sshd, visudo and nft still accept the whole tree.

use super::blocks::blocks_of;
use super::common::differential::{require_program, run_with_etc};
use super::common::{fixture_copy, scan_root};
use super::remediations;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// The controls whose files are written; each must end in pass.
const FIXED: &[&str] = &[
    "ssh.password-auth",
    "ssh.root-login",
    "ssh.allow-users",
    "firewall.enabled",
    "firewall.default-deny",
    "patching.security-origin",
    "auth.sudo",
];

/// Write each control's file blocks under `root`. A path one remediation gives
/// twice is a choice between distributions, Ubuntu's first: the first is kept.
fn apply(root: &Path, controls: &[&str]) -> Vec<String> {
    let all: BTreeMap<String, String> = remediations().into_iter().collect();
    let mut written = Vec::new();
    for id in controls {
        let text = all.get(*id).unwrap_or_else(|| panic!("{id} is in the catalog"));
        let mut seen = Vec::new();
        for block in blocks_of(id, text) {
            let Some(path) = block.file.filter(|p| p.starts_with("/etc/")) else {
                continue;
            };
            if seen.contains(&path) {
                continue;
            }
            let target = root.join(path.trim_start_matches('/'));
            std::fs::create_dir_all(target.parent().expect("a parent")).expect("folders");
            std::fs::write(&target, &block.text).expect("the fix written");
            seen.push(path.clone());
            written.push(path);
        }
        assert!(!seen.is_empty(), "{id}'s remediation gives no file to write");
    }
    written
}

#[test]
fn the_weak_droplet_fixed_by_the_checklists_own_files_passes() {
    let tree = fixture_copy("weak");
    let before = scan_root(tree.path(), &[]);
    for id in FIXED {
        assert_ne!(
            before.status(id),
            "pass",
            "{id} is broken on the weak host to begin with"
        );
    }
    let written = apply(tree.path(), FIXED);
    let after = scan_root(tree.path(), &[]);
    let still: Vec<String> = FIXED
        .iter()
        .filter(|id| after.status(id) != "pass")
        .map(|id| format!("{id}: {} — {}", after.status(id), after.summary(id)))
        .collect();
    assert!(still.is_empty(), "after writing {written:?}:\n{}", still.join("\n"));

    // The real programs accept the fixed tree as a whole.
    let sbin = ["/usr/sbin", "/sbin"];
    let sshd = require_program("sshd", &sbin, "openssh-server").expect("sshd judges the fixed tree");
    // The fixture keeps its host keys' public halves only: a throwaway key stands in.
    let keys = tempfile::tempdir().expect("a temporary directory");
    let key = keys.path().join("host_key");
    let keygen = require_program("ssh-keygen", &[], "openssh-client").expect("ssh-keygen");
    let made = Command::new(keygen)
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status();
    assert!(made.is_ok_and(|s| s.success()), "ssh-keygen");
    let key = key.to_str().expect("UTF-8 path");
    let checked = run_with_etc(tree.path(), "ssh", &sshd, &["-t", "-h", key]);
    assert!(checked.is_ok(), "sshd -t on the fixed tree: {checked:?}");
    let visudo = require_program("visudo", &sbin, "sudo").expect("visudo judges the fixed tree");
    for entry in std::fs::read_dir(tree.path().join("etc/sudoers.d")).expect("sudoers.d") {
        let path = entry.expect("entry").path();
        let out = Command::new(&visudo)
            .args(["-c", "-q", "-f"])
            .arg(&path)
            .output()
            .expect("visudo");
        assert!(
            out.status.success(),
            "visudo -c {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let nft = require_program("nft", &sbin, "nftables").expect("nft judges the fixed tree");
    let out = Command::new("unshare")
        .args(["--net", "--"])
        .arg(nft)
        .args(["-c", "-f"])
        .arg(tree.path().join("etc/nftables.conf"))
        .output()
        .expect("nft");
    assert!(out.status.success(), "nft -c: {}", String::from_utf8_lossy(&out.stderr));
}
