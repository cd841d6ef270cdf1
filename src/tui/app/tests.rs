//! The walkthrough's update logic without a terminal: actions and keys in,
//! effects out.

use super::*;
use crate::checklist::{bundled, load_catalog};
use crate::results::{HostResult, Summary};

/// The bundled catalog's walkthrough, every control awaiting review.
fn app() -> App {
    let (catalog, _) = load_catalog(&bundled::texts()).unwrap_or_else(|e| panic!("{e}"));
    let controls: Vec<ControlResult> = catalog
        .controls
        .iter()
        .map(|c| ControlResult::evaluated(c, Status::NeedsReview, "awaiting".into(), Vec::new()))
        .collect();
    let host = HostResult {
        target: "local".into(),
        root: None,
        app_dir: None,
        app_dir_source: None,
        transport: "local".into(),
        host_key: None,
        error: None,
        facts: None,
        summary: Summary::of(controls.iter().map(|c| &c.status)),
        controls,
        evidence: Vec::new(),
    };
    let results = ScanResults::new(&catalog, crate::clock::now(), vec![host]);
    App::new(Keymap::default(), &results, "Ada").with_catalog(&catalog)
}

fn key(text: &str) -> Key {
    Key::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| app.press(key(&c.to_string()))).collect()
}

fn open(app: &mut App, id: &str) {
    app.show(id);
}

#[test]
fn an_override_needs_a_reason_and_a_real_date_and_then_asks_to_be_written() {
    let mut app = app();
    open(&mut app, "ssh.root-login");
    assert!(update(&mut app, Action::Override).is_empty());
    assert_eq!(app.screen(), Screen::Override);
    // Saved with no reason: refused, nothing asked of the driver.
    let effects = app.press(key("ctrl-s"));
    assert!(effects.is_empty());
    assert!(app.message.as_deref().is_some_and(|m| m.contains("reason is required")));
    app.press(key("right"));
    app.press(key("tab"));
    typed(&mut app, "accepted risk");
    app.press(key("tab"));
    app.press(key("tab"));
    typed(&mut app, "2026-02-30");
    assert!(app.press(key("ctrl-s")).is_empty(), "no such day");
    for _ in 0..10 {
        app.press(key("backspace"));
    }
    typed(&mut app, "2027-01-31");
    let writes: Vec<Effect> = app
        .press(key("ctrl-s"))
        .into_iter()
        .filter(|e| !matches!(e, Effect::Draft { .. }))
        .collect();
    assert_eq!(
        writes,
        vec![Effect::Override {
            control: "ssh.root-login".into(),
            status: OVERRIDE_STATUSES[1],
            reason: "accepted risk".into(),
            approved_by: None,
            expires: NaiveDate::from_ymd_opt(2027, 1, 31),
        }]
    );
}

#[test]
fn a_form_left_with_esc_keeps_its_draft_and_comes_back_filled() {
    let mut app = app();
    open(&mut app, "ssh.root-login");
    update(&mut app, Action::Note);
    let effects = typed(&mut app, "half a note");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Draft { fields: Some(f), .. } if f == &["half a note"])),
        "every change is kept: {effects:?}"
    );
    app.press(key("esc"));
    assert_eq!(app.screen(), Screen::Control);
    update(&mut app, Action::Note);
    let form = app.form.as_ref().unwrap_or_else(|| panic!("a form"));
    assert_eq!(form.values(), vec!["half a note".to_string()]);
    // Saved: the draft goes.
    let effects = app.press(key("ctrl-s"));
    assert!(effects.contains(&Effect::Note {
        control: "ssh.root-login".into(),
        text: "half a note".into(),
    }));
}

#[test]
fn in_a_form_letters_type_even_those_that_are_keys_elsewhere() {
    let mut app = app();
    open(&mut app, "ssh.root-login");
    update(&mut app, Action::Note);
    typed(&mut app, "q? /f");
    assert!(!app.quit, "q typed, not quit");
    let form = app.form.as_ref().unwrap_or_else(|| panic!("a form"));
    assert_eq!(form.values(), vec!["q? /f".to_string()]);
}

#[test]
fn a_date_question_takes_never_only_where_it_may() {
    let mut app = app();
    open(&mut app, "incident.plan");
    update(&mut app, Action::Answer);
    for _ in 0..4 {
        update(&mut app, Action::MoveDown);
    }
    assert!(update(&mut app, Action::Open).is_empty());
    assert_eq!(app.screen(), Screen::Interview, "the date form");
    typed(&mut app, "never");
    let writes: Vec<Effect> = app
        .press(key("enter"))
        .into_iter()
        .filter(|e| matches!(e, Effect::Answer { .. }))
        .collect();
    assert_eq!(
        writes,
        vec![Effect::Answer {
            control: "incident.plan".into(),
            question: "last-reviewed".into(),
            value: AnswerValue::Never,
            from_evidence: false,
        }]
    );
}

#[test]
fn a_paste_arrives_whole_and_one_line_fields_keep_one_line() {
    let mut app = app();
    open(&mut app, "ssh.root-login");
    update(&mut app, Action::Override);
    app.press(key("tab"));
    let effects = app.paste("line one\nline two");
    assert_eq!(effects.iter().filter(|e| matches!(e, Effect::Draft { .. })).count(), 1);
    let form = app.form.as_ref().unwrap_or_else(|| panic!("a form"));
    assert_eq!(form.values()[1], "line one line two");
}

#[test]
fn who_is_answering_takes_a_name_and_a_role_and_no_name_hands_back_to_the_auditor() {
    let mut app = app();
    update(&mut app, Action::Interviewee);
    typed(&mut app, "Bob");
    assert!(
        app.press(key("ctrl-s"))
            .iter()
            .all(|e| !matches!(e, Effect::OnTheCall { .. })),
        "a role is needed"
    );
    app.press(key("tab"));
    typed(&mut app, "DBA");
    let effects = app.press(key("ctrl-s"));
    assert!(effects.contains(&Effect::OnTheCall {
        person: Some(crate::session::Person {
            name: "Bob".into(),
            role: "DBA".into(),
            email: None,
        })
    }));
    let mut app = super::tests::app();
    update(&mut app, Action::Interviewee);
    assert!(app.press(key("ctrl-s")).contains(&Effect::OnTheCall { person: None }));
}

#[test]
fn finishing_waits_for_collection_and_any_other_key_cancels_it() {
    let mut app = app();
    update(&mut app, Action::Export);
    app.collecting.insert("ssh.root-login".into());
    update(&mut app, Action::Finish);
    assert!(update(&mut app, Action::Finish).is_empty(), "not while collecting");
    app.collecting.clear();
    update(&mut app, Action::Finish);
    app.press(key("x"));
    assert!(update(&mut app, Action::Finish).is_empty(), "x cancelled the first F");
    assert_eq!(update(&mut app, Action::Finish), vec![Effect::Finish]);
}
