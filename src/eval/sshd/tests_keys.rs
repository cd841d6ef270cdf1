//! Tests of authorized_keys parsing and `ssh.authorized-keys`, with real keys made
//! by ssh-keygen (tests/fixtures/ssh-keys), and proptests that no input makes the
//! sshd_config or authorized_keys parsers panic.

use super::tests::{files, run, MAIN};
use crate::evidence::{FileState, Snapshot};
use crate::model::{Location, Status};
use crate::parse::passwd::User;
use crate::parse::sshd::keyfiles::{expand, parse_keys, Accounts};
use crate::parse::sshd::keys::{parse_line, Strength};
use proptest::prelude::*;

const RSA1024: &str = include_str!("../../../tests/fixtures/ssh-keys/rsa1024.pub");
const DSA: &str = include_str!("../../../tests/fixtures/ssh-keys/dsa.pub");
const RSA2048: &str = include_str!("../../../tests/fixtures/ssh-keys/rsa2048.pub");
const RSA4096: &str = include_str!("../../../tests/fixtures/ssh-keys/rsa4096.pub");
const ED25519: &str = include_str!("../../../tests/fixtures/ssh-keys/ed25519.pub");
const ECDSA: &str = include_str!("../../../tests/fixtures/ssh-keys/ecdsa.pub");

const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\ndeploy:x:1000:1000::/home/deploy:/bin/bash\n";
const ROOT_KEYS: &str = "/root/.ssh/authorized_keys";
const DEPLOY_KEYS: &str = "/home/deploy/.ssh/authorized_keys";

#[test]
fn keys_decode_like_ssh_keygen() {
    // (key, algorithm, bits, fingerprint from `ssh-keygen -lf`, strength)
    let cases = [
        (
            RSA1024,
            "ssh-rsa",
            1024,
            "SHA256:un8aLP9IopxWNjwCJB0t6YPmZY2BpNn0YglBlKROX68",
            Strength::Weak,
        ),
        (
            DSA,
            "ssh-dss",
            1024,
            "SHA256:a4YsTec+8X6H8kxu0vMYGEfjGum65L9tw5Rf4w4wfk0",
            Strength::Weak,
        ),
        (
            RSA2048,
            "ssh-rsa",
            2048,
            "SHA256:uCmPayi37ntyN6jY0+xOVtNvVcDP8XzwCyuxoKkZEXk",
            Strength::Acceptable,
        ),
        (
            RSA4096,
            "ssh-rsa",
            4096,
            "SHA256:1F2dbjy0v7LEImY3YBoAyPjW59Q5gVZsY6vgwxsfCM8",
            Strength::Strong,
        ),
        (
            ED25519,
            "ssh-ed25519",
            256,
            "SHA256:AtDxXppwte9Wfb33buVvYYn70uB7KXub1u6HDjm02jM",
            Strength::Strong,
        ),
        (
            ECDSA,
            "ecdsa-sha2-nistp256",
            256,
            "SHA256:JwQFPd3X8o8Vh/ETFxzvz5NELpWzx7eIGsXEcmYk46A",
            Strength::Strong,
        ),
    ];
    for (line, algorithm, bits, fingerprint, strength) in cases {
        let Ok(Some(key)) = parse_line(line) else {
            panic!("{algorithm} did not parse")
        };
        assert_eq!(
            (key.algorithm.as_str(), key.bits, key.fingerprint.as_str()),
            (algorithm, Some(bits), fingerprint)
        );
        assert_eq!(key.strength, strength, "{algorithm} {bits}");
    }
}

