//! Secrets found on a target never reach a report: a backup job with a password on
//! its command line is shown, but the password is replaced by a short hash in the
//! JSON, Markdown and text output, and the evidence counts the redactions.

mod common;

use common::{scan_root, vouch, AS_OF};

const CRON: &str = "SHELL=/bin/sh\n\
0 3 * * * root PGPASSWORD=hunter2hunter2 pg_dump -h db shop | gzip > /b/shop.gz\n\
0 4 * * * root mysqldump -uroot -pS3cretPassw0rd shop > /b/m.sql\n\
30 4 * * * root rclone sync /b remote:b --s3-secret-access-key=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n";

const SECRETS: [&str; 3] = ["hunter2hunter2", "S3cretPassw0rd", "wJalrXUtnFEMIK7MDENG"];

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(dir.path().join("etc/cron.d")).expect("mkdir");
    std::fs::write(dir.path().join("etc/cron.d/backup"), CRON).expect("write");
    dir
}

#[test]
fn backup_job_passwords_are_redacted_in_every_format() {
    let dir = tree();
    let scan = scan_root(dir.path(), &["--only", "backup.schedule"]);
    let json = scan.json.to_string();
    for secret in SECRETS {
        assert!(!json.contains(secret), "{secret} leaked into JSON: {json}");
    }
    assert!(
        scan.summary("backup.schedule").contains("pg_dump"),
        "the job is still named: {}",
        scan.summary("backup.schedule")
    );
    let evidence = scan.host()["evidence"].as_array().expect("evidence").clone();
    let cron = evidence
        .iter()
        .find(|e| e["source"] == "/etc/cron.d/backup")
        .expect("cron evidence");
    assert_eq!(cron["redactions"], 3, "{cron}");
    for format in ["markdown", "text"] {
        let out = vouch()
            .args([
                "scan",
                "--as-of",
                AS_OF,
                "--only",
                "backup.schedule",
                "--format",
                format,
                "--root",
            ])
            .arg(dir.path())
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret} leaked into {format}: {text}");
        }
    }
}

#[test]
fn redaction_never_rewrites_configuration_it_must_judge() {
    // `NOPASSWD:` looks like a secret's name followed by a colon; it is a sudo tag,
    // and redacting what follows would hide an unrestricted grant from auth.sudo.
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(dir.path().join("etc")).expect("mkdir");
    std::fs::write(
        dir.path().join("etc/sudoers"),
        "root ALL=(ALL:ALL) ALL\ndeploy ALL=(ALL) NOPASSWD: SETENV: ALL\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("etc/group"), "root:x:0:\nsudo:x:27:\n").expect("write");
    let scan = scan_root(dir.path(), &["--only", "auth.sudo"]);
    assert_eq!(scan.status("auth.sudo"), "warn", "{}", scan.summary("auth.sudo"));
    let evidence = scan.host()["evidence"].as_array().expect("evidence").clone();
    let sudoers = evidence
        .iter()
        .find(|e| e["source"] == "/etc/sudoers")
        .expect("sudoers evidence");
    assert_eq!(sudoers["redactions"], 0, "{sudoers}");
}
