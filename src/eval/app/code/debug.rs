//! `appsec.debug-mode`: debug off in production. Fails on `app.run(debug=True)`
//! (any `.run(...)`, and `FastAPI(debug=True)` and its kin),
//! `app.config.update(DEBUG=True)` / `from_mapping(DEBUG=True)`, `DEBUG = True` in a settings module or a configuration
//! class that is not a development one, `app.debug = True`,
//! `app.config["DEBUG"] = True`, and FLASK_DEBUG / DJANGO_DEBUG (or DEBUG)
//! switched on in the app's .env or the `Environment=` of the systemd unit
//! running it.

use super::{at, code_of, count, in_order, quote, unless_gaps, NEEDS};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::evidence::FileState;
use crate::model::{Finding, Outcome};
use crate::parse::app::code::PyFile;
use crate::parse::python::{Expr, ScopeKind, Target};
use crate::parse::systemd::{self, parse_unit};

pub fn mode() -> EvaluatorDef {
    EvaluatorDef {
        name: "appsec.debug-mode",
        description: "fails on app.run(debug=True), DEBUG = True in a settings module, or FLASK_DEBUG / DJANGO_DEBUG on in the app's systemd unit",
        params: &[],
        needs: NEEDS,
        run,
    }
}

/// Whether a name reads as development, local or test configuration.
fn is_development(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["dev", "local", "test", "debug"].iter().any(|w| lower.contains(w))
}

/// A settings module: a file named for settings or configuration, or in a
/// folder so named — not a development one.
pub fn is_settings_module(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    let file = parts.next().unwrap_or("").trim_end_matches(".py");
    let folder = parts.next().unwrap_or("");
    let named = |s: &str| s.contains("settings") || s.contains("config") || s == "conf";
    (named(file) || named(folder)) && !is_development(file)
}

fn is_true(value: &str) -> bool {
    matches!(value.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")
}

fn in_python(file: &PyFile, findings: &mut Vec<Finding>) {
    let module = &file.module;
    for scope in &module.scopes {
        for call in &scope.calls {
            let debug_kwarg = call.kwarg("debug") == Some(&Expr::Bool(true));
            let app_made_debug = matches!(call.method(), "run" | "FastAPI" | "Starlette" | "Quart" | "Sanic");
            let config_set = matches!(call.method(), "update" | "from_mapping") && call.callee.contains("config");
            let on = app_made_debug && debug_kwarg || config_set && call.kwarg("DEBUG") == Some(&Expr::Bool(true));
            if on {
                findings.push(at(
                    format!("debug mode is switched on: `{}`", quote(&file.text, call.span)),
                    &file.path,
                    call.span.line,
                ));
            }
        }
        for assign in scope.assigns.iter().filter(|a| a.value == Expr::Bool(true)) {
            let debug_setting = match (&assign.target, scope.kind) {
                (Target::Name(name), ScopeKind::Module) if name == "DEBUG" => is_settings_module(&file.path),
                (Target::Name(name), ScopeKind::Class) if name == "DEBUG" => !is_development(&scope.name),
                (Target::Name(name), _) => name.ends_with(".debug") && name.matches('.').count() == 1,
                (Target::Item { base, key }, _) => key == "DEBUG" && base.ends_with("config"),
                (Target::Other, _) => false,
            };
            if debug_setting {
                let within = match scope.kind {
                    ScopeKind::Class => format!(" in class {}", scope.name),
                    _ => String::new(),
                };
                findings.push(at(
                    format!(
                        "debug mode is switched on{within}: `{}`",
                        quote(&file.text, assign.span)
                    ),
                    &file.path,
                    assign.span.line,
                ));
            }
        }
    }
}

/// The switches that turn debug on from the environment.
const SWITCHES: &[&str] = &["FLASK_DEBUG", "DJANGO_DEBUG", "DEBUG"];

/// FLASK_DEBUG / DJANGO_DEBUG (or DEBUG, which django-environ and decouple
/// settings read) on in the app's .env. Its other values are redacted; these
/// are booleans, which redaction keeps.
fn in_env_file(ctx: &EvalContext, dir: &str, findings: &mut Vec<Finding>) {
    let path = crate::parse::app::code::env_file(dir);
    let FileState::Text(text) = ctx.source.read(&path) else {
        return;
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        let assignment = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = assignment.split_once('=') else {
            continue;
        };
        let value = value
            .split(" #")
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(|c| c == '"' || c == '\'');
        if SWITCHES.contains(&key.trim()) && is_true(value) {
            findings.push(at(
                format!("{}={value} in the app's .env", key.trim()),
                &path,
                u32::try_from(n + 1).unwrap_or(u32::MAX),
            ));
        }
    }
}

/// FLASK_DEBUG / DJANGO_DEBUG on in the units that run the app from `dir`.
fn in_units(ctx: &EvalContext, dir: &str, findings: &mut Vec<Finding>) {
    for path in ctx.source.glob(crate::parse::app::discovery::UNITS).paths {
        let FileState::Text(text) = ctx.source.read(&path) else {
            continue;
        };
        let directives = parse_unit(&text);
        let runs_here = systemd::values(&directives, "Service", "WorkingDirectory")
            .last()
            .is_some_and(|d| d.value.trim_start_matches('-').trim_end_matches('/') == dir.trim_end_matches('/'));
        if !runs_here {
            continue;
        }
        for directive in systemd::values(&directives, "Service", "Environment") {
            for pair in shlex::split(&directive.value).unwrap_or_default() {
                let Some((key, value)) = pair.split_once('=') else {
                    continue;
                };
                if SWITCHES.contains(&key) && is_true(value) {
                    findings.push(at(
                        format!("{key}={value} in the Environment= of the unit running the app"),
                        &path,
                        directive.line,
                    ));
                }
            }
        }
    }
}

fn run(ctx: &EvalContext) -> Outcome {
    let code = match code_of(ctx) {
        Ok(code) => code,
        Err(outcome) => return outcome,
    };
    let mut findings = Vec::new();
    for file in &code.python {
        in_python(file, &mut findings);
    }
    if let Some(dir) = ctx.app_dir() {
        in_units(ctx, dir, &mut findings);
        in_env_file(ctx, dir, &mut findings);
    }
    let read = count(code.python.len(), "Python file");
    if findings.is_empty() {
        return unless_gaps(
            Outcome::pass(format!(
                "debug mode is not switched on in the app's {read} or the unit that runs it"
            )),
            &code,
        );
    }
    Outcome::fail(format!(
        "debug mode is switched on in {} ({read} read): a debugger or detailed errors reach anyone who can make the app fail",
        count(findings.len(), "place")
    ))
    .with_all(in_order(findings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_modules_are_known_by_name_and_development_ones_are_not_judged() {
        for settings in [
            "/srv/a/settings.py",
            "/srv/a/shop/settings/production.py",
            "/srv/a/config.py",
            "/srv/a/prod_settings.py",
        ] {
            assert!(is_settings_module(settings), "{settings}");
        }
        for not in [
            "/srv/a/views.py",
            "/srv/a/settings/dev.py",
            "/srv/a/local_settings.py",
            "/srv/a/settings_test.py",
        ] {
            assert!(!is_settings_module(not), "{not}");
        }
    }
}
