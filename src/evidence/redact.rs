//! Redaction, the one gate secrets cannot pass: applied to every piece of evidence
//! before it is recorded, and again to every summary and finding an evaluator
//! derives (decoded, joined or quoted text included), so nothing downstream —
//! evaluators, reports, bundles — ever holds a collected secret.
//!
//! What counts as a secret, by rule rather than by list:
//! - a value given to a name that says it is one — an assignment (`KEY=v`,
//!   `key: v`, `KEY = "v"`), a configuration line (`requirepass v`), a header or a
//!   command-line flag (`--s3-secret-access-key v`) whose name holds `pass`, `pwd`,
//!   `secret`, `token`, `credential` (or, with `=`, `:` or a flag, `key`, `auth`)
//!   — unless the value could not be one: a boolean, a keyword, a number, a path,
//!   an environment or template lookup, a structure. So `PasswordAuthentication
//!   yes`, `AuthorizedKeysFile .ssh/authorized_keys`, sudo's `NOPASSWD: ALL` and
//!   Django's `PASSWORD_HASHERS = [...]` stay readable;
//! - credentials in URLs (`scheme://user:PASSWORD@`, an empty user too, a web
//!   URL's lone user — a token — as in `https://TOKEN@github.com`, signed URLs'
//!   signatures, and `user:PASSWORD@host` with no scheme), `curl -u user:PASSWORD`, the MySQL
//!   clients' `-pPASSWORD`, `sshpass -p`, `Authorization:` headers, bearer tokens;
//! - private key blocks and the token formats secret scanners know (AWS, GitHub,
//!   GitLab, Slack, Stripe, Google, npm, DigitalOcean, SendGrid, PyPI, JWTs).
//!
//! A secret is replaced whole — to the end of its quotes, or of its word — by
//! `[REDACTED:hmac=1a2b3c4d]`, a short HMAC-SHA256 under a key of the user's
//! (installed by the program at start; never in a bundle), so equal secrets can
//! be matched within one auditor's reports while nobody can confirm a guess.

use hmac::{Hmac, Mac};
use regex::Captures;
use sha2::Sha256;
use std::borrow::Cow;
use std::sync::OnceLock;

pub mod dotenv;
mod inert;
pub mod python;
mod rules;

pub use inert::is_inert;
use rules::{rules, Rule};

/// Redacted text and how many secrets were removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    pub count: u32,
}

/// The key markers are made with. Until the program installs the user's key (from
/// the config folder) a fixed, public one is used: fine for tests, never secret.
static KEY: OnceLock<[u8; 32]> = OnceLock::new();

/// Install the user's redaction key; the first call wins (false if one was set).
pub fn install_key(key: [u8; 32]) -> bool {
    KEY.set(key).is_ok()
}

