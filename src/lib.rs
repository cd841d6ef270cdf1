//! vouch: collects a Linux host's security evidence, decides the status of each
//! control of a checklist, and reports it.

pub mod evidence;
pub mod model;
pub mod eval;
pub mod checklist;
pub mod probe;
