//! Every screen of the walkthrough as drawn at 80x24 and 120x40 (ratatui's
//! TestBackend), from a real scan of the weak fixture, reached with the default
//! keys: a change to any screen shows up here as a diff to review.

mod common;

use common::{fixture, vouch, AS_OF};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;
use vouch::checklist::{bundled, load_catalog};
use vouch::results::ScanResults;
use vouch::tui::app::App;
use vouch::tui::keymap::{Key, Keymap};
use vouch::tui::screens::draw;

fn weak_scan() -> ScanResults {
    let out = vouch()
        .args(["scan", "--format", "json", "--as-of", AS_OF, "--root"])
        .arg(fixture("weak"))
        .output()
        .expect("vouch runs");
    serde_json::from_slice(&out.stdout).expect("results")
}

/// The walkthrough of the weak host, its evidence read from the fixture as the
/// driver reads it from the session's store.
fn walkthrough(results: &ScanResults) -> App {
    let (catalog, _) = load_catalog(&bundled::texts()).expect("catalog");
    let mut app = App::new(Keymap::default(), results, "Ada Auditor").with_catalog(&catalog);
    for record in &results.hosts[0].evidence {
        let path = format!("{}{}", fixture("weak"), record.source());
        if let Ok(text) = std::fs::read_to_string(&path) {
            app.loaded(record.id().clone(), Arc::from(text.as_str()));
        }
    }
    app
}

/// The screen after `keys`, at `width`x`height`, as text.
fn screen(app: &mut App, width: u16, height: u16, keys: &[&str]) -> String {
    for key in keys {
        let _ = app.press(Key::parse(key).expect("a key"));
    }
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|frame| draw(frame, app, false)).expect("drawn");
    let buffer = terminal.backend().buffer();
    buffer
        .content()
        .chunks(usize::from(width))
        .map(|row| {
            row.iter()
                .map(|c| c.symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Keys that reach a control through the search.
fn to(id: &str) -> Vec<String> {
    let mut keys = vec!["/".to_string()];
    keys.extend(id.chars().map(|c| c.to_string()));
    keys.push("enter".into());
    keys
}

fn snapshot(name: &str, keys: &[String]) {
    let results = weak_scan();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    for (width, height) in [(80, 24), (120, 40)] {
        let mut app = walkthrough(&results);
        let drawn = screen(&mut app, width, height, &keys);
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), drawn);
    }
}

fn keys(list: &[&str]) -> Vec<String> {
    list.iter().map(|k| k.to_string()).collect()
}

#[test]
fn overview() {
    snapshot("overview", &[]);
}

#[test]
fn section() {
    snapshot("section", &keys(&["enter"]));
}

#[test]
fn section_filtered_to_failures() {
    snapshot("section_failing", &keys(&["enter", "f"]));
}

#[test]
fn control_with_its_evidence_and_deciding_lines() {
    snapshot("control", &to("ssh.password-auth"));
}

#[test]
fn control_evidence_pane_scrolled() {
    let mut keys = to("ssh.password-auth");
    keys.extend(["tab", "j", "j", "j"].map(String::from));
    snapshot("control_evidence", &keys);
}

#[test]
fn interview_yes_no() {
    let mut keys = to("incident.plan");
    keys.push("a".into());
    snapshot("interview_yes_no", &keys);
}

#[test]
fn interview_choice() {
    let mut keys = to("compliance.scope");
    keys.push("a".into());
    snapshot("interview_choice", &keys);
}

#[test]
fn interview_date() {
    let mut keys = to("incident.drills");
    keys.extend(["a", "2", "0", "2", "6", "-"].map(String::from));
    snapshot("interview_date", &keys);
}

#[test]
fn interview_text() {
    let mut keys = to("firewall.cloud-firewall");
    keys.extend(
        [
            "a", "j", "enter", "2", "2", " ", "o", "n", "l", "y", "enter", "4", "4", "3",
        ]
        .map(String::from),
    );
    snapshot("interview_text", &keys);
}

#[test]
fn attach() {
    let mut keys = to("incident.plan");
    keys.push("t".into());
    snapshot("attach", &keys);
}

#[test]
fn note() {
    let mut keys = to("ssh.root-login");
    keys.extend(["c", "O", "K", " ", "b", "y", " ", "C", "T", "O"].map(String::from));
    snapshot("note", &keys);
}

#[test]
fn override_form() {
    let mut keys = to("firewall.enabled");
    keys.extend(
        [
            "o", "right", "tab", "P", "r", "o", "v", "i", "d", "e", "r", " ", "f", "w",
        ]
        .map(String::from),
    );
    snapshot("override", &keys);
}

#[test]
fn who_is_answering() {
    snapshot("interviewee", &keys(&["i", "G", "r", "a", "c", "e", "tab"]));
}

#[test]
fn search() {
    snapshot("search", &keys(&["/", "b", "a", "c", "k"]));
}

#[test]
fn help() {
    snapshot("help_overview", &keys(&["?"]));
    let mut keys = to("ssh.root-login");
    keys.push("?".into());
    snapshot("help_control", &keys);
}

#[test]
fn export() {
    snapshot("export", &keys(&["e"]));
}

#[test]
fn too_small() {
    let results = weak_scan();
    let mut app = walkthrough(&results);
    insta::assert_snapshot!("too_small_60x20", screen(&mut app, 60, 20, &[]));
}
