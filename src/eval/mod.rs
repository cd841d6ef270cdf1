//! Evaluators: pure functions from collected evidence (a `Source`) to an `Outcome`.
//! Each family (sshd, firewall, apt, host, generic) lists its evaluators; `FAMILIES`
//! gathers them into one registry by name that refuses duplicates. Evaluators read
//! through `parse` and `evidence` and never do I/O; eval imports neither probes nor
//! the engine.

pub mod app;
pub mod apt;
pub mod firewall;
pub mod generic;
pub mod host;
pub mod sshd;
pub mod web;

use crate::evidence::Source;
use crate::model::{Outcome, ParamDef, Params, ProbeType, Target};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// What an evaluator sees: the target's collected evidence, the evaluation time and
/// the parameters the checklist gave it. No I/O happens through it.
pub struct EvalContext<'a> {
    pub source: &'a dyn Source,
    pub as_of: DateTime<Utc>,
    pub params: &'a Params,
    /// The audited target: its name, `--root`, and the application's directory
    /// once discovered (see `app_dir`).
    pub target: &'a Target,
}

/// The target of contexts made without one (unit tests, tools): unnamed, no root, no app.
static NO_TARGET: Target = Target {
    name: String::new(),
    root: None,
    app_dir: None,
    app_dir_source: None,
    app_unfound: None,
    host_key: None,
};

impl<'a> EvalContext<'a> {
    /// A context over `source` at `as_of` with `params`, for no particular target.
    pub fn new(source: &'a dyn Source, as_of: DateTime<Utc>, params: &'a Params) -> Self {
        EvalContext {
            source,
            as_of,
            params,
            target: &NO_TARGET,
        }
    }

    /// The Python application's directory on the target; None until discovered.
    pub fn app_dir(&self) -> Option<&'a str> {
        self.target.app_dir.as_deref()
    }

    /// The application's directory, or why there is none to judge (the reason an
    /// app control gives when it leaves the question to the auditor).
    pub fn app(&self) -> Result<&'a str, String> {
        match (&self.target.app_dir, &self.target.app_unfound) {
            (Some(dir), _) => Ok(dir),
            (None, Some(why)) => Err(format!("no Python application found: {why}")),
            (None, None) => Err("no Python application found: app discovery did not run".to_string()),
        }
    }
}

/// A named evaluator a checklist can use.
pub struct EvaluatorDef {
    pub name: &'static str,
    /// One line: what it decides.
    pub description: &'static str,
    pub params: &'static [ParamDef],
    /// Probe types the control must declare for this evaluator to see its evidence.
    pub needs: &'static [ProbeType],
    pub run: fn(&EvalContext) -> Outcome,
}

/// A family of evaluators: its name and the function that lists them.
pub type Family = (&'static str, fn() -> Vec<EvaluatorDef>);

/// Every evaluator family: the one list where evaluators are registered.
const FAMILIES: &[Family] = &[
    ("sshd", sshd::evaluators),
    ("firewall", firewall::evaluators),
    ("apt", apt::evaluators),
    ("host", host::evaluators),
    ("web", web::evaluators),
    ("app", app::evaluators),
    ("code", app::code::evaluators),
    ("generic", generic::evaluators),
];

/// The evaluators a checklist may name, by name.
pub struct Registry {
    by_name: BTreeMap<&'static str, EvaluatorDef>,
}

impl Registry {
    /// Gather the families' evaluators; two of one name are refused, naming both
    /// families, since a checklist naming it would get one of them silently.
    pub fn build(families: &[Family]) -> Result<Registry, String> {
        let mut by_name = BTreeMap::new();
        let mut family_of: BTreeMap<&'static str, &str> = BTreeMap::new();
        for (family, list) in families {
            for def in list() {
                if let Some(first) = family_of.insert(def.name, family) {
                    return Err(format!(
                        "evaluator `{}` is registered twice: by the {first} and the {family} family",
                        def.name
                    ));
                }
                by_name.insert(def.name, def);
            }
        }
        Ok(Registry { by_name })
    }

    pub fn get(&self, name: &str) -> Option<&EvaluatorDef> {
        self.by_name.get(name)
    }

    /// Every evaluator, by name.
    pub fn iter(&self) -> impl Iterator<Item = &EvaluatorDef> {
        self.by_name.values()
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.by_name.keys().copied()
    }
}

/// A built-in evaluator by name.
/// What each evaluator may say the evidence settles (see `Outcome::facts`), for
/// checklists' `prefill` to name: the fact, and the values it takes.
pub const FACTS: &[(&str, &str, &[&str])] = &[
    ("backup.schedule", "job", &["found"]),
    (
        "backup.schedule",
        "frequency",
        &["hourly", "daily", "weekly", "monthly"],
    ),
];

/// The values fact `fact` of `evaluator` takes (None: it gives no such fact).
pub fn fact_values(evaluator: &str, fact: &str) -> Option<&'static [&'static str]> {
    FACTS
        .iter()
        .find(|(e, f, _)| *e == evaluator && *f == fact)
        .map(|(_, _, values)| *values)
}

pub fn evaluator(name: &str) -> Option<&'static EvaluatorDef> {
    registry().get(name)
}

/// The built-in evaluators. A duplicate name is a programming error that the test
/// suite catches; it stops vouch at start-up rather than guess.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::build(FAMILIES).unwrap_or_else(|e| panic!("{e}")))
}

#[cfg(test)]
mod registry_tests {
    use super::*;

    #[test]
    fn every_family_registers_and_names_are_unique() {
        let built = Registry::build(FAMILIES);
        assert!(built.is_ok(), "{:?}", built.err());
        assert!(registry().get("ssh.password-auth").is_some());
    }

    #[test]
    fn a_name_registered_twice_is_refused() {
        fn again() -> Vec<EvaluatorDef> {
            generic::evaluators()
        }
        let err = Registry::build(&[("generic", generic::evaluators), ("copy", again)]).err();
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("registered twice") && e.contains("copy")),
            "{err:?}"
        );
    }
}
