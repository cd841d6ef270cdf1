//! Table tests of the APT configuration reader. Expected trees were checked against
//! `apt-config dump` (apt 2.6.1) run on the same text.

use super::*;

/// A host with these files; /etc/apt/apt.conf and apt.conf.d are absent unless given.
pub(super) fn host(files: &[(&str, &str)]) -> Snapshot {
    let mut base = Snapshot::new().with_state(MAIN_FILE, FileState::Missing);
    base.record_dir(PARTS_DIR, crate::evidence::DirState::Missing);
    files.iter().fold(base, |snap, (path, text)| snap.with_file(path, text))
}

use crate::evidence::{FileState, Snapshot};
use proptest::prelude::*;

struct Plain(ConfTree);

impl Sink for Plain {
    fn set(&mut self, name: &str, value: String, at: Origin) {
        self.0.set(name, value, at);
    }
    fn clear(&mut self, name: &str, at: Origin) {
        self.0.clear(name, at);
    }
    fn include(&mut self, _target: &str, _depth: u32) -> bool {
        false
    }
}

pub(super) fn read(text: &str) -> (ConfTree, Result<(), SyntaxError>) {
    let mut sink = Plain(ConfTree::new());
    let result = parse("/f", text, 0, &mut sink);
    (sink.0, result)
}

/// The tree as `apt-config dump` lines (`Name "value";`).
fn dump(text: &str) -> Vec<String> {
    let (tree, result) = read(text);
    assert_eq!(result, Ok(()), "parse error in {text:?}");
    tree.dump()
        .into_iter()
        .map(|(name, value)| format!("{name} \"{value}\";"))
        .collect()
}

#[test]
fn both_syntaxes_give_the_same_tree() {
    let flat = "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n";
    let nested = "APT {\n  Periodic {\n    Update-Package-Lists \"1\";\n    Unattended-Upgrade \"1\";\n  };\n};\n";
    let expected = vec![
        "APT \"\";",
        "APT::Periodic \"\";",
        "APT::Periodic::Update-Package-Lists \"1\";",
        "APT::Periodic::Unattended-Upgrade \"1\";",
    ];
    assert_eq!(dump(flat), expected);
    assert_eq!(dump(nested), expected);
    assert_eq!(
        dump("APT { Periodic { Update-Package-Lists \"1\"; Unattended-Upgrade \"1\"; }; };"),
        expected
    );
}

#[test]
fn comments_quotes_and_lists_match_apt_config_dump() {
    // The same text through apt-config dump printed exactly these lines.
    let text = r#"// comment
/* multi
   line APT::X "bad";
*/ A::One "1"; # hash comment
A::Two "2"; /* inline */ A::Three "3";
A::L { "x"; "y"; };
A::L:: "z";
A::Q "has // inside";
A::H "has # inside";
A::Unq bare;
A::Multi
  "spans";
A::Cat "a" "b";
"A::QuotedTag" "qt";
A::Pct "%41";
A::Pct2 %41;
#clear A::One;
a::two "2b";
"#;
    let expected = [
        "A \"\";",
        "A::One \"\";",
        "A::Two \"2b\";",
        "A::Three \"3\";",
        "A::L \"\";",
        "A::L:: \"x\";",
        "A::L:: \"y\";",
        "A::L:: \"z\";",
        "A::Q \"has // inside\";",
        "A::H \"has # inside\";",
        "A::Unq \"bare\";",
        "A::Multi \"spans\";",
        "A::Cat \"a b\";",
        "A::QuotedTag \"qt\";",
        "A::Pct \"%41\";",
        "A::Pct2 \"A\";",
    ];
    assert_eq!(dump(text), expected);
}

