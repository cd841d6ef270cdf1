//! The walkthrough's screens as an auditor sees them, drawn by ratatui's
//! TestBackend at 80x24 from a real scan of the weak fixture, driven by the
//! default keys.

mod common;

use common::{fixture, vouch, AS_OF};
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;
use vouch::checklist::{bundled, load_catalog};
use vouch::model::answers::AnswerValue;
use vouch::results::ScanResults;
use vouch::tui::app::App;
use vouch::tui::app::Effect;
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

struct Screen {
    terminal: Terminal<TestBackend>,
    app: App,
    color: bool,
    /// What the walkthrough asked the driver to do, in order.
    effects: Vec<Effect>,
}

impl Screen {
    fn new(width: u16, height: u16) -> Screen {
        let (catalog, _) = load_catalog(&bundled::texts()).expect("catalog");
        let app = App::new(Keymap::default(), &weak_scan(), "Ada Auditor").with_catalog(&catalog);
        let terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        Screen {
            terminal,
            app,
            color: true,
            effects: Vec::new(),
        }
    }

    /// The writes asked for (answers, documents, notes, overrides), not the
    /// reads and drafts.
    fn writes(&self) -> Vec<Effect> {
        self.effects
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Effect::Answer { .. } | Effect::Attach { .. } | Effect::Note { .. } | Effect::Override { .. }
                )
            })
            .cloned()
            .collect()
    }

    /// The session, as the driver replays it after a write: these controls.
    fn host(&self, controls: Vec<vouch::results::ControlResult>) -> vouch::results::HostResult {
        let mut host = weak_scan().hosts.remove(0);
        host.controls = controls;
        host
    }

    fn keys(&mut self, keys: &[&str]) -> String {
        for key in keys {
            let effects = self.app.press(Key::parse(key).expect("a key"));
            self.effects.extend(effects);
        }
        self.text()
    }

    fn text(&mut self) -> String {
        let (app, color) = (&mut self.app, self.color);
        self.terminal.draw(|frame| draw(frame, app, color)).expect("drawn");
        let buffer = self.terminal.backend().buffer();
        let width = usize::from(buffer.area.width);
        buffer
            .content()
            .chunks(width)
            .map(|row| {
                row.iter()
                    .map(|cell| cell.symbol())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Open control `id` with the keys: down to its section, open, down to it, open.
    fn open_control(&mut self, id: &str) -> String {
        let control = self.app.controls.iter().find(|c| c.id == id).expect("control").clone();
        let section = self
            .app
            .sections
            .iter()
            .position(|s| s.id == control.section)
            .expect("section");
        let row = self
            .app
            .controls_of(section)
            .iter()
            .position(|c| c.id == id)
            .expect("row");
        let mut keys: Vec<&str> = std::iter::repeat_n("j", section).collect();
        keys.push("enter");
        keys.extend(std::iter::repeat_n("j", row));
        keys.push("enter");
        self.keys(&keys)
    }

    /// The colour of the first cell showing `symbol` on screen.
    fn colour_of(&mut self, symbol: &str) -> Option<Color> {
        self.text();
        let buffer = self.terminal.backend().buffer();
        buffer.content().iter().find(|c| c.symbol() == symbol).map(|c| c.fg)
    }
}

#[test]
fn the_overview_shows_every_section_with_its_progress_and_the_keys() {
    let mut screen = Screen::new(80, 24);
    let text = screen.text();
    assert!(text.contains("Overview"), "{text}");
    assert!(text.contains("auditor Ada Auditor"), "{text}");
    let first = &screen.app.sections[0].title.clone();
    assert!(text.contains(first.as_str()), "{text}");
    assert!(text.contains("✗"), "a failing section shows ✗ and its count:\n{text}");
    for hint in ["Enter open", "Space next to do", "? help", "q quit"] {
        assert!(text.contains(hint), "footer hint {hint}:\n{text}");
    }
}

#[test]
fn enter_opens_a_section_then_a_control_and_esc_comes_back() {
    let mut screen = Screen::new(80, 24);
    let ssh = screen
        .app
        .sections
        .iter()
        .position(|s| s.id == "ssh")
        .expect("ssh section");
    let down: Vec<&str> = std::iter::repeat_n("j", ssh).collect();
    screen.keys(&down);
    let section = screen.keys(&["enter"]);
    assert!(section.contains("ssh.password-auth"), "{section}");
    let first_control = screen.app.controls_of(ssh)[0].id.clone();
    let control = screen.keys(&["enter"]);
    assert!(control.contains(&first_control), "{control}");
    let back = screen.keys(&["esc"]);
    assert!(back.contains("ssh.password-auth"), "back on the section:\n{back}");
    let overview = screen.keys(&["h"]);
    assert!(overview.contains("Overview"), "{overview}");
    assert!(screen.keys(&["esc"]).contains("Overview"), "Esc on the overview stays");
}

#[test]
fn space_walks_to_the_next_control_that_needs_the_auditor() {
    let mut screen = Screen::new(80, 24);
    let text = screen.keys(&["space"]);
    let first = screen
        .app
        .controls
        .iter()
        .find(|c| screen.app.needs_auditor(c))
        .expect("the weak host has work")
        .clone();
    assert!(text.contains(&first.id), "{text}");
    let then = screen.keys(&["space"]);
    assert!(!then.contains(&format!(" {} ", first.id)), "moved on:\n{then}");
}

#[test]
fn help_lists_the_keys_of_the_screen_it_was_opened_on() {
    let mut screen = Screen::new(80, 24);
    let help = screen.keys(&["enter", "enter", "?"]);
    for line in ["Esc ← h", "a ", "answer: interview this control", "o ", "t ", "c "] {
        assert!(help.contains(line), "{line}:\n{help}");
    }
    assert!(!help.contains("answer yes"), "y/n only in a question:\n{help}");
    assert!(!screen.keys(&["esc"]).contains("Keys"));
}

#[test]
fn a_small_terminal_is_told_and_statuses_read_without_colour() {
    let mut small = Screen::new(60, 20);
    let text = small.text();
    assert!(text.contains("60x20") && text.contains("80x24"), "{text}");

    let mut coloured = Screen::new(80, 24);
    assert_eq!(coloured.colour_of("✗"), Some(Color::Red));
    let mut plain = Screen::new(80, 24);
    plain.color = false;
    assert_eq!(plain.colour_of("✗"), Some(Color::Reset), "NO_COLOR: the symbol alone");
}

#[test]
fn text_from_the_target_cannot_drive_the_terminal() {
    let mut results = weak_scan();
    results.hosts[0].controls[0].summary = "bad \u{1b}[31mred\u{1b}]0;title\u{7} end".into();
    let app = App::new(Keymap::default(), &results, "Ada \u{1b}[2J");
    let mut screen = Screen {
        terminal: Terminal::new(TestBackend::new(80, 24)).expect("terminal"),
        app,
        color: false,
        effects: Vec::new(),
    };
    let text = screen.keys(&["enter", "enter"]);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text:?}");
}

#[test]
fn a_yes_no_question_is_answered_with_one_key_and_the_interview_moves_on() {
    let mut screen = Screen::new(80, 24);
    screen.open_control("incident.plan");
    let asked = screen.keys(&["a"]);
    assert!(asked.contains("Question 1 of"), "{asked}");
    assert!(asked.contains("y yes") && asked.contains("n no"), "{asked}");
    screen.keys(&["y"]);
    assert_eq!(
        screen.writes(),
        vec![Effect::Answer {
            control: "incident.plan".into(),
            question: "exists".into(),
            value: AnswerValue::Yes,
            from_evidence: false,
        }],
        "the walkthrough asks the session to write it"
    );
    // The driver wrote it and replayed the session:
    screen.effects.clear();
    let host = screen.host(screen.app.controls.clone());
    screen.app.saved(host);
    let asked = screen.text();
    assert!(
        asked.contains("The document for") && asked.contains("saved"),
        "a question that takes a document asks for it next:\n{asked}"
    );
    let next = screen.keys(&["esc"]);
    assert!(next.contains("Question 2 of"), "Esc goes on without it:\n{next}");
    let refused = screen.keys(&["1"]);
    assert!(screen.writes().is_empty(), "1 is no answer to a yes/no question");
    assert!(!refused.contains("saved"), "{refused}");
}

#[test]
fn a_choice_is_picked_by_its_number() {
    let mut screen = Screen::new(80, 24);
    screen.open_control("compliance.scope");
    let asked = screen.keys(&["a"]);
    assert!(
        asked.contains("1 applies") && asked.contains("2 does not apply"),
        "{asked}"
    );
    screen.keys(&["2"]);
    assert_eq!(
        screen.writes(),
        vec![Effect::Answer {
            control: "compliance.scope".into(),
            question: "gdpr".into(),
            value: AnswerValue::Choice("does not apply".into()),
            from_evidence: false,
        }]
    );
    screen.effects.clear();
    let told = screen.keys(&["9"]);
    assert!(told.contains("there is no option 9"), "{told}");
    assert!(screen.writes().is_empty());
    assert!(
        screen.keys(&["esc"]).contains("compliance.scope"),
        "Esc leaves the interview"
    );
}

#[test]
fn while_collecting_controls_show_an_ellipsis_until_each_is_decided() {
    let mut screen = Screen::new(80, 24);
    let all: Vec<_> = screen.app.controls.clone();
    screen.app.collecting = all.iter().map(|c| c.id.clone()).collect();
    let text = screen.text();
    assert!(text.contains("0/65 final · collecting 65"), "{text}");
    assert!(text.contains("…"), "{text}");
    for control in all {
        screen.app.decided(control);
    }
    let done = screen.text();
    assert!(!done.contains("collecting") && !done.contains("…"), "{done}");

    // At the end, the session's own decision replaces the engine's (answers given
    // while a control was collecting are applied then).
    screen.app.collecting = screen.app.controls.iter().map(|c| c.id.clone()).collect();
    let mut replayed = screen.app.controls.clone();
    replayed[0] = replayed[0]
        .clone()
        .answered(vouch::model::Status::Pass, "decided by the interview".into());
    let first = replayed[0].id.clone();
    let host = screen.host(replayed);
    screen.app.refresh(host);
    assert!(screen.app.collecting.is_empty());
    let shown = screen.app.controls.iter().find(|c| c.id == first).expect("control");
    assert_eq!(shown.status, vouch::model::Status::Pass);
}

#[test]
fn a_control_page_says_why_it_matters_and_how_to_fix_it_scrolling_with_the_keys() {
    let mut screen = Screen::new(80, 24);
    let first = screen.open_control("ssh.password-auth");
    assert!(first.contains("Findings"), "{first}");
    let mut seen = first.clone();
    for _ in 0..400 {
        seen.push_str(&screen.keys(&["j"]));
    }
    for heading in ["Why it matters", "How to fix it", "References"] {
        assert!(
            seen.contains(heading),
            "{heading} reached by scrolling:\n{}",
            screen.keys(&["G"])
        );
    }
    let bottom = screen.keys(&["G"]);
    assert!(bottom.contains("References"), "G shows the end of the page:\n{bottom}");
    assert_ne!(screen.keys(&["k"]), bottom, "one up from the end moves at once");
    let top = screen.keys(&["g"]);
    assert_eq!(top, first, "g is back at the top");
}

#[test]
fn slash_searches_controls_by_id_or_title_and_enter_opens_one() {
    let mut screen = Screen::new(80, 24);
    let typing = screen.keys(&["/", "b", "a", "c", "k", "u", "p"]);
    assert!(typing.contains("/backup"), "{typing}");
    assert!(typing.contains("backup.schedule"), "{typing}");
    assert!(!typing.contains("ssh.password-auth"), "only what matches:\n{typing}");
    // Letters are typed, not taken as keys: `q` in a query does not quit.
    let q = screen.keys(&[
        "backspace",
        "backspace",
        "backspace",
        "backspace",
        "backspace",
        "backspace",
        "q",
    ]);
    assert!(!screen.app.quit && q.contains("/q▏"), "{q}");
    screen.keys(&["backspace", "backspace", "F", "i", "R", "e", "w", "a", "l", "l"]);
    let opened = screen.keys(&["down", "enter"]);
    let second = screen.app.found("firewall")[1].id.clone();
    assert!(
        opened.contains(&format!("{second} —")),
        "the second match opened:\n{opened}"
    );
    let back = screen.keys(&["esc"]);
    assert!(
        back.contains("Host and network firewall"),
        "back lands on its section:\n{back}"
    );
}

#[test]
fn f_lists_only_one_status_at_a_time_and_cycles_back_to_all() {
    let mut screen = Screen::new(80, 24);
    let ssh = screen.app.sections.iter().position(|s| s.id == "ssh").expect("ssh");
    let down: Vec<&str> = std::iter::repeat_n("j", ssh).collect();
    screen.keys(&down);
    let all = screen.keys(&["enter"]);
    assert!(all.contains("✓ ssh.kbd-interactive"), "{all}");
    let failing = screen.keys(&["f"]);
    assert!(failing.contains("only ✗ fail"), "{failing}");
    assert!(failing.contains("✗ ssh.password-auth"), "{failing}");
    assert!(
        !failing.contains("ssh.kbd-interactive"),
        "a passing control is hidden:\n{failing}"
    );
    let warned = screen.keys(&["f"]);
    assert!(
        warned.contains("only ! warn") && warned.contains("ssh.allow-users"),
        "{warned}"
    );
    assert!(!warned.contains("ssh.password-auth"), "{warned}");
    for _ in 0..4 {
        screen.keys(&["f"]);
    }
    let back = screen.keys(&["f"]);
    assert!(
        !back.contains("only ") && back.contains("ssh.kbd-interactive"),
        "{back}"
    );
}

#[test]
fn what_the_evidence_settles_is_pre_filled_and_confirmed_with_one_key() {
    let out = vouch()
        .args(["scan", "--format", "json", "--as-of", AS_OF, "--root"])
        .arg(fixture("hardened"))
        .output()
        .expect("vouch runs");
    let hardened: ScanResults = serde_json::from_slice(&out.stdout).expect("results");
    let (catalog, _) = load_catalog(&bundled::texts()).expect("catalog");
    let mut screen = Screen {
        terminal: Terminal::new(TestBackend::new(80, 24)).expect("terminal"),
        app: App::new(Keymap::default(), &hardened, "Ada Auditor").with_catalog(&catalog),
        color: false,
        effects: Vec::new(),
    };
    // A daily pg_dump in /etc/cron.d settles "how often": the interview says so.
    screen.open_control("backup.schedule");
    screen.keys(&["a"]);
    let asked = screen.keys(&["j"]);
    assert!(
        asked.contains("How often is the production database backed up?"),
        "{asked}"
    );
    assert!(
        asked.contains("From the evidence: daily — Enter confirms it"),
        "{asked}"
    );
    screen.keys(&["enter"]);
    assert_eq!(
        screen.writes(),
        vec![Effect::Answer {
            control: "backup.schedule".into(),
            question: "frequency".into(),
            value: AnswerValue::Choice("daily".into()),
            from_evidence: true,
        }]
    );
    // A question the evidence does not settle has nothing to confirm.
    screen.effects.clear();
    let first = screen.keys(&["k"]);
    assert!(!first.contains("From the evidence"), "{first}");
    screen.keys(&["enter"]);
    assert!(screen.writes().is_empty());
}

#[test]
fn an_expired_override_shows_both_statuses_says_it_no_longer_applies_and_space_returns_to_it() {
    let mut results = weak_scan();
    let host = &mut results.hosts[0];
    let decision = vouch::results::Override {
        status: vouch::model::Status::Pass,
        evaluated: vouch::model::Status::Fail,
        reason: "the provider's firewall covers it".into(),
        by: "Ada".into(),
        approved_by: Some("Grace (CTO)".into()),
        expires: chrono::NaiveDate::from_ymd_opt(2026, 1, 31),
        expired: false,
    };
    let as_of = results.as_of;
    assert!(host.override_control("firewall.enabled", decision, as_of));
    let (catalog, _) = load_catalog(&bundled::texts()).expect("catalog");
    let mut screen = Screen {
        terminal: Terminal::new(TestBackend::new(80, 24)).expect("terminal"),
        app: App::new(Keymap::default(), &results, "Ada Auditor").with_catalog(&catalog),
        color: false,
        effects: Vec::new(),
    };
    let page = screen.open_control("firewall.enabled");
    assert!(page.contains("✗ fail"), "the evaluated status counts again:\n{page}");
    assert!(
        page.contains("✓ pass (evaluated ✗ fail), expired, no longer applied"),
        "{page}"
    );
    assert!(page.contains("approved by Grace (CTO), expires 2026-01-31"), "{page}");
    let firewall = screen
        .app
        .controls
        .iter()
        .find(|c| c.id == "firewall.enabled")
        .expect("control");
    assert!(screen.app.needs_auditor(firewall), "an expired override is no override");
}