/// The marker a secret value is replaced with.
pub fn marker(secret: &str) -> String {
    let key = KEY.get().copied().unwrap_or([0; 32]);
    let tag = match <Hmac<Sha256> as Mac>::new_from_slice(&key) {
        Ok(mut mac) => {
            mac.update(secret.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::from("00000000"),
    };
    format!("[REDACTED:hmac={}]", &tag[..8])
}

/// The marker for a secret standing in text: a secret across lines (a key
/// block) leaves its line breaks after the marker, so every line after it keeps
/// its number.
pub fn marker_in_place(secret: &str) -> String {
    let mut replaced = marker(secret);
    replaced.push_str(&"\n".repeat(secret.matches('\n').count()));
    replaced
}

/// Set only by the test that proves redaction never changes a verdict (it scans
/// every fixture with and without); nothing in vouch ever sets it.
static DISABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turn redaction off for the rest of this process. Only for the test that scans
/// with and without redaction and compares the verdicts; never call it otherwise.
#[doc(hidden)]
pub fn disable_for_the_verdict_test() {
    DISABLED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Redact secrets in collected text: see the module documentation for what is a
/// secret.
pub fn redact(text: &str) -> Redacted {
    redact_with(text, false)
}

/// Redact secrets in text vouch derived (a summary, a finding, a decoded or joined
/// value): every rule but those that need a configuration file's shape, which
/// prose shares.
pub fn redact_derived(text: &str) -> String {
    redact_with(text, true).text
}

/// Redact a file's content as its kind reads it: a .env file through [`dotenv`]
/// (every value that could be a secret), Python source through [`python`] (only
/// literals and comments change), anything else by the text rules.
pub fn redact_file(path: &str, text: &str) -> Redacted {
    if DISABLED.load(std::sync::atomic::Ordering::Relaxed) {
        return Redacted {
            text: text.to_string(),
            count: 0,
        };
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    if dotenv::is_secret_env(name) {
        return by_kind(Mode::Text, |rule, values| Some(dotenv::redact(text, rule, values)))
            .unwrap_or_else(|| redact(text));
    }
    if is_python_path(path) {
        // Literals and comments are not configuration lines.
        if let Some(redacted) = by_kind(Mode::Code, |rule, slots| python::redact(text, rule, slots)) {
            return redacted;
        }
    }
    redact(text)
}

/// Run a kind's own redaction with the text rules (in `mode`) for its pieces,
/// adding up what both removed.
fn by_kind(
    mode: Mode,
    redact_kind: impl FnOnce(&mut dyn FnMut(&str) -> String, &mut u32) -> Option<String>,
) -> Option<Redacted> {
    let mut by_rules = 0u32;
    let mut rule = |piece: &str| {
        let redacted = rules_on(piece, mode);
        by_rules += redacted.count;
        redacted.text
    };
    let mut whole = 0u32;
    let text = redact_kind(&mut rule, &mut whole)?;
    Some(Redacted {
        text,
        count: by_rules + whole,
    })
}

/// Whether a path names Python source.
pub fn is_python_path(path: &str) -> bool {
    path.ends_with(".py")
}

/// Whether the text rules find a secret in `text`, or it holds a marker one left:
/// the same answer before redaction and after, so a verdict built on it cannot
/// depend on whether redaction ran.
pub fn holds_secret(text: &str) -> bool {
    text.contains("[REDACTED:hmac=") || rules_on(text, Mode::Text).count > 0
}

/// [`holds_secret`] for a piece of Python source (a literal's content, a
/// comment), read as the Python redaction reads it (no configuration-line shape).
pub fn holds_secret_in_code(text: &str) -> bool {
    text.contains("[REDACTED:hmac=") || rules_on(text, Mode::Code).count > 0
}

fn redact_with(text: &str, prose: bool) -> Redacted {
    if DISABLED.load(std::sync::atomic::Ordering::Relaxed) {
        return Redacted {
            text: text.to_string(),
            count: 0,
        };
    }
    rules_on(text, if prose { Mode::Prose } else { Mode::Text })
}

/// How a piece of text is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Collected text: every rule, a configuration line's shape included.
    Text,
    /// A literal or comment of source code: no configuration-line shape (`token
    /// for x` is a sentence there), but `name: value` is a pair (`"password":
    /// "x"` in a JSON string, `# password: x`).
    Code,
    /// vouch's own words: neither, and `name: word` reads as a sentence.
    Prose,
}

/// Passes of the rules at most: a marker can open a word boundary a secret
/// glued to the one before it lacked (`AKIA…AKIA…`), so the rules run again
/// until nothing changes — what the export gate's second look would find.
const MAX_PASSES: usize = 4;

fn rules_on(text: &str, mode: Mode) -> Redacted {
    let prose = mode == Mode::Prose;
    let mut count = 0u32;
    let mut out: Cow<str> = Cow::Borrowed(text);
    for _ in 0..MAX_PASSES {
        let before = count;
        for rule in rules().iter().filter(|r| r.on_prose || mode == Mode::Text) {
            if !rule.trigger().is_match(&out) {
                continue;
            }
            let replaced = rule
                .regex()
                .replace_all(&out, |c: &Captures| replace(rule, c, &mut count, prose));
            if let Cow::Owned(changed) = replaced {
                out = Cow::Owned(changed);
            }
        }
        if count == before {
            break;
        }
    }
    Redacted {
        text: out.into_owned(),
        count,
    }
}

/// The match with its secret group replaced by a marker (quotes kept), or as it
/// was when the value could not be a secret.
fn replace(rule: &Rule, c: &Captures, count: &mut u32, prose: bool) -> String {
    let (Some(all), Some(secret)) = (c.get(0), c.name("value").or_else(|| c.get(rule.group))) else {
        return c.get(0).map_or(String::new(), |m| m.as_str().to_string());
    };
    // A match that reaches into a marker an earlier rule wrote is not a new secret.
    if (rule.keep)(c, prose) || all.as_str().contains("REDACTED:hmac=") {
        return all.as_str().to_string();
    }
    let raw = secret.as_str();
    let (open, inner, close) = match raw.chars().next() {
        Some(q @ ('"' | '\'')) if raw.len() >= 2 && raw.ends_with(q) => {
            (&raw[..1], &raw[1..raw.len() - 1], &raw[raw.len() - 1..])
        }
        _ => ("", raw, ""),
    };
    if inner.is_empty() {
        return all.as_str().to_string();
    }
    *count += 1;
    let start = secret.start() - all.start();
    let end = secret.end() - all.start();
    let whole = all.as_str();
    format!(
        "{}{open}{}{close}{}",
        &whole[..start],
        marker_in_place(inner),
        &whole[end..]
    )
}

#[cfg(test)]
mod tests;