#[test]
fn apt_quirks_are_kept() {
    // Checked with apt-config dump: `//` is cut before `/*` is seen; `::::` and
    // `:::` split oddly; a lone word is a top-level list entry; a block may carry
    // a value; tabs inside strings are 8 spaces; #clear empties then refills a list.
    let text = "/* a // b */ Q::Q \"1\";\nQ::R \"2\";\n*/ Q::S \"3\";\nQ::A::::B \"1\";\nQ::C:::D \"1\";\n\
                Q::TopList;\nQ::Foo \"bar\" { Baz \"1\"; };\nQ { X { \"l1\"; \"l2\"; }; Y \"y\"; };\n\
                Q::Tab \"a\tb\";\nQ::List { \"a\"; };\n#clear Q::List;\nQ::List { \"b\"; };\n";
    let expected = [
        "Q \"\";",
        "Q::S \"3\";",
        "Q::A \"\";",
        "Q::A::::B \"1\";",
        "Q::C \"\";",
        "Q::C:::D \"1\";",
        "Q::Foo \"bar\";",
        "Q::Foo::Baz \"1\";",
        "Q::X \"\";",
        "Q::X:: \"l1\";",
        "Q::X:: \"l2\";",
        "Q::Y \"y\";",
        "Q::Tab \"a        b\";",
        "Q::List \"\";",
        "Q::List:: \"b\";",
        " \"Q::TopList\";",
    ];
    assert_eq!(dump(text), expected);
}

#[test]
fn values_remember_the_line_their_statement_starts_on() {
    let (tree, _) = read("// header\nAPT {\n  Periodic {\n    Unattended-Upgrade\n      \"1\";\n  };\n};\n");
    let history = tree.history("APT::Periodic::Unattended-Upgrade");
    assert_eq!(
        history[0].at,
        Origin {
            path: "/f".into(),
            line: 4
        }
    );
}

#[test]
fn syntax_errors_stop_the_file_like_apt() {
    // Each message and line is what apt-config printed for the same text.
    let cases = [
        (
            "A::Before \"1\";\nA::Bad \"x\" junk;\nA::After \"1\";\n",
            2,
            "Extra junk after value",
        ),
        ("{ A \"1\"; };\n", 1, "Block starts with no name."),
        ("A { #clear B; };\n", 1, "Directives can only be done at the top level"),
        ("#clear;\n", 1, "clear directive requires an option tree as argument"),
        ("#clearall A;\n", 1, "Unsupported directive 'clearall'"),
        ("A [b;\n", 1, "Extra junk after value"),
        ("#include \"/nowhere\";\n", 1, "Included from here"),
    ];
    // `#frobnicate` is not a directive but a `#` comment: apt reads on.
    assert_eq!(read("#frobnicate x;\nA::F \"1\";\n").0.find("A::F"), "1");
    for (text, line, message) in cases {
        let (tree, result) = read(text);
        let error = result.expect_err(text);
        assert_eq!((error.line, error.message.as_str()), (line, message), "{text:?}");
        assert_eq!(tree.find("A::After"), "", "nothing after the error is read");
    }
    let (tree, result) = read("A::Before \"1\";\nA::Bad \"x\" junk;\n");
    assert!(result.is_err());
    assert_eq!(tree.find("A::Before"), "1", "what came before the error stays set");
}

#[test]
fn an_unterminated_statement_is_junk_at_end_of_file() {
    let (_, result) = read("A::X \"1\"\n");
    let error = result.expect_err("missing ;");
    assert_eq!(error.line, 1);
    assert!(error.message.starts_with("Extra junk at end of file"));
    // An unclosed block is not an error for apt.
    assert_eq!(read("A { B \"1\";\n").1, Ok(()));
}

#[test]
fn file_names_apt_reads() {
    let read = [
        "20auto-upgrades",
        "50unattended-upgrades",
        "99x.conf",
        "a:b_c-d",
        "01-vendor-ubuntu",
    ];
    let skipped = [
        "20auto-upgrades.dpkg-old",
        ".hidden",
        "x.bak",
        "x~",
        "x.disabled",
        "x.",
        "x.conf.bak",
        "a b",
        "é",
    ];
    for name in read {
        assert!(apt_reads_name(name), "{name} should be read");
    }
    for name in skipped {
        assert!(!apt_reads_name(name), "{name} should be skipped");
    }
}

