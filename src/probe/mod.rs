//! Probes: what to read or run on a target, and the collector that runs them
//! concurrently through a transport, each read once, recording evidence.

pub mod collector;
pub mod readonly;
pub mod spec;

pub use spec::{ProbeKind, ProbeSpec};
