//! Wording shared by the sshd_config evaluators: the `path` parameter, turning a
//! load failure into an Outcome, and the findings and phrases that say which
//! file:line decided a value and which lines sshd ignores.

use super::config::{Diagnostic, DEFAULT_CONFIG};
use super::settings::{Blocked, Origin, Setting, View};
use crate::eval::{EvalContext, ParamDef, ParamKind};
use crate::model::{Finding, Location, Outcome};

pub static CONFIG_PARAMS: [ParamDef; 1] = [ParamDef::optional(
    "path",
    ParamKind::String,
    "sshd_config to read, with its Includes (default /etc/ssh/sshd_config; `sshd -T` is only used for the default)",
)];

/// The configuration (and `sshd -T`) as the evaluator's parameters point at it.
pub fn view(ctx: &EvalContext) -> View {
    View::load(ctx.source, ctx.params.str_or("path", DEFAULT_CONFIG))
}

/// The outcome when no effective value can be decided.
pub fn blocked(blocked: Blocked) -> Outcome {
    match blocked {
        Blocked::Config(error) => Outcome::new(error.status(), error.to_string()),
        Blocked::Rejected(rejected) => {
            let first = rejected.first().map(|d| format!("{}: {}", d.at, d.message)).unwrap_or_default();
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
    match (&s.origin, &s.file_line) {
        (Origin::At(at), _) => format!("set at {at}"),
        (Origin::Default, _) => format!("not set, so sshd's compiled default `{}` applies", s.value),
        (Origin::SshdT, Some(at)) => format!("reported by sshd -T; set at {at}"),
        (Origin::SshdT, None) => "reported by sshd -T".to_string(),
    }
}

/// The line that set the winner, for "change it at ...".
pub fn deciding_line(s: &Setting) -> Option<Location> {
    match &s.origin {
        Origin::At(at) => Some(at.clone()),
        _ => s.file_line.clone(),
    }
}

/// "X yes wins: set at A before the `no` at B; ..." or a plainer phrase when no
/// later line disagreed, ending with what to change.
pub fn bad_value_summary(s: &Setting, good: &str) -> String {
    let head = format!("{} {}", s.spelled, s.value);
    match (s.overridden(), deciding_line(s)) {
        (Some(later), Some(at)) => format!(
            "{head} wins: set at {at} before the `{}` at {}; sshd keeps the first value it reads, so change {at}",
            later.value(),
            later.at
        ),
        (None, Some(at)) => format!("{head} is set at {at}: change it to `{} {good}`", s.keyword.name),
        (_, None) if s.origin == Origin::SshdT => {
            format!("sshd -T reports {head}: set `{} {good}` in the first file sshd reads", s.keyword.name)
        }
        (_, None) => format!(
            "{} is not set, so sshd's compiled default `{}` applies: add `{} {good}` to sshd_config",
            s.keyword.name, s.value, s.keyword.name
        ),
    }
}

/// Findings that explain a setting: the winner, ignored lines, Match-block lines.
pub fn setting_findings(s: &Setting) -> Vec<Finding> {
    let mut out = vec![winner_finding(s)];
    if let (Origin::SshdT, Some(at)) = (&s.origin, &s.file_line) {
        out.push(Finding::at(format!("{} {}: the line that sets it", s.spelled, s.value), at.clone()));
    }
    for d in &s.ignored {
        out.push(Finding::at(format!("{}: ignored, sshd keeps the first value it reads", d.text()), d.at.clone()));
    }
    for d in &s.in_match {
        let block = d.block.as_ref().map(ToString::to_string).unwrap_or_default();
        out.push(Finding::at(format!("{}: applies only to connections matching {block}", d.text()), d.at.clone()));
    }
    if let Some(reason) = &s.match_unknown {
        out.push(Finding::new(format!("Match blocks could not be checked: {reason}")));
    }
    out
}

fn winner_finding(s: &Setting) -> Finding {
    let message = format!("{} {}: effective global value ({})", s.spelled, s.value, origin_phrase(s));
    match s.origin.location() {
        Some(at) => Finding::at(message, at),
        None => Finding::new(message),
    }
}

/// A Match-block line as a phrase: "`Match Address 10.0.0.0/8` at f:l sets yes at f:l2".
pub fn match_phrase(d: &crate::eval::sshd::config::Directive) -> String {
    let block = d.block.as_ref().map(ToString::to_string).unwrap_or_else(|| "a Match block".into());
    format!("{block} sets `{}` at {}", d.value(), d.at)
}
