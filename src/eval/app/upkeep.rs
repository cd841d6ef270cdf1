//! Keeping the dependencies current and checked: something updates them
//! (`deps.update-automation`: Dependabot, Renovate, pyup) and something scans
//! them for known vulnerabilities (`deps.vulnerability-scanning`: pip-audit,
//! safety, osv-scanner or trivy in a CI or hook configuration).

use super::app_dir;
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Location, Outcome, ProbeType};
use crate::parse::app::updates::{self, Found, PYTHON_ECOSYSTEMS};

pub fn update_automation() -> EvaluatorDef {
    EvaluatorDef {
        name: "deps.update-automation",
        description: "passes when Dependabot updates the app's Python packages, or Renovate or pyup is configured",
        params: &[],
        needs: &[ProbeType::AppDependencies],
        run: run_updates,
    }
}

fn run_updates(ctx: &EvalContext) -> Outcome {
    let dir = match app_dir(ctx) {
        Ok(dir) => dir,
        Err(outcome) => return outcome,
    };
    let folders = crate::parse::app::app_and_repo(ctx.source, dir);
    let found = updates::find(ctx.source, &folders);
    let mut findings = Vec::new();
    let mut passing = None;
    for item in &found {
        match item {
            Found::Dependabot { path, ecosystems } => {
                if ecosystems.is_empty() {
                    findings.push(Finding::at(
                        "a Dependabot file with no `updates` entry",
                        Location::file(path.clone()),
                    ));
                }
                for (ecosystem, line) in ecosystems {
                    let python = PYTHON_ECOSYSTEMS.contains(&ecosystem.as_str());
                    findings.push(Finding::at(
                        format!(
                            "Dependabot updates `{ecosystem}`{}",
                            if python { " (Python packages)" } else { "" }
                        ),
                        Location::line(path.clone(), *line as u32),
                    ));
                    if python && passing.is_none() {
                        passing = Some(format!("Dependabot updates the Python packages ({path})"));
                    }
                }
            }
            Found::Renovate { path } => {
                findings.push(Finding::at("a Renovate configuration", Location::file(path.clone())));
                passing.get_or_insert_with(|| format!("Renovate is configured ({path})"));
            }
            Found::Pyup { path } => {
                findings.push(Finding::at("a pyup configuration", Location::file(path.clone())));
                passing.get_or_insert_with(|| format!("pyup is configured ({path})"));
            }
            Found::Unreadable { path, why } => findings.push(Finding::at(why.clone(), Location::file(path.clone()))),
        }
    }
    match passing {
        Some(summary) => Outcome::pass(summary).with_all(findings),
        None if found.iter().any(|f| matches!(f, Found::Unreadable { .. })) => Outcome::needs_review(
            "an update configuration is there but could not be read: whether it covers the Python packages is for the auditor",
        )
        .with_all(findings),
        None if !findings.is_empty() => Outcome::warn(
            "Dependabot is configured, but not for the Python packages (no `pip` or `uv` package-ecosystem)",
        )
        .with_all(findings),
        None => Outcome::warn(format!(
            "nothing updates the dependencies: no .github/dependabot.yml, Renovate or pyup configuration in {}",
            folders.join(" or ")
        )),
    }
}

pub fn vulnerability_scanning() -> EvaluatorDef {
    EvaluatorDef {
        name: "deps.vulnerability-scanning",
        description:
            "passes when pip-audit, safety, osv-scanner or trivy runs in a CI or hook configuration of the app",
        params: &[],
        needs: &[ProbeType::AppPipelines],
        run: run_scanning,
    }
}

fn run_scanning(ctx: &EvalContext) -> Outcome {
    let dir = match app_dir(ctx) {
        Ok(dir) => dir,
        Err(outcome) => return outcome,
    };
    let pipelines = super::pipelines_of(ctx.source, dir);
    let scans: Vec<Finding> = pipelines
        .runs
        .iter()
        .filter(|run| run.tool.scans_dependencies())
        .map(|run| {
            Finding::at(
                format!("{} runs: `{}`", run.tool.name(), run.text),
                Location::line(run.path.clone(), run.line as u32),
            )
        })
        .collect();
    if !scans.is_empty() {
        return Outcome::pass(format!(
            "dependencies are scanned for known vulnerabilities ({} places)",
            scans.len()
        ))
        .with_all(scans);
    }
    let unread = super::unread(&pipelines.unread);
    if !unread.is_empty() {
        return Outcome::needs_review(
            "no vulnerability scanner in the configurations read, but some could not be read",
        )
        .with_all(unread);
    }
    let read: Vec<Finding> = pipelines
        .configs
        .iter()
        .map(|c| Finding::at("runs no vulnerability scanner", Location::file(c.path.clone())))
        .collect();
    Outcome::fail(format!(
        "no pip-audit, safety, osv-scanner or trivy runs in {dir}'s CI or hook configurations"
    ))
    .with_all(read)
}
