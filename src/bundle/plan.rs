//! What a bundle holds, decided before a byte is written: every file's path,
//! where its bytes come from (made here — the journal read once among them —
//! or a blob of the session's store), its SHA-256 and size; then the manifest, `SHA256SUMS` and its
//! signature. Blobs are not read here: the store names them by their hash, and
//! the writer checks each one against it as it streams through. Knowing every
//! hash first lets the ZIP form write its entries in sorted order with
//! `SHA256SUMS` among them, and the folder form match it byte for byte.

use super::manifest::{Auditor, FileKind, FileRow, Manifest, Target};
use super::sign::Key;
use super::sums::{self, Sum};
use crate::evidence::record::{EvidenceKind, EvidenceRecord, Payload, Provenance};
use crate::results::ScanResults;
use crate::session::{Session, Store};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Where a file's bytes come from.
pub enum Source {
    /// Made here (results, reports, README, manifest, sums, signature).
    Bytes(Vec<u8>),
    /// A blob of the session's store, by its SHA-256.
    Blob(String),
}

/// One file of the bundle.
pub struct Entry {
    pub path: String,
    pub source: Source,
    pub sha256: String,
    pub bytes: u64,
}

/// The whole bundle, entries sorted by path.
pub struct Plan {
    pub entries: Vec<Entry>,
    pub manifest: Manifest,
    pub sums: Vec<Sum>,
    pub results: ScanResults,
    /// The time every archive entry carries: the session's last change (its
    /// finish time once finished).
    pub time: DateTime<Utc>,
}

fn made(path: &str, bytes: Vec<u8>) -> Entry {
    Entry {
        path: path.to_string(),
        sha256: hex::encode(Sha256::digest(&bytes)),
        bytes: bytes.len() as u64,
        source: Source::Bytes(bytes),
    }
}

fn row(entry: &Entry, kind: FileKind) -> FileRow {
    FileRow {
        path: entry.path.clone(),
        kind,
        sha256: entry.sha256.clone(),
        bytes: entry.bytes,
        controls: Vec::new(),
        provenance: None,
        about: None,
        redactions: 0,
    }
}

/// Plan session `id` of `store` as a bundle, signed with `key` when given.
pub fn plan(store: &Store, id: &str, key: Option<&Key>) -> Result<Plan, String> {
    let dir = store.session_dir(id)?;
    let session = Session::load(id, &dir)?;
    if let Some(cut) = &session.truncated {
        return Err(format!(
            "{cut}: resume the session once (it keeps what was whole) before exporting"
        ));
    }
    let catalog = session.catalog(store)?;
    let results = session.results(&catalog);
    let mut entries = Vec::new();
    let mut rows = Vec::new();

    let results_text = crate::report::json::render(&results).map_err(|e| e.to_string())?;
    let entry = made("results.json", results_text.into_bytes());
    rows.push(row(&entry, FileKind::Results));
    entries.push(entry);
    let contents = |record: &EvidenceRecord| stored_text(store, id, record);
    let html = crate::report::html::render(&results, Some(&cover(&session, key)), &contents, true)?;
    for (path, text) in [
        ("report.html", html),
        (
            "report.md",
            crate::report::markdown::render_with(&results, Some(&cover(&session, key))),
        ),
    ] {
        let entry = made(path, text.into_bytes());
        rows.push(row(&entry, FileKind::Report));
        entries.push(entry);
    }

    // The journal read once: hashed, its chain's head taken, checked for
    // secrets and written from these same bytes.
    let journal_path = dir.join("journal.jsonl");
    let journal = std::fs::read(&journal_path).map_err(|e| format!("{}: {e}", journal_path.display()))?;
    let head = crate::session::journal::parse(&journal, "journal.jsonl")
        .map_err(|e| e.to_string())?
        .head;
    super::leak::check_journal(&journal)?;
    let entry = made("journal.jsonl", journal);
    rows.push(row(&entry, FileKind::Journal));
    entries.push(entry);

    let host = results.hosts.first().ok_or("the session has no host")?;
    // Nothing leaves with a secret in it: checked before a byte is written.
    super::leak::check_evidence(store, id, &host.evidence)?;
    // Which controls each piece of evidence serves.
    let mut serves: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for control in &host.controls {
        for evidence in &control.evidence {
            serves.entry(evidence.as_str()).or_default().push(control.id.clone());
        }
    }
    let mut attached: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for record in &host.evidence {
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
        let entry = Entry {
            path: format!("evidence/{}", record.id().as_str()),
            source: Source::Blob(sha.to_string()),
            sha256: sha.to_string(),
            bytes: store.blob_len(id, sha)?,
        };
        let mut file = row(&entry, FileKind::Evidence);
        file.controls = controls;
        file.provenance = Some(record.provenance());
        file.about = Some(record.id().as_str().to_string());
        file.redactions = record.redactions();
        rows.push(file);
        entries.push(entry);
    }
    for (sha, (mut controls, mut names)) in attached {
        controls.sort();
        controls.dedup();
        names.sort();
        names.dedup();
        let entry = Entry {
            path: format!("attachments/{sha}"),
            bytes: store.blob_len(id, &sha)?,
            sha256: sha.clone(),
            source: Source::Blob(sha),
        };
        let mut file = row(&entry, FileKind::Attachment);
        file.controls = controls;
        file.provenance = Some(Provenance::Attested);
        file.about = Some(names.join(", "));
        rows.push(file);
        entries.push(entry);
    }

    let identity = key.map(|k| k.identity.as_str());
    let entry = made("README.txt", readme(&session, identity).into_bytes());
    rows.push(row(&entry, FileKind::Readme));
    entries.push(entry);
    if let Some(key) = key {
        for (path, text) in [
            ("signer.pub", key.public()?),
            ("allowed_signers", key.allowed_signers()?),
        ] {
            let entry = made(path, text.into_bytes());
            rows.push(row(&entry, FileKind::Signer));
            entries.push(entry);
        }
    }
    rows.sort_by(|a, b| a.path.cmp(&b.path));
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
            host_key: session.host_key.clone(),
        }],
        started: crate::clock::rfc3339(&session.started),
        finished: session.finished.then(|| crate::clock::rfc3339(&session.last_change)),
        as_of: crate::clock::rfc3339(&session.as_of),
        checklists: session.checklists.clone(),
        journal_head: head,
        files: rows,
    };
    let manifest_text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())? + "\n";
    entries.push(made("manifest.json", manifest_text.into_bytes()));
    let mut all: Vec<Sum> = entries
        .iter()
        .map(|entry| Sum {
            path: entry.path.clone(),
            sha256: entry.sha256.clone(),
        })
        .collect();
    all.sort();
    let sums_text = sums::render(&all)?;
    if let Some(key) = key {
        let signature = key.sign(sums_text.as_bytes())?;
        entries.push(made("SHA256SUMS.sig", signature.into_bytes()));
    }
    entries.push(made("SHA256SUMS", sums_text.into_bytes()));
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan {
        entries,
        manifest,
        sums: all,
        results,
        time: session.last_change,
    })
}

