//! apt's two word readers for a statement (`ParseQuoteWord` and `ParseCWord` in
//! apt-pkg/contrib/strutl.cc), with their quirks: a tag or bare value is one word
//! whose `"` are dropped and `%XX` decoded; a C-style value is only quoted strings,
//! concatenated with single spaces.

/// apt's output buffer for one word.
const WORD_MAX: usize = 1024;

/// C `isspace` in the C locale.
pub fn is_c_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Trim C-locale whitespace from both ends.
pub fn trim_c(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_ascii() && is_c_space(c as u8))
}

fn find_byte(bytes: &[u8], from: usize, wanted: u8) -> Option<usize> {
    bytes.get(from..)?.iter().position(|&b| b == wanted).map(|p| from + p)
}

/// `ParseQuoteWord`: one word up to whitespace; `"..."` and `[...]` may hold spaces.
/// Returns the de-quoted word and the rest after the whitespace that follows it;
/// None when there is no word or a quote or bracket is not closed.
pub fn parse_quote_word(text: &str) -> Option<(String, &str)> {
    let bytes = text.as_bytes();
    let mut at = bytes.iter().take_while(|&&b| b == b' ').count();
    if at == bytes.len() {
        return None;
    }
    while at < bytes.len() && !is_c_space(bytes[at]) {
        if bytes[at] == b'"' {
            at = find_byte(bytes, at + 1, b'"')?;
        }
        if bytes[at] == b'[' {
            at = find_byte(bytes, at + 1, b']')?;
        }
        at += 1;
    }
    let word = dequote(&bytes[..at]);
    while at < bytes.len() && is_c_space(bytes[at]) {
        at += 1;
    }
    Some((word, &text[at..]))
}

/// Drop `"` and decode `%XX` as apt does, up to apt's buffer size.
fn dequote(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len().min(WORD_MAX));
    let mut at = 0;
    while at < bytes.len() && out.len() < WORD_MAX {
        let byte = bytes[at];
        if byte == b'%' && at + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[at + 1]), hex(bytes[at + 2])) {
                out.push(high * 16 + low);
                at += 3;
                continue;
            }
        }
        if byte != b'"' {
            out.push(byte);
        }
        at += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// `ParseCWord`: a value made only of `"..."` strings separated by whitespace,
/// concatenated (each run of whitespace between them becomes one space). None when
/// anything is unquoted, a quote is not closed, or the text is 1024 bytes or more.
pub fn parse_c_word(text: &str) -> Option<(String, &str)> {
    let bytes = text.as_bytes();
    let mut at = bytes.iter().take_while(|&&b| b == b' ').count();
    if at == bytes.len() || bytes.len() >= WORD_MAX {
        return None;
    }
    let mut out = Vec::new();
    while at < bytes.len() {
        let byte = bytes[at];
        if byte == b'"' {
            let end = find_byte(bytes, at + 1, b'"')?;
            out.extend_from_slice(&bytes[at + 1..end]);
            at = end + 1;
            continue;
        }
        if !is_c_space(byte) {
            return None;
        }
        if at == 0 || !is_c_space(bytes[at - 1]) {
            out.push(b' ');
        }
        at += 1;
    }
    Some((String::from_utf8_lossy(&out).into_owned(), ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_word_takes_one_word_and_skips_following_space() {
        assert_eq!(parse_quote_word("APT::X \"1\""), Some(("APT::X".to_string(), "\"1\"")));
        assert_eq!(
            parse_quote_word("\"A B\"::C rest"),
            Some(("A B::C".to_string(), "rest"))
        );
        assert_eq!(parse_quote_word("%41%zz"), Some(("A%zz".to_string(), "")));
        assert_eq!(parse_quote_word("[a b]x"), Some(("[a b]x".to_string(), "")));
        assert_eq!(parse_quote_word("\"open"), None);
        assert_eq!(parse_quote_word("   "), None);
    }

    #[test]
    fn c_word_concatenates_quoted_strings_only() {
        assert_eq!(parse_c_word("\"a\" \"b\""), Some(("a b".to_string(), "")));
        assert_eq!(parse_c_word("\"a\"   \"b\""), Some(("a b".to_string(), "")));
        assert_eq!(parse_c_word("\"%41\""), Some(("%41".to_string(), "")));
        assert_eq!(parse_c_word("bare"), None);
        assert_eq!(parse_c_word("\"1\" junk"), None);
        assert_eq!(parse_c_word(""), None);
    }
}
