//! Hostile or broken target trees: a huge file, a binary file, an unreadable file,
//! a symlink loop, a FIFO. Each gets a clear one-line reason on its control, never a
//! panic or a hang, and the rest of the scan completes.

mod common;

use common::scan_root;
use std::os::unix::fs::symlink;
use std::path::Path;

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for d in [
        "etc/ssh",
        "etc/ufw",
        "etc/default",
        "etc/apt/apt.conf.d",
        "var/lib/dpkg",
    ] {
        std::fs::create_dir_all(dir.path().join(d)).expect("mkdir");
    }
    dir
}

fn write(root: &Path, path: &str, bytes: &[u8]) {
    std::fs::write(root.join(path), bytes).expect("write");
}

fn assert_complete(scan: &common::Scan) {
    let statuses = scan.statuses();
    assert!(
        statuses.len() >= 62,
        "every control is still reported: {}",
        statuses.len()
    );
    assert_eq!(
        scan.status("ssh.authorized-keys"),
        "needs_review",
        "other controls are decided as usual"
    );
}

#[test]
fn a_50_mb_sshd_config_is_refused_with_its_size() {
    let dir = tree();
    let file = std::fs::File::create(dir.path().join("etc/ssh/sshd_config")).expect("create");
    file.set_len(50 * 1024 * 1024).expect("sparse 50 MB file");
    let scan = scan_root(dir.path(), &[]);
    assert_eq!(scan.status("ssh.password-auth"), "error");
    assert!(
        scan.summary("ssh.password-auth")
            .contains("50.0 MiB, over the 16.0 MiB read cap"),
        "{}",
        scan.summary("ssh.password-auth")
    );
    assert_eq!(scan.code, 1, "an error is not a clean bill of health");
    assert_complete(&scan);
}

#[test]
fn a_binary_sshd_config_is_named_as_binary() {
    let dir = tree();
    write(
        dir.path(),
        "etc/ssh/sshd_config",
        b"\x7fELF\x02\x01\x01\x00\x00\x00PasswordAuthentication no\n",
    );
    let scan = scan_root(dir.path(), &[]);
    assert_eq!(scan.status("ssh.password-auth"), "error");
    assert!(
        scan.summary("ssh.password-auth").contains("binary file"),
        "{}",
        scan.summary("ssh.password-auth")
    );
    assert_complete(&scan);
}

#[test]
fn a_symlink_loop_is_named_as_a_loop() {
    let dir = tree();
    symlink("/etc/ssh/loop", dir.path().join("etc/ssh/sshd_config")).expect("symlink");
    symlink("/etc/ssh/sshd_config", dir.path().join("etc/ssh/loop")).expect("symlink");
    let scan = scan_root(dir.path(), &[]);
    assert_eq!(scan.status("ssh.password-auth"), "error");
    assert!(
        scan.summary("ssh.password-auth").contains("symlink loop"),
        "{}",
        scan.summary("ssh.password-auth")
    );
    assert_complete(&scan);
}

#[test]
fn a_directory_or_fifo_where_a_file_should_be_is_an_error_not_a_hang() {
    let dir = tree();
    std::fs::create_dir_all(dir.path().join("etc/ssh/sshd_config")).expect("dir in place of file");
    let fifo = dir.path().join("etc/ufw/ufw.conf");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    let scan = scan_root(dir.path(), &[]);
    assert_eq!(scan.status("ssh.password-auth"), "error");
    assert!(
        scan.summary("ssh.password-auth").contains("is a directory"),
        "{}",
        scan.summary("ssh.password-auth")
    );
    if made {
        assert_eq!(scan.status("firewall.enabled"), "error");
        assert!(
            scan.summary("firewall.enabled").contains("named pipe"),
            "{}",
            scan.summary("firewall.enabled")
        );
    }
    assert_complete(&scan);
}

#[test]
fn an_unreadable_file_says_permission_denied() {
    let root_user = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(true);
    if root_user {
        // root reads a mode-000 file anyway; the directory, FIFO and loop cases above
        // cover unreadable paths there.
        return;
    }
    let dir = tree();
    write(dir.path(), "etc/ssh/sshd_config", b"PasswordAuthentication no\n");
    let path = dir.path().join("etc/ssh/sshd_config");
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o000)).expect("chmod");
    let scan = scan_root(dir.path(), &[]);
    assert_eq!(scan.status("ssh.password-auth"), "error");
    assert!(
        scan.summary("ssh.password-auth").contains("permission denied"),
        "{}",
        scan.summary("ssh.password-auth")
    );
}

#[test]
fn an_absolute_symlink_never_reads_this_machine() {
    let dir = tree();
    // On the audited host this link points at its own /etc/ssh/real_config; under
    // --root it must resolve inside the tree, never to this machine's file.
    write(
        dir.path(),
        "etc/ssh/real_config",
        b"PasswordAuthentication no\nPermitRootLogin no\n",
    );
    symlink("/etc/ssh/real_config", dir.path().join("etc/ssh/sshd_config")).expect("symlink");
    let scan = scan_root(dir.path(), &[]);
    assert_eq!(
        scan.status("ssh.root-login"),
        "pass",
        "{}",
        scan.summary("ssh.root-login")
    );
    let escape = tree();
    symlink("/etc/hostname", escape.path().join("etc/ssh/sshd_config")).expect("symlink");
    let scan = scan_root(escape.path(), &[]);
    assert_eq!(
        scan.status("ssh.password-auth"),
        "needs_review",
        "the link's target is absent inside the tree: {}",
        scan.summary("ssh.password-auth")
    );
}

#[test]
fn a_megabytes_long_configuration_is_refused_before_parsing() {
    // Under the 16 MiB read cap but far beyond any real sshd_config or ruleset:
    // parsing it could cost minutes, so vouch says what it is instead.
    let dir = tree();
    let line = format!(
        "AllowUsers {}\n",
        (0..1000).map(|i| format!("user{i}")).collect::<Vec<_>>().join(" ")
    );
    write(dir.path(), "etc/ssh/sshd_config", line.repeat(400).as_bytes());
    std::fs::write(dir.path().join("etc/nftables.conf"), "{".repeat(3 * 1024 * 1024)).expect("write");
    let scan = scan_root(dir.path(), &[]);
    assert_eq!(scan.status("ssh.allow-users"), "error");
    assert!(
        scan.summary("ssh.allow-users").contains("over the 1.0 MiB read cap"),
        "{}",
        scan.summary("ssh.allow-users")
    );
    assert_eq!(
        scan.status("firewall.enabled"),
        "error",
        "{}",
        scan.summary("firewall.enabled")
    );
    assert_complete(&scan);
}
