//! Reading a Caddyfile as Caddy 2.6 does: its files tokenized (`{$VAR}`
//! replaced first), `import` replaced where it stands by a snippet defined above
//! it or by the files a path or glob names, then cut into the global options
//! block, snippets and site blocks of directives — within bounds on files,
//! imports, tokens and nesting.

use super::lexer::{tokenize, Token};
use super::{Caddyfile, LoadError, Node, SiteBlock, MAX_FILES, MAX_IMPORTS, MAX_NESTING, MAX_TOKENS};
use crate::evidence::glob::has_magic;
use crate::evidence::{FileState, Source};
use crate::parse::text::dirname;
use std::sync::Arc;

/// A token with the file it came from.
#[derive(Debug, Clone)]
struct Tok {
    token: Token,
    file: Arc<str>,
}

pub(super) fn read(source: &dyn Source, main: &str) -> Result<Caddyfile, LoadError> {
    let mut parser = Parser {
        source,
        files: Vec::new(),
        snippets: Vec::new(),
        imports: 0,
        unset: Vec::new(),
    };
    let tokens = parser.file(main, None)?;
    let mut out = parser.blocks(tokens)?;
    out.files = parser.files;
    out.unset_environment = parser.unset;
    Ok(out)
}

struct Parser<'s> {
    source: &'s dyn Source,
    files: Vec<String>,
    snippets: Vec<(String, Vec<Tok>)>,
    imports: usize,
    unset: Vec<(String, String)>,
}

fn refused(tok: &Tok, message: impl Into<String>) -> LoadError {
    LoadError::Refused {
        path: tok.file.to_string(),
        line: tok.token.line,
        message: message.into(),
    }
}

/// Whether `b` starts a new line after `a` (Caddy's `isNewLine`).
fn new_line(a: &Tok, b: &Tok) -> bool {
    !Arc::ptr_eq(&a.file, &b.file) || b.token.line > a.token.line + a.token.breaks
}

fn is_open(t: &Tok) -> bool {
    !t.token.quoted && t.token.text == "{"
}

fn is_close(t: &Tok) -> bool {
    !t.token.quoted && t.token.text == "}"
}

