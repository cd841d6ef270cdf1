//! One nginx configuration file read as nginx's `ngx_conf_read_token`
//! (src/core/ngx_conf_file.c) reads it: words split on spaces, tabs and line
//! ends; `;` ends a directive and `{` opens its block wherever a word ends; `}`
//! closes a block only where a word could start; `#` starts a comment only there
//! too; single or double quotes group a word (and must be followed by a space, `;`
//! or `{`); a backslash keeps the next character, and in the word `\"`, `\'`,
//! `\\` become the character, `\t`, `\r`, `\n` the control character. Errors say
//! what nginx says, at the line it says it.

/// One directive: its name, arguments, where it starts, and its block if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub args: Vec<String>,
    /// The file it is in, and the 1-based line of its name.
    pub file: Arc<str>,
    pub line: usize,
    pub block: Option<Vec<Directive>>,
}

use std::sync::Arc;

/// Why nginx refuses the file (`nginx -t` fails), at a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub message: String,
}

/// The deepest blocks vouch reads.
pub const MAX_NESTING: usize = 64;

/// What one call to the tokenizer ended on.
enum Ended {
    Directive,
    BlockStart,
    BlockEnd,
    FileEnd,
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

/// Parse a whole file (named `file`) into its directives.
pub fn parse(text: &str, file: &Arc<str>) -> Result<Vec<Directive>, SyntaxError> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
    };
    // Blocks being filled, innermost last; each with the directive that opened it.
    let mut stack: Vec<(Directive, Vec<Directive>)> = Vec::new();
    let mut current: Vec<Directive> = Vec::new();
    loop {
        let (words, start_line, ended) = reader.token()?;
        match ended {
            Ended::Directive | Ended::BlockStart => {
                let mut words = words.into_iter();
                let Some(name) = words.next() else {
                    return Err(reader.error("unexpected \";\" or \"{\""));
                };
                let directive = Directive {
                    name,
                    args: words.collect(),
                    file: file.clone(),
                    line: start_line,
                    block: None,
                };
                if matches!(ended, Ended::BlockStart) {
                    // nginx has no bound but its stack; real configurations nest a
                    // handful deep, and what reads the tree recurses on it.
                    if stack.len() >= MAX_NESTING {
                        return Err(reader.error(&format!("blocks nested more than {MAX_NESTING} deep")));
                    }
                    stack.push((directive, std::mem::take(&mut current)));
                } else {
                    current.push(directive);
                }
            }
            Ended::BlockEnd => {
                let Some((mut opener, outer)) = stack.pop() else {
                    return Err(reader.error("unexpected \"}\""));
                };
                opener.block = Some(std::mem::replace(&mut current, outer));
                current.push(opener);
            }
            Ended::FileEnd => {
                if !stack.is_empty() {
                    return Err(reader.error("unexpected end of file, expecting \"}\""));
                }
                return Ok(current);
            }
        }
    }
}

impl Reader<'_> {
    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError {
            line: self.line,
            message: message.to_string(),
        }
    }

    /// Read up to the next `;`, `{`, `}` or the end: the words, the line the
    /// first word started on, and what ended it.
    fn token(&mut self) -> Result<(Vec<String>, usize, Ended), SyntaxError> {
        let mut words: Vec<String> = Vec::new();
        let mut first_line = self.line;
        let (mut need_space, mut last_space, mut comment) = (false, true, false);
        let (mut quoted, mut s_quoted, mut d_quoted) = (false, false, false);
        // After `$`, a `{` belongs to the word (`${host}`).
        let mut variable = false;
        let mut start = self.pos;
        loop {
            let Some(&ch) = self.bytes.get(self.pos) else {
                // As nginx: a word still open at the end, with none before it, is dropped.
                if !words.is_empty() {
                    return Err(self.error("unexpected end of file, expecting \";\" or \"}\""));
                }
                return Ok((words, first_line, Ended::FileEnd));
            };
            self.pos += 1;
            if ch == b'\n' {
                self.line += 1;
                comment = false;
            }
            if comment {
                continue;
            }
            if quoted {
                quoted = false;
                continue;
            }
            let space = matches!(ch, b' ' | b'\t' | b'\r' | b'\n');
            if need_space {
                if space {
                    last_space = true;
                    need_space = false;
                    continue;
                }
                match ch {
                    b';' => return Ok((words, first_line, Ended::Directive)),
                    b'{' => return Ok((words, first_line, Ended::BlockStart)),
                    // `if ($a = "b")`: the `)` starts a word of its own.
                    b')' => {
                        last_space = true;
                        need_space = false;
                    }
                    _ => return Err(self.error(&format!("unexpected \"{}\"", ch as char))),
                }
            }
            if last_space {
                if space {
                    continue;
                }
                start = self.pos - 1;
                if words.is_empty() {
                    first_line = self.line;
                }
                match ch {
                    b';' | b'{' => {
                        if words.is_empty() {
                            return Err(self.error(&format!("unexpected \"{}\"", ch as char)));
                        }
                        let ended = if ch == b'{' {
                            Ended::BlockStart
                        } else {
                            Ended::Directive
                        };
                        return Ok((words, first_line, ended));
                    }
                    b'}' => {
                        if !words.is_empty() {
                            return Err(self.error("unexpected \"}\""));
                        }
                        return Ok((words, first_line, Ended::BlockEnd));
                    }
                    b'#' => comment = true,
                    b'\\' => {
                        quoted = true;
                        last_space = false;
                    }
                    b'"' => {
                        start += 1;
                        d_quoted = true;
                        last_space = false;
                    }
                    b'\'' => {
                        start += 1;
                        s_quoted = true;
                        last_space = false;
                    }
                    b'$' => {
                        variable = true;
                        last_space = false;
                    }
                    _ => last_space = false,
                }
                continue;
            }
            if ch == b'{' && variable {
                continue;
            }
            variable = false;
            if ch == b'\\' {
                quoted = true;
                continue;
            }
            if ch == b'$' {
                variable = true;
                continue;
            }
            let found = if d_quoted {
                let end = ch == b'"';
                if end {
                    d_quoted = false;
                    need_space = true;
                }
                end
            } else if s_quoted {
                let end = ch == b'\'';
                if end {
                    s_quoted = false;
                    need_space = true;
                }
                end
            } else if space || ch == b';' || ch == b'{' {
                last_space = true;
                true
            } else {
                false
            };
            if found {
                words.push(unescape(&self.bytes[start..self.pos - 1]));
                match ch {
                    b';' => return Ok((words, first_line, Ended::Directive)),
                    b'{' => return Ok((words, first_line, Ended::BlockStart)),
                    _ => {}
                }
            }
        }
    }
}

