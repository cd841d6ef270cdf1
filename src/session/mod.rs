//! Sessions: an audit kept on disk as it happens. Today this is the journal — the
//! hash-chained, append-only record a session is rebuilt from — on which the
//! walkthrough, `vouch sessions` and the bundle's `journal.jsonl` are built.
//! Imports only the clock.

pub mod journal;
