//! The application's repository (sections deps, secrets, codesec): evaluators
//! over what the app probes collected inside the directory app discovery found.
//! - `deps.pinned`, `deps.unmaintained-crypto` — [`deps`];
//! - `deps.update-automation`, `deps.vulnerability-scanning` — [`upkeep`];
//! - `codesec.static-analysis`, `codesec.tests-in-ci`, `codesec.ci-hardening` — [`codesec`];
//! - `secrets.dotenv-ignored`, `secrets.dotenv-permissions` — [`dotenv`].
//!
//! No application found: every one of them is needs_review with discovery's
//! reason (what it looked at, what it could not read).

pub mod code;
pub mod codesec;
pub mod deps;
pub mod dotenv;
pub mod upkeep;

use super::{EvalContext, EvaluatorDef};
use crate::evidence::memo::memoized;
use crate::evidence::Source;
use crate::model::Outcome;
use crate::parse::app::{dotenv as env, manifests, pipelines};
use std::sync::Arc;

pub fn evaluators() -> Vec<EvaluatorDef> {
    vec![
        deps::pinned(),
        deps::unmaintained_crypto(),
        upkeep::update_automation(),
        upkeep::vulnerability_scanning(),
        codesec::static_analysis(),
        codesec::tests_in_ci(),
        codesec::ci_hardening(),
        dotenv::ignored(),
        dotenv::permissions(),
    ]
}

/// The app's directory, or the outcome every app control gives without one.
pub fn app_dir<'a>(ctx: &EvalContext<'a>) -> Result<&'a str, Outcome> {
    ctx.app().map_err(Outcome::needs_review)
}

/// A value read from the app's evidence once per scan (per directory).
pub(crate) fn per_app<T: Send + Sync + 'static>(
    source: &dyn Source,
    key: &'static str,
    dir: &str,
    make: impl Fn() -> T,
) -> Arc<T> {
    let kept = memoized(source, key, || (dir.to_string(), Arc::new(make())));
    if kept.0 == dir {
        kept.1.clone()
    } else {
        Arc::new(make())
    }
}

/// The app's manifests, read once per scan.
pub fn manifests_of(source: &dyn Source, dir: &str) -> Arc<manifests::Manifests> {
    per_app(source, "app.manifests", dir, || manifests::read(source, dir))
}

/// The app's CI and tool configurations, read once per scan.
pub fn pipelines_of(source: &dyn Source, dir: &str) -> Arc<pipelines::Pipelines> {
    per_app(source, "app.pipelines", dir, || {
        pipelines::read(source, dir, &crate::parse::app::app_and_repo(source, dir))
    })
}

/// `path:line` (or a bare path) as a finding's location.
pub fn location(text: &str) -> crate::model::Location {
    use crate::model::Location;
    match text
        .rsplit_once(':')
        .and_then(|(path, line)| Some((path, line.parse::<u32>().ok()?)))
    {
        Some((path, line)) => Location::line(path, line),
        None => Location::file(text),
    }
}

/// `(path or path:line, why)` pairs — what could not be read or understood — as findings.
pub fn problems<'a>(items: impl IntoIterator<Item = &'a (String, String)>) -> Vec<crate::model::Finding> {
    items
        .into_iter()
        .map(|(at, why)| crate::model::Finding::at(why.clone(), location(at)))
        .collect()
}

/// `(path, why)` pairs — files there that could not be read — as findings at their paths.
pub fn unread<'a>(items: impl IntoIterator<Item = &'a (String, String)>) -> Vec<crate::model::Finding> {
    items
        .into_iter()
        .map(|(path, why)| crate::model::Finding::at(why.clone(), crate::model::Location::file(path.clone())))
        .collect()
}

/// The app's .env files and their repository, read once per scan.
pub fn dotenv_of(source: &dyn Source, dir: &str) -> Arc<env::Dotenv> {
    per_app(source, "app.dotenv", dir, || env::read(source, dir))
}
