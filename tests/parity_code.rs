//! The application's code judged over SSH as locally: the hurried Flask blog
//! (tests/fixtures/code/flask_flawed), named with `--app-dir`, scanned `local`
//! and through a real sshd on loopback gives every code control the same status
//! and the same findings at the same lines — the files walked, read and parsed
//! over SFTP exactly as from the disk, secrets redacted alike.

mod common;

use common::sshd::{Client, Sshd};
use common::{scan_of, vouch, AS_OF};

const CODE: &str = "secrets,appsec,logging,config,auth,data,monitoring";

#[test]
fn the_apps_code_is_judged_over_ssh_as_locally() {
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "");
    client.trust(&server);
    let tree = common::fixture_copy("code/flask_flawed");
    let app_dir = tree.path().join("srv/blog").to_string_lossy().to_string();
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
            CODE,
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
    // The mistakes are there on both sides, not two empty scans agreeing.
    for id in ["secrets.hardcoded", "appsec.sql-injection", "auth.password-hashing"] {
        assert_eq!(remote.status(id), "fail", "{id}: {}", remote.summary(id));
    }
    let sql = remote.findings("appsec.sql-injection");
    assert!(
        sql[0].ends_with("(`query = f\"SELECT * FROM posts WHERE id = {post_id}\"` at line 16)"),
        "{sql:#?}"
    );
    assert!(
        !remote.json.to_string().contains("Zq8Vw3Nx6Rt2Yp5Lk9"),
        "a secret reached the report"
    );
}
