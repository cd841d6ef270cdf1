//! The `auth.sudo` evaluator: load /etc/sudoers with its
//! includes, resolve who may use sudo, and warn when anyone but root may run ALL
//! without a password. An include loop, the include bound or an alias cycle makes
//! it needs_review (unless a NOPASSWD: ALL grant already warns), never a pass.
//! Evidence lists every rule and the admin groups' members.

use crate::eval::{EvalContext, EvaluatorDef};
use crate::evidence::Source;
use crate::model::ProbeType;
use crate::model::{Finding, Location, Outcome};
use crate::model::{ParamDef, ParamKind};
use crate::parse::group::{self, Group, ADMIN_GROUPS, GROUP_PATH};
use crate::parse::sudoers::policy::{alias_cycles, grants, Grant};
use crate::parse::sudoers::syntax::parse_line;
use crate::parse::sudoers::{load, LoadError, NoteKind, SudoersTree, SUDOERS_PATH};
use crate::parse::text::read_text;

const PATH_PARAM: ParamDef = ParamDef::optional(
    "path",
    ParamKind::String,
    "the main sudoers file (default /etc/sudoers)",
);

pub fn evaluator() -> EvaluatorDef {
    EvaluatorDef {
        name: "auth.sudo",
        description: "warns when a sudoers rule grants NOPASSWD: ALL to anyone but root",
        params: &[PATH_PARAM],
        needs: &[ProbeType::Sudoers],
        run,
    }
}

fn run(ctx: &EvalContext) -> Outcome {
    let path = ctx.params.str_or("path", SUDOERS_PATH);
    match load(ctx.source, path) {
        Ok(tree) => evaluate(&tree, ctx.source),
        Err(LoadError::Missing(path)) => Outcome::needs_review(format!(
            "{path} does not exist; confirm how administrative access to the host is granted"
        )),
        Err(LoadError::NotCollected(path)) => Outcome::needs_review(format!(
            "{path} was not collected; add a `sudoers` probe to the checklist"
        )),
        Err(LoadError::Unavailable(problem)) => Outcome::error(format!("{problem}; the sudo policy could not be read")),
    }
}

/// Decide auth.sudo from a loaded tree and /etc/group.
pub fn evaluate(tree: &SudoersTree, source: &dyn Source) -> Outcome {
    let mut findings: Vec<Finding> = tree
        .notes
        .iter()
        .map(|n| Finding::at(n.message.clone(), n.location.clone()))
        .collect();
    if let Some(note) = tree.notes.iter().find(|n| n.kind == NoteKind::Unavailable) {
        let summary = format!("{}; the sudo policy could not be read in full", note.message);
        return Outcome::error(summary).with_all(findings);
    }
    let entries: Vec<_> = tree.lines.iter().flat_map(parse_line).collect();
    let grants = grants(&entries);
    // What keeps the policy as read from being the one sudo applies.
    let cycles: Vec<Finding> = alias_cycles(&entries)
        .iter()
        .map(|c| Finding::at(c.describe(), c.location.clone()))
        .collect();
    findings.extend(cycles.iter().cloned());
    let broken: Vec<Finding> = tree
        .notes
        .iter()
        .filter(|n| matches!(n.kind, NoteKind::Loop | NoteKind::Limit))
        .map(|n| Finding::at(n.message.clone(), n.location.clone()))
        .chain(cycles)
        .collect();
    let groups = match read_text(source, GROUP_PATH) {
        Ok(text) => group::parse_groups(&text),
        Err(state) => {
            findings.push(Finding::new(state.problem(GROUP_PATH).unwrap_or_default()));
            Vec::new()
        }
    };
    findings.extend(grants.iter().map(|g| grant_finding(g, &groups)));
    findings.extend(admin_group_findings(&grants, &groups));
    let offenders: Vec<&Grant> = grants.iter().filter(|g| !g.nopasswd_all.is_empty()).collect();
    if !offenders.is_empty() {
        Outcome::warn(warn_summary(&offenders)).with_all(findings)
    } else if let Some(summary) = review_summary(&broken) {
        Outcome::needs_review(summary).with_all(findings)
    } else {
        Outcome::pass(pass_summary(&grants, &groups)).with_all(findings)
    }
}

