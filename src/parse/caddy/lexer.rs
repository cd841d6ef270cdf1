//! The Caddyfile's tokens as Caddy 2.6's lexer cuts them: words split by
//! whitespace; `"..."` (only `\"` escaped inside) and `` `...` `` (nothing
//! escaped) quote, across lines too; `#` starts a comment only at the start of a
//! word; a `\` before a newline joins the next line to this one; a leading BOM
//! is dropped. Each token keeps its line, and whether it was quoted (a quoted
//! `{` opens no block).

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    /// 1-based line where the token starts.
    pub line: usize,
    pub quoted: bool,
    /// Newlines inside it (a quoted token spanning lines), so the next line is known.
    pub breaks: usize,
}

/// Every token of `text`; an unterminated quote keeps what it read (as Caddy does at EOF).
pub fn tokenize(text: &str) -> Vec<Token> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let chars = text.chars();
    let mut line = 1;
    let mut skipped = 0;
    let mut val = String::new();
    let mut start = 1;
    let (mut quoted, mut backtick, mut escaped, mut comment) = (false, false, false, false);
    let mut breaks = 0;
    let push = |val: &mut String, start: usize, quoted: bool, breaks: &mut usize, out: &mut Vec<Token>| {
        out.push(Token {
            text: std::mem::take(val),
            line: start,
            quoted,
            breaks: std::mem::take(breaks),
        });
    };
    for ch in chars {
        if !escaped && !backtick && ch == '\\' {
            escaped = true;
            continue;
        }
        if quoted || backtick {
            if quoted && escaped {
                if ch != '"' {
                    val.push('\\');
                }
                escaped = false;
            } else if (quoted && ch == '"') || (backtick && ch == '`') {
                push(&mut val, start, true, &mut breaks, &mut out);
                quoted = false;
                backtick = false;
                continue;
            }
            if ch == '\n' {
                line += 1 + skipped;
                skipped = 0;
                breaks += 1;
            }
            val.push(ch);
            continue;
        }
        if ch.is_whitespace() {
            if ch == '\r' {
                continue;
            }
            if ch == '\n' {
                if escaped {
                    skipped += 1;
                    escaped = false;
                } else {
                    line += 1 + skipped;
                    skipped = 0;
                }
                comment = false;
            }
            if !val.is_empty() {
                push(&mut val, start, false, &mut breaks, &mut out);
            }
            continue;
        }
        if ch == '#' && val.is_empty() {
            comment = true;
        }
        if comment {
            continue;
        }
        if val.is_empty() {
            start = line;
            if ch == '"' {
                quoted = true;
                continue;
            }
            if ch == '`' {
                backtick = true;
                continue;
            }
        }
        if escaped {
            val.push('\\');
            escaped = false;
        }
        val.push(ch);
    }
    if !val.is_empty() {
        push(&mut val, start, quoted || backtick, &mut breaks, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, usize)> {
        tokenize(text).into_iter().map(|t| (t.text, t.line)).collect()
    }

    #[test]
    fn words_quotes_comments_and_lines_as_caddy_reads_them() {
        let text = "example.com {\n\theader X-A \"a b\" # note\n\trespond `say \"hi\"` 200\n\tpath#not-a-comment\n}\n";
        let got = words(text);
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "example.com",
                "{",
                "header",
                "X-A",
                "a b",
                "respond",
                "say \"hi\"",
                "200",
                "path#not-a-comment",
                "}"
            ]
        );
        assert_eq!(got[2].1, 2);
        assert_eq!(got[8].1, 4);
    }

    #[test]
    fn escapes_and_joined_lines() {
        assert_eq!(words("a \"x\\\"y\\n\" b")[1].0, "x\"y\\n");
        let joined = words("reverse_proxy a \\\n  b\nnext\n");
        assert_eq!(joined.iter().map(|(_, l)| *l).collect::<Vec<_>>(), [1, 1, 1, 3]);
        assert_eq!(words("\u{feff}x")[0].0, "x");
    }
}
