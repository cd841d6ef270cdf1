//! Output that acts on its reader (issue 11): a host whose sshd_config and
//! authorized_keys hold Markdown links, images, HTML and terminal escape sequences
//! (tests/fixtures/hostile-output, plus a drop-in whose file name does the same),
//! and a checklist whose ids and titles do too. The Markdown report, read by a real
//! CommonMark renderer, has no HTML and no link; the text report and the checklist
//! commands write nothing that acts on a terminal; the hostile text is still shown.

mod common;

use common::{fixture, vouch, AS_OF};
use pulldown_cmark::{html, Event, Options, Parser, Tag};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// Characters that move the cursor, set a title, or reorder or break a line.
const ACTS_ON_TERMINAL: [char; 7] = [
    '\u{1b}', '\u{7}', '\u{9b}', '\u{2028}', '\u{2029}', '\u{61c}', '\u{202e}',
];

/// A drop-in whose name is itself an attack; sshd_config Includes it.
const HOSTILE_DROP_IN: &str = "`<img src=x onerror=alert(1)>`` [a](https:\u{1b}]0;t\u{7}.conf";

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The hostile fixture host, copied under a root whose own name is hostile.
fn hostile_host() -> (TempDir, PathBuf) {
    let dir = TempDir::new().expect("temp dir");
    let root = dir.path().join("host` <b>x</b>");
    copy_tree(Path::new(&fixture("hostile-output")), &root);
    let drop_ins = root.join("etc/ssh/sshd_config.d");
    std::fs::create_dir_all(&drop_ins).expect("mkdir");
    std::fs::write(drop_ins.join(HOSTILE_DROP_IN), "PermitEmptyPasswords no\n").expect("write");
    (dir, root)
}

fn scan(root: &Path, format: &str, extra: &[&str]) -> String {
    let out = vouch()
        .args(["scan", "--as-of", AS_OF, "--only", "ssh", "--format", format, "--root"])
        .arg(root)
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .expect("vouch runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_ne!(out.status.code(), Some(2), "the scan ran: {stderr}");
    assert_no_terminal_controls(&stderr, "scan stderr");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_no_terminal_controls(output: &str, what: &str) {
    let found: Vec<char> = output.chars().filter(|c| ACTS_ON_TERMINAL.contains(c)).collect();
    assert!(found.is_empty(), "{what} writes {found:?} raw:\n{output}");
}

/// Every HTML element, link and image a CommonMark renderer (bare, and with every
/// extension pulldown-cmark has) makes of `markdown`.
fn active_markup(markdown: &str) -> Vec<String> {
    let mut found = Vec::new();
    for options in [Options::empty(), Options::all()] {
        for event in Parser::new_ext(markdown, options) {
            match event {
                Event::Html(h) | Event::InlineHtml(h) => found.push(format!("HTML {h}")),
                Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. } | Tag::HtmlBlock)) => {
                    found.push(format!("{tag:?}"));
                }
                _ => {}
            }
        }
    }
    found
}

/// The HTML page the renderer makes, checked element by element: only the plain
/// elements the report itself writes, none with an attribute.
fn assert_plain_html(markdown: &str) -> String {
    let mut page = String::new();
    html::push_html(&mut page, Parser::new_ext(markdown, Options::all()));
    for needle in ["<img", "<a ", "<script"] {
        assert!(!page.contains(needle), "{needle} in the rendered page:\n{page}");
    }
    const REPORT_ELEMENTS: [&str; 16] = [
        "h1", "h2", "h3", "p", "ul", "li", "strong", "code", "pre", "br", "table", "thead", "tbody", "tr", "th", "td",
    ];
    for tag in page
        .split('<')
        .skip(1)
        .filter_map(|t| t.split_once('>').map(|(tag, _)| tag))
    {
        let name = tag.trim_start_matches('/').trim_end_matches(" /");
        assert!(
            REPORT_ELEMENTS.contains(&name),
            "element <{tag}> in the rendered page (onerror and friends ride on attributes):\n{page}"
        );
    }
    page
}

#[test]
fn the_hostile_text_reaches_the_results() {
    let (_dir, root) = hostile_host();
    let json = scan(&root, "json", &[]);
    for attack in [
        "![t](https://evil.example/x.png)",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "\\\\`escaped\\\\`",
        "ops\\\\`<script>",
        "\\u001b[2J",
        "\\u0007",
        "`<img src=x onerror=alert(1)>``",
    ] {
        assert!(
            json.contains(attack),
            "{attack} is not in the results, the test proves nothing:\n{json}"
        );
    }
    for c in ['\u{2028}', '\u{61c}', '\u{202e}'] {
        assert!(json.contains(c), "{c:?} is not in the results");
    }
}

