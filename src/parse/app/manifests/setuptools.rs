//! setuptools' dependencies: setup.cfg's `[options] install_requires` (and
//! `extras_require`), and the string literals of setup.py's `install_requires`
//! list — a list built by code is reported, never guessed.

use super::{declared_pep508, line_at, Manifests};

/// setup.cfg's `[options] install_requires` (and `extras_require` for names):
/// a value on the key's line and on the indented lines after it.
pub(super) fn setup_cfg(file: &str, text: &str, out: &mut Manifests) -> bool {
    let mut section = String::new();
    let mut key: Option<(String, bool)> = None;
    let mut declares = false;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = raw.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed[1..trimmed.len() - 1].trim().to_string();
            key = None;
            if section == "options" {
                declares = true;
            }
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let continued = raw.starts_with([' ', '\t']);
        let value = if continued {
            trimmed
        } else {
            key = None;
            let Some((name, value)) = raw.split_once(['=', ':']) else {
                continue;
            };
            let name = name.trim();
            let wanted = match (section.as_str(), name) {
                ("options", "install_requires") => Some(("options.install_requires".to_string(), true)),
                ("options.extras_require", extra) => Some((format!("options.extras_require.{extra}"), false)),
                _ => None,
            };
            key = wanted;
            value.trim()
        };
        if let (Some((group, runtime)), false) = (&key, value.is_empty()) {
            out.declared.push(declared_pep508(file, number, value, group, *runtime));
        }
    }
    declares
}

/// setup.py's `install_requires=[...]`: the string literals of the list; a list
/// built by code is reported, not guessed.
pub(super) fn setup_py(file: &str, text: &str, out: &mut Manifests) -> bool {
    // The first `install_requires` given a value (`=` or `:`), not one a
    // docstring or comment mentions.
    let key = "install_requires";
    let Some(rest) = text.match_indices(key).find_map(|(at, _)| {
        text[at + key.len()..]
            .trim_start()
            .strip_prefix(['=', ':'])
            .map(str::trim_start)
    }) else {
        return true;
    };
    let start = text.len() - rest.len();
    let Some(close) = rest
        .strip_prefix(['[', '('])
        .map(|_| if rest.starts_with('[') { b']' } else { b')' })
    else {
        let shown: String = rest.chars().take(40).take_while(|c| *c != '\n').collect();
        out.problems.push((
            format!("{file}:{}", line_at(text, start)),
            format!("install_requires is computed ({shown}): its dependencies are not read"),
        ));
        return true;
    };
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != close {
        match bytes[i] {
            quote @ (b'"' | b'\'') => {
                let begin = i + 1;
                let Some(len) = bytes[begin..].iter().position(|&b| b == quote || b == b'\n') else {
                    break;
                };
                let literal = &text[begin..begin + len];
                out.declared.push(declared_pep508(
                    file,
                    line_at(text, begin),
                    literal,
                    "setup(install_requires)",
                    true,
                ));
                i = begin + len + 1;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    true
}
