//! Expressions as the code rules need them: calls with their arguments,
//! literals, names, and strings built from parts (f-strings, `%`, `.format()`,
//! `+`) with the literal they start with; read [`MAX_DEPTH`] deep and within the
//! module's expression budget, past which the module is cut.

use super::super::expr::{Built, BuiltHow, Call, Expr, Head};
use super::super::MAX_DEPTH;
use super::{span, Reader};
use crate::evidence::python_tree::{field, kind, literal_text, strings_of, visit_while};
use tree_sitter::Node;

/// Nodes one `Other` expression looks through for the names it mentions.
const NAME_BUDGET: usize = 2_000;

impl<'t> Reader<'t> {
    pub fn call(&mut self, node: Node, depth: usize) -> Call {
        let function = field(node, "function");
        let callee = match function {
            Some(f) if self.dotted(f) => self.text_of(f).to_string(),
            Some(f) if kind(f) == "attribute" => {
                let method = field(f, "attribute").map_or("", |a| self.text_of(a));
                format!("?.{method}")
            }
            _ => "?".to_string(),
        };
        let receiver = match function {
            Some(f) if kind(f) == "attribute" && callee.starts_with("?.") => {
                field(f, "object").map(|object| Box::new(self.expr(object, depth + 1)))
            }
            _ => None,
        };
        let mut call = Call {
            callee,
            receiver,
            args: Vec::new(),
            kwargs: Vec::new(),
            span: span(node),
        };
        let Some(arguments) = field(node, "arguments") else {
            return call;
        };
        let mut cursor = arguments.walk();
        let named: Vec<Node> = arguments.named_children(&mut cursor).collect();
        for argument in named {
            match kind(argument) {
                "keyword_argument" => {
                    let name = field(argument, "name").map_or("", |n| self.text_of(n));
                    let value = match field(argument, "value") {
                        Some(value) => self.expr(value, depth + 1),
                        None => Expr::Other(Vec::new()),
                    };
                    call.kwargs.push((name.to_string(), value));
                }
                "comment" => {}
                _ => {
                    let value = self.expr(argument, depth + 1);
                    call.args.push(value);
                }
            }
        }
        call
    }

