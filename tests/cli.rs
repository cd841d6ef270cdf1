//! The command line as a user meets it: help that lists the contract, exit codes,
//! --only, --as-of, --fail-on, output formats, and text safe for a terminal.

mod common;

use common::{fixture, vouch, AS_OF};
use predicates::prelude::*;

#[test]
fn help_lists_every_command_of_the_contract() {
    let out = vouch().arg("--help").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for command in [
        "audit",
        "scan",
        "export",
        "verify",
        "sessions",
        "checklists",
        "collector",
        "import",
    ] {
        assert!(text.contains(command), "--help lacks {command}:\n{text}");
    }
}

#[test]
fn scan_help_lists_every_option_of_the_contract() {
    let out = vouch().args(["scan", "--help"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for option in [
        "--root",
        "--app-dir",
        "--checklists",
        "--only",
        "--as-of",
        "--format",
        "--output",
        "--fail-on",
        "--jobs",
        "--inventory",
        "--known-hosts",
        "--identity",
        "--sudo",
        "--bundle",
        "--accept-new",
        "--sign-key",
    ] {
        assert!(text.contains(option), "scan --help lacks {option}");
    }
}

#[test]
fn a_pack_that_is_not_there_cannot_be_read_exit_2() {
    vouch()
        .args(["verify", "no-such-pack.zip"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-pack.zip"));
}

#[test]
fn only_restricts_to_sections_and_ids() {
    let root = fixture("weak");
    let scan = common::scan_root(std::path::Path::new(&root), &["--only", "ssh", "--only", "auth.sudo"]);
    let ids: Vec<String> = scan.statuses().into_keys().collect();
    assert_eq!(ids.len(), 7, "{ids:?}");
    assert!(ids.iter().all(|id| id.starts_with("ssh.") || id == "auth.sudo"));
    vouch()
        .args(["scan", "--root", &root, "--only", "sshh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--only sshh: no such section or control id"));
}

#[test]
fn a_bad_as_of_is_a_usage_error() {
    vouch()
        .args(["scan", "--root", &fixture("weak"), "--as-of", "last tuesday"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--as-of `last tuesday` is not an RFC 3339 time",
        ));
}

#[test]
fn a_missing_root_is_a_usage_error() {
    vouch()
        .args(["scan", "--root", "/nonexistent/vouch-tree"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--root /nonexistent/vouch-tree: not a directory",
        ));
}

#[test]
fn fail_on_chooses_which_statuses_fail_the_run() {
    let mixed = fixture("mixed");
    let only = ["--only", "ssh"];
    // mixed: ssh has warnings but no failure.
    vouch()
        .args(["scan", "--root", &mixed, "--as-of", AS_OF])
        .args(only)
        .assert()
        .code(0);
    vouch()
        .args(["scan", "--root", &mixed, "--as-of", AS_OF, "--fail-on", "warn"])
        .args(only)
        .assert()
        .code(1);
    vouch()
        .args([
            "scan",
            "--root",
            &fixture("weak"),
            "--as-of",
            AS_OF,
            "--fail-on",
            "never",
        ])
        .assert()
        .code(0);
}

#[test]
fn text_report_puts_what_needs_action_first_with_its_fix_then_each_section() {
    let out = vouch()
        .args(["scan", "--root", &fixture("weak"), "--as-of", AS_OF, "--only", "ssh"])
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(!text.contains('\u{1b}'), "no colour when stdout is not a terminal");
    assert!(text.contains("3 not met, 1 partly met, 2 met\n"), "{text}");
    let action = text.find("Needs action, most severe first").expect("an action list");
    let section = text.find("SSH access control [ssh]").expect("the section");
    assert!(action < section, "{text}");
    // The critical failure first, with its findings and the checklist's fix.
    let first = &text[action..section];
    assert!(
        first.contains("\n  NOT MET     critical ssh.password-auth  SSH password authentication is disabled\n"),
        "{text}"
    );
    assert!(
        first.contains("                - /etc/ssh/sshd_config.d/50-cloud-init.conf:1: "),
        "{text}"
    );
    assert!(first.contains("                Fix: "), "{text}");
    // A pass cites the line that decided it.
    assert!(
        text[section..].contains(
            "  MET         high     ssh.kbd-interactive  Keyboard-interactive (PAM password) login is disabled\n"
        ),
        "{text}"
    );
    assert!(
        text[section..].contains("                at /etc/ssh/sshd_config:71\n"),
        "{text}"
    );
    assert!(
        text.contains("6 controls: 2 pass, 3 fail, 1 warn, 0 needs_review, 0 not_applicable, 0 error"),
        "{text}"
    );
}

#[test]
fn markdown_report_is_written_to_a_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("audit.md");
    vouch()
        .args([
            "scan",
            "--root",
            &fixture("hardened"),
            "--as-of",
            AS_OF,
            "--format",
            "markdown",
            "-o",
        ])
        .arg(&path)
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty());
    let text = std::fs::read_to_string(&path).expect("report written");
    assert!(text.starts_with("# vouch audit of local"), "{text}");
    assert!(text.contains("| pass | 16 |"), "{text}");
    assert!(
        text.contains("| **met** | critical | `ssh.password-auth` SSH password authentication is disabled |"),
        "{text}"
    );
    assert!(
        text.contains("| `/etc/ssh/sshd_config.d/10-hardening.conf:3` |"),
        "{text}"
    );
}

#[test]
fn escape_sequences_in_target_files_never_reach_the_terminal() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(dir.path().join("etc/ssh/sshd_config.d")).expect("mkdir");
    std::fs::write(
        dir.path().join("etc/ssh/sshd_config"),
        "Include /etc/ssh/sshd_config.d/*\nAllowUsers deploy\u{1b}]0;owned\u{7}\u{1b}[2J\nPasswordAuthentication no\n",
    )
    .expect("write");
    let hostile_name = dir
        .path()
        .join("etc/ssh/sshd_config.d/a\u{1b}[31mRED\u{1b}]0;title\u{7}");
    std::fs::write(hostile_name, "PasswordAuthentication yes\n").expect("write");
    for format in ["text", "markdown", "json"] {
        let out = vouch()
            .args(["scan", "--format", format, "--only", "ssh", "--root"])
            .arg(dir.path())
            .assert();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: {text:?}"
        );
        if format != "json" {
            assert!(
                text.contains("\\x{1b}"),
                "{format}: the escape is shown, not hidden: {text}"
            );
        }
    }
}

