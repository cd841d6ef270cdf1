//! Jinja and Django templates read by minijinja's lexer (the two share their
//! delimiters, strings and filter syntax): where auto-escaping is switched off
//! (`{% autoescape false %}`, Django's `{% autoescape off %}`) and where `safe`
//! marks a value as needing no escape (`{{ x|safe }}`, `{% filter safe %}`),
//! with whether that value is a literal. Lines come from byte offsets, so a
//! template of any length numbers them right.

use minijinja::machinery::{tokenize, Token};
use minijinja::syntax::SyntaxConfig;

/// What a template does to escaping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Template {
    /// Lines of `{% autoescape false %}` / `{% autoescape off %}`.
    pub autoescape_off: Vec<u32>,
    pub safe: Vec<SafeUse>,
    /// Where the lexer stopped, and why: what follows was not read.
    pub error: Option<(u32, String)>,
}

/// `safe` applied to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeUse {
    pub line: u32,
    /// The value as written (`user.bio`), or `{% filter safe %}` for a block.
    pub subject: String,
    pub literal: bool,
}

struct Tok<'a> {
    token: Token<'a>,
    start: usize,
}

pub fn parse(text: &str) -> Template {
    let mut template = Template::default();
    let lines = LineIndex::new(text);
    let mut block: Vec<Tok> = Vec::new();
    let mut statement = false;
    for item in tokenize(text, false, SyntaxConfig::default()) {
        let (token, span) = match item {
            Ok(item) => item,
            Err(error) => {
                let line = error.line().and_then(|l| u32::try_from(l).ok()).unwrap_or(1);
                template.error = Some((line, error.detail().unwrap_or("not a template").to_string()));
                break;
            }
        };
        let start = span.start_offset as usize;
        match token {
            Token::VariableStart | Token::BlockStart => {
                statement = matches!(token, Token::BlockStart);
                block.clear();
            }
            Token::VariableEnd | Token::BlockEnd => {
                read_block(&block, statement, text, &lines, &mut template);
                block.clear();
            }
            Token::TemplateData(_) => {}
            token => block.push(Tok { token, start }),
        }
    }
    template
}

fn read_block(block: &[Tok], statement: bool, text: &str, lines: &LineIndex, out: &mut Template) {
    let Some(first) = block.first() else { return };
    let word = |i: usize| match block.get(i).map(|t| &t.token) {
        Some(Token::Ident(w)) => Some(*w),
        _ => None,
    };
    if statement && word(0) == Some("autoescape") && matches!(word(1), Some("false" | "False" | "off")) {
        out.autoescape_off.push(lines.line(first.start));
    }
    if statement && word(0) == Some("filter") && block.iter().skip(1).any(|t| matches!(t.token, Token::Ident("safe"))) {
        out.safe.push(SafeUse {
            line: lines.line(first.start),
            subject: "{% filter safe %}".to_string(),
            literal: false,
        });
    }
    for (at, pair) in block.windows(2).enumerate() {
        if matches!(pair[0].token, Token::Pipe) && matches!(pair[1].token, Token::Ident("safe")) {
            let start = subject_start(block, at);
            let subject = text[block[start].start..pair[0].start].trim().to_string();
            out.safe.push(SafeUse {
                line: lines.line(pair[0].start),
                literal: matches!(block[start].token, Token::Str(_) | Token::String(_)) && {
                    // The literal is the whole subject (filters on it aside).
                    start + 1 == at || matches!(block[start + 1].token, Token::Pipe)
                },
                subject,
            });
        }
    }
}

/// The index of the token that starts the value a filter at `pipe` applies to:
/// back over the filters before it (`|e`, `|default("x")`, Django's
/// `|date:"Y"`), then over one primary with its attributes, items and calls.
fn subject_start(block: &[Tok], pipe: usize) -> usize {
    let mut at = pipe;
    loop {
        // `at` is the index just past the value being looked at.
        let Some(mut i) = at.checked_sub(1) else { return 0 };
        // A closing group: back to its opening.
        i = match_back(block, i);
        // Attributes, items and calls: `a.b[c](d)`.
        while i >= 2 && matches!(block[i - 1].token, Token::Dot) {
            i = match_back(block, i - 2);
        }
        while i >= 1 && matches!(block[i].token, Token::BracketOpen | Token::ParenOpen) {
            i = match_back(block, i - 1);
            while i >= 2 && matches!(block[i - 1].token, Token::Dot) {
                i = match_back(block, i - 2);
            }
        }
        // A Django filter argument `|name:"x"`, or a filter `|name(...)` in a chain.
        if i >= 2 && matches!(block[i - 1].token, Token::Colon) && matches!(block[i - 2].token, Token::Ident(_)) {
            i -= 2;
        }
        if i >= 1 && matches!(block[i - 1].token, Token::Pipe) {
            at = i - 1;
            continue;
        }
        return i;
    }
}

/// From a closing bracket or parenthesis at `i`, the index of its opening one
/// (or of what it is attached to); anything else is its own start.
fn match_back(block: &[Tok], i: usize) -> usize {
    type Test = fn(&Token) -> bool;
    let (open, close): (Test, Test) = match block[i].token {
        Token::ParenClose => (
            |t: &Token| matches!(t, Token::ParenOpen),
            |t: &Token| matches!(t, Token::ParenClose),
        ),
        Token::BracketClose => (
            |t: &Token| matches!(t, Token::BracketOpen),
            |t: &Token| matches!(t, Token::BracketClose),
        ),
        _ => return i,
    };
    let mut depth = 0usize;
    let mut j = i;
    loop {
        if close(&block[j].token) {
            depth += 1;
        } else if open(&block[j].token) {
            depth -= 1;
            if depth == 0 {
                // A call or an item: include what it is applied to.
                return match j.checked_sub(1) {
                    Some(k)
                        if matches!(
                            block[k].token,
                            Token::Ident(_) | Token::ParenClose | Token::BracketClose
                        ) =>
                    {
                        match_back(block, k)
                    }
                    _ => j,
                };
            }
        }
        match j.checked_sub(1) {
            Some(k) => j = k,
            None => return 0,
        }
    }
}

/// Byte offsets to 1-based line numbers.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> u32 {
        let index = self.starts.partition_point(|&s| s <= offset);
        u32::try_from(index).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_on_values_and_on_literals_and_autoescape_off() {
        let t = parse(
            "<p>{{ user.bio|safe }}</p>\n\
             {{ \"<b>hi</b>\"|safe }}\n\
             {% autoescape false %}{{ x }}{% endautoescape %}\n\
             {{ items[0].html|e|safe }} {{ page.body|default:\"\"|safe }}\n\
             {% autoescape off %}{% endautoescape %}\n\
             {{ render(x)|safe }}{{ \"a\" ~ name|safe }}\n",
        );
        assert_eq!(t.error, None);
        assert_eq!(t.autoescape_off, vec![3, 5]);
        let seen: Vec<(u32, &str, bool)> = t.safe.iter().map(|s| (s.line, s.subject.as_str(), s.literal)).collect();
        assert_eq!(
            seen,
            vec![
                (1, "user.bio", false),
                (2, "\"<b>hi</b>\"", true),
                (4, "items[0].html|e", false),
                (4, "page.body|default:\"\"", false),
                (6, "render(x)", false),
                (6, "name", false),
            ]
        );
    }

    #[test]
    fn a_template_the_lexer_refuses_says_where() {
        let t = parse("ok\n{{ a ? b }}\n");
        assert_eq!(t.error.as_ref().map(|e| e.0), Some(2));
    }
}
