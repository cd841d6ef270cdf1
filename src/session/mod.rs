//! Sessions: an audit kept on disk as it happens. A session is its journal — the
//! hash-chained, append-only record it is rebuilt from (`journal`, `events`,
//! `state`) — and a blob store for the bytes of its evidence (`store`); a scan is
//! recorded into one by an engine sink (`recording`). The walkthrough, `vouch
//! sessions` and the bundle's `journal.jsonl` are built on it. Imports the engine's
//! events, results and evidence records; nothing below imports sessions.

pub mod events;
pub mod journal;
pub mod recording;
pub mod state;
pub mod store;

pub use events::Person;
pub use recording::{Recording, Start};
pub use state::Session;
pub use store::Store;