#[test]
fn checklists_list_shows_the_catalog_and_the_evaluators() {
    vouch()
        .args(["checklists", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("vouch.ssh 1.0.0"))
        .stdout(predicate::str::contains("ssh.password-auth"));
    vouch()
        .args(["checklists", "list", "--evaluators"])
        .assert()
        .success()
        .stdout(predicate::str::contains("config.key-equals"))
        .stdout(predicate::str::contains("sshd_config"));
}

#[test]
fn the_readme_catalog_is_the_bundled_catalog() {
    let out = vouch().args(["checklists", "list", "--markdown"]).assert().success();
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    assert!(
        readme.contains(table.trim_end()),
        "README's catalog is stale: regenerate it with `vouch checklists list --markdown`"
    );
}

#[test]
fn ssh_options_with_a_local_target_are_refused_not_ignored() {
    vouch()
        .args(["scan", "--root", &fixture("weak"), "--known-hosts", "/tmp/kh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--known-hosts applies to SSH targets"));
    vouch()
        .args(["scan", "--sudo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--sudo"));
}

/// Run vouch on a pseudo-terminal (util-linux `script`), as a person at a terminal does.
fn on_terminal(no_color: bool) -> Option<String> {
    let bin = assert_cmd::cargo::cargo_bin("vouch");
    let command = format!(
        "{} scan --root {} --as-of {AS_OF} --only ssh.root-login",
        bin.display(),
        fixture("weak")
    );
    let mut script = std::process::Command::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .env_remove("NO_COLOR")
        .env("VOUCH_CONFIG_DIR", common::config_dir())
        .env("TERM", "xterm-256color");
    if no_color {
        script.env("NO_COLOR", "1");
    }
    let out = script.output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn status_is_coloured_on_a_terminal_unless_no_color() {
    let Some(coloured) = on_terminal(false) else {
        assert!(std::env::var_os("CI").is_none(), "util-linux `script` is needed in CI");
        return;
    };
    assert!(coloured.contains("\u{1b}[1m\u{1b}[31mNOT MET"), "{coloured:?}");
    let plain = on_terminal(true).unwrap_or_default();
    assert!(plain.contains("NOT MET") && !plain.contains('\u{1b}'), "{plain:?}");
}

#[test]
fn the_results_name_the_host_its_os_its_kernel_and_the_checklists() {
    let json = |args: &[&str]| -> serde_json::Value {
        let out = vouch()
            .args(["scan", "--format", "json", "--as-of", AS_OF])
            .args(args)
            .output()
            .expect("vouch runs");
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let weak = json(&["--root", &fixture("weak"), "--only", "ssh"]);
    let facts = &weak["hosts"][0]["facts"];
    assert_eq!(facts["hostname"], "shop-web-1");
    assert_eq!(facts["os"], "Ubuntu 24.04.1 LTS");
    assert_eq!(
        (facts["os_id"].as_str(), facts["os_version_id"].as_str()),
        (Some("ubuntu"), Some("24.04"))
    );
    assert!(facts.get("kernel").is_none(), "a copy of a filesystem runs no kernel");
    let checklists = weak["checklists"].as_array().expect("checklists");
    assert_eq!(checklists.len(), 16);
    assert!(checklists
        .iter()
        .all(|c| c["sha256"].as_str().is_some_and(|s| s.len() == 64)));

    // This machine: the kernel as uname reports it.
    let here = json(&["--only", "ssh"]);
    let uname = std::process::Command::new("uname").arg("-r").output().expect("uname");
    assert_eq!(
        here["hosts"][0]["facts"]["kernel"].as_str(),
        Some(String::from_utf8_lossy(&uname.stdout).trim())
    );
}
