//! The walkthrough's keys: every action a key can do, the default keys (a
//! contract that documentation and tests rely on), the auditor's remapping from
//! `keys.toml`, and the help lines of each screen — generated from the keymap, so
//! help never says a key that does not work.

pub use super::key::Key;
use super::key::KeyName;
use crate::checklist::diag::{Diagnostic, SpanMap};
use serde_spanned::Spanned;
use std::collections::BTreeMap;

/// Where the walkthrough is: which keys mean something there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Start,
    Overview,
    Section,
    Control,
    Interview,
    Search,
    Override,
    /// Typing a note, or who is on the call.
    Typing,
    Export,
    Help,
}

/// Everything a key can do. Its name in `keys.toml` is [`Action::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    First,
    Last,
    Open,
    Back,
    NextPane,
    NextNeeded,
    Search,
    Filter,
    Answer,
    Yes,
    No,
    Pick(u8),
    Override,
    Attach,
    Note,
    Interviewee,
    Recollect,
    Export,
    Finish,
    Delete,
    Save,
    Help,
    Quit,
}

use Screen as S;

/// Lists (browsing), the control's page and the interview (question to
/// question) share most movement keys.
const BROWSING: &[Screen] = &[
    S::Start,
    S::Overview,
    S::Section,
    S::Control,
    S::Interview,
    S::Search,
    S::Export,
    S::Help,
];
const ON_A_CONTROL: &[Screen] = &[S::Section, S::Control];
const EVERYWHERE: &[Screen] = &[
    S::Start,
    S::Overview,
    S::Section,
    S::Control,
    S::Interview,
    S::Search,
    S::Override,
    S::Typing,
    S::Export,
    S::Help,
];

impl Action {
    /// Every action, in the order help lists them.
    pub fn all() -> Vec<Action> {
        let mut all = vec![
            Action::MoveUp,
            Action::MoveDown,
            Action::PageUp,
            Action::PageDown,
            Action::First,
            Action::Last,
            Action::Open,
            Action::Back,
            Action::NextPane,
            Action::NextNeeded,
            Action::Search,
            Action::Filter,
            Action::Answer,
            Action::Yes,
            Action::No,
        ];
        all.extend((1..=9).map(Action::Pick));
        all.extend([
            Action::Override,
            Action::Attach,
            Action::Note,
            Action::Interviewee,
            Action::Recollect,
            Action::Export,
            Action::Finish,
            Action::Delete,
            Action::Save,
            Action::Help,
            Action::Quit,
        ]);
        all
    }

    /// Its name in `keys.toml` (snake_case).
    pub fn name(self) -> String {
        let name = match self {
            Action::MoveUp => "move_up",
            Action::MoveDown => "move_down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::First => "first",
            Action::Last => "last",
            Action::Open => "open",
            Action::Back => "back",
            Action::NextPane => "next_pane",
            Action::NextNeeded => "next_needed",
            Action::Search => "search",
            Action::Filter => "filter",
            Action::Answer => "answer",
            Action::Yes => "yes",
            Action::No => "no",
            Action::Pick(n) => return format!("pick_{n}"),
            Action::Override => "override",
            Action::Attach => "attach",
            Action::Note => "note",
            Action::Interviewee => "interviewee",
            Action::Recollect => "recollect",
            Action::Export => "export",
            Action::Finish => "finish",
            Action::Delete => "delete",
            Action::Save => "save",
            Action::Help => "help",
            Action::Quit => "quit",
        };
        name.to_string()
    }

    fn named(name: &str) -> Option<Action> {
        Action::all().into_iter().find(|a| a.name() == name)
    }

    /// What it does, as help says it.
    pub fn describe(self) -> String {
        let text = match self {
            Action::MoveUp => "move up; the previous question",
            Action::MoveDown => "move down; the next question",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::First => "first",
            Action::Last => "last",
            Action::Open => "open; type the answer; write the bundle",
            Action::Back => "back; close an overlay; cancel an edit",
            Action::NextPane => "next pane; next field; complete a path",
            Action::NextNeeded => "next control that still needs you",
            Action::Search => "search controls by id or title",
            Action::Filter => "filter by status",
            Action::Answer => "answer: interview this control",
            Action::Yes => "answer yes (saved at once)",
            Action::No => "answer no (saved at once)",
            Action::Pick(n) => return format!("pick option {n}"),
            Action::Override => "override this control's status",
            Action::Attach => "attach a file",
            Action::Note => "add a note",
            Action::Interviewee => "who is answering now (the interviewee on the call)",
            Action::Recollect => "collect again",
            Action::Export => "export the evidence bundle",
            Action::Finish => "finish the session (it becomes read-only; press twice)",
            Action::Delete => "delete the selected session (press twice)",
            Action::Save => "save what is typed",
            Action::Help => "help",
            Action::Quit => "quit (everything is already saved)",
        };
        text.to_string()
    }

