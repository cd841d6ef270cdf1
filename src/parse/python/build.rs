//! From tree-sitter's tree to a [`Module`]: one pre-order walk places each
//! definition, assignment, call, import, literal and comment in its scope; the
//! expressions they hold are read by `exprs`, within the module's budget.

use super::{Assign, Import, Module, Param, Scope, ScopeKind, Span, Target, MAX_EXPRESSIONS};
use crate::evidence::python_tree::{content_range, field, has_interpolation, kind, line_of, literal_text, visit};
use crate::evidence::redact::python::slots_of;
use tree_sitter::{Node, Tree};

mod exprs;

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
}