#[test]
fn the_markdown_report_has_no_html_and_no_link_from_the_target() {
    let (_dir, root) = hostile_host();
    let markdown = scan(&root, "markdown", &[]);
    assert_eq!(active_markup(&markdown), Vec::<String>::new(), "{markdown}");
    let page = assert_plain_html(&markdown);
    assert_no_terminal_controls(&markdown, "the Markdown report");
    // The auditor still sees what the target holds, as text.
    for shown in [
        "![t](https://evil.example/x.png) &lt;img src=x onerror=alert(1)&gt; [click](javascript:alert(1))",
        "`code` \\`escaped\\` *emph*",
        "ops\\`&lt;script&gt;alert(1)&lt;/script&gt;`",
        "admins\\x{1b}[2J\\x{1b}]0;title\\x{7} line\\x{2028}break arabic\\x{61c}mark \\x{202e}shadow",
        "<code>/etc/ssh/sshd_config.d/`&lt;img src=x onerror=alert(1)&gt;`` [a](https:\\x{1b}]0;t\\x{7}.conf:1</code>",
        "(root <code>",
    ] {
        assert!(page.contains(shown), "the page does not show {shown}:\n{page}");
    }
}

#[test]
fn the_text_report_writes_nothing_that_acts_on_a_terminal() {
    let (_dir, root) = hostile_host();
    let text = scan(&root, "text", &[]);
    assert_no_terminal_controls(&text, "the text report");
    assert!(
        text.contains("admins\\x{1b}[2J\\x{1b}]0;title\\x{7} line\\x{2028}break"),
        "{text}"
    );
    assert!(text.contains("\\x{202e}yek\\x{2028}\\x{61c}"), "{text}");
}

/// A checklist that loads, every free-text field of it an attack.
const HOSTILE_CHECKLIST: &str = r#"
[checklist]
id = "evil\u001B[2J<img src=x onerror=alert(1)>"
title = "Evil\u001B]0;pwned\u0007 [x](https://evil.example) \u202Eeltit"
version = "1.0\u001B[31m"
description = "desc\u001B[2J\u2028<script>alert(1)</script>"

[probes.motd]
kind = "files"
paths = ["/etc/motd"]
description = "the banner\u001B[2J"

[[sections]]
id = "evil"
title = "Section\u001B[2J ![i](https://evil.example/i.png) <b>bold</b>"

[[sections.controls]]
id = "evil.banner"
title = "Title\u001B]0;t\u0007 <img src=x onerror=alert(1)> \u061C\u2028"
mode = "auto"
severity = "low"
rationale = "r"
remediation = "r"
probes = ["motd"]
evaluator = "file.matches"
params = { path = "/etc/motd", pattern = "authorised" }
"#;

fn hostile_checklist(dir: &TempDir, errors: &str) -> PathBuf {
    let path = dir.path().join("evil\u{1b}]0;t\u{7}\u{202e}.toml");
    std::fs::write(&path, format!("{HOSTILE_CHECKLIST}{errors}")).expect("write");
    path
}

