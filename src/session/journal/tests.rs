//! The journal as a crash, an editor or a second vouch would meet it: what was
//! saved is there after a reopen; a cut-short last line is dropped and the chain
//! goes on; an edited, reordered or newer line stops the replay, saying where.

use super::*;
use serde_json::json;

fn journal() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    (dir, path)
}

fn three(path: &Path) -> Vec<Line> {
    let (mut writer, replay) = Writer::open(path).unwrap();
    assert!(replay.lines.is_empty());
    let events = [
        json!({"type": "session_started", "target": "local"}),
        json!({"type": "answer_given", "control": "incident.plan", "question": "exists", "answer": "yes"}),
        json!({"type": "note", "control": "incident.plan", "text": "plan v3, reviewed in May"}),
    ];
    events
        .into_iter()
        .map(|event| writer.append(Actor::Auditor, event).unwrap())
        .collect()
}

#[test]
fn what_was_saved_is_read_back_in_order_with_its_chain() {
    let (_dir, path) = journal();
    let written = three(&path);
    let replay = read(&path).unwrap();
    assert_eq!(replay.lines, written, "replay equals what was written live");
    assert_eq!(replay.truncated, None);
    assert_eq!(replay.lines[0].prev, GENESIS);
    let mode = std::fs::metadata(&path).unwrap().permissions();
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777, 0o600);
}

#[test]
fn a_cut_short_last_line_is_reported_and_the_journal_goes_on() {
    let (_dir, path) = journal();
    three(&path);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 20]).unwrap(); // power cut mid-write
    let replay = read(&path).unwrap();
    assert_eq!(replay.lines.len(), 2, "everything before the cut is kept");
    assert!(replay
        .truncated
        .as_deref()
        .unwrap_or_default()
        .contains(":3: incomplete last line"));

    let (mut writer, reopened) = Writer::open(&path).unwrap();
    assert_eq!(reopened.lines.len(), 2);
    writer
        .append(Actor::Auditor, json!({"type": "note", "text": "again"}))
        .unwrap();
    drop(writer);
    let replay = read(&path).unwrap();
    assert_eq!(
        (replay.lines.len(), replay.truncated),
        (3, None),
        "the chain goes on from line 2"
    );
}

#[test]
fn a_last_line_without_its_newline_is_cut_short_even_if_it_parses() {
    let (_dir, path) = journal();
    three(&path);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
    assert_eq!(read(&path).unwrap().lines.len(), 2);
    let (mut writer, _) = Writer::open(&path).unwrap();
    writer.append(Actor::Auditor, json!({"type": "note"})).unwrap();
    drop(writer);
    assert_eq!(read(&path).unwrap().lines.len(), 3, "never two lines on one");
}

#[test]
fn an_edited_line_breaks_the_chain_where_it_was_changed() {
    let (_dir, path) = journal();
    three(&path);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"answer\":\"yes\"", "\"answer\":\"no\"");
    std::fs::write(&path, text).unwrap();
    let err = read(&path).unwrap_err();
    assert!(
        matches!(&err, JournalError::Broken { line: 3, kept: 2, .. }),
        "line 2 was edited, so line 3's prev no longer matches: {err}"
    );
    assert!(err.to_string().contains("trusted only up to line 2"), "{err}");
}

#[test]
fn reordered_or_removed_lines_are_refused() {
    let (_dir, path) = journal();
    three(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&path, format!("{}\n{}\n{}\n", lines[0], lines[2], lines[1])).unwrap();
    assert!(matches!(read(&path), Err(JournalError::Broken { line: 2, .. })));
    std::fs::write(&path, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
    assert!(matches!(read(&path), Err(JournalError::Broken { line: 2, .. })));
}

#[test]
fn a_journal_from_a_newer_vouch_is_refused_clearly() {
    let (_dir, path) = journal();
    let line = json!({"v": FORMAT + 1, "seq": 0, "at": "2026-12-05T10:00:00Z", "actor": "auditor", "event": {}, "prev": GENESIS});
    std::fs::write(&path, format!("{line}\n")).unwrap();
    let err = read(&path).unwrap_err();
    assert!(matches!(err, JournalError::Newer { line: 1, .. }), "{err}");
    assert!(err.to_string().contains("update vouch"), "{err}");
}

#[test]
fn a_second_writer_is_refused_while_the_first_holds_the_session() {
    let (_dir, path) = journal();
    let (_first, _) = Writer::open(&path).unwrap();
    let second = Writer::open(&path);
    assert!(matches!(second, Err(JournalError::Locked { .. })), "{second:?}");
}
