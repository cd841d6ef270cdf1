//! The Caddyfile as Caddy 2.6 reads it (`caddy adapt` is the judge): `lexer`
//! cuts tokens; here they become the global options block, snippets `(name)`,
//! and site blocks — addresses (comma-separated, continued over lines after a
//! trailing comma) then directives, one per line, with `{ }` sub-blocks — with
//! `import` replaced where it stands by a snippet defined above it or by the
//! files a path or glob names (relative to the importing file), `{args.N}` and
//! `{args[N]}` filled in. `{$VAR}` is the service's environment, which a scan
//! cannot see: its `:default` is used, else it is empty, as Caddy does when unset.
//! `sites` reads what the audit needs from the blocks. No verdict here.

pub mod lexer;
mod reader;
pub mod sites;

use crate::evidence::Source;
use std::sync::Arc;

/// Debian's Caddyfile.
pub const MAIN: &str = "/etc/caddy/Caddyfile";
/// Where Debian's caddy (user caddy, home /var/lib/caddy) keeps the certificates
/// it obtains: certificates/ISSUER/NAME/NAME.crt.
pub const MANAGED_CERTIFICATES: &str = "/var/lib/caddy/.local/share/caddy/certificates/*/*/*.crt";
/// Imports followed in all (a file or snippet importing itself ends here).
pub const MAX_IMPORTS: usize = 1024;
pub const MAX_FILES: usize = 256;
/// Tokens after imports are spliced in; a snippet importing itself ten ways ends here.
pub const MAX_TOKENS: usize = 500_000;

/// Blocks nested deeper than this end the reading with a reason (Caddy has no
/// bound but its stack).
pub const MAX_NESTING: usize = 64;

/// One directive: its name, the arguments on its line, and its sub-block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub args: Vec<String>,
    pub file: Arc<str>,
    pub line: usize,
    pub block: Option<Vec<Node>>,
}

/// One site block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteBlock {
    pub addresses: Vec<String>,
    pub file: Arc<str>,
    pub line: usize,
    pub directives: Vec<Node>,
}

/// A whole Caddyfile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caddyfile {
    /// Every file read, in order.
    pub files: Vec<String>,
    /// The global options block, if any.
    pub global: Vec<Node>,
    pub sites: Vec<SiteBlock>,
    /// `{$VAR}`s with no default, and the file using each: values only the
    /// service's environment knows.
    pub unset_environment: Vec<(String, String)>,
}

/// Why the Caddyfile is unknown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("{path} does not exist")]
    Missing { path: String },
    #[error("{0}")]
    Unreadable(String),
    /// Caddy itself refuses it (`caddy adapt` fails).
    #[error("{path}:{line}: {message} (Caddy refuses this Caddyfile)")]
    Refused { path: String, line: usize, message: String },
}

/// Read the Caddyfile at `main`, its imports spliced in.
pub fn load(source: &dyn Source, main: &str) -> Result<Caddyfile, LoadError> {
    reader::read(source, main)
}

/// Every node named `name` anywhere under `nodes`, depth first.
pub fn all<'a>(nodes: &'a [Node], name: &str) -> Vec<&'a Node> {
    let mut found = Vec::new();
    for node in nodes {
        if node.name == name {
            found.push(node);
        }
        if let Some(block) = &node.block {
            found.extend(all(block, name));
        }
    }
    found
}
