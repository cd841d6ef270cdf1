//! `appsec.sql-injection`: SQL built from strings with data reaching a query
//! call. An argument of execute / executemany / executescript / text / raw /
//! extra / RawSQL fails when it is — or is a local variable assigned in the same
//! function from — a string that starts like SQL and was built by an f-string
//! with a placeholder, `%`, `.format()` or `+` with something not a literal.
//! Parameterised calls and literal SQL pass.

use super::{assigned, at, code_of, count, in_order, quote, unless_gaps, NEEDS};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::Outcome;
use crate::parse::python::{Built, BuiltHow, Expr, Head, Scope};

pub fn injection() -> EvaluatorDef {
    EvaluatorDef {
        name: "appsec.sql-injection",
        description: "fails when SQL built by an f-string, %, .format() or + with data reaches execute, executemany, executescript, text, raw, extra or RawSQL, directly or through a local variable",
        params: &[],
        needs: NEEDS,
        run,
    }
}

/// The calls that run or wrap SQL, by their last name.
const SINKS: &[&str] = &[
    "execute",
    "executemany",
    "executescript",
    "text",
    "raw",
    "extra",
    "RawSQL",
];

/// The words SQL statements start with.
const SQL_WORDS: &[&str] = &[
    "select", "insert", "update", "delete", "with", "replace", "merge", "create", "alter", "drop",
];

/// Whether text starts like an SQL statement (blanks and parentheses aside).
pub fn looks_like_sql(text: &str) -> bool {
    let mut start = text;
    loop {
        let trimmed = start
            .trim_start_matches(|c: char| c.is_whitespace() || c == '(')
            .trim_start_matches("\\n")
            .trim_start_matches("\\t")
            .trim_start_matches("\\r");
        if trimmed.len() == start.len() {
            break;
        }
        start = trimmed;
    }
    let word: String = start.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    SQL_WORDS.contains(&word.to_ascii_lowercase().as_str())
}

/// What a built string starts with, following a name to the literal a local
/// assignment gave it.
fn head_text(head: &Head, scope: &Scope) -> Option<String> {
    match head {
        Head::Literal(text) => Some(text.clone()),
        Head::Name(name) => assigned(scope, name).into_iter().find_map(|a| match &a.value {
            Expr::Str(text) => Some(text.clone()),
            Expr::Built(built) => head_text(&built.head, scope),
            _ => None,
        }),
        Head::Unknown => None,
    }
}

fn is_sql(built: &Built, scope: &Scope) -> bool {
    head_text(&built.head, scope).is_some_and(|h| looks_like_sql(&h))
}

/// How an argument was built as SQL, and the assignment that built it when it
/// was a local variable.
fn built_sql<'s>(argument: &Expr, scope: &'s Scope) -> Option<(BuiltHow, Option<&'s crate::parse::python::Assign>)> {
    match argument {
        Expr::Built(built) if is_sql(built, scope) => Some((built.how, None)),
        Expr::Name(name) if !name.contains('.') => {
            let starts_as_sql = assigned(scope, name).into_iter().any(|a| match &a.value {
                Expr::Str(text) => looks_like_sql(text),
                Expr::Built(built) => is_sql(built, scope),
                _ => false,
            });
            assigned(scope, name).into_iter().find_map(|a| match &a.value {
                Expr::Built(built) if is_sql(built, scope) || (a.adds && starts_as_sql) => Some((built.how, Some(a))),
                value if a.adds && starts_as_sql && !value.is_literal() => Some((BuiltHow::Concat, Some(a))),
                _ => None,
            })
        }
        _ => None,
    }
}

fn run(ctx: &EvalContext) -> Outcome {
    let code = match code_of(ctx) {
        Ok(code) => code,
        Err(outcome) => return outcome,
    };
    if code.python.is_empty() {
        return unless_gaps(
            Outcome::needs_review("no Python file was found in the app, so no query could be checked"),
            &code,
        );
    }
    let mut findings = Vec::new();
    for file in &code.python {
        for scope in &file.module.scopes {
            for call in scope.calls.iter().filter(|c| SINKS.contains(&c.method())) {
                let arguments = call.arguments().flat_map(|a| match a {
                    Expr::Seq(items) => items.iter().collect::<Vec<_>>(),
                    other => vec![other],
                });
                for argument in arguments {
                    let Some((how, via)) = built_sql(argument, scope) else {
                        continue;
                    };
                    let built = match via {
                        Some(assign) => format!(" (`{}` at line {})", quote(&file.text, assign.span), assign.span.line),
                        None => String::new(),
                    };
                    findings.push(at(
                        format!(
                            "SQL built with {} reaches {}: `{}`{built}",
                            how.describe(),
                            call.method(),
                            quote(&file.text, call.span)
                        ),
                        &file.path,
                        call.span.line,
                    ));
                    break;
                }
            }
        }
    }
    let files = count(code.python.len(), "Python file");
    if findings.is_empty() {
        return unless_gaps(
            Outcome::pass(format!(
                "no SQL built from strings reaches a query call in the app's {files}"
            )),
            &code,
        );
    }
    Outcome::fail(format!(
        "{} built from strings with data reach{} a query call (in {files}); pass the values as parameters instead",
        count(findings.len(), "SQL statement"),
        if findings.len() == 1 { "es" } else { "" }
    ))
    .with_all(in_order(findings))
}

#[cfg(test)]
mod tests {
    use super::looks_like_sql;

    #[test]
    fn statements_are_known_by_their_first_word() {
        for sql in [
            "SELECT 1",
            "  select *",
            "(SELECT a) UNION",
            "\n  WITH x AS",
            "drop table t",
            "Update t",
        ] {
            assert!(looks_like_sql(sql), "{sql}");
        }
        for not in ["Selected items", "hello", "", "selection", "{} SELECT"] {
            assert!(!looks_like_sql(not), "{not}");
        }
    }
}
