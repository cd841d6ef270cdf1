//! The application's repository as an auditor meets it: `vouch scan --root` on
//! droplet trees holding a Python app (tests/fixtures/app), found by app
//! discovery or named with `--app-dir`, and judged on how it is built and
//! shipped — pinned dependencies, pycrypto, update bots, vulnerability scanning,
//! static analysis, tests in CI, GitHub Actions hardening, and its .env files.
//! Each story names the file and line that decided it.
//!
//! The .env files and Git repositories are made by the tests on a copy of the
//! fixture (a fixture's .gitignore would keep its .env out of vouch's own
//! repository, and a nested .git cannot be committed): git builds the index, and
//! vouch reads it from its bytes.

mod common;

use common::{fixture_copy, scan_root, vouch, Scan};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

const SECTIONS: &[&str] = &["--only", "deps", "--only", "secrets", "--only", "codesec"];

fn has(findings: &[String], wanted: &str) -> bool {
    findings.iter().any(|f| f.contains(wanted))
}

/// A secret-holding file with the given mode (its content is never read by vouch).
fn env_file(path: &Path, mode: u32) {
    std::fs::write(path, "SECRET_KEY=not-read-by-vouch\n").expect("write .env");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Run git in `repo` with no user or system configuration.
fn git(repo: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(repo)
        .env("HOME", repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args([
            "-c",
            "core.excludesFile=/dev/null",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@e",
        ])
        .args(args)
        .output()
        .expect("git runs (the tests build their repositories with it)");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn scan(root: &Path, extra: &[&str]) -> Scan {
    let mut args: Vec<&str> = SECTIONS.to_vec();
    args.extend_from_slice(extra);
    scan_root(root, &args)
}

fn assert_status(scan: &Scan, id: &str, want: &str) {
    assert_eq!(
        scan.status(id),
        want,
        "{id}: {}\n{:#?}",
        scan.summary(id),
        scan.findings(id)
    );
}

#[test]
fn a_well_kept_app_passes_every_repository_control() {
    let tree = fixture_copy("app/clean");
    let app = tree.path().join("srv/shop");
    env_file(&app.join(".env"), 0o600);
    git(&app, &["init", "-q"]);
    git(&app, &["add", "-A"]);
    let scan = scan(tree.path(), &[]);
    // The systemd unit names the app, not the decoy in /opt.
    assert_eq!(scan.host()["app_dir"], "/srv/shop");
    assert_eq!(scan.host()["app_dir_source"], "systemd unit shop.service");
    for id in [
        "deps.pinned",
        "deps.vulnerability-scanning",
        "deps.update-automation",
        "deps.unmaintained-crypto",
        "secrets.dotenv-ignored",
        "secrets.dotenv-permissions",
        "codesec.static-analysis",
        "codesec.tests-in-ci",
        "codesec.ci-hardening",
    ] {
        assert_status(&scan, id, "pass");
    }
    // Hashes, `===`, a commit, and a constraint pin each requirement.
    assert!(scan.summary("deps.pinned").contains("all 6 requirements of requirements.txt and the file it includes are pinned (==, ===, --hash, a commit or a constraint) (and a local path, the project's own code)"), "{}", scan.summary("deps.pinned"));
    assert!(has(
        &scan.findings("deps.update-automation"),
        "/srv/shop/.github/dependabot.yml:3: Dependabot updates `pip` (Python packages)"
    ));
    assert!(has(
        &scan.findings("deps.vulnerability-scanning"),
        "/srv/shop/.github/workflows/ci.yml:28: pip-audit runs"
    ));
    assert!(has(
        &scan.findings("codesec.static-analysis"),
        "/srv/shop/.github/workflows/ci.yml:29: bandit runs"
    ));
    assert!(has(
        &scan.findings("codesec.tests-in-ci"),
        "/srv/shop/.github/workflows/ci.yml:20: `make test` runs pytest (/srv/shop/Makefile:3)"
    ));
    assert!(has(
        &scan.findings("secrets.dotenv-ignored"),
        "/srv/shop/.gitignore:4: .env is ignored by `.env*`"
    ));
    assert!(has(&scan.findings("secrets.dotenv-permissions"), "mode 0600"));
}

#[test]
fn a_hurried_app_fails_where_each_mistake_is_written() {
    let tree = fixture_copy("app/flawed");
    let app = tree.path().join("srv/api");
    env_file(&app.join(".env"), 0o644);
    git(&app, &["init", "-q"]);
    git(&app, &["add", "-A"]);
    git(&app, &["rm", "-q", "--cached", ".env"]);
    let scan = scan(tree.path(), &[]);
    // No unit: the first folder holding a project, /srv before /var/www.
    assert_eq!(scan.host()["app_dir"], "/srv/api");
    assert_eq!(scan.host()["app_dir_source"], "pyproject.toml under /srv/*");

    assert_status(&scan, "deps.pinned", "fail");
    let pinned = scan.findings("deps.pinned");
    for line in [6, 7, 9] {
        assert!(has(&pinned, &format!("/srv/api/pyproject.toml:{line}:")), "{pinned:#?}");
    }
    assert!(!has(&pinned, "pyproject.toml:8:"), "sqlalchemy==2.0.36 is pinned");
    assert_status(&scan, "deps.unmaintained-crypto", "fail");
    assert!(has(
        &scan.findings("deps.unmaintained-crypto"),
        "/srv/api/pyproject.toml:13:"
    ));
    assert_status(&scan, "deps.update-automation", "warn");
    assert_status(&scan, "deps.vulnerability-scanning", "fail");

    // flake8, and ruff without the S rules: linters only.
    assert_status(&scan, "codesec.static-analysis", "warn");
    let linters = scan.findings("codesec.static-analysis");
    assert!(has(&linters, "/srv/api/.github/workflows/lint.yml:10: flake8 runs"));
    assert!(has(
        &linters,
        "/srv/api/.github/workflows/lint.yml:11: ruff runs without the S (bandit) rules"
    ));
    assert_status(&scan, "codesec.tests-in-ci", "warn");
    assert!(has(
        &scan.findings("codesec.tests-in-ci"),
        "/srv/api/tests/test_health.py"
    ));

    assert_status(&scan, "codesec.ci-hardening", "fail");
    let hardening = scan.findings("codesec.ci-hardening");
    assert!(
        has(&hardening, "/srv/api/.github/workflows/preview.yml:12: job `preview`"),
        "{hardening:#?}"
    );
    assert!(has(
        &hardening,
        "/srv/api/.github/workflows/preview.yml:7: job `preview` has no `permissions:`"
    ));
    assert!(has(
        &hardening,
        "/srv/api/.github/workflows/preview.yml:13: third-party `tj-actions/changed-files@v45`"
    ));
    // actions/checkout by tag is GitHub's own: fine.
    assert!(!has(&hardening, "preview.yml:10:"));
    assert!(
        !has(&hardening, "lint.yml"),
        "lint.yml sets permissions and uses GitHub's actions only"
    );

    assert_status(&scan, "secrets.dotenv-ignored", "fail");
    assert!(has(
        &scan.findings("secrets.dotenv-ignored"),
        "/srv/api/.gitignore:4: .env is not ignored: `!.env` takes it back"
    ));
    assert_status(&scan, "secrets.dotenv-permissions", "fail");
    assert!(has(
        &scan.findings("secrets.dotenv-permissions"),
        "readable by every user of the server (mode 0644"
    ));
}

#[test]
fn a_tracked_env_file_fails_whatever_gitignore_says_now() {
    let tree = fixture_copy("app/clean");
    let app = tree.path().join("srv/shop");
    env_file(&app.join(".env"), 0o600);
    git(&app, &["init", "-q"]);
    git(&app, &["add", "-A"]);
    git(&app, &["add", "-f", ".env"]);
    // A version 4 index (prefix-compressed names) is read the same.
    git(&app, &["update-index", "--index-version", "4"]);
    let scan = scan(tree.path(), &[]);
    assert_status(&scan, "secrets.dotenv-ignored", "fail");
    assert!(has(
        &scan.findings("secrets.dotenv-ignored"),
        ".env is tracked by Git (listed in /srv/shop/.git/index)"
    ));
    // The index is evidence: the paths it lists, from its bytes.
    let evidence = scan.host()["evidence"].as_array().cloned().unwrap_or_default();
    assert!(evidence
        .iter()
        .any(|e| e["kind"] == "git_index" && e["source"] == "/srv/shop/.git/index"));
}

#[test]
fn without_an_app_the_app_controls_are_the_auditors_and_app_dir_names_one() {
    let tree = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(tree.path().join("etc")).expect("mkdir");
    std::fs::write(tree.path().join("etc/hostname"), "web\n").expect("write");
    let none = scan(tree.path(), &[]);
    assert!(none.host()["app_dir"].is_null());
    assert_status(&none, "deps.pinned", "needs_review");
    assert!(none
        .summary("codesec.ci-hardening")
        .contains("no Python application found"));
    assert!(none.summary("deps.pinned").contains("--app-dir"));

    // --app-dir overrides discovery: the old site in /var/www, pinned.
    let flawed = fixture_copy("app/flawed");
    let named = scan(flawed.path(), &["--app-dir", "/var/www/old"]);
    assert_eq!(named.host()["app_dir"], "/var/www/old");
    assert_eq!(named.host()["app_dir_source"], "--app-dir");
    assert_status(&named, "deps.pinned", "pass");
    assert_status(&named, "secrets.dotenv-ignored", "not_applicable");
    let missing = scan(flawed.path(), &["--app-dir", "/srv/nothere"]);
    assert!(missing
        .summary("deps.pinned")
        .contains("--app-dir names /srv/nothere, which does not exist"));
    // A unit whose WorkingDirectory is gone names no app either.
    let gone = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(gone.path().join("etc/systemd/system")).expect("mkdir");
    std::fs::write(
        gone.path().join("etc/systemd/system/shop.service"),
        "[Service]\nWorkingDirectory=/srv/gone\nExecStart=/srv/gone/venv/bin/gunicorn app:app\n",
    )
    .expect("write");
    let scan_gone = scan(gone.path(), &[]);
    assert!(scan_gone.host()["app_dir"].is_null());
    assert!(scan_gone
        .summary("codesec.tests-in-ci")
        .contains("systemd unit shop.service names /srv/gone, which does not exist"));
}

#[test]
fn a_relative_app_dir_is_refused_before_anything_is_read() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = vouch()
        .args(["scan", "--app-dir", "srv/shop", "--root"])
        .arg(root.path())
        .output()
        .expect("vouch runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--app-dir srv/shop: give the absolute path"),
        "{stderr}"
    );
}

#[test]
fn hostile_repository_files_are_named_and_never_pass() {
    let tree = fixture_copy("app/clean");
    let app = tree.path().join("srv/shop");
    env_file(&app.join(".env"), 0o600);
    // A billion laughs among the workflows, and a workflow past the 1 MiB YAML cap.
    let mut bomb = String::from("on: push\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let previous = format!("*a{}", i - 1);
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![previous; 9].join(", ")));
    }
    bomb.push_str("jobs: {}\n");
    std::fs::write(app.join(".github/workflows/laughs.yml"), bomb).expect("write");
    let huge = format!("on: push\njobs:\n{}", "  # padding\n".repeat(120_000));
    std::fs::write(app.join(".github/workflows/huge.yml"), huge).expect("write");
    // An index that is not one.
    std::fs::create_dir_all(app.join(".git")).expect("mkdir");
    std::fs::write(app.join(".git/index"), b"DIRC\x00\x00\x00\x02\xff\xff\xff\xff").expect("write");
    let scan = scan(tree.path(), &[]);
    assert_status(&scan, "codesec.ci-hardening", "needs_review");
    let hardening = scan.findings("codesec.ci-hardening");
    assert!(
        has(
            &hardening,
            "/srv/shop/.github/workflows/laughs.yml: not a workflow vouch reads"
        ),
        "{hardening:#?}"
    );
    assert!(has(
        &hardening,
        "/srv/shop/.github/workflows/huge.yml: not a workflow vouch reads"
    ));
    assert!(has(&hardening, "refused unread"));
    assert_status(&scan, "secrets.dotenv-ignored", "needs_review");
    assert!(has(
        &scan.findings("secrets.dotenv-ignored"),
        "/srv/shop/.git/index is not a Git index vouch can read"
    ));
}

