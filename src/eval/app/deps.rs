//! The app's dependencies themselves: pinned to exact versions (`deps.pinned`),
//! and pycrypto not among them (`deps.unmaintained-crypto`).

use super::{app_dir, location, manifests_of, problems};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Location, Outcome, ProbeType};
use crate::parse::app::manifests::{Declared, Manifests, Pin};
use crate::parse::app::requirements::{link_pin, Kind, Line, LinkPin, Requirements};
use std::collections::BTreeSet;

pub fn pinned() -> EvaluatorDef {
    EvaluatorDef {
        name: "deps.pinned",
        description: "passes when every requirement of requirements.txt (and what it includes) or of the project's manifests allows exactly one version, or a lock file pins them",
        params: &[],
        needs: &[ProbeType::AppDependencies],
        run: run_pinned,
    }
}

pub fn unmaintained_crypto() -> EvaluatorDef {
    EvaluatorDef {
        name: "deps.unmaintained-crypto",
        description: "fails when pycrypto is a dependency in any manifest or lock file of the app",
        params: &[],
        needs: &[ProbeType::AppDependencies],
        run: run_crypto,
    }
}

/// How one requirement line is pinned: Ok(()) pinned or not a dependency to pin
/// (the project's own path), Err(what it allows).
fn requirement_pin(line: &Line, constrained: &BTreeSet<String>) -> Result<(), String> {
    let link = |url: &str| match link_pin(url) {
        LinkPin::Commit | LinkPin::Hash | LinkPin::Local => Ok(()),
        LinkPin::Loose(why) => Err(why.to_string()),
    };
    match &line.kind {
        _ if line.hashed => Ok(()),
        Kind::Spec(req) => match &req.url {
            Some(url) => link(url),
            None if req.pinned_by_version() => Ok(()),
            None if constrained.contains(&crate::parse::app::pep508::normalize(&req.name)) => Ok(()),
            None if req.specifiers.is_empty() => Err("any version".to_string()),
            None => Err(req.specifier_text()),
        },
        Kind::Link(url) => link(url),
        Kind::Invalid(_) => Ok(()),
    }
}

/// A requirement that is a path (`-e .`, `./libs/x`, `file:...`).
fn is_local(line: &Line) -> bool {
    let url = match &line.kind {
        Kind::Link(url) => url,
        Kind::Spec(req) => match &req.url {
            Some(url) => url,
            None => return false,
        },
        Kind::Invalid(_) => return false,
    };
    link_pin(url) == LinkPin::Local
}

fn judge_requirements(requirements: &Requirements, manifests: &Manifests) -> Outcome {
    // `-c` files pin what other files require.
    let constrained: BTreeSet<String> = requirements
        .lines
        .iter()
        .filter(|l| l.constraint && requirement_pin(l, &BTreeSet::new()).is_ok())
        .filter_map(Line::name)
        .collect();
    let required: Vec<&Line> = requirements.lines.iter().filter(|l| !l.constraint).collect();
    let mut loose = Vec::new();
    let mut unreadable = Vec::new();
    for line in &required {
        if let Kind::Invalid(why) = &line.kind {
            unreadable.push(Finding::at(
                format!("`{}` is not a requirement pip can read: {why}", line.text),
                location(&line.location()),
            ));
        } else if let Err(allows) = requirement_pin(line, &constrained) {
            loose.push(Finding::at(
                format!("`{}` is not pinned: it allows {allows}", line.text),
                location(&line.location()),
            ));
        }
    }
    let problems = problems(requirements.problems.iter().chain(&manifests.problems));
    let files = match requirements.files.len() {
        0 | 1 => "requirements.txt".to_string(),
        2 => "requirements.txt and the file it includes".to_string(),
        n => format!("requirements.txt and the {} files it includes", n - 1),
    };
    // `-e .` and other paths are the project's own code: nothing to pin.
    let local = required.iter().filter(|l| is_local(l)).count();
    let judged = required.len() - local;
    let own = match local {
        0 => String::new(),
        1 => " (and a local path, the project's own code)".to_string(),
        n => format!(" (and {n} local paths, the project's own code)"),
    };
    if !loose.is_empty() {
        let names: Vec<String> = loose
            .iter()
            .take(5)
            .filter_map(|f| f.message.split('`').nth(1).map(str::to_string))
            .collect();
        return Outcome::fail(format!(
            "{} of the {} requirements of {files} {} not pinned to one version: {}{}",
            loose.len(),
            judged,
            if loose.len() == 1 { "is" } else { "are" },
            names.join(", "),
            if loose.len() > 5 { ", ..." } else { "" }
        ))
        .with_all(loose)
        .with_all(unreadable)
        .with_all(problems);
    }
    if judged == 0 && unreadable.is_empty() && problems.is_empty() {
        return Outcome::needs_review(format!(
            "{files} lists no requirement{own}, and no other manifest declares any"
        ));
    }
    if !unreadable.is_empty() || !problems.is_empty() {
        return Outcome::needs_review(format!(
            "every requirement vouch could read in {files} is pinned, but some could not be read: the rest is for the auditor"
        ))
        .with_all(unreadable)
        .with_all(problems);
    }
    Outcome::pass(format!(
        "all {judged} requirements of {files} are pinned (==, ===, --hash, a commit or a constraint){own}"
    ))
    .with_all(
        requirements
            .files
            .iter()
            .map(|f| Finding::at("read", Location::file(f.clone()))),
    )
}

