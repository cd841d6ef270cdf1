//! `secrets.hardcoded`: secrets written into the app's code. In Python, a
//! non-empty literal standing where a secret would — assigned, passed as a
//! keyword, given as a default, set as a dict entry or compared to a name the
//! redaction gate takes for a secret's (the rule's secret|password|passwd|
//! api_key|apikey|token|private_key, and pwd, credential and keys that are
//! secrets: `AWS_ACCESS_KEY_ID`, `ENCRYPTION_KEY`), or a lookup's fallback such
//! as `os.getenv("SECRET_KEY", "dev-key")` — unless it could not be one; in any literal, comment or configuration line, what the
//! redaction gate takes for a secret (AWS key ids, private keys, GitHub, Slack
//! and Stripe tokens, passwords in URLs...). Values read from the environment
//! are not findings. The gate decides on the text before redaction and after
//! alike, so the verdict never depends on it.

use super::{at, code_of, count, in_order, unless_gaps, NEEDS};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::evidence::redact::python::is_inert_in_code;
use crate::evidence::redact::{holds_secret, holds_secret_in_code};
use crate::model::{Finding, Outcome};
use crate::parse::app::code::{Code, PyFile, TextFile};
use std::collections::BTreeSet;

pub fn hardcoded() -> EvaluatorDef {
    EvaluatorDef {
        name: "secrets.hardcoded",
        description: "fails when a secret is written in the app's Python files or text configurations: a literal given to a secret's name, or a token, key or credential the redaction gate knows",
        params: &[],
        needs: NEEDS,
        run,
    }
}

/// The text of 1-based line `line` of `lines`, trimmed and cut to a readable length.
fn line_text(lines: &[&str], line: u32) -> String {
    let text = lines.get(line.saturating_sub(1) as usize).copied().unwrap_or("").trim();
    match text.char_indices().nth(160) {
        Some((cut, _)) => format!("{} …", &text[..cut]),
        None => text.to_string(),
    }
}

/// Where the secrets of one Python file stand (line, what).
fn in_python(file: &PyFile) -> Vec<(u32, String)> {
    let text = &*file.text;
    let module = &file.module;
    let mut found = Vec::new();
    for slot in &module.slots {
        let value = text.get(slot.content.clone()).unwrap_or("");
        let secret = value.contains("[REDACTED:") || !is_inert_in_code(&slot.name, value);
        if !value.is_empty() && secret {
            found.push((slot.line, format!("a literal is given to `{}`", slot.name)));
        }
    }
    let in_slot = |start: usize, end: usize| {
        module
            .slots
            .iter()
            .any(|s| s.content.start <= start && end <= s.content.end)
    };
    for literal in &module.literals {
        let piece = text.get(literal.start..literal.end).unwrap_or("");
        if !in_slot(literal.start, literal.end) && holds_secret_in_code(piece) {
            found.push((literal.line, "a string holds a token, key or credential".to_string()));
        }
    }
    for comment in &module.comments {
        if holds_secret_in_code(text.get(comment.start..comment.end).unwrap_or("")) {
            found.push((comment.line, "a comment holds a token, key or credential".to_string()));
        }
    }
    found
}

fn in_config(file: &TextFile) -> Vec<(u32, String)> {
    file.text
        .lines()
        .enumerate()
        .filter(|(_, line)| holds_secret(line))
        .map(|(n, _)| {
            (
                u32::try_from(n + 1).unwrap_or(u32::MAX),
                "a secret is written".to_string(),
            )
        })
        .collect()
}

fn run(ctx: &EvalContext) -> Outcome {
    match code_of(ctx) {
        Ok(code) => judge(&code),
        Err(outcome) => outcome,
    }
}

/// secrets.hardcoded's outcome on the app's code (other controls build on it).
pub fn judge(code: &Code) -> Outcome {
    let mut findings: Vec<Finding> = Vec::new();
    let mut files = BTreeSet::new();
    let sources = code
        .python
        .iter()
        .map(|f| (&f.path, &f.text, in_python(f)))
        .chain(code.configs.iter().map(|f| (&f.path, &f.text, in_config(f))));
    for (path, text, found) in sources {
        let mut seen = BTreeSet::new();
        let lines: Vec<&str> = text.lines().collect();
        for (line, what) in found {
            if seen.insert(line) {
                files.insert(path.clone());
                findings.push(at(format!("{what}: `{}`", line_text(&lines, line)), path, line));
            }
        }
    }
    let scanned = format!(
        "{} and {}",
        count(code.python.len(), "Python file"),
        count(code.configs.len(), "configuration file")
    );
    if findings.is_empty() {
        return unless_gaps(
            Outcome::pass(format!("no secret is written in the app's {scanned}")),
            code,
        );
    }
    Outcome::fail(format!(
        "{} written in {} of the app's code ({scanned} read); read them from the environment or a secret store, and rotate each",
        count(findings.len(), "secret"),
        count(files.len(), "file")
    ))
    .with_all(in_order(findings))
}
