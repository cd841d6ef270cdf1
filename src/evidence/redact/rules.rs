//! The text rules of redaction, as data: each a cheap literal trigger, a pattern
//! built on first need, the group that holds the secret, and whether a match holds
//! one (a value that could not be a secret is kept). Names that say a value is a
//! secret, URLs with credentials, flags, headers, key blocks and vendors' token
//! formats.

use super::inert::{is_inert, is_relay, is_tag};
use regex::{Captures, Regex};
use std::sync::OnceLock;

/// One rule: a cheap literal trigger, the pattern (built on first need: most text
/// never needs most rules, and building them all cost milliseconds per run), which
/// part of a match is the secret, and whether this match holds one.
pub(super) struct Rule {
    /// Literals one of which every match contains.
    pub(super) trigger: &'static str,
    pub(super) pattern: String,
    /// The capture group holding the secret value, when it is not named `value`.
    pub(super) group: usize,
    /// Decides from the captures whether the value could be a secret; the flag
    /// says the text is vouch's own prose.
    pub(super) keep: fn(&Captures, bool) -> bool,
    /// Also run on text vouch writes itself (summaries, findings): not the rules
    /// that need a keyword-value shape, which prose has too.
    pub(super) on_prose: bool,
    built_trigger: OnceLock<Regex>,
    built: OnceLock<Regex>,
}

impl Rule {
    fn new(trigger: &'static str, pattern: impl Into<String>, group: usize, keep: fn(&Captures, bool) -> bool) -> Self {
        Rule {
            trigger,
            pattern: pattern.into(),
            group,
            keep,
            on_prose: true,
            built_trigger: OnceLock::new(),
            built: OnceLock::new(),
        }
    }

    fn shaped(mut self) -> Self {
        self.on_prose = false;
        self
    }

    pub(super) fn trigger(&self) -> &Regex {
        self.built_trigger.get_or_init(|| build(self.trigger))
    }

    pub(super) fn regex(&self) -> &Regex {
        self.built.get_or_init(|| build(&self.pattern))
    }
}

fn build(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| unreachable!("{pattern}: {e}"))
}

fn never(_: &Captures, _: bool) -> bool {
    false
}

/// An Authorization header's scheme left alone once its credential is a
/// marker (`Authorization: Bearer [REDACTED:…]` read again).
fn names_a_scheme(c: &Captures, _prose: bool) -> bool {
    c.get(1).is_some_and(|v| {
        ["basic", "bearer", "token", "digest", "negotiate"]
            .iter()
            .any(|s| v.as_str().eq_ignore_ascii_case(s))
    })
}

fn value_is_inert(c: &Captures, prose: bool) -> bool {
    // In prose, `name: word` is a sentence ("PermitEmptyPasswords no: effective").
    let prose_colon = prose && c.name("sep").is_some_and(|s| s.as_str() == ":");
    prose_colon
        || c.name("value").is_some_and(|v| is_inert(v.as_str()))
        || c.name("name")
            .is_some_and(|n| is_tag(n.as_str()) || is_relay(n.as_str()))
}

/// A secret-looking name: the strong words anywhere, as one token of letters,
/// digits and `_ . -`.
const STRONG: &str = r"(?P<name>[A-Za-z0-9_.-]*(?i-u:pass|pwd|secret|token|credential)[A-Za-z0-9_.-]*)";
/// With `=`, `:` or as a flag, `key` and `auth` name secrets too (`API_KEY=`,
/// `--auth-token`); on their own, as sshd's keywords, they do not.
const ANY: &str = r"(?P<name>[A-Za-z0-9_.-]*(?i-u:pass|pwd|secret|token|credential|key|auth)[A-Za-z0-9_.-]*)";
/// A value: a double- or single-quoted string (whole), a template's `${{ ... }}`
/// or `{{ ... }}` (whole: its blanks are inside it), or a bare word (to the next
/// blank), so no piece of it is left behind.
const VALUE: &str = r#"(?P<value>"[^"\n]*"|'[^'\n]*'|\$?\{\{[^}\n]*\}\}|[^ \t\r\n\x0B\x0C"'=:][^ \t\r\n\x0B\x0C"']*)"#;