impl Parser<'_> {
    fn file(&mut self, path: &str, from: Option<&Tok>) -> Result<Vec<Tok>, LoadError> {
        if self.files.len() >= MAX_FILES {
            return Err(LoadError::Unreadable(format!("more than {MAX_FILES} files imported")));
        }
        let text = match crate::evidence::source::read_config(self.source, path) {
            FileState::Text(text) => text,
            FileState::Missing if from.is_none() => return Err(LoadError::Missing { path: path.to_string() }),
            FileState::Missing => {
                return Err(refused(
                    from.expect("an import"),
                    format!("File to import not found: {path}"),
                ))
            }
            other => {
                return Err(LoadError::Unreadable(
                    other
                        .problem(path)
                        .unwrap_or_else(|| format!("{path} could not be read")),
                ))
            }
        };
        if !self.files.iter().any(|f| f == path) {
            self.files.push(path.to_string());
        }
        let file: Arc<str> = Arc::from(path);
        let (text, unset) = environment(&text);
        self.unset
            .extend(unset.into_iter().map(|name| (name, path.to_string())));
        Ok(tokenize(&text)
            .into_iter()
            .map(|token| Tok {
                token,
                file: file.clone(),
            })
            .collect())
    }

    /// If the token at `i` is an `import` starting its line, replace that line
    /// by what it names (again, while the replacement starts with one).
    fn splice(&mut self, tokens: &mut Vec<Tok>, i: usize) -> Result<(), LoadError> {
        loop {
            let Some(tok) = tokens.get(i) else { return Ok(()) };
            let starts_line = i == 0 || new_line(&tokens[i - 1], tok);
            if !(starts_line && !tok.token.quoted && tok.token.text == "import") {
                return Ok(());
            }
            let mut end = i + 1;
            while end < tokens.len() && !new_line(&tokens[end - 1], &tokens[end]) {
                end += 1;
            }
            if end == i + 1 {
                return Err(refused(
                    tok,
                    "Wrong argument count or unexpected line ending after 'import'",
                ));
            }
            let at = tok.clone();
            let pattern = tokens[i + 1].token.text.clone();
            let args: Vec<String> = tokens[i + 2..end].iter().map(|t| t.token.text.clone()).collect();
            self.imports += 1;
            if self.imports > MAX_IMPORTS {
                return Err(LoadError::Unreadable(format!(
                    "more than {MAX_IMPORTS} imports (a cycle?) at {}:{}",
                    at.file, at.token.line
                )));
            }
            // Each splice is its own origin: its first token starts a line, and so
            // does the token after it (Caddy: a token from another file is on a new line).
            let mut origins: Vec<(Arc<str>, Arc<str>)> = Vec::new();
            let imported: Vec<Tok> = self
                .import(&pattern, &at)?
                .into_iter()
                .map(|mut t| {
                    t.token.text = fill_args(&t.token.text, &args);
                    let fresh = match origins.iter().find(|(old, _)| Arc::ptr_eq(old, &t.file)) {
                        Some((_, fresh)) => fresh.clone(),
                        None => {
                            let fresh: Arc<str> = Arc::from(&*t.file);
                            origins.push((t.file.clone(), fresh.clone()));
                            fresh
                        }
                    };
                    t.file = fresh;
                    t
                })
                .collect();
            if tokens.len() + imported.len() > MAX_TOKENS {
                return Err(LoadError::Unreadable(format!(
                    "imports expand past {MAX_TOKENS} tokens"
                )));
            }
            tokens.splice(i..end, imported);
        }
    }

    fn import(&mut self, pattern: &str, at: &Tok) -> Result<Vec<Tok>, LoadError> {
        if let Some((_, tokens)) = self.snippets.iter().find(|(name, _)| name == pattern) {
            return Ok(tokens.clone());
        }
        let full = if pattern.starts_with('/') {
            pattern.to_string()
        } else {
            format!("{}/{pattern}", dirname(&at.file))
        };
        let paths = if has_magic(&full) {
            let globbed = self.source.glob(&full);
            if let Some(problem) = globbed.problem() {
                return Err(LoadError::Unreadable(format!(
                    "{problem}, so {full} could not be expanded (imported at {}:{})",
                    at.file, at.token.line
                )));
            }
            globbed.paths
        } else {
            vec![full]
        };
        let mut out = Vec::new();
        for path in paths {
            out.extend(self.file(&path, Some(at))?);
        }
        Ok(out)
    }

    /// The index of the `}` closing the `{` at `open`, expanding imports inside.
    fn close_of(&mut self, tokens: &mut Vec<Tok>, open: usize) -> Result<usize, LoadError> {
        let mut nesting = 0usize;
        let mut k = open;
        while k < tokens.len() {
            if k > open {
                self.splice(tokens, k)?;
                if k >= tokens.len() {
                    break;
                }
            }
            if is_open(&tokens[k]) {
                nesting += 1;
            } else if is_close(&tokens[k]) {
                nesting -= 1;
                if nesting == 0 {
                    return Ok(k);
                }
            }
            k += 1;
        }
        Err(refused(&tokens[open], "Unexpected EOF: a '{' is never closed"))
    }

    /// The top-level blocks, in order: global options, snippets, sites.
    fn blocks(&mut self, mut tokens: Vec<Tok>) -> Result<Caddyfile, LoadError> {
        let mut out = Caddyfile::default();
        let mut i = 0;
        let mut first = true;
        while i < tokens.len() {
            self.splice(&mut tokens, i)?;
            if i >= tokens.len() {
                break;
            }
            if first && is_open(&tokens[i]) {
                let close = self.close_of(&mut tokens, i)?;
                out.global = nodes(&tokens[i + 1..close])?;
                i = close + 1;
                first = false;
                continue;
            }
            first = false;
            let (file, line) = (tokens[i].file.clone(), tokens[i].token.line);
            // Addresses: to a `{`, or to the end of their line unless a comma continues them.
            let mut addresses = Vec::new();
            let mut expecting = false;
            let mut j = i;
            let mut braces = false;
            while j < tokens.len() {
                if j > i {
                    self.splice(&mut tokens, j)?;
                    if j >= tokens.len() {
                        break;
                    }
                }
                let tok = &tokens[j];
                if is_open(tok) {
                    if expecting {
                        return Err(refused(
                            tok,
                            "Expected another address but had '{' - check for extra comma",
                        ));
                    }
                    braces = true;
                    break;
                }
                let text = tok.token.text.as_str();
                if text.ends_with('{') && !tok.token.quoted {
                    return Err(refused(tok, "Site addresses cannot end with a curly brace"));
                }
                if !text.is_empty() {
                    let (address, more) = match text.strip_suffix(',') {
                        Some(a) => (a, true),
                        None => (text, false),
                    };
                    if address.contains(',') {
                        let message = format!(
                            "Site addresses cannot contain a comma ','; put a space after the comma to separate site addresses: {address}"
                        );
                        return Err(refused(tok, message));
                    }
                    expecting = more;
                    addresses.push(address.to_string());
                }
                j += 1;
                if j < tokens.len() && !expecting && new_line(&tokens[j - 1], &tokens[j]) {
                    break;
                }
            }
            let snippet = match addresses.as_slice() {
                [name] => name
                    .strip_prefix('(')
                    .and_then(|n| n.strip_suffix(')'))
                    .map(str::to_string),
                _ => None,
            };
            let (body, next) = if braces {
                // A snippet's imports are expanded where it is used.
                let close = match snippet {
                    Some(_) => close_index(&tokens, j)?,
                    None => self.close_of(&mut tokens, j)?,
                };
                (tokens[j + 1..close].to_vec(), close + 1)
            } else {
                let mut k = j;
                while k < tokens.len() {
                    self.splice(&mut tokens, k)?;
                    k += 1;
                }
                (tokens[j.min(tokens.len())..].to_vec(), tokens.len())
            };
            match snippet {
                Some(name) => self.snippets.push((name, body)),
                None => out.sites.push(SiteBlock {
                    addresses,
                    file,
                    line,
                    directives: nodes(&body)?,
                }),
            }
            i = next;
        }
        Ok(out)
    }
}

