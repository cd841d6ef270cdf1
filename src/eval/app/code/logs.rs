//! The app's logging, read from its code:
//! - `logging.configured`: rotated handlers, dictConfig/fileConfig (Django's
//!   `LOGGING` setting is one), or a stream under systemd pass; a plain
//!   FileHandler / basicConfig(filename=...) that no logrotate entry covers
//!   warns; no configuration at all fails;
//! - `logging.auth-events`: a function whose name or route says login, signin,
//!   auth or token calls a logger;
//! - `logging.no-sensitive-data`: no logging or print call interpolates a name
//!   matching password|passwd|secret|token|api_key.

use super::{app_files, at, code_of, count, in_order, quote, resolved, unless_gaps, NEEDS};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::evidence::FileState;
use crate::model::{Finding, Outcome, ProbeType};
use crate::parse::app::code::PyFile;
use crate::parse::python::{Call, Expr, ScopeKind, Target};

pub fn configured() -> EvaluatorDef {
    EvaluatorDef {
        name: "logging.configured",
        description: "passes when the app configures rotated log files, dictConfig/fileConfig, or a stream under systemd (or logrotate covers its file); warns on a plain log file; fails with no logging configuration",
        params: &[],
        needs: &[ProbeType::AppCode, ProbeType::Files],
        run: run_configured,
    }
}

pub fn auth_events() -> EvaluatorDef {
    EvaluatorDef {
        name: "logging.auth-events",
        description: "passes when a function named or routed for login, signin, auth or token calls a logger; fails when such functions exist and none does",
        params: &[],
        needs: NEEDS,
        run: run_auth_events,
    }
}

pub fn no_sensitive_data() -> EvaluatorDef {
    EvaluatorDef {
        name: "logging.no-sensitive-data",
        description: "fails when a logging or print call interpolates or concatenates a name matching password, passwd, secret, token or api_key",
        params: &[],
        needs: NEEDS,
        run: run_no_sensitive_data,
    }
}

const LEVELS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
];

/// A call to a logger: a level method of `logging`, structlog or loguru, or of
/// something named like a logger (`log`, `logger`, `app.logger`, `self._log`).
pub fn is_log_call(file: &PyFile, call: &Call) -> bool {
    if !LEVELS.contains(&call.method()) {
        return false;
    }
    let full = resolved(file, call);
    let receiver = call.callee.rsplit_once('.').map_or("", |(r, _)| r);
    let last = receiver.rsplit('.').next().unwrap_or(receiver).to_ascii_lowercase();
    ["logging.", "structlog.", "loguru."]
        .iter()
        .any(|p| full.starts_with(p))
        || last.contains("log")
}

// ───────────────────────────── logging.configured ─────────────────────────────

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
        if scope.kind == ScopeKind::Module && super::debug::is_settings_module(&file.path) {
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

fn run_configured(ctx: &EvalContext) -> Outcome {
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
            .with_all(super::problems(gaps.iter().filter(|(at, _)| !at.is_empty()))),
    }
}

// ───────────────────────────── logging.auth-events ─────────────────────────────

/// Whether a name or route says authentication: login, signin, auth or token
/// as words (`log_in`, `sign_in`, `authenticate`, `/api/token`; not `author`).
pub fn says_authentication(name: &str) -> bool {
    let words = words(name);
    words.iter().enumerate().any(|(i, w)| {
        let next = words.get(i + 1).map(String::as_str);
        matches!(
            w.as_str(),
            "login"
                | "logon"
                | "signin"
                | "auth"
                | "authenticate"
                | "authentication"
                | "oauth"
                | "oauth2"
                | "token"
                | "tokens"
                | "jwt"
        ) || (matches!(w.as_str(), "log" | "sign") && next == Some("in"))
    })
}

fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut lower_before = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            lower_before = false;
            continue;
        }
        if c.is_ascii_uppercase() && lower_before {
            out.push(std::mem::take(&mut word));
        }
        lower_before = c.is_ascii_lowercase();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The route a decorator gives a function (`@app.post("/token")`), if any.
fn route_of(decorator: &Expr) -> Option<&str> {
    let call = decorator.as_call()?;
    let routes = [
        "route",
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "api_route",
        "websocket",
    ];
    routes
        .contains(&call.method())
        .then(|| call.args.first().and_then(Expr::as_str))?
}

