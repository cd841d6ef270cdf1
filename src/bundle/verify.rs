//! `vouch verify` of a bundle, folder or ZIP (read through `pack`, never
//! extracted): every check of spec/bundle.md, in order —
//! the signature over SHA256SUMS (and, given the reader's own allowed_signers,
//! who made it), every file's hash, no file missing or extra (no link either),
//! the manifest agreeing with SHA256SUMS, the journal's chain unbroken and
//! ending at the manifest's head. Files are hashed as they stream; paths come
//! from the bundle and are checked before anything is opened.

use super::manifest::Manifest;
use super::pack::{Kind, Pack};
use super::sign::NAMESPACE;
use super::sums;
use serde::Serialize;
use ssh_key::{HashAlg, PublicKey, SshSig};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One check and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub check: String,
    pub ok: bool,
    /// It could not be made: what it needs did not hold (never counted as passed).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
    /// What was found: the problem (file and what is wrong), or what holds.
    pub detail: String,
}

/// Every check made, and who signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub checks: Vec<Check>,
    /// The signing key's SHA256 fingerprint and the identity the bundle names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<Signer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signer {
    pub fingerprint: String,
    pub identity: String,
}

impl Report {
    /// The first check that failed.
    pub fn first_problem(&self) -> Option<&Check> {
        self.checks.iter().find(|c| !c.ok)
    }

    fn add(&mut self, check: &str, outcome: Result<String, String>) {
        let (ok, detail) = match outcome {
            Ok(detail) => (true, detail),
            Err(detail) => (false, detail),
        };
        self.checks.push(Check {
            check: check.to_string(),
            ok,
            skipped: false,
            detail,
        });
    }

    /// Checks that could not be made, and why.
    fn skip(&mut self, checks: &[&str], why: &str) {
        for check in checks {
            self.checks.push(Check {
                check: check.to_string(),
                ok: false,
                skipped: true,
                detail: format!("not checked: {why}"),
            });
        }
    }
}

/// The reader's own trust: their allowed_signers file and the identity required.
pub struct Trust<'a> {
    pub allowed_signers: &'a Path,
    pub identity: &'a str,
}

/// Caps on the small files read whole (the rest are hashed as they stream).
const SMALL: u64 = 16 << 20;
/// The longest journal line taken (an event with its evidence record is a few KiB).
const LINE_CAP: usize = 16 << 20;

/// Verify the bundle at `path`, a folder or a ZIP archive. Err: it cannot be
/// read at all (neither, or no SHA256SUMS).
pub fn verify(path: &Path, trust: Option<&Trust>) -> Result<Report, String> {
    let mut pack = Pack::open(path)?;
    if let Some(why) = pack.refusal() {
        let mut report = Report {
            checks: vec![Check {
                check: "zip layout".to_string(),
                ok: false,
                skipped: false,
                detail: format!("not the layout vouch writes, refused unread: {why}"),
            }],
            signer: None,
        };
        report.skip(
            &["signature", "files", "hashes", "manifest", "journal"],
            "the archive was refused unread",
        );
        return Ok(report);
    }
    let sums_bytes = pack
        .read("SHA256SUMS", SMALL)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut report = Report {
        checks: Vec::new(),
        signer: None,
    };
    let mut signer = None;
    let public = pack
        .read("signer.pub", SMALL)
        .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "signer.pub: not text".to_string()));
    let signed = public.and_then(|public| signature(&mut pack, &public, &sums_bytes, &mut signer));
    report.signer = signer;
    report.add("signature", signed);
    if let Some(trust) = trust {
        let checked = pack
            .read("SHA256SUMS.sig", SMALL)
            .and_then(|sig| identity(report.signer.as_ref(), &sig, &sums_bytes, trust));
        report.add("signer identity", checked);
    }
    let listed = String::from_utf8(sums_bytes)
        .map_err(|_| "SHA256SUMS: not text".to_string())
        .and_then(|text| sums::parse(&text));
    let listed = match listed {
        Ok(listed) => listed,
        Err(why) => {
            report.add("SHA256SUMS", Err(why));
            report.skip(
                &["files", "hashes", "manifest", "journal"],
                "SHA256SUMS could not be read",
            );
            return Ok(report);
        }
    };
    // The pack's shape first: a link anywhere is named before anything is read.
    report.add("files", files(&pack, &listed));
    let mut sizes = BTreeMap::new();
    report.add("hashes", hashes(&mut pack, &listed, &mut sizes));
    let manifest: Result<Manifest, String> = pack.read("manifest.json", SMALL).and_then(|bytes| {
        serde_json::from_slice(&bytes).map_err(|e| format!("manifest.json: not a bundle manifest ({e})"))
    });
    match manifest {
        Ok(manifest) => {
            let signer = report.signer.as_ref().map(|s| s.fingerprint.as_str());
            report.add("manifest", agrees(&manifest, &listed, &sizes, signer));
            report.add("journal", journal(&mut pack, &manifest));
        }
        Err(why) => {
            report.add("manifest", Err(why));
            report.skip(&["journal"], "its head is in manifest.json, which could not be read");
        }
    }
    Ok(report)
}

