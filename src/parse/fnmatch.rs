//! Python's `fnmatch.fnmatch` on POSIX, as `fnmatch.translate` (Python 3.11)
//! makes its regular expression: `*`, `?`, `[seq]`, `[!seq]`, case-sensitive, no
//! escape character, with translate's own reading of hyphens, reversed ranges and
//! a leading `!` inside a set. unattended-upgrades matches origins with it.

/// Python's `fnmatch.fnmatch` on POSIX: `*`, `?`, `[seq]`, `[!seq]` (a `]` first in
/// the set is literal, `a-z` ranges, an empty or reversed range matches nothing),
/// a `[` without its `]` is literal; case-sensitive; no escape character.
pub fn fnmatch(pattern: &str, name: &str) -> bool {
    let tokens = tokens(pattern);
    let name: Vec<char> = name.chars().collect();
    // Iterative matching with the last `*` to fall back to: linear in practice,
    // at worst patterns × names, never exponential.
    let (mut t, mut n) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if t < tokens.len() {
            match &tokens[t] {
                Token::Star => {
                    star = Some((t, n));
                    t += 1;
                    continue;
                }
                token if n < name.len() && token.takes(name[n]) => {
                    t += 1;
                    n += 1;
                    continue;
                }
                _ => {}
            }
        } else if n == name.len() {
            return true;
        }
        match star {
            Some((st, sn)) if sn < name.len() => {
                star = Some((st, sn + 1));
                t = st + 1;
                n = sn + 1;
            }
            _ => return false,
        }
    }
}

enum Token {
    Star,
    Any,
    Literal(char),
    Set { negated: bool, items: Vec<(char, char)> },
}

impl Token {
    fn takes(&self, c: char) -> bool {
        match self {
            Token::Star => true,
            Token::Any => true,
            Token::Literal(l) => *l == c,
            Token::Set { negated, items } => items.iter().any(|(lo, hi)| *lo <= c && c <= *hi) != *negated,
        }
    }
}

/// The pattern as `fnmatch.translate` reads it.
fn tokens(pattern: &str) -> Vec<Token> {
    let p: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '*' => {
                if !matches!(out.last(), Some(Token::Star)) {
                    out.push(Token::Star);
                }
                i += 1;
            }
            '?' => {
                out.push(Token::Any);
                i += 1;
            }
            '[' => match set_at(&p, i) {
                Some((token, next)) => {
                    out.push(token);
                    i = next;
                }
                None => {
                    out.push(Token::Literal('['));
                    i += 1;
                }
            },
            c => {
                out.push(Token::Literal(c));
                i += 1;
            }
        }
    }
    out
}

/// A `[...]` set starting at `p[start]`, and the index after its `]`; None when it
/// has no closing `]` (then the `[` is literal).
fn set_at(p: &[char], start: usize) -> Option<(Token, usize)> {
    let mut j = start + 1;
    if p.get(j) == Some(&'!') {
        j += 1;
    }
    if p.get(j) == Some(&']') {
        j += 1;
    }
    while j < p.len() && p[j] != ']' {
        j += 1;
    }
    if j >= p.len() {
        return None;
    }
    Some((set_of(chunks(&p[start + 1..j])), j + 1))
}

/// `fnmatch.translate`'s chunks of a set's body: split at hyphens that make ranges
/// (never the first character, nor the one after `!`; the search resumes two past
/// each), a trailing hyphen literal, and reversed ranges removed with their ends.
fn chunks(body: &[char]) -> Vec<Vec<char>> {
    if !body.contains(&'-') {
        return vec![body.to_vec()];
    }
    let mut chunks: Vec<Vec<char>> = Vec::new();
    let mut from = 0;
    let mut k = if body.first() == Some(&'!') { 2 } else { 1 };
    while let Some(hyphen) = body.get(k..).and_then(|rest| rest.iter().position(|c| *c == '-')) {
        let hyphen = k + hyphen;
        chunks.push(body[from..hyphen].to_vec());
        from = hyphen + 1;
        k = hyphen + 3;
    }
    match (&body[from..], chunks.last_mut()) {
        ([], Some(last)) => last.push('-'),
        (rest, _) => chunks.push(rest.to_vec()),
    }
    for k in (1..chunks.len()).rev() {
        let reversed = match (chunks[k - 1].last(), chunks[k].first()) {
            (Some(lo), Some(hi)) => lo > hi,
            _ => false,
        };
        if reversed {
            let next = chunks.remove(k);
            let previous = &mut chunks[k - 1];
            previous.pop();
            previous.extend(next.into_iter().skip(1));
        }
    }
    chunks
}

/// The set the chunks make, as Python's regular expression reads `[...]` of them
/// joined by range hyphens: empty never matches, a lone `!` matches anything, a
/// leading `!` (even one a removed range left in front) negates.
fn set_of(mut chunks: Vec<Vec<char>>) -> Token {
    let negated = chunks.first().and_then(|c| c.first()) == Some(&'!');
    if negated {
        chunks[0].remove(0);
    }
    let mut items = Vec::new();
    let mut pending_range = false;
    for (index, chunk) in chunks.iter().enumerate() {
        for (at, c) in chunk.iter().enumerate() {
            if pending_range {
                if let Some((lo, _)) = items.pop() {
                    if lo <= *c {
                        items.push((lo, *c));
                    }
                }
                pending_range = false;
                continue;
            }
            items.push((*c, *c));
            if at + 1 == chunk.len() && index + 1 < chunks.len() {
                pending_range = true;
            }
        }
        if chunk.is_empty() && index + 1 < chunks.len() {
            // `[^-...]`: a hyphen right after the negation is literal.
            items.push(('-', '-'));
        }
    }
    Token::Set { negated, items }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_is_pythons() {
        assert!(fnmatch("*-security", "oldstable-security"));
        assert!(fnmatch("Debian*", "Debian"));
        assert!(!fnmatch("debian", "Debian"));
        assert!(fnmatch("[!a]ebian", "Debian"));
        assert!(fnmatch("[^D]ebian", "Debian"), "^ is literal in a Python set");
        assert!(fnmatch("[]a]", "]"));
        assert!(fnmatch("a[", "a["));
        assert!(
            fnmatch("\\*", "\\x"),
            "no escape character: a literal backslash, then *"
        );
        assert!(!fnmatch("[z-a]", "m"));
        assert!(fnmatch("[a-]", "-"));
        assert!(fnmatch("*a*b*c*", "xxaxxbxxcxx"));
        assert!(!fnmatch("?", ""));
    }
}