/// The first include loop, include limit or alias cycle, and how many more.
fn review_summary(broken: &[Finding]) -> Option<String> {
    let first = broken.first()?;
    let at = first.location.as_ref().map(|l| format!(" ({l})")).unwrap_or_default();
    let more = match broken.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Some(format!(
        "{}{at}{more}; the sudo policy cannot be decided as written",
        first.message
    ))
}

fn warn_summary(offenders: &[&Grant]) -> String {
    let who: Vec<String> = offenders
        .iter()
        .map(|g| {
            let names: Vec<&str> = g
                .nopasswd_all
                .iter()
                .map(|who| if who == "ALL" { "ALL (every user)" } else { who })
                .collect();
            let names = names.join(", ");
            let via = if g.via_alias {
                format!(" via {}", g.users)
            } else {
                String::new()
            };
            format!("{names}{via} ({})", g.location)
        })
        .collect();
    format!(
        "sudo grants NOPASSWD: ALL to {}; require a password or limit it to named commands",
        who.join(", ")
    )
}

fn pass_summary(grants: &[Grant], groups: &[Group]) -> String {
    if grants.is_empty() {
        return "no sudoers rule grants anyone sudo".to_string();
    }
    let mut who: Vec<String> = Vec::new();
    for grant in grants {
        for principal in &grant.principals {
            let named = with_members(principal, groups);
            if !who.contains(&named) {
                who.push(named);
            }
        }
    }
    format!(
        "only root may run everything without a password; sudo users: {}",
        who.join(", ")
    )
}

/// `%sudo (alice, bob)` for a group reference, the principal itself otherwise.
fn with_members(principal: &str, groups: &[Group]) -> String {
    let Some(reference) = principal.strip_prefix('%') else {
        return principal.to_string();
    };
    match group::find(groups, reference) {
        Some(g) if g.members.is_empty() => format!("{principal} (no members)"),
        Some(g) => format!("{principal} ({})", g.members.join(", ")),
        None if groups.is_empty() => principal.to_string(),
        None => format!("{principal} (no such group)"),
    }
}

fn grant_finding(grant: &Grant, groups: &[Group]) -> Finding {
    let who: Vec<String> = grant.principals.iter().map(|p| with_members(p, groups)).collect();
    let who = if grant.via_alias {
        format!("{} = {}", grant.users, who.join(", "))
    } else {
        who.join(", ")
    };
    let mut message = format!("{who} may run {}", grant.commands);
    if grant.nopasswd_all == grant.principals {
        message.push_str(" (everything without a password)");
    } else if !grant.nopasswd_all.is_empty() {
        let who = grant.nopasswd_all.join(", ");
        message.push_str(&format!(" (everything without a password for {who})"));
    }
    Finding::at(message, grant.location.clone())
}

/// The members of sudo, admin and wheel, and whether any rule names the group.
fn admin_group_findings(grants: &[Grant], groups: &[Group]) -> Vec<Finding> {
    let referenced = |g: &Group| {
        grants.iter().flat_map(|grant| &grant.principals).any(|p| {
            p.strip_prefix('%')
                .and_then(|r| group::find(groups, r))
                .is_some_and(|found| found.name == g.name)
        })
    };
    groups
        .iter()
        .filter(|g| ADMIN_GROUPS.contains(&g.name.as_str()))
        .map(|g| {
            let members = if g.members.is_empty() {
                "no members".to_string()
            } else {
                g.members.join(", ")
            };
            let note = if referenced(g) {
                ""
            } else {
                " (no sudoers rule names this group)"
            };
            Finding::at(
                format!("group {}: {members}{note}", g.name),
                Location::line(GROUP_PATH, g.line),
            )
        })
        .collect()
}
