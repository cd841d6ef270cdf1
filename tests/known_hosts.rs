//! Host-key trust judged by OpenSSH: for every name asked, the known_hosts
//! lines vouch finds for a host are those `ssh-keygen -F` finds (plain,
//! hashed by `ssh-keygen -H`, `[host]:port`, wildcards, negations, markers,
//! any letter case), and the verdicts follow StrictHostKeyChecking: the key on
//! file is known, another of its type is a change, a `@revoked` key is refused,
//! another type is unknown. A line vouch writes for `--accept-new` is found by
//! `ssh-keygen -F` too.

use ssh_key::PublicKey;
use std::path::Path;
use std::process::Command;
use vouch::transport::known_hosts::{line_for, KnownHosts, Verdict};

fn keygen(dir: &Path, name: &str, kind: &str) -> PublicKey {
    let path = dir.join(name);
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", kind, "-N", "", "-C", name, "-f"])
        .arg(&path)
        .status()
        .expect("ssh-keygen runs");
    assert!(made.success());
    PublicKey::read_openssh_file(&path.with_extension("pub")).expect("a public key")
}

fn openssh(key: &PublicKey) -> String {
    let mut key = key.clone();
    key.set_comment("");
    key.to_openssh().expect("encoded").trim_end().to_string()
}

/// The line numbers `ssh-keygen -F NAME -f FILE` reports.
fn ssh_keygen_finds(file: &Path, name: &str) -> Vec<usize> {
    let out = Command::new("ssh-keygen")
        .arg("-F")
        .arg(name)
        .arg("-f")
        .arg(file)
        .output()
        .expect("ssh-keygen runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split(" found: line ").nth(1))
        .filter_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .collect()
}

#[test]
fn vouch_finds_the_lines_ssh_keygen_finds_and_decides_as_strict_host_key_checking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let web = keygen(dir.path(), "web", "ed25519");
    let other = keygen(dir.path(), "other", "ed25519");
    let db = keygen(dir.path(), "db", "ecdsa");
    let revoked = keygen(dir.path(), "revoked", "ed25519");
    let ca = keygen(dir.path(), "ca", "ed25519");
    let internal = keygen(dir.path(), "internal", "rsa");

    // A hashed entry, hashed by ssh-keygen itself.
    let hashed = dir.path().join("hashed");
    std::fs::write(
        &hashed,
        format!("plain.example.org,[plain.example.org]:2200 {}\n", openssh(&web)),
    )
    .expect("write");
    assert!(Command::new("ssh-keygen")
        .args(["-q", "-H", "-f"])
        .arg(&hashed)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("ssh-keygen")
        .success());
    let hashed_lines = std::fs::read_to_string(&hashed).expect("hashed");
    assert!(hashed_lines.starts_with("|1|"), "{hashed_lines}");

    let file = dir.path().join("known_hosts");
    let text = format!(
        "# the user's known hosts\n\
         web.example.com,10.0.0.5 {web}\n\
         [db.example.com]:2222 {db}\n\
         *.internal,!secret.internal {internal}\n\
         @revoked * {revoked}\n\
         @cert-authority *.example.com {ca}\n\
         this line is not a known_hosts line\n\
         {hashed_lines}",
        web = openssh(&web),
        db = openssh(&db),
        internal = openssh(&internal),
        revoked = openssh(&revoked),
        ca = openssh(&ca),
    );
    std::fs::write(&file, &text).expect("write");
    let known = KnownHosts::parse(&text);
    assert_eq!(known.skipped.len(), 1, "{:?}", known.skipped);

    for (host, port) in [
        ("web.example.com", 22),
        ("WEB.Example.COM", 22),
        ("10.0.0.5", 22),
        ("db.example.com", 2222),
        ("db.example.com", 22),
        ("a.internal", 22),
        ("secret.internal", 22),
        ("plain.example.org", 22),
        ("plain.example.org", 2200),
        ("plain.example.org", 2201),
        ("nothing.example.net", 22),
    ] {
        let name = if port == 22 {
            host.to_string()
        } else {
            format!("[{host}]:{port}")
        };
        assert_eq!(known.lines_for(host, port), ssh_keygen_finds(&file, &name), "{name}");
    }

    assert_eq!(known.check("web.example.com", 22, &web), Verdict::Known { line: 2 });
    // ssh-keygen -H hashes each name of a line on a line of its own.
    assert_eq!(known.check("plain.example.org", 22, &web), Verdict::Known { line: 8 });
    assert_eq!(known.check("plain.example.org", 2200, &web), Verdict::Known { line: 9 });
    assert_eq!(
        known.check("web.example.com", 22, &other),
        Verdict::Changed { lines: vec![2] },
        "another ed25519 key for a host whose ed25519 key is known"
    );
    assert_eq!(
        known.check("web.example.com", 22, &revoked),
        Verdict::Revoked { line: 5 }
    );
    assert_eq!(
        known.check("web.example.com", 22, &db),
        Verdict::Unknown {
            other_types: vec!["ssh-ed25519".into()],
            cert_authority: true
        }
    );
    assert_eq!(
        known.check("secret.internal", 22, &internal),
        Verdict::Unknown {
            other_types: vec![],
            cert_authority: false
        },
        "the negation vetoes the line"
    );

    // What --accept-new appends is found by OpenSSH, and then known.
    let added = dir.path().join("added");
    let line = line_for("127.0.0.1", 2222, &db, &[7u8; 20]).expect("a line");
    std::fs::write(&added, format!("{line}\n")).expect("write");
    assert_eq!(ssh_keygen_finds(&added, "[127.0.0.1]:2222"), vec![1]);
    let reread = KnownHosts::parse(&std::fs::read_to_string(&added).expect("read"));
    assert_eq!(reread.check("127.0.0.1", 2222, &db), Verdict::Known { line: 1 });
}
