//! Redaction of Python source as Python reads it: a line-shaped rule run over
//! code would take `password = request.form['password']` for a secret and, worse,
//! rewrite `"... WHERE password = '" + pw + "'"` into one innocent literal. Here
//! the source is parsed (tree-sitter's Python grammar) and only text inside
//! string literals and comments is ever replaced, so the code keeps its shape and
//! every verdict read from it stands.
//!
//! A string literal is a secret whole when it sits in a *secret slot* — the value
//! (through parentheses, `a if c else b` and `a or b`) of:
//! - an assignment, annotated or augmented assignment or `:=` to a name, an
//!   attribute or a `[...]` item with a literal key that names a secret;
//! - a keyword argument or a parameter's default so named;
//! - a dict entry whose literal key names one;
//! - a comparison (`==`, `!=`) with such a name;
//! - a lookup's default: a literal after the first argument of a call whose first
//!   argument is a literal naming a secret (`os.getenv("DB_PASSWORD", "dev")`),
//!   or of a call that is itself in a secret slot (`SECRET_KEY = env("X", "dev")`);
//!
//! unless it is empty or could not be a secret ([`is_inert_in_code`]). Every other
//! literal and every comment passes the text rules (tokens, keys, credentials in
//! URLs). Source that does not parse, or is too large to parse, is left to the
//! text rules whole.

use super::inert::is_inert;
use crate::evidence::python_tree::{
    children_of_kind, content_range, field, has_interpolation, keep, kind, line_of, literal_text, parse, strings_of,
    target_name, visit,
};
use std::ops::Range;
use tree_sitter::{Node, Tree};

/// A literal in a secret slot: the name that makes it one and its content (the
/// text between the quotes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub name: String,
    pub content: Range<usize>,
    /// 1-based.
    pub line: u32,
}

/// Whether a name says its value is a secret: it holds `pass`, `pwd`, `secret`,
/// `token` or `credential`, or a key that is one (`api_key`, `apiKey`,
/// `AWS_ACCESS_KEY_ID`, `ENCRYPTION_KEY`) — not a key of another kind
/// (`sort_key`, `cache_key`, `KEY_PREFIX`, `public_key`, `S3_KEY`), nor a bare
/// `key`, nor `auth` (`AUTH_USER_MODEL` names a model).
pub fn names_a_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if ["pass", "pwd", "secret", "token", "credential"]
        .iter()
        .any(|word| lower.contains(word))
    {
        return true;
    }
    let words = words_of(name);
    let compound = [
        "apikey",
        "accesskey",
        "privatekey",
        "signingkey",
        "masterkey",
        "encryptionkey",
        "clientkey",
    ];
    words.iter().any(|w| compound.contains(&w.as_str()))
        || (words.len() > 1
            && words.iter().any(|w| w == "key")
            && !words.iter().any(|w| OTHER_KEYS.contains(&w.as_str())))
}

/// Words beside `key` that make it a key of another kind than a secret.
const OTHER_KEYS: &[&str] = &[
    "sort",
    "cache",
    "primary",
    "foreign",
    "lookup",
    "partition",
    "index",
    "group",
    "order",
    "unique",
    "natural",
    "composite",
    "dict",
    "map",
    "prefix",
    "func",
    "function",
    "field",
    "name",
    "type",
    "column",
    "redis",
    "storage",
    "s3",
    "object",
    "bucket",
    "path",
    "public",
    "idempotency",
    "cursor",
    "row",
    "query",
    "param",
    "route",
    "header",
    "ssh",
    "gpg",
    "pub",
];