#[test]
fn a_saved_scan_keeps_where_the_app_was_found() {
    let tree = fixture_copy("app/flawed");
    let data = tempfile::tempdir().expect("temp dir");
    let scan = vouch()
        .env("VOUCH_DATA_DIR", data.path())
        .args([
            "scan",
            "--save",
            "--only",
            "deps",
            "--app-dir",
            "/var/www/old",
            "--root",
        ])
        .arg(tree.path())
        .output()
        .expect("vouch runs");
    let id = common::session_id_in(&String::from_utf8_lossy(&scan.stderr));
    let shown = vouch()
        .env("VOUCH_DATA_DIR", data.path())
        .args(["sessions", "show", &id, "--format", "json"])
        .output()
        .expect("vouch runs");
    let json: serde_json::Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    assert_eq!(json["hosts"][0]["app_dir"], "/var/www/old");
    assert_eq!(json["hosts"][0]["app_dir_source"], "--app-dir");
    // The journal says it too: the --app-dir given, and where the app was found.
    let journal = std::fs::read_to_string(data.path().join("sessions").join(&id).join("journal.jsonl"))
        .expect("the session's journal");
    assert!(journal.contains("\"app_dir\":\"/var/www/old\""), "{journal}");
    assert!(journal.contains("\"type\":\"app_found\""));
}