#[test]
fn checklists_list_writes_nothing_that_acts_on_a_terminal() {
    let dir = TempDir::new().expect("temp dir");
    let path = hostile_checklist(&dir, "");
    let out = vouch()
        .args(["checklists", "list", "--checklists"])
        .arg(&path)
        .output()
        .expect("vouch runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_no_terminal_controls(&stdout, "checklists list");
    assert_no_terminal_controls(&String::from_utf8_lossy(&out.stderr), "checklists list");
    assert!(stdout.contains("evil\\x{1b}[2J<img"), "{stdout}");
    assert!(stdout.contains("Title\\x{1b}]0;t\\x{7} <img src=x onerror=alert(1)> \\x{61c}\\x{2028}"));

    let out = vouch()
        .args(["checklists", "list", "--markdown", "--checklists"])
        .arg(&path)
        .output()
        .expect("vouch runs");
    let markdown = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_no_terminal_controls(&markdown, "checklists list --markdown");
    assert_eq!(active_markup(&markdown), Vec::<String>::new(), "{markdown}");
    assert_plain_html(&markdown);
}

#[test]
fn checklists_lint_diagnostics_write_nothing_that_acts_on_a_terminal() {
    let dir = TempDir::new().expect("temp dir");
    let errors = r#"
[[sections.controls]]
id = "evil.x\u001B[2J"
title = "t"
mode = "auto"
severity = "low"
rationale = "r"
remediation = "r"
probes = ["motd"]
evaluator = "file.matchez\u001B]0;t\u0007"
"#;
    let path = hostile_checklist(&dir, errors);
    let out = vouch()
        .args(["checklists", "lint"])
        .arg(&path)
        .output()
        .expect("vouch runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_no_terminal_controls(&stderr, "checklists lint");
    assert_no_terminal_controls(&String::from_utf8_lossy(&out.stdout), "checklists lint");
    assert!(stderr.contains("evil\\x{1b}]0;t\\x{7}\\x{202e}.toml:"), "{stderr}");
    assert!(stderr.contains("control id `evil.x\\x{1b}[2J`"), "{stderr}");
    assert!(stderr.contains("`file.matchez\\x{1b}]0;t\\x{7}`"), "{stderr}");

    // The same file given to scan: a usage error that quotes it, escaped too.
    let out = vouch()
        .args(["scan", "--root", &fixture("hostile-output"), "--checklists"])
        .arg(&path)
        .output()
        .expect("vouch runs");
    assert_eq!(out.status.code(), Some(2));
    assert_no_terminal_controls(&String::from_utf8_lossy(&out.stderr), "scan with a broken checklist");
}

#[test]
fn reports_from_a_hostile_checklist_show_its_titles_as_text() {
    let (_dir, root) = hostile_host();
    let checklists = TempDir::new().expect("temp dir");
    let path = hostile_checklist(&checklists, "");
    let path = path.to_str().expect("utf-8 path");
    let only = ["--checklists", path, "--only", "evil"];
    let run = |format: &str| {
        let out = vouch()
            .args(["scan", "--as-of", AS_OF, "--format", format, "--root"])
            .arg(&root)
            .args(only)
            .env("NO_COLOR", "1")
            .output()
            .expect("vouch runs");
        assert_ne!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = run("text");
    assert_no_terminal_controls(&text, "the text report");
    assert!(
        text.contains("Section\\x{1b}[2J ![i](https://evil.example/i.png) <b>bold</b> [evil]"),
        "{text}"
    );
    let markdown = run("markdown");
    assert_no_terminal_controls(&markdown, "the Markdown report");
    assert_eq!(active_markup(&markdown), Vec::<String>::new(), "{markdown}");
    let page = assert_plain_html(&markdown);
    assert!(
        page.contains("Section\\x{1b}[2J ![i](https://evil.example/i.png) &lt;b&gt;bold&lt;/b&gt;"),
        "{page}"
    );
}

/// An unattended-upgrades origin entry planted with terminal escapes, Markdown and a
/// URL password: patching.security-origin quotes entries back in its findings and
/// summary, which must stay inert, redacted and readable in every report.
#[test]
fn an_origin_entry_with_escapes_and_a_password_is_shown_inert_and_redacted() {
    let dir = TempDir::new().expect("temp dir");
    let root = dir.path().join("host");
    copy_tree(Path::new(&fixture("debian")), &root);
    std::fs::write(
        root.join("etc/apt/apt.conf.d/60planted"),
        "Unattended-Upgrade::Origins-Pattern {\n  \"o=\u{1b}[31mEvil\u{1b}]0;t\u{7} [x](https://e.example)\";\n  \"o=Debian,site=https://u:hunter2planted@security.debian.org\";\n};\n",
    )
    .expect("write");
    let run = |format: &str| {
        let out = vouch()
            .args([
                "scan", "--as-of", AS_OF, "--only", "patching", "--format", format, "--root",
            ])
            .arg(&root)
            .env("NO_COLOR", "1")
            .output()
            .expect("vouch runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = run("text");
    assert_no_terminal_controls(&text, "the text report");
    assert!(
        text.contains("is not one name=value pair; it installs no update at all"),
        "{text}"
    );
    let markdown = run("markdown");
    assert!(active_markup(&markdown).is_empty(), "{markdown}");
    for output in [text, markdown, run("json")] {
        assert!(output.contains("Evil"), "the entry is still shown");
        assert!(!output.contains("hunter2planted"), "{output}");
    }
}