/// A name's words, lower-cased: split at `_ - .` and where a capital follows
/// a small letter (`tokenUrl` is `token`, `url`).
fn words_of(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if matches!(c, '_' | '-' | '.' | ' ') {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Whether a literal's content could not be a secret whatever its name: what the
/// text rules keep, a part of its own name (`tokenUrl="token"`), an HTTP header's
/// name (`"X-API-Key"`), or a web address with no credentials, query or
/// token-like segment in it.
pub fn is_inert_in_code(name: &str, value: &str) -> bool {
    let folded = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let value_folded = folded(value);
    is_inert(value)
        || (!value_folded.is_empty() && folded(name).contains(&value_folded))
        || is_header_name(value)
        || is_plain_web_address(value)
}

fn is_header_name(value: &str) -> bool {
    value.len() <= 64
        && value.contains('-')
        && value.split('-').all(|part| {
            part.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && part.chars().all(|c| c.is_ascii_alphabetic())
        })
}

fn is_plain_web_address(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://")) else {
        return false;
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let token_like = |segment: &str| {
        segment.len() >= 16
            && segment.chars().any(|c| c.is_ascii_digit())
            && segment.chars().any(|c| c.is_ascii_alphabetic())
    };
    !host.contains('@') && !value.contains(['?', '#', ' ', '@']) && !path.split('/').any(token_like)
}

/// Every literal standing in a secret slot, in source order.
pub fn slots(tree: &Tree, text: &str) -> Vec<Slot> {
    let mut found = Vec::new();
    visit(tree.root_node(), |node, ancestors| {
        found.extend(slots_of(node, ancestors, text))
    });
    found
}

/// The slots a node is, when it is a literal standing in one (given its
/// ancestors, the parent last): each string of an implicit concatenation, and
/// each literal part of an f-string, is a slot of its own, so a marker never
/// joins lines inside one string.
pub fn slots_of(node: Node, ancestors: &[Node], text: &str) -> Vec<Slot> {
    let joined = ancestors.last().is_some_and(|p| kind(*p) == "concatenated_string");
    let literal = match kind(node) {
        "string" => !joined,
        "concatenated_string" => true,
        _ => false,
    };
    if !literal {
        return Vec::new();
    }
    let Some(name) = slot_name(node, ancestors, text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for string in strings_of(node) {
        let pieces = if has_interpolation(string) {
            children_of_kind(string, "string_content")
        } else {
            content_range(string).into_iter().collect()
        };
        found.extend(pieces.into_iter().map(|content| Slot {
            name: name.clone(),
            content,
            line: line_of(string),
        }));
    }
    found
}

/// Redact Python source; None when it does not parse (the text rules take it).
/// `rule` redacts one piece of text with the text rules, counting what it removed.
pub(super) fn redact(text: &str, rule: &mut dyn FnMut(&str) -> String, count: &mut u32) -> Option<String> {
    let tree = parse(text)?;
    if tree.root_node().has_error() {
        return None;
    }
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    // Where the slot being passed ends: what lies inside it is its literal's.
    let mut slot_end = 0;
    visit(tree.root_node(), |node, ancestors| {
        if node.start_byte() < slot_end {
            return;
        }
        let slots = slots_of(node, ancestors, text);
        if !slots.is_empty() {
            slot_end = node.end_byte();
            for slot in slots {
                let value = &text[slot.content.clone()];
                if value.is_empty() || value.contains("[REDACTED:") || is_inert_in_code(&slot.name, value) {
                    let redacted = rule(value);
                    if redacted != value {
                        edits.push((slot.content, redacted));
                    }
                } else {
                    *count += 1;
                    edits.push((slot.content, super::marker_in_place(value)));
                }
            }
            return;
        }
        let pieces: Vec<Range<usize>> = match kind(node) {
            "comment" => vec![node.byte_range()],
            "string" if has_interpolation(node) => children_of_kind(node, "string_content"),
            "string" => content_range(node).into_iter().collect(),
            _ => Vec::new(),
        };
        for piece in pieces {
            let value = &text[piece.clone()];
            let redacted = rule(value);
            if redacted != value {
                edits.push((piece, redacted));
            }
        }
    });
    if edits.is_empty() {
        keep(text, tree);
        return Some(text.to_string());
    }
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, replacement) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// The secret name whose slot `node` (a literal, or a call) stands in, given its
/// ancestors (the parent last).
fn slot_name(node: Node, ancestors: &[Node], text: &str) -> Option<String> {
    let mut child = node;
    let mut up = ancestors.len();
    // Through what only passes a value on — a bounded way: a literal at the end
    // of a hundred thousand `+` would otherwise climb them all, and so would each
    // of its neighbours.
    let lowest = up.saturating_sub(MAX_CLIMB);
    let parent = loop {
        up = up.checked_sub(1)?;
        if up < lowest {
            return None;
        }
        let parent = ancestors[up];
        match kind(parent) {
            // `user, password = "admin", "x"`: the name at the same place.
            "expression_list" | "tuple" if up > 0 && unpacked(ancestors[up - 1], parent) => {
                let index = position(parent, child)?;
                let targets = field(ancestors[up - 1], "left")?;
                let target = targets.named_child(u32::try_from(index).ok()?)?;
                return target_name(target, text).filter(|n| names_a_secret(n));
            }
            "parenthesized_expression"
            | "boolean_operator"
            | "binary_operator"
            | "list"
            | "set"
            | "tuple"
            | "expression_list" => {}
            "conditional_expression" if parent.named_child(1).is_some_and(|c| c.id() == child.id()) => return None,
            "conditional_expression" => {}
            // `str("x")`, `bytes("x")`: the call passes the literal on.
            "argument_list" if up > 0 && is_conversion(ancestors[up - 1], text) => {
                up -= 1;
                child = ancestors[up];
                continue;
            }
            // `"x".encode()`: the method's object.
            "attribute"
                if field(parent, "object").is_some_and(|o| o.id() == child.id())
                    && up > 0
                    && kind(ancestors[up - 1]) == "call" =>
            {
                up -= 1;
                child = ancestors[up];
                continue;
            }
            _ => break parent,
        }
        child = parent;
    };
    let named = |name: Option<String>| name.filter(|n| names_a_secret(n));
    let field_is = |name: &str| field(parent, name).is_some_and(|r| r.id() == child.id());
    let text_of = |n: Node| text[n.byte_range()].to_string();
    match kind(parent) {
        "assignment" | "augmented_assignment" if field_is("right") => {
            // `A = B = "x"`: the outer names too.
            let (mut assignment, mut at) = (parent, up);
            for _ in 0..MAX_CLIMB {
                if let Some(name) = named(field(assignment, "left").and_then(|t| target_name(t, text))) {
                    return Some(name);
                }
                at = at.checked_sub(1)?;
                let outer = ancestors[at];
                if kind(outer) != "assignment" || field(outer, "right").is_none_or(|r| r.id() != assignment.id()) {
                    return None;
                }
                assignment = outer;
            }
            None
        }
        "named_expression" if field_is("value") => named(field(parent, "name").map(text_of)),
        "keyword_argument" | "default_parameter" | "typed_default_parameter" if field_is("value") => {
            named(field(parent, "name").map(text_of)).or_else(|| {
                let arguments = ancestors[..up].last().filter(|a| kind(**a) == "argument_list")?;
                lookup_default(*arguments, parent, &ancestors[..up - 1], text)
            })
        }
        "pair" if field_is("value") => named(
            field(parent, "key")
                .and_then(|k| literal_text(k, text))
                .map(str::to_string),
        ),
        "comparison_operator" => {
            let mut cursor = parent.walk();
            let operators: Vec<&str> = parent
                .children_by_field_name("operators", &mut cursor)
                .map(|o| kind(o))
                .collect();
            let mut cursor = parent.walk();
            let operands: Vec<Node> = parent.named_children(&mut cursor).collect();
            if operators.len() != 1 || !matches!(operators[0], "==" | "!=") || operands.len() != 2 {
                return None;
            }
            let other = operands.into_iter().find(|o| o.id() != child.id())?;
            named(target_name(other, text))
        }
        "argument_list" => lookup_default(parent, child, &ancestors[..up], text),
        _ => None,
    }
}

/// Whether `assignment` unpacks `values` into as many targets.
fn unpacked(assignment: Node, values: Node) -> bool {
    kind(assignment) == "assignment"
        && field(assignment, "right").is_some_and(|r| r.id() == values.id())
        && field(assignment, "left").is_some_and(|l| {
            matches!(kind(l), "pattern_list" | "tuple_pattern") && l.named_child_count() == values.named_child_count()
        })
}

/// The index of `child` among `parent`'s named children.
fn position(parent: Node, child: Node) -> Option<usize> {
    let mut cursor = parent.walk();
    let found = parent.named_children(&mut cursor).position(|c| c.id() == child.id());
    found
}

/// A call that only converts its argument (`str(...)`, `bytes(...)`).
fn is_conversion(call: Node, text: &str) -> bool {
    kind(call) == "call"
        && field(call, "function")
            .is_some_and(|f| matches!(&text[f.byte_range()], "str" | "bytes" | "repr" | "SecretStr"))
}

/// Levels a literal is followed up through what passes it on (parentheses,
/// `or`, `+`, lists, conversions) to the name it is given to.
const MAX_CLIMB: usize = 24;

/// A literal argument after the first of a lookup: secret when the first
/// argument is a literal naming a secret, or when the call is in a secret slot.
/// `ancestors` are the argument list's.
fn lookup_default(arguments: Node, argument: Node, ancestors: &[Node], text: &str) -> Option<String> {
    let first = arguments.named_child(0)?;
    if first.id() == argument.id() {
        return None;
    }
    if let Some(name) = literal_text(first, text).filter(|n| names_a_secret(n)) {
        return Some(name.to_string());
    }
    let (call, above) = ancestors.split_last()?;
    if kind(*call) != "call" {
        return None;
    }
    slot_name(*call, above, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(text: &str) -> String {
        let mut count = 0;
        redact(text, &mut |t| crate::evidence::redact::redact(t).text, &mut count).expect("parses")
    }

    #[test]
    fn code_keeps_its_shape_and_only_literals_change() {
        let source = "password = request.form['password']\n\
                      q = \"SELECT * FROM users WHERE password = '\" + pw + \"'\"\n\
                      SECRET_KEY = \"Zq8Vw3Nx6Rt2Yp5Lk9\"\n\
                      DB = {\"PASSWORD\": \"hunter2hunter2\", \"HOST\": \"db.internal\"}\n\
                      api(token=\"tok-8812734\", timeout=30)\n\
                      if pwd == \"letmein99\": pass\n\
                      KEY = os.getenv(\"DJANGO_SECRET_KEY\", \"django-insecure-abc123\")\n\
                      DB_PASSWORD = os.environ.get(\"PW\", \"fallback-pw-1\")\n\
                      # old key AKIAIOSFODNN7EXAMPLE\n\
                      url = \"postgres://app:s3cr3tpw@db:5432/app\"\n";
        let out = redacted(source);
        assert!(out.starts_with("password = request.form['password']\n"), "{out}");
        assert!(
            out.contains("\"SELECT * FROM users WHERE password = '\" + pw + \"'\""),
            "{out}"
        );
        for secret in [
            "Zq8Vw3Nx6Rt2Yp5Lk9",
            "hunter2hunter2",
            "tok-8812734",
            "letmein99",
            "django-insecure-abc123",
            "fallback-pw-1",
            "AKIAIOSFODNN7EXAMPLE",
            "s3cr3tpw",
        ] {
            assert!(!out.contains(secret), "{secret} leaked:\n{out}");
        }
        for kept in ["db.internal", "timeout=30", "\"DJANGO_SECRET_KEY\"", "\"PW\""] {
            assert!(out.contains(kept), "{kept} lost:\n{out}");
        }
    }

    #[test]
    fn secret_names_and_other_keys() {
        for secret in [
            "SECRET_KEY",
            "db_password",
            "apiKey",
            "API_KEY",
            "AWS_ACCESS_KEY_ID",
            "ENCRYPTION_KEY",
            "stripe_key",
            "github_token",
            "PASSWD",
        ] {
            assert!(names_a_secret(secret), "{secret}");
        }
        for other in [
            "cache_key",
            "KEY_PREFIX",
            "sort_key",
            "key",
            "AUTH_USER_MODEL",
            "public_key",
            "S3_KEY",
            "primary_key",
            "monkey",
        ] {
            assert!(!names_a_secret(other), "{other}");
        }
    }

    #[test]
    fn names_and_addresses_that_cannot_be_secrets_stay() {
        let source = "oauth2 = OAuth2PasswordBearer(tokenUrl=\"token\")\n\
                      API_KEY_HEADER = \"X-API-Key\"\n\
                      TOKEN_URL = \"https://oauth2.googleapis.com/token\"\n\
                      TOKEN_TYPE = \"bearer\"\n\
                      password = \"\"\n";
        assert_eq!(redacted(source), source);
    }
}
