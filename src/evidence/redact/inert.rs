//! Which values could not be secrets, whatever name they are given: booleans,
//! keywords and lists of them, numbers, paths, environment and template lookups,
//! structures, markers, and sudo's tags. Redaction keeps these readable, so it
//! never changes a verdict.

/// sudo's `NOPASSWD:` and `PASSWD:` tags name a policy, not a password.
pub(super) fn is_tag(name: &str) -> bool {
    matches!(name, "NOPASSWD" | "PASSWD")
}

/// nginx's relays (`proxy_pass`, `fastcgi_pass`, `uwsgi_pass`, `scgi_pass`,
/// `grpc_pass`, `memcached_pass`, and their `_pass_header`-like kin) pass a
/// request on: their value is an address, not a password. Credentials in an
/// address (`http://user:pw@host`) are still caught by the URL rule.
pub(super) fn is_relay(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let relays = ["proxy", "fastcgi", "uwsgi", "scgi", "grpc", "memcached"];
    relays.iter().any(|r| {
        lower
            .strip_prefix(r)
            .and_then(|rest| rest.strip_prefix("_pass"))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
    })
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
    number_with_unit(&lower)
        || is_path(v)
        || is_lookup(v)
        || is_template_lookup(v)
        || is_structure(v)
        || is_placeholder(v)
        || is_format_field(v)
        || lower.contains("os.environ")
        || lower.contains("getenv(")
        || lower.contains("env(")
        || lower.contains("env[")
}

/// A number, alone or with a unit of time or size (`3600`, `10s`, `5m`, `512M`).
fn number_with_unit(lower: &str) -> bool {
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%');
    let unit = &lower[digits.len()..];
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && matches!(
            unit,
            "" | "s" | "m" | "h" | "d" | "w" | "ms" | "us" | "min" | "sec" | "k" | "kb" | "mb" | "g" | "gb" | "%"
        )
}

/// A path with no blank in it: absolute, home-relative, relative to here or an
/// sshd `%h`-style token, or a `file:` URL of one.
fn is_path(v: &str) -> bool {
    let v = v.strip_prefix("file:").unwrap_or(v);
    let shaped = v.starts_with('/')
        || v.starts_with("~/")
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with(".ssh/")
        || (v.starts_with('%') && v.contains('/'));
    shaped && !v.contains([' ', '\t'])
}

/// Exactly an environment lookup, `$NAME` or `${NAME}`, with no default value.
fn is_lookup(v: &str) -> bool {
    let name = v
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .or_else(|| v.strip_prefix('$'));
    name.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

/// Exactly a template's lookup of a name, which a CI runner or a deploy tool
/// fills in: GitHub Actions' `${{ secrets.DEPLOY_KEY }}`, Jinja's or Ansible's
/// `{{ vault_db_password }}`, `{{ secrets['X'] | default }}`. Names, attributes,
/// quoted keys in brackets and bare filters only: a literal in it is not a lookup.
fn is_template_lookup(v: &str) -> bool {
    let Some(inner) = v
        .strip_prefix("${{")
        .or_else(|| v.strip_prefix("{{"))
        .and_then(|rest| rest.strip_suffix("}}"))
    else {
        return false;
    };
    let mut parts = inner.split('|');
    let name = |s: &str| {
        let s = s.trim();
        s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    let path_ok = parts.next().is_some_and(|path| {
        let path = path.trim();
        let mut rest = path;
        let head_end = rest.find(['.', '[']).unwrap_or(rest.len());
        if !name(&rest[..head_end]) {
            return false;
        }
        rest = &rest[head_end..];
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('.') {
                let end = after.find(['.', '[']).unwrap_or(after.len());
                let attribute = &after[..end];
                if attribute.is_empty()
                    || !attribute
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                {
                    return false;
                }
                rest = &after[end..];
            } else if let Some(after) = rest.strip_prefix('[') {
                let Some((key, tail)) = after.split_once(']') else {
                    return false;
                };
                let key = key.trim_matches(|c| c == '\'' || c == '"');
                if key.is_empty()
                    || !key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
                {
                    return false;
                }
                rest = tail;
            } else {
                return false;
            }
        }
        true
    });
    path_ok && parts.all(name)
}

/// The start of a list or a map, or one whole (`[`, `{`, `["a", "b"]`).
fn is_structure(v: &str) -> bool {
    matches!(v, "[" | "{" | "[]" | "{}")
        || (v.starts_with('[') && v.ends_with(']') && v.contains(['"', '\'', ',']))
        || (v.starts_with('[') && v[1..].starts_with(['"', '\'']))
        || (v.starts_with('{') && v[1..].starts_with(['"', '\'']))
}

/// A formatting field a program fills in: printf's `%s`, `%(name)s`, `%d`, or
/// `str.format`'s `{}`, `{name}`, `{0!r}`.
fn is_format_field(v: &str) -> bool {
    let printf = v.strip_prefix('%').is_some_and(|rest| {
        let rest = match rest.strip_prefix('(') {
            Some(named) => match named.split_once(')') {
                Some((name, after)) if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => after,
                _ => return false,
            },
            None => rest,
        };
        let spec = rest.trim_start_matches(|c: char| "-#0 +.".contains(c) || c.is_ascii_digit());
        spec.len() == 1 && "sdrfixXoeEgGcua".contains(spec)
    });
    let format = v
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
        .is_some_and(|inner| !inner.contains(['{', '}', ' ']));
    printf || format
}

/// A placeholder people write in examples: `<password>`, `<your-token>`.
fn is_placeholder(v: &str) -> bool {
    v.strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_'))
}

#[cfg(test)]
mod template_tests {
    use super::is_inert;

    #[test]
    fn a_template_lookup_is_a_name_not_a_secret() {
        for lookup in [
            "${{ secrets.DEPLOY_SSH_KEY }}",
            "${{secrets.SSH_PRIVATE_KEY}}",
            "{{ vault_db_password }}",
            "{{ secrets['DB_PASSWORD'] | default }}",
            "\"${{ secrets.PYPI_TOKEN }}\"",
        ] {
            assert!(is_inert(lookup), "{lookup}");
        }
        for literal in [
            "{{ 'hunter2' }}",
            "${{ 'hunter2' }}",
            "{{ x ~ 'hunter2' }}",
            "${{ secrets.X }}tail",
            "{{}}",
        ] {
            assert!(!is_inert(literal), "{literal}");
        }
    }
}

#[cfg(test)]
mod relay_tests {
    use super::is_relay;

    #[test]
    fn nginx_relays_are_not_password_names() {
        for relay in [
            "proxy_pass",
            "fastcgi_pass",
            "uwsgi_pass",
            "grpc_pass",
            "proxy_pass_header",
            "PROXY_PASS",
        ] {
            assert!(is_relay(relay), "{relay}");
        }
        for secret in ["proxy_password", "db_pass", "pass", "passwd", "proxy_passphrase"] {
            assert!(!is_relay(secret), "{secret}");
        }
    }
}