#[test]
fn options_comments_and_garbage() {
    let with_options = format!("from=\"10.0.0.1\",no-pty {ED25519}");
    let Ok(Some(key)) = parse_line(&with_options) else {
        panic!("options line did not parse")
    };
    assert_eq!(key.options, ["from=\"10.0.0.1\"", "no-pty"]);
    assert_eq!(key.comment, "deploy@laptop");

    let quoted = format!("command=\"echo a, \\\"b\\\" c\",restrict\t{ED25519}");
    let Ok(Some(key)) = parse_line(&quoted) else {
        panic!("quoted options did not parse")
    };
    assert_eq!(key.options, ["command=\"echo a, \\\"b\\\" c\"", "restrict"]);

    let spaced = ED25519.trim().replacen(' ', " \t  ", 1);
    assert!(
        matches!(parse_line(&spaced), Ok(Some(_))),
        "runs of blanks between fields"
    );

    assert_eq!(parse_line(""), Ok(None));
    assert_eq!(parse_line("   # ssh-rsa AAAA old key"), Ok(None));
    assert!(parse_line("this is not a key").is_err());
    assert!(parse_line("ssh-ed25519 AAAA-not-base64").is_err());
    assert!(parse_line("ssh-ed25519 ====").is_err());
    assert!(parse_line("command=\"unterminated ssh-ed25519 AAAA").is_err());
}

#[test]
fn a_label_that_does_not_match_the_key_data_says_so() {
    // (line, the reason it is not a usable key)
    let relabel = |key: &str, from: &str, to: &str| key.trim().replacen(from, to, 1);
    let cases = [
        (
            relabel(RSA2048, "ssh-rsa", "ssh-ed25519"),
            "the key data holds a ssh-rsa key but the line labels it `ssh-ed25519`; sshd skips a key whose type \
             does not match its label",
        ),
        (
            format!("no-pty {}", relabel(ED25519, "ssh-ed25519", "ssh-rsa")),
            "the key data holds a ssh-ed25519 key but the line labels it `ssh-rsa`; sshd skips a key whose type \
             does not match its label",
        ),
    ];
    for (line, reason) in cases {
        assert_eq!(parse_line(&line), Err(reason.to_string()), "{line}");
    }
    let broken = parse_line("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBwV2yhfxV9ACX7VGRL36FMNLAIaGfF x");
    assert!(
        broken
            .as_ref()
            .is_err_and(|e| e.starts_with("not a valid ssh-ed25519 public key")),
        "{broken:?}"
    );
}

#[test]
fn authorized_keys_table() {
    let with_options = format!("from=\"10.0.0.1\",no-pty {ED25519}");
    // (what, root's file, deploy's file, status, summary text)
    let cases: [(&str, &str, &str, Status, &str); 6] = [
        (
            "RSA-1024",
            RSA1024,
            ED25519,
            Status::Fail,
            "ssh-rsa 1024-bit key of root at /root/.ssh/authorized_keys:1",
        ),
        ("DSA", ED25519, DSA, Status::Fail, "ssh-dss 1024-bit key of deploy"),
        (
            "RSA-2048",
            RSA4096,
            RSA2048,
            Status::Warn,
            "ssh-rsa 2048-bit key of deploy",
        ),
        (
            "ed25519 + RSA-4096",
            RSA4096,
            &with_options,
            Status::Pass,
            "2 keys in 2 files",
        ),
        ("ecdsa", ECDSA, "", Status::Pass, "1 key in 2 files"),
        ("garbage line only noted", "garbage\n", ED25519, Status::Pass, "1 key"),
    ];
    for (what, root, deploy, status, needle) in cases {
        let snap = files(&[
            ("/etc/passwd", PASSWD),
            (MAIN, "\n"),
            (ROOT_KEYS, root),
            (DEPLOY_KEYS, deploy),
        ]);
        let outcome = run("ssh.authorized-keys", &snap);
        assert_eq!(outcome.status, status, "{what}: {}", outcome.summary);
        assert!(outcome.summary.contains(needle), "{what}: {}", outcome.summary);
    }
}

#[test]
fn key_findings_name_user_type_bits_fingerprint_comment_options() {
    let deploy = format!("# laptop\nfrom=\"10.0.0.1\",no-pty {ED25519}not a key\n");
    let snap = files(&[("/etc/passwd", PASSWD), (MAIN, "\n"), (DEPLOY_KEYS, &deploy)]);
    let outcome = run("ssh.authorized-keys", &snap);
    let at = |line| Some(Location::line(DEPLOY_KEYS, line));
    let Some(key) = outcome.findings.iter().find(|f| f.location == at(2)) else {
        panic!("no finding at line 2")
    };
    for part in [
        "user deploy",
        "ssh-ed25519",
        "256 bits",
        "SHA256:AtDxXppwte9Wfb33buVvYYn70uB7KXub1u6HDjm02jM",
        "`deploy@laptop`",
        "from=\"10.0.0.1\",no-pty",
    ] {
        assert!(key.message.contains(part), "`{part}` not in {}", key.message);
    }
    assert!(outcome
        .findings
        .iter()
        .any(|f| f.location == at(3) && f.message.contains("not a key")));
}

