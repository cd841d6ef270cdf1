//! The app's .env files: kept out of Git (`secrets.dotenv-ignored`: the ignore
//! rules Git applies, and Git's index for files tracked anyway) and readable by
//! their owner only (`secrets.dotenv-permissions`). The files' content is never read.

use super::{app_dir, dotenv_of, location, unread};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Location, Outcome, ProbeType, Status};
use crate::parse::app::dotenv::Dotenv;

pub fn ignored() -> EvaluatorDef {
    EvaluatorDef {
        name: "secrets.dotenv-ignored",
        description: "passes when Git's ignore rules keep every .env file of the app out, and its index tracks none",
        params: &[],
        needs: &[ProbeType::AppDotenv],
        run: run_ignored,
    }
}

pub fn permissions() -> EvaluatorDef {
    EvaluatorDef {
        name: "secrets.dotenv-permissions",
        description: "passes when every .env file of the app grants nothing to group or others",
        params: &[],
        needs: &[ProbeType::AppDotenv],
        run: run_permissions,
    }
}

/// The .env files, or the outcome when there are none or they are unknown.
fn env_files<'a>(ctx: &EvalContext<'a>) -> Result<(String, std::sync::Arc<Dotenv>), Outcome> {
    let dir = app_dir(ctx)?;
    let dotenv = dotenv_of(ctx.source, dir);
    match (&dotenv.unlisted, dotenv.files.is_empty()) {
        (Some(why), true) => Err(Outcome::needs_review(format!(
            "the app's .env files are unknown: {why}"
        ))),
        (None, true) => Err(Outcome::not_applicable(format!("no .env file in {dir} or its folders"))),
        _ => Ok((dir.to_string(), dotenv)),
    }
}

/// A pass on the .env files found is no pass when the search for them was cut short.
fn unless_incomplete(outcome: Outcome, dotenv: &Dotenv) -> Outcome {
    match (&dotenv.unlisted, outcome.status) {
        (Some(why), Status::Pass) => Outcome {
            status: Status::NeedsReview,
            summary: format!("{}; but {why}, so other .env files may exist", outcome.summary),
            ..outcome
        },
        _ => outcome,
    }
}

fn run_ignored(ctx: &EvalContext) -> Outcome {
    match env_files(ctx) {
        Ok((dir, dotenv)) => unless_incomplete(judge_ignored(&dir, &dotenv), &dotenv),
        Err(outcome) => outcome,
    }
}