    /// The screens where it means something.
    pub fn screens(self) -> &'static [Screen] {
        match self {
            Action::MoveUp | Action::MoveDown | Action::PageUp | Action::PageDown | Action::First | Action::Last => {
                BROWSING
            }
            Action::Open => &[
                S::Start,
                S::Overview,
                S::Section,
                S::Control,
                S::Interview,
                S::Export,
                S::Search,
            ],
            Action::Back => EVERYWHERE,
            Action::NextPane => &[S::Control, S::Interview, S::Override, S::Typing, S::Export],
            Action::NextNeeded | Action::Search | Action::Filter => &[S::Overview, S::Section, S::Control],
            Action::Answer | Action::Override | Action::Attach | Action::Note => ON_A_CONTROL,
            Action::Yes | Action::No | Action::Pick(_) => &[S::Interview],
            Action::Save => &[S::Interview, S::Override, S::Typing, S::Export],
            Action::Recollect | Action::Interviewee => &[S::Overview, S::Section, S::Control],
            Action::Export => &[S::Overview, S::Section, S::Control],
            Action::Finish => &[S::Export],
            Action::Delete => &[S::Start],
            Action::Help => &[S::Overview, S::Section, S::Control, S::Interview, S::Export],
            Action::Quit => &[
                S::Start,
                S::Overview,
                S::Section,
                S::Control,
                S::Interview,
                S::Export,
                S::Help,
            ],
        }
    }
}

/// Which keys do which actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    keys: BTreeMap<Action, Vec<Key>>,
}

impl Default for Keymap {
    /// The default keys of the walkthrough.
    fn default() -> Self {
        use KeyName as K;
        let mut keys = BTreeMap::new();
        let mut bind = |action, list: Vec<Key>| {
            keys.insert(action, list);
        };
        bind(Action::MoveUp, vec![Key::plain(K::Up), Key::ch('k')]);
        bind(Action::MoveDown, vec![Key::plain(K::Down), Key::ch('j')]);
        bind(Action::PageUp, vec![Key::plain(K::PageUp)]);
        bind(Action::PageDown, vec![Key::plain(K::PageDown)]);
        bind(Action::First, vec![Key::ch('g')]);
        bind(Action::Last, vec![Key::ch('G')]);
        bind(
            Action::Open,
            vec![Key::plain(K::Enter), Key::plain(K::Right), Key::ch('l')],
        );
        bind(
            Action::Back,
            vec![Key::plain(K::Esc), Key::plain(K::Left), Key::ch('h')],
        );
        bind(Action::NextPane, vec![Key::plain(K::Tab)]);
        bind(Action::NextNeeded, vec![Key::ch(' ')]);
        bind(Action::Search, vec![Key::ch('/')]);
        bind(Action::Filter, vec![Key::ch('f')]);
        bind(Action::Answer, vec![Key::ch('a')]);
        bind(Action::Yes, vec![Key::ch('y')]);
        bind(Action::No, vec![Key::ch('n')]);
        for n in 1..=9u8 {
            bind(Action::Pick(n), vec![Key::ch(char::from(b'0' + n))]);
        }
        bind(Action::Override, vec![Key::ch('o')]);
        bind(Action::Attach, vec![Key::ch('t')]);
        bind(Action::Note, vec![Key::ch('c')]);
        bind(Action::Interviewee, vec![Key::ch('i')]);
        bind(Action::Recollect, vec![Key::ch('r')]);
        bind(Action::Export, vec![Key::ch('e')]);
        bind(Action::Finish, vec![Key::ch('F')]);
        bind(Action::Delete, vec![Key::ch('d')]);
        bind(Action::Save, vec![Key::ctrl('s')]);
        bind(Action::Help, vec![Key::ch('?')]);
        bind(Action::Quit, vec![Key::ch('q')]);
        Keymap { keys }
    }
}

