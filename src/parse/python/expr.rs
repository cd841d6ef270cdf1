//! Expressions as the code rules read them: literals, names, calls, items, and
//! strings built from parts; anything else keeps only the names it mentions.

use super::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A plain string literal (implicit concatenations joined): its content as
    /// written, escapes unprocessed.
    Str(String),
    /// A string built from parts, at least one of them not a literal.
    Built(Built),
    /// A name or a dotted attribute chain of names (`request.form`).
    Name(String),
    Call(Box<Call>),
    /// `base[...]`, with the key when it is a literal string.
    Item {
        base: Box<Expr>,
        key: Option<String>,
    },
    Bool(bool),
    None,
    Number,
    /// A dict display: each entry's literal key (None for any other key) and value.
    Dict(Vec<(Option<String>, Expr)>),
    /// A list, tuple or set display.
    Seq(Vec<Expr>),
    /// Anything else, with the names and literal item keys it mentions.
    Other(Vec<String>),
}

/// How a string was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltHow {
    FString,
    Percent,
    Format,
    Concat,
}

impl BuiltHow {
    pub fn describe(self) -> &'static str {
        match self {
            BuiltHow::FString => "an f-string",
            BuiltHow::Percent => "% formatting",
            BuiltHow::Format => ".format()",
            BuiltHow::Concat => "+ concatenation",
        }
    }
}

/// What a built string starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    Literal(String),
    /// A name whose value starts the string (`base + where`).
    Name(String),
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    pub how: BuiltHow,
    pub head: Head,
    /// The parts that are not literals.
    pub parts: Vec<Expr>,
}

/// A call: the callee as a dotted name when it is one (`db.session.execute`),
/// else `?.method`; its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub callee: String,
    /// What a `?.method` is called on (`(salt + password).encode()`,
    /// `logging.getLogger(__name__).info`).
    pub receiver: Option<Box<Expr>>,
    pub args: Vec<Expr>,
    pub kwargs: Vec<(String, Expr)>,
    pub span: Span,
}

impl Call {
    /// The last name of the callee (`execute` of `cursor.execute`).
    pub fn method(&self) -> &str {
        self.callee.rsplit('.').next().unwrap_or(&self.callee)
    }

    pub fn kwarg(&self, name: &str) -> Option<&Expr> {
        self.kwargs.iter().find(|(n, _)| n == name).map(|(_, e)| e)
    }

    /// Every argument, positional then keyword.
    pub fn arguments(&self) -> impl Iterator<Item = &Expr> {
        self.args.iter().chain(self.kwargs.iter().map(|(_, e)| e))
    }
}

impl Expr {
    /// Every name the expression mentions — identifiers, each name of a dotted
    /// chain, keyword names and literal item keys — in nested calls too.
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_names(&mut out);
        out
    }

    fn collect_names(&self, out: &mut Vec<String>) {
        match self {
            Expr::Name(name) => out.extend(name.split('.').map(str::to_string)),
            Expr::Built(built) => {
                if let Head::Name(name) = &built.head {
                    out.extend(name.split('.').map(str::to_string));
                }
                built.parts.iter().for_each(|p| p.collect_names(out));
            }
            Expr::Call(call) => {
                out.extend(call.callee.split('.').filter(|s| *s != "?").map(str::to_string));
                if let Some(receiver) = &call.receiver {
                    receiver.collect_names(out);
                }
                call.arguments().for_each(|a| a.collect_names(out));
                // `request.form.get("password")` names what it reads.
                if matches!(call.method(), "get" | "getlist" | "pop") {
                    out.extend(call.args.iter().filter_map(Expr::as_str).map(str::to_string));
                }
            }
            Expr::Item { base, key } => {
                base.collect_names(out);
                out.extend(key.iter().cloned());
            }
            Expr::Dict(entries) => entries.iter().for_each(|(_, v)| v.collect_names(out)),
            Expr::Seq(items) => items.iter().for_each(|i| i.collect_names(out)),
            Expr::Other(names) => out.extend(names.iter().cloned()),
            Expr::Str(_) | Expr::Bool(_) | Expr::None | Expr::Number => {}
        }
    }

    /// Whether the expression is made of literals only.
    pub fn is_literal(&self) -> bool {
        match self {
            Expr::Str(_) | Expr::Bool(_) | Expr::None | Expr::Number => true,
            Expr::Seq(items) => items.iter().all(Expr::is_literal),
            Expr::Dict(entries) => entries.iter().all(|(k, v)| k.is_some() && v.is_literal()),
            _ => false,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expr::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_call(&self) -> Option<&Call> {
        match self {
            Expr::Call(call) => Some(call),
            _ => None,
        }
    }
}
