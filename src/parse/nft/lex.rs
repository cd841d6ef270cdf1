//! A tolerant tokenizer for nft scripts: words, `"strings"`, `{ } ; ,`, and line
//! ends (which end statements, as in nft); `#` starts a comment to the end of the
//! line and a backslash before a line end joins lines. Every input tokenizes.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    /// A double-quoted string, without its quotes.
    Str,
    Open,
    Close,
    Semi,
    Comma,
    Newline,
}

/// One token and where it was read: the index of its file in the load order
/// and its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub text: String,
    pub file: usize,
    pub line: u32,
}

impl Token {
    pub fn is_word(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text == word
    }

    /// A word or a string: how nft lets names be written (`iifname "lo"`, `iifname lo`).
    pub fn name(&self) -> Option<&str> {
        matches!(self.kind, Kind::Word | Kind::Str).then_some(self.text.as_str())
    }
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '{' | '}' | ';' | ',' | '"' | '#')
}

/// Tokenize one file's text.
pub fn tokenize(text: &str, file: usize) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut line: u32 = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let mut push = |kind: Kind, text: String, at: u32| {
            tokens.push(Token {
                kind,
                text,
                file,
                line: at,
            })
        };
        match c {
            '\n' => {
                push(Kind::Newline, String::new(), line);
                line = line.saturating_add(1);
            }
            '\\' if chars.peek() == Some(&'\n') => {
                chars.next();
                line = line.saturating_add(1);
            }
            '#' => while chars.next_if(|n| *n != '\n').is_some() {},
            '"' => {
                let mut text = String::new();
                while let Some(s) = chars.next_if(|n| *n != '"' && *n != '\n') {
                    text.push(s);
                }
                chars.next_if_eq(&'"');
                push(Kind::Str, text, line);
            }
            '{' => push(Kind::Open, c.to_string(), line),
            '}' => push(Kind::Close, c.to_string(), line),
            ';' => push(Kind::Semi, c.to_string(), line),
            ',' => push(Kind::Comma, c.to_string(), line),
            c if c.is_whitespace() => {}
            c => {
                let mut text = c.to_string();
                while let Some(w) = chars.next_if(|n| is_word_char(*n)) {
                    text.push(w);
                }
                push(Kind::Word, text, line);
            }
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> Vec<String> {
        tokenize(text, 0)
            .iter()
            .map(|t| match t.kind {
                Kind::Newline => format!("⏎{}", t.line),
                Kind::Str => format!("\"{}\"", t.text),
                _ => t.text.clone(),
            })
            .collect()
    }

    #[test]
    fn words_sets_strings_comments_and_lines() {
        assert_eq!(
            show("tcp dport { 22, 80 } accept # web\niifname \"lo\" accept;\\\n policy drop"),
            vec![
                "tcp", "dport", "{", "22", ",", "80", "}", "accept", "⏎1", "iifname", "\"lo\"", "accept", ";",
                "policy", "drop"
            ]
        );
        let tokens = tokenize("a\n\nb \\\n c", 3);
        assert_eq!(tokens.last().map(|t| (t.line, t.file)), Some((4, 3)));
    }

    #[test]
    fn unterminated_strings_stop_at_the_line_end() {
        assert_eq!(show("include \"/etc/x\nb"), vec!["include", "\"/etc/x\"", "⏎1", "b"]);
        assert_eq!(show("\\"), vec!["\\"]);
    }
}