fn judge_ignored(dir: &str, dotenv: &Dotenv) -> Outcome {
    let rules = dotenv.rules();
    let tracked = dotenv.repo.as_ref().map(|repo| &repo.tracked);
    let mut findings = Vec::new();
    let (mut tracked_files, mut failing): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for file in &dotenv.files {
        let relative = dotenv.relative(&file.path);
        if let Some(Ok(paths)) = tracked {
            if paths.contains(&relative) {
                let index = dotenv
                    .repo
                    .as_ref()
                    .map(|r| format!("{}/.git/index", r.root))
                    .unwrap_or_default();
                tracked_files.push(relative.clone());
                findings.push(Finding::at(
                    format!("{relative} is tracked by Git (listed in {index}): ignore rules never untrack a file; every value in it is in the repository's history"),
                    Location::file(file.path.clone()),
                ));
                continue;
            }
        }
        let decision = rules.decide(&relative, false);
        match (decision.ignored, &decision.by) {
            (true, Some((at, pattern))) => {
                let via = decision
                    .via_folder
                    .as_ref()
                    .map(|folder| format!(" (its folder {folder} is ignored)"))
                    .unwrap_or_default();
                findings.push(Finding::at(
                    format!("{relative} is ignored by `{pattern}`{via}"),
                    location(at),
                ));
            }
            (_, Some((at, pattern))) => {
                failing.push(relative.clone());
                findings.push(Finding::at(
                    format!("{relative} is not ignored: `{pattern}` takes it back"),
                    location(at),
                ));
            }
            (_, None) => {
                failing.push(relative.clone());
                findings.push(Finding::at(
                    format!("no ignore rule covers {relative}"),
                    Location::file(file.path.clone()),
                ));
            }
        }
    }
    if !tracked_files.is_empty() {
        return Outcome::fail(format!(
            "Git tracks {}: `git rm --cached` it, keep it ignored, and rotate every value it held",
            tracked_files.join(", ")
        ))
        .with_all(findings);
    }
    let unread_ignores = dotenv.repo.as_ref().map_or(&dotenv.loose_unread, |r| &r.unread);
    if !failing.is_empty() && !unread_ignores.is_empty() {
        return Outcome::needs_review(format!(
            "the ignore rules read do not ignore {}, but some ignore files could not be read",
            failing.join(", ")
        ))
        .with_all(findings)
        .with_all(unread(unread_ignores));
    }
    if !failing.is_empty() {
        return Outcome::fail(format!("Git would keep {}: add it to .gitignore", failing.join(", ")))
            .with_all(findings);
    }
    let Some(repo) = &dotenv.repo else {
        if dotenv.loose_ignores.is_empty() || !dotenv.loose_unread.is_empty() {
            return Outcome::needs_review(format!("{dir} is no Git checkout and has no .gitignore"));
        }
        return Outcome::pass(format!(
            "{dir} is no Git checkout, and its .gitignore ignores every .env file"
        ))
        .with_all(findings);
    };
    let mut unknown = unread(&repo.unread);
    if let Err(why) = &repo.tracked {
        unknown.push(Finding::at(
            format!("whether Git tracks the .env files is unknown: {why}"),
            Location::file(format!("{}/.git/index", repo.root)),
        ));
    }
    if !unknown.is_empty() {
        return Outcome::needs_review(
            "the ignore rules read ignore every .env file, but some of what decides could not be read",
        )
        .with_all(findings)
        .with_all(unknown);
    }
    Outcome::pass(format!(
        "Git ignores every .env file of the app and tracks none (repository at {})",
        repo.root
    ))
    .with_all(findings)
}

fn run_permissions(ctx: &EvalContext) -> Outcome {
    match env_files(ctx) {
        Ok((_, dotenv)) => unless_incomplete(judge_permissions(&dotenv), &dotenv),
        Err(outcome) => outcome,
    }
}

fn judge_permissions(dotenv: &Dotenv) -> Outcome {
    let mut worst = Status::Pass;
    let mut findings = Vec::new();
    let rank = |s: Status| match s {
        Status::Fail => 3,
        Status::NeedsReview => 2,
        Status::Warn => 1,
        _ => 0,
    };
    for file in &dotenv.files {
        let shown = match &file.link {
            Some(link) => format!("{} (a link to {link})", file.path),
            None => file.path.clone(),
        };
        let (status, message) = match &file.meta {
            None => (Status::NeedsReview, format!("{shown} could not be examined")),
            Some(meta) => {
                let mode = meta.mode & 0o777;
                let who = format!("mode {mode:04o}, owner uid {} group gid {}", meta.uid, meta.gid);
                if mode & 0o004 != 0 {
                    (
                        Status::Fail,
                        format!("{shown} is readable by every user of the server ({who})"),
                    )
                } else if mode & 0o077 == 0 {
                    (Status::Pass, format!("{shown} is its owner's only ({who})"))
                } else if mode & 0o040 != 0 && mode & 0o007 == 0 {
                    (Status::Warn, format!("{shown} is readable by its group ({who})"))
                } else {
                    (
                        Status::Warn,
                        format!("{shown} grants rights to group or others ({who})"),
                    )
                }
            }
        };
        if rank(status) > rank(worst) {
            worst = status;
        }
        findings.push(Finding::at(message, Location::file(file.path.clone())));
    }
    let summary = match worst {
        Status::Fail => "a .env file is readable by every user of the server: chmod 600 it",
        Status::NeedsReview => "a .env file's mode could not be examined",
        Status::Warn => "a .env file grants rights to its group or others: chmod 600 unless they must read it",
        _ => "every .env file grants nothing to group or others",
    };
    Outcome::new(worst, summary).with_all(findings)
}
