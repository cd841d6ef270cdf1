//! Python source read by a real parser (tree-sitter's Python grammar) into the
//! facts the code controls need, per scope: what is assigned and from what, what
//! is called with what, what is imported, which functions there are (with their
//! decorators), each literal and comment, and the literals standing where a
//! secret would (the redaction gate's slots). Strings built from parts are kept as
//! such (`f"..{x}.."`, `"..%s" % x`, `"..{}".format(x)`, `".." + x`) with their
//! leading literal, so a rule can ask whether SQL was built from data and follow
//! a local variable back to where it was built.
//!
//! Nesting is walked without recursion, except expressions, which are read to a
//! fixed depth: deeper ones are cut and the module says so.

mod build;
mod expr;

pub use expr::{Built, BuiltHow, Call, Expr, Head};

use crate::evidence::python_tree::parse_shared;
use crate::evidence::redact::python::Slot;

/// Expressions nested deeper than this are not read (the module is `cut`).
pub const MAX_DEPTH: usize = 24;
/// Expression nodes read per module at most: each call is read with its
/// arguments, so calls nested a hundred thousand deep would otherwise be read a
/// hundred thousand times over (the module is `cut` past it).
pub const MAX_EXPRESSIONS: usize = 400_000;

/// Where something stands: its bytes and its 1-based first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: u32,
}

/// One Python file's facts.
#[derive(Debug, Clone, Default)]
pub struct Module {
    /// Scope 0 is the module; functions and classes follow in source order.
    pub scopes: Vec<Scope>,
    pub imports: Vec<Import>,
    /// Every string literal's content (each literal part of an f-string apart).
    pub literals: Vec<Span>,
    pub comments: Vec<Span>,
    /// Literals standing where a secret would.
    pub slots: Vec<Slot>,
    /// The first line the parser could not read, when there is one.
    pub error_line: Option<u32>,
    /// Some expression was nested deeper than [`MAX_DEPTH`] and not read whole.
    pub cut: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Function,
    Class,
}

/// A module, function or class body: what happens directly in it (not in the
/// functions or classes it defines).
#[derive(Debug, Clone)]
pub struct Scope {
    pub kind: ScopeKind,
    pub name: String,
    pub parent: Option<usize>,
    /// The definition (for the module, the whole file).
    pub span: Span,
    pub decorators: Vec<Expr>,
    /// A class's bases, as written (`BaseModel`, `forms.ModelForm`).
    pub bases: Vec<String>,
    pub params: Vec<Param>,
    pub assigns: Vec<Assign>,
    /// Every call made in this scope, nested ones included.
    pub calls: Vec<Call>,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub default: Option<Expr>,
}

/// `target = value`, `target += value`, `target: T = value` or `(target := value)`.
#[derive(Debug, Clone)]
pub struct Assign {
    pub target: Target,
    pub value: Expr,
    /// `+=` (the value is added to what the target held).
    pub adds: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A name or a dotted attribute (`DEBUG`, `app.debug`).
    Name(String),
    /// An item with a literal key (`app.config["DEBUG"]`).
    Item {
        base: String,
        key: String,
    },
    Other,
}

impl Target {
    /// The name a rule reads: the last name of a dotted target, an item's key.
    pub fn last_name(&self) -> Option<&str> {
        match self {
            Target::Name(name) => Some(name.rsplit('.').next().unwrap_or(name)),
            Target::Item { key, .. } => Some(key),
            Target::Other => None,
        }
    }
}

/// An import: the dotted path imported, the name it binds and what that name
/// stands for (`import a.b` binds `a` to `a`; `from a import b as c` binds `c`
/// to `a.b`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub path: String,
    pub alias: String,
    pub bound: String,
    pub line: u32,
}

impl Module {
    /// What `name` (possibly dotted) stands for once imports are followed
    /// (`h.md5` after `import hashlib as h` is `hashlib.md5`), or the name itself.
    pub fn resolve(&self, name: &str) -> String {
        let (head, rest) = name.split_once('.').map_or((name, None), |(h, r)| (h, Some(r)));
        match (self.imports.iter().rev().find(|i| i.alias == head), rest) {
            (Some(import), Some(rest)) => format!("{}.{rest}", import.bound),
            (Some(import), None) => import.bound.clone(),
            (None, _) => name.to_string(),
        }
    }

    /// Whether the module imports `path` or anything under it.
    pub fn imports_from(&self, path: &str) -> bool {
        self.imports
            .iter()
            .any(|i| i.path == path || i.path.starts_with(&format!("{path}.")))
    }

    /// The scopes of functions (each with its calls and assignments).
    pub fn functions(&self) -> impl Iterator<Item = &Scope> {
        self.scopes.iter().filter(|s| s.kind == ScopeKind::Function)
    }
}

/// Parse Python source. Source over the grammar's cap reads as one line that
/// could not be parsed.
pub fn parse(text: &str) -> Module {
    let Some(tree) = parse_shared(text) else {
        return Module {
            error_line: Some(1),
            ..Module::default()
        };
    };
    build::module(&tree, text)
}

#[cfg(test)]
mod tests;