#[test]
fn what_a_hostile_or_careless_repository_says_is_read_as_git_pip_and_setuptools_read_it() {
    let root = tempfile::tempdir().expect("temp dir");
    let app = root.path().join("srv/app");
    std::fs::create_dir_all(app.join(".env/bin")).expect("a virtualenv named .env");
    std::fs::create_dir_all(root.path().join("etc")).expect("mkdir");
    std::fs::write(
        root.path().join("etc/shadow"),
        "root:$6$salt$notforyoureyes:19000::::::\n",
    )
    .expect("write");
    // Includes outside the app, and one of its secrets, are named and never read.
    std::fs::write(
        app.join("requirements.txt"),
        "-r /etc/shadow\n-c .env.production\nflask==3.0.3\n",
    )
    .expect("write");
    env_file(&app.join(".env.production"), 0o600);
    std::fs::write(app.join(".gitignore"), ".env*\n").expect("write");
    // The first install_requires is in a docstring; the real one lists pycrypto.
    std::fs::write(
        app.join("setup.py"),
        "\"\"\"Dependencies: see install_requires below.\"\"\"\nfrom setuptools import setup\nsetup(install_requires=[\"flask>=2\", \"pycrypto\"])\n",
    )
    .expect("write");
    let scan = scan(root.path(), &["--app-dir", "/srv/app"]);
    let text = scan.json.to_string();
    assert!(!text.contains("notforyoureyes"), "a file outside the app was quoted");
    assert_status(&scan, "deps.pinned", "needs_review");
    let pinned = scan.findings("deps.pinned");
    assert!(has(
        &pinned,
        "/srv/app/requirements.txt:1: /etc/shadow is outside the app's folder /srv/app: not read"
    ));
    assert!(has(
        &pinned,
        "/srv/app/requirements.txt:2: /srv/app/.env.production is a .env file: vouch never reads one"
    ));
    assert_status(&scan, "deps.unmaintained-crypto", "fail");
    assert!(has(&scan.findings("deps.unmaintained-crypto"), "/srv/app/setup.py:3:"));
    // The virtualenv folder named .env is no secret file: only .env.production is judged.
    assert_status(&scan, "secrets.dotenv-permissions", "pass");
    assert!(!has(&scan.findings("secrets.dotenv-permissions"), "/srv/app/.env:"));
    assert_status(&scan, "secrets.dotenv-ignored", "pass");
}

