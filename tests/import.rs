//! Importing collector archives that are not what they claim: a path climbing
//! out, an absolute path, links, a device, a decompression bomb, a MANIFEST
//! naming a file the archive lacks. Each is refused with its reason and exit 2;
//! nothing is written anywhere. And what the collector did not gather is never
//! taken as absent.

mod common;

use common::vouch;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::Path;

const MANIFEST: &str = "vouch-collect\t1\nhost\tweb1\ncollected\t2026-12-05T10:00:00Z\nuser\troot\n";

/// A tar.gz at `path` from (name, body) files and extra raw entries.
fn archive(path: &Path, files: &[(&str, &[u8])], extra: impl FnOnce(&mut tar::Builder<GzEncoder<std::fs::File>>)) {
    let out = std::fs::File::create(path).expect("created");
    let mut builder = tar::Builder::new(GzEncoder::new(out, flate2::Compression::fast()));
    for (name, body) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut header, name, *body).expect("appended");
    }
    extra(&mut builder);
    builder
        .into_inner()
        .and_then(|gz| gz.finish())
        .expect("finished")
        .flush()
        .expect("flushed");
}

fn import(path: &Path) -> (i32, String) {
    let out = vouch()
        .arg("import")
        .arg(path)
        .args(["--format", "json"])
        .output()
        .expect("vouch runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Write a raw header with any name (tar's own builder refuses `..` and `/`).
fn raw_entry(
    builder: &mut tar::Builder<GzEncoder<std::fs::File>>,
    name: &str,
    kind: tar::EntryType,
    link: Option<&str>,
) {
    let mut header = tar::Header::new_old();
    {
        let bytes = header.as_old_mut();
        bytes.name[..name.len()].copy_from_slice(name.as_bytes());
        if let Some(link) = link {
            bytes.linkname[..link.len()].copy_from_slice(link.as_bytes());
        }
    }
    header.set_entry_type(kind);
    header.set_mode(0o644);
    header.set_size(0);
    header.set_cksum();
    builder.append(&header, std::io::empty()).expect("appended");
}

#[test]
fn hostile_archives_are_refused_with_their_reason() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let cases: Vec<(&str, tar::EntryType, Option<&str>, &str)> = vec![
        (
            "vouch-collect/../../etc/cron.d/x",
            tar::EntryType::Regular,
            None,
            "`..`",
        ),
        ("/etc/cron.d/x", tar::EntryType::Regular, None, "absolute"),
        (
            "vouch-collect/files/etc/passwd",
            tar::EntryType::Symlink,
            Some("/etc/shadow"),
            "links",
        ),
        (
            "vouch-collect/files/etc/group",
            tar::EntryType::Link,
            Some("../../../etc/shadow"),
            "links",
        ),
        ("vouch-collect/files/dev/sda", tar::EntryType::Block, None, "devices"),
        ("vouch-collect/files/run/fifo", tar::EntryType::Fifo, None, "FIFOs"),
        ("elsewhere/x", tar::EntryType::Regular, None, "outside vouch-collect/"),
    ];
    for (n, (name, kind, link, why)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("case{n}.tar.gz"));
        archive(&path, &[("vouch-collect/MANIFEST", MANIFEST.as_bytes())], |b| {
            raw_entry(b, name, kind, link)
        });
        let (code, stderr) = import(&path);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(
            stderr.contains("not a vouch collector archive") && stderr.contains(why),
            "{name}: {stderr}"
        );
    }
    // Nothing was written where the entries pointed.
    assert!(!Path::new("/etc/cron.d/x").exists());
}

#[test]
fn a_decompression_bomb_stops_at_the_cap() {
    // 96 MiB of zeros in a tar, packed by gzip -9 to about 100 KiB.
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("bomb.tar.gz");
    let mut builder = tar::Builder::new(Vec::new());
    let mut add = |name: &str, body: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        builder.append_data(&mut header, name, body).expect("appended");
    };
    add("vouch-collect/MANIFEST", MANIFEST.as_bytes());
    let zeros = vec![0u8; 16 << 20];
    for n in 0..6 {
        add(&format!("vouch-collect/files/z{n}"), &zeros);
    }
    let tar = builder.into_inner().expect("a tar");
    let mut gzip = std::process::Command::new("gzip")
        .args(["-9", "-c"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::fs::File::create(&path).expect("created"))
        .spawn()
        .expect("gzip runs");
    gzip.stdin.take().expect("stdin").write_all(&tar).expect("piped");
    assert!(gzip.wait().expect("gzip ends").success());
    assert!(
        std::fs::metadata(&path).expect("written").len() < 1 << 20,
        "a bomb is small"
    );
    let (code, stderr) = import(&path);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("times its size"), "{stderr}");
}

#[test]
fn a_manifest_naming_a_file_the_archive_lacks_is_refused() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("liar.tar.gz");
    let manifest = format!("{MANIFEST}file\t/etc/ssh/sshd_config\tpresent\t81a4 0 0 10 0 1 2\n");
    archive(&path, &[("vouch-collect/MANIFEST", manifest.as_bytes())], |_| {});
    let (code, stderr) = import(&path);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not in the archive"), "{stderr}");
}

#[test]
fn what_the_collector_did_not_gather_is_never_taken_as_absent() {
    // sshd_config gathered as `PasswordAuthentication no`, but the sshd_config.d
    // folder it includes never listed: sshd could read a `yes` there.
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("partial.tar.gz");
    let config = b"Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication no\n";
    let manifest = format!(
        "{MANIFEST}file\t/etc/ssh/sshd_config\tpresent\t81a4 0 0 {} 0 1 2\ncommand\t1\tnot-found\tsshd -T\n",
        config.len()
    );
    archive(
        &path,
        &[
            ("vouch-collect/MANIFEST", manifest.as_bytes()),
            ("vouch-collect/files/etc/ssh/sshd_config", config),
        ],
        |_| {},
    );
    let out = vouch()
        .arg("import")
        .arg(&path)
        .args(["--format", "json", "--only", "ssh.password-auth"])
        .output()
        .expect("vouch runs");
    let scan = common::scan_of(out);
    assert_ne!(scan.code, 2, "{}", scan.stderr);
    assert_ne!(
        scan.status("ssh.password-auth"),
        "pass",
        "{}",
        scan.summary("ssh.password-auth")
    );
    assert!(scan.host()["transport"]
        .as_str()
        .unwrap_or_default()
        .contains("collected on web1"));
}
