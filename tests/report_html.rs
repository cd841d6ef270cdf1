//! The HTML report as its reader meets it: opened in the real Chromium
//! (Debian's, driven by playwright-core from tests/browser, installed by
//! .ci/run), it loads with no console error and no request but its own file,
//! runs nothing, prints to a PDF (read back with poppler's pdftotext) holding
//! every part; a hostile host's `<script>`, markup and escape sequences stay
//! inert text; and the report inside a pack carries the cover of the session.
//! A missing browser or judge fails these tests: it never skips them.

mod common;

use common::{fixture, vouch, AS_OF};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the browser saw (tests/browser/open-report.mjs).
#[derive(serde::Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct Seen {
    console: Vec<Message>,
    page_errors: Vec<String>,
    requests: Vec<String>,
    dialogs: Vec<String>,
    scripts: u32,
    elements_with_handlers: u32,
    text: String,
    title: String,
}

#[derive(serde::Deserialize, Debug)]
struct Message {
    #[serde(rename = "type")]
    kind: String,
    text: String,
}

fn judge_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Open `report` in Chromium; print it to `pdf` when given.
fn open(report: &Path, pdf: Option<&Path>) -> Seen {
    let dir = judge_dir();
    assert!(
        dir.join("node_modules/playwright-core").is_dir(),
        "the browser judge is not installed: `npm ci --prefix tests/browser` (.ci/run does it)"
    );
    let mut command = Command::new("node");
    command.arg(dir.join("open-report.mjs")).arg(report);
    if let Some(pdf) = pdf {
        command.arg(pdf);
    }
    let out = command.output().expect("node runs (install Node.js)");
    assert!(
        out.status.success(),
        "the browser judge failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the judge's JSON")
}

/// The text of a PDF, as poppler's pdftotext reads it.
fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (install poppler-utils)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn html_report(root: &Path, to: &Path, extra: &[&str]) {
    let out = vouch()
        .args(["scan", "--as-of", AS_OF, "--format", "html", "--root"])
        .arg(root)
        .args(extra)
        .arg("-o")
        .arg(to)
        .output()
        .expect("vouch runs");
    assert_ne!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Nothing but the page itself was fetched, nothing ran, nothing complained.
fn assert_quiet(seen: &Seen, report: &Path) {
    let errors: Vec<String> = seen
        .console
        .iter()
        .filter(|m| m.kind == "error" || m.kind == "warning")
        .map(|m| format!("{}: {}", m.kind, m.text))
        .collect();
    assert!(errors.is_empty(), "console: {errors:?}");
    assert!(seen.page_errors.is_empty(), "{:?}", seen.page_errors);
    let own = format!("file://{}", report.display());
    assert_eq!(seen.requests, vec![own], "the page fetched something else");
    assert_eq!(seen.scripts, 0, "no script, frame or object in the page");
    assert_eq!(seen.elements_with_handlers, 0, "no on* attribute in the page");
    assert!(seen.dialogs.is_empty(), "a dialog opened: {:?}", seen.dialogs);
}

#[test]
fn the_html_report_opens_with_no_request_and_no_script_and_prints_every_part_to_pdf() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("audit.html");
    html_report(Path::new(&fixture("weak")), &report, &[]);
    let pdf = dir.path().join("audit.pdf");
    let seen = open(&report, Some(&pdf));
    assert_quiet(&seen, &report);
    assert_eq!(seen.title, "Security audit of local");
    let printed = pdf_text(&pdf);
    for part in [
        "Security audit of local",
        "9 not met, 3 partly met, 3 met, 50 open",
        "Verdicts per section",
        "Needs action, most severe first",
        "Controls by section",
        "SSH access control",
        "Host and network firewall",
        "Operating system updates",
        "Open: for the interview (27)",
        "Evidence",
        "Fix",
    ] {
        assert!(printed.contains(part), "the PDF lacks `{part}`:\n{printed}");
        assert!(seen.text.contains(part), "the page lacks `{part}`");
    }
    // The deciding line is quoted from the evidence, with its line number.
    assert!(
        seen.text.contains("1\tPasswordAuthentication yes") || seen.text.contains("1PasswordAuthentication yes"),
        "{}",
        seen.text
    );
}

