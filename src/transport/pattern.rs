//! OpenSSH's patterns (its match.c), shared by ssh_config `Host` lines and
//! known_hosts host fields: `*` and `?` over the whole name, and a list of
//! comma- or space-separated patterns where a matching `!pattern` vetoes the
//! rest. Case is the caller's to fold: ssh_config matches the host exactly as
//! typed, known_hosts compares lowercased names.

/// `*` (any run) and `?` (one character) over the whole of `text`; linear in
/// practice (one backtrack point), never exponential.
pub fn wildcard(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some(p);
            mark = t;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    while p < pattern.len() && pattern[p] == b'*' {
        p += 1;
    }
    p == pattern.len()
}

/// Whether a pattern list names `name`: some pattern matches and no negated one does.
pub fn list(patterns: &[String], name: &str) -> bool {
    let mut matched = false;
    for pattern in patterns {
        match pattern.strip_prefix('!') {
            Some(negated) if wildcard(negated.as_bytes(), name.as_bytes()) => return false,
            Some(_) => {}
            None => matched |= wildcard(pattern.as_bytes(), name.as_bytes()),
        }
    }
    matched
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_as_openssh_does() {
        assert!(wildcard(b"*.example.com", b"web.example.com"));
        assert!(wildcard(b"web?.example.com", b"web1.example.com"));
        assert!(!wildcard(b"*.example.com", b"example.com"));
        assert!(wildcard(b"[*]:2222", b"[db]:2222"));
        assert!(!wildcard(
            b"a*a*a*a*a*b",
            b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        ));
    }

    #[test]
    fn a_negated_pattern_vetoes_the_list() {
        let patterns: Vec<String> = vec!["*.example.com".into(), "!db.example.com".into()];
        assert!(list(&patterns, "web.example.com"));
        assert!(!list(&patterns, "db.example.com"));
    }
}
