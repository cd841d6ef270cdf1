//! APT's configuration language, read with apt's own semantics: comments
//! (`lines`), words (`words`), statements and scopes (`parse`), the resulting tree
//! with provenance (`tree`), and the file order apt loads in (`load`).

pub mod lines;
pub mod load;
pub mod parse;
pub mod tree;
pub mod words;

pub use load::{apt_reads_name, load, AptConfig, LoadedFile, Problem, MAIN_FILE, PARTS_DIR};
pub use parse::{parse, ErrorKind, Sink, SyntaxError};
pub use tree::{Change, ConfTree, ListEntry, Origin};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_limits;
