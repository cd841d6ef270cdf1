//! Wording shared by the sshd_config evaluators: the `path` parameter, turning a
//! load failure into an Outcome, and the findings and phrases that say which
//! file:line decided a value and which lines sshd ignores.

use crate::eval::EvalContext;
use crate::model::{Finding, Location, Outcome, Status};
use crate::model::{ParamDef, ParamKind};
use crate::parse::sshd::config::{ConfigError, Diagnostic, Directive, DEFAULT_CONFIG};
use crate::parse::sshd::settings::{Blocked, Origin, Setting, View};

pub static CONFIG_PARAMS: [ParamDef; 1] = [ParamDef::optional(
    "path",
    ParamKind::String,
    "sshd_config to read, with its Includes (default /etc/ssh/sshd_config; `sshd -T` is only used for the default)",
)];

/// The configuration (and `sshd -T`) as the evaluator's parameters point at it.
pub fn view(ctx: &EvalContext) -> View {
    View::load(ctx.source, ctx.params.str_or("path", DEFAULT_CONFIG))
}

/// Missing or uncollected evidence needs a person; a failed read is an error.
fn config_status(error: &ConfigError) -> Status {
    match error {
        ConfigError::Missing { .. } | ConfigError::NotCollected { .. } => Status::NeedsReview,
        _ => Status::Error,
    }
}

/// The outcome when no effective value can be decided.
pub fn blocked(blocked: Blocked) -> Outcome {
    match blocked {
        Blocked::Config(error) => Outcome::new(config_status(&error), error.to_string()),
        Blocked::Rejected(rejected) => {
            let first = rejected
                .first()
                .map(|d| format!("{}: {}", d.at, d.message))
                .unwrap_or_default();
            Outcome::needs_review(format!(
                "sshd rejects {first}; `sshd -t` fails on this configuration, so the value the running daemon uses is unknown"
            ))
            .with_all(rejected.iter().map(rejected_finding))
        }
    }
}

pub fn rejected_finding(d: &Diagnostic) -> Finding {
    Finding::at(format!("sshd rejects this line: {}", d.message), d.at.clone())
}

/// Where the winning value came from, as a phrase: `set at f:l`.
pub fn origin_phrase(s: &Setting) -> String {
    match (&s.origin, &s.file_origin) {
        (Origin::At(at), _) if s.via_match_all => format!("set at {at}, in a `Match all` section"),
        (Origin::At(at), _) => format!("set at {at}"),
        (Origin::Default, _) => {
            format!("not set, so sshd's compiled default `{}` applies", s.value)
        }
        (Origin::SshdT, Some(Origin::At(at))) if s.via_match_all => {
            format!("reported by sshd -T; set at {at}, in a `Match all` section")
        }
        (Origin::SshdT, Some(Origin::At(at))) => format!("reported by sshd -T; set at {at}"),
        (Origin::SshdT, Some(Origin::Default)) => "reported by sshd -T; not set in the files: compiled default".into(),
        (Origin::SshdT, _) => "reported by sshd -T".to_string(),
    }
}

/// The line that set the winner, for "change it at ...".
pub fn deciding_line(s: &Setting) -> Option<Location> {
    match (&s.origin, &s.file_origin) {
        (Origin::At(at), _) | (Origin::SshdT, Some(Origin::At(at))) => Some(at.clone()),
        _ => None,
    }
}

/// "X yes wins: set at A before the `no` at B; <consequence>; <what to change>",
/// or a plainer phrase when no later line disagreed.
pub fn bad_value_summary(s: &Setting, good: &str, consequence: &str) -> String {
    let head = format!("{} {}", s.spelled, s.value);
    let fix = format!("`{} {good}`", s.keyword.name);
    let later: Vec<String> = s.overridden().iter().map(|d| d.at.to_string()).collect();
    match deciding_line(s) {
        Some(at) if !later.is_empty() && s.via_match_all => format!(
            "{head} wins: set at {at} in a `Match all` section, which sshd applies over the `{good}` at {}; {consequence}; change {at}",
            join_locations(&later)
        ),
        Some(at) if !later.is_empty() => format!(
            "{head} wins: set at {at} before the `{good}` at {}; {consequence}; sshd keeps the first value it reads, so change {at}",
            join_locations(&later)
        ),
        Some(at) => format!("{head} is set at {at}; {consequence}; change it to {fix}"),
        None if s.origin == Origin::SshdT && s.file_origin.is_none() => {
            format!("sshd -T reports {head}; {consequence}; set {fix} in the first file sshd reads")
        }
        None => format!(
            "{} is not set, so sshd's compiled default `{}` applies{}; {consequence}; add {fix} to {}",
            s.keyword.name,
            s.value,
            if s.origin == Origin::SshdT { " (sshd -T agrees)" } else { "" },
            s.config_path
        ),
    }
}