/// An evidence item's text from the session's store, for the HTML report's
/// excerpts (None past the cap, or when it is not text).
pub fn stored_text(store: &Store, id: &str, record: &EvidenceRecord) -> Option<String> {
    let sha = record.sha256()?;
    let bytes = store.get_blob(id, sha, EXCERPT_SOURCE_CAP).ok()?;
    String::from_utf8(bytes).ok()
}

/// The largest evidence item read back for the HTML report's excerpts.
const EXCERPT_SOURCE_CAP: u64 = 4 << 20;

/// The HTML report's cover, from the session (and the key that signs it).
pub fn cover(session: &Session, key: Option<&Key>) -> crate::report::html::Cover {
    let auditor = match &session.auditor_email {
        Some(email) => format!("{} <{email}>", session.auditor),
        None => session.auditor.clone(),
    };
    crate::report::html::Cover {
        auditor,
        organisation: session.organisation.clone(),
        interviewees: session
            .interviewees
            .iter()
            .map(|p| match p.role.is_empty() {
                true => p.name.clone(),
                false => format!("{} ({})", p.name, p.role),
            })
            .collect(),
        started: Some(crate::clock::rfc3339(&session.started)),
        finished: session.finished.then(|| crate::clock::rfc3339(&session.last_change)),
        checklists: session
            .checklists
            .iter()
            .map(|c| {
                format!(
                    "{} {} (sha256 {})",
                    c.id,
                    c.version,
                    c.sha256.get(..12).unwrap_or(&c.sha256)
                )
            })
            .collect(),
        signer: key.map(|k| format!("{} ({})", k.fingerprint(), k.identity)),
    }
}

/// README.txt: what the bundle is and how to check it with standard tools.
fn readme(session: &Session, identity: Option<&str>) -> String {
    let identity = identity.unwrap_or("<auditor identity>");
    format!(
        "Evidence bundle of vouch session {id} ({target}), audited by {auditor}.

Check that no file it lists was changed or removed since it was written:

    sha256sum -c SHA256SUMS

(sha256sum does not see a file added beside them: every file here but
SHA256SUMS and SHA256SUMS.sig is listed in it; `vouch verify PACK` checks that too.)

Check who signed it (the signature covers SHA256SUMS, which covers every file):

    ssh-keygen -Y verify -f allowed_signers -I \"{identity}\" -n vouch-evidence \\
        -s SHA256SUMS.sig < SHA256SUMS

allowed_signers inside the bundle proves integrity only; check the signer's key
against one you already trust (`vouch verify PACK --allowed-signers FILE
--identity ID` does both).

What is inside:
  manifest.json   who audited what, when, with which checklists; one row per file
  report.html     the findings for people: open it in a browser, print it to PDF
  report.md       the same in Markdown
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
