//! The application's code as an attacker (or a generator) might leave it: no
//! Python or template input makes the parser, the redaction or the code
//! controls panic, and a tree of pathological files — expressions nested a
//! hundred thousand deep, a 10 MB line, invalid UTF-8, binary bytes — ends with
//! each file named and the reason, never a pass. Redacting Python twice changes
//! nothing the second time (the export gate runs it again), and never moves a
//! line.

mod common;

use common::{scan_root, Scan};
use proptest::prelude::*;
use vouch::evidence::redact::redact_file;
use vouch::parse::{python, template};

/// Python-shaped text: keywords, names, quotes, brackets, operators, newlines.
fn python_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "def ",
        "class ",
        "f(",
        ")",
        "(",
        "[",
        "]",
        "{",
        "}",
        ":",
        ",",
        " = ",
        " == ",
        " + ",
        " % ",
        ".format(",
        "\"",
        "'",
        "f\"",
        "\"\"\"",
        "{x}",
        "password",
        "SECRET_KEY",
        "execute(",
        "SELECT * FROM t WHERE a = ",
        "\n",
        "\n    ",
        "#",
        "AKIAQ3EGRT5LZ7XKPW2M",
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        "os.getenv(",
        "\\",
        "lambda ",
        "await ",
        "@app.route(\"/login\")\n",
        "import hashlib\n",
        "hashlib.md5(",
        "\u{1b}[31m",
        "é",
        "\u{0}",
        "x",
        "1",
        " if ",
        " else ",
        " or ",
    ]);
    prop::collection::vec(pieces, 0..120).prop_map(|p| p.concat())
}

/// Template-shaped text.
fn template_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "{{",
        "}}",
        "{%",
        "%}",
        "{#",
        "#}",
        "|safe",
        "|e",
        " autoescape ",
        "false",
        "off",
        "\"",
        "'",
        "(",
        ")",
        "[",
        "]",
        ".",
        "x",
        "raw",
        "endraw",
        "filter",
        "~",
        ":",
        "\n",
        "<p>",
        "é",
    ]);
    prop::collection::vec(pieces, 0..120).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_python_makes_the_parser_panic(text in python_text()) {
        let _ = python::parse(&text);
    }

    #[test]
    fn no_template_makes_the_lexer_panic(text in template_text()) {
        let _ = template::parse(&text);
    }

    #[test]
    fn redacting_python_twice_finds_nothing_new_and_keeps_every_line(text in python_text()) {
        let once = redact_file("/srv/app/x.py", &text);
        let twice = redact_file("/srv/app/x.py", &once.text);
        prop_assert_eq!(twice.count, 0, "second pass over:\n{}", once.text);
        prop_assert_eq!(&twice.text, &once.text);
        prop_assert_eq!(once.text.lines().count(), text.lines().count());
    }
}

fn scan(root: &std::path::Path) -> Scan {
    scan_root(
        root,
        &[
            "--only",
            "secrets.hardcoded,appsec,logging.no-sensitive-data,auth.password-hashing",
        ],
    )
}

#[test]
fn pathological_files_end_with_their_reasons_and_never_pass() {
    let tree = tempfile::tempdir().expect("temp dir");
    let app = tree.path().join("srv/app/app");
    std::fs::create_dir_all(&app).expect("mkdir");
    std::fs::write(tree.path().join("srv/app/requirements.txt"), "flask==3.0.3\n").expect("write");
    let n = 100_000;
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "parens.py",
            format!("x = {}\"s\"{}\n", "(".repeat(n), ")".repeat(n)).into_bytes(),
        ),
        (
            "calls.py",
            format!("x = {}1{}\n", "f(".repeat(n), ")".repeat(n)).into_bytes(),
        ),
        (
            "sums.py",
            format!("x = {}\n", vec!["\"a\""; n].join(" + ")).into_bytes(),
        ),
        (
            "lists.py",
            format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)).into_bytes(),
        ),
        ("chain.py", format!("{}\"x\"\n", "a = ".repeat(n)).into_bytes()),
        (
            "secret_sums.py",
            format!("SECRET_KEY = {}\n", vec!["\"a\""; n].join(" + ")).into_bytes(),
        ),
        (
            "line.py",
            format!("x = \"{}\"\n", "a".repeat(10 * 1024 * 1024)).into_bytes(),
        ),
        ("bytes.py", b"import os\x00\x01\x02".to_vec()),
        ("latin1.py", b"name = \"caf\xe9\"\nx = 1\n".to_vec()),
    ];
    for (name, bytes) in &files {
        std::fs::write(app.join(name), bytes).expect("write");
    }
    std::fs::create_dir_all(app.join("templates")).expect("mkdir");
    std::fs::write(
        app.join("templates/deep.html"),
        "{{ ".to_string() + &"(".repeat(n) + "x" + &")".repeat(n) + "|safe }}",
    )
    .expect("write");
    let scan = scan(tree.path());
    // A literal given to SECRET_KEY (the first of 100,000 added up) is found;
    // the rest of the sum is past how far a literal is followed up.
    assert_eq!(
        scan.status("secrets.hardcoded"),
        "fail",
        "{}",
        scan.summary("secrets.hardcoded")
    );
    assert!(scan.findings("secrets.hardcoded")[0].starts_with("/srv/app/app/secret_sums.py:1: "));
    for id in ["appsec.sql-injection", "appsec.debug-mode"] {
        assert_eq!(scan.status(id), "needs_review", "{id}: {}", scan.summary(id));
        let findings = scan.findings(id).join("\n");
        for named in ["calls.py", "line.py", "bytes.py"] {
            assert!(findings.contains(named), "{id} does not name {named}:\n{findings}");
        }
        assert!(findings.contains("over the 1.0 MiB read cap"), "{findings}");
        assert!(findings.contains("binary"), "{findings}");
        assert!(findings.contains("deeper than"), "{findings}");
    }
    // The template's value is still seen, however deep.
    assert_eq!(
        scan.status("appsec.template-escaping"),
        "warn",
        "{}",
        scan.summary("appsec.template-escaping")
    );
}