fn signature(pack: &mut Pack, public: &str, message: &[u8], signer: &mut Option<Signer>) -> Result<String, String> {
    let public =
        PublicKey::from_openssh(public.trim()).map_err(|e| format!("signer.pub: not an OpenSSH public key ({e})"))?;
    let text = pack.read("SHA256SUMS.sig", SMALL)?;
    let text = String::from_utf8(text).map_err(|_| "SHA256SUMS.sig: not text".to_string())?;
    let signature = SshSig::from_pem(text).map_err(|e| format!("SHA256SUMS.sig: not an SSH signature ({e})"))?;
    let fingerprint = public.fingerprint(HashAlg::Sha256).to_string();
    *signer = Some(Signer {
        fingerprint: fingerprint.clone(),
        identity: public.comment().to_string(),
    });
    if signature.namespace() != NAMESPACE {
        return Err(format!(
            "SHA256SUMS.sig: signed for `{}`, not {NAMESPACE} (a signature made for something else)",
            crate::sanitize::terminal(signature.namespace())
        ));
    }
    if signature.public_key() != public.key_data() {
        let other = PublicKey::from(signature.public_key().clone()).fingerprint(HashAlg::Sha256);
        return Err(format!(
            "SHA256SUMS.sig: made by {other}, not the key in signer.pub ({fingerprint})"
        ));
    }
    public
        .verify(NAMESPACE, message, &signature)
        .map(|()| format!("SHA256SUMS signed by {fingerprint}"))
        .map_err(|_| {
            format!(
                "SHA256SUMS.sig: does not verify over SHA256SUMS with {fingerprint} (SHA256SUMS was changed after signing)"
            )
        })
}

/// Whether the signer's key is the reader's for the identity they require,
/// asked of OpenSSH's own `ssh-keygen -Y verify` with the reader's
/// allowed_signers file: principals, patterns, quoting, namespaces,
/// `valid-after`/`valid-before` and `cert-authority` exactly as OpenSSH reads them.
fn identity(signer: Option<&Signer>, signature: &[u8], message: &[u8], trust: &Trust) -> Result<String, String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let shown = trust.allowed_signers.display();
    let fingerprint = signer.map_or_else(String::new, |s| s.fingerprint.clone());
    let mut nonce = [0u8; 8];
    let _ = rustix::rand::getrandom(&mut nonce, rustix::rand::GetRandomFlags::empty());
    let sig_file = std::env::temp_dir().join(format!(
        "vouch-verify-{}-{}.sig",
        std::process::id(),
        hex::encode(nonce)
    ));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&sig_file)
        .and_then(|mut file| file.write_all(signature));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&sig_file);
        return Err(format!("{}: {e}", sig_file.display()));
    }
    let run = std::process::Command::new("ssh-keygen")
        .args(["-Y", "verify", "-n", NAMESPACE, "-f"])
        .arg(trust.allowed_signers)
        .arg("-I")
        .arg(trust.identity)
        .arg("-s")
        .arg(&sig_file)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            if let Some(mut input) = child.stdin.take() {
                input.write_all(message)?;
            }
            child.wait_with_output()
        });
    let _ = std::fs::remove_file(&sig_file);
    let out = run.map_err(|e| format!("ssh-keygen (OpenSSH) checks --allowed-signers and could not run: {e}"))?;
    if out.status.success() {
        return Ok(format!(
            "{fingerprint} is {} in {shown} (ssh-keygen -Y verify)",
            crate::sanitize::terminal(trust.identity)
        ));
    }
    let said = String::from_utf8_lossy(&out.stderr);
    let said = said.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    Err(format!(
        "the signer {fingerprint} is not {} in {shown} (ssh-keygen -Y verify: {})",
        crate::sanitize::terminal(trust.identity),
        crate::sanitize::terminal(said)
    ))
}

