//! From tree-sitter's tree to a [`Module`]: one pre-order walk places each
//! definition, assignment, call, import, literal and comment in its scope;
//! expressions are read to [`MAX_DEPTH`], names beyond a node budget are cut.

use super::expr::{Built, BuiltHow, Call, Expr, Head};
use super::{Assign, Import, Module, Param, Scope, ScopeKind, Span, Target, MAX_DEPTH, MAX_EXPRESSIONS};
use crate::evidence::python_tree::{
    content_range, field, has_interpolation, kind, line_of, literal_text, strings_of, visit, visit_while,
};
use crate::evidence::redact::python::slots_of;
use tree_sitter::{Node, Tree};

/// Nodes one `Other` expression looks through for the names it mentions.
const NAME_BUDGET: usize = 2_000;

pub fn module(tree: &Tree, text: &str) -> Module {
    let root = tree.root_node();
    let mut module = Module {
        scopes: vec![scope(ScopeKind::Module, String::new(), None, span(root))],
        ..Module::default()
    };
    if root.has_error() {
        module.error_line = first_error(root);
    }
    let mut reader = Reader {
        text,
        cut: false,
        budget: MAX_EXPRESSIONS,
    };
    // (scope, the byte its definition ends at)
    let mut open: Vec<(usize, usize)> = vec![(0, usize::MAX)];
    visit(root, |node, ancestors| {
        while open.len() > 1 && open.last().is_some_and(|(_, end)| node.start_byte() >= *end) {
            open.pop();
        }
        let current = open.last().map_or(0, |(s, _)| *s);
        if matches!(kind(node), "string" | "concatenated_string") {
            module.slots.extend(slots_of(node, ancestors, text));
        }
        match kind(node) {
            "function_definition" | "class_definition" => {
                let defined = reader.definition(node, ancestors.last().copied(), current);
                module.scopes.push(defined);
                open.push((module.scopes.len() - 1, node.end_byte()));
            }
            "call" => {
                let call = reader.call(node, 0);
                module.scopes[current].calls.push(call);
            }
            "assignment" | "augmented_assignment" | "named_expression" => {
                if let Some(assign) = reader.assign(node) {
                    module.scopes[current].assigns.push(assign);
                }
            }
            "import_statement" | "import_from_statement" => module.imports.extend(reader.imports(node)),
            "comment" => module.comments.push(span(node)),
            "string" if has_interpolation(node) => {
                let mut cursor = node.walk();
                let parts: Vec<Node> = node
                    .children(&mut cursor)
                    .filter(|c| kind(*c) == "string_content")
                    .collect();
                module.literals.extend(parts.into_iter().map(span));
            }
            "string" => {
                if let Some(range) = content_range(node) {
                    module.literals.push(Span {
                        start: range.start,
                        end: range.end,
                        line: line_of(node),
                    });
                }
            }
            _ => {}
        }
    });
    module.cut = reader.cut;
    module
}

fn scope(kind: ScopeKind, name: String, parent: Option<usize>, span: Span) -> Scope {
    Scope {
        kind,
        name,
        parent,
        span,
        decorators: Vec::new(),
        bases: Vec::new(),
        params: Vec::new(),
        assigns: Vec::new(),
        calls: Vec::new(),
    }
}

pub fn span(node: Node) -> Span {
    Span {
        start: node.start_byte(),
        end: node.end_byte(),
        line: line_of(node),
    }
}

fn first_error(root: Node) -> Option<u32> {
    let mut line = None;
    visit(root, |node, _| {
        if line.is_none() && (node.is_error() || node.is_missing()) {
            line = Some(line_of(node));
        }
    });
    line
}

struct Reader<'t> {
    text: &'t str,
    cut: bool,
    /// Expression nodes still to be read in this module.
    budget: usize,
}

