//! The evidence bundle as its reader checks it: a session exported to a folder
//! verifies with the real `sha256sum -c SHA256SUMS`, is the same bytes when
//! exported twice, keeps documents byte for byte, and any changed byte fails.

mod common;

use common::{fixture, vouch};
use std::path::Path;
use std::process::Command;
use vouch::bundle::write as folder;
use vouch::session::{Recording, Store};

/// A session of the weak fixture (`vouch scan --save`) with an answer and a
/// document; its id.
fn audited(data: &Path, document: &Path) -> String {
    let id = common::saved_weak_session(data, "Ada", &[]);
    let store = Store::at(data.join("sessions"));
    let mut recording = Recording::resume(&store, &id).expect("resumes");
    let (catalog, _) = vouch::checklist::load_catalog(&vouch::checklist::bundled::texts()).expect("catalog");
    let question = catalog
        .control("incident.plan")
        .and_then(|c| c.questions.iter().find(|q| q.id == "exists"))
        .expect("question")
        .clone();
    recording
        .answer(
            "incident.plan",
            &question,
            vouch::model::answers::AnswerValue::Yes,
            "Grace",
            "CTO",
        )
        .expect("answered");
    recording.attach("incident.plan", "exists", document).expect("attached");
    id
}

/// A fresh data folder holding an audited session with a plan attached:
/// (data folder, documents folder, store, session id).
fn audited_session() -> (tempfile::TempDir, tempfile::TempDir, Store, String) {
    let data = tempfile::tempdir().expect("temp dir");
    let docs = tempfile::tempdir().expect("temp dir");
    let plan = docs.path().join("plan.pdf");
    std::fs::write(&plan, b"%PDF-1.4 plan").expect("plan");
    let id = audited(data.path(), &plan);
    let store = Store::at(data.path().join("sessions"));
    (data, docs, store, id)
}

fn sha256sum_check(dir: &Path) -> std::process::Output {
    Command::new("sha256sum")
        .args(["--strict", "-c", "SHA256SUMS"])
        .current_dir(dir)
        .output()
        .expect("sha256sum runs")
}

