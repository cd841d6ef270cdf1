//! One key as the walkthrough knows it: read from a terminal event or from how
//! `keys.toml` writes it (`k`, `ctrl-s`, `pgdn`), and shown as help shows it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

/// One key, as pressed: its code and modifiers (Shift folded into the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    code: KeyName,
    ctrl: bool,
    alt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum KeyName {
    Char(char),
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    F(u8),
}

const NAMED: &[(&str, KeyName)] = &[
    ("up", KeyName::Up),
    ("down", KeyName::Down),
    ("left", KeyName::Left),
    ("right", KeyName::Right),
    ("pgup", KeyName::PageUp),
    ("pageup", KeyName::PageUp),
    ("pgdn", KeyName::PageDown),
    ("pagedown", KeyName::PageDown),
    ("home", KeyName::Home),
    ("end", KeyName::End),
    ("enter", KeyName::Enter),
    ("esc", KeyName::Esc),
    ("tab", KeyName::Tab),
    ("backtab", KeyName::BackTab),
    ("backspace", KeyName::Backspace),
    ("delete", KeyName::Delete),
    ("space", KeyName::Char(' ')),
];

impl Key {
    /// The key a terminal event is, if it is one vouch can bind.
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        let code = match event.code {
            KeyCode::Char(c) => KeyName::Char(c),
            KeyCode::Up => KeyName::Up,
            KeyCode::Down => KeyName::Down,
            KeyCode::Left => KeyName::Left,
            KeyCode::Right => KeyName::Right,
            KeyCode::PageUp => KeyName::PageUp,
            KeyCode::PageDown => KeyName::PageDown,
            KeyCode::Home => KeyName::Home,
            KeyCode::End => KeyName::End,
            KeyCode::Enter => KeyName::Enter,
            KeyCode::Esc => KeyName::Esc,
            KeyCode::Tab => KeyName::Tab,
            KeyCode::BackTab => KeyName::BackTab,
            KeyCode::Backspace => KeyName::Backspace,
            KeyCode::Delete => KeyName::Delete,
            KeyCode::F(n) => KeyName::F(n),
            _ => return None,
        };
        Some(Key {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// A key as `keys.toml` writes it: a character (`k`, `G`, `?`), a name
    /// (`up`, `pgdn`, `enter`, `esc`, `tab`, `space`, `f1`…), with `ctrl-` or
    /// `alt-` before it.
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut rest = text;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            if let Some(after) = rest.strip_prefix("ctrl-").filter(|a| !a.is_empty()) {
                ctrl = true;
                rest = after;
            } else if let Some(after) = rest.strip_prefix("alt-").filter(|a| !a.is_empty()) {
                alt = true;
                rest = after;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            // A key shows as itself in help: nothing the terminal would hide or reorder.
            (Some(c), None) if crate::sanitize::terminal(&c.to_string()) == c.to_string() && c != '\t' => {
                KeyName::Char(c)
            }
            _ => {
                let lower = rest.to_ascii_lowercase();
                if let Some((_, name)) = NAMED.iter().find(|(n, _)| *n == lower) {
                    *name
                } else if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    KeyName::F(n).checked().ok_or_else(|| unknown(text))?
                } else {
                    return Err(unknown(text));
                }
            }
        };
        Ok(Key { code, ctrl, alt })
    }

    /// The character typed, when the key is one with no Ctrl or Alt (for text
    /// being typed: a search, an answer).
    pub fn typed(&self) -> Option<char> {
        match self.code {
            KeyName::Char(c) if !self.ctrl && !self.alt => Some(c),
            _ => None,
        }
    }

    /// Whether it is Backspace.
    pub fn is_backspace(&self) -> bool {
        self.code == KeyName::Backspace
    }

    /// Its name and whether Ctrl and Alt were held (for the text editor).
    pub(super) fn parts(&self) -> (KeyName, bool, bool) {
        (self.code, self.ctrl, self.alt)
    }

    pub(super) fn plain(code: KeyName) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub(super) fn ch(c: char) -> Key {
        Key::plain(KeyName::Char(c))
    }

    pub(super) fn ctrl(c: char) -> Key {
        Key {
            ctrl: true,
            ..Key::ch(c)
        }
    }
}

impl KeyName {
    fn checked(self) -> Option<KeyName> {
        match self {
            KeyName::F(n) if (1..=12).contains(&n) => Some(self),
            KeyName::F(_) => None,
            other => Some(other),
        }
    }
}

fn unknown(text: &str) -> String {
    format!(
        "`{}` is not a key (a character, or up, down, left, right, pgup, pgdn, home, end, enter, esc, tab, space, f1–f12, with ctrl- or alt- before it)",
        crate::sanitize::terminal(text)
    )
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyName::Char(' ') => f.write_str("Space"),
            KeyName::Char(c) if self.ctrl || self.alt => write!(f, "{}", c.to_ascii_uppercase()),
            KeyName::Char(c) => write!(f, "{c}"),
            KeyName::Up => f.write_str("↑"),
            KeyName::Down => f.write_str("↓"),
            KeyName::Left => f.write_str("←"),
            KeyName::Right => f.write_str("→"),
            KeyName::PageUp => f.write_str("PgUp"),
            KeyName::PageDown => f.write_str("PgDn"),
            KeyName::Home => f.write_str("Home"),
            KeyName::End => f.write_str("End"),
            KeyName::Enter => f.write_str("Enter"),
            KeyName::Esc => f.write_str("Esc"),
            KeyName::Tab => f.write_str("Tab"),
            KeyName::BackTab => f.write_str("Shift-Tab"),
            KeyName::Backspace => f.write_str("Backspace"),
            KeyName::Delete => f.write_str("Delete"),
            KeyName::F(n) => write!(f, "F{n}"),
        }
    }
}