#[test]
fn a_dotenv_in_a_subfolder_is_judged_with_the_gitignore_files_on_its_way() {
    let tree = fixture_copy("app/clean");
    let app = tree.path().join("srv/shop");
    env_file(&app.join(".env"), 0o600);
    std::fs::create_dir_all(app.join("deploy/docker")).expect("mkdir");
    env_file(&app.join("deploy/docker/.env.production"), 0o644);
    // The subfolder's own .gitignore takes it back from the root's `.env*`: `git add -A` tracks it.
    std::fs::write(app.join("deploy/.gitignore"), "!docker/.env.production\n").expect("write");
    git(&app, &["init", "-q"]);
    git(&app, &["add", "-A"]);
    let tracked = scan(tree.path(), &[]);
    assert_status(&tracked, "secrets.dotenv-ignored", "fail");
    assert!(has(
        &tracked.findings("secrets.dotenv-ignored"),
        "/srv/shop/deploy/docker/.env.production: deploy/docker/.env.production is tracked by Git"
    ));
    assert_status(&tracked, "secrets.dotenv-permissions", "fail");
    assert!(has(
        &tracked.findings("secrets.dotenv-permissions"),
        "/srv/shop/deploy/docker/.env.production: /srv/shop/deploy/docker/.env.production is readable by every user"
    ));
    // Untracked, it is still not ignored: the nested rule is named at its line.
    git(&app, &["rm", "-q", "--cached", "deploy/docker/.env.production"]);
    let untracked = scan(tree.path(), &[]);
    assert_status(&untracked, "secrets.dotenv-ignored", "fail");
    assert!(has(
        &untracked.findings("secrets.dotenv-ignored"),
        "/srv/shop/deploy/.gitignore:1: deploy/docker/.env.production is not ignored: `!docker/.env.production` takes it back"
    ));
}
