//! The last gate before a bundle leaves: every evidence item kept (what was
//! collected, and each answer) and every text of the journal people typed
//! (answers, notes, override reasons) or an evaluator derived (summaries,
//! findings) passed through the redaction patterns once more. The
//! recorder redacted them when they came in; this catches a pattern added
//! since, a store edited by hand, or a bug. Attachments are the auditor's
//! chosen documents, kept byte for byte, and are not checked. A secret found
//! stops the export, naming the item and never the secret.

use crate::evidence::record::{EvidenceKind, EvidenceRecord};
use crate::evidence::redact;
use crate::session::Store;

/// The largest evidence item read back whole for the check; a bigger one is
/// refused rather than left unchecked (collection caps items far below it).
const ITEM_CAP: u64 = 256 << 20;

/// Both checks on session `id` of `store`, before it is finished for export.
pub fn check_session(store: &Store, id: &str) -> Result<(), String> {
    let dir = store.session_dir(id)?;
    let session = crate::session::Session::load(id, &dir)?;
    let catalog = session.catalog(store)?;
    let results = session.results(&catalog);
    for host in &results.hosts {
        check_evidence(store, id, &host.evidence)?;
    }
    let journal = dir.join("journal.jsonl");
    check_journal(&std::fs::read(&journal).map_err(|e| format!("{}: {e}", journal.display()))?)
}

/// How many secrets the redaction patterns still find in `text`.
fn secrets_in(text: &str) -> u32 {
    redact::redact(text).count
}

/// Every kept evidence item of session `id` but the attachments.
pub fn check_evidence<'a>(
    store: &Store,
    id: &str,
    records: impl IntoIterator<Item = &'a EvidenceRecord>,
) -> Result<(), String> {
    for record in records {
        if record.kind() == EvidenceKind::Attachment {
            continue;
        }
        let Some(sha) = record.sha256() else {
            continue;
        };
        let bytes = store.get_blob(id, sha, ITEM_CAP)?;
        let text = String::from_utf8_lossy(&bytes);
        let found = match record.kind() {
            EvidenceKind::File => redact::redact_file(record.source(), &text).count,
            _ => secrets_in(&text),
        };
        if found > 0 {
            return Err(format!(
                "not exported: evidence {} ({}) still holds {found} secret{} the redaction patterns find; \
                 collect it again (`r` in the walkthrough) so it is redacted, or leave it out",
                record.id(),
                crate::sanitize::terminal(record.source()),
                if found == 1 { "" } else { "s" }
            ));
        }
    }
    Ok(())
}

/// The free text of a journal: each answer, note and override reason (the
/// rest is vouch's own words, the checklists' or evidence records already
/// checked as items).
pub fn check_journal(journal: &[u8]) -> Result<(), String> {
    for (index, line) in journal.split(|b| *b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(line) else {
            continue;
        };
        let event = &value["event"];
        let mut found = 0;
        match event["type"].as_str() {
            Some("answer_given") => strings(&event["answer"], &mut |text| found += secrets_in(text)),
            Some("note_added") => strings(&event["text"], &mut |text| found += secrets_in(text)),
            Some("override_set") => strings(&event["decision"]["reason"], &mut |text| found += secrets_in(text)),
            // What an evaluator derived passed the prose gate when it was decided.
            Some("status_decided") => {
                let result = &event["result"];
                let mut derived = |text: &str| found += u32::from(redact::redact_derived(text) != text);
                strings(&result["summary"], &mut derived);
                for finding in result["findings"].as_array().into_iter().flatten() {
                    strings(&finding["message"], &mut derived);
                    strings(&finding["location"], &mut derived);
                }
            }
            _ => continue,
        }
        if found > 0 {
            return Err(format!(
                "not exported: journal.jsonl line {} holds {found} secret{} the redaction patterns find (an answer, a note, a reason or a finding)",
                index + 1,
                if found == 1 { "" } else { "s" }
            ));
        }
    }
    Ok(())
}

fn strings(value: &serde_json::Value, each: &mut dyn FnMut(&str)) {
    match value {
        serde_json::Value::String(text) => each(text),
        serde_json::Value::Array(items) => items.iter().for_each(|item| strings(item, each)),
        serde_json::Value::Object(map) => map.values().for_each(|item| strings(item, each)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_left_in_the_journal_is_named_by_its_line() {
        let clean = br#"{"seq":0,"event":{"type":"note_added","text":"restores tested monthly"}}"#;
        assert!(check_journal(clean).is_ok());
        let titles = br#"{"seq":0,"event":{"type":"session_started","sections":[{"title":"Secret management"}]}}"#;
        assert!(check_journal(titles).is_ok(), "only what people typed is checked");
        let leaking =
            b"{\"seq\":0}\n{\"seq\":1,\"event\":{\"type\":\"note_added\",\"text\":\"DB_PASSWORD=Hx7Kq2Wm9Zt4Lp\"}}\n";
        let refused = check_journal(leaking).unwrap_err();
        assert!(refused.contains("line 2"), "{refused}");
        assert!(!refused.contains("Hx7Kq2Wm9Zt4Lp"), "the secret is never named");
        let finding = br#"{"seq":0,"event":{"type":"status_decided","result":{"summary":"ok","findings":[{"message":"url postgres://app:Hx7Kq2Wm9Zt4Lp@db/shop"}]}}}"#;
        assert!(check_journal(finding).is_err(), "a finding holding a secret");
    }

    #[test]
    fn what_was_redacted_once_passes_again() {
        let once = redact::redact("SECRET_KEY = 'Zq8Vw3Nx6Rt2Yp5Lk9'\nDEBUG = False\n").text;
        assert_eq!(secrets_in(&once), 0, "{once}");
    }
}