#[test]
fn a_hostile_host_stays_inert_text_in_the_html_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("host");
    let copied = Command::new("cp")
        .arg("-r")
        .arg(fixture("hostile-output"))
        .arg(&root)
        .status()
        .expect("cp");
    assert!(copied.success());
    let report = dir.path().join("hostile.html");
    html_report(&root, &report, &["--only", "ssh"]);
    let html = std::fs::read_to_string(&report).expect("the report");
    assert!(
        !html.contains('\u{1b}') && !html.contains('\u{7}'),
        "escape bytes in the HTML"
    );
    assert!(!html.contains("<script"), "a script element in the HTML");
    let seen = open(&report, None);
    assert_quiet(&seen, &report);
    for literal in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "</textarea><style>body{display:none}</style>",
        "\"dq'sq</textarea>",
        "[click](javascript:alert(1))",
    ] {
        assert!(
            seen.text.contains(literal),
            "`{literal}` is not shown as text:\n{}",
            seen.text
        );
    }
    assert!(seen.text.contains("SSH access control"), "the page is still visible");
}

#[test]
fn the_report_in_a_pack_carries_the_session_cover_and_links_only_inside_the_pack() {
    let data = tempfile::tempdir().expect("temp dir");
    let id = common::saved_weak_session(data.path(), "Ada Auditor", &[]);
    let out = tempfile::tempdir().expect("temp dir");
    // The same page for a session not exported yet, opened in the browser too.
    let shown = vouch()
        .env("VOUCH_DATA_DIR", data.path())
        .args(["sessions", "show", &id, "--format", "html"])
        .output()
        .expect("vouch runs");
    assert!(shown.status.success(), "{}", String::from_utf8_lossy(&shown.stderr));
    let page = out.path().join("session.html");
    std::fs::write(&page, &shown.stdout).expect("page");
    let seen = open(&page, None);
    assert_quiet(&seen, &page);
    assert!(
        seen.text.contains("Ada Auditor") && seen.text.contains("shop-web-1"),
        "{}",
        seen.text
    );
    let pack = out.path().join("pack");
    let key = out.path().join("id_ed25519");
    assert!(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen")
        .success());
    let exported = vouch()
        .env("VOUCH_DATA_DIR", data.path())
        .env("XDG_CONFIG_HOME", out.path().join("config"))
        .args(["export", &id, "-o"])
        .arg(&pack)
        .arg("--sign-key")
        .arg(&key)
        .output()
        .expect("vouch runs");
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let report = pack.join("report.html");
    let pdf = out.path().join("report.pdf");
    let seen = open(&report, Some(&pdf));
    assert_quiet(&seen, &report);
    for part in [
        "Auditor",
        "Ada Auditor",
        "Started",
        "Finished",
        "Checklists",
        "Signed by",
        "SHA256:",
    ] {
        assert!(seen.text.contains(part), "the cover lacks `{part}`");
    }
    // Every link points at a file of the pack, which exists.
    let html = std::fs::read_to_string(&report).expect("report");
    // minijinja escapes `/` in attributes as `&#x2f;`, which a browser reads as `/`.
    let links: Vec<String> = html
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|link| link.replace("&#x2f;", "/"))
        .collect();
    assert!(!links.is_empty());
    for link in links {
        assert!(
            link.starts_with("evidence/ev-") || link.starts_with("attachments/"),
            "{link}"
        );
        assert!(pack.join(&link).is_file(), "{link} is not in the pack");
    }
    assert!(pdf_text(&pdf).contains("Needs action, most severe first"));
    // report.md travels with it.
    let markdown = std::fs::read_to_string(pack.join("report.md")).expect("report.md");
    assert!(markdown.starts_with("# vouch audit of local"), "{markdown}");
}
