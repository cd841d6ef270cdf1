//! The evidence bundle (spec/bundle.md): what an audit leaves behind, checked
//! with `sha256sum` and `ssh-keygen` alone. This module owns its layout: the
//! manifest, the `SHA256SUMS` list, and writing a session out as a folder,
//! deterministically (sorted, no time but the session's own). It reads sessions
//! (`session`) and renders results (`report`); nothing below imports it.
//!
//! Built so far: the folder form with manifest.json, results.json,
//! journal.jsonl, evidence/, attachments/, README.txt, SHA256SUMS, and with a
//! key (ed25519, ECDSA file keys) signer.pub, allowed_signers and
//! SHA256SUMS.sig. RSA and agent keys, the ZIP form, the HTML/Markdown reports
//! and `vouch export`/`verify` follow.

pub mod folder;
pub mod manifest;
pub mod sign;
pub mod sums;
pub mod verify;

/// The bundle format this vouch writes.
pub const FORMAT: &str = "vouch.bundle/1";