/// The index of the `}` closing the `{` at `open`.
fn close_index(tokens: &[Tok], open: usize) -> Result<usize, LoadError> {
    let mut nesting = 0usize;
    for (k, tok) in tokens.iter().enumerate().skip(open) {
        if is_open(tok) {
            nesting += 1;
        } else if is_close(tok) {
            nesting -= 1;
            if nesting == 0 {
                return Ok(k);
            }
        }
    }
    Err(refused(&tokens[open], "Unexpected EOF: a '{' is never closed"))
}

/// Directives of a block body: one per line, a trailing `{` opening its sub-block.
fn nodes(tokens: &[Tok]) -> Result<Vec<Node>, LoadError> {
    nodes_at(tokens, 0)
}

fn nodes_at(tokens: &[Tok], depth: usize) -> Result<Vec<Node>, LoadError> {
    if depth > MAX_NESTING {
        let at = tokens
            .first()
            .map(|t| format!(" at {}:{}", t.file, t.token.line))
            .unwrap_or_default();
        return Err(LoadError::Unreadable(format!(
            "blocks nest more than {MAX_NESTING} deep{at}"
        )));
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let first = &tokens[i];
        if is_close(first) {
            return Err(refused(first, "Unexpected '}' because no matching opening brace"));
        }
        let mut args = Vec::new();
        let mut j = i + 1;
        let mut block = None;
        while j < tokens.len() && !new_line(&tokens[j - 1], &tokens[j]) {
            if is_open(&tokens[j]) {
                let close = close_index(tokens, j)?;
                block = Some(nodes_at(&tokens[j + 1..close], depth + 1)?);
                j = close + 1;
                break;
            }
            args.push(tokens[j].token.text.clone());
            j += 1;
        }
        out.push(Node {
            name: first.token.text.clone(),
            args,
            file: first.file.clone(),
            line: first.token.line,
            block,
        });
        i = j;
    }
    Ok(out)
}

/// `{args.N}` / `{args[N]}` replaced by the import's arguments.
fn fill_args(text: &str, args: &[String]) -> String {
    if !text.contains("{args") {
        return text.to_string();
    }
    let mut out = text.to_string();
    for (n, arg) in args.iter().enumerate() {
        out = out
            .replace(&format!("{{args.{n}}}"), arg)
            .replace(&format!("{{args[{n}]}}"), arg);
    }
    out
}

/// `{$VAR}` and `{$VAR:default}` as Caddy sees them with the variable unset,
/// and the names used with no default (the service's environment decides them).
fn environment(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut unset = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{$") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(len) => {
                let inner = &rest[start + 2..start + len];
                match inner.split_once(':') {
                    Some((_, default)) => out.push_str(default),
                    None => unset.push(inner.to_string()),
                }
                rest = &rest[start + len + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    (out, unset)
}