impl<'t> Reader<'t> {
    fn text_of(&self, node: Node) -> &'t str {
        &self.text[node.byte_range()]
    }

    fn definition(&mut self, node: Node, parent: Option<Node>, enclosing: usize) -> Scope {
        let scope_kind = if kind(node) == "class_definition" {
            ScopeKind::Class
        } else {
            ScopeKind::Function
        };
        let name = field(node, "name").map_or_else(String::new, |n| self.text_of(n).to_string());
        let mut defined = scope(scope_kind, name, Some(enclosing), span(node));
        if let Some(decorated) = parent.filter(|p| kind(*p) == "decorated_definition") {
            let mut cursor = decorated.walk();
            let decorators: Vec<Node> = decorated
                .children(&mut cursor)
                .filter(|c| kind(*c) == "decorator")
                .collect();
            for decorator in decorators {
                if let Some(expr) = decorator.named_child(0) {
                    let read = self.expr(expr, 0);
                    defined.decorators.push(read);
                }
            }
        }
        if let Some(bases) = field(node, "superclasses") {
            let mut cursor = bases.walk();
            let named: Vec<Node> = bases.named_children(&mut cursor).collect();
            defined.bases = named
                .into_iter()
                .filter(|b| matches!(kind(*b), "identifier" | "attribute"))
                .map(|b| self.text_of(b).to_string())
                .collect();
        }
        if let Some(params) = field(node, "parameters") {
            let mut cursor = params.walk();
            let named: Vec<Node> = params.named_children(&mut cursor).collect();
            for param in named {
                let (name, default) = match kind(param) {
                    "identifier" => (Some(param), None),
                    "default_parameter" | "typed_default_parameter" => (field(param, "name"), field(param, "value")),
                    "typed_parameter" => (param.named_child(0), None),
                    _ => (None, None),
                };
                if let Some(name) = name {
                    let default = default.map(|d| self.expr(d, 0));
                    defined.params.push(Param {
                        name: self.text_of(name).to_string(),
                        default,
                    });
                }
            }
        }
        defined
    }

    fn assign(&mut self, node: Node) -> Option<Assign> {
        let (target, value) = match kind(node) {
            "named_expression" => (field(node, "name")?, field(node, "value")?),
            _ => (field(node, "left")?, field(node, "right")?),
        };
        let adds = kind(node) == "augmented_assignment" && field(node, "operator").is_some_and(|o| kind(o) == "+=");
        Some(Assign {
            target: self.target(target),
            value: self.expr(value, 0),
            adds,
            span: span(node),
        })
    }

    fn target(&self, node: Node) -> Target {
        match kind(node) {
            "identifier" | "attribute" if self.dotted(node) => Target::Name(self.text_of(node).to_string()),
            "subscript" => {
                let base = field(node, "value").filter(|b| self.dotted(*b));
                let key = field(node, "subscript").and_then(|k| literal_text(k, self.text));
                match (base, key) {
                    (Some(base), Some(key)) => Target::Item {
                        base: self.text_of(base).to_string(),
                        key: key.to_string(),
                    },
                    _ => Target::Other,
                }
            }
            _ => Target::Other,
        }
    }

    /// Whether a node is a name or a chain of names (`a.b.c`), with nothing else in it.
    fn dotted(&self, node: Node) -> bool {
        let mut at = node;
        loop {
            match kind(at) {
                "identifier" => return true,
                "attribute" => match field(at, "object") {
                    Some(object) => at = object,
                    None => return false,
                },
                _ => return false,
            }
        }
    }

    fn imports(&self, node: Node) -> Vec<Import> {
        let line = line_of(node);
        let module = field(node, "module_name").map(|m| self.text_of(m).to_string());
        let mut cursor = node.walk();
        let names: Vec<Node> = node.children_by_field_name("name", &mut cursor).collect();
        let mut out = Vec::new();
        for name in names {
            let (path, alias) = match kind(name) {
                "aliased_import" => (
                    field(name, "name").map(|n| self.text_of(n).to_string()),
                    field(name, "alias").map(|a| self.text_of(a).to_string()),
                ),
                _ => (Some(self.text_of(name).to_string()), None),
            };
            let Some(path) = path else { continue };
            let import = match (&module, alias) {
                (Some(module), alias) => {
                    let full = format!("{module}.{path}");
                    Import {
                        alias: alias.unwrap_or_else(|| path.clone()),
                        bound: full.clone(),
                        path: full,
                        line,
                    }
                }
                (None, Some(alias)) => Import {
                    alias,
                    bound: path.clone(),
                    path,
                    line,
                },
                (None, None) => {
                    let head = path.split('.').next().unwrap_or(&path).to_string();
                    Import {
                        alias: head.clone(),
                        bound: head,
                        path,
                        line,
                    }
                }
            };
            out.push(import);
        }
        if let (Some(module), true) = (&module, out.is_empty()) {
            // `from m import *`
            out.push(Import {
                path: module.clone(),
                alias: "*".to_string(),
                bound: module.clone(),
                line,
            });
        }
        out
    }

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
