//! The structure of an nft script, enough to find base chains and their rules:
//! `table [family] name { chain name { type … hook …; policy …; rules } }`, the
//! flat forms `add table|chain …` and `add|insert rule [family] table chain …`,
//! and `define NAME = value` with `$NAME` expanded in rules. Set, map and other
//! object blocks are skipped; a `{` inside a rule is an anonymous set. Not a full
//! nft grammar: anything unrecognised is carried along or ignored, never fatal.

use super::lex::{Kind, Token};
use std::collections::HashMap;

pub const FAMILIES: [&str; 6] = ["ip", "ip6", "inet", "arp", "bridge", "netdev"];

/// One chain: where it lives, its hook and policy when it is a base chain, and
/// its rules (each the tokens of one statement, `$variables` expanded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub family: String,
    pub table: String,
    pub name: String,
    /// The token that declared it (for its location).
    pub declared: Token,
    /// `input`, `forward`, ... for a base chain.
    pub hook: Option<String>,
    /// The policy word (`drop`, `accept`) with its location.
    pub policy: Option<Token>,
    pub rules: Vec<Vec<Token>>,
}

impl Chain {
    /// `inet filter input`, as `nft list` names a chain.
    pub fn label(&self) -> String {
        format!("{} {} {}", self.family, self.table, self.name)
    }

    pub fn policy_is(&self, word: &str) -> bool {
        self.policy.as_ref().is_some_and(|t| t.text == word)
    }
}

/// Every chain a script declares or adds rules to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ruleset {
    pub chains: Vec<Chain>,
    /// Each chain's index by family, table and name: a script of thousands of
    /// chains is looked up in constant time, not by a scan per jump.
    index: HashMap<(String, String, String), usize>,
}

impl Ruleset {
    pub fn find(&self, family: &str, table: &str, name: &str) -> Option<usize> {
        self.index
            .get(&(family.to_string(), table.to_string(), name.to_string()))
            .copied()
    }
}

/// Parse a token stream (includes already spliced in).
pub fn parse(tokens: &[Token]) -> Ruleset {
    let mut parser = Parser {
        tokens,
        pos: 0,
        defines: HashMap::new(),
        set: Ruleset::default(),
    };
    while parser.pos < tokens.len() {
        parser.block(&Ctx::Top);
    }
    parser.set
}

#[derive(Debug, Clone)]
enum Ctx {
    Top,
    Table { family: String, table: String },
    Chain(usize),
}

/// How a statement ended.
enum End {
    /// `;`, a line end, or the end of input.
    Statement,
    /// `}`: the enclosing block ends too.
    Close,
    /// `{` opening a block the statement heads.
    Open,
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    defines: HashMap<String, Vec<Token>>,
    set: Ruleset,
}

fn head(stmt: &[Token]) -> &str {
    stmt.first().map_or("", |t| t.text.as_str())
}

fn words(stmt: &[Token]) -> Vec<&str> {
    stmt.iter().filter_map(Token::name).collect()
}

