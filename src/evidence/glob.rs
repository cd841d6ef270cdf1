//! glob(3) pattern matching as sshd, sudo and nginx use it: `*`, `?` and `[...]`
//! (with `!`/`^` negation and ranges) match within one path component, and a
//! leading `.` is only matched by a literal `.`. Expansion walks directories through
//! a lister, so it works over a live transport and over collected evidence alike.

use super::source::{DirState, Globbed};

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

/// A pattern may match at most this many paths at any step of its expansion: past
/// it (a tree of symlinked directories, a hostile `/l/*/*/*/*/*/x`), the expansion
/// stops and says so, so the cost is bounded and the same tree gives the same
/// result on any machine.
pub const MAX_GLOB_PATHS: usize = 10_000;

/// Expand an absolute glob pattern. `list` tells a directory's entries (or why they
/// are unknown); `exists` tells whether a literal path exists. Paths are sorted
/// lexically, as glob(3) returns them; directories the pattern needed that could
/// not be listed, and a reached bound, are reported beside them.
pub fn expand(pattern: &str, list: &dyn Fn(&str) -> DirState, exists: &dyn Fn(&str) -> bool) -> Globbed {
    let mut out = Globbed::default();
    if !pattern.starts_with('/') {
        return out;
    }
    if !has_magic(pattern) {
        if exists(pattern) {
            out.paths.push(pattern.to_string());
        }
        return out;
    }
    let components: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    let mut current = vec![String::new()];
    for (index, component) in components.iter().enumerate() {
        let last = index + 1 == components.len();
        let mut next = Vec::new();
        for base in &current {
            let dir = if base.is_empty() { "/".to_string() } else { base.clone() };
            if has_magic(component) {
                match list(&dir) {
                    DirState::Listed(names) => next.extend(
                        names
                            .iter()
                            .filter(|name| component_matches(component, name))
                            .map(|name| format!("{base}/{name}")),
                    ),
                    DirState::Missing => {}
                    DirState::Unreadable(why) => out.unread.push((dir, why)),
                    DirState::NotCollected => out.unread.push((dir, "not collected".to_string())),
                }
            } else {
                let candidate = format!("{base}/{component}");
                if !last || exists(&candidate) {
                    next.push(candidate);
                }
            }
            if next.len() > MAX_GLOB_PATHS {
                break;
            }
        }
        if next.len() > MAX_GLOB_PATHS {
            out.unread.push((
                pattern.to_string(),
                format!("the pattern matches more than {MAX_GLOB_PATHS} paths; the rest were not followed"),
            ));
            // Only the last component's paths are matches; a directory half-way
            // down the pattern is not one.
            next.truncate(if last { MAX_GLOB_PATHS } else { 0 });
            current = next;
            break;
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    current.sort();
    current.dedup();
    out.paths = current;
    out
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
        let dirs = |d: &str| -> DirState {
            match d {
                "/etc/ssh/sshd_config.d" => DirState::Listed(vec!["b.conf".into(), "a.conf".into(), "c.txt".into()]),
                "/home" => DirState::Listed(vec!["zoe".into(), "al".into()]),
                "/secret" => DirState::Unreadable("permission denied".into()),
                _ => DirState::Missing,
            }
        };
        let exists = |p: &str| p.ends_with("authorized_keys") && !p.contains("zoe");
        assert_eq!(
            expand("/etc/ssh/sshd_config.d/*.conf", &dirs, &exists).paths,
            vec!["/etc/ssh/sshd_config.d/a.conf", "/etc/ssh/sshd_config.d/b.conf"]
        );
        assert_eq!(
            expand("/home/*/.ssh/authorized_keys", &dirs, &exists).paths,
            vec!["/home/al/.ssh/authorized_keys"]
        );
        let absent = expand("/nowhere/*.conf", &dirs, &exists);
        assert_eq!(
            (absent.paths.len(), absent.problem()),
            (0, None),
            "absent is not unread"
        );
        let unread = expand("/secret/*.conf", &dirs, &exists);
        assert_eq!(
            unread.problem().as_deref(),
            Some("/secret could not be listed: permission denied")
        );
    }

    #[test]
    fn expansion_is_bounded_and_says_so() {
        let wide: Vec<String> = (0..200).map(|i| format!("d{i:03}")).collect();
        let dirs = move |_: &str| DirState::Listed(wide.clone());
        let exists = |_: &str| true;
        let out = expand("/l/*/*/x", &dirs, &exists);
        assert!(out.paths.is_empty(), "no directory half-way down is taken for a match");
        assert!(
            out.problem().is_some_and(|p| p.contains("more than")),
            "{:?}",
            out.problem()
        );
        let last = expand("/l/*/*", &dirs, &exists);
        assert_eq!(last.paths.len(), MAX_GLOB_PATHS, "matches up to the bound are kept");
        assert!(
            last.paths.iter().all(|p| p.matches('/').count() == 3),
            "{:?}",
            &last.paths[..3]
        );
    }
}
