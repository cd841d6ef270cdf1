//! Making text safe to show, one sanitiser per output kind (imports only
//! `pathname`: reports, commands and checklist diagnostics all use it). A target's files and
//! command output, and a checklist's titles and messages, may hold escape sequences,
//! invisible reordering marks or Markup; every such string passes through the
//! sanitiser of the output it goes to before it is written:
//!
//! - [`terminal`]: a terminal or a plain text file; nothing can move the cursor,
//!   set a title, reorder or break a line.
//! - [`markdown_text`]: running Markdown text; a CommonMark renderer shows it
//!   literally, with no HTML, link, image, emphasis or block of its own.
//! - [`markdown_code`]: a value deliberately shown as code (a path, an id).
//! - [`xml_text`], [`xml_attr`]: XML character data and attribute values, always
//!   well-formed XML 1.0, with the same characters made visible as for a terminal.

/// Text for a terminal: every character that can act on a terminal is replaced by a
/// visible escape, `\x{1b}`; a newline becomes `\n` so the text stays on one line.
/// Replaced: all control characters (C0, DEL, C1) but tab, and the Unicode format,
/// line and paragraph separator characters (`is_format_or_separator`), which
/// reorder text (bidi overrides), hide it (zero-width characters) or break lines.
pub fn terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push(c),
            '\n' => out.push_str("\\n"),
            c if crate::pathname::is_byte(c) => out.push_str(&crate::pathname::display(c.encode_utf8(&mut [0; 4]))),
            c if c.is_control() || is_format_or_separator(c) => {
                out.push_str(&format!("\\x{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// The Unicode general categories Cf (format), Zl (line separator) and Zp
/// (paragraph separator), as of Unicode 16: bidi marks, embeddings, overrides and
/// isolates (U+061C, U+200E/F, U+202A–E, U+2066–9), zero-width characters
/// (U+200B–D, U+2060–4, U+FEFF), U+2028/U+2029, interlinear annotation
/// (U+FFF9–B), the soft hyphen, prepended number signs and tag characters.
fn is_format_or_separator(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    ) || is_invisible(c)
}

/// Default-ignorable characters that are not format characters but show as
/// nothing, so they can hide or fake text: the combining grapheme joiner, Hangul
/// fillers, Khmer inherent vowels, Mongolian and other variation selectors.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{34f}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{ffa0}'
            | '\u{e0100}'..='\u{e01ef}'
    )
}

