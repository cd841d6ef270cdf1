//! The application's code (sections secrets, appsec, logging, config, auth,
//! data, monitoring): evaluators over the Python files, templates and text
//! configurations the `app_code` probe read, each file parsed once per scan
//! however many controls read it.
//! - `secrets.hardcoded` — [`secrets`];
//! - `appsec.sql-injection` — [`sql`];
//! - `appsec.template-escaping` — [`templates`];
//! - `appsec.debug-mode` — [`debug`];
//! - `logging.configured`, `logging.auth-events`, `logging.no-sensitive-data` — [`logs`];
//! - `auth.password-hashing` — [`hashing`];
//! - `data.db-tls`, `data.input-validation` — [`data`];
//! - `monitoring.error-tracking` — [`tracking`];
//! - `secrets.env-config`, `config.separated` — [`settings`].
//!
//! A control that passes only when nothing bad was found needs every file read:
//! a file not read or not parsed turns such a pass into needs_review, naming it.

pub mod data;
pub mod debug;
pub mod hashing;
pub mod logs;
pub mod secrets;
pub mod settings;
pub mod sql;
pub mod templates;
pub mod tracking;

use super::{app_dir, per_app, problems};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Location, Outcome, ProbeType, Status};
use crate::parse::app::code::{self, Code, PyFile};
use crate::parse::python::{Call, Scope, Span};
use std::sync::Arc;

pub fn evaluators() -> Vec<EvaluatorDef> {
    vec![
        secrets::hardcoded(),
        sql::injection(),
        templates::escaping(),
        debug::mode(),
        logs::configured(),
        logs::auth_events(),
        logs::no_sensitive_data(),
        hashing::password_hashing(),
        data::db_tls(),
        data::input_validation(),
        tracking::error_tracking(),
        settings::env_config(),
        settings::separated(),
    ]
}

/// What every code evaluator needs.
pub const NEEDS: &[ProbeType] = &[ProbeType::AppCode];

/// The app's code, read and parsed once per scan.
pub fn code_of(ctx: &EvalContext) -> Result<Arc<Code>, Outcome> {
    let dir = app_dir(ctx)?;
    Ok(per_app(ctx.source, "app.code", dir, || code::read(ctx.source, dir)))
}

/// A finding at `path:line`.
pub fn at(message: impl Into<String>, path: &str, line: u32) -> Finding {
    Finding::at(message, Location::line(path, line))
}

/// The first line of what `span` covers, cut to a readable length; reads no
/// more than it shows, whatever the span (nested calls span a whole file).
pub fn quote(text: &str, span: Span) -> String {
    const SHOWN: usize = 120;
    let covered = text.get(span.start..span.end.min(text.len())).unwrap_or("");
    let mut shown = String::new();
    let mut cut = false;
    for (count, c) in covered.chars().enumerate() {
        if c == '\n' || count == SHOWN {
            cut = true;
            break;
        }
        shown.push(c);
    }
    let mut shown = shown.trim().to_string();
    if cut {
        shown.push_str(" …");
    }
    shown
}

/// A control that passes when nothing was found: a pass on partial reading is
/// needs_review naming what was not read.
pub fn unless_gaps(outcome: Outcome, code: &Code) -> Outcome {
    let gaps = code.gaps();
    if outcome.status != Status::Pass || gaps.is_empty() {
        return outcome;
    }
    let first = gaps[0].1.clone();
    let more = match gaps.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Outcome::needs_review(format!("{}; but {first}{more}", outcome.summary))
        .with_all(problems(gaps.iter().filter(|(at, _)| !at.is_empty())))
        .with_all(outcome.findings)
}

/// The assignments to a plain local `name` in `scope`.
pub fn assigned<'s>(scope: &'s Scope, name: &str) -> Vec<&'s crate::parse::python::Assign> {
    scope
        .assigns
        .iter()
        .filter(|a| matches!(&a.target, crate::parse::python::Target::Name(n) if n == name))
        .collect()
}

/// What a call's callee stands for once the file's imports are followed
/// (`h.md5` after `import hashlib as h` is `hashlib.md5`).
pub fn resolved(file: &PyFile, call: &Call) -> String {
    file.module.resolve(&call.callee)
}

/// A test of the app's (tests/, test_*.py, *_test.py, conftest.py): not the
/// code that runs in production.
pub fn is_test_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.contains("/tests/")
        || path.contains("/test/")
        || name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "conftest.py"
}

/// The Python files that run in production (tests left out).
pub fn app_files(code: &Code) -> impl Iterator<Item = &PyFile> {
    code.python.iter().filter(|f| !is_test_file(&f.path))
}

/// Whether the file imports `path` (or anything under it) or uses it by a
/// resolved name.
pub fn uses(file: &PyFile, path: &str) -> bool {
    file.module.imports_from(path)
}

/// Findings in the order of the files and lines they point at.
pub fn in_order(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| a.location.cmp(&b.location));
    findings
}

/// `1 file`, `3 files`.
pub fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
