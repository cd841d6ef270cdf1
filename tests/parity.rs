//! Parity: this machine audited over SSH (a real sshd on loopback, logged in as
//! whoever runs the tests, or as a login granted `vouch collector --sudoers`),
//! and through the offline collector script run here and imported, gets control
//! by control the status `scan local` gives it. All read the machine's live
//! state, so they take turns (a lock on a file, across test processes).

mod common;

use common::sshd::{Client, Sshd};
use common::{scan_of, vouch, AS_OF};
use std::process::Command;

/// One test at a time reads this machine's live state, across test processes
/// too (nextest runs each test in its own): an exclusive lock on a fixed file.
fn live_state() -> std::fs::File {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::env::temp_dir().join("vouch-tests-live-state.lock"))
        .expect("the lock file opens");
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive).expect("the lock is taken");
    file
}

#[test]
fn every_control_has_the_same_status_over_ssh_as_locally() {
    let _turn = live_state();
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "");
    client.trust(&server);
    let local = scan_of(
        vouch()
            .args(["scan", "local", "--format", "json", "--as-of", AS_OF])
            .output()
            .expect("vouch runs"),
    );
    let remote = scan_of(
        client
            .vouch()
            .args(["scan", &server.target(), "--format", "json", "--as-of", AS_OF])
            .output()
            .expect("vouch runs"),
    );
    assert_ne!(remote.code, 2, "{}", remote.stderr);
    assert_eq!(remote.host()["host_key"], server.host_fingerprint());
    let (here, there) = (local.statuses(), remote.statuses());
    assert_eq!(here.len(), there.len());
    let differ: Vec<String> = here
        .iter()
        .filter(|(id, status)| there.get(*id) != Some(status))
        .map(|(id, status)| {
            format!(
                "{id}: local {status}, ssh {} ({})",
                there.get(id).map_or("absent", String::as_str),
                remote.summary(id)
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "over SSH the verdicts differ:\n{}",
        differ.join("\n")
    );
    // The same files were read: the evidence names the same sources.
    let sources = |scan: &common::Scan| -> std::collections::BTreeSet<String> {
        scan.host()["evidence"]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|e| e["source"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (here, there) = (sources(&local), sources(&remote));
    let only: Vec<&String> = here.symmetric_difference(&there).collect();
    assert!(only.is_empty(), "read on one side only: {only:?}");
}

/// A login that is not root, made for the test (unlocked, no password), and a
/// sudoers file of the test's own, removed when done.
struct SudoLab {
    grant: std::path::PathBuf,
}

const USER: &str = "vouch-sudo-test";

impl SudoLab {
    fn new() -> SudoLab {
        assert_eq!(
            common::sshd::login(),
            "root",
            "the --sudo tests make a user and a sudoers file: run them as root (CI does)"
        );
        let exists = Command::new("id").arg(USER).output().expect("id runs").status.success();
        if !exists {
            let made = Command::new("useradd")
                .args(["--no-create-home", "--shell", "/bin/sh", USER])
                .status();
            assert!(made.expect("useradd runs").success(), "useradd failed");
        }
        // Unlocked without a password, so sshd lets the key in (UsePAM no).
        assert!(Command::new("usermod")
            .args(["-p", "*", USER])
            .status()
            .expect("usermod runs")
            .success());
        SudoLab {
            grant: std::path::PathBuf::from("/etc/sudoers.d/vouch-sudo-test"),
        }
    }

    /// Install what `vouch collector --sudoers --user USER` prints, checked by visudo first.
    fn grant(&self) {
        let out = vouch()
            .args(["collector", "--sudoers", "--user", USER])
            .output()
            .expect("vouch runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let staged = self.grant.with_extension("staged");
        std::fs::write(&staged, &out.stdout).expect("written");
        let checked = Command::new("visudo")
            .arg("-cf")
            .arg(&staged)
            .output()
            .expect("visudo runs (sudo is installed by .ci/run)");
        assert!(
            checked.status.success(),
            "visudo refuses the grant: {}",
            String::from_utf8_lossy(&checked.stdout)
        );
        std::fs::set_permissions(&staged, std::os::unix::fs::PermissionsExt::from_mode(0o440)).expect("chmod");
        std::fs::rename(&staged, &self.grant).expect("installed");
        assert!(Command::new("visudo")
            .arg("-c")
            .output()
            .expect("visudo runs")
            .status
            .success());
    }
}

impl Drop for SudoLab {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.grant);
    }
}

#[test]
fn with_sudo_a_login_that_is_not_root_audits_as_root_would_once_granted() {
    let _turn = live_state();
    let lab = SudoLab::new();
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "");
    client.trust(&server);
    let scan_as_user = || {
        scan_of(
            client
                .vouch()
                .args([
                    "scan",
                    &server.target_as(USER),
                    "--sudo",
                    "--format",
                    "json",
                    "--as-of",
                    AS_OF,
                ])
                .output()
                .expect("vouch runs"),
        )
    };
    // No grant: what only root may read is the auditor's to look at, never a failure.
    let refused = scan_as_user();
    assert_ne!(refused.code, 2, "{}", refused.stderr);
    assert_eq!(
        refused.status("auth.sudo"),
        "needs_review",
        "{}",
        refused.summary("auth.sudo")
    );
    assert!(
        refused.summary("auth.sudo").contains("not readable without root"),
        "{}",
        refused.summary("auth.sudo")
    );
    assert!(
        refused.statuses().values().all(|s| s != "error"),
        "{:?}",
        refused.statuses()
    );

    // Granted exactly what `vouch collector --sudoers` names: as root would see it.
    lab.grant();
    let granted = scan_as_user();
    let local = scan_of(
        vouch()
            .args(["scan", "local", "--format", "json", "--as-of", AS_OF])
            .output()
            .expect("vouch runs"),
    );
    let (here, there) = (local.statuses(), granted.statuses());
    let differ: Vec<String> = here
        .iter()
        .filter(|(id, status)| there.get(*id) != Some(status))
        .map(|(id, status)| {
            format!(
                "{id}: local {status}, ssh --sudo {} ({})",
                there[id],
                granted.summary(id)
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "with the grant the verdicts differ:\n{}",
        differ.join("\n")
    );
    // The grant is not a way in: nothing outside it runs as root.
    let shadow = Command::new("su")
        .args([
            USER,
            "-s",
            "/bin/sh",
            "-c",
            "sudo -n cat -- /etc/sudoers.d/README /etc/shadow",
        ])
        .output()
        .expect("su runs");
    assert!(!shadow.status.success(), "an extra argument rode along the grant");
}

#[test]
fn the_collector_script_run_here_and_imported_gives_the_same_verdicts() {
    let _turn = live_state();
    let dir = tempfile::tempdir().expect("a temp dir");
    let script = dir.path().join("vouch-collect.sh");
    let archive = dir.path().join("here.tar.gz");
    vouch().args(["collector", "-o"]).arg(&script).assert().success();
    let ran = Command::new("sh").arg(&script).arg(&archive).output().expect("sh runs");
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    let local = scan_of(
        vouch()
            .args(["scan", "local", "--format", "json", "--as-of", AS_OF])
            .output()
            .expect("vouch runs"),
    );
    let imported = scan_of(
        vouch()
            .arg("import")
            .arg(&archive)
            .args(["--format", "json", "--as-of", AS_OF])
            .output()
            .expect("vouch runs"),
    );
    assert_ne!(imported.code, 2, "{}", imported.stderr);
    let (here, there) = (local.statuses(), imported.statuses());
    let differ: Vec<String> = here
        .iter()
        .filter(|(id, status)| there.get(*id) != Some(status))
        .map(|(id, status)| {
            format!(
                "{id}: local {status}, imported {} ({})",
                there[id],
                imported.summary(id)
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "imported, the verdicts differ:\n{}",
        differ.join("\n")
    );
    let evidence = imported.host()["evidence"].as_array().expect("evidence");
    assert!(evidence.iter().all(|e| e["provenance"] == "imported"));
}

#[test]
fn the_collector_run_by_a_login_that_is_not_root_never_takes_unread_for_absent() {
    let _turn = live_state();
    let _lab = SudoLab::new();
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o777)).expect("chmod");
    let script = dir.path().join("vouch-collect.sh");
    let archive = dir.path().join("as-user.tar.gz");
    vouch().args(["collector", "-o"]).arg(&script).assert().success();
    let line = format!("sh {} {}", script.display(), archive.display());
    let ran = Command::new("su")
        .args([USER, "-s", "/bin/sh", "-c", &line])
        .output()
        .expect("su runs");
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    let manifest = Command::new("tar")
        .args(["xzf"])
        .arg(&archive)
        .args(["-O", "vouch-collect/MANIFEST"])
        .output()
        .expect("tar runs");
    let manifest = String::from_utf8_lossy(&manifest.stdout);
    assert!(manifest.contains("file\t/etc/sudoers\tunreadable"), "{manifest}");
    assert!(
        manifest.contains("file\t/root/.ssh/authorized_keys\tunreadable"),
        "{manifest}"
    );
    let imported = scan_of(
        vouch()
            .arg("import")
            .arg(&archive)
            .args([
                "--format",
                "json",
                "--as-of",
                AS_OF,
                "--only",
                "auth.sudo,ssh.authorized-keys",
            ])
            .output()
            .expect("vouch runs"),
    );
    for id in ["auth.sudo", "ssh.authorized-keys"] {
        assert_ne!(imported.status(id), "pass", "{id}: {}", imported.summary(id));
        assert!(
            imported.summary(id).contains("could not"),
            "{id}: {}",
            imported.summary(id)
        );
    }
}

/// The fixture app's deps, secrets and codesec controls, scanned `local` and over
/// SSH with `--app-dir` naming the same folder: the same statuses, findings and
/// evidence kinds (the Git index read from its bytes over SFTP too).
#[test]
fn an_app_is_judged_over_ssh_as_locally() {
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "");
    client.trust(&server);
    let tree = common::fixture_copy("app/flawed");
    let app = tree.path().join("srv/api");
    std::fs::write(app.join(".env"), "SECRET_KEY=x\n").expect("write");
    for args in [&["init", "-q"][..], &["add", "-A"][..]] {
        let out = Command::new("git")
            .current_dir(&app)
            .env("HOME", &app)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(["-c", "core.excludesFile=/dev/null"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let app_dir = app.to_string_lossy().to_string();
    let args = |target: &str| -> Vec<String> {
        [
            "scan",
            target,
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--app-dir",
            &app_dir,
            "--only",
            "deps",
            "--only",
            "secrets",
            "--only",
            "codesec",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let local = scan_of(vouch().args(args("local")).output().expect("vouch runs"));
    let remote = scan_of(
        client
            .vouch()
            .args(args(&server.target()))
            .output()
            .expect("vouch runs"),
    );
    assert_ne!(remote.code, 2, "{}", remote.stderr);
    assert_eq!(remote.host()["app_dir"], app_dir.as_str());
    assert_eq!(local.statuses(), remote.statuses());
    for id in local.statuses().keys() {
        assert_eq!(local.findings(id), remote.findings(id), "{id}");
    }
    let kinds = |scan: &common::Scan| {
        let mut kinds: Vec<String> = scan.host()["evidence"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|e| e["kind"].as_str().unwrap_or("").to_string())
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    };
    assert!(
        kinds(&remote).contains(&"git_index".to_string()),
        "{:?}",
        kinds(&remote)
    );
    assert_eq!(kinds(&local), kinds(&remote));
}