impl Parser<'_> {
    /// Statements until the block's `}` (consumed) or the end of input.
    fn block(&mut self, ctx: &Ctx) {
        while self.pos < self.tokens.len() {
            let (stmt, end) = self.statement(ctx);
            match end {
                End::Open => match self.open(ctx, &stmt) {
                    Some(inner) => self.block(&inner),
                    None => self.skip_block(),
                },
                End::Statement => self.apply(ctx, &stmt),
                End::Close => {
                    self.apply(ctx, &stmt);
                    return;
                }
            }
        }
    }

    fn statement(&mut self, ctx: &Ctx) -> (Vec<Token>, End) {
        let mut stmt = Vec::new();
        while let Some(token) = self.tokens.get(self.pos) {
            self.pos += 1;
            match token.kind {
                Kind::Semi | Kind::Newline if stmt.is_empty() => {}
                Kind::Semi | Kind::Newline => return (stmt, End::Statement),
                Kind::Close => return (stmt, End::Close),
                Kind::Open if opens_block(ctx, &stmt) => return (stmt, End::Open),
                Kind::Open => {
                    stmt.push(token.clone());
                    self.take_set(&mut stmt);
                }
                _ => stmt.push(token.clone()),
            }
        }
        (stmt, End::Statement)
    }

    /// The rest of an anonymous set whose `{` was just taken, nested sets included.
    fn take_set(&mut self, stmt: &mut Vec<Token>) {
        let mut depth = 1usize;
        while let Some(token) = self.tokens.get(self.pos) {
            self.pos += 1;
            match token.kind {
                Kind::Newline => continue,
                Kind::Open => depth += 1,
                Kind::Close => depth -= 1,
                _ => {}
            }
            stmt.push(token.clone());
            if depth == 0 {
                return;
            }
        }
    }

    /// Skip a block whose `{` was just taken.
    fn skip_block(&mut self) {
        let mut depth = 1usize;
        while let Some(token) = self.tokens.get(self.pos) {
            self.pos += 1;
            match token.kind {
                Kind::Open => depth += 1,
                Kind::Close if depth == 1 => return,
                Kind::Close => depth -= 1,
                _ => {}
            }
        }
    }

    /// The context a block header opens; None for blocks whose content is skipped.
    fn open(&mut self, ctx: &Ctx, stmt: &[Token]) -> Option<Ctx> {
        let names = words(stmt);
        match (ctx, names.as_slice()) {
            (Ctx::Top, ["table", rest @ ..]) | (Ctx::Top, ["add" | "create", "table", rest @ ..]) => {
                let (family, table) = table_name(rest);
                Some(Ctx::Table { family, table })
            }
            (Ctx::Top, ["add" | "create", "chain", rest @ ..]) => {
                let (family, table, name) = chain_name(rest)?;
                Some(Ctx::Chain(self.chain(&family, &table, &name, &stmt[0])))
            }
            (Ctx::Table { family, table }, ["chain", name, ..]) => {
                Some(Ctx::Chain(self.chain(family, table, name, &stmt[0])))
            }
            _ => None,
        }
    }

    /// The index of a chain, declared now if new (redeclarations merge, as in nft).
    fn chain(&mut self, family: &str, table: &str, name: &str, declared: &Token) -> usize {
        if let Some(index) = self.set.find(family, table, name) {
            return index;
        }
        let index = self.set.chains.len();
        self.set.chains.push(Chain {
            family: family.to_string(),
            table: table.to_string(),
            name: name.to_string(),
            declared: declared.clone(),
            hook: None,
            policy: None,
            rules: Vec::new(),
        });
        let key = (family.to_string(), table.to_string(), name.to_string());
        self.set.index.insert(key, index);
        index
    }

    fn apply(&mut self, ctx: &Ctx, stmt: &[Token]) {
        match (ctx, head(stmt)) {
            (_, "") => {}
            (_, "define" | "redefine") => self.define(stmt),
            (_, "undefine") => {
                if let Some(name) = stmt.get(1) {
                    self.defines.remove(&name.text);
                }
            }
            (Ctx::Top, "add" | "insert" | "create") => self.flat(stmt),
            (Ctx::Chain(index), _) => self.chain_statement(*index, stmt),
            _ => {}
        }
    }

    /// `add rule [family] table chain stmt…` and `add chain … ` without a block.
    fn flat(&mut self, stmt: &[Token]) {
        let names = words(stmt);
        match names.get(1).copied() {
            Some("rule") => {
                let Some((family, table, name)) = chain_name(names.get(2..).unwrap_or(&[])) else {
                    return;
                };
                let skip = if names.get(2).is_some_and(|w| FAMILIES.contains(w)) {
                    5
                } else {
                    4
                };
                let index = self.chain(&family, &table, &name, &stmt[0]);
                let rest = skip_position(stmt.get(skip..).unwrap_or(&[]));
                self.chain_statement(index, rest);
            }
            Some("chain") => {
                if let Some((family, table, name)) = chain_name(names.get(2..).unwrap_or(&[])) {
                    self.chain(&family, &table, &name, &stmt[0]);
                }
            }
            _ => {}
        }
    }

    fn chain_statement(&mut self, index: usize, stmt: &[Token]) {
        let stmt = self.expand(stmt);
        let Some(chain) = self.set.chains.get_mut(index) else {
            return;
        };
        match head(&stmt) {
            "" | "comment" | "devices" | "flags" => {}
            "type" | "policy" => {
                let names: Vec<&Token> = stmt.iter().filter(|t| t.name().is_some()).collect();
                for pair in names.windows(2) {
                    match pair[0].text.as_str() {
                        "hook" => chain.hook = Some(pair[1].text.clone()),
                        "policy" => chain.policy = Some(pair[1].clone()),
                        _ => {}
                    }
                }
            }
            _ => chain.rules.push(stmt),
        }
    }

    /// `define NAME = value…`, `define NAME=value`; the value is expanded now.
    fn define(&mut self, stmt: &[Token]) {
        let Some(name_token) = stmt.get(1) else {
            return;
        };
        let (name, inline) = match name_token.text.split_once('=') {
            Some((name, value)) => (name.to_string(), value.to_string()),
            None => (name_token.text.clone(), String::new()),
        };
        let mut rest = &stmt[2..];
        let mut value = Vec::new();
        if !inline.is_empty() {
            value.push(Token {
                text: inline,
                ..name_token.clone()
            });
        } else if let Some(first) = rest.first() {
            if let Some(after) = first.text.strip_prefix('=').filter(|_| first.kind == Kind::Word) {
                if !after.is_empty() {
                    value.push(Token {
                        text: after.to_string(),
                        ..first.clone()
                    });
                }
                rest = &rest[1..];
            }
        }
        value.extend(rest.iter().cloned());
        let value = self.expand(&value);
        self.defines.insert(name, value);
    }

    /// Replace `$NAME` words by their definitions, located at the use.
    /// Replace `$NAME` words by their definitions. A definition may hold other
    /// variables (expanded when it is defined), so nested defines can double in size
    /// at each level; past MAX_EXPANDED tokens the statement is left unexpanded and
    /// its `$NAME` words read as unknown ports, never as a pass.
    fn expand(&self, stmt: &[Token]) -> Vec<Token> {
        let mut out = Vec::with_capacity(stmt.len());
        for token in stmt {
            let value = token.text.strip_prefix('$').and_then(|name| self.defines.get(name));
            match value {
                Some(value) if token.kind == Kind::Word => {
                    if out.len() + value.len() > MAX_EXPANDED {
                        return stmt.to_vec();
                    }
                    out.extend(value.iter().map(|v| Token {
                        file: token.file,
                        line: token.line,
                        ..v.clone()
                    }))
                }
                _ => out.push(token.clone()),
            }
        }
        out
    }
}