    pub fn expr(&mut self, node: Node, depth: usize) -> Expr {
        if depth > MAX_DEPTH || self.budget == 0 {
            self.cut = true;
            return Expr::Other(Vec::new());
        }
        self.budget -= 1;
        let next = depth + 1;
        match kind(node) {
            "string" | "concatenated_string" => self.string(node, next),
            "identifier" | "attribute" if self.dotted(node) => Expr::Name(self.text_of(node).to_string()),
            "true" => Expr::Bool(true),
            "false" => Expr::Bool(false),
            "none" => Expr::None,
            "integer" | "float" => Expr::Number,
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => self.expr(inner, next),
                None => Expr::Other(Vec::new()),
            },
            "call" => self.call_expr(node, next),
            "subscript" => {
                let base = match field(node, "value") {
                    Some(value) => self.expr(value, next),
                    None => Expr::Other(Vec::new()),
                };
                let key = field(node, "subscript")
                    .and_then(|k| literal_text(k, self.text))
                    .map(str::to_string);
                Expr::Item {
                    base: Box::new(base),
                    key,
                }
            }
            "binary_operator" => self.binary(node, next),
            "dictionary" => {
                let mut cursor = node.walk();
                let pairs: Vec<Node> = node.named_children(&mut cursor).collect();
                let mut entries = Vec::new();
                for pair in pairs {
                    if kind(pair) != "pair" {
                        entries.push((None, Expr::Other(self.names(pair))));
                        continue;
                    }
                    let key = field(pair, "key")
                        .and_then(|k| literal_text(k, self.text))
                        .map(str::to_string);
                    let value = match field(pair, "value") {
                        Some(value) => self.expr(value, next),
                        None => Expr::Other(Vec::new()),
                    };
                    entries.push((key, value));
                }
                Expr::Dict(entries)
            }
            "list" | "tuple" | "set" | "expression_list" => {
                let mut cursor = node.walk();
                let items: Vec<Node> = node
                    .named_children(&mut cursor)
                    .filter(|c| kind(*c) != "comment")
                    .collect();
                Expr::Seq(items.into_iter().map(|i| self.expr(i, next)).collect())
            }
            _ => Expr::Other(self.names(node)),
        }
    }

    fn call_expr(&mut self, node: Node, depth: usize) -> Expr {
        // `"...{}".format(x)` builds a string.
        let format_of = field(node, "function")
            .filter(|f| kind(*f) == "attribute")
            .filter(|f| field(*f, "attribute").is_some_and(|a| self.text_of(a) == "format"))
            .and_then(|f| field(f, "object"));
        let call = self.call(node, depth);
        if let Some(object) = format_of {
            let head = match self.expr(object, depth) {
                Expr::Str(s) => Head::Literal(s),
                Expr::Name(n) => Head::Name(n),
                Expr::Built(b) => b.head,
                _ => Head::Unknown,
            };
            if !matches!(head, Head::Unknown) {
                let parts: Vec<Expr> = call.arguments().filter(|a| !a.is_literal()).cloned().collect();
                if parts.is_empty() {
                    if let Head::Literal(s) = head {
                        return Expr::Str(s);
                    }
                }
                return Expr::Built(Built {
                    how: BuiltHow::Format,
                    head,
                    parts,
                });
            }
        }
        Expr::Call(Box::new(call))
    }

    fn string(&mut self, node: Node, depth: usize) -> Expr {
        let pieces = strings_of(node);
        let mut head = String::new();
        let mut parts = Vec::new();
        for piece in pieces {
            let mut cursor = piece.walk();
            let children: Vec<Node> = piece.children(&mut cursor).collect();
            for child in children {
                match kind(child) {
                    "string_content" if parts.is_empty() => head.push_str(self.text_of(child)),
                    "interpolation" => match field(child, "expression") {
                        Some(inner) => {
                            let read = self.expr(inner, depth);
                            parts.push(read);
                        }
                        None => parts.push(Expr::Other(Vec::new())),
                    },
                    _ => {}
                }
            }
        }
        if parts.is_empty() {
            Expr::Str(head)
        } else {
            Expr::Built(Built {
                how: BuiltHow::FString,
                head: Head::Literal(head),
                parts,
            })
        }
    }

    fn binary(&mut self, node: Node, depth: usize) -> Expr {
        let operator = field(node, "operator").map_or("", |o| kind(o));
        let (Some(left), Some(right)) = (field(node, "left"), field(node, "right")) else {
            return Expr::Other(self.names(node));
        };
        let left = self.expr(left, depth);
        let right = self.expr(right, depth);
        match operator {
            "%" => {
                let head = match &left {
                    Expr::Str(s) => Head::Literal(s.clone()),
                    Expr::Name(n) => Head::Name(n.clone()),
                    _ => return Expr::Other([left.names(), right.names()].concat()),
                };
                if right.is_literal() {
                    return match head {
                        Head::Literal(s) => Expr::Str(s),
                        _ => Expr::Other(left.names()),
                    };
                }
                Expr::Built(Built {
                    how: BuiltHow::Percent,
                    head,
                    parts: vec![right],
                })
            }
            "+" => concat(left, right),
            _ => Expr::Other([left.names(), right.names()].concat()),
        }
    }

    /// The names a node mentions, looking at no more than [`NAME_BUDGET`] nodes.
    fn names(&mut self, node: Node) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = 0usize;
        let text = self.text;
        let mut budget = self.budget;
        let mut over = false;
        visit_while(node, |n, ancestors| {
            seen += 1;
            if seen > NAME_BUDGET || budget == 0 {
                over = true;
                return false;
            }
            budget -= 1;
            match kind(n) {
                "identifier" => out.push(text[n.byte_range()].to_string()),
                "string" if ancestors.last().is_some_and(|p| kind(*p) == "subscript") => {
                    if let Some(key) = literal_text(n, text) {
                        out.push(key.to_string());
                    }
                }
                _ => {}
            }
            true
        });
        self.budget = budget;
        self.cut |= over;
        out
    }
}

/// `left + right`: a literal when both are, a built string when either side is
/// a string and the other is not a literal, else names only.
fn concat(left: Expr, right: Expr) -> Expr {
    match (left, right) {
        (Expr::Str(a), Expr::Str(b)) => Expr::Str(a + &b),
        (Expr::Built(mut built), right) if built.how == BuiltHow::Concat => {
            if let (true, Head::Literal(head), Expr::Str(tail)) = (built.parts.is_empty(), &mut built.head, &right) {
                head.push_str(tail);
            } else if !right.is_literal() {
                built.parts.push(right);
            }
            Expr::Built(built)
        }
        (left, right) => {
            let head = match &left {
                Expr::Str(s) => Head::Literal(s.clone()),
                Expr::Built(b) => b.head.clone(),
                Expr::Name(n) => Head::Name(n.clone()),
                _ => Head::Unknown,
            };
            let stringy =
                matches!(left, Expr::Str(_) | Expr::Built(_)) || matches!(right, Expr::Str(_) | Expr::Built(_));
            let mut parts = Vec::new();
            match left {
                Expr::Built(b) => parts.extend(b.parts),
                Expr::Str(_) | Expr::Name(_) => {}
                other => parts.push(other),
            }
            if !right.is_literal() {
                parts.push(right);
            }
            if !stringy && !matches!(head, Head::Name(_)) {
                return Expr::Other(parts.iter().flat_map(Expr::names).collect());
            }
            Expr::Built(Built {
                how: BuiltHow::Concat,
                head,
                parts,
            })
        }
    }
}
