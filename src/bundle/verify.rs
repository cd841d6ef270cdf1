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
use std::collections::BTreeSet;
use std::path::Path;

/// One check and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub check: String,
    pub ok: bool,
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
            detail,
        });
    }
}

/// The reader's own trust: their allowed_signers file and the identity required.
pub struct Trust<'a> {
    pub allowed_signers: &'a Path,
    pub identity: &'a str,
}

/// Caps on the small files read whole (the rest are hashed as they stream).
const SMALL: u64 = 16 << 20;
const JOURNAL_CAP: u64 = 1 << 30;

/// Verify the bundle at `path`, a folder or a ZIP archive. Err: it cannot be
/// read at all (neither, or no SHA256SUMS).
pub fn verify(path: &Path, trust: Option<&Trust>) -> Result<Report, String> {
    let mut pack = Pack::open(path)?;
    if let Some(why) = pack.refusal() {
        return Ok(Report {
            checks: vec![Check {
                check: "zip layout".to_string(),
                ok: false,
                detail: format!("not the layout vouch writes, refused unread: {why}"),
            }],
            signer: None,
        });
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
    let signed = public
        .clone()
        .and_then(|public| signature(&mut pack, &public, &sums_bytes, &mut signer));
    report.signer = signer;
    report.add("signature", signed);
    if let Some(trust) = trust {
        report.add(
            "signer identity",
            public.and_then(|public| identity(report.signer.as_ref(), &public, trust)),
        );
    }
    let listed = String::from_utf8(sums_bytes)
        .map_err(|_| "SHA256SUMS: not text".to_string())
        .and_then(|text| sums::parse(&text));
    let listed = match listed {
        Ok(listed) => listed,
        Err(why) => {
            report.add("SHA256SUMS", Err(why));
            return Ok(report);
        }
    };
    report.add("hashes", hashes(&mut pack, &listed));
    report.add("files", files(&pack, &listed));
    let manifest: Result<Manifest, String> = pack.read("manifest.json", SMALL).and_then(|bytes| {
        serde_json::from_slice(&bytes).map_err(|e| format!("manifest.json: not a bundle manifest ({e})"))
    });
    match manifest {
        Ok(manifest) => {
            report.add("manifest", agrees(&manifest, &listed));
            report.add("journal", journal(&mut pack, &manifest));
        }
        Err(why) => report.add("manifest", Err(why)),
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
                "SHA256SUMS.sig: does not verify over SHA256SUMS with {fingerprint} (a file was changed after signing)"
            )
        })
}

/// Whether the signer's key is the reader's for the identity they require.
fn identity(signer: Option<&Signer>, public: &str, trust: &Trust) -> Result<String, String> {
    let shown = trust.allowed_signers.display();
    let text = std::fs::read_to_string(trust.allowed_signers).map_err(|e| format!("{shown}: {e}"))?;
    let public = PublicKey::from_openssh(public.trim()).map_err(|e| format!("signer.pub: {e}"))?;
    let fingerprint = signer.map_or_else(String::new, |s| s.fingerprint.clone());
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        // A key type vouch knows (ssh-key reads `name@domain` as an "other"
        // algorithm, which a principal like ada@example.com would be).
        let known = |w: &str| ssh_key::Algorithm::new(w).is_ok_and(|a| !matches!(a, ssh_key::Algorithm::Other(_)));
        let Some(at) = words.iter().position(|w| known(w)) else {
            continue;
        };
        let Some(key) = words
            .get(at + 1)
            .and_then(|b64| PublicKey::from_openssh(&format!("{} {b64}", words[at])).ok())
        else {
            continue;
        };
        let options = &words[1..at];
        let namespaces_ok = options.iter().all(|o| {
            o.strip_prefix("namespaces=")
                .map(|list| list.trim_matches('"').split(',').any(|n| n == NAMESPACE))
                .unwrap_or(!o.starts_with("cert-authority"))
        });
        if key.key_data() == public.key_data() && namespaces_ok && principals_match(words[0], trust.identity) {
            return Ok(format!("{fingerprint} is {} in {shown}", trust.identity));
        }
    }
    Err(format!(
        "the signer {fingerprint} is not {} in {shown} (the pack was signed by another key, or for another identity)",
        trust.identity
    ))
}

/// OpenSSH's principals field: comma-separated patterns (`*`, `?`), `!` negates.
fn principals_match(patterns: &str, identity: &str) -> bool {
    let mut matched = false;
    for pattern in patterns.split(',') {
        match pattern.strip_prefix('!') {
            Some(negated) if wildcard(negated.as_bytes(), identity.as_bytes()) => return false,
            Some(_) => {}
            None => matched |= wildcard(pattern.as_bytes(), identity.as_bytes()),
        }
    }
    matched
}

fn wildcard(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.first(), text.first()) {
        (None, None) => true,
        (Some(b'*'), _) => wildcard(&pattern[1..], text) || (!text.is_empty() && wildcard(pattern, &text[1..])),
        (Some(b'?'), Some(_)) => wildcard(&pattern[1..], &text[1..]),
        (Some(p), Some(t)) if p == t => wildcard(&pattern[1..], &text[1..]),
        _ => false,
    }
}

fn hashes(pack: &mut Pack, listed: &[sums::Sum]) -> Result<String, String> {
    for sum in listed {
        if !super::pack::plain(&sum.path) {
            return Err(format!(
                "SHA256SUMS names `{}`, outside the bundle",
                crate::sanitize::terminal(&sum.path)
            ));
        }
        let (sha256, _) = pack.hash(&sum.path)?;
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

fn agrees(manifest: &Manifest, listed: &[sums::Sum]) -> Result<String, String> {
    if manifest.format != super::FORMAT {
        return Err(format!(
            "manifest.json: format `{}`, not {}",
            crate::sanitize::terminal(&manifest.format),
            super::FORMAT
        ));
    }
    for row in &manifest.files {
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

fn journal(pack: &mut Pack, manifest: &Manifest) -> Result<String, String> {
    let bytes = pack.read("journal.jsonl", JOURNAL_CAP)?;
    let replay = crate::session::journal::parse(&bytes, "journal.jsonl").map_err(|e| e.to_string())?;
    if let Some(cut) = replay.truncated {
        return Err(format!("journal.jsonl: {cut}"));
    }
    if replay.head != manifest.journal_head {
        return Err(
            "journal.jsonl: its chain ends elsewhere than manifest.json says (lines added or removed)".to_string(),
        );
    }
    Ok(format!("journal.jsonl: {} lines, chain unbroken", replay.lines.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_as_openssh_matches_them() {
        assert!(principals_match("ada@example.com", "ada@example.com"));
        assert!(principals_match("*@example.com", "ada@example.com"));
        assert!(principals_match("bob,ad?@example.com", "ada@example.com"));
        assert!(!principals_match("*@example.com,!ada@example.com", "ada@example.com"));
        assert!(!principals_match("bob@example.com", "ada@example.com"));
    }
}
