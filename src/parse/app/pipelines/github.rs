//! GitHub Actions workflows read for what `codesec.ci-hardening` asks: the
//! triggers (`pull_request_target`), the `permissions` key at workflow and job
//! level, every `uses:` (steps and reusable workflows) with its line, and steps
//! that check out the pull request's head. YAML through `super::super::yaml`
//! (bounded).

use crate::parse::app::yaml;
use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;
use std::collections::HashMap;

/// One workflow file, as far as hardening goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    pub path: String,
    /// Its triggers (`push`, `pull_request_target`), with the `on:` line.
    pub triggers: Vec<String>,
    pub on_line: u64,
    /// The line of a workflow-level `permissions:`, if any.
    pub permissions: Option<u64>,
    pub jobs: Vec<Job>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    pub line: u64,
    pub permissions: bool,
    /// `uses:` of its steps, and of the job itself (a reusable workflow).
    pub uses: Vec<(String, u64)>,
    /// Steps that check out the pull request's head: what they say, and where.
    pub head_checkouts: Vec<(String, u64)>,
}

#[derive(Deserialize)]
struct RawWorkflow {
    #[serde(default)]
    on: Option<Spanned<Value>>,
    #[serde(default)]
    permissions: Option<Spanned<Value>>,
    #[serde(default)]
    jobs: HashMap<Spanned<String>, RawJob>,
}

