//! The application's repository (sections deps, secrets, codesec): evaluators
//! over what the app probes collected inside the directory app discovery found.
//! - `deps.pinned`, `deps.unmaintained-crypto`, `deps.update-automation` — [`deps`];
//! - `secrets.dotenv-ignored`, `secrets.dotenv-permissions` — [`dotenv`].
//!
//! No application found: every one of them is needs_review with discovery's
//! reason (what it looked at, what it could not read).

pub mod deps;
pub mod dotenv;

use super::{EvalContext, EvaluatorDef};
use crate::evidence::memo::memoized;
use crate::evidence::Source;
use crate::model::Outcome;
use crate::parse::app::{dotenv as env, manifests};
use std::sync::Arc;

pub fn evaluators() -> Vec<EvaluatorDef> {
    vec![
        deps::pinned(),
        deps::unmaintained_crypto(),
        deps::update_automation(),
        dotenv::ignored(),
        dotenv::permissions(),
    ]
}

/// The app's directory, or the outcome every app control gives without one.
pub fn app_dir<'a>(ctx: &EvalContext<'a>) -> Result<&'a str, Outcome> {
    ctx.app().map_err(Outcome::needs_review)
}

/// A value read from the app's evidence once per scan (per directory).
fn per_app<T: Send + Sync + 'static>(
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

/// The app's .env files and their repository, read once per scan.
pub fn dotenv_of(source: &dyn Source, dir: &str) -> Arc<env::Dotenv> {
    per_app(source, "app.dotenv", dir, || env::read(source, dir))
}
