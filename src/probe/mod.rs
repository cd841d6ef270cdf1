//! Probes: what to read or run on a target (`spec`), the collector that runs them
//! through a transport, each read once, recording evidence (`collector`,
//! `answers`), and one probe's view of it (`scope`).

mod answers;
pub mod collector;
pub mod scope;
pub mod spec;

pub use scope::{collect_snapshot, ProbeScope};
pub use spec::{ProbeKind, ProbeSpec};
