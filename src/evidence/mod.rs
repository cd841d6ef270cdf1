//! Evidence: what was read or run on a target, recorded once through the recorder
//! (redacted, hashed, with a stable id and provenance), and the `Source` view that
//! parsers and evaluators walk. Imports nothing above it: transports, probes and the
//! engine use it, never the reverse.

pub mod glob;
pub mod memo;
pub mod python_tree;
pub mod record;
pub mod recorder;
pub mod redact;
pub mod snapshot;
pub mod source;

pub use snapshot::Snapshot;
pub use source::{
    normalize_path, resolve_relative, CommandState, DirState, FileKind, FileMeta, FileState, Globbed, Source,
};
