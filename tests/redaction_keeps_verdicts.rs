//! Redaction never changes a verdict: every fixture host, and one with secrets
//! planted where evaluators read (cron jobs, sshd and apt configuration, sudoers),
//! scanned with redaction and again without, gives every control the same status
//! (the application fixtures too: secrets in code are found alike either way).
//! (This test turns redaction off for its own process, so it is alone in its file.)

mod common;

use common::fixture;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use vouch::checklist::{bundled, load_catalog};
use vouch::engine::{scan_host, Options};
use vouch::model::{Status, Target};
use vouch::transport::fs::FsTransport;

fn statuses(root: &Path) -> BTreeMap<String, (Status, String)> {
    let (catalog, _) = load_catalog(&bundled::texts()).expect("bundled catalog");
    let options = Options {
        as_of: "2026-11-22T12:00:00Z".parse().expect("time"),
        ..Options::default()
    };
    let target = Target {
        name: "local".into(),
        ..Target::default()
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let host = scan_host(&catalog, &target, &FsTransport::rooted(root), &options, &cancel);
    host.controls
        .into_iter()
        .map(|c| (c.id, (c.status, c.summary)))
        .collect()
}

fn planted() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |path: &str, text: &str| {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, text).expect("write");
    };
    write(
        "etc/cron.d/backup",
        "PGPASSWORD=Hx7Kq2Wm9Zt4\n0 2 * * * root restic --password Re5tic7Qz -r s3:https://ak:Sk3yQw9@s3.example.com/b backup /srv\n",
    );
    write(
        "etc/ssh/sshd_config",
        "PasswordAuthentication no\nPermitRootLogin no\nAuthenticationMethods publickey,password\nAllowUsers deploy\n# token: Tk9Zq2Wx7\n",
    );
    write(
        "etc/sudoers",
        "root ALL=(ALL:ALL) ALL\ndeploy ALL=(ALL) NOPASSWD: SETENV: ALL\npassenger ALL=(ALL) NOPASSWD: ALL\nDefaults passprompt=\"Pw: \"\n",
    );
    write(
        "etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\ndeploy:x:1000:1000::/home/deploy:/bin/bash\npassenger:x:1001:1001::/home/passenger:/bin/sh\n",
    );
    let weak_keys =
        std::fs::read_to_string(Path::new(&fixture("weak")).join("root/.ssh/authorized_keys")).expect("key");
    let weak_key = weak_keys.lines().next().expect("a key line");
    write(
        "root/.ssh/authorized_keys",
        &format!(
            "command=\"/usr/local/bin/backup-recv --token Kt1tokZZ11\",no-pty {weak_key}\nenvironment=\"API_KEY=Kt2envYY22\",restrict {weak_key}\n"
        ),
    );
    write(
        "etc/apt/apt.conf.d/20auto-upgrades",
        "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\nAcquire::http::Proxy \"http://u:Px8Qz2@proxy.example.com:3128\";\n",
    );
    dir
}

#[test]
fn scanning_with_and_without_redaction_gives_the_same_verdicts() {
    let host = planted();
    let mut roots: Vec<std::path::PathBuf> = [
        "weak",
        "hardened",
        "mixed",
        "nft",
        "code/flask_clean",
        "code/flask_flawed",
    ]
    .iter()
    .map(|name| Path::new(&fixture(name)).to_path_buf())
    .collect();
    roots.push(host.path().to_path_buf());
    let redacted: Vec<_> = roots.iter().map(|root| statuses(root)).collect();
    vouch::evidence::redact::disable_for_the_verdict_test();
    for (root, with) in roots.iter().zip(&redacted) {
        let without = statuses(root);
        for (id, (status, summary)) in &without {
            let (redacted_status, redacted_summary) = &with[id];
            assert_eq!(
                redacted_status,
                status,
                "{}: {id} is {redacted_status} redacted ({redacted_summary}) but {status} in the clear ({summary})",
                root.display()
            );
        }
    }
}
