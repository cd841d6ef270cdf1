//! The `codesec` section: which security analysers and tests the app's CI and
//! hooks run (`codesec.static-analysis`, `codesec.tests-in-ci`), and how its
//! GitHub Actions workflows are locked down (`codesec.ci-hardening`).

use super::{app_dir, location, pipelines_of, unread};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Location, Outcome, ProbeType, Status};
use crate::parse::app::pipelines::github::{reference, Reference};
use crate::parse::app::pipelines::make::make_targets;
use crate::parse::app::pipelines::tools::Tool;
use crate::parse::app::pipelines::{ruff_command_selects_security, Run};

pub fn static_analysis() -> EvaluatorDef {
    EvaluatorDef {
        name: "codesec.static-analysis",
        description: "passes when bandit, semgrep, or ruff with the S rules runs in the app's CI or hooks; warns when only linters or type checkers do",
        params: &[],
        needs: &[ProbeType::AppPipelines],
        run: run_static,
    }
}

pub fn tests_in_ci() -> EvaluatorDef {
    EvaluatorDef {
        name: "codesec.tests-in-ci",
        description: "passes when the app has tests and a CI configuration runs them (pytest, unittest, tox, nox, or a make target that does)",
        params: &[],
        needs: &[ProbeType::AppPipelines],
        run: run_tests,
    }
}

pub fn ci_hardening() -> EvaluatorDef {
    EvaluatorDef {
        name: "codesec.ci-hardening",
        description: "fails when a pull_request_target workflow checks out the pull request's head; warns on missing permissions and third-party actions not pinned to a commit",
        params: &[],
        needs: &[ProbeType::AppPipelines],
        run: run_hardening,
    }
}

fn at_run(run: &Run) -> Location {
    Location::line(run.path.clone(), run.line as u32)
}

fn run_static(ctx: &EvalContext) -> Outcome {
    let dir = match app_dir(ctx) {
        Ok(dir) => dir,
        Err(outcome) => return outcome,
    };
    let pipelines = pipelines_of(ctx.source, dir);
    let mut security = Vec::new();
    let mut linters = Vec::new();
    for run in &pipelines.runs {
        let finding = |what: String| Finding::at(format!("{what}: `{}`", run.text), at_run(run));
        match run.tool {
            Tool::Bandit | Tool::Semgrep => security.push(finding(format!("{} runs", run.tool.name()))),
            Tool::Ruff if ruff_command_selects_security(&run.text) => security.push(finding(
                "ruff runs with the S (bandit) rules on its command line".into(),
            )),
            Tool::Ruff => match &pipelines.ruff_security {
                Some((settings, _)) => security.push(finding(format!(
                    "ruff runs, and {settings} selects the S (bandit) rules"
                ))),
                None => linters.push(finding("ruff runs without the S (bandit) rules".into())),
            },
            Tool::Pylint | Tool::Flake8 | Tool::Mypy => linters.push(finding(format!("{} runs", run.tool.name()))),
            _ => {}
        }
    }
    if !security.is_empty() {
        return Outcome::pass(format!("a security analyser runs ({} places)", security.len()))
            .with_all(security)
            .with_all(linters);
    }
    let unread = unread(&pipelines.unread);
    if !unread.is_empty() {
        return Outcome::needs_review("no security analyser in the configurations read, but some could not be read")
            .with_all(linters)
            .with_all(unread);
    }
    if !linters.is_empty() {
        return Outcome::warn(
            "only linters or type checkers run: add bandit, semgrep, or ruff's S rules for security issues",
        )
        .with_all(linters);
    }
    Outcome::fail(format!(
        "no static analysis runs in {}'s CI or hooks (GitHub Actions, GitLab CI, CircleCI, Bitbucket, Jenkinsfile, pre-commit, Makefile, tox, nox)",
        dir
    ))
}

