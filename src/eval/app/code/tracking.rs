//! `monitoring.error-tracking`: an error tracker (sentry-sdk, rollbar, bugsnag,
//! honeybadger) that is a dependency of the app and initialised in its code
//! (`sentry_sdk.init`, `rollbar.init`, `bugsnag.configure`,
//! `honeybadger.configure`, or Django's ROLLBAR / BUGSNAG / HONEYBADGER
//! settings) passes; a dependency never initialised, or none, warns.

use super::{app_files, at, code_of, in_order, quote, resolved};
use crate::eval::app::{location, manifests_of};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Outcome, ProbeType};
use crate::parse::python::{ScopeKind, Target};

pub fn error_tracking() -> EvaluatorDef {
    EvaluatorDef {
        name: "monitoring.error-tracking",
        description: "passes when sentry-sdk, rollbar, bugsnag or honeybadger is a dependency and initialised in the app's code; warns otherwise",
        params: &[],
        needs: &[ProbeType::AppCode, ProbeType::AppDependencies],
        run,
    }
}

/// The trackers: the distribution's name, and the calls or settings that start it.
const TRACKERS: &[(&str, &[&str], &str)] = &[
    ("sentry-sdk", &["sentry_sdk.init"], ""),
    ("raven", &["raven.Client"], ""),
    ("rollbar", &["rollbar.init"], "ROLLBAR"),
    ("bugsnag", &["bugsnag.configure"], "BUGSNAG"),
    (
        "honeybadger",
        &["honeybadger.configure", "honeybadger.honeybadger.configure"],
        "HONEYBADGER",
    ),
];

fn run(ctx: &EvalContext) -> Outcome {
    let code = match code_of(ctx) {
        Ok(code) => code,
        Err(outcome) => return outcome,
    };
    let dir = match crate::eval::app::app_dir(ctx) {
        Ok(dir) => dir,
        Err(outcome) => return outcome,
    };
    let manifests = manifests_of(ctx.source, dir);
    let mut declared: Vec<(&str, Finding)> = Vec::new();
    for (name, _, _) in TRACKERS {
        if let Some(requirements) = &manifests.requirements {
            for line in requirements
                .lines
                .iter()
                .filter(|l| !l.constraint && l.name().as_deref() == Some(name))
            {
                declared.push((
                    name,
                    Finding::at(format!("`{}` requires {name}", line.text), location(&line.location())),
                ));
            }
        }
        for d in manifests.declared.iter().filter(|d| d.name == *name) {
            declared.push((
                name,
                Finding::at(format!("`{}` requires {name}", d.text), location(&d.location())),
            ));
        }
    }
    let mut started: Vec<(&str, Finding)> = Vec::new();
    for file in app_files(&code) {
        for scope in &file.module.scopes {
            for call in &scope.calls {
                let full = resolved(file, call);
                if let Some((name, _, _)) = TRACKERS.iter().find(|(_, calls, _)| calls.contains(&full.as_str())) {
                    let shown = quote(&file.text, call.span);
                    started.push((
                        name,
                        at(format!("{name} is initialised: `{shown}`"), &file.path, call.span.line),
                    ));
                }
            }
            if scope.kind != ScopeKind::Module {
                continue;
            }
            for assign in &scope.assigns {
                let Target::Name(setting) = &assign.target else {
                    continue;
                };
                if let Some((name, _, _)) = TRACKERS.iter().find(|(_, _, s)| !s.is_empty() && s == setting) {
                    started.push((
                        name,
                        at(
                            format!("{name} is configured by the {setting} setting"),
                            &file.path,
                            assign.span.line,
                        ),
                    ));
                }
            }
        }
    }
    let initialised: Vec<Finding> = started
        .iter()
        .filter(|(name, _)| declared.iter().any(|(d, _)| d == name))
        .map(|(_, f)| f.clone())
        .collect();
    let declared_findings: Vec<Finding> = declared.iter().map(|(_, f)| f.clone()).collect();
    if !initialised.is_empty() {
        return Outcome::pass("an error tracker is a dependency and is initialised in the app's code")
            .with_all(in_order(initialised))
            .with_all(declared_findings);
    }
    if !declared.is_empty() {
        return Outcome::warn(
            "an error tracker is a dependency but the app's code never initialises it: errors are not reported",
        )
        .with_all(declared_findings)
        .with_all(in_order(started.into_iter().map(|(_, f)| f).collect()));
    }
    Outcome::warn(
        "no error tracker (sentry-sdk, rollbar, bugsnag, honeybadger) is a dependency of the app: errors reach only its logs",
    )
    .with_all(in_order(started.into_iter().map(|(_, f)| f).collect()))
}
