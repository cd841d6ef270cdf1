//! `appsec.template-escaping`: auto-escaping kept on. In templates (*.html,
//! *.htm, *.jinja, *.jinja2, *.j2), `{% autoescape false %}` (Django's `off`)
//! fails and `|safe` on a value that is not a literal warns; in Python,
//! render_template_string or Template(...) given a string built from
//! non-literals fails, and Markup / mark_safe on a non-literal warns, as does a
//! Jinja `Environment` made without autoescape (Jinja's own default is off).

use super::{assigned, at, code_of, count, in_order, quote, unless_gaps, NEEDS};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Outcome, Status};
use crate::parse::app::code::PyFile;
use crate::parse::python::{Call, Expr, Scope};

pub fn escaping() -> EvaluatorDef {
    EvaluatorDef {
        name: "appsec.template-escaping",
        description: "fails on {% autoescape false %} or a template rendered from a built string; warns on |safe, Markup or mark_safe applied to a value that is not a literal",
        params: &[],
        needs: NEEDS,
        run,
    }
}

/// Whether a template source handed to a renderer was built from non-literals
/// (directly, or in a local assigned in the same function).
fn built_template(argument: &Expr, scope: &Scope) -> bool {
    match argument {
        Expr::Built(_) => true,
        Expr::Name(name) if !name.contains('.') => assigned(scope, name)
            .into_iter()
            .any(|a| matches!(a.value, Expr::Built(_)) || (a.adds && !a.value.is_literal())),
        _ => false,
    }
}

/// The escape hatch a call is, once its name is resolved through imports.
fn marks_safe(file: &PyFile, call: &Call) -> bool {
    let resolved = file.module.resolve(&call.callee);
    matches!(call.method(), "Markup" | "mark_safe")
        && (resolved.ends_with("markupsafe.Markup")
            || resolved.ends_with("jinja2.Markup")
            || resolved.ends_with("flask.Markup")
            || resolved.ends_with("django.utils.safestring.mark_safe")
            || resolved == "Markup"
            || resolved == "mark_safe")
}

fn in_python(file: &PyFile, fails: &mut Vec<Finding>, warns: &mut Vec<Finding>) {
    for scope in &file.module.scopes {
        for call in &scope.calls {
            let shown = || quote(&file.text, call.span);
            let first = call.args.first();
            match call.method() {
                "render_template_string" | "Template" if first.is_some_and(|a| built_template(a, scope)) => {
                    fails.push(at(
                        format!("a template is made from a string built from data (template injection, and no escaping of what was built in): `{}`", shown()),
                        &file.path,
                        call.span.line,
                    ));
                }
                _ if marks_safe(file, call) && first.is_some_and(|a| !a.is_literal()) => {
                    warns.push(at(
                        format!(
                            "{} marks a value that is not a literal as safe HTML: `{}`",
                            call.method(),
                            shown()
                        ),
                        &file.path,
                        call.span.line,
                    ));
                }
                "Environment"
                    if file.module.resolve(&call.callee).starts_with("jinja2")
                        && call
                            .kwarg("autoescape")
                            .is_none_or(|v| matches!(v, Expr::Bool(false) | Expr::None)) =>
                {
                    warns.push(at(
                        format!(
                            "a Jinja Environment is made without autoescape (Jinja's default is off): `{}`",
                            shown()
                        ),
                        &file.path,
                        call.span.line,
                    ));
                }
                _ => {}
            }
        }
    }
}

fn run(ctx: &EvalContext) -> Outcome {
    let code = match code_of(ctx) {
        Ok(code) => code,
        Err(outcome) => return outcome,
    };
    let (mut fails, mut warns) = (Vec::new(), Vec::new());
    for template in &code.templates {
        for line in &template.template.autoescape_off {
            fails.push(at("auto-escaping is switched off", &template.path, *line));
        }
        for safe in template.template.safe.iter().filter(|s| !s.literal) {
            warns.push(at(
                format!("`{}` is marked safe: it is not escaped", safe.subject),
                &template.path,
                safe.line,
            ));
        }
    }
    let mut gaps: Vec<(String, String)> = code
        .templates
        .iter()
        .filter_map(|t| {
            t.template.error.as_ref().map(|(line, why)| {
                (
                    format!("{}:{line}", t.path),
                    format!("{}:{line}: {why}; the rest of the template was not read", t.path),
                )
            })
        })
        .collect();
    for file in &code.python {
        in_python(file, &mut fails, &mut warns);
    }
    let read = format!(
        "{} and {}",
        count(code.templates.len(), "template"),
        count(code.python.len(), "Python file")
    );
    let outcome = if !fails.is_empty() {
        Outcome::fail(format!(
            "auto-escaping is off or bypassed in {} ({read} read)",
            count(fails.len(), "place")
        ))
        .with_all(in_order(fails))
        .with_all(in_order(warns))
    } else if !warns.is_empty() {
        Outcome::warn(format!(
            "{} mark{} values that are not literals as safe HTML ({read} read); check each is escaped or sanitised first",
            count(warns.len(), "place"),
            if warns.len() == 1 { "s" } else { "" }
        ))
        .with_all(in_order(warns))
    } else if code.templates.is_empty() {
        Outcome::pass(format!(
            "no template found and nothing in the app's {} bypasses escaping",
            count(code.python.len(), "Python file")
        ))
    } else {
        Outcome::pass(format!("auto-escaping stays on in the app's {read}"))
    };
    if outcome.status == Status::Pass && !gaps.is_empty() {
        let why = gaps.remove(0).1;
        return Outcome::needs_review(format!("{}; but {why}", outcome.summary));
    }
    unless_gaps(outcome, &code)
}
