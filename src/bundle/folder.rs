//! Writing a session out as a bundle folder: results.json (the results
//! document), journal.jsonl (byte for byte), evidence/ (each collected item and
//! each answer, named by evidence id), attachments/ (each document byte for
//! byte, named by its SHA-256), README.txt, manifest.json and SHA256SUMS. Blobs
//! stream through (never whole in memory) and are checked against their hash
//! on the way; the same session always gives the same bytes.

use super::manifest::{Auditor, FileKind, FileRow, Manifest, Target};
use super::sign::Key;
use super::sums::{self, Sum};
use crate::evidence::record::{EvidenceKind, Payload};
use crate::session::{Session, Store};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// What was written.
#[derive(Debug, Clone)]
pub struct Written {
    pub manifest: Manifest,
    /// Every file, as `SHA256SUMS` lists it.
    pub sums: Vec<Sum>,
}

/// A file being written, hashed as its bytes go by.
struct Hashed {
    file: std::fs::File,
    hasher: Sha256,
    bytes: u64,
}

impl Write for Hashed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

struct Out<'a> {
    root: &'a Path,
    rows: Vec<FileRow>,
}

impl Out<'_> {
    /// Write `path` (relative to the bundle) with what `fill` writes; its row.
    fn put(
        &mut self,
        path: &str,
        kind: FileKind,
        fill: impl FnOnce(&mut dyn Write) -> Result<(), String>,
    ) -> Result<&mut FileRow, String> {
        let full = self.root.join(path);
        let shown = |e: std::io::Error| format!("{}: {e}", full.display());
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&full)
            .map_err(shown)?;
        let mut hashed = Hashed {
            file,
            hasher: Sha256::new(),
            bytes: 0,
        };
        fill(&mut hashed)?;
        hashed.file.sync_all().map_err(shown)?;
        self.rows.push(FileRow {
            path: path.to_string(),
            kind,
            sha256: hex::encode(hashed.hasher.finalize()),
            bytes: hashed.bytes,
            controls: Vec::new(),
            provenance: None,
            about: None,
            redactions: 0,
        });
        let last = self.rows.len() - 1;
        Ok(&mut self.rows[last])
    }
}