fn run_tests(ctx: &EvalContext) -> Outcome {
    let dir = match app_dir(ctx) {
        Ok(dir) => dir,
        Err(outcome) => return outcome,
    };
    let pipelines = pipelines_of(ctx.source, dir);
    let Some(test_file) = &pipelines.tests.found else {
        if let Some(why) = &pipelines.tests.incomplete {
            return Outcome::needs_review(format!("no tests found so far, but {why}"));
        }
        return Outcome::fail(format!(
            "no tests in {dir}: no test_*.py or *_test.py file and no tests/ folder with Python files"
        ));
    };
    let has = Finding::at("a test file", Location::file(test_file.clone()));
    let mut running = Vec::new();
    for run in pipelines.runs.iter().filter(|r| r.kind.is_ci() && r.tool.runs_tests()) {
        running.push(Finding::at(
            format!("{} runs: `{}`", run.tool.name(), run.text),
            at_run(run),
        ));
    }
    // `make test` in a CI job: the target is followed in the app's Makefile.
    if let Some((makefile, make)) = &pipelines.makefile {
        for config in pipelines.configs.iter().filter(|c| c.kind.is_ci()) {
            for (index, line) in config.text.lines().enumerate() {
                for target in make_targets(line).iter().filter(|t| make.has(t)) {
                    if let Some((tool, make_line)) = make.runs(target).into_iter().find(|(t, _)| t.runs_tests()) {
                        running.push(Finding::at(
                            format!("`make {target}` runs {} ({makefile}:{make_line})", tool.name()),
                            Location::line(config.path.clone(), index as u32 + 1),
                        ));
                    }
                }
            }
        }
    }
    if !running.is_empty() {
        return Outcome::pass("the app has tests and CI runs them")
            .with(has)
            .with_all(running);
    }
    let unread = unread(&pipelines.unread);
    if !unread.is_empty() {
        return Outcome::needs_review(
            "the app has tests; no CI configuration read runs them, but some could not be read",
        )
        .with(has)
        .with_all(unread);
    }
    Outcome::warn("the app has tests, but no CI configuration runs them").with(has)
}

fn run_hardening(ctx: &EvalContext) -> Outcome {
    let dir = match app_dir(ctx) {
        Ok(dir) => dir,
        Err(outcome) => return outcome,
    };
    let pipelines = pipelines_of(ctx.source, dir);
    let unread_workflows = unread(
        pipelines
            .unread
            .iter()
            .filter(|(path, _)| path.contains("/.github/workflows")),
    );
    if pipelines.workflows.is_empty() && unread_workflows.is_empty() {
        return Outcome::not_applicable("no GitHub Actions workflow in the app's repository");
    }
    let (mut fails, mut warns) = (Vec::new(), Vec::new());
    for workflow in &pipelines.workflows {
        let path = &workflow.path;
        let target = workflow.triggers.iter().any(|t| t == "pull_request_target");
        for job in &workflow.jobs {
            if target {
                for (what, line) in &job.head_checkouts {
                    fails.push(Finding::at(
                        format!("job `{}` of a pull_request_target workflow checks out the pull request's code ({what}): it runs with the repository's secrets and a write token", job.id),
                        Location::line(path.clone(), *line as u32),
                    ));
                }
            }
            if workflow.permissions.is_none() && !job.permissions {
                warns.push(Finding::at(
                    format!("job `{}` has no `permissions:` and neither has the workflow: its token gets the repository's default rights", job.id),
                    Location::line(path.clone(), job.line as u32),
                ));
            }
            for (uses, line) in &job.uses {
                if let Reference::Movable(reference) = reference(uses) {
                    let by = if reference.is_empty() {
                        "no ref".to_string()
                    } else {
                        format!("`{reference}`")
                    };
                    let pin = if uses.starts_with("docker://") {
                        "pin the image's digest (@sha256:...)"
                    } else {
                        "pin a 40-hex commit"
                    };
                    warns.push(Finding::at(
                        format!("third-party `{uses}` is referenced by {by}, which its owner can move: {pin}"),
                        Location::line(path.clone(), *line as u32),
                    ));
                }
            }
        }
    }
    let count = pipelines.workflows.len();
    if !fails.is_empty() {
        return Outcome::fail(
            "a pull_request_target workflow runs the pull request's code with the repository's secrets",
        )
        .with_all(fails)
        .with_all(warns)
        .with_all(unread_workflows);
    }
    if !warns.is_empty() {
        return Outcome::new(
            Status::Warn,
            format!(
                "{count} workflows: {} places to lock down (permissions, unpinned third-party actions)",
                warns.len()
            ),
        )
        .with_all(warns)
        .with_all(unread_workflows);
    }
    if !unread_workflows.is_empty() {
        return Outcome::needs_review("some workflows could not be read").with_all(unread_workflows);
    }
    Outcome::pass(format!(
        "{count} workflows: no pull_request_target checkout of the pull request, permissions set, third-party actions pinned to commits"
    ))
    .with_all(
        pipelines
            .workflows
            .iter()
            .map(|w| Finding::at("read", location(&w.path))),
    )
}
