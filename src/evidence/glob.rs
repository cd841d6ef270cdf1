//! glob(3) pattern matching as sshd, sudo and nginx use it: `*`, `?` and `[...]`
//! (with `!`/`^` negation and ranges) match within one path component, and a
//! leading `.` is only matched by a literal `.`. Expansion walks directories through
//! a lister, so it works over a live transport and over collected evidence alike.

/// Does one path component `name` match one pattern component `pattern`?
pub fn component_matches(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

fn match_from(p: &[char], n: &[char]) -> bool {
    // Iterative matcher with single-star backtracking (like fnmatch).
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Some((matched, next)) = match_class(p, pi, n[ni]) {
                        if matched {
                            pi = next;
                            ni += 1;
                            continue;
                        }
                    } else if n[ni] == '[' {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
                '\\' if pi + 1 < p.len() => {
                    if p[pi + 1] == n[ni] {
                        pi += 2;
                        ni += 1;
                        continue;
                    }
                }
                c => {
                    if c == n[ni] {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Match a bracket expression starting at `p[start] == '['`. Returns whether `c`
/// matched and the index after the closing `]`, or None if the bracket is unclosed.
fn match_class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some('!') | Some('^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        let lo = p[i];
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            let hi = p[i + 2];
            if lo <= c && c <= hi {
                matched = true;
            }
            i += 3;
        } else {
            if lo == c {
                matched = true;
            }
            i += 1;
        }
    }
    None
}

/// True when the pattern has any glob metacharacter.
pub fn has_magic(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
}

/// Expand an absolute glob pattern. `list_dir` returns the sorted entries of a
/// directory (None if it is not one); `exists` tells whether a literal path exists.
/// Results are sorted lexically, as glob(3) returns them.
pub fn expand(
    pattern: &str,
    list_dir: &dyn Fn(&str) -> Option<Vec<String>>,
    exists: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    if !pattern.starts_with('/') {
        return Vec::new();
    }
    if !has_magic(pattern) {
        return if exists(pattern) {
            vec![pattern.to_string()]
        } else {
            Vec::new()
        };
    }
    let components: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    let mut current = vec![String::new()];
    for (index, component) in components.iter().enumerate() {
        let last = index + 1 == components.len();
        let mut next = Vec::new();
        for base in &current {
            let dir = if base.is_empty() { "/".to_string() } else { base.clone() };
            if has_magic(component) {
                for name in list_dir(&dir).unwrap_or_default() {
                    if component_matches(component, &name) {
                        next.push(format!("{base}/{name}"));
                    }
                }
            } else {
                let candidate = format!("{base}/{component}");
                if !last || exists(&candidate) {
                    next.push(candidate);
                }
            }
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    current.sort();
    current.dedup();
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_matches_within_component_but_not_leading_dot() {
        assert!(component_matches("*.conf", "50-cloud-init.conf"));
        assert!(!component_matches("*.conf", ".hidden.conf"));
        assert!(component_matches(".*", ".hidden"));
        assert!(!component_matches("*.conf", "a.conf.bak"));
        assert!(component_matches("*", "anything"));
    }

    #[test]
    fn question_mark_and_classes() {
        assert!(component_matches("file?", "file1"));
        assert!(!component_matches("file?", "file"));
        assert!(component_matches("[0-9]*", "50-x"));
        assert!(!component_matches("[!0-9]*", "50-x"));
        assert!(component_matches("[^a]b", "cb"));
        assert!(component_matches("a[]]b", "a]b"));
        assert!(component_matches("a[b", "a[b"), "unclosed bracket is literal");
    }

    #[test]
    fn expansion_is_sorted_and_per_component() {
        let dirs = |d: &str| -> Option<Vec<String>> {
            match d {
                "/etc/ssh/sshd_config.d" => Some(vec!["b.conf".into(), "a.conf".into(), "c.txt".into()]),
                "/home" => Some(vec!["zoe".into(), "al".into()]),
                _ => None,
            }
        };
        let exists = |p: &str| p.ends_with("authorized_keys") && !p.contains("zoe");
        assert_eq!(
            expand("/etc/ssh/sshd_config.d/*.conf", &dirs, &exists),
            vec!["/etc/ssh/sshd_config.d/a.conf", "/etc/ssh/sshd_config.d/b.conf"]
        );
        assert_eq!(
            expand("/home/*/.ssh/authorized_keys", &dirs, &exists),
            vec!["/home/al/.ssh/authorized_keys"]
        );
    }
}
