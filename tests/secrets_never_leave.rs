//! Secrets planted everywhere vouch looks never reach a report, whole or in
//! pieces: in cron jobs (flags, environment, URLs, tokens), a ufw rule comment
//! (stored hex-encoded, decoded by vouch), an authorized_keys `command=` option, and
//! a file's very name — scanned to JSON, text and Markdown. And a property test
//! plants random secrets in random places of a host's files.

mod common;

use common::{fixture_copy, vouch, AS_OF};
use proptest::prelude::*;
use std::path::Path;

/// Every secret of this test, each unlike anything else in the fixture.
const SECRETS: &[&str] = &[
    "Zq8Wm2Lx9PvQ",
    "Uf2ufwBB22",
    "p4ss/w0rd+Xk",
    "Emp7yUserPw9",
    "R5yncSecr3tPw",
    "Cu7lPassw0rdX",
    "Re5ticPassW0rd",
    "Rc10neSk3yXYZq",
    "B0rgPhr4seXyq",
    "My5qlPwdQz7",
    "DbPa55wordQw",
    "Qu0tedMysqlPw",
    "ASIAQ7RZ3K2M4N8P1L6X",
    "ghs_Vq3ZrT8kLm2Nx7Pw4Hs9Jd6Fb1Gc5Yt0",
    "glpat-Kx8Vm3Qz7Rt2Lw9Np4Hb",
    "T0SLACK/B0SLACK/Xk3Vm8Qz2Rt7Lw4Np9Hb",
    "ZGVwbG95OmJhc2ljUGFzcw",
    "CmdT0kenQx99v",
    "Fn4meS3cretTok",
];

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn planted_host() -> tempfile::TempDir {
    let dir = fixture_copy("weak");
    let root = dir.path();
    let cron = "SHELL=/bin/sh\n\
        BORG_PASSPHRASE=B0rgPhr4seXyq\n\
        MYSQL_PWD=My5qlPwdQz7\n\
        0 1 * * * root DB_PASS=DbPa55wordQw pg_dump shop | gzip > /b/shop.gz\n\
        0 2 * * * root restic --password Re5ticPassW0rd backup /srv\n\
        0 3 * * * root rclone sync /b r: --s3-secret-access-key Rc10neSk3yXYZq\n\
        0 4 * * * root mysqldump -uroot -p\"Qu0tedMysqlPw\" shop > /b/m.sql\n\
        0 5 * * * root curl -u admin:Cu7lPassw0rdX -H 'Authorization: Basic ZGVwbG95OmJhc2ljUGFzcw==' https://backup.example.com/ping\n\
        0 6 * * * root rsync -a /b backup:R5yncSecr3tPw@backup.example.com:/srv\n\
        0 7 * * * root git push https://deploy:p4ss/w0rd+Xk@git.example.com/r.git && curl https://:Emp7yUserPw9@api.example.com/\n\
        0 8 * * * root AWS_ACCESS_KEY_ID=ASIAQ7RZ3K2M4N8P1L6X GH=ghs_Vq3ZrT8kLm2Nx7Pw4Hs9Jd6Fb1Gc5Yt0 GL=glpat-Kx8Vm3Qz7Rt2Lw9Np4Hb borg create ::x /srv\n\
        0 9 * * * root curl -X POST https://hooks.slack.com/services/T0SLACK/B0SLACK/Xk3Vm8Qz2Rt7Lw4Np9Hb\n";
    std::fs::write(root.join("etc/cron.d/backup"), cron).expect("cron");
    std::fs::write(
        root.join("etc/cron.d/sync-token=Fn4meS3cretTok"),
        "0 10 * * * root /usr/local/bin/sync\n",
    )
    .expect("cron");
    let rules = root.join("etc/ufw/user.rules");
    let mut text = std::fs::read_to_string(&rules).expect("user.rules");
    text = text.replace(
        "### tuple ### allow tcp 8000 0.0.0.0/0 any 0.0.0.0/0 in",
        &format!(
            "### tuple ### allow tcp 8000 0.0.0.0/0 any 0.0.0.0/0 in comment={}",
            hex("app, db-pass=Zq8Wm2Lx9PvQ, wifi password: Uf2ufwBB22")
        ),
    );
    std::fs::write(&rules, text).expect("user.rules");
    let keys = root.join("root/.ssh/authorized_keys");
    let mut text = std::fs::read_to_string(&keys).expect("authorized_keys");
    text.push_str("command=\"/usr/local/bin/backup --token CmdT0kenQx99v\",no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGCVkFAHs9tA2gGm1D5nE4gKPIJyKRxm1UsZmbH8YF3I backup\n");
    std::fs::write(&keys, text).expect("authorized_keys");
    dir
}

/// No secret, and no six-character piece of one, in `output`.
fn assert_no_trace(output: &str, what: &str) {
    for secret in SECRETS {
        let chars: Vec<char> = secret.chars().collect();
        for piece in chars.windows(6).map(|w| w.iter().collect::<String>()) {
            assert!(
                !output.contains(&piece),
                "{what}: a piece `{piece}` of `{secret}` is in the report"
            );
        }
    }
}

fn scan(root: &Path, format: &str) -> String {
    let out = vouch()
        .args(["scan", "--as-of", AS_OF, "--format", format, "--root"])
        .arg(root)
        .output()
        .expect("vouch runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn secrets_planted_everywhere_never_reach_a_report() {
    let host = planted_host();
    let json = scan(host.path(), "json");
    assert!(json.contains("/etc/cron.d/backup"), "the planted files were read");
    assert!(json.contains("comment"), "the ufw comment was decoded and shown");
    assert!(json.contains("REDACTED:hmac="), "and redacted");
    for format in ["json", "text", "markdown"] {
        let report = if format == "json" {
            json.clone()
        } else {
            scan(host.path(), format)
        };
        assert_no_trace(&report, format);
    }
}

/// Where a random secret can hide in a host's files, as a template.
const PLACES: &[(&str, &str)] = &[
    ("etc/cron.d/job", "0 3 * * * root API_TOKEN={s} /usr/local/bin/sync\n"),
    ("etc/cron.d/job", "0 3 * * * root /usr/bin/backup --password {s} /srv\n"),
    ("etc/cron.d/job", "0 3 * * * root curl https://u:{s}@example.com/x\n"),
    ("etc/cron.d/job", "0 3 * * * root mysqldump -p{s} db > /b/db.sql\n"),
    (
        "etc/apt/apt.conf.d/90proxy",
        "Acquire::http::Proxy \"http://proxy:{s}@proxy.example.com:3128\";\n",
    ),
    ("etc/ssh/sshd_config.d/99-note.conf", "# deploy password: {s}\n"),
    (
        "etc/cron.d/job",
        "DATABASE_PASSWORD=\"{s}\"\n0 3 * * * root /usr/local/bin/sync\n",
    ),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_secrets_in_random_places_never_reach_a_report(
        secret in "[A-Za-z][A-Za-z0-9]{13,23}",
        place in 0..PLACES.len(),
    ) {
        let dir = fixture_copy("weak");
        let (path, template) = PLACES[place];
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, template.replace("{s}", &secret)).expect("write");
        let json = scan(dir.path(), "json");
        prop_assert!(json.contains(path), "{} was collected", path);
        let chars: Vec<char> = secret.chars().collect();
        for piece in chars.windows(8).map(|w| w.iter().collect::<String>()) {
            prop_assert!(!json.contains(&piece), "a piece `{}` of `{}` ({}) leaked", piece, secret, path);
        }
    }
}