/// Text for running Markdown (a heading, a list item, a table cell), shown
/// literally by any CommonMark renderer: first neutralised as for [`terminal`] (so
/// it holds no line break and starts no block), then every ASCII punctuation
/// character is backslash-escaped (CommonMark §2.4 allows it for all of them), so
/// no `<`, `[`, `!`, `` ` ``, `*`, `_`, `&`, `#`, `|` ... keeps a meaning. Spaces
/// and tabs at either end are written as character references, which a renderer
/// would otherwise trim (or read as an indented code block).
pub fn markdown_text(text: &str) -> String {
    let safe = terminal(text);
    let body = safe.trim_matches([' ', '\t']);
    let lead = safe.len() - safe.trim_start_matches([' ', '\t']).len();
    let mut out = String::with_capacity(safe.len() * 2);
    blanks_as_references(&mut out, &safe[..lead]);
    for c in body.chars() {
        if c.is_ascii_punctuation() && !INERT.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    blanks_as_references(&mut out, &safe[lead + body.len()..]);
    out
}

/// ASCII punctuation that starts no construct of CommonMark or of its common
/// extensions (GitHub's, smart punctuation) in any position, so it is left as
/// written and paths stay readable (`/etc/ssh`, not `\/etc\/ssh`). Everything else
/// is backslash-escaped.
const INERT: &str = "/,;?%";

fn blanks_as_references(out: &mut String, blanks: &str) {
    for c in blanks.chars() {
        out.push_str(if c == '\t' { "&#9;" } else { "&#32;" });
    }
}

/// A value shown as a Markdown code span, neutralised as for [`terminal`]. Inside
/// a code span nothing is interpreted, so no link or HTML can arise; the fence is
/// one backtick longer than the longest run of backticks in the value (a run of N
/// backticks only closes on a run of exactly N), with a space of padding on each
/// side where a renderer would otherwise join a backtick to the fence or strip a
/// space of the value. An empty value is shown as a code span of one space.
pub fn markdown_code(text: &str) -> String {
    let safe = terminal(text);
    if safe.is_empty() {
        return "` `".to_string();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in safe.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let stripped = safe.starts_with(' ') && safe.ends_with(' ') && safe.contains(|c| c != ' ');
    let pad = if safe.starts_with('`') || safe.ends_with('`') || stripped {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{safe}{pad}{fence}")
}

/// Text for an XML element's content: neutralised as for [`terminal`] but keeping
/// tab and line breaks (so control characters XML 1.0 forbids, and those it allows
/// but that act on a terminal or reorder text, become visible `\x{1b}` escapes),
/// then `&`, `<`, `>` escaped, and a carriage return written as `&#13;` (a parser
/// would otherwise turn it into a newline). The result is well-formed character
/// data whatever the input, `]]>` included.
pub fn xml_text(text: &str) -> String {
    xml(text, false)
}

/// Text for a double- or single-quoted XML attribute value: as [`xml_text`], with
/// both quotes escaped, and tab and line breaks as character references, which
/// attribute-value normalisation would otherwise turn into spaces.
pub fn xml_attr(text: &str) -> String {
    xml(text, true)
}

fn xml(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            '\u{fffe}' | '\u{ffff}' => out.push_str(&format!("\\x{{{:x}}}", u32::from(c))),
            c => out.push_str(&terminal(c.encode_utf8(&mut [0; 4]))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_that_show_as_nothing_are_shown() {
        for c in ['\u{34f}', '\u{115f}', '\u{3164}', '\u{ffa0}', '\u{fe0f}', '\u{e0100}'] {
            let shown = terminal(&format!("root{c}"));
            assert!(shown.starts_with("root\\x{") && !shown.contains(c), "{c:?}: {shown}");
        }
    }
    use proptest::prelude::*;
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

    /// What a CommonMark renderer (with and without every extension) makes of
    /// `markdown`: the literal text it shows, or the first event that is not text.
    fn rendered(markdown: &str, options: Options) -> Result<String, String> {
        let mut shown = String::new();
        for event in Parser::new_ext(markdown, options) {
            match event {
                Event::Text(t) => shown.push_str(&t),
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
                other => return Err(format!("{other:?} in {markdown:?}")),
            }
        }
        Ok(shown)
    }

    fn code_spans(markdown: &str) -> Vec<String> {
        let mut spans = Vec::new();
        for event in Parser::new_ext(markdown, Options::all()) {
            match event {
                Event::Code(c) => spans.push(c.to_string()),
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
                other => spans.push(format!("not code: {other:?}")),
            }
        }
        spans
    }

    #[test]
    fn escape_sequences_become_visible_text() {
        let hostile = "PermitRootLogin yes\u{1b}[2J\u{1b}]0;pwned\u{7}";
        let shown = terminal(hostile);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert_eq!(shown, "PermitRootLogin yes\\x{1b}[2J\\x{1b}]0;pwned\\x{7}");
    }

    #[test]
    fn c1_controls_and_del_are_escaped_tab_is_kept() {
        assert_eq!(terminal("a\u{9b}31m\u{7f}\tb\r\nc"), "a\\x{9b}31m\\x{7f}\tb\\x{d}\\nc");
    }

    #[test]
    fn reordering_invisible_and_line_breaking_characters_are_escaped() {
        for c in [
            '\u{61c}',
            '\u{200b}',
            '\u{200d}',
            '\u{200e}',
            '\u{200f}',
            '\u{2028}',
            '\u{2029}',
            '\u{202a}',
            '\u{202e}',
            '\u{2060}',
            '\u{2064}',
            '\u{2066}',
            '\u{2069}',
            '\u{feff}',
            '\u{fff9}',
            '\u{fffb}',
            '\u{ad}',
            '\u{e0041}',
        ] {
            let shown = terminal(&format!("a{c}b"));
            assert_eq!(shown, format!("a\\x{{{:x}}}b", u32::from(c)));
        }
        assert_eq!(terminal("naïve café 日本 ✓"), "naïve café 日本 ✓");
    }

    #[test]
    fn markdown_text_shows_links_images_and_html_literally() {
        let hostile = "![t](https://evil.example/x.png) <img src=x onerror=alert(1)> \
                       [click](javascript:alert(1)) <https://evil.example> `code` \\`escaped\\` \
                       *emph* # heading &lt; www.evil.example a@evil.example";
        let md = markdown_text(hostile);
        assert_eq!(rendered(&md, Options::empty()), Ok(hostile.to_string()));
        assert_eq!(rendered(&md, Options::all()), Ok(hostile.to_string()));
    }

    #[test]
    fn markdown_text_starts_no_block() {
        for line in [
            "# h",
            "    indented",
            "- item",
            "1. item",
            "> quote",
            "---",
            "```",
            "<div>",
            "[x]: /u",
        ] {
            let md = markdown_text(line);
            assert_eq!(rendered(&md, Options::all()), Ok(line.to_string()), "{md}");
        }
        assert_eq!(markdown_text("a\nb"), "a\\\\nb");
    }

    #[test]
    fn markdown_code_fences_outlast_any_backtick_run() {
        assert_eq!(markdown_code("/etc/ssh/sshd_config:3"), "`/etc/ssh/sshd_config:3`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x``"), "``` `x`` ```");
        for value in ["a`b", "`x``", " a ", "  ", "` `", "<img src=x>", "[l](u)", "\\`"] {
            assert_eq!(code_spans(&markdown_code(value)), vec![value.to_string()], "{value:?}");
        }
    }

    fn hostile_strings() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[ -~\t\n\r\u{1b}\u{7}\u{2028}\u{61c}\u{202e}\u{a0}é`\\\\<>\\[\\]!*_&#|]{0,40}",
        ]
    }

    proptest! {
        #[test]
        fn markdown_text_is_shown_literally(s in hostile_strings()) {
            let md = markdown_text(&s);
            prop_assert_eq!(rendered(&md, Options::empty()), Ok(terminal(&s)));
            prop_assert_eq!(rendered(&md, Options::all()), Ok(terminal(&s)));
        }

        #[test]
        fn markdown_code_is_one_code_span(s in hostile_strings()) {
            let expected = if s.is_empty() { " ".to_string() } else { terminal(&s) };
            prop_assert_eq!(code_spans(&markdown_code(&s)), vec![expected]);
        }

        #[test]
        fn terminal_output_holds_nothing_that_acts(s in hostile_strings()) {
            let shown = terminal(&s);
            prop_assert!(!shown.chars().any(|c| (c.is_control() && c != '\t') || is_format_or_separator(c)));
        }
    }
}

#[cfg(test)]
mod xml_tests {
    use super::*;
    use proptest::prelude::*;

    /// The characters XML 1.0 allows (its `Char` production).
    fn is_xml_char(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
    }

    /// What an XML parser reads back from `escaped`, or why it is not well-formed
    /// text: only the five entities and decimal references are ever written.
    fn parsed(escaped: &str, attribute: bool) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = escaped;
        while let Some(c) = rest.chars().next() {
            if !is_xml_char(c) || c == '<' || (attribute && (c == '"' || c == '\'' || c == '\n' || c == '\t')) {
                return Err(format!("raw {c:?} in {escaped:?}"));
            }
            if c == '&' {
                let end = rest
                    .find(';')
                    .ok_or_else(|| format!("unterminated reference in {escaped:?}"))?;
                out.push(match &rest[1..end] {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    "#9" => '\t',
                    "#10" => '\n',
                    "#13" => '\r',
                    other => return Err(format!("unexpected reference &{other}; in {escaped:?}")),
                });
                rest = &rest[end + 1..];
            } else {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        if escaped.contains("]]>") {
            return Err(format!("]]> in character data {escaped:?}"));
        }
        Ok(out)
    }

    #[test]
    fn hostile_text_is_well_formed_xml_and_still_shown() {
        let hostile = "<script>alert(\"x\")</script> ]]> it's \u{1b}[2J\u{7}\u{0}\u{fffe}\u{202e} a&b\r\n";
        let text = xml_text(hostile);
        assert_eq!(
            text,
            "&lt;script&gt;alert(\"x\")&lt;/script&gt; ]]&gt; it's \\x{1b}[2J\\x{7}\\x{0}\\x{fffe}\\x{202e} a&amp;b&#13;\n"
        );
        let attr = xml_attr(hostile);
        assert!(attr.contains("alert(&quot;x&quot;)") && attr.contains("it&apos;s") && attr.ends_with("&#13;&#10;"));
    }

    proptest! {
        #[test]
        fn xml_text_is_well_formed_and_reads_back_as_shown(s in any::<String>()) {
            let shown = parsed(&xml_text(&s), false);
            prop_assert!(shown.is_ok(), "{:?}", shown);
            let shown = shown.unwrap_or_default();
            prop_assert!(shown.chars().all(|c| matches!(c, '\t' | '\n' | '\r') || !c.is_control()));
            prop_assert_eq!(shown.lines().count(), s.replace('\r', "").lines().count());
        }

        #[test]
        fn xml_attr_is_well_formed_and_keeps_line_breaks_as_references(s in any::<String>()) {
            let escaped = xml_attr(&s);
            prop_assert!(parsed(&escaped, true).is_ok(), "{:?}", parsed(&escaped, true));
            prop_assert_eq!(parsed(&escaped, true), parsed(&xml_text(&s), false));
        }
    }
}
