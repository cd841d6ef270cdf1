//! Speed of the walkthrough's screens: building the app from a session's results
//! and drawing the overview, a section and a control page into an 80x24
//! TestBackend, as each key press does (press + draw); a key pressed while
//! collection streams events in; opening a session whose journal holds 10,000
//! events. Run: `cargo bench --bench walkthrough`; record results in
//! BENCHMARKS.md. (Launch to first frame, a process-level number, is
//! `benches/launch.sh`.)

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
        ("search", vec![key("/"), key("s")]),
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
    while_collecting(&catalog, &target, &root);
    replay(&catalog, &target, &root);
    ten_thousand_events(&catalog, &root);
}

/// A key pressed while the engine streams its events in: each loop of the
/// driver drains what is ready, then a key, then a frame. Reports the slowest
/// and the median of key + draw over several whole collections.
fn while_collecting(catalog: &vouch::checklist::Catalog, target: &Target, root: &str) {
    use std::sync::Arc;
    let results = ScanResults::new(catalog, vouch::clock::now(), Vec::new());
    let mut times = Vec::new();
    let mut events = 0usize;
    for _ in 0..20 {
        let mut app = App::new(Keymap::default(), &results, "bench").with_catalog(catalog);
        app.collecting = catalog.controls.iter().map(|c| c.id.clone()).collect();
        let live = engine::spawn_host(
            Arc::new(catalog.clone()),
            target.clone(),
            Arc::new(FsTransport::rooted(root)),
            Options::default(),
        );
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| match e {});
        let mut done = false;
        let mut frame = 0u32;
        while !done {
            while let Ok(event) = live.events.try_recv() {
                events += 1;
                match event {
                    engine::Event::ControlDecided(result) => app.decided(*result),
                    engine::Event::ProbeDone { evidence, .. } => evidence.into_iter().for_each(|r| app.collected(r)),
                    engine::Event::HostDone(_) => done = true,
                    _ => {}
                }
            }
            let start = Instant::now();
            let key = if frame.is_multiple_of(2) { "j" } else { "k" };
            let _ = app.press(Key::parse(key).unwrap_or_else(|e| panic!("{e}")));
            let drawn = terminal.draw(|f| draw(f, &mut app, true));
            assert!(drawn.is_ok(), "drawn");
            times.push(start.elapsed());
            frame += 1;
        }
    }
    times.sort();
    let median = times[times.len() / 2];
    let slowest = times[times.len() - 1];
    println!(
        "key + draw while collecting (120x40, {} frames, {events} events): median {:.1} µs, slowest {:.2} ms",
        times.len(),
        median.as_secs_f64() * 1e6,
        slowest.as_secs_f64() * 1e3
    );
}

/// Opening a session whose journal holds 10,000 events (a long interview: notes
/// and answers), replayed and drawn.
fn ten_thousand_events(catalog: &vouch::checklist::Catalog, root: &str) {
    use vouch::session::{Recording, Session, Start, Store};
    let Ok(data) = tempfile::tempdir() else {
        panic!("temp dir");
    };
    let store = Store::at(data.path().join("sessions"));
    let start = Start {
        target: "local".into(),
        root: Some(root.into()),
        app_dir: None,
        host_key: None,
        transport: "bench".into(),
        auditor: "bench".into(),
        as_of: vouch::clock::now(),
        sections: ScanResults::new(catalog, vouch::clock::now(), Vec::new()).sections,
        checklists: catalog.checklists.clone(),
        only: Vec::new(),
        organisation: None,
        auditor_email: None,
    };
    let mut recording = Recording::start(&store, start).unwrap_or_else(|e| panic!("{e}"));
    let controls: Vec<_> = catalog.controls.iter().filter(|c| !c.questions.is_empty()).collect();
    for n in 0..9_999usize {
        let control = controls[n % controls.len()];
        let written = match control
            .questions
            .iter()
            .find(|q| q.answer == vouch::checklist::AnswerKind::YesNo)
        {
            Some(question) if n % 2 == 0 => recording.answer(
                &control.id,
                question,
                vouch::model::answers::AnswerValue::Yes,
                "bench",
                "auditor",
            ),
            _ => recording.note(&control.id, &format!("note {n}: checked with the team"), "bench"),
        };
        written.unwrap_or_else(|e| panic!("{e}"));
    }
    let id = recording.id().to_string();
    drop(recording);
    let dir = data.path().join("sessions").join(&id);
    let size = std::fs::metadata(dir.join("journal.jsonl")).map_or(0, |m| m.len());
    let runs = 10;
    let start = Instant::now();
    for _ in 0..runs {
        let session = Session::load(&id, &dir).unwrap_or_else(|e| panic!("{e}"));
        let catalog = session.catalog(&store).unwrap_or_else(|e| panic!("{e}"));
        let results = session.results(&catalog);
        let mut app = App::new(Keymap::default(), &results, "bench").with_catalog(&catalog);
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap_or_else(|e| match e {});
        assert!(terminal.draw(|f| draw(f, &mut app, true)).is_ok());
    }
    println!(
        "open a session of 10,000 events ({} KB journal): replay + results + first frame {:.1} ms",
        size / 1024,
        (start.elapsed() / runs).as_secs_f64() * 1e3
    );
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
        app_dir: None,
        host_key: None,
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