/// `keys.toml`: `[keys]`, each action's name given a key or a list of keys.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeys {
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, Spanned<OneOrMany>>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl Keymap {
    /// The action a key does on `screen`, if any.
    pub fn action(&self, screen: Screen, key: Key) -> Option<Action> {
        self.keys
            .iter()
            .find(|(action, keys)| keys.contains(&key) && action.screens().contains(&screen))
            .map(|(action, _)| *action)
    }

    /// The keys bound to an action.
    pub fn keys(&self, action: Action) -> &[Key] {
        self.keys.get(&action).map_or(&[], Vec::as_slice)
    }

    /// Help for a screen: each action that means something there, with its keys.
    pub fn help(&self, screen: Screen) -> Vec<(String, String)> {
        Action::all()
            .into_iter()
            .filter(|a| a.screens().contains(&screen))
            .filter(|a| !self.keys(*a).is_empty())
            .map(|a| {
                let keys: Vec<String> = self.keys(a).iter().map(ToString::to_string).collect();
                (keys.join(" "), a.describe())
            })
            .collect()
    }

    /// The defaults with `keys.toml` applied: an action named there gets the keys
    /// given (replacing its defaults; an empty list unbinds it). Errors at
    /// file:line:column: an unknown action or key, or one key given two actions
    /// that share a screen.
    pub fn with_overrides(origin: &str, text: &str) -> Result<Keymap, Vec<Diagnostic>> {
        let map = SpanMap::new(origin, text);
        let raw: RawKeys = toml::from_str(text).map_err(|e| vec![map.error(e.span(), e.message().trim())])?;
        let mut keymap = Keymap::default();
        let mut errors = Vec::new();
        let mut given: Vec<(Action, std::ops::Range<usize>)> = Vec::new();
        for (name, value) in &raw.keys {
            let Some(action) = Action::named(name.get_ref()) else {
                let msg = format!(
                    "`{}` is not an action; actions are {}",
                    crate::sanitize::terminal(name.get_ref()),
                    Action::all().iter().map(|a| a.name()).collect::<Vec<_>>().join(", ")
                );
                errors.push(map.error(Some(name.span()), msg));
                continue;
            };
            let texts = match value.get_ref() {
                OneOrMany::One(key) => vec![key.clone()],
                OneOrMany::Many(keys) => keys.clone(),
            };
            let mut keys = Vec::new();
            for text in texts {
                match Key::parse(&text) {
                    Ok(key) => keys.push(key),
                    Err(why) => errors.push(map.error(Some(value.span()), why)),
                }
            }
            // In a form every printable key types: the keys that save, leave
            // and move between fields must be ones that do not.
            if matches!(action, Action::Save | Action::Back | Action::NextPane) {
                if let Some(key) = keys.iter().find(|k| k.typed().is_some()) {
                    let msg = format!(
                        "`{}` works in forms, where {key} types itself: give it a ctrl- or alt- key or a named one (esc, tab, f2…)",
                        action.name()
                    );
                    errors.push(map.error(Some(value.span()), msg));
                }
                if keys.is_empty() && action == Action::Back {
                    errors.push(map.error(Some(value.span()), "`back` needs a key: it is the way out of a form"));
                }
            }
            keymap.keys.insert(action, keys);
            given.push((action, value.span()));
        }
        for (action, span) in &given {
            for key in keymap.keys(*action) {
                let clash = keymap.keys.iter().find(|(other, keys)| {
                    *other != action
                        && keys.contains(key)
                        && other.screens().iter().any(|s| action.screens().contains(s))
                });
                if let Some((other, _)) = clash {
                    let msg = format!("{key} is already the key of `{}`", other.name());
                    errors.push(map.error(Some(span.clone()), msg));
                }
            }
        }
        if errors.is_empty() {
            Ok(keymap)
        } else {
            Err(errors)
        }
    }

    /// The auditor's keymap: `keys.toml` in the config folder applied to the
    /// defaults, or the defaults when there is none.
    pub fn load() -> Result<Keymap, Vec<Diagnostic>> {
        let Ok(dir) = crate::paths::config_dir() else {
            return Ok(Keymap::default());
        };
        let path = dir.join("keys.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Keymap::with_overrides(&path.display().to_string(), &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Keymap::default()),
            Err(e) => {
                let shown = path.display().to_string();
                Err(vec![SpanMap::new(&shown, "").error(None, e.to_string())])
            }
        }
    }
}

#[cfg(test)]
mod tests;