/// Every listed file's hash; the sizes found go into `sizes`.
fn hashes(pack: &mut Pack, listed: &[sums::Sum], sizes: &mut BTreeMap<String, u64>) -> Result<String, String> {
    for sum in listed {
        if !super::pack::plain(&sum.path) {
            return Err(format!(
                "SHA256SUMS names `{}`, outside the bundle",
                crate::sanitize::terminal(&sum.path)
            ));
        }
        let (sha256, bytes) = pack.hash(&sum.path)?;
        sizes.insert(sum.path.clone(), bytes);
        if sha256 != sum.sha256 {
            return Err(format!(
                "{}: changed (its SHA-256 is not the one in SHA256SUMS)",
                sum.path
            ));
        }
    }
    Ok(format!("{} files match SHA256SUMS", listed.len()))
}

/// Nothing in the pack that SHA256SUMS does not list (but itself and its
/// signature), no link, nothing refused.
fn files(pack: &Pack, listed: &[sums::Sum]) -> Result<String, String> {
    let known: BTreeSet<&str> = listed.iter().map(|s| s.path.as_str()).collect();
    for item in pack.items()? {
        let shown = crate::sanitize::terminal(&item.path);
        match item.kind {
            Kind::Folder => {}
            Kind::Link => return Err(format!("{shown}: a link (a bundle holds only files)")),
            Kind::Refused(why) => return Err(format!("{shown}: refused, {why}")),
            Kind::File => {
                let own = item.path == "SHA256SUMS" || item.path == "SHA256SUMS.sig";
                if !own && !known.contains(item.path.as_str()) {
                    return Err(format!("{shown}: extra (not in SHA256SUMS)"));
                }
            }
        }
    }
    Ok("no file missing, none extra".to_string())
}

/// The manifest says what SHA256SUMS and the files say: the same paths and
/// hashes, the sizes found, and the key that signed.
fn agrees(
    manifest: &Manifest,
    listed: &[sums::Sum],
    sizes: &BTreeMap<String, u64>,
    signer: Option<&str>,
) -> Result<String, String> {
    if manifest.format != super::FORMAT {
        return Err(format!(
            "manifest.json: format `{}`, not {}",
            crate::sanitize::terminal(&manifest.format),
            super::FORMAT
        ));
    }
    if let (Some(named), Some(signer)) = (manifest.auditor.key_fingerprint.as_deref(), signer) {
        if named != signer {
            return Err(format!(
                "manifest.json: names the signing key {}, but {signer} signed (the pack was re-signed)",
                crate::sanitize::terminal(named)
            ));
        }
    }
    for row in &manifest.files {
        if let Some(found) = sizes.get(&row.path) {
            if *found != row.bytes {
                return Err(format!(
                    "manifest.json: {} is {} bytes, the manifest says {}",
                    row.path, found, row.bytes
                ));
            }
        }
        match listed.iter().find(|s| s.path == row.path) {
            Some(sum) if sum.sha256 == row.sha256 => {}
            Some(_) => {
                return Err(format!(
                    "manifest.json: {} has another SHA-256 than in SHA256SUMS",
                    row.path
                ))
            }
            None => return Err(format!("manifest.json: lists {}, which SHA256SUMS does not", row.path)),
        }
    }
    for sum in listed {
        if sum.path != "manifest.json" && !manifest.files.iter().any(|row| row.path == sum.path) {
            return Err(format!("SHA256SUMS lists {}, which manifest.json does not", sum.path));
        }
    }
    Ok("manifest.json and SHA256SUMS agree".to_string())
}

/// The journal's chain, streamed a line at a time (never whole in memory).
fn journal(pack: &mut Pack, manifest: &Manifest) -> Result<String, String> {
    let mut chain = crate::session::journal::Chain::default();
    let mut line: Vec<u8> = Vec::new();
    let (mut number, mut broken) = (0usize, None::<String>);
    pack.stream("journal.jsonl", &mut |chunk| {
        for piece in chunk.split_inclusive(|b| *b == b'\n') {
            if broken.is_some() {
                return;
            }
            let (body, ends) = match piece.strip_suffix(b"\n") {
                Some(body) => (body, true),
                None => (piece, false),
            };
            if line.len() + body.len() > LINE_CAP {
                broken = Some(format!("journal.jsonl:{}: a line over {LINE_CAP} bytes", number + 1));
                return;
            }
            line.extend_from_slice(body);
            if ends {
                number += 1;
                if let Err(e) = chain.push(&line, "journal.jsonl", number) {
                    broken = Some(e.to_string());
                }
                line.clear();
            }
        }
    })?;
    if let Some(why) = broken {
        return Err(why);
    }
    if !line.is_empty() {
        return Err(format!("journal.jsonl:{}: its last line is cut short", number + 1));
    }
    let lines = number;
    if chain.head != manifest.journal_head {
        return Err(
            "journal.jsonl: its chain ends elsewhere than manifest.json says (lines added or removed)".to_string(),
        );
    }
    Ok(format!("journal.jsonl: {lines} lines, chain unbroken"))
}
