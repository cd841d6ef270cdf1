//! `SHA256SUMS` as `sha256sum` writes and checks it: one line per file,
//! `<64 hex>  <path>`, sorted by path. Paths are the bundle's own (`evidence/ev-…`,
//! `attachments/<sha256>`), never a target's, so none needs sha256sum's escaping;
//! one that would is refused rather than written ambiguously.

/// One file of the bundle and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Sum {
    pub path: String,
    pub sha256: String,
}

/// The text of `SHA256SUMS` for `sums` (sorted here).
pub fn render(sums: &[Sum]) -> Result<String, String> {
    let mut sorted = sums.to_vec();
    sorted.sort();
    let mut out = String::new();
    for sum in sorted {
        let plain = !sum.path.is_empty()
            && sum
                .path
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b));
        if !plain || sum.path.starts_with('/') || sum.path.split('/').any(|part| part == "..") {
            return Err(format!(
                "`{}` is not a bundle path",
                crate::sanitize::terminal(&sum.path)
            ));
        }
        out.push_str(&format!("{}  {}\n", sum.sha256, sum.path));
    }
    Ok(out)
}

/// Read `SHA256SUMS` back: each line's path and hash, or the first line that is
/// not one (its number and why). Paths come sorted and once each, as vouch
/// writes them: a path listed twice (hashed twice, or two hashes for one
/// file) or out of order is refused.
pub fn parse(text: &str) -> Result<Vec<Sum>, String> {
    let mut sums: Vec<Sum> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let Some((sha256, path)) = line.split_once("  ") else {
            return Err(format!("SHA256SUMS:{number}: not `<sha256>  <path>`"));
        };
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Err(format!(
                "SHA256SUMS:{number}: `{}` is not a SHA-256",
                crate::sanitize::terminal(sha256)
            ));
        }
        if let Some(before) = sums.last() {
            if before.path.as_str() >= path {
                return Err(format!(
                    "SHA256SUMS:{number}: `{}` {} (vouch lists each file once, sorted)",
                    crate::sanitize::terminal(path),
                    if before.path == path {
                        "is listed twice"
                    } else {
                        "is out of order"
                    }
                ));
            }
        }
        sums.push(Sum {
            path: path.to_string(),
            sha256: sha256.to_string(),
        });
    }
    Ok(sums)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(path: &str) -> Sum {
        Sum {
            path: path.into(),
            sha256: "a".repeat(64),
        }
    }

    #[test]
    fn sorted_by_path_and_read_back() {
        let text = render(&[sum("results.json"), sum("evidence/ev-1"), sum("README.txt")]).unwrap_or_default();
        let paths: Vec<String> = parse(&text).unwrap_or_default().into_iter().map(|s| s.path).collect();
        assert_eq!(paths, ["README.txt", "evidence/ev-1", "results.json"]);
    }

    #[test]
    fn a_path_sha256sum_would_escape_or_that_leaves_the_bundle_is_refused() {
        for bad in ["../x", "/etc/passwd", "a b", "new\nline", "back\\slash", ""] {
            assert!(render(&[sum(bad)]).is_err(), "{bad:?}");
        }
        assert!(parse("abc  x\n").is_err());
        let twice = format!("{0}  a\n{0}  a\n", "a".repeat(64));
        assert!(parse(&twice).is_err_and(|e| e.contains("twice")));
        let unsorted = format!("{0}  b\n{0}  a\n", "a".repeat(64));
        assert!(parse(&unsorted).is_err_and(|e| e.contains("out of order")));
        assert!(parse(&format!("{}x\n", "a".repeat(64))).is_err());
    }
}