#[derive(Deserialize)]
struct RawJob {
    #[serde(default)]
    permissions: Option<Value>,
    #[serde(default)]
    uses: Option<Spanned<String>>,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
struct RawStep {
    #[serde(default)]
    uses: Option<Spanned<String>>,
    #[serde(default)]
    run: Option<Spanned<Value>>,
    #[serde(default)]
    with: Option<HashMap<String, Spanned<Value>>>,
}

/// Expressions that name the pull request's code: its head (branch or commit),
/// its merge commit, or its `refs/pull/N/...` refs.
const HEAD: &[&str] = &[
    "github.event.pull_request.head.",
    "github.head_ref",
    "github.event.pull_request.merge_commit_sha",
];

fn names_head(text: &str) -> bool {
    HEAD.iter().any(|h| text.contains(h))
        || (text.contains("refs/pull/") && (text.contains("/head") || text.contains("/merge")))
}

/// Commands that bring code into the workspace.
const FETCHING: &[&str] = &[
    "git checkout",
    "git switch",
    "git fetch",
    "git reset",
    "git pull",
    "gh pr checkout",
];

/// Read one workflow; the error is one line.
pub fn parse(path: &str, text: &str) -> Result<Workflow, String> {
    let raw: RawWorkflow = yaml::from_str(text)?;
    let (triggers, on_line) = match &raw.on {
        Some(on) => (triggers_of(&on.value), on.referenced.line()),
        None => (Vec::new(), 0),
    };
    let mut jobs: Vec<Job> = raw
        .jobs
        .into_iter()
        .map(|(id, job)| {
            let mut uses = Vec::new();
            let mut head_checkouts = Vec::new();
            if let Some(reusable) = &job.uses {
                uses.push((reusable.value.clone(), reusable.referenced.line()));
            }
            for step in &job.steps {
                if let Some(action) = &step.uses {
                    uses.push((action.value.clone(), action.referenced.line()));
                }
                for (key, value) in step.with.iter().flatten() {
                    if let Value::String(given) = &value.value {
                        if key == "ref" && names_head(given) {
                            head_checkouts.push((format!("ref: {given}"), value.referenced.line()));
                        }
                    }
                }
                if let Some(run) = &step.run {
                    let script = match &run.value {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    // A command that fetches the pull request's code, on one line.
                    let fetching = script
                        .lines()
                        .find(|l| names_head(l) && FETCHING.iter().any(|f| l.contains(f)));
                    if let Some(line) = fetching {
                        head_checkouts.push((line.trim().to_string(), run.referenced.line()));
                    }
                }
            }
            Job {
                line: id.referenced.line(),
                id: id.value,
                permissions: job.permissions.is_some(),
                uses,
                head_checkouts,
            }
        })
        .collect();
    jobs.sort_by_key(|job| job.line);
    Ok(Workflow {
        path: path.to_string(),
        triggers,
        on_line,
        permissions: raw.permissions.map(|p| p.referenced.line()),
        jobs,
    })
}

fn triggers_of(on: &Value) -> Vec<String> {
    match on {
        Value::String(one) => vec![one.clone()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Value::Object(map) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// How an action is referenced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// `./path` in the repository, or a `docker://` image.
    Local,
    /// By GitHub (`actions/`, `github/`), pinned or not.
    FirstParty,
    /// A third party's, by a 40-hex commit.
    Pinned,
    /// A third party's, by tag or branch: the ref.
    Movable(String),
}

pub fn reference(uses: &str) -> Reference {
    if uses.starts_with("./") {
        return Reference::Local;
    }
    // A container image: fixed only by its digest.
    if let Some(image) = uses.strip_prefix("docker://") {
        return match image.split_once("@sha256:") {
            Some(_) => Reference::Pinned,
            None => Reference::Movable(image.rsplit_once(':').map_or("latest", |(_, tag)| tag).to_string()),
        };
    }
    let (action, reference) = uses.split_once('@').unwrap_or((uses, ""));
    let owner = action.split('/').next().unwrap_or("").to_ascii_lowercase();
    if owner == "actions" || owner == "github" {
        return Reference::FirstParty;
    }
    if reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit()) {
        Reference::Pinned
    } else {
        Reference::Movable(reference.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PWN: &str = "name: ci\non:\n  pull_request_target:\n    types: [opened]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - uses: tj-actions/changed-files@v45\n      - run: make test\n";

    #[test]
    fn triggers_jobs_uses_and_head_checkouts_with_their_lines() {
        let workflow = parse("/a/.github/workflows/ci.yml", PWN).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(workflow.triggers, vec!["pull_request_target"]);
        assert_eq!(workflow.permissions, None);
        let job = &workflow.jobs[0];
        assert_eq!((job.id.as_str(), job.line, job.permissions), ("build", 6, false));
        assert_eq!(
            job.uses,
            vec![
                ("actions/checkout@v4".to_string(), 9),
                ("tj-actions/changed-files@v45".to_string(), 12)
            ]
        );
        assert_eq!(job.head_checkouts.len(), 1);
        assert_eq!(job.head_checkouts[0].1, 11);
    }

    #[test]
    fn only_a_command_that_fetches_the_pull_request_checks_it_out() {
        let text = "on: pull_request_target\njobs:\n  a:\n    steps:\n      - run: |\n          git fetch --depth=1 origin main\n          echo \"labelling ${{ github.event.pull_request.head.sha }}\"\n  b:\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: refs/pull/${{ github.event.pull_request.number }}/merge\n";
        let workflow = parse("w.yml", text).unwrap_or_else(|e| panic!("{e}"));
        assert!(workflow.jobs[0].head_checkouts.is_empty());
        assert_eq!(workflow.jobs[1].head_checkouts.len(), 1);
    }

    #[test]
    fn references_are_told_apart() {
        assert_eq!(reference("actions/checkout@v4"), Reference::FirstParty);
        assert_eq!(reference("github/codeql-action/init@v3"), Reference::FirstParty);
        assert_eq!(reference("./.github/actions/setup"), Reference::Local);
        assert_eq!(reference("docker://alpine:3.20"), Reference::Movable("3.20".into()));
        assert_eq!(
            reference(&format!("docker://alpine@sha256:{}", "a".repeat(64))),
            Reference::Pinned
        );
        assert_eq!(
            reference("tj-actions/changed-files@0123456789abcdef0123456789abcdef01234567"),
            Reference::Pinned
        );
        assert_eq!(
            reference("owner/repo/.github/workflows/x.yml@main"),
            Reference::Movable("main".into())
        );
    }

    #[test]
    fn on_as_a_word_a_list_or_a_map() {
        for (on, want) in [
            ("on: push\n", vec!["push"]),
            ("on: [push, pull_request]\n", vec!["push", "pull_request"]),
        ] {
            let text = format!("{on}jobs: {{}}\n");
            let workflow = parse("w.yml", &text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(workflow.triggers, want);
        }
    }
}
