//! Redaction of `.env` files (`.env`, `.env.production`; not the committed
//! `.env.example` and its kin): every value is a secret unless it could not be
//! one — a boolean, a number, a keyword, a path, an environment lookup — so
//! `FLASK_DEBUG=1` stays readable and `STRIPE=sk_...` or `FOO=anything` does not,
//! whatever the name. Lines that are not `KEY=VALUE` pass the text rules.

use super::inert::is_inert;

/// Names that hold examples, not secrets: `.env.example` is meant to be committed.
const EXAMPLES: &[&str] = &["example", "sample", "template", "dist", "defaults", "tpl", "in"];

/// Is this file name a .env file that may hold secrets (`.env`, `.env.production`)?
pub fn is_secret_env(name: &str) -> bool {
    match name.strip_prefix(".env") {
        Some("") => true,
        Some(rest) => rest
            .strip_prefix('.')
            .is_some_and(|suffix| !suffix.is_empty() && !EXAMPLES.contains(&suffix.to_ascii_lowercase().as_str())),
        None => false,
    }
}

/// Redact a .env file: each `KEY=VALUE` line's value whole (quotes kept),
/// unless inert; `rule` (the text rules) for every other line.
pub(super) fn redact(text: &str, rule: &mut dyn FnMut(&str) -> String, count: &mut u32) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let trimmed = body.trim_start();
        let assignment = trimmed.strip_prefix("export ").unwrap_or(trimmed);
        let pair = assignment.split_once('=').filter(|(key, _)| {
            !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
        });
        match pair {
            Some((_, value)) if !trimmed.starts_with('#') => {
                let value_at = body.len() - value.len();
                let (raw, comment) = split_comment(value);
                let stripped = raw.trim();
                let (open, inner, close) = match stripped.chars().next() {
                    Some(q @ ('"' | '\'')) if stripped.len() >= 2 && stripped.ends_with(q) => (
                        &stripped[..1],
                        &stripped[1..stripped.len() - 1],
                        &stripped[stripped.len() - 1..],
                    ),
                    _ => ("", stripped, ""),
                };
                if inner.is_empty() || is_inert(inner) {
                    out.push_str(&rule(body));
                } else {
                    *count += 1;
                    out.push_str(&body[..value_at]);
                    out.push_str(open);
                    out.push_str(&super::marker(inner));
                    out.push_str(close);
                    out.push_str(&rule(comment));
                }
            }
            _ => out.push_str(&rule(body)),
        }
        out.push_str(end);
    }
    out
}

/// A value and the ` # comment` after it (dotenv's rule: a `#` after a blank,
/// outside quotes).
fn split_comment(value: &str) -> (&str, &str) {
    let trimmed = value.trim_start();
    if trimmed.starts_with(['"', '\'']) {
        return (value, "");
    }
    match value.find(" #") {
        Some(at) => (&value[..at], &value[at..]),
        None => (value, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(text: &str) -> (String, u32) {
        let mut count = 0;
        let out = redact(text, &mut |t| crate::evidence::redact::redact(t).text, &mut count);
        (out, count)
    }

    #[test]
    fn every_value_but_the_inert_ones_is_hidden_whatever_its_name() {
        let (out, count) = redacted(
            "FLASK_DEBUG=1\nDJANGO_DEBUG=True\nexport STRIPE=\"sk_live_abc123def456\"\nFOO=plainvalue # note\n# a comment\nLOG_DIR=/var/log/app\nEMPTY=\n",
        );
        assert_eq!(count, 2, "{out}");
        for kept in [
            "FLASK_DEBUG=1",
            "DJANGO_DEBUG=True",
            "LOG_DIR=/var/log/app",
            "# a comment",
            "EMPTY=",
            "# note",
        ] {
            assert!(out.contains(kept), "{kept}: {out}");
        }
        for gone in ["sk_live_abc123def456", "plainvalue"] {
            assert!(!out.contains(gone), "{gone}: {out}");
        }
        assert!(out.contains("export STRIPE=\"[REDACTED:hmac="), "{out}");
        assert_eq!(out.lines().count(), 7);
    }

    #[test]
    fn secret_env_names_leave_examples_out() {
        for yes in [".env", ".env.production", ".env.local"] {
            assert!(is_secret_env(yes), "{yes}");
        }
        for no in [".env.example", ".env.SAMPLE", ".envrc", "env", ".env.", "x.env"] {
            assert!(!is_secret_env(no), "{no}");
        }
    }
}
