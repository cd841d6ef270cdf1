//! Redaction, the one place secrets are removed: applied to every piece of evidence
//! before it is recorded, so nothing downstream (evaluators, reports, bundles) ever
//! holds a collected secret. The text keeps its shape: a secret becomes
//! `[REDACTED:sha256=1a2b3c4d]`, a short hash so equal secrets can be matched.

use regex::{Captures, Regex};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// Redacted text and how many secrets were removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    pub count: u32,
}

/// The marker a secret value is replaced with.
pub fn marker(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    format!("[REDACTED:sha256={}]", &hex::encode(digest)[..8])
}

struct Patterns {
    pem: Regex,
    url_password: Regex,
    assignment: Regex,
    tokens: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| Patterns {
        pem: Regex::new(r"(?s)(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)(.*?)(-----END [A-Z0-9 ]*PRIVATE KEY-----)")
            .unwrap_or_else(|e| unreachable!("{e}")),
        url_password: Regex::new(r"([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]+:)([^@\s/]+)(@)")
            .unwrap_or_else(|e| unreachable!("{e}")),
        assignment: Regex::new(
            r#"(?i)(\b[A-Za-z0-9_.-]*(?:secret|password|passwd|api_?key|token|private_key)[A-Za-z0-9_.-]*["']?\s*[:=]\s*)(["'])([^"'\n]+)(["'])"#,
        )
        .unwrap_or_else(|e| unreachable!("{e}")),
        tokens: Regex::new(
            r"\b(AKIA[0-9A-Z]{16}|gh[po]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[bp]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{10,})\b",
        )
        .unwrap_or_else(|e| unreachable!("{e}")),
    })
}

/// Redact secrets in collected text: private key blocks, passwords in URLs,
/// secret-looking assignments of string literals, and well-known token formats.
pub fn redact(text: &str) -> Redacted {
    let p = patterns();
    let mut count = 0u32;
    let mut out = p
        .pem
        .replace_all(text, |c: &Captures| {
            count += 1;
            format!("{}\n{}\n{}", &c[1], marker(&c[2]), &c[3])
        })
        .into_owned();
    out = p
        .url_password
        .replace_all(&out, |c: &Captures| {
            count += 1;
            format!("{}{}{}", &c[1], marker(&c[2]), &c[3])
        })
        .into_owned();
    out = p
        .assignment
        .replace_all(&out, |c: &Captures| {
            if c[3].starts_with("[REDACTED:") {
                return c[0].to_string();
            }
            count += 1;
            format!("{}{}{}{}", &c[1], &c[2], marker(&c[3]), &c[4])
        })
        .into_owned();
    out = p
        .tokens
        .replace_all(&out, |c: &Captures| {
            count += 1;
            marker(&c[1])
        })
        .into_owned();
    Redacted { text: out, count }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_keep_their_shape_with_a_short_hash() {
        let r = redact("SECRET_KEY = \"hunter2-very-secret\"\nDEBUG = False\n");
        assert_eq!(r.count, 1);
        assert!(r.text.starts_with("SECRET_KEY = \"[REDACTED:sha256="), "{}", r.text);
        assert!(!r.text.contains("hunter2"));
        assert!(r.text.contains("DEBUG = False"));
        let again = redact("OTHER_PASSWORD='hunter2-very-secret'");
        assert_eq!(
            again.text.split("sha256=").nth(1).map(|s| &s[..8]),
            r.text.split("sha256=").nth(1).map(|s| &s[..8])
        );
    }

    #[test]
    fn url_passwords_private_keys_and_tokens_are_removed() {
        let text = "DATABASE_URL=postgres://shop:s3cr3tpw@db.internal:5432/shop\n\
                    -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n\
                    aws AKIAIOSFODNN7EXAMPLE and ghp_abcdefghijklmnopqrstuvwxyz0123456789\n";
        let r = redact(text);
        for secret in [
            "s3cr3tpw",
            "b3BlbnNzaC1rZXktdjEAAAAA",
            "AKIAIOSFODNN7EXAMPLE",
            "ghp_abcdefghij",
        ] {
            assert!(!r.text.contains(secret), "{secret} leaked: {}", r.text);
        }
        assert_eq!(r.count, 4);
        assert!(r.text.contains("postgres://shop:[REDACTED:sha256="));
        assert!(r.text.contains("-----BEGIN OPENSSH PRIVATE KEY-----"));
    }

    #[test]
    fn configuration_without_secrets_is_untouched() {
        let text = "PasswordAuthentication no\nPermitRootLogin prohibit-password\n";
        assert_eq!(
            redact(text),
            Redacted {
                text: text.to_string(),
                count: 0
            }
        );
    }
}
