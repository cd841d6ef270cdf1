//! sudoers as sudo reads it: `@include`/`#includedir` followed in sudo's order with
//! bounds (`load`), each line's grammar — aliases, Defaults, user specifications
//! with tags (`syntax`), and who may run what as whom after aliases and Defaults
//! are resolved (`policy`). No verdicts.

pub mod load;
pub mod policy;
pub mod syntax;

pub use load::{load, LoadError, NoteKind, PolicyLine, SudoersTree, SUDOERS_PATH};
