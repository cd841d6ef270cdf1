//! sshd_config as sshd reads it: the lexer (quoting, `=`), the loader (Include with
//! globs in sshd's order, Match blocks, first value wins, aliases, caps), `sshd -T`
//! output, the effective value of a keyword (`View`), authorized_keys files and
//! the keys in them, and the ports sshd listens on. No verdicts.

pub mod config;
pub mod keyfiles;
pub mod keys;
pub mod keywords;
pub mod lexer;
pub mod load;
pub mod ports;
pub mod settings;
pub mod sshd_t;

pub use config::{ConfigError, SshdConfig, DEFAULT_CONFIG};
pub use load::load;
pub use ports::ssh_ports;
pub use settings::View;
