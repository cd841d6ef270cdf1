//! zizmor, the GitHub Actions auditor, judges `codesec.ci-hardening`: the same
//! workflows (the fixture apps' and hand-made ones covering each form) are read by
//! `vouch scan` and by `zizmor --offline`, told to apply the rule's pinning policy
//! (GitHub's own `actions/*` and `github/*` by ref, everyone else by commit), and
//! their findings are compared at file:line:
//! - zizmor's `unpinned-uses` against vouch's unpinned third-party actions;
//! - zizmor's `excessive-permissions` "this job" against vouch's jobs without
//!   `permissions:` (neither at workflow nor at job level);
//! - zizmor's `dangerous-triggers` against vouch's pull_request_target failures.
//!
//! Disagreements that are the rule's, each with why, are listed in `NARROWER`
//! (zizmor flags every pull_request_target trigger; the rule fails only a workflow
//! that checks out the pull request's code) and `STRICTER` (an image action by
//! tag). A new disagreement fails the test.
//! zizmor comes from PyPI, installed by `.ci/judges` under VOUCH_JUDGES.

mod common;

use common::differential::installed_judge;
use common::{fixture, scan_root};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn zizmor() -> PathBuf {
    installed_judge("py/bin/zizmor")
}

/// The rule's policy: GitHub's own actions may go by ref, every other by commit.
const POLICY: &str = "rules:\n  unpinned-uses:\n    config:\n      policies:\n        \"actions/*\": ref-pin\n        \"github/*\": ref-pin\n        \"*\": hash-pin\n";

/// Hand-made workflows, one form each.
const WORKFLOWS: &[(&str, &str)] = &[
    (
        "target-head-sha.yml",
        "on: pull_request_target\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm test\n",
    ),
    (
        "target-head-ref-in-run.yml",
        "on: [pull_request_target]\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          git fetch origin ${{ github.event.pull_request.head.ref }}\n          git checkout FETCH_HEAD\n",
    ),
    (
        "target-labels-only.yml",
        "on:\n  pull_request_target:\n    types: [labeled]\npermissions:\n  pull-requests: write\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/labeler@v5\n",
    ),
    (
        "third-party.yml",
        "on: push\npermissions: read-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n      - uses: github/codeql-action/init@v3\n      - uses: docker/login-action@v3\n      - uses: peter-evans/create-pull-request@main\n      - uses: codecov/codecov-action@0565863a31f2c772f9f0395002a31e3f06189574\n      - uses: dependabot/fetch-metadata@v2\n      - uses: ./.github/actions/local\n      - uses: docker://alpine:3.20\n",
    ),
    (
        "no-permissions.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n  deploy:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps:\n      - run: make deploy\n  reuse:\n    uses: example/workflows/.github/workflows/ci.yml@v2\n",
    ),
];

/// What one tool reports: (kind, file name, line).
type Seen = BTreeSet<(&'static str, String, u64)>;

fn file_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_string()
}

fn vouch_sees(root: &Path) -> Seen {
    let scan = scan_root(root, &["--only", "codesec.ci-hardening", "--app-dir", "/srv/app"]);
    let mut seen = Seen::new();
    for finding in scan.control("codesec.ci-hardening")["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let message = finding["message"].as_str().unwrap_or("");
        let location = finding["location"].as_str().unwrap_or("");
        let Some((path, line)) = location.rsplit_once(':') else {
            continue;
        };
        let line: u64 = line.parse().unwrap_or(0);
        let kind = if message.contains("checks out the pull request's code") {
            "dangerous-triggers"
        } else if message.contains("has no `permissions:`") {
            "excessive-permissions"
        } else if message.contains("which its owner can move") {
            "unpinned-uses"
        } else {
            continue;
        };
        // The trigger is the workflow's; a failure names the checkout: compare by file.
        let line = if kind == "dangerous-triggers" { 0 } else { line };
        seen.insert((kind, file_name(path), line));
    }
    seen
}