/// The most tokens one statement or definition may expand to.
const MAX_EXPANDED: usize = 65_536;

fn opens_block(ctx: &Ctx, stmt: &[Token]) -> bool {
    match ctx {
        Ctx::Top => {
            let names = words(stmt);
            matches!(
                names.as_slice(),
                ["table", ..] | ["add" | "create", "table" | "chain", ..]
            )
        }
        Ctx::Table { .. } => true,
        Ctx::Chain(_) => false,
    }
}

/// `[family] name` of a table; the family defaults to `ip`, as in nft.
fn table_name(names: &[&str]) -> (String, String) {
    match names {
        [family, table, ..] if FAMILIES.contains(family) => (family.to_string(), table.to_string()),
        [table, ..] => ("ip".to_string(), table.to_string()),
        [] => ("ip".to_string(), String::new()),
    }
}

/// `[family] table chain` of a flat command.
fn chain_name(names: &[&str]) -> Option<(String, String, String)> {
    match names {
        [family, table, chain, ..] if FAMILIES.contains(family) => {
            Some((family.to_string(), table.to_string(), chain.to_string()))
        }
        [family, ..] if FAMILIES.contains(family) => None,
        [table, chain, ..] => Some(("ip".to_string(), table.to_string(), chain.to_string())),
        _ => None,
    }
}

/// Drop `position N`, `handle N` or `index N` before a flat rule's statement.
fn skip_position(stmt: &[Token]) -> &[Token] {
    match stmt {
        [word, _, rest @ ..] if matches!(word.text.as_str(), "position" | "handle" | "index") => rest,
        _ => stmt,
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