/// Every file under `dir`, relative, with its bytes.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(dir).expect("inside").display().to_string();
                out.push((name, std::fs::read(&path).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn an_exported_session_verifies_with_sha256sum_and_is_the_same_bytes_twice() {
    let data = tempfile::tempdir().expect("temp dir");
    let docs = tempfile::tempdir().expect("temp dir");
    let plan = docs.path().join("incident plan v3.pdf");
    std::fs::write(&plan, b"%PDF-1.4 the incident plan").expect("plan");
    let id = audited(data.path(), &plan);
    let store = Store::at(data.path().join("sessions"));
    let out = tempfile::tempdir().expect("temp dir");
    let first = out.path().join("pack");
    let written = folder::write(&store, &id, &first, None).expect("exported");

    let checked = sha256sum_check(&first);
    assert!(
        checked.status.success(),
        "sha256sum -c: {}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    let listed = String::from_utf8_lossy(&checked.stdout).into_owned();
    for file in ["manifest.json", "results.json", "journal.jsonl", "README.txt"] {
        assert!(listed.contains(&format!("{file}: OK")), "{listed}");
    }
    assert!(
        listed.lines().filter(|l| l.starts_with("evidence/")).count() > 10,
        "{listed}"
    );

    // The document is kept byte for byte, named by its hash, its name in the manifest.
    let digest = Command::new("sha256sum").arg(&plan).output().expect("sha256sum");
    let digest = String::from_utf8_lossy(&digest.stdout)
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string();
    let kept = std::fs::read(first.join("attachments").join(&digest)).expect("attachment");
    assert_eq!(kept, std::fs::read(&plan).expect("plan"));
    let row = written
        .manifest
        .files
        .iter()
        .find(|f| f.path == format!("attachments/{digest}"))
        .expect("listed");
    assert_eq!(row.about.as_deref(), Some("incident plan v3.pdf"));
    assert_eq!(row.controls, vec!["incident.plan".to_string()]);
    // The journal's chain ends where the manifest says.
    let journal = std::fs::read(first.join("journal.jsonl")).expect("journal");
    let last = journal[..journal.len() - 1]
        .rsplit(|b| *b == b'\n')
        .next()
        .expect("a line");
    // The chain hashes each line's bytes, without its newline.
    let line = last.to_vec();
    let head = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(&line)?;
            child.wait_with_output()
        })
        .expect("sha256sum");
    let head = String::from_utf8_lossy(&head.stdout)
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string();
    assert_eq!(written.manifest.journal_head, head);

    // The reports for people carry the cover and what was said of a control still open.
    let markdown = std::fs::read_to_string(first.join("report.md")).expect("report.md");
    assert!(markdown.contains("| Auditor | Ada |"), "{markdown}");
    assert!(markdown.contains("answered exists: yes (Grace, CTO"), "{markdown}");
    let html = std::fs::read_to_string(first.join("report.html")).expect("report.html");
    assert!(
        html.contains("attached: <a href="),
        "the document is linked from its control"
    );
    assert!(html.contains("incident plan v3.pdf"), "by its name");

    // Exported again: the same bytes, file for file.
    let second = out.path().join("again");
    folder::write(&store, &id, &second, None).expect("exported again");
    assert_eq!(tree(&first), tree(&second));

    // Into a folder that holds something: refused.
    assert!(folder::write(&store, &id, &first, None).is_err_and(|e| e.contains("not empty")));
}

#[test]
fn a_changed_byte_anywhere_fails_the_check() {
    let (_data, _docs, store, id) = audited_session();
    let out = tempfile::tempdir().expect("temp dir");
    let pack = out.path().join("pack");
    folder::write(&store, &id, &pack, None).expect("exported");
    let evidence = std::fs::read_dir(pack.join("evidence"))
        .expect("evidence")
        .next()
        .expect("an item")
        .expect("entry")
        .path();
    for changed in [pack.join("results.json"), pack.join("journal.jsonl"), evidence] {
        let before = std::fs::read(&changed).expect("read");
        let mut flipped = before.clone();
        flipped[0] ^= 1;
        std::fs::write(&changed, &flipped).expect("write");
        let checked = sha256sum_check(&pack);
        assert!(
            !checked.status.success(),
            "{} changed, yet it checks",
            changed.display()
        );
        assert!(String::from_utf8_lossy(&checked.stdout).contains("FAILED"));
        std::fs::write(&changed, &before).expect("restore");
    }
    assert!(sha256sum_check(&pack).status.success(), "restored, it checks again");
}

/// A new OpenSSH key of `kind` (`ed25519`, `ecdsa`), made by ssh-keygen.
fn ssh_key(dir: &Path, kind: &str) -> std::path::PathBuf {
    let path = dir.join(format!("id_{kind}"));
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", kind, "-N", "", "-C", "test", "-f"])
        .arg(&path)
        .status()
        .expect("ssh-keygen runs");
    assert!(made.success());
    path
}

fn ssh_keygen_verify(pack: &Path, identity: &str) -> std::process::Output {
    let sums = std::fs::File::open(pack.join("SHA256SUMS")).expect("sums");
    Command::new("ssh-keygen")
        .args([
            "-Y",
            "verify",
            "-f",
            "allowed_signers",
            "-I",
            identity,
            "-n",
            "vouch-evidence",
            "-s",
            "SHA256SUMS.sig",
        ])
        .current_dir(pack)
        .stdin(sums)
        .output()
        .expect("ssh-keygen runs")
}

#[test]
fn a_signed_bundle_verifies_with_ssh_keygen_and_vouch_for_ed25519_ecdsa_and_rsa_keys() {
    let (_data, docs, store, id) = audited_session();
    let out = tempfile::tempdir().expect("temp dir");
    for kind in ["ed25519", "ecdsa", "rsa"] {
        let key_file = ssh_key(docs.path(), kind);
        let key = vouch::bundle::sign::Key::from_file(&key_file, None, "ada@example.com").expect("key");
        let pack = out.path().join(kind);
        let written = folder::write(&store, &id, &pack, Some(&key)).expect("exported");
        assert!(sha256sum_check(&pack).status.success(), "{kind}: sha256sum");
        let verified = ssh_keygen_verify(&pack, "ada@example.com");
        assert!(
            verified.status.success(),
            "{kind}: {}{}",
            String::from_utf8_lossy(&verified.stdout),
            String::from_utf8_lossy(&verified.stderr)
        );
        // The manifest names the key ssh-keygen reports.
        let listed = Command::new("ssh-keygen")
            .arg("-lf")
            .arg(pack.join("signer.pub"))
            .output()
            .expect("ssh-keygen");
        let fingerprint = written.manifest.auditor.key_fingerprint.clone().expect("fingerprint");
        assert!(String::from_utf8_lossy(&listed.stdout).contains(&fingerprint), "{kind}");
        let checked = vouch().arg("verify").arg(&pack).output().expect("vouch runs");
        assert!(
            checked.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&checked.stdout)
        );
        // Another identity, or a changed SHA256SUMS, does not verify.
        assert!(
            !ssh_keygen_verify(&pack, "mallory@example.com").status.success(),
            "{kind}"
        );
        let sums = std::fs::read_to_string(pack.join("SHA256SUMS")).expect("sums");
        std::fs::write(pack.join("SHA256SUMS"), sums.replacen('a', "b", 1)).expect("tamper");
        assert!(
            !ssh_keygen_verify(&pack, "ada@example.com").status.success(),
            "{kind}: tampered"
        );
    }
    // Ed25519 signatures are deterministic: the same session, the same bundle.
    let key =
        vouch::bundle::sign::Key::from_file(&docs.path().join("id_ed25519"), None, "ada@example.com").expect("key");
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    folder::write(&store, &id, &a, Some(&key)).expect("exported");
    folder::write(&store, &id, &b, Some(&key)).expect("exported");
    assert_eq!(tree(&a), tree(&b));
}