fn judge_declared(manifests: &Manifests) -> Outcome {
    let runtime: Vec<&Declared> = manifests.declared.iter().filter(|d| d.runtime).collect();
    let mut loose = Vec::new();
    let mut unreadable = Vec::new();
    for dep in &runtime {
        match &dep.pin {
            Pin::Exact | Pin::Local => {}
            Pin::Loose(allows) => loose.push(Finding::at(
                format!("`{}` ({}) is not pinned: it allows {allows}", dep.text, dep.group),
                location(&dep.location()),
            )),
            Pin::Invalid(why) => unreadable.push(Finding::at(
                format!("`{}` is not a dependency vouch can read: {why}", dep.text),
                location(&dep.location()),
            )),
        }
    }
    let problems = problems(&manifests.problems);
    let files = manifests.declaring.join(", ");
    if !loose.is_empty() {
        return Outcome::fail(format!(
            "no requirements.txt and no lock file, and {} of the {} dependencies of {files} allow more than one version",
            loose.len(),
            runtime.len(),
        ))
        .with_all(loose)
        .with_all(unreadable)
        .with_all(problems);
    }
    if !unreadable.is_empty() || !problems.is_empty() {
        return Outcome::needs_review(format!(
            "no requirements.txt and no lock file; {files} could not be read in full: the rest is for the auditor"
        ))
        .with_all(unreadable)
        .with_all(problems);
    }
    if runtime.is_empty() {
        return Outcome::pass(format!("{files} declares no dependencies"));
    }
    Outcome::pass(format!(
        "no requirements.txt and no lock file, but all {} dependencies of {files} are exact versions",
        runtime.len()
    ))
}

fn run_pinned(ctx: &EvalContext) -> Outcome {
    let dir = match app_dir(ctx) {
        Ok(dir) => dir,
        Err(outcome) => return outcome,
    };
    let manifests = manifests_of(ctx.source, dir);
    if let Some(requirements) = &manifests.requirements {
        let judged = requirements
            .lines
            .iter()
            .filter(|l| !l.constraint && !is_local(l))
            .count();
        // A requirements.txt of options, comments or `-e .` pins nothing: what
        // the project declares (or locks) decides.
        let declares_elsewhere = !manifests.locks.is_empty() || !manifests.declaring.is_empty();
        if judged > 0 || !requirements.problems.is_empty() || !declares_elsewhere {
            return judge_requirements(requirements, &manifests);
        }
    }
    if let Some(lock) = manifests.locks.first() {
        return Outcome::pass(format!(
            "no requirements.txt; the lock file {lock} pins every dependency"
        ))
        .with(Finding::at("lock file", Location::file(lock.clone())));
    }
    if !manifests.declaring.is_empty() {
        return judge_declared(&manifests);
    }
    Outcome::needs_review(format!(
        "no dependency manifest found in {dir} (requirements.txt, a lock file, pyproject.toml, setup.py, setup.cfg or Pipfile)"
    ))
    .with_all(problems(&manifests.problems))
}

/// Unmaintained since 2013, with known CVEs.
const UNMAINTAINED: &str = "pycrypto";

fn run_crypto(ctx: &EvalContext) -> Outcome {
    let dir = match app_dir(ctx) {
        Ok(dir) => dir,
        Err(outcome) => return outcome,
    };
    let manifests = manifests_of(ctx.source, dir);
    let mut found: Vec<Finding> = Vec::new();
    let mut looked: Vec<String> = Vec::new();
    if let Some(requirements) = &manifests.requirements {
        looked.extend(requirements.files.iter().cloned());
        found.extend(
            requirements
                .lines
                .iter()
                .filter(|l| !l.constraint && l.name().as_deref() == Some(UNMAINTAINED))
                .map(|l| Finding::at(format!("`{}` requires pycrypto", l.text), location(&l.location()))),
        );
    }
    looked.extend(manifests.declaring.iter().cloned());
    found.extend(manifests.declared.iter().filter(|d| d.name == UNMAINTAINED).map(|d| {
        Finding::at(
            format!("`{}` ({}) requires pycrypto", d.text, d.group),
            location(&d.location()),
        )
    }));
    looked.extend(manifests.locks.iter().cloned());
    found.extend(manifests.locked.iter().filter(|l| l.name == UNMAINTAINED).map(|l| {
        Finding::at(
            "the lock file installs pycrypto",
            Location::line(l.file.clone(), l.line as u32),
        )
    }));
    if !found.is_empty() {
        return Outcome::fail(format!(
            "pycrypto is a dependency ({}): it is unmaintained since 2013 with known CVEs; use `cryptography` or `pycryptodome`",
            crate::eval::web::front::count(found.len(), "mention")
        ))
        .with_all(found);
    }
    let problems = problems(
        manifests
            .problems
            .iter()
            .chain(manifests.requirements.iter().flat_map(|r| r.problems.iter())),
    );
    if looked.is_empty() {
        return Outcome::needs_review(format!("no dependency manifest found in {dir} to look for pycrypto in"));
    }
    if !problems.is_empty() {
        return Outcome::needs_review("pycrypto is in none of the manifests read, but some could not be read")
            .with_all(problems);
    }
    Outcome::pass(format!("pycrypto is in none of {}", looked.join(", ")))
}
