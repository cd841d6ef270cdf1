//! Python source as tree-sitter's grammar reads it, shared by the redaction (which
//! changes only literals and comments) and the code analysis (parse/python): the
//! parse with its size cap, trees the redaction made kept for the analysis by the
//! text's SHA-256, node kinds and fields from tables made once, a walk without
//! recursion, and the literal helpers (a string's content, its lines, a target's
//! name). Knows nothing of secrets.

use std::ops::Range;
use tree_sitter::{Node, Parser, Tree};

fn language() -> tree_sitter::Language {
    tree_sitter_python::LANGUAGE.into()
}

/// A node's kind, from a table made once: tree-sitter's own `kind()` measures
/// and checks a C string on every call, a cost on every node of every walk.
pub fn kind(node: Node) -> &'static str {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let language = language();
        let mut names = Vec::new();
        for id in 0..language.node_kind_count() {
            let name = u16::try_from(id).ok().and_then(|id| language.node_kind_for_id(id));
            names.push(name.unwrap_or("").to_string());
        }
        names
    });
    names.get(usize::from(node.kind_id())).map_or("", String::as_str)
}

/// A node's child in a field, by a field id looked up once (tree-sitter's
/// by-name lookup compares the name with every field's on every call).
pub fn field<'t>(node: Node<'t>, name: &str) -> Option<Node<'t>> {
    static IDS: std::sync::OnceLock<std::collections::HashMap<String, u16>> = std::sync::OnceLock::new();
    let ids = IDS.get_or_init(|| {
        let language = language();
        let mut ids = std::collections::HashMap::new();
        for id in 1..=language.field_count() {
            let Ok(id) = u16::try_from(id) else { continue };
            if let Some(name) = language.field_name_for_id(id) {
                ids.insert(name.to_string(), id);
            }
        }
        ids
    });
    node.child_by_field_id(*ids.get(name)?)
}

/// Larger source is not parsed for redaction (the text rules take it whole);
/// the code analysis reads nothing this large either.
pub const PARSE_CAP: usize = 1024 * 1024;

/// Python source parsed with tree-sitter's grammar; None when it is over
/// [`PARSE_CAP`] or the parser gives up.
pub fn parse(text: &str) -> Option<Tree> {
    if text.len() > PARSE_CAP {
        return None;
    }
    let mut parser = Parser::new();
    parser.set_language(&language()).ok()?;
    parser.parse(text, None)
}

/// Source text whose trees are kept for the code analysis, at most (bytes).
const KEPT_CAP: usize = 64 * 1024 * 1024;

/// Trees of source the redaction left unchanged — most files hold no secret —
/// kept by the SHA-256 of their text, so the code analysis, which reads the
/// same text from the evidence, does not parse it a second time.
#[derive(Default)]
struct Kept {
    trees: std::collections::HashMap<[u8; 32], (Tree, usize)>,
    bytes: usize,
}

fn kept() -> &'static std::sync::Mutex<Kept> {
    static KEPT: std::sync::OnceLock<std::sync::Mutex<Kept>> = std::sync::OnceLock::new();
    KEPT.get_or_init(Default::default)
}

fn digest(text: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).into()
}

pub(crate) fn keep(text: &str, tree: Tree) {
    let Ok(mut kept) = kept().lock() else { return };
    if kept.bytes + text.len() > KEPT_CAP {
        return;
    }
    kept.bytes += text.len();
    if let Some((_, size)) = kept.trees.insert(digest(text), (tree, text.len())) {
        kept.bytes -= size;
    }
}

/// The tree of `text`: the one its redaction made, when it was kept (and then
/// given up), else a new parse.
pub fn parse_shared(text: &str) -> Option<Tree> {
    let taken = kept().lock().ok().and_then(|mut kept| {
        let (tree, size) = kept.trees.remove(&digest(text))?;
        kept.bytes -= size;
        Some(tree)
    });
    taken.or_else(|| parse(text))
}

/// The strings a literal is made of: each of an implicit concatenation, or itself.
pub fn strings_of(node: Node) -> Vec<Node> {
    if kind(node) == "concatenated_string" {
        let mut cursor = node.walk();
        node.named_children(&mut cursor)
            .filter(|c| kind(*c) == "string")
            .collect()
    } else {
        vec![node]
    }
}

/// Pre-order walk of every node, without recursion (nesting is unbounded),
/// handing each its ancestors (the root first, its parent last): tree-sitter's
/// own `parent()` searches down from the root, which deep nesting makes costly.
pub fn visit<'t>(root: Node<'t>, mut f: impl FnMut(Node<'t>, &[Node<'t>])) {
    visit_while(root, |node, ancestors| {
        f(node, ancestors);
        true
    });
}

/// [`visit`], stopping as soon as `f` says no more.
pub fn visit_while<'t>(root: Node<'t>, mut f: impl FnMut(Node<'t>, &[Node<'t>]) -> bool) {
    let mut cursor = root.walk();
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    loop {
        let node = cursor.node();
        if !f(node, &ancestors) {
            return;
        }
        if cursor.goto_first_child() {
            ancestors.push(node);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            ancestors.pop();
        }
    }
}

pub fn line_of(node: Node) -> u32 {
    u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX)
}

pub fn has_interpolation(string: Node) -> bool {
    let mut cursor = string.walk();
    let found = string.children(&mut cursor).any(|c| kind(c) == "interpolation");
    found
}

pub(crate) fn children_of_kind(node: Node, wanted: &str) -> Vec<Range<usize>> {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .filter(|c| kind(*c) == wanted)
        .map(|c| c.byte_range())
        .collect()
}

/// The text between a literal's quotes (for implicit concatenation, from the
/// first's opening to the last's closing quote).
pub fn content_range(node: Node) -> Option<Range<usize>> {
    let (first, last) = match kind(node) {
        "string" => (node, node),
        "concatenated_string" => {
            let last = u32::try_from(node.named_child_count().checked_sub(1)?).ok()?;
            (node.named_child(0)?, node.named_child(last)?)
        }
        _ => return None,
    };
    let start = first.child(0).filter(|c| kind(*c) == "string_start")?.end_byte();
    let last_child = last.child(last.child_count().checked_sub(1)?)?;
    let end = if kind(last_child) == "string_end" {
        last_child.start_byte()
    } else {
        return None;
    };
    (start <= end).then_some(start..end)
}

/// The text of a literal key or argument: its content when it is a plain string.
pub fn literal_text<'a>(node: Node, text: &'a str) -> Option<&'a str> {
    if kind(node) != "string" || has_interpolation(node) {
        return None;
    }
    content_range(node).map(|r| &text[r])
}

/// The name a target binds: a name, an attribute's last name, or an item's
/// literal key.
pub fn target_name(target: Node, text: &str) -> Option<String> {
    match kind(target) {
        "identifier" => Some(text[target.byte_range()].to_string()),
        "attribute" => field(target, "attribute").map(|a| text[a.byte_range()].to_string()),
        "subscript" => field(target, "subscript")
            .and_then(|key| literal_text(key, text))
            .map(str::to_string),
        _ => None,
    }
}