#[test]
fn an_encrypted_key_needs_its_passphrase_and_an_rsa_key_signs_through_ssh_keygen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("id_locked");
    assert!(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "s3cret-phrase", "-f"])
        .arg(&path)
        .status()
        .expect("ssh-keygen")
        .success());
    let open = |pass: Option<&str>| vouch::bundle::sign::Key::from_file(&path, pass, "ada").map(|k| k.fingerprint());
    assert!(open(None).is_err_and(|e| e.contains("passphrase is needed")));
    assert!(open(Some("wrong")).is_err_and(|e| e.contains("does not open it")));
    assert!(open(Some("s3cret-phrase")).is_ok_and(|f| f.starts_with("SHA256:")));
    let rsa = dir.path().join("id_rsa");
    assert!(Command::new("ssh-keygen")
        .args(["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f"])
        .arg(&rsa)
        .status()
        .expect("ssh-keygen")
        .success());
    let key = vouch::bundle::sign::Key::from_file(&rsa, None, "ada").expect("an RSA key");
    let signature = key.sign(b"abc  results.json\n").expect("signed by ssh-keygen");
    assert!(signature.starts_with("-----BEGIN SSH SIGNATURE-----"), "{signature}");
    let message = dir.path().join("message");
    std::fs::write(&message, b"abc  results.json\n").expect("message");
    std::fs::write(dir.path().join("message.sig"), &signature).expect("sig");
    std::fs::write(dir.path().join("allowed_signers"), key.allowed_signers().expect("line")).expect("allowed");
    let verified = Command::new("ssh-keygen")
        .args([
            "-Y",
            "verify",
            "-f",
            "allowed_signers",
            "-I",
            "ada",
            "-n",
            "vouch-evidence",
            "-s",
            "message.sig",
        ])
        .current_dir(dir.path())
        .stdin(std::fs::File::open(&message).expect("message"))
        .output()
        .expect("ssh-keygen");
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    assert!(vouch::bundle::sign::principal("Ada Auditor").is_ok_and(|p| p == "Ada-Auditor"));
    assert!(vouch::bundle::sign::principal("a,b*").is_err());
}

/// `vouch verify` with these arguments: exit code, stdout, stderr.
fn verify(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let out = vouch().arg("verify").args(args).output().expect("vouch runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sha256_of(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string()
}

/// What someone with their own key does to pass a changed pack off: the files
/// rehashed into the manifest and SHA256SUMS, signed whole with `key`.
fn resign_whole(pack: &Path, key: &Path, manifest_names: Option<&str>) {
    let public = Command::new("ssh-keygen")
        .arg("-y")
        .arg("-f")
        .arg(key)
        .output()
        .expect("ssh-keygen");
    std::fs::write(pack.join("signer.pub"), &public.stdout).expect("signer.pub");
    let line = format!(
        "mallory@example.com namespaces=\"vouch-evidence\" {}",
        String::from_utf8_lossy(&public.stdout)
    );
    std::fs::write(pack.join("allowed_signers"), line).expect("allowed_signers");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("manifest.json")).expect("manifest")).expect("json");
    // A careful forger names their own key in the manifest too.
    manifest["auditor"]["key_fingerprint"] = manifest_names
        .map_or_else(|| fingerprint_of(&key.with_extension("pub")), str::to_string)
        .into();
    for row in manifest["files"].as_array_mut().expect("files") {
        let path = pack.join(row["path"].as_str().expect("path"));
        row["sha256"] = sha256_of(&path).into();
        row["bytes"] = std::fs::metadata(&path).expect("meta").len().into();
    }
    std::fs::write(
        pack.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).expect("json"),
    )
    .expect("manifest");
    let listed = std::fs::read_to_string(pack.join("SHA256SUMS")).expect("sums");
    let sums: String = listed
        .lines()
        .map(|l| {
            let path = l.split_once("  ").expect("line").1;
            format!("{}  {path}\n", sha256_of(&pack.join(path)))
        })
        .collect();
    std::fs::write(pack.join("SHA256SUMS"), sums).expect("sums");
    let _ = std::fs::remove_file(pack.join("SHA256SUMS.sig"));
    let signed = Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", "vouch-evidence", "-f"])
        .arg(key)
        .arg(pack.join("SHA256SUMS"))
        .status()
        .expect("ssh-keygen");
    assert!(signed.success());
}

