//! Which values could not be secrets, whatever name they are given: booleans,
//! keywords and lists of them, numbers, paths, environment and template lookups,
//! structures, markers, and sudo's tags. Redaction keeps these readable, so it
//! never changes a verdict.

/// sudo's `NOPASSWD:` and `PASSWD:` tags name a policy, not a password.
pub(super) fn is_tag(name: &str) -> bool {
    matches!(name, "NOPASSWD" | "PASSWD")
}

/// Words that are configuration, never secrets: booleans, policies, methods,
/// nsswitch sources, HTTP schemes.
const KEYWORDS: &[&str] = &[
    "yes",
    "no",
    "true",
    "false",
    "on",
    "off",
    "none",
    "null",
    "nil",
    "required",
    "optional",
    "enabled",
    "disabled",
    "enable",
    "disable",
    "auto",
    "default",
    "any",
    "all",
    "always",
    "never",
    "ask",
    "prohibit-password",
    "without-password",
    "forced-commands-only",
    "publickey",
    "password",
    "keyboard-interactive",
    "hostbased",
    "gssapi-with-mic",
    "files",
    "systemd",
    "compat",
    "db",
    "nis",
    "ldap",
    "sss",
    "dns",
    "myhostname",
    "mymachines",
    "resolve",
    "basic",
    "digest",
    "bearer",
    "negotiate",
    "sufficient",
    "requisite",
    "include",
    "substack",
    "strict",
    "lax",
    "local",
    "remote",
    "md5",
    "sha1",
    "sha256",
    "sha512",
    "scram-sha-256",
    "trust",
    "peer",
    "ident",
    "reject",
    "allow",
    "deny",
    "internal",
    "external",
    "empty",
    "unset",
    "redacted",
];

/// Whether a value could not be a secret: a keyword (or a list of keywords), a
/// number, a path, an environment or template lookup, a structure, or a marker.
pub fn is_inert(value: &str) -> bool {
    let v = value
        .trim()
        .trim_end_matches([';', ','])
        .trim_matches(|c| c == '"' || c == '\'');
    if v.is_empty() || v.contains("[REDACTED:") {
        return true;
    }
    // A tag or label, as sudo's `NOPASSWD: SETENV: ALL`.
    if v.ends_with(':') && v.len() > 1 && v[..v.len() - 1].bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    let keyword =
        |w: &str| KEYWORDS.contains(&w) || (!w.is_empty() && w.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
    if lower.split([',', ' ', '\t']).filter(|w| !w.is_empty()).all(keyword) {
        return true;
    }
    let number_with_unit = lower
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .bytes()
        .all(|b| b.is_ascii_digit())
        && lower.len() <= 8
        && lower.as_bytes().first().is_some_and(u8::is_ascii_digit);
    number_with_unit
        || v.starts_with(['/', '~', '%', '$', '[', '{', '(', '<', '@'])
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with(".ssh/")
        || lower.contains("os.environ")
        || lower.contains("getenv(")
        || lower.contains("env(")
        || lower.contains("env[")
        || lower.starts_with("file:")
}
