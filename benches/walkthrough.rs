//! Speed of the walkthrough's screens: building the app from a session's results
//! and drawing the overview, a section and a control page into an 80x24
//! TestBackend, as each key press does (press + draw). Run: `cargo bench --bench
//! walkthrough`; record results in BENCHMARKS.md.

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::time::Instant;
use vouch::checklist::{bundled, load_catalog};
use vouch::engine::{self, Options};
use vouch::model::Target;
use vouch::results::ScanResults;
use vouch::transport::fs::FsTransport;
use vouch::tui::app::App;
use vouch::tui::keymap::{Key, Keymap};
use vouch::tui::screens::draw;

const FRAMES: u32 = 2_000;

fn main() {
    let root = format!("{}/tests/fixtures/weak", env!("CARGO_MANIFEST_DIR"));
    let (catalog, _) = match load_catalog(&bundled::texts()) {
        Ok(loaded) => loaded,
        Err(e) => panic!("bundled checklists: {e}"),
    };
    let target = Target {
        name: "local".into(),
        root: Some(root.clone()),
        ..Target::default()
    };
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let host = engine::scan_host(
        &catalog,
        &target,
        &FsTransport::rooted(&root),
        &Options::default(),
        &cancel,
    );
    let results = ScanResults::new(&catalog, vouch::clock::now(), vec![host]);

    let start = Instant::now();
    let app = App::new(Keymap::default(), &results, "bench").with_catalog(&catalog);
    println!(
        "app from results ({} controls): {:?}",
        app.controls.len(),
        start.elapsed()
    );

    let key = |text: &str| Key::parse(text).unwrap_or_else(|e| panic!("{e}"));
    for (screen, keys) in [
        ("overview", vec![]),
        ("section", vec![key("enter")]),
        ("control", vec![key("enter"), key("enter")]),
    ] {
        let mut app = app.clone();
        for k in keys {
            app.press(k);
        }
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap_or_else(|e| match e {});
        let start = Instant::now();
        for frame in 0..FRAMES {
            // A key each frame: down, then up, as a person scrolling.
            app.press(if frame % 2 == 0 { key("j") } else { key("k") });
            let drawn = terminal.draw(|f| draw(f, &mut app, true));
            assert!(drawn.is_ok(), "drawn");
        }
        let per = start.elapsed() / FRAMES;
        println!(
            "{screen:<9} key + draw at 80x24: {:.1} µs per frame",
            per.as_secs_f64() * 1e6
        );
    }
    replay(&catalog, &target, &root);
}

/// After each answer the session is replayed from disk before `saved` shows:
/// time that on a whole recorded scan.
fn replay(catalog: &vouch::checklist::Catalog, target: &Target, root: &str) {
    use vouch::session::{Recording, Session, Start, Store};
    let Ok(data) = tempfile::tempdir() else {
        panic!("temp dir");
    };
    let store = Store::at(data.path().join("sessions"));
    let start = Start {
        target: "local".into(),
        root: Some(root.into()),
        transport: "bench".into(),
        auditor: "bench".into(),
        as_of: vouch::clock::now(),
        sections: ScanResults::new(catalog, vouch::clock::now(), Vec::new()).sections,
        checklists: catalog.checklists.clone(),
        only: Vec::new(),
        organisation: None,
        auditor_email: None,
    };
    let mut recording = match Recording::start(&store, start) {
        Ok(recording) => recording,
        Err(e) => panic!("{e}"),
    };
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let transport = FsTransport::rooted(root);
    engine::run_host(
        catalog,
        target,
        &transport,
        &Options::default(),
        &cancel,
        &mut recording,
    );
    let id = recording.id().to_string();
    let dir = data.path().join("sessions").join(&id);
    let size = std::fs::metadata(dir.join("journal.jsonl")).map_or(0, |m| m.len());
    let runs = 50;
    let start = Instant::now();
    for _ in 0..runs {
        let session = Session::load(&id, &dir).unwrap_or_else(|e| panic!("{e}"));
        let _ = session.results(catalog);
    }
    println!(
        "session replay + results ({} KB journal): {:.2} ms",
        size / 1024,
        (start.elapsed() / runs).as_secs_f64() * 1e3
    );
}