#[test]
fn vouch_verify_names_what_is_wrong_and_who_signed() {
    let (_data, keys, store, id) = audited_session();
    let ours = ssh_key(keys.path(), "ed25519");
    let key = vouch::bundle::sign::Key::from_file(&ours, None, "ada@example.com").expect("key");
    let out = tempfile::tempdir().expect("temp dir");
    let fresh = |name: &str| {
        let pack = out.path().join(name);
        folder::write(&store, &id, &pack, Some(&key)).expect("exported");
        pack
    };
    let mine = keys.path().join("allowed_signers");
    std::fs::copy(fresh("trusted").join("allowed_signers"), &mine).expect("trust");

    let pack = fresh("good");
    let (code, stdout, _) = verify(&[pack.as_os_str()]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(&format!("signed by {} (ada@example.com)", key.fingerprint())),
        "{stdout}"
    );
    let (code, stdout, _) = verify(&[
        pack.as_os_str(),
        "--allowed-signers".as_ref(),
        mine.as_os_str(),
        "--identity".as_ref(),
        "ada@example.com".as_ref(),
    ]);
    assert_eq!(code, 0, "{stdout}");
    // A key whose validity has lapsed in the reader's file proves nothing (as ssh-keygen reads it).
    let lapsed = keys.path().join("lapsed_signers");
    let line = std::fs::read_to_string(&mine).expect("trust");
    std::fs::write(&lapsed, line.replacen(' ', " valid-before=\"20200101\" ", 1)).expect("lapsed");
    let (code, stdout, _) = verify(&[
        pack.as_os_str(),
        "--allowed-signers".as_ref(),
        lapsed.as_os_str(),
        "--identity".as_ref(),
        "ada@example.com".as_ref(),
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("is not ada@example.com"), "{stdout}");
    let (code, json, _) = verify(&[pack.as_os_str(), "--format".as_ref(), "json".as_ref()]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(
        report["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .all(|c| c["ok"] == true),
        "{json}"
    );

    // Each change is named, with exit 1.
    let evidence = |pack: &Path| {
        std::fs::read_dir(pack.join("evidence"))
            .expect("dir")
            .next()
            .expect("one")
            .expect("entry")
            .path()
    };
    let cases: Vec<(&str, Change, String)> = vec![
        (
            "results",
            Box::new(|p: &Path| flip(&p.join("results.json"))),
            "results.json: changed".into(),
        ),
        (
            "journal",
            Box::new(|p: &Path| flip(&p.join("journal.jsonl"))),
            "journal.jsonl: changed".into(),
        ),
        (
            "evidence",
            Box::new(move |p: &Path| flip(&evidence(p))),
            ": changed (its SHA-256".into(),
        ),
        (
            "added",
            Box::new(|p: &Path| std::fs::write(p.join("evidence/ev-000000000000"), "x").expect("add")),
            "evidence/ev-000000000000: extra".into(),
        ),
        (
            "deleted",
            Box::new(|p: &Path| std::fs::remove_file(p.join("README.txt")).expect("rm")),
            "README.txt: missing".into(),
        ),
    ];
    for (name, change, said) in cases {
        let pack = fresh(name);
        change(&pack);
        let (code, stdout, stderr) = verify(&[pack.as_os_str()]);
        assert_eq!(code, 1, "{name}: {stdout}");
        assert!(stderr.contains(&said), "{name}: wanted {said:?} in {stderr}");
    }

    // Journal lines reordered, everything rehashed and signed anew by another key:
    // plain verify names that key and the broken chain; the reader's own trust
    // refuses the signer.
    let theirs = keys.path().join("mallory");
    assert!(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&theirs)
        .status()
        .expect("ssh-keygen")
        .success());
    let pack = fresh("reordered");
    let journal = std::fs::read_to_string(pack.join("journal.jsonl")).expect("journal");
    let mut lines: Vec<&str> = journal.lines().collect();
    lines.swap(1, 2);
    std::fs::write(pack.join("journal.jsonl"), lines.join("\n") + "\n").expect("write");
    resign_whole(&pack, &theirs, None);
    let (code, stdout, stderr) = verify(&[pack.as_os_str()]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stderr.contains("journal.jsonl"), "{stderr}");
    assert!(!stdout.contains(&key.fingerprint()), "another key signed it: {stdout}");
    // A pack re-signed whole but still naming the auditor's key in its manifest: caught.
    let pack = fresh("resigned-carelessly");
    resign_whole(&pack, &theirs, Some(&key.fingerprint()));
    let (code, _, stderr) = verify(&[pack.as_os_str()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("re-signed"), "{stderr}");
    let pack = fresh("resigned");
    resign_whole(&pack, &theirs, None);
    let (code, stdout, _) = verify(&[pack.as_os_str()]);
    assert_eq!(code, 0, "integrity alone holds: {stdout}");
    let (code, _, stderr) = verify(&[
        pack.as_os_str(),
        "--allowed-signers".as_ref(),
        mine.as_os_str(),
        "--identity".as_ref(),
        "ada@example.com".as_ref(),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("is not ada@example.com"), "{stderr}");
    // Another identity in the reader's file: refused too.
    let (code, _, _) = verify(&[
        fresh("other-id").as_os_str(),
        "--allowed-signers".as_ref(),
        mine.as_os_str(),
        "--identity".as_ref(),
        "bob@example.com".as_ref(),
    ]);
    assert_eq!(code, 1);
    // Not a pack at all: exit 2.
    let (code, _, _) = verify(&[out.path().join("nothing").as_os_str()]);
    assert_eq!(code, 2);
}

/// A change made to a pack before it is verified.
type Change = Box<dyn Fn(&Path)>;

fn flip(path: &Path) {
    let mut bytes = std::fs::read(path).expect("read");
    bytes[0] ^= 1;
    std::fs::write(path, bytes).expect("write");
}

#[test]
fn vouch_export_finishes_the_session_and_signs_with_the_users_own_key_or_the_one_given() {
    let data = tempfile::tempdir().expect("temp dir");
    let config = tempfile::tempdir().expect("temp dir");
    let docs = tempfile::tempdir().expect("temp dir");
    let plan = docs.path().join("plan.pdf");
    std::fs::write(&plan, b"%PDF-1.4 plan").expect("plan");
    let id = audited(data.path(), &plan);
    let export = |args: &[&std::ffi::OsStr]| {
        vouch()
            .env("VOUCH_DATA_DIR", data.path())
            .env("VOUCH_CONFIG_DIR", config.path())
            .arg("export")
            .args(args)
            .output()
            .expect("vouch runs")
    };
    let out = tempfile::tempdir().expect("temp dir");
    let first = out.path().join("first");
    let done = export(&[id.as_ref(), "-o".as_ref(), first.as_os_str()]);
    let said = String::from_utf8_lossy(&done.stderr).into_owned();
    assert!(done.status.success(), "{said}");
    assert!(said.contains("made your vouch signing key SHA256:"), "{said}");
    assert!(said.contains("is finished"), "{said}");
    let key = config.path().join("signing_key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).expect("key").permissions().mode() & 0o777,
        0o600
    );
    let (code, stdout, _) = verify(&[first.as_os_str()]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        ssh_keygen_verify(&first, "Ada").status.success(),
        "the identity is the auditor's name"
    );

    // The newest session by default, the same key, the same bytes.
    let again = out.path().join("again");
    let done = export(&["-o".as_ref(), again.as_os_str()]);
    assert!(done.status.success());
    assert!(
        !String::from_utf8_lossy(&done.stderr).contains("made your"),
        "the key is kept"
    );
    assert_eq!(tree(&first), tree(&again));

    // A key given with --sign-key.
    let given = ssh_key(docs.path(), "ecdsa");
    let third = out.path().join("third");
    let done = export(&[
        id.as_ref(),
        "-o".as_ref(),
        third.as_os_str(),
        "--sign-key".as_ref(),
        given.as_os_str(),
    ]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(ssh_keygen_verify(&third, "Ada").status.success());
    // A ZIP, checked by vouch verify; a second export onto it is refused before anything is done.
    let zip = out.path().join("pack.zip");
    let done = export(&[id.as_ref(), "-o".as_ref(), zip.as_os_str()]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert_eq!(verify(&[zip.as_os_str()]).0, 0);
    let refused = export(&[id.as_ref(), "-o".as_ref(), zip.as_os_str()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("exists"));
    // Signed as another identity with --auditor.
    let named = out.path().join("named");
    let done = export(&[
        id.as_ref(),
        "-o".as_ref(),
        named.as_os_str(),
        "--auditor".as_ref(),
        "ada@example.com".as_ref(),
    ]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(ssh_keygen_verify(&named, "ada@example.com").status.success());
}

/// Unzip `zip` into a new folder with the real `unzip`.
fn unzip(zip: &Path, into: &Path) {
    let out = Command::new("unzip")
        .arg("-q")
        .arg(zip)
        .arg("-d")
        .arg(into)
        .output()
        .expect("unzip runs");
    assert!(out.status.success(), "unzip: {}", String::from_utf8_lossy(&out.stderr));
}

/// `bytes` with every `from` replaced by `to` (of the same length).
fn replace_all(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut at = 0;
    while let Some(found) = out[at..].windows(from.len()).position(|w| w == from) {
        out[at + found..at + found + to.len()].copy_from_slice(to);
        at += found + to.len();
    }
    out
}

/// What a hostile archive adds to a good one.
type AddEntry = Box<dyn FnOnce(&mut zip::ZipWriter<std::fs::File>)>;

/// A copy of the ZIP `from` at `to` with one more entry added by `add`.
fn zip_with(from: &Path, to: &Path, add: impl FnOnce(&mut zip::ZipWriter<std::fs::File>)) {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).expect("zip")).expect("a zip");
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).expect("create"));
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("entry");
        let name = entry.name().expect("a name").to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read");
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&bytes).expect("write");
    }
    add(&mut out);
    out.finish().expect("finished");
}

#[test]
fn a_zip_pack_holds_the_folder_in_one_file_and_a_hostile_zip_is_refused_unopened() {
    use std::io::Write;
    let (_data, docs, store, id) = audited_session();
    let key_file = ssh_key(docs.path(), "ed25519");
    let key = vouch::bundle::sign::Key::from_file(&key_file, None, "ada@example.com").expect("key");
    let out = tempfile::tempdir().expect("temp dir");
    let zipped = out.path().join("pack.zip");
    folder::write(&store, &id, &zipped, Some(&key)).expect("exported as a ZIP");
    let again = out.path().join("again.zip");
    folder::write(&store, &id, &again, Some(&key)).expect("exported again");
    assert_eq!(
        std::fs::read(&zipped).expect("zip"),
        std::fs::read(&again).expect("zip"),
        "the same session twice is the same ZIP, byte for byte"
    );
    assert!(folder::write(&store, &id, &zipped, Some(&key)).is_err_and(|e| e.contains("exists")));

    // The stock tools check what unzip gives, and it is the folder form exactly.
    let unpacked = out.path().join("unpacked");
    unzip(&zipped, &unpacked);
    assert!(sha256sum_check(&unpacked).status.success());
    let signed = ssh_keygen_verify(&unpacked, "ada@example.com");
    assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
    let as_folder = out.path().join("folder");
    folder::write(&store, &id, &as_folder, Some(&key)).expect("exported as a folder");
    assert_eq!(tree(&unpacked), tree(&as_folder));
    // Entries in sorted order, attachments stored as they are.
    let listing = Command::new("unzip").arg("-v").arg(&zipped).output().expect("unzip -v");
    let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
    let names: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .filter(|n| n.contains('.') || n.contains('/') || *n == "SHA256SUMS" || *n == "allowed_signers")
        .filter(|n| !n.starts_with('-') && *n != "Name")
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "{listing}");
    let attachment = listing
        .lines()
        .find(|l| l.contains("attachments/"))
        .expect("an attachment");
    assert!(attachment.contains("Stored"), "{attachment}");

    let (code, stdout, _) = verify(&[zipped.as_os_str()]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("signed by"), "{stdout}");

    // Hostile archives: each refused by name, and nothing is ever written out.
    let hostile: Vec<(&str, AddEntry, &str)> = vec![
        (
            "climbs",
            Box::new(|z| {
                z.start_file("../escaped.txt", zip::write::SimpleFileOptions::default())
                    .expect("start");
                z.write_all(b"out").expect("write");
            }),
            "../escaped.txt: refused",
        ),
        (
            "absolute",
            Box::new(|z| {
                z.start_file("/tmp/escaped.txt", zip::write::SimpleFileOptions::default())
                    .expect("start");
                z.write_all(b"out").expect("write");
            }),
            "/tmp/escaped.txt: refused",
        ),
        (
            "link",
            Box::new(|z| {
                z.add_symlink(
                    "evidence/passwd",
                    "/etc/passwd",
                    zip::write::SimpleFileOptions::default(),
                )
                .expect("link");
            }),
            "evidence/passwd: a link",
        ),
        (
            "bomb",
            Box::new(|z| {
                z.start_file("evidence/ev-bomb", zip::write::SimpleFileOptions::default())
                    .expect("start");
                z.write_all(&vec![0u8; 8 << 20]).expect("write");
            }),
            "a zip bomb",
        ),
    ];
    for (name, add, named) in hostile {
        let bad = out.path().join(format!("{name}.zip"));
        zip_with(&zipped, &bad, add);
        let before = std::fs::read_dir(out.path()).expect("dir").count();
        let (code, stdout, stderr) = verify(&[bad.as_os_str()]);
        assert_eq!(code, 1, "{name}: {stdout}");
        assert!(stderr.contains(named), "{name}: {stderr}");
        assert_eq!(std::fs::read_dir(out.path()).expect("dir").count(), before, "{name}");
        assert!(!Path::new("/tmp/escaped.txt").exists());
    }
    // Other layouts than vouch writes, where unzip or a streaming reader would
    // see other files than those checked: refused unread.
    let good = std::fs::read(&zipped).expect("zip");
    let mut commented = good.clone();
    let at = commented.len() - 2;
    commented[at..].copy_from_slice(&13u16.to_le_bytes());
    commented.extend_from_slice(b"PK\x05\x06 a second");
    let mut prepended = b"PK\x03\x04 a forged entry read by streaming readers".to_vec();
    prepended.extend_from_slice(&good);
    let twice = replace_all(&good, b"manifest.json", b"journal.jsonl");
    for (name, bytes, named) in [
        ("commented", commented, "comment"),
        ("prepended", prepended, "data prepended"),
        ("twice", twice, "journal.jsonl: given twice"),
    ] {
        let bad = out.path().join(format!("{name}.zip"));
        std::fs::write(&bad, bytes).expect("write");
        let (code, stdout, stderr) = verify(&[bad.as_os_str()]);
        assert_eq!(code, 1, "{name}: {stdout}");
        assert!(
            stderr.contains("not the layout vouch writes") && stderr.contains(named),
            "{name}: {stderr}"
        );
    }
    // Not a ZIP at all: it cannot be read (exit 2).
    let junk = out.path().join("junk.zip");
    std::fs::write(&junk, b"not a zip").expect("junk");
    let (code, _, stderr) = verify(&[junk.as_os_str()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not a ZIP"), "{stderr}");
}

/// `vouch scan --bundle PACK --sign-key KEY` of the weak host, with the clock
/// fixed by SOURCE_DATE_EPOCH and scratch space under `tmp`.
fn scan_bundle(pack: &Path, key: &Path, data: &Path, tmp: &Path) -> std::process::Output {
    vouch()
        .env("SOURCE_DATE_EPOCH", "1764000000")
        .env("VOUCH_DATA_DIR", data)
        .env("TMPDIR", tmp)
        .args(["scan", "--auditor", "Ada", "--root"])
        .arg(fixture("weak"))
        .arg("--bundle")
        .arg(pack)
        .arg("--sign-key")
        .arg(key)
        .args(["-o", "/dev/null"])
        .output()
        .expect("vouch runs")
}

#[test]
fn the_same_scan_bundled_twice_with_source_date_epoch_is_the_same_bytes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).expect("tmp");
    for kind in ["ed25519", "rsa", "ecdsa"] {
        let key = ssh_key(dir.path(), kind);
        let packs: Vec<std::path::PathBuf> = (1..=2).map(|n| dir.path().join(format!("{kind}-{n}.zip"))).collect();
        for pack in &packs {
            let out = scan_bundle(pack, &key, &data, &tmp);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{kind}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(String::from_utf8_lossy(&out.stderr).contains("wrote"), "{kind}");
            assert_eq!(verify(&[pack.as_os_str()]).0, 0, "{kind}");
        }
        let (first, second) = (
            std::fs::read(&packs[0]).expect("zip"),
            std::fs::read(&packs[1]).expect("zip"),
        );
        if kind == "ecdsa" {
            // ECDSA signatures are randomised: every file but the signature is the same.
            let (a, b) = (dir.path().join("a"), dir.path().join("b"));
            unzip(&packs[0], &a);
            unzip(&packs[1], &b);
            let without_sig = |tree: Vec<(String, Vec<u8>)>| -> Vec<(String, Vec<u8>)> {
                tree.into_iter().filter(|(name, _)| name != "SHA256SUMS.sig").collect()
            };
            assert_eq!(without_sig(tree(&a)), without_sig(tree(&b)));
            assert!(sha256sum_check(&a).status.success());
        } else {
            assert!(first == second, "{kind}: two scan --bundle runs differ");
        }
    }
    // Without --save nothing is kept: no session, no scratch folder.
    assert!(!data.join("sessions").exists() || std::fs::read_dir(data.join("sessions")).expect("dir").next().is_none());
    assert_eq!(std::fs::read_dir(&tmp).expect("tmp").count(), 0, "scratch left behind");
}

#[test]
fn scan_bundle_refuses_what_it_cannot_do_before_scanning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let taken = dir.path().join("taken.zip");
    std::fs::write(&taken, b"x").expect("file");
    let weak = fixture("weak");
    for (args, says) in [
        (
            vec![
                "scan",
                "--root",
                weak.as_str(),
                "--bundle",
                taken.to_str().expect("utf-8"),
            ],
            "exists",
        ),
        (
            vec!["scan", "--root", weak.as_str(), "--sign-key", "k"],
            "--sign-key goes with --bundle",
        ),
    ] {
        let out = vouch().args(&args).output().expect("vouch runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(std::fs::read(&taken).expect("file"), b"x", "left as it was");
}

/// A real ssh-agent on a socket of its own, stopped when dropped.
struct Agent {
    child: std::process::Child,
    socket: std::path::PathBuf,
}

impl Agent {
    fn start(dir: &Path) -> Agent {
        let socket = dir.join("agent.sock");
        let child = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("ssh-agent runs");
        for _ in 0..200 {
            if socket.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(socket.exists(), "ssh-agent made no socket");
        Agent { child, socket }
    }

    /// `ssh-add -D` then `ssh-add KEY`.
    fn hold_only(&self, key: &Path) {
        for args in [vec!["-q", "-D"], vec!["-q", key.to_str().expect("utf-8")]] {
            let out = Command::new("ssh-add")
                .args(&args)
                .env("SSH_AUTH_SOCK", &self.socket)
                .output()
                .expect("ssh-add runs");
            assert!(
                out.status.success(),
                "ssh-add {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fingerprint_of(key: &Path) -> String {
    let out = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(key)
        .output()
        .expect("ssh-keygen");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_string()
}

#[test]
fn without_a_key_file_vouch_signs_with_the_key_ssh_agent_holds_for_ed25519_ecdsa_and_rsa() {
    let (data, docs, store, id) = audited_session();
    drop(store);
    let config = tempfile::tempdir().expect("temp dir");
    let agent = Agent::start(docs.path());
    let out = tempfile::tempdir().expect("temp dir");
    let export = |pack: &Path, extra: &[&std::ffi::OsStr], socket: Option<&Path>| {
        let mut command = vouch();
        command
            .env("VOUCH_DATA_DIR", data.path())
            .env("VOUCH_CONFIG_DIR", config.path())
            .args(["export", &id, "-o"])
            .arg(pack)
            .args(extra);
        if let Some(socket) = socket {
            command.env("SSH_AUTH_SOCK", socket);
        }
        command.output().expect("vouch runs")
    };
    for kind in ["ed25519", "ecdsa", "rsa"] {
        let key = ssh_key(docs.path(), kind);
        agent.hold_only(&key);
        let pack = out.path().join(format!("{kind}.zip"));
        let done = export(&pack, &[], Some(&agent.socket));
        let said = String::from_utf8_lossy(&done.stderr).into_owned();
        assert!(done.status.success(), "{kind}: {said}");
        let fingerprint = fingerprint_of(&key);
        assert!(
            said.contains(&format!("signing with the ssh-agent key {fingerprint}")),
            "{kind}: {said}"
        );
        let unpacked = out.path().join(kind);
        unzip(&pack, &unpacked);
        let checked = ssh_keygen_verify(&unpacked, "Ada");
        assert!(
            checked.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&checked.stderr)
        );
        let (code, stdout, _) = verify(&[pack.as_os_str()]);
        assert_eq!(code, 0, "{kind}: {stdout}");
        assert!(stdout.contains(&fingerprint), "{kind}: {stdout}");
        // The same key named by its public half.
        let public = key.with_extension("pub");
        let named = out.path().join(format!("{kind}-named.zip"));
        let done = export(
            &named,
            &["--sign-key".as_ref(), public.as_os_str()],
            Some(&agent.socket),
        );
        assert!(
            done.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&done.stderr)
        );
        assert_eq!(verify(&[named.as_os_str()]).0, 0);
    }
    // A public key the agent does not hold: refused, naming it.
    let elsewhere = docs.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let other = ssh_key(&elsewhere, "ed25519");
    let refused = export(
        &out.path().join("refused.zip"),
        &["--sign-key".as_ref(), other.with_extension("pub").as_os_str()],
        Some(&agent.socket),
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("does not hold"));
    // No agent: the user's own vouch key.
    let own = export(&out.path().join("own.zip"), &[], None);
    let said = String::from_utf8_lossy(&own.stderr).into_owned();
    assert!(own.status.success(), "{said}");
    assert!(said.contains("made your vouch signing key"), "{said}");
}