#[test]
fn no_files_unreadable_files_and_authorized_keys_file_patterns() {
    let none = files(&[("/etc/passwd", PASSWD), (MAIN, "\n")]).with_state(ROOT_KEYS, FileState::Missing);
    assert_eq!(run("ssh.authorized-keys", &none).status, Status::NeedsReview);

    let locked = files(&[("/etc/passwd", PASSWD), (MAIN, "\n"), (DEPLOY_KEYS, ED25519)])
        .with_state(ROOT_KEYS, FileState::Unreadable("permission denied".into()));
    let outcome = run("ssh.authorized-keys", &locked);
    assert_eq!(outcome.status, Status::Error);
    assert!(outcome.summary.contains("permission denied"), "{}", outcome.summary);

    let custom = "AuthorizedKeysFile /etc/ssh/keys/%u .ssh/other_keys\n";
    let snap = files(&[
        ("/etc/passwd", PASSWD),
        (MAIN, custom),
        ("/etc/ssh/keys/deploy", RSA2048),
        ("/home/deploy/.ssh/other_keys", DSA),
    ]);
    let outcome = run("ssh.authorized-keys", &snap);
    assert_eq!(outcome.status, Status::Fail, "{}", outcome.summary);
    assert!(outcome
        .findings
        .iter()
        .any(|f| f.location == Some(Location::line("/etc/ssh/keys/deploy", 1))));
}

#[test]
fn an_unreadable_sshd_config_leaves_the_key_files_unknown() {
    let big = FileState::TooLarge {
        bytes: 50 << 20,
        cap: 16 << 20,
    };
    let include = "Include /etc/ssh/sshd_config.d/*.conf\n";
    let dropin = "/etc/ssh/sshd_config.d/a.conf";
    // (case, host with deploy's ed25519 key, status, summary start)
    let cases = [
        (
            "main file too large",
            files(&[("/etc/passwd", PASSWD), (DEPLOY_KEYS, ED25519)]).with_state(MAIN, big.clone()),
            Status::NeedsReview,
            "sshd's configuration is unknown (/etc/ssh/sshd_config is 50.0 MiB",
        ),
        (
            "included file binary",
            files(&[("/etc/passwd", PASSWD), (MAIN, include), (DEPLOY_KEYS, ED25519)])
                .with_state(dropin, FileState::Binary { bytes: 10 }),
            Status::NeedsReview,
            "sshd's configuration is unknown (/etc/ssh/sshd_config.d/a.conf is a binary file",
        ),
        (
            "main file unreadable, a weak key at a default location",
            files(&[("/etc/passwd", PASSWD), (DEPLOY_KEYS, DSA)])
                .with_state(MAIN, FileState::Unreadable("permission denied".into())),
            Status::Fail,
            "1 weak key: ssh-dss 1024-bit key of deploy",
        ),
        (
            "a moderate key still warns",
            files(&[("/etc/passwd", PASSWD), (DEPLOY_KEYS, RSA2048)]).with_state(MAIN, big),
            Status::Warn,
            "1 key below the recommended strength",
        ),
    ];
    for (name, snap, status, summary) in cases {
        let outcome = run("ssh.authorized-keys", &snap);
        assert_eq!(outcome.status, status, "{name}: {}", outcome.summary);
        assert!(outcome.summary.starts_with(summary), "{name}: {}", outcome.summary);
        let first = &outcome.findings[0].message;
        assert!(first.starts_with("AuthorizedKeysFile is unknown: "), "{name}: {first}");
        assert!(
            first.ends_with("only sshd's default locations (.ssh/authorized_keys .ssh/authorized_keys2) were checked"),
            "{name}: {first}"
        );
        assert!(
            !outcome.findings.iter().any(|f| f.message.contains("compiled default")),
            "{name}"
        );
        let keys_found = outcome
            .findings
            .iter()
            .any(|f| f.location == Some(Location::line(DEPLOY_KEYS, 1)));
        assert!(keys_found, "{name}: the default location is still checked");
    }
    // No sshd_config at all: sshd's compiled default is all there is.
    let absent = files(&[("/etc/passwd", PASSWD), (DEPLOY_KEYS, ED25519)]).with_state(MAIN, FileState::Missing);
    let outcome = run("ssh.authorized-keys", &absent);
    assert_eq!(outcome.status, Status::Pass, "{}", outcome.summary);
}

