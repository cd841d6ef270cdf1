//! How the app is configured:
//! - `secrets.env-config`: settings read from os.environ / os.getenv /
//!   python-dotenv / python-decouple / environs / dynaconf (or pydantic-settings
//!   and django-environ, which read the environment), and secrets.hardcoded
//!   passes; needs review otherwise (a secrets manager is the auditor's to see);
//! - `config.separated`: dynaconf, configparser, pydantic-settings, settings
//!   modules or classes per environment, or an .env.example, and
//!   secrets.hardcoded passes; needs review otherwise.

use super::{app_files, at, code_of, in_order, quote, resolved, secrets};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Outcome, Status};
use crate::parse::app::code::Code;
use crate::parse::python::Expr;

pub fn env_config() -> EvaluatorDef {
    EvaluatorDef {
        name: "secrets.env-config",
        description: "passes when the app reads its settings from the environment (os.environ, python-dotenv, decouple, environs, dynaconf) and no secret is hard-coded",
        params: &[],
        needs: super::NEEDS,
        run: run_env_config,
    }
}

pub fn separated() -> EvaluatorDef {
    EvaluatorDef {
        name: "config.separated",
        description: "passes when the app keeps configuration apart per environment (dynaconf, configparser, pydantic-settings, settings per environment, .env.example) and no secret is hard-coded",
        params: &[],
        needs: super::NEEDS,
        run: run_separated,
    }
}

/// The pydantic-settings base a class derives from (`BaseSettings` by its
/// module's name), if it has one.
fn settings_base(file: &crate::parse::app::code::PyFile, scope: &crate::parse::python::Scope) -> Option<String> {
    scope
        .bases
        .iter()
        .map(|base| file.module.resolve(base))
        .find(|full| full.starts_with("pydantic_settings.") || full == "pydantic.BaseSettings")
}

/// The places the app reads settings from the environment.
fn environment_reads(code: &Code) -> Vec<Finding> {
    let mut found = Vec::new();
    for file in app_files(code) {
        for scope in &file.module.scopes {
            for call in &scope.calls {
                let full = resolved(file, call);
                let reads = matches!(
                    full.as_str(),
                    "os.getenv"
                        | "os.environ.get"
                        | "dotenv.load_dotenv"
                        | "dotenv.dotenv_values"
                        | "decouple.config"
                        | "decouple.AutoConfig"
                        | "environs.Env"
                        | "environ.Env"
                        | "dynaconf.Dynaconf"
                        | "dynaconf.LazySettings"
                        | "dynaconf.FlaskDynaconf"
                ) || full.starts_with("environ.Env.");
                if reads {
                    found.push(at(
                        format!("settings come from the environment: `{}`", quote(&file.text, call.span)),
                        &file.path,
                        call.span.line,
                    ));
                }
            }
            for assign in &scope.assigns {
                let from_environ =
                    matches!(&assign.value, Expr::Item { base, .. } if **base == Expr::Name("os.environ".into()));
                if from_environ {
                    found.push(at(
                        format!(
                            "settings come from the environment: `{}`",
                            quote(&file.text, assign.span)
                        ),
                        &file.path,
                        assign.span.line,
                    ));
                }
            }
            if let Some(full) = settings_base(file, scope) {
                found.push(at(
                    format!("class {} reads settings from the environment ({full})", scope.name),
                    &file.path,
                    scope.span.line,
                ));
            }
        }
    }
    found
}

/// What says settings are kept apart per environment.
fn separation(code: &Code) -> Vec<Finding> {
    let mut found = Vec::new();
    let environments = [
        "production",
        "prod",
        "staging",
        "development",
        "dev",
        "local",
        "test",
        "testing",
    ];
    for file in app_files(code) {
        let mut parts = file.path.rsplit('/');
        let stem = parts.next().unwrap_or("").trim_end_matches(".py");
        let folder = parts.next().unwrap_or("");
        let per_environment = (folder == "settings" || folder == "config") && environments.contains(&stem)
            || ["settings_", "config_"]
                .iter()
                .any(|p| stem.strip_prefix(p).is_some_and(|e| environments.contains(&e)));
        if per_environment {
            found.push(at("a settings module per environment", &file.path, 1));
        }
        for scope in &file.module.scopes {
            let lower = scope.name.to_ascii_lowercase();
            let class_per_env = scope.kind == crate::parse::python::ScopeKind::Class
                && (lower.ends_with("config") || lower.ends_with("settings"))
                && environments.iter().any(|e| lower.starts_with(e));
            if class_per_env {
                found.push(at(
                    format!("class {} holds one environment's settings", scope.name),
                    &file.path,
                    scope.span.line,
                ));
            }
            if settings_base(file, scope).is_some() {
                found.push(at(
                    format!("class {} is pydantic-settings", scope.name),
                    &file.path,
                    scope.span.line,
                ));
            }
            for call in &scope.calls {
                let full = resolved(file, call);
                if full.starts_with("dynaconf.") || full == "configparser.ConfigParser" {
                    found.push(at(format!("{full} loads the settings"), &file.path, call.span.line));
                }
            }
        }
    }
    for config in &code.configs {
        let name = config.path.rsplit('/').next().unwrap_or("");
        if name.starts_with(".env.") {
            found.push(Finding::at(
                format!("{name} documents the settings each environment sets"),
                crate::model::Location::file(config.path.clone()),
            ));
        }
    }
    found
}

/// Pass when `evidence` is found and no secret is hard-coded; else needs review.
fn judged(code: &Code, evidence: Vec<Finding>, pass: &str, none: &str) -> Outcome {
    let hardcoded = secrets::judge(code);
    if evidence.is_empty() {
        return Outcome::needs_review(none.to_string());
    }
    match hardcoded.status {
        Status::Pass => Outcome::pass(pass.to_string()).with_all(in_order(evidence)),
        _ => Outcome::needs_review(format!(
            "{pass}, but secrets.hardcoded does not pass ({})",
            hardcoded.summary
        ))
        .with_all(in_order(evidence)),
    }
}

fn run_env_config(ctx: &EvalContext) -> Outcome {
    match code_of(ctx) {
        Ok(code) => judged(
            &code,
            environment_reads(&code),
            "the app reads its settings from the environment",
            "the app's code reads no setting from the environment (os.environ, python-dotenv, decouple, environs, dynaconf): the auditor confirms where its secrets come from (a secrets manager?)",
        ),
        Err(outcome) => outcome,
    }
}

fn run_separated(ctx: &EvalContext) -> Outcome {
    match code_of(ctx) {
        Ok(code) => judged(
            &code,
            separation(&code),
            "the app keeps its configuration apart from its code, per environment",
            "nothing in the app keeps settings per environment (dynaconf, configparser, pydantic-settings, settings modules or classes per environment, an .env.example): the auditor confirms how production differs from development",
        ),
        Err(outcome) => outcome,
    }
}