/// Write session `id` of `store` as a bundle folder at `to` (which must not
/// exist, or be empty), signed with `key` when one is given.
pub fn write(store: &Store, id: &str, to: &Path, key: Option<&Key>) -> Result<Written, String> {
    let dir = store.session_dir(id)?;
    let session = Session::load(id, &dir)?;
    if let Some(cut) = &session.truncated {
        return Err(format!(
            "{cut}: resume the session once (it keeps what was whole) before exporting"
        ));
    }
    let catalog = session.catalog(store)?;
    let results = session.results(&catalog);
    prepare(to)?;
    let mut out = Out {
        root: to,
        rows: Vec::new(),
    };
    let results_text = crate::report::json::render(&results).map_err(|e| e.to_string())?;
    out.put("results.json", FileKind::Results, |w| {
        w.write_all(results_text.as_bytes()).map_err(|e| e.to_string())
    })?;
    let journal = dir.join("journal.jsonl");
    out.put("journal.jsonl", FileKind::Journal, |w| {
        let mut file = std::fs::File::open(&journal).map_err(|e| format!("{}: {e}", journal.display()))?;
        std::io::copy(&mut file, w).map(|_| ()).map_err(|e| e.to_string())
    })?;
    let host = results.hosts.first().ok_or("the session has no host")?;
    // Which controls each piece of evidence serves.
    let mut serves: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for control in &host.controls {
        for evidence in &control.evidence {
            serves.entry(evidence.as_str()).or_default().push(control.id.clone());
        }
    }
    let mut records: Vec<_> = host.evidence.iter().filter(|r| r.sha256().is_some()).collect();
    records.sort_by(|a, b| a.id().cmp(b.id()));
    let mut attached: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for record in records {
        let Some(sha) = record.sha256() else {
            continue;
        };
        let controls = serves.get(record.id().as_str()).cloned().unwrap_or_default();
        if record.kind() == EvidenceKind::Attachment {
            let name = match record.payload() {
                Payload::Attachment(a) => a.name.clone(),
                _ => String::new(),
            };
            let entry = attached.entry(sha.to_string()).or_default();
            entry.0.extend(controls);
            entry.1.push(name);
            continue;
        }
        let path = format!("evidence/{}", record.id().as_str());
        let row = out.put(&path, FileKind::Evidence, |w| store.copy_blob(id, sha, w).map(|_| ()))?;
        row.controls = controls;
        row.provenance = Some(record.provenance());
        row.about = Some(record.id().as_str().to_string());
        row.redactions = record.redactions();
    }
    for (sha, (mut controls, mut names)) in attached {
        controls.sort();
        controls.dedup();
        names.sort();
        names.dedup();
        let row = out.put(&format!("attachments/{sha}"), FileKind::Attachment, |w| {
            store.copy_blob(id, &sha, w).map(|_| ())
        })?;
        row.controls = controls;
        row.provenance = Some(crate::evidence::record::Provenance::Attested);
        row.about = Some(names.join(", "));
    }
    let identity = key.map(|k| k.identity.as_str());
    out.put("README.txt", FileKind::Readme, |w| {
        w.write_all(readme(&session, identity).as_bytes())
            .map_err(|e| e.to_string())
    })?;
    if let Some(key) = key {
        let (public, allowed) = (key.public()?, key.allowed_signers()?);
        out.put("signer.pub", FileKind::Signer, |w| {
            w.write_all(public.as_bytes()).map_err(|e| e.to_string())
        })?;
        out.put("allowed_signers", FileKind::Signer, |w| {
            w.write_all(allowed.as_bytes()).map_err(|e| e.to_string())
        })?;
    }
    let mut rows = out.rows;
    rows.sort_by(|a, b| a.path.cmp(&b.path));
    let head = crate::session::journal::read(&journal).map_err(|e| e.to_string())?.head;
    let manifest = Manifest {
        format: super::FORMAT.to_string(),
        tool: format!("vouch {}", env!("CARGO_PKG_VERSION")),
        session: session.id.clone(),
        auditor: Auditor {
            name: session.auditor.clone(),
            email: session.auditor_email.clone(),
            key_fingerprint: key.map(Key::fingerprint),
        },
        organisation: session.organisation.clone(),
        interviewees: session.interviewees.clone(),
        targets: vec![Target {
            address: session.target.clone(),
            root: session.root.clone(),
            transport: session.transport.clone(),
            host_key: None,
        }],
        started: crate::clock::rfc3339(&session.started),
        finished: session.finished.then(|| crate::clock::rfc3339(&session.last_change)),
        as_of: crate::clock::rfc3339(&session.as_of),
        checklists: session.checklists.clone(),
        journal_head: head,
        files: rows,
    };
    let manifest_text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())? + "\n";
    let mut last = Out {
        root: to,
        rows: Vec::new(),
    };
    last.put("manifest.json", FileKind::Manifest, |w| {
        w.write_all(manifest_text.as_bytes()).map_err(|e| e.to_string())
    })?;
    let mut all: Vec<Sum> = manifest
        .files
        .iter()
        .chain(last.rows.iter())
        .map(|row| Sum {
            path: row.path.clone(),
            sha256: row.sha256.clone(),
        })
        .collect();
    all.sort();
    let sums_text = sums::render(&all)?;
    std::fs::write(to.join("SHA256SUMS"), &sums_text).map_err(|e| format!("{}: {e}", to.display()))?;
    if let Some(key) = key {
        let signature = key.sign(sums_text.as_bytes())?;
        std::fs::write(to.join("SHA256SUMS.sig"), signature).map_err(|e| format!("{}: {e}", to.display()))?;
    }
    crate::session::store::sync_dir(to)?;
    Ok(Written { manifest, sums: all })
}

/// The folder to write into: made, or found empty.
fn prepare(to: &Path) -> Result<(), String> {
    let shown = |e: std::io::Error| format!("{}: {e}", to.display());
    match std::fs::read_dir(to) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(format!(
                    "{} is not empty: a bundle goes into a new folder",
                    to.display()
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(to).map_err(shown)?,
        Err(e) => return Err(shown(e)),
    }
    for sub in ["evidence", "attachments"] {
        std::fs::create_dir(to.join(sub)).map_err(shown)?;
    }
    Ok(())
}

/// README.txt: what the bundle is and how to check it with standard tools.
fn readme(session: &Session, identity: Option<&str>) -> String {
    let identity = identity.unwrap_or("<auditor identity>");
    format!(
        "Evidence bundle of vouch session {id} ({target}), audited by {auditor}.

Check that no file was changed, added or removed since it was written:

    sha256sum -c SHA256SUMS

Check who signed it (the signature covers SHA256SUMS, which covers every file):

    ssh-keygen -Y verify -f allowed_signers -I \"{identity}\" -n vouch-evidence \\
        -s SHA256SUMS.sig < SHA256SUMS

allowed_signers inside the bundle proves integrity only; check the signer's key
against one you already trust (`vouch verify PACK --allowed-signers FILE
--identity ID` does both).

What is inside:
  manifest.json   who audited what, when, with which checklists; one row per file
  results.json    every control's status, findings, answers and overrides
  journal.jsonl   the session's events, each line chained to the one before
  evidence/       what vouch collected and what was answered, by evidence id
                  (secrets redacted)
  attachments/    the documents given in the interviews, byte for byte, by SHA-256
  signer.pub      the signer's public key; allowed_signers, the same for ssh-keygen
  SHA256SUMS      the SHA-256 of every file above; SHA256SUMS.sig, its signature
",
        id = session.id,
        target = crate::sanitize::terminal(&session.target),
        auditor = crate::sanitize::terminal(&session.auditor),
    )
}
