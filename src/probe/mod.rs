//! Probes: what to read or run on a target (`spec`), the domain probes that follow
//! a configuration's includes with its parser (`domain`), the collector that runs
//! them through a transport, each read once, recording evidence (`collector`,
//! `answers`) within the scan's `budget`, and one probe's view of it (`scope`).
//! Imports transports, evidence, parsers and the model; never evaluators.

mod answers;
pub mod budget;
pub mod collector;
pub mod domain;
pub mod scope;
pub mod spec;

pub use budget::Budget;
pub use scope::{collect_snapshot, ProbeScope};
pub use spec::{ProbeKind, ProbeSpec};
