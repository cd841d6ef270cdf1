//! vouch: collects a Linux host's security evidence, decides the status of each
//! control of a checklist, and reports it.
//!
//! Data flows one way: checklists → probes → transport → evidence (one recorder:
//! redacted, hashed, stable ids) → evaluators → results → reports. `parse` holds
//! the configuration languages, used by probes (to follow includes) and evaluators
//! alike; `model` and `clock` are the shared words beneath everything. The engine
//! (a pure coordinator and a driver) streams events that every consumer reads.

pub mod bundle;
pub mod checklist;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod engine;
pub mod eval;
pub mod evidence;
pub mod inventory;
pub mod model;
pub mod parse;
pub mod pathname;
pub mod paths;
pub mod probe;
pub mod report;
pub mod results;
pub mod sanitize;
pub mod session;
pub mod settings;
#[cfg(test)]
pub mod testing;
pub mod transport;
pub mod tui;