fn zizmor_sees(workflows: &Path, config: &Path) -> Seen {
    let out = Command::new(zizmor())
        .args(["--offline", "--no-progress", "--format", "json", "--config"])
        .arg(config)
        .arg(workflows)
        .output()
        .expect("zizmor runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let findings: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "zizmor gave no JSON ({e}): {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut seen = Seen::new();
    for finding in findings {
        let location = &finding["locations"][0];
        let path = location["symbolic"]["key"]["Local"]["verbatim_path"]
            .as_str()
            .unwrap_or("");
        let line = location["concrete"]["location"]["start_point"]["row"]
            .as_u64()
            .unwrap_or(0)
            + 1;
        let annotation = location["symbolic"]["annotation"].as_str().unwrap_or("");
        let kind = match finding["ident"].as_str().unwrap_or("") {
            "dangerous-triggers" => "dangerous-triggers",
            "unpinned-uses" | "unpinned-images" => "unpinned-uses",
            // Per job; the workflow-level one restates the jobs'.
            "excessive-permissions" if annotation == "this job" => "excessive-permissions",
            _ => continue,
        };
        let line = if kind == "dangerous-triggers" { 0 } else { line };
        seen.insert((kind, file_name(path), line));
    }
    seen
}

/// zizmor's findings the rule does not make, and why.
const NARROWER: &[(&str, &str, &str)] = &[
    (
        "dangerous-triggers",
        "target-labels-only.yml",
        "pull_request_target that never checks out the pull request: zizmor flags the trigger, the rule fails only a checkout of the head",
    ),
];

/// vouch's findings zizmor does not make, and why: (kind, file, line, why).
const STRICTER: &[(&str, &str, u64, &str)] = &[(
    "unpinned-uses",
    "third-party.yml",
    14,
    "`docker://alpine:3.20`: zizmor's regular persona flags only untagged or `latest` images; the rule warns any action not pinned, and an image is pinned by its digest",
)];

/// The same finding at another line: (kind, file, zizmor's line, vouch's line, why).
const SAME_AT: &[(&str, &str, u64, u64, &str)] = &[(
    "unpinned-uses",
    "no-permissions.yml",
    13,
    14,
    "a reusable workflow: zizmor names the job, vouch the `uses:` line that names the ref",
)];

#[test]
fn zizmor_and_vouch_agree_on_dangerous_triggers_permissions_and_unpinned_actions() {
    let root = tempfile::tempdir().expect("temp dir");
    let app = root.path().join("srv/app");
    let workflows = app.join(".github/workflows");
    std::fs::create_dir_all(&workflows).expect("mkdir");
    std::fs::write(app.join("requirements.txt"), "flask==3.0.3\n").expect("write");
    for (name, text) in WORKFLOWS {
        std::fs::write(workflows.join(name), text).expect("write");
    }
    for (fixture_app, file) in [
        ("app/clean/srv/shop", "ci.yml"),
        ("app/flawed/srv/api", "preview.yml"),
        ("app/flawed/srv/api", "lint.yml"),
    ] {
        let from = Path::new(&fixture(fixture_app)).join(".github/workflows").join(file);
        std::fs::copy(from, workflows.join(file)).expect("copy a fixture workflow");
    }
    let config = root.path().join("zizmor.yml");
    std::fs::write(&config, POLICY).expect("write");

    let vouch = vouch_sees(root.path());
    let zizmor: Seen = zizmor_sees(&workflows, &config)
        .into_iter()
        .map(|(kind, file, line)| {
            let moved = SAME_AT
                .iter()
                .find(|(k, f, at, _, _)| *k == kind && *f == file && *at == line)
                .map_or(line, |(_, _, _, to, _)| *to);
            (kind, file, moved)
        })
        .collect();
    // Each side names each thing once; the trigger is compared by file.
    let accepted: BTreeSet<(&str, String)> = NARROWER.iter().map(|(k, f, _)| (*k, f.to_string())).collect();
    let only_zizmor: Vec<_> = zizmor
        .difference(&vouch)
        .filter(|(kind, file, _)| !accepted.contains(&(*kind, file.clone())))
        .collect();
    let only_vouch: Vec<_> = vouch
        .difference(&zizmor)
        .filter(|(kind, file, line)| !STRICTER.iter().any(|(k, f, l, _)| k == kind && f == file && l == line))
        .collect();
    assert!(
        only_zizmor.is_empty() && only_vouch.is_empty(),
        "zizmor only: {only_zizmor:#?}\nvouch only: {only_vouch:#?}\n(vouch: {vouch:#?})"
    );
    // The hand-made cases really exercise each kind.
    for kind in ["dangerous-triggers", "excessive-permissions", "unpinned-uses"] {
        assert!(vouch.iter().any(|(k, _, _)| *k == kind), "no {kind} case");
    }
    assert!(vouch.contains(&("dangerous-triggers", "target-head-ref-in-run.yml".into(), 0)));
}
