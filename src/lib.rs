//! vouch: collects a Linux host's security evidence, decides the status of each
//! control of a checklist, and reports it.

pub mod checklist;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod engine;
pub mod eval;
pub mod evidence;
pub mod model;
pub mod parse;
pub mod probe;
pub mod report;
pub mod results;
pub mod settings;
#[cfg(test)]
pub mod testing;
pub mod transport;
