//! A gitignore pattern rewritten for the `ignore` crate's matcher so that it
//! matches as Git's wildmatch does: braces literal, bracket expressions (POSIX
//! classes, `\` escapes, reversed ranges) spelled out, anchoring kept.

/// Git's pattern in the matcher's syntax: braces are literal in Git (globset
/// reads `{a,b}` as alternatives), and each bracket expression is rewritten as
/// Git's wildmatch reads it (POSIX classes such as `[:alpha:]`, `\` escapes,
/// `[z-a]` as `z`), so the matcher never sees a class it reads differently.
/// None for a pattern Git gives up on (an unclosed class, an unknown POSIX
/// class): it matches nothing.
pub(super) fn for_matcher(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                out.push('\\');
                if let Some(&escaped) = chars.get(i + 1) {
                    out.push(escaped);
                    i += 1;
                }
            }
            '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '[' => {
                let (class, used) = git_class(&chars[i + 1..])?;
                out.push_str(&matcher_class(class));
                i += used;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    // A class's `/` anchors a pattern in Git as any `/` does, yet never matches:
    // the rewritten class may lose or gain one, so the anchor is said outright.
    let (bang, rest) = out.strip_prefix('!').map_or(("", out.as_str()), |rest| ("!", rest));
    Some(match (anchored(pattern), anchored(&out)) {
        (true, false) => format!("{bang}/{rest}"),
        (false, true) => format!("{bang}**/{rest}"),
        _ => out,
    })
}

/// Whether a pattern holds a `/` other than a last one: Git then matches it
/// against the path from its file's folder, not against a name at any depth.
fn anchored(pattern: &str) -> bool {
    let pattern = pattern.strip_prefix('!').unwrap_or(pattern);
    pattern.strip_suffix('/').unwrap_or(pattern).contains('/')
}

/// A bracket expression: the character ranges it takes, or all but them.
struct Class {
    negated: bool,
    set: Vec<(char, char)>,
}

/// The bracket expression after a `[` as wildmatch (git/wildmatch.c) reads it,
/// and how many characters it spans with its `]`; None where wildmatch gives up.
fn git_class(rest: &[char]) -> Option<(Class, usize)> {
    let negated = matches!(rest.first(), Some('!' | '^'));
    let mut i = usize::from(negated);
    let (mut set, mut previous, mut first) = (Vec::new(), None, true);
    loop {
        let c = *rest.get(i)?;
        if c == ']' && !first {
            return Some((Class { negated, set }, i + 1));
        }
        first = false;
        previous = match (c, previous) {
            ('\\', _) => {
                i += 1;
                let escaped = *rest.get(i)?;
                set.push((escaped, escaped));
                Some(escaped)
            }
            ('-', Some(start)) if rest.get(i + 1).is_some_and(|&n| n != ']') => {
                i += 1;
                let mut end = rest[i];
                if end == '\\' {
                    i += 1;
                    end = *rest.get(i)?;
                }
                if start <= end {
                    set.push((start, end));
                }
                None
            }
            ('[', _) if rest.get(i + 1) == Some(&':') => {
                let name_start = i + 2;
                let close = name_start + rest.get(name_start..)?.iter().position(|&x| x == ']')?;
                if close > name_start && rest[close - 1] == ':' {
                    let name: String = rest[name_start..close - 1].iter().collect();
                    set.extend_from_slice(posix_class(&name)?);
                    i = close;
                    None
                } else {
                    set.push(('[', '['));
                    Some('[')
                }
            }
            _ => {
                set.push((c, c));
                Some(c)
            }
        };
        i += 1;
    }
}

/// The ASCII characters of a POSIX class as Git's wildmatch tests them.
fn posix_class(name: &str) -> Option<&'static [(char, char)]> {
    Some(match name {
        "alnum" => &[('0', '9'), ('A', 'Z'), ('a', 'z')],
        "alpha" => &[('A', 'Z'), ('a', 'z')],
        "blank" => &[('\t', '\t'), (' ', ' ')],
        "cntrl" => &[('\x01', '\x1f'), ('\x7f', '\x7f')],
        "digit" => &[('0', '9')],
        "graph" => &[('!', '~')],
        "lower" => &[('a', 'z')],
        "print" => &[(' ', '~')],
        "punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "space" => &[('\t', '\n'), ('\r', '\r'), (' ', ' ')],
        "upper" => &[('A', 'Z')],
        "xdigit" => &[('0', '9'), ('A', 'F'), ('a', 'f')],
        _ => return None,
    })
}

/// A character class globset reads as meaning `set`: `]` first, `-` first or
/// last, `!` and `^` never first (a NUL, in no path, goes before them). Git's
/// class never matches `/`: it is left out of a class, and added to a negated one.
fn matcher_class(Class { negated, mut set }: Class) -> String {
    let has = |set: &[(char, char)], c: char| set.iter().any(|&(lo, hi)| lo <= c && c <= hi);
    let mut specials = vec![']', '-', '!', '^'];
    if negated {
        set.push(('/', '/'));
    } else {
        specials.push('/');
    }
    let has = |c: char| has(&set, c);
    let mut ranges: Vec<(u32, u32)> = set.iter().map(|&(lo, hi)| (u32::from(lo), u32::from(hi))).collect();
    for special in specials.into_iter().map(u32::from) {
        ranges = ranges
            .into_iter()
            .flat_map(|(lo, hi)| {
                if lo <= special && special <= hi {
                    vec![(lo, special.saturating_sub(1)), (special + 1, hi)]
                } else {
                    vec![(lo, hi)]
                }
            })
            .filter(|(lo, hi)| lo <= hi)
            .collect();
    }
    let mut body = String::new();
    if has(']') {
        body.push(']');
    } else if has('-') {
        body.push('-');
    }
    for (lo, hi) in ranges {
        body.extend(char::from_u32(lo));
        if hi > lo {
            body.push('-');
            body.extend(char::from_u32(hi));
        }
    }
    body.extend(['!', '^'].into_iter().filter(|&c| has(c)));
    if has(']') && has('-') {
        body.push('-');
    }
    if body.is_empty() || (!negated && body.starts_with(['!', '^'])) {
        body.insert(0, '\0');
    }
    format!("[{}{body}]", if negated { "!" } else { "" })
}

/// The pattern written so the matcher keeps it whole: it trims any trailing
/// whitespace but an escaped space, so trailing whitespace Git keeps becomes a
/// character class (`tab\t` is `tab[\t]`).
pub(super) fn kept_whole(pattern: &str) -> String {
    let body = pattern.trim_end();
    if pattern.ends_with("\\ ") || body.len() == pattern.len() {
        return pattern.to_string();
    }
    // A backslash escaping the first of them goes: the class says the same.
    let escapes = body.len() - body.trim_end_matches('\\').len();
    let mut out = body[..body.len() - escapes % 2].to_string();
    for c in pattern[body.len()..].chars() {
        out.push_str(&format!("[{c}]"));
    }
    out
}
