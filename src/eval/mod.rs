//! Evaluators: pure functions from collected evidence (a `Source`) to an `Outcome`.
//! Each domain module lists its evaluators and its domain collectors (probe kinds
//! that follow includes); this module gathers them into one registry by name.

pub mod apt;
pub mod firewall;
pub mod generic;
pub mod host;
pub mod params;
pub mod sshd;

use crate::evidence::Source;
use crate::model::{Outcome, Target};
use chrono::{DateTime, Utc};
pub use params::{ParamDef, ParamKind, Params};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// What an evaluator sees: the target's collected evidence, the evaluation time and
/// the parameters the checklist gave it. No I/O happens through it.
pub struct EvalContext<'a> {
    pub source: &'a dyn Source,
    pub as_of: DateTime<Utc>,
    pub params: &'a Params,
    /// The audited target (its name and `--root`).
    pub target: &'a Target,
    /// The Python application's directory on the target; None until discovered.
    pub app_dir: Option<&'a str>,
}

/// The target of contexts made without one (unit tests, tools): unnamed, no root, no app.
static NO_TARGET: Target = Target {
    name: String::new(),
    root: None,
    app_dir: None,
    app_dir_source: None,
};

impl<'a> EvalContext<'a> {
    /// A context over `source` at `as_of` with `params`, for no particular target.
    pub fn new(source: &'a dyn Source, as_of: DateTime<Utc>, params: &'a Params) -> Self {
        EvalContext {
            source,
            as_of,
            params,
            target: &NO_TARGET,
            app_dir: None,
        }
    }
}

/// A named evaluator a checklist can use.
pub struct EvaluatorDef {
    pub name: &'static str,
    /// One line: what it decides.
    pub description: &'static str,
    pub params: &'static [ParamDef],
    /// Probe kinds the control must declare for this evaluator to see its evidence.
    pub needs: &'static [&'static str],
    pub run: fn(&EvalContext) -> Outcome,
}

/// A domain probe kind: reads what a configuration needs (following its includes)
/// through the source, which records every read as evidence.
pub struct CollectorDef {
    pub kind: &'static str,
    pub description: &'static str,
    pub params: &'static [ParamDef],
    pub collect: fn(&dyn Source, &Params),
}

fn all_evaluators() -> Vec<EvaluatorDef> {
    let mut all = Vec::new();
    all.extend(sshd::evaluators());
    all.extend(firewall::evaluators());
    all.extend(apt::evaluators());
    all.extend(host::evaluators());
    all.extend(generic::evaluators());
    all
}

fn all_collectors() -> Vec<CollectorDef> {
    let mut all = Vec::new();
    all.extend(sshd::collectors());
    all.extend(firewall::collectors());
    all.extend(apt::collectors());
    all.extend(host::collectors());
    all
}

/// The evaluator registry, by name.
pub fn evaluators() -> &'static BTreeMap<&'static str, EvaluatorDef> {
    static REGISTRY: OnceLock<BTreeMap<&'static str, EvaluatorDef>> = OnceLock::new();
    REGISTRY.get_or_init(|| all_evaluators().into_iter().map(|e| (e.name, e)).collect())
}

/// The domain collector registry, by probe kind.
pub fn collectors() -> &'static BTreeMap<&'static str, CollectorDef> {
    static REGISTRY: OnceLock<BTreeMap<&'static str, CollectorDef>> = OnceLock::new();
    REGISTRY.get_or_init(|| all_collectors().into_iter().map(|c| (c.kind, c)).collect())
}

pub fn evaluator(name: &str) -> Option<&'static EvaluatorDef> {
    evaluators().get(name)
}

pub fn collector(kind: &str) -> Option<&'static CollectorDef> {
    collectors().get(kind)
}
