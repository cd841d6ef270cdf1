//! Splitting one sshd_config line into a keyword and its arguments exactly as
//! sshd does: `strdelim` (misc.c) takes the keyword, which ends at whitespace, a
//! quote or a single `=`; `argv_split` (misc.c, terminate_on_comment) splits the
//! rest, honouring single and double quotes and backslash escapes, and stops at a
//! `#` that starts an argument.

/// What one line holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Blank, a comment, or a keyword sshd silently skips (unterminated quote in it).
    Nothing,
    /// A keyword with its arguments.
    Directive { keyword: String, args: Vec<String> },
    /// A line sshd rejects (it counts as a bad option and sshd refuses to start).
    Bad { keyword: String, reason: String },
}

const WHITESPACE: &[char] = &[' ', '\t', '\r', '\n'];

/// Split one physical line (without its `\n`).
pub fn split_line(raw: &str) -> Line {
    let line = raw
        .trim_start_matches([' ', '\t', '\r'])
        .trim_end_matches([' ', '\t', '\r', '\n', '\x0c']);
    let Some((mut keyword, mut rest)) = strdelim(line) else {
        return Line::Nothing;
    };
    if keyword.is_empty() {
        match rest.and_then(strdelim) {
            Some((next, after)) => (keyword, rest) = (next, after),
            None => return Line::Nothing,
        }
    }
    if keyword.is_empty() || keyword.starts_with('#') {
        return Line::Nothing;
    }
    let Some(rest) = rest.filter(|r| !r.is_empty()) else {
        return Line::Bad {
            keyword,
            reason: "no argument after keyword".into(),
        };
    };
    match argv_split(rest) {
        Some(args) => Line::Directive { keyword, args },
        None => Line::Bad {
            keyword,
            reason: "invalid quotes".into(),
        },
    }
}

/// sshd's `strdelim`: the next token and the rest of the line (None when the line
/// ends with the token), or None for an unterminated quote.
fn strdelim(s: &str) -> Option<(String, Option<&str>)> {
    let Some(at) = s.find(|c: char| WHITESPACE.contains(&c) || c == '"' || c == '=') else {
        return Some((s.to_string(), None));
    };
    if s[at..].starts_with('"') {
        let (head, quoted) = (&s[..at], &s[at + 1..]);
        let close = quoted.find('"')?;
        let token = format!("{head}{}", &quoted[..close]);
        let rest = quoted[close + 1..].trim_start_matches(WHITESPACE);
        return Some((token, Some(rest)));
    }
    let was_equals = s[at..].starts_with('=');
    let mut rest = s[at + 1..].trim_start_matches(WHITESPACE);
    if !was_equals {
        if let Some(after) = rest.strip_prefix('=') {
            rest = after.trim_start_matches(WHITESPACE);
        }
    }
    Some((s[..at].to_string(), Some(rest)))
}

/// sshd's `argv_split(s, .., terminate_on_comment = 1)`; None for unbalanced quotes.
fn argv_split(s: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = s.chars().collect();
    let mut args = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            ' ' | '\t' => i += 1,
            '#' => break,
            _ => {
                let (arg, next) = one_arg(&chars, i)?;
                args.push(arg);
                i = next;
            }
        }
    }
    Some(args)
}

/// One argument starting at `start`: the unquoted, unescaped text and the index after it.
fn one_arg(chars: &[char], start: usize) -> Option<(String, usize)> {
    let mut arg = String::new();
    let mut quote: Option<char> = None;
    let mut i = start;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\\' && is_escapable(next, quote) {
            arg.extend(next);
            i += 2;
            continue;
        }
        match quote {
            None if c == ' ' || c == '\t' => return Some((arg, i)),
            None if c == '"' || c == '\'' => quote = Some(c),
            Some(q) if c == q => quote = None,
            _ => arg.push(c),
        }
        i += 1;
    }
    quote.is_none().then_some((arg, i))
}

fn is_escapable(next: Option<char>, quote: Option<char>) -> bool {
    matches!(next, Some('\'' | '"' | '\\')) || (quote.is_none() && next == Some(' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directive(keyword: &str, args: &[&str]) -> Line {
        Line::Directive {
            keyword: keyword.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn keyword_and_args_like_sshd() {
        let cases: &[(&str, Line)] = &[
            (
                "PasswordAuthentication no",
                directive("PasswordAuthentication", &["no"]),
            ),
            ("  \tPort 22  \r", directive("Port", &["22"])),
            (
                "PasswordAuthentication=no",
                directive("PasswordAuthentication", &["no"]),
            ),
            (
                "PasswordAuthentication = no",
                directive("PasswordAuthentication", &["no"]),
            ),
            ("Key==v", directive("Key", &["=v"])),
            (
                "AllowUsers alice bob # admins",
                directive("AllowUsers", &["alice", "bob"]),
            ),
            ("AllowUsers alice#x", directive("AllowUsers", &["alice#x"])),
            ("Banner \"/etc/my banner\"", directive("Banner", &["/etc/my banner"])),
            ("Banner '/etc/a b'", directive("Banner", &["/etc/a b"])),
            ("Banner /etc/a\\ b", directive("Banner", &["/etc/a b"])),
            ("AcceptEnv LANG LC_*", directive("AcceptEnv", &["LANG", "LC_*"])),
            ("\"PermitRootLogin\" no", directive("PermitRootLogin", &["no"])),
            (
                "Subsystem\tsftp\t/usr/lib/openssh/sftp-server",
                directive("Subsystem", &["sftp", "/usr/lib/openssh/sftp-server"]),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(&split_line(input), expected, "input: {input:?}");
        }
    }

    #[test]
    fn blank_comment_and_bad_lines() {
        assert_eq!(split_line(""), Line::Nothing);
        assert_eq!(split_line("   "), Line::Nothing);
        assert_eq!(split_line("# PasswordAuthentication yes"), Line::Nothing);
        assert_eq!(split_line("\"Unterminated yes"), Line::Nothing);
        assert_eq!(
            split_line("PasswordAuthentication"),
            Line::Bad {
                keyword: "PasswordAuthentication".into(),
                reason: "no argument after keyword".into()
            }
        );
        assert_eq!(
            split_line("Banner \"/etc/x"),
            Line::Bad {
                keyword: "Banner".into(),
                reason: "invalid quotes".into()
            }
        );
        assert_eq!(
            split_line("PasswordAuthentication # nothing"),
            directive("PasswordAuthentication", &[])
        );
    }
}
