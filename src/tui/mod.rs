//! The walkthrough (`vouch audit`): a terminal interface over a session. It owns
//! its keys and screens; it reads the engine's events and writes through the
//! session's recording, never the other way round.

pub mod app;
pub mod complete;
pub mod input;
pub mod key;
pub mod keymap;
pub mod run;
pub mod screens;
pub mod start;