fn join_locations(all: &[String]) -> String {
    match all {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] if all.len() <= 3 => format!("{} and {last}", first.join(", ")),
        [first, second, rest @ ..] => format!("{first}, {second} and {} more", rest.len()),
    }
}

/// Findings that explain a setting: the winner, ignored lines, Match-block lines.
pub fn setting_findings(s: &Setting) -> Vec<Finding> {
    let mut out = vec![winner_finding(s)];
    if let (Origin::SshdT, Some(Origin::At(at))) = (&s.origin, &s.file_origin) {
        out.push(Finding::at(
            format!("{} {}: the line that sets it", s.spelled, s.value),
            at.clone(),
        ));
    }
    let why_ignored = match (s.via_match_all, deciding_line(s)) {
        (true, Some(at)) => format!("overridden by the `Match all` section line at {at}"),
        _ => "sshd keeps the first value it reads".to_string(),
    };
    for d in &s.ignored {
        out.push(Finding::at(
            format!("{}: ignored, {why_ignored}", d.text()),
            d.at.clone(),
        ));
    }
    for d in &s.in_match {
        let block = d.block.as_ref().map(ToString::to_string).unwrap_or_default();
        out.push(Finding::at(
            format!("{}: applies only to connections matching {block}", d.text()),
            d.at.clone(),
        ));
    }
    if let Some(reason) = &s.match_unknown {
        out.push(Finding::new(format!("Match blocks could not be checked: {reason}")));
    }
    if let Some((value, origin)) = &s.files_say {
        let message = format!(
            "vouch reads the files as {} {value} ({origin}); sshd -T is authoritative",
            s.keyword.name
        );
        out.push(match origin.location() {
            Some(at) => Finding::at(message, at),
            None => Finding::new(message),
        });
    }
    out
}

fn winner_finding(s: &Setting) -> Finding {
    let message = format!(
        "{} {}: effective global value ({})",
        s.spelled,
        s.value,
        origin_phrase(s)
    );
    match s.origin.location() {
        Some(at) => Finding::at(message, at),
        None => Finding::new(message),
    }
}

/// A Match-block line as a phrase: "`Match Address 10.0.0.0/8` at f:l sets yes at f:l2".
pub fn match_phrase(d: &Directive) -> String {
    let block = d
        .block
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_else(|| "a Match block".into());
    format!("{block} sets `{}` at {}", d.value(), d.at)
}

/// Lines sshd rejects elsewhere in the configuration also stop sshd from loading
/// it: list them, and do not vouch for a pass. Skipped when `sshd -T` ran, since
/// sshd then accepted the files.
pub fn with_config_problems(outcome: Outcome, view: &View) -> Outcome {
    let Ok(config) = &view.config else {
        return outcome;
    };
    if view.sshd_t.is_some() || config.diagnostics.is_empty() {
        return outcome;
    }
    let findings: Vec<Finding> = config
        .diagnostics
        .iter()
        .map(rejected_finding)
        .filter(|f| !outcome.findings.contains(f))
        .collect();
    let first = config
        .diagnostics
        .first()
        .map(|d| format!("{}: {}", d.at, d.message))
        .unwrap_or_default();
    if outcome.status != crate::model::Status::Pass {
        return outcome.with_all(findings);
    }
    let summary = format!(
        "{}, but sshd rejects {first}: `sshd -t` fails, so the running daemon may use other settings",
        outcome.summary
    );
    Outcome {
        status: crate::model::Status::NeedsReview,
        summary,
        ..outcome
    }
    .with_all(findings)
}