pub(super) fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let names = r"(?i-u)pass|pwd|secret|token|credential|key|auth";
        vec![
            // Private key blocks: everything between the armour lines.
            Rule::new(
                "PRIVATE KEY-----",
                r"(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(.*?)-----END [A-Z0-9 ]*PRIVATE KEY-----",
                1,
                never,
            ),
            // Token formats, by their prefixes, wherever they stand.
            Rule::new(
                r"AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xox[abprs]-|[sr]k_live_|[sr]k_test_|AIza|npm_|do[opr]_v1_|SG\.|pypi-AgE|eyJ",
                r"(?-u:\b)((?:AKIA|ASIA)[0-9A-Z]{16}|(?:gh[pousr]_|github_pat_|glpat-|xox[abprs]-|(?:sk|rk)_(?:live|test)_|AIza|npm_|do[opr]_v1_|pypi-AgE)[A-Za-z0-9_-]{10}[A-Za-z0-9_-]*|SG\.[A-Za-z0-9_-]{10}[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{10}[A-Za-z0-9_-]*|eyJ[A-Za-z0-9_-]{8}[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]{8}[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{8}[A-Za-z0-9_-]*)",
                1,
                never,
            ),
            Rule::new(
                r"hooks\.slack\.com",
                r"(https://hooks\.slack\.com/services/)([A-Za-z0-9/_-]+)",
                2,
                never,
            ),
            // Credentials in URLs: any scheme, the user may be empty, the host
            // may be filled in later (`@{host}`, `@%s`, or added after the `@`).
            Rule::new(
                "://",
                r#"[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@ \t\r\n\x0B\x0C]*:([^ \t\r\n\x0B\x0C"']+)@(?:[A-Za-z0-9.-]+(?:[:/?#"' \t\r\n]|$)|[{%\[]|$)"#,
                1,
                never,
            ),
            // A web URL's user with no password is a token (`https://<token>@github.com`,
            // pip's `--index-url https://<token>@pypi.example.com`); ssh's `git@` is not.
            Rule::new(
                "://",
                r#"(?i-u:\b)(?:[a-z]+\+)?https?://([^:/@ \t\r\n\x0B\x0C"']+)@[A-Za-z0-9.-]+(?:[:/?#"' \t\r\n]|$)"#,
                1,
                never,
            ),
            // Signed URLs' signatures (S3's `X-Amz-Signature=`, Azure's `sig=`).
            Rule::new(
                "ig=|ignature=",
                r#"(?i)[?&](?:x-amz-signature|x-goog-signature|signature|sig)=([^&# \t\r\n\x0B\x0C"']+)"#,
                1,
                never,
            ),
            // `user:password@host.domain` with no scheme (rsync, scp, git remotes).
            Rule::new(
                "@",
                r"(?-u:\b)[A-Za-z0-9._-]+:([^@ \t\r\n\x0B\x0C:/]+)@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
                1,
                never,
            ),
            // `curl -u user:password`, `--user user:password`.
            Rule::new(
                "-u|--user",
                r"(?:(?-u:\s)-u(?-u:\s)*|--user[= \t\r\n\x0B\x0C]+)[^: \t\r\n\x0B\x0C]+:([^ \t\r\n\x0B\x0C]+)",
                1,
                never,
            ),
            // The MySQL clients' attached password: `-pS3cret`, `-p"quoted"`.
            Rule::new(
                "mysql|mariadb",
                r#"(?-u:\b)(?:mysql|mysqldump|mariadb|mariadb-dump|mysqladmin|mysqlimport)(?-u:\b)[^\n]*?(?-u:\s)-p("[^"\n]*"|'[^'\n]*'|[^ \t\r\n\x0B\x0C"']+)"#,
                1,
                never,
            ),
            Rule::new(
                "sshpass",
                r"(?-u:\b)sshpass(?-u:\s)+-p(?-u:\s)*([^ \t\r\n\x0B\x0C]+)",
                1,
                never,
            ),
            // Tools that take a password as a short flag or a position:
            // `ldappasswd -w X`, `htpasswd -b FILE USER X`, `openssl enc -k X`,
            // and `.netrc`'s `login U password X`.
            Rule::new(
                "ldap",
                r"(?-u:\b)ldap[a-z]*(?-u:\b)[^\n]*?(?-u:\s)-w(?-u:\s)*([^ \t\r\n\x0B\x0C]+)",
                1,
                never,
            ),
            Rule::new(
                "htpasswd",
                r"(?-u:\b)htpasswd(?-u:\s)[^\n]*?-[a-zA-Z]*b[a-zA-Z]*(?-u:\s)+[^ \t\r\n\x0B\x0C]+(?-u:\s)+[^ \t\r\n\x0B\x0C]+(?-u:\s)+([^ \t\r\n\x0B\x0C]+)",
                1,
                never,
            ),
            Rule::new(
                "openssl",
                r"(?-u:\b)openssl(?-u:\b)[^\n]*?(?-u:\s)-k(?-u:\s)+([^ \t\r\n\x0B\x0C]+)",
                1,
                never,
            ),
            Rule::new(
                "login",
                r"(?-u:\b)login(?-u:\s)+[^ \t\r\n\x0B\x0C]+(?-u:\s)+password(?-u:\s)+([^ \t\r\n\x0B\x0C]+)",
                1,
                never,
            ),
            // Authorization headers: the credential after the scheme.
            Rule::new(
                "(?i-u)authorization",
                r"(?i-u:(?:proxy-)?authorization)(?-u:\s)*[:=](?-u:\s)*(?i-u:basic|bearer|token|digest|negotiate)?(?-u:\s)*([A-Za-z0-9._~+/=:-]{6,})",
                1,
                names_a_scheme,
            ),
            Rule::new(
                "(?i-u)bearer",
                r"(?-u:\b)(?i-u:bearer)(?-u:\s)+([A-Za-z0-9._~+/=-]{16,})",
                1,
                never,
            ),
            // Flags: `--password X`, `--s3-secret-access-key=X`, `--api-key X`.
            Rule::new(names, format!(r"(?:^|(?-u:\s))--{ANY}(?:=|(?-u:\s)+){VALUE}"), 1, value_is_inert),
            // Assignments: `KEY=v`, `KEY = "v"`, `key: v`, `"key": "v"` (shell, env
            // files, YAML, JSON, headers).
            Rule::new(
                names,
                format!(r#"(?:^|[^A-Za-z0-9_.-])["']?{ANY}["']?[ \t]*(?P<sep>[:=])[ \t]*{VALUE}"#),
                1,
                value_is_inert,
            ),
            // A configuration line whose keyword says it holds a secret
            // (`requirepass v`: a strong word is needed here).
            Rule::new(
                r"(?i-u)pass|pwd|secret|token|credential",
                format!(r"(?m)^[ \t]*{STRONG}[ \t]+{VALUE}[ \t\r]*$"),
                1,
                value_is_inert,
            )
            .shaped(),
        ]
    })
}
