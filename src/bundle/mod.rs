//! The evidence bundle (spec/bundle.md): what an audit leaves behind, checked
//! with `sha256sum` and `ssh-keygen` alone. This module owns its layout: the
//! manifest, the `SHA256SUMS` list, and writing a session out as a folder,
//! deterministically (sorted, no time but the session's own). It reads sessions
//! (`session`) and renders results (`report`); nothing below imports it.
//!
//! `leak` is the last redaction gate, `plan` decides every file and its hash, `write` puts them out as a folder
//! or a ZIP archive, `pack` reads either form back safely, `verify` checks one.

pub mod layout;
pub mod leak;
pub mod manifest;
pub mod pack;
pub mod plan;
pub mod sign;
pub mod sums;
pub mod verify;
pub mod write;

/// The bundle format this vouch writes.
pub const FORMAT: &str = "vouch.bundle/1";
