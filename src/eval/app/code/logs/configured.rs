//! `logging.configured`: rotated handlers, dictConfig/fileConfig (Django's
//! LOGGING setting is one) or a stream under systemd pass; a plain file no
//! logrotate entry covers warns; no configuration fails.

use super::super::{app_files, at, code_of, count, in_order, quote, resolved};
use crate::eval::EvalContext;
use crate::evidence::FileState;
use crate::model::{Finding, Outcome};
use crate::parse::app::code::PyFile;
use crate::parse::python::{Expr, ScopeKind, Target};

/// How one file configures logging.
#[derive(Default)]
struct Seen {
    /// `(path:line, what)` of configurations that keep logs bounded.
    good: Vec<Finding>,
    /// Streams (stdout, stderr, journald).
    streams: Vec<Finding>,
    /// Plain files: `(file written, finding)`.
    plain: Vec<(Option<String>, Finding)>,
}

const ROTATING: &[&str] = &["RotatingFileHandler", "TimedRotatingFileHandler", "WatchedFileHandler"];

fn configuration_in(file: &PyFile, seen: &mut Seen) {
    let text = &file.text;
    for scope in &file.module.scopes {
        for call in &scope.calls {
            let full = resolved(file, call);
            let method = call.method();
            let shown = || quote(text, call.span);
            let here = |what: String| at(what, &file.path, call.span.line);
            if ROTATING.contains(&method) {
                seen.good
                    .push(here(format!("{method} keeps log files bounded: `{}`", shown())));
            } else if matches!(method, "dictConfig" | "fileConfig") && full.contains("config") {
                seen.good
                    .push(here(format!("logging is configured by {method}: `{}`", shown())));
            } else if method == "FileHandler" {
                let path = call.args.first().and_then(Expr::as_str).map(str::to_string);
                seen.plain
                    .push((path, here(format!("a plain FileHandler, never rotated: `{}`", shown()))));
            } else if method == "basicConfig" && full.starts_with("logging") {
                match call.kwarg("filename") {
                    Some(name) => {
                        let path = name.as_str().map(str::to_string);
                        seen.plain.push((
                            path,
                            here(format!("basicConfig writes a plain file, never rotated: `{}`", shown())),
                        ));
                    }
                    None => seen
                        .streams
                        .push(here(format!("basicConfig logs to stderr: `{}`", shown()))),
                }
            } else if matches!(method, "StreamHandler" | "JournalHandler") {
                seen.streams.push(here(format!("{method}: `{}`", shown())));
            } else if full == "loguru.logger.add" {
                match (call.kwarg("rotation"), call.args.first()) {
                    (Some(_), _) => seen.good.push(here(format!("loguru rotates its file: `{}`", shown()))),
                    (None, Some(Expr::Str(path))) => seen.plain.push((
                        Some(path.clone()),
                        here(format!("loguru writes a file with no rotation: `{}`", shown())),
                    )),
                    _ => seen.streams.push(here(format!("loguru: `{}`", shown()))),
                }
            }
        }
        // Django hands its LOGGING setting to dictConfig.
        if scope.kind == ScopeKind::Module && super::super::debug::is_settings_module(&file.path) {
            for assign in &scope.assigns {
                if assign.target == Target::Name("LOGGING".into()) && matches!(assign.value, Expr::Dict(_)) {
                    seen.good.push(at(
                        "the LOGGING setting configures logging (Django hands it to dictConfig)",
                        &file.path,
                        assign.span.line,
                    ));
                }
            }
        }
    }
    // A handler class named in a dict configuration.
    for literal in &file.module.literals {
        let value = text.get(literal.start..literal.end).unwrap_or("");
        if value.starts_with("logging.handlers.") && ROTATING.iter().any(|r| value.ends_with(r)) {
            seen.good
                .push(at(format!("{value} keeps log files bounded"), &file.path, literal.line));
        }
    }
}

/// The log paths a logrotate entry covers, with where it says so.
fn logrotate_patterns(ctx: &EvalContext) -> Vec<(String, String)> {
    let mut files = ctx.source.glob("/etc/logrotate.d/*").paths;
    files.push("/etc/logrotate.conf".to_string());
    let mut out = Vec::new();
    for path in files {
        let FileState::Text(text) = ctx.source.read(&path) else {
            continue;
        };
        let mut pending: Vec<String> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("");
            let (before, opens) = match line.split_once('{') {
                Some((before, _)) => (before, true),
                None => (line, false),
            };
            if line.contains('}') {
                pending.clear();
                continue;
            }
            pending.extend(
                before
                    .split_whitespace()
                    .map(|w| w.trim_matches('"').to_string())
                    .filter(|w| w.starts_with('/')),
            );
            if opens {
                for pattern in pending.drain(..) {
                    out.push((pattern, format!("{path}:{}", n + 1)));
                }
            }
        }
    }
    out
}

fn covered(log: &str, patterns: &[(String, String)]) -> Option<String> {
    patterns.iter().find_map(|(pattern, at)| {
        globset::Glob::new(pattern)
            .ok()
            .map(|g| g.compile_matcher())
            .filter(|m| m.is_match(log))
            .map(|_| at.clone())
    })
}

pub fn run(ctx: &EvalContext) -> Outcome {
    let code = match code_of(ctx) {
        Ok(code) => code,
        Err(outcome) => return outcome,
    };
    let mut seen = Seen::default();
    for file in app_files(&code) {
        configuration_in(file, &mut seen);
    }
    let patterns = logrotate_patterns(ctx);
    let mut uncovered = Vec::new();
    for (path, finding) in seen.plain {
        match path.as_deref().and_then(|p| covered(p, &patterns)) {
            Some(entry) => seen.good.push(Finding {
                message: format!("{}; logrotate rotates it ({entry})", finding.message),
                ..finding
            }),
            None => uncovered.push(finding),
        }
    }
    let under_systemd = ctx
        .target
        .app_dir_source
        .as_deref()
        .is_some_and(|how| how.starts_with("systemd unit"));
    let outcome = if !uncovered.is_empty() {
        Outcome::warn(format!(
            "the app writes {} with no rotation and no logrotate entry covering it: it grows until the disk is full",
            count(uncovered.len(), "log file")
        ))
        .with_all(in_order(uncovered))
        .with_all(in_order(seen.good))
    } else if !seen.good.is_empty() {
        Outcome::pass("the app's logs are configured and kept bounded").with_all(in_order(seen.good))
    } else if !seen.streams.is_empty() && under_systemd {
        Outcome::pass("the app logs to a stream and runs under systemd, so journald keeps and rotates its logs")
            .with_all(in_order(seen.streams))
    } else if !seen.streams.is_empty() {
        Outcome::warn("the app logs to a stream, but no systemd unit runs it, so where its logs go is unknown")
            .with_all(in_order(seen.streams))
    } else {
        Outcome::fail(format!(
            "no logging configuration in the app's {}: Python's default shows warnings on stderr only, and nothing is kept",
            count(app_files(&code).count(), "Python file")
        ))
    };
    match outcome.status {
        crate::model::Status::Fail => fail_unless_gaps(outcome, &code),
        _ => outcome,
    }
}

/// A "none found" fail is only a fail when every file was read.
fn fail_unless_gaps(outcome: Outcome, code: &crate::parse::app::code::Code) -> Outcome {
    let gaps = code.gaps();
    match gaps.first() {
        None => outcome,
        Some((_, why)) => Outcome::needs_review(format!("{}; but {why}", outcome.summary))
            .with_all(crate::eval::app::problems(gaps.iter().filter(|(at, _)| !at.is_empty()))),
    }
}