#[test]
fn loads_parts_in_order_then_apt_conf_last() {
    let snap = host(&[
        (
            "/etc/apt/apt.conf.d/20auto-upgrades",
            "APT::Periodic::Unattended-Upgrade \"1\";\n",
        ),
        (
            "/etc/apt/apt.conf.d/99-off",
            "APT::Periodic::Unattended-Upgrade \"0\";\n",
        ),
        (
            "/etc/apt/apt.conf.d/20auto-upgrades.dpkg-old",
            "APT::Periodic::Unattended-Upgrade \"5\";\n",
        ),
        ("/etc/apt/apt.conf", "APT::Periodic::Unattended-Upgrade \"2\";\n"),
    ]);
    let config = load(&snap);
    assert_eq!(config.tree.find("APT::Periodic::Unattended-Upgrade"), "2");
    let order: Vec<_> = config.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        order,
        vec![
            "/etc/apt/apt.conf.d/20auto-upgrades",
            "/etc/apt/apt.conf.d/99-off",
            "/etc/apt/apt.conf"
        ]
    );
    assert_eq!(config.ignored, vec!["/etc/apt/apt.conf.d/20auto-upgrades.dpkg-old"]);
    assert!(config.problems.is_empty());
}

#[test]
fn includes_are_followed_through_the_source() {
    let snap = host(&[
        (
            "/etc/apt/apt.conf.d/10inc",
            "#include \"/etc/apt/extra.conf\";\nA::After \"1\";\n",
        ),
        ("/etc/apt/extra.conf", "A::Inc \"1\";\n"),
    ]);
    let config = load(&snap);
    assert_eq!(config.tree.find("A::Inc"), "1");
    assert_eq!(config.tree.find("A::After"), "1");
    let missing = host(&[("/etc/apt/apt.conf.d/10inc", "#include \"/etc/apt/gone.conf\";\n")])
        .with_state("/etc/apt/gone.conf", FileState::Missing);
    let config = load(&missing);
    assert_eq!(config.apt_errors().count(), 2);
}

#[test]
fn include_loops_end() {
    let snap = host(&[(
        "/etc/apt/apt.conf.d/10loop",
        "#include \"/etc/apt/apt.conf.d/10loop\";\n",
    )]);
    let config = load(&snap);
    assert!(config.apt_errors().any(|e| e.message == "Too many nested includes"));
}

#[test]
fn unreadable_files_are_reported_not_guessed() {
    let snap = host(&[]).with_state(
        "/etc/apt/apt.conf.d/50unattended-upgrades",
        FileState::Unreadable("permission denied".into()),
    );
    let config = load(&snap);
    let reasons: Vec<_> = config.unavailable().collect();
    assert_eq!(
        reasons,
        vec!["/etc/apt/apt.conf.d/50unattended-upgrades could not be read: permission denied"]
    );
    let uncollected: Vec<String> = load(&Snapshot::new()).unavailable().map(str::to_string).collect();
    assert_eq!(
        uncollected,
        [
            "/etc/apt/apt.conf.d was not collected",
            "/etc/apt/apt.conf was not collected"
        ],
        "neither the parts directory nor apt.conf was collected: both are unknown, not absent"
    );
}

proptest! {
    #[test]
    fn the_parser_never_panics(text in "(?s).{0,400}") {
        let _ = read(&text);
    }

    #[test]
    fn the_parser_never_panics_on_config_like_text(
        parts in proptest::collection::vec(
            prop::sample::select(vec![
                "A", "::", "B", "\"", " ", "\t", "{", "}", ";", "//", "/*", "*/", "#", "#clear",
                "#include", "\n", "%4", "%41", "[", "]", "é", "\r", ":",
            ]),
            0..80,
        )
    ) {
        let _ = read(&parts.concat());
    }
}