#[test]
fn authorized_keys_file_expansion() {
    let deploy = User {
        name: "deploy".into(),
        uid: "1000".into(),
        home: "/home/deploy/".into(),
    };
    let users = [
        User {
            name: "root".into(),
            uid: "0".into(),
            home: "/root".into(),
        },
        deploy.clone(),
    ];
    let cases = [
        (".ssh/authorized_keys", Some("/home/deploy/.ssh/authorized_keys")),
        ("%h/.ssh/keys", Some("/home/deploy//.ssh/keys")),
        ("/etc/ssh/keys/%u", Some("/etc/ssh/keys/deploy")),
        ("/etc/ssh/keys/%U.%%", Some("/etc/ssh/keys/1000.%")),
        ("~/keys/%u", Some("/root/keys/deploy")),
        ("/etc/%x", None),
    ];
    for (pattern, expected) in cases {
        let accounts = Accounts::new(&users);
        assert_eq!(expand(pattern, &deploy, &accounts).as_deref(), expected, "{pattern}");
    }
}

fn config_snapshot(main: &str, included: &str) -> Snapshot {
    files(&[
        (MAIN, main),
        ("/etc/ssh/sshd_config.d/a.conf", included),
        ("/etc/passwd", PASSWD),
        (ROOT_KEYS, included),
    ])
}

fn config_line() -> impl Strategy<Value = String> {
    let keyword = prop::sample::select(vec![
        "PasswordAuthentication",
        "KbdInteractiveAuthentication",
        "ChallengeResponseAuthentication",
        "UsePAM",
        "PermitRootLogin",
        "PermitEmptyPasswords",
        "AllowUsers",
        "Port",
        "ListenAddress",
        "Match",
        "Include",
        "AuthorizedKeysFile",
        "\"Quoted",
        "#",
    ]);
    let value = "[ a-zA-Z0-9=\"'#%~/*.:\\[\\]\\\\\t-]{0,24}";
    (keyword, value).prop_map(|(k, v)| format!("{k} {v}"))
}

proptest! {
    #[test]
    fn no_sshd_config_text_makes_the_evaluators_panic(main in "\\PC{0,300}", included in ".{0,200}") {
        let snap = config_snapshot(&format!("Include /etc/ssh/sshd_config.d/*.conf\n{main}"), &included);
        for def in super::evaluators() {
            let _ = run(def.name, &snap);
        }
        let _ = crate::parse::sshd::ssh_ports(&snap);
    }

    #[test]
    fn no_sshd_config_lines_make_the_evaluators_panic(lines in prop::collection::vec(config_line(), 0..30)) {
        let text = lines.join("\n");
        let snap = config_snapshot(&format!("Include sshd_config.d/*.conf\n{text}"), &text);
        for def in super::evaluators() {
            let _ = run(def.name, &snap);
        }
    }

    #[test]
    fn no_authorized_keys_text_panics(text in "\\PC{0,400}", options in "[a-z=\",\\\\ -]{0,30}", blob in "[A-Za-z0-9+/=]{0,200}") {
        let _ = parse_keys(&text);
        let _ = parse_keys(&format!("{options} ssh-rsa {blob} c\n{options} {ED25519}"));
        let _ = parse_keys(&format!("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5{blob}"));
    }
}