/// A word's escapes as nginx resolves them.
fn unescape(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' {
            match raw.get(i + 1) {
                Some(b'"' | b'\'' | b'\\') => {
                    out.push(raw[i + 1]);
                    i += 2;
                    continue;
                }
                Some(b't') => {
                    out.push(b'\t');
                    i += 2;
                    continue;
                }
                Some(b'r') => {
                    out.push(b'\r');
                    i += 2;
                    continue;
                }
                Some(b'n') => {
                    out.push(b'\n');
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(name: &str, args: &[&str], line: usize) -> Directive {
        Directive {
            name: name.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            file: Arc::from("t.conf"),
            line,
            block: None,
        }
    }

    fn parse(text: &str) -> Result<Vec<Directive>, SyntaxError> {
        super::parse(text, &Arc::from("t.conf"))
    }

    #[test]
    fn directives_blocks_quotes_and_comments() {
        let text = "user www-data;\n# a comment; {\nhttp {\n  add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains\" always;\n  server { listen 443 ssl; server_name 'a b'; }\n}\n";
        let parsed = parse(text).unwrap();
        assert_eq!(parsed[0], d("user", &["www-data"], 1));
        let http = parsed[1].block.as_ref().unwrap();
        assert_eq!(parsed[1].line, 3);
        assert_eq!(
            http[0],
            d(
                "add_header",
                &[
                    "Strict-Transport-Security",
                    "max-age=63072000; includeSubDomains",
                    "always"
                ],
                4
            )
        );
        let server = http[1].block.as_ref().unwrap();
        assert_eq!(server[0], d("listen", &["443", "ssl"], 5));
        assert_eq!(server[1], d("server_name", &["a b"], 5));
    }

    #[test]
    fn a_paren_after_a_quote_and_braces_after_a_dollar_stay_words() {
        // Older certbot: `if ($scheme != "https")`; `${host}` is one word.
        let parsed = parse("if ($scheme != \"https\") { return 301 https://${host}$request_uri; }").unwrap();
        assert_eq!(parsed[0].args, ["($scheme", "!=", "https", ")"]);
        let inner = parsed[0].block.as_ref().unwrap();
        assert_eq!(inner[0].args, ["301", "https://${host}$request_uri"]);
        assert!(
            parse("a \"b\"c;").is_err(),
            "other characters after a quote are refused"
        );
    }

    #[test]
    fn words_end_at_semicolons_and_braces_but_not_at_a_closing_brace() {
        let parsed = parse("a b;c d{e;}").unwrap();
        assert_eq!(parsed[0], d("a", &["b"], 1));
        assert_eq!(parsed[1].name, "c");
        assert_eq!(parsed[1].args, ["d"]);
        assert_eq!(parsed[1].block.as_ref().unwrap()[0], d("e", &[], 1));
        // `}` inside a word is part of it, so the block never closes.
        assert!(parse("a {b c}\n").is_err());
        assert_eq!(parse("a#b;").unwrap()[0], d("a#b", &[], 1));
    }

    #[test]
    fn escapes_as_nginx_resolves_them() {
        let parsed = parse(r#"return 200 "a\"b\\c\td\q";"#).unwrap();
        assert_eq!(parsed[0].args[1], "a\"b\\c\td\\q");
        let parsed = parse("a b\\ c;").unwrap();
        assert_eq!(parsed[0].args, ["b\\ c"]);
    }

    #[test]
    fn errors_say_what_nginx_says_where() {
        assert_eq!(
            parse("a \"b\"c;").unwrap_err(),
            SyntaxError {
                line: 1,
                message: "unexpected \"c\"".into()
            }
        );
        assert_eq!(parse("\n;").unwrap_err().line, 2);
        assert!(parse("}").unwrap_err().message.contains("unexpected \"}\""));
        assert!(parse("a {\n").unwrap_err().message.contains("end of file"));
        assert!(parse("a b").unwrap_err().message.contains("end of file"));
        // Hostile nesting ends with a reason, not a stack overflow downstream.
        assert!(parse(&"a {".repeat(300_000))
            .unwrap_err()
            .message
            .contains("nested more than"));
        // A lone word at the very end is dropped, as nginx drops it.
        assert_eq!(parse("a b;\nc").unwrap().len(), 1);
    }
}

#[cfg(test)]
mod never_panics {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn no_text_makes_the_parser_panic(text in "[a-z {};#'\"\\\\\n\t$]{0,200}") {
            let _ = super::parse(&text, &std::sync::Arc::from("t.conf"));
        }
    }
}
