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
    bare_assignment: Regex,
    yaml_key: Regex,
    mysql_password: Regex,
    bearer: Regex,
    tokens: Regex,
    /// A word that every pattern above needs somewhere in the text: most text holds
    /// none, and one cheap literal search says so before any pattern runs.
    any: Regex,
}

/// Values that are configuration words or numbers, never secrets (`PermitEmptyPasswords=no`,
/// `token_lifetime: 3600`), or references to one (`${SECRET}`).
const NOT_SECRETS: &[&str] = &[
    "yes", "no", "true", "false", "on", "off", "none", "null", "nil", "0", "1", "required", "optional",
];

fn is_config_word(value: &str) -> bool {
    let lower = value.trim_matches(|c| c == ';' || c == ',').to_ascii_lowercase();
    lower.len() < 4
        || NOT_SECRETS.contains(&lower.as_str())
        || lower.starts_with("[redacted:")
        || lower.starts_with('$')
        || lower.bytes().all(|b| b.is_ascii_digit())
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(compile)
}

/// The literals of the patterns below, one of which each match contains: keep them
/// in step when a pattern changes. ASCII case folding keeps this cheap to build;
/// the two non-ASCII letters that Unicode folds onto ASCII ones (the Kelvin sign
/// and the long s) are checked apart, so it triggers wherever a pattern can match.
const TRIGGERS: &str = r"(?i-u)private key|://|secret|passw|api_?key|token|private_key|access_key|mysql|mariadb|bearer|akia|gh[po]_|github_pat_|xox[bp]-|sk_live_";

fn compile() -> Patterns {
    Patterns {
        pem: Regex::new(r"(?s)(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)(.*?)(-----END [A-Z0-9 ]*PRIVATE KEY-----)")
            .unwrap_or_else(|e| unreachable!("{e}")),
        url_password: Regex::new(r"([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]+:)([^@\s/]+)(@)")
            .unwrap_or_else(|e| unreachable!("{e}")),
        assignment: Regex::new(
            r#"(?i)((?-u:\b)[A-Za-z0-9_.-]*(?:secret|password|passwd|api_?key|token|private_key)[A-Za-z0-9_.-]*["']?\s*[:=]\s*)(["'])([^"'\n]+)(["'])"#,
        )
        .unwrap_or_else(|e| unreachable!("{e}")),
        // `PGPASSWORD=x`, `export API_TOKEN=x`, YAML `api_key: x`: unquoted values of secret-named keys.
        bare_assignment: Regex::new(
            r"(?i)((?-u:\b)[A-Za-z0-9_.-]*(?:secret|password|passwd|api_?key|token|private_key|access_key)[A-Za-z0-9_.-]*[ \t]*=[ \t]*)([^\s\x22'#;,]+)",
        )
        .unwrap_or_else(|e| unreachable!("{e}")),
        // YAML `api_key: x` only as a key at the start of a line: sudoers' `NOPASSWD:`
        // tag and nsswitch's `passwd:` database are configuration, not secrets.
        yaml_key: Regex::new(
            r"(?im)^([ \t]*(?:-[ \t]+)?[A-Za-z0-9_.-]*(?:secret|password|api_?key|token|private_key|access_key)[A-Za-z0-9_.-]*:[ \t]+)([^\s\x22'#;,]+)",
        )
        .unwrap_or_else(|e| unreachable!("{e}")),
        // `mysqldump -uroot -pS3cret`: the MySQL client family's attached password.
        mysql_password: Regex::new(r"((?-u:\b)(?:mysql|mysqldump|mariadb|mariadb-dump|mysqladmin)(?-u:\b)[^\n]*?\s-p)([^\s\x22']+)")
            .unwrap_or_else(|e| unreachable!("{e}")),
        bearer: Regex::new(r"(?i)((?-u:\b)bearer\s+)([A-Za-z0-9._~+/=-]{16,})").unwrap_or_else(|e| unreachable!("{e}")),
        tokens: Regex::new(
            r"(?-u:\b)(AKIA[0-9A-Z]{16}|gh[po]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[bp]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{10,})(?-u:\b)",
        )
        .unwrap_or_else(|e| unreachable!("{e}")),
        any: Regex::new(TRIGGERS).unwrap_or_else(|e| unreachable!("{e}")),
    }
}

/// Redact secrets in collected text: private key blocks, passwords in URLs,
/// secret-looking assignments of string literals, and well-known token formats.
pub fn redact(text: &str) -> Redacted {
    let p = patterns();
    let folds_to_ascii = |c: char| c == '\u{212a}' || c == '\u{17f}';
    if !p.any.is_match(text) && !text.contains(folds_to_ascii) {
        return Redacted {
            text: text.to_string(),
            count: 0,
        };
    }
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
    for pattern in [&p.bare_assignment, &p.yaml_key, &p.mysql_password, &p.bearer] {
        out = pattern
            .replace_all(&out, |c: &Captures| {
                if is_config_word(&c[2]) {
                    return c[0].to_string();
                }
                count += 1;
                format!("{}{}", &c[1], marker(&c[2]))
            })
            .into_owned();
    }
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
        let text = "PasswordAuthentication no\nPermitRootLogin prohibit-password\nPermitEmptyPasswords=no\n\
                    KbdInteractiveAuthentication no\nss -tlnpH\nUnattended-Upgrade::Mail \"root\";\n\
                    token_lifetime: 3600\nPASSWORD_HASHER=${HASHER}\n";
        assert_eq!(
            redact(text),
            Redacted {
                text: text.to_string(),
                count: 0
            }
        );
    }

    #[test]
    fn letters_that_fold_onto_ascii_still_trigger_redaction() {
        // The Kelvin sign folds to `k` and the long s to `s`, as the patterns fold them.
        for text in [
            "api_\u{212a}ey = \"hunter2hunter2\"",
            "db_\u{17f}ecret = \"hunter2hunter2\"",
        ] {
            let r = redact(text);
            assert_eq!(r.count, 1, "{text}: {}", r.text);
            assert!(!r.text.contains("hunter2"));
        }
    }

    #[test]
    fn sudo_tags_and_nsswitch_databases_are_not_secrets() {
        let text = "deploy ALL=(ALL) NOPASSWD: SETENV: ALL\n%ops ALL=(root) NOPASSWD: EVERYTHING\n\
                    alice ALL=(ALL) PASSWD: /usr/bin/systemctl restart app\npasswd:         files systemd\n";
        assert_eq!(
            redact(text),
            Redacted {
                text: text.to_string(),
                count: 0
            }
        );
    }

    #[test]
    fn unquoted_secrets_in_cron_env_and_yaml_are_removed() {
        let text = "0 3 * * * root PGPASSWORD=hunter2hunter2 pg_dump -h db shop\n\
                    0 4 * * * root mysqldump -uroot -pS3cretPassw0rd shop > /b/m.sql\n\
                    export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n\
                    api_key: 0123456789abcdef0123456789abcdef\n\
                    Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig\n";
        let r = redact(text);
        for secret in [
            "hunter2hunter2",
            "S3cretPassw0rd",
            "wJalrXUtnFEMIK7MDENG",
            "0123456789abcdef0123",
            "eyJhbGciOiJIUzI1NiJ9",
        ] {
            assert!(!r.text.contains(secret), "{secret} leaked:\n{}", r.text);
        }
        assert_eq!(r.count, 5, "{}", r.text);
        assert!(r.text.contains("root PGPASSWORD=[REDACTED:sha256="), "{}", r.text);
        assert!(
            r.text.contains("pg_dump -h db shop"),
            "the command stays readable: {}",
            r.text
        );
    }
}