fn run_auth_events(ctx: &EvalContext) -> Outcome {
    let code = match code_of(ctx) {
        Ok(code) => code,
        Err(outcome) => return outcome,
    };
    let (mut logging, mut silent) = (Vec::new(), Vec::new());
    for file in app_files(&code) {
        for function in file.module.functions() {
            let route = function.decorators.iter().find_map(route_of);
            if !says_authentication(&function.name) && !route.is_some_and(says_authentication) {
                continue;
            }
            let named = match route {
                Some(route) => format!("{} ({route})", function.name),
                None => function.name.clone(),
            };
            match function.calls.iter().find(|c| is_log_call(file, c)) {
                Some(call) => logging.push(at(
                    format!("{named} logs: `{}`", quote(&file.text, call.span)),
                    &file.path,
                    call.span.line,
                )),
                None => silent.push(at(
                    format!("{named} handles authentication and logs nothing"),
                    &file.path,
                    function.span.line,
                )),
            }
        }
    }
    if !logging.is_empty() {
        return Outcome::pass(format!(
            "{} of the app's authentication code log{}",
            count(logging.len(), "function"),
            if logging.len() == 1 { "s" } else { "" }
        ))
        .with_all(in_order(logging))
        .with_all(in_order(silent));
    }
    if !silent.is_empty() {
        return Outcome::fail(format!(
            "none of the app's {} handling authentication logs: failed sign-ins, password guessing and token abuse leave no trace",
            count(silent.len(), "function")
        ))
        .with_all(in_order(silent));
    }
    let outcome = Outcome::needs_review(
        "no function named or routed for login, signin, auth or token was found in the app: the auditor confirms where sign-ins are handled and logged",
    );
    outcome.with_all(super::problems(code.gaps().iter().filter(|(at, _)| !at.is_empty())))
}

// ───────────────────────────── logging.no-sensitive-data ─────────────────────────────

fn is_sensitive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["password", "passwd", "secret", "token", "api_key", "apikey"]
        .iter()
        .any(|w| lower.contains(w))
}

/// The names a logging or print call puts into its message: the parts of a
/// built message, and every argument after it.
fn interpolated(call: &Call) -> Vec<String> {
    let mut names = Vec::new();
    let mut args = call.args.iter();
    if call.method() != "print" {
        if let Some(Expr::Built(built)) = args.next() {
            names.extend(built.parts.iter().flat_map(Expr::names));
        }
    }
    for arg in args {
        match arg {
            Expr::Built(built) => names.extend(built.parts.iter().flat_map(Expr::names)),
            other => names.extend(other.names()),
        }
    }
    for (name, value) in &call.kwargs {
        if !matches!(
            name.as_str(),
            "exc_info" | "stack_info" | "stacklevel" | "file" | "flush" | "sep" | "end"
        ) {
            names.extend(value.names());
        }
    }
    names
}

fn run_no_sensitive_data(ctx: &EvalContext) -> Outcome {
    let code = match code_of(ctx) {
        Ok(code) => code,
        Err(outcome) => return outcome,
    };
    let mut findings = Vec::new();
    for file in app_files(&code) {
        for scope in &file.module.scopes {
            for call in &scope.calls {
                let printing = call.callee == "print";
                if !printing && !is_log_call(file, call) {
                    continue;
                }
                if let Some(name) = interpolated(call).into_iter().find(|n| is_sensitive(n)) {
                    findings.push(at(
                        format!("`{name}` goes into a log message: `{}`", quote(&file.text, call.span)),
                        &file.path,
                        call.span.line,
                    ));
                }
            }
        }
    }
    if findings.is_empty() {
        return unless_gaps(
            Outcome::pass(format!(
                "no logging or print call in the app's {} puts a password, secret or token into its message",
                count(app_files(&code).count(), "Python file")
            )),
            &code,
        );
    }
    Outcome::fail(format!(
        "{} put{} a password, secret or token into the logs, where anyone who reads them finds it",
        count(findings.len(), "logging call"),
        if findings.len() == 1 { "s" } else { "" }
    ))
    .with_all(in_order(findings))
}

#[cfg(test)]
mod tests {
    use super::says_authentication;

    #[test]
    fn authentication_is_known_by_its_words() {
        for yes in [
            "login",
            "login_view",
            "signIn",
            "sign_in",
            "log_in",
            "authenticate_user",
            "/api/token",
            "/auth/callback",
            "refresh_tokens",
            "LoginView",
        ] {
            assert!(says_authentication(yes), "{yes}");
        }
        for no in [
            "author_detail",
            "authors",
            "logout",
            "catalog",
            "tokenize_text",
            "signal",
        ] {
            assert!(!says_authentication(no), "{no}");
        }
    }
}
