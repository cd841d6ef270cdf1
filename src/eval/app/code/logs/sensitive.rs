//! `logging.no-sensitive-data`: no logging or print call interpolates a name
//! matching password, passwd, secret, token or api_key.

use super::super::{app_files, at, code_of, count, in_order, quote, unless_gaps};
use super::is_log_call;
use crate::eval::EvalContext;
use crate::model::Outcome;
use crate::parse::python::{Call, Expr};

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

pub fn run(ctx: &EvalContext) -> Outcome {
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
