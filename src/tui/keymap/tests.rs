use super::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn press(c: char) -> Key {
    Key::parse(&c.to_string()).expect("a key")
}

#[test]
fn the_default_keys_are_the_contract() {
    let keys = Keymap::default();
    let on = |screen, key: &str| keys.action(screen, Key::parse(key).expect("key"));
    for (key, action) in [
        ("up", Action::MoveUp),
        ("k", Action::MoveUp),
        ("down", Action::MoveDown),
        ("j", Action::MoveDown),
        ("pgup", Action::PageUp),
        ("pgdn", Action::PageDown),
        ("g", Action::First),
        ("G", Action::Last),
        ("enter", Action::Open),
        ("right", Action::Open),
        ("l", Action::Open),
        ("esc", Action::Back),
        ("left", Action::Back),
        ("h", Action::Back),
        ("space", Action::NextNeeded),
        ("/", Action::Search),
        ("f", Action::Filter),
        ("r", Action::Recollect),
        ("e", Action::Export),
        ("?", Action::Help),
        ("q", Action::Quit),
    ] {
        assert_eq!(on(Screen::Overview, key), Some(action), "{key}");
    }
    for (key, action) in [
        ("a", Action::Answer),
        ("o", Action::Override),
        ("t", Action::Attach),
        ("c", Action::Note),
        ("tab", Action::NextPane),
    ] {
        assert_eq!(on(Screen::Control, key), Some(action), "{key}");
    }
    for (key, action) in [
        ("y", Action::Yes),
        ("n", Action::No),
        ("1", Action::Pick(1)),
        ("9", Action::Pick(9)),
        ("ctrl-s", Action::Save),
        ("esc", Action::Back),
    ] {
        assert_eq!(on(Screen::Interview, key), Some(action), "{key}");
    }
    assert_eq!(on(Screen::Typing, "q"), None, "in a note, q is a letter: Esc first");
    assert_eq!(on(Screen::Override, "q"), None, "in an override, q is a letter");
    assert_eq!(
        on(Screen::Interview, "q"),
        Some(Action::Quit),
        "a yes/no question is no edit"
    );
    assert_eq!(on(Screen::Overview, "y"), None, "y answers only in a question");
}

#[test]
fn keys_read_as_they_are_written() {
    assert_eq!(Key::parse("ctrl-s").expect("key").to_string(), "Ctrl-S");
    assert_eq!(Key::parse("PgDn").expect("key").to_string(), "PgDn");
    assert_eq!(Key::parse("space").expect("key").to_string(), "Space");
    assert_eq!(Key::parse("-").expect("key"), press('-'));
    assert_eq!(Key::parse("f12").expect("key").to_string(), "F12");
    for bad in ["", "f13", "ctrl-", "shift-x", "\u{1b}", "up-down"] {
        assert!(Key::parse(bad).is_err(), "{bad:?}");
    }
    let event = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(Key::from_event(&event), Some(Key::parse("ctrl-s").expect("key")));
}

#[test]
fn keys_toml_remaps_an_action_and_help_follows() {
    let text = "[keys]\nquit = \"x\"\nmove_down = [\"down\", \"ctrl-n\"]\n";
    let keys = Keymap::with_overrides("keys.toml", text).expect("valid");
    assert_eq!(keys.action(Screen::Overview, press('x')), Some(Action::Quit));
    assert_eq!(
        keys.action(Screen::Overview, press('q')),
        None,
        "the default is replaced"
    );
    assert_eq!(keys.action(Screen::Overview, press('j')), None);
    let ctrl_n = Key::parse("ctrl-n").expect("key");
    assert_eq!(keys.action(Screen::Section, ctrl_n), Some(Action::MoveDown));
    let help = keys.help(Screen::Overview);
    assert!(help.contains(&("x".to_string(), Action::Quit.describe())), "{help:?}");
    assert!(help.contains(&("↓ Ctrl-N".to_string(), Action::MoveDown.describe())));
    assert!(
        !keys
            .help(Screen::Overview)
            .iter()
            .any(|(_, what)| what.contains("answer yes")),
        "help lists only what works on the screen"
    );
}

#[test]
fn a_bad_keys_toml_is_refused_where_it_is_wrong() {
    let cases = [
        (
            "[keys]\nquitt = \"x\"\n",
            "keys.toml:2:1: error: `quitt` is not an action",
        ),
        (
            "[keys]\nquit = \"hyper-q\"\n",
            "keys.toml:2:8: error: `hyper-q` is not a key",
        ),
        (
            "[keys]\nquit = \"j\"\n",
            "keys.toml:2:8: error: j is already the key of `move_down`",
        ),
        ("[keys\n", "keys.toml:1:"),
    ];
    for (text, want) in cases {
        let errors = Keymap::with_overrides("keys.toml", text).expect_err("refused");
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(shown.iter().any(|e| e.starts_with(want)), "{shown:?} wanted {want}");
    }
    // The same key on screens that never meet is no clash.
    let text = "[keys]\nyes = \"a\"\n";
    assert!(Keymap::with_overrides("keys.toml", text).is_ok());
}

#[test]
fn every_binding_has_a_help_line_on_every_screen_where_it_works() {
    let keys = Keymap::default();
    for action in Action::all() {
        assert!(!keys.keys(action).is_empty(), "{} has a key", action.name());
        for screen in action.screens() {
            let help = keys.help(*screen);
            assert!(
                help.iter().any(|(_, what)| *what == action.describe()),
                "{} has no help line on {screen:?}",
                action.name()
            );
        }
    }
}

#[test]
fn keys_that_work_in_forms_cannot_be_printable() {
    for (text, said) in [
        ("[keys]\nsave = \"s\"\n", "`save` works in forms"),
        ("[keys]\nback = [\"x\"]\n", "`back` works in forms"),
        ("[keys]\nback = []\n", "`back` needs a key"),
    ] {
        let errors = Keymap::with_overrides("keys.toml", text).expect_err(text);
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            shown.iter().any(|e| e.contains(said) && e.contains("keys.toml:2:")),
            "{shown:?}"
        );
    }
    assert!(Keymap::with_overrides("keys.toml", "[keys]\nsave = \"ctrl-w\"\n").is_ok());
}
