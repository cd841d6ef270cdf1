//! Evidence: what was read or run on a target, content-addressed with its
//! provenance, and the `Source` view that parsers and evaluators walk.

pub mod glob;
pub mod record;
pub mod redact;
pub mod snapshot;
pub mod source;

pub use snapshot::Snapshot;
pub use source::{CommandState, FileKind, FileMeta, FileState, Source};
