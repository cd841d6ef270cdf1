//! Generic evaluators for organisations' own checklists, usable without Rust:
//! `file.matches` (a regex over a file), `command.exits-zero` (a read-only command
//! succeeds) and `config.key-equals` (a key in a `Keyword value` or `KEY=value`
//! file has the expected value).

use super::{EvalContext, EvaluatorDef};
use crate::evidence::{CommandState, FileState};
use crate::model::ProbeType;
use crate::model::{compile_regex, Finding, Location, Outcome, Status, MAX_FINDINGS};
use crate::model::{ParamDef, ParamKind};

const FILE_MATCHES: &[ParamDef] = &[
    ParamDef::required(
        "path",
        ParamKind::String,
        "absolute path of the file (collect it with a `files` probe)",
    ),
    ParamDef::required("pattern", ParamKind::Regex, "regular expression, matched line by line"),
    ParamDef::optional(
        "expect",
        ParamKind::Choice(&["match", "no-match"]),
        "`match` (default): some line must match; `no-match`: none may",
    ),
    ParamDef::optional(
        "otherwise",
        ParamKind::Choice(&["fail", "warn"]),
        "status when the expectation fails: `fail` (default) or `warn`",
    ),
];
const COMMAND_EXITS_ZERO: &[ParamDef] = &[ParamDef::required(
    "argv",
    ParamKind::StringList,
    "the command, as its `command` probe gives it",
)];
const KEY_EQUALS: &[ParamDef] = &[
    ParamDef::required(
        "path",
        ParamKind::String,
        "absolute path of the file (collect it with a `files` probe)",
    ),
    ParamDef::required("key", ParamKind::String, "the key (compared case-insensitively)"),
    ParamDef::required(
        "value",
        ParamKind::String,
        "the expected value (compared case-insensitively)",
    ),
    ParamDef::optional(
        "syntax",
        ParamKind::Choice(&["keyword", "assign"]),
        "`keyword` (`Key value`, first wins, as sshd) or `assign` (`KEY=value`, last wins, as shell)",
    ),
    ParamDef::optional(
        "default",
        ParamKind::String,
        "the value in effect when the key is absent",
    ),
    ParamDef::optional(
        "otherwise",
        ParamKind::Choice(&["fail", "warn"]),
        "status when the value differs: `fail` (default) or `warn`",
    ),
];

pub fn evaluators() -> Vec<EvaluatorDef> {
    vec![
        EvaluatorDef {
            name: "file.matches",
            description: "A file has (or has no) line matching a regular expression",
            params: FILE_MATCHES,
            needs: &[ProbeType::Files],
            run: file_matches,
        },
        EvaluatorDef {
            name: "command.exits-zero",
            description: "A read-only command exits 0",
            params: COMMAND_EXITS_ZERO,
            needs: &[ProbeType::Command],
            run: command_exits_zero,
        },
        EvaluatorDef {
            name: "config.key-equals",
            description: "A configuration key has the expected value",
            params: KEY_EQUALS,
            needs: &[ProbeType::Files],
            run: key_equals,
        },
    ]
}

fn otherwise(ctx: &EvalContext) -> Status {
    match ctx.params.str("otherwise") {
        Some("warn") => Status::Warn,
        _ => Status::Fail,
    }
}

/// The file's text, or the outcome to report when it is not available.
fn text_of<'a>(state: &'a FileState, path: &str) -> Result<&'a str, Outcome> {
    match state {
        FileState::Text(text) => Ok(text),
        FileState::Missing => Err(Outcome::fail(format!("{path} does not exist"))),
        FileState::NotCollected => Err(Outcome::error(format!(
            "{path} was not collected: add it to a `files` probe of this control"
        ))),
        other => Err(Outcome::error(other.problem(path).unwrap_or_default())),
    }
}

fn file_matches(ctx: &EvalContext) -> Outcome {
    let path = ctx.params.str_or("path", "");
    let pattern = match compile_regex(ctx.params.str_or("pattern", "")) {
        Ok(pattern) => pattern,
        Err(why) => return Outcome::error(format!("the checklist's `pattern` is not a valid regex: {why}")),
    };
    let want_match = ctx.params.str("expect") != Some("no-match");
    let state = ctx.source.read(path);
    if state == FileState::Missing && !want_match {
        return Outcome::pass(format!("{path} does not exist, so nothing matches /{pattern}/"));
    }
    let text = match text_of(&state, path) {
        Ok(text) => text,
        Err(outcome) => return outcome,
    };
    // Only the findings a report shows are built; the other matching lines are counted.
    let (mut hits, mut unlisted) = (Vec::new(), 0);
    for (n, line) in text.lines().enumerate().filter(|(_, line)| pattern.is_match(line)) {
        if hits.len() < MAX_FINDINGS {
            hits.push(Finding::at(line.trim().to_string(), Location::line(path, n as u32 + 1)));
        } else {
            unlisted += 1;
        }
    }
    let outcome = match (want_match, hits.first()) {
        (true, Some(first)) => {
            let at = first.location.as_ref().map(ToString::to_string).unwrap_or_default();
            Outcome::pass(format!("/{pattern}/ matches at {at}")).with_all(hits)
        }
        (true, None) => Outcome::new(otherwise(ctx), format!("no line of {path} matches /{pattern}/")),
        (false, Some(first)) => {
            let at = first.location.as_ref().map(ToString::to_string).unwrap_or_default();
            Outcome::new(otherwise(ctx), format!("/{pattern}/ must not match, but does at {at}")).with_all(hits)
        }
        (false, None) => Outcome::pass(format!("no line of {path} matches /{pattern}/")),
    };
    Outcome { unlisted, ..outcome }
}

fn command_exits_zero(ctx: &EvalContext) -> Outcome {
    let argv = ctx.params.str_list("argv");
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let line = argv.join(" ");
    match ctx.source.command(&argv) {
        CommandState::Ran { exit_code: Some(0), .. } => Outcome::pass(format!("`{line}` exited 0")),
        CommandState::Ran {
            exit_code: Some(code),
            stderr,
            ..
        } => {
            let detail = stderr.lines().next().unwrap_or("").trim().to_string();
            let outcome = Outcome::new(otherwise(ctx), format!("`{line}` exited {code}"));
            if detail.is_empty() {
                outcome
            } else {
                outcome.with(Finding::new(detail))
            }
        }
        CommandState::Ran { exit_code: None, .. } => Outcome::error(format!("`{line}` was killed (timeout or signal)")),
        CommandState::NotRun(reason) => Outcome::needs_review(format!("`{line}` was not run: {reason}")),
        CommandState::NotCollected => Outcome::error(format!(
            "`{line}` was not collected: add a `command` probe with this argv"
        )),
    }
}

/// The effective value of `key` and the line that set it. `keyword` syntax is
/// `Key value` or `Key = value` (first wins, as sshd); `assign` is `KEY=value`
/// (last wins, as a shell sources it). ` #` starts a comment outside quotes.
fn lookup(text: &str, key: &str, assign: bool) -> Option<(String, u32)> {
    let mut found = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some(cut) = line.find(|c: char| c == '=' || (!assign && c.is_whitespace())) else {
            continue;
        };
        let (k, rest) = line.split_at(cut);
        let value = rest
            .trim_start_matches(|c: char| c.is_whitespace())
            .trim_start_matches('=');
        if k.trim().eq_ignore_ascii_case(key) {
            found = Some((unquote(strip_comment(value.trim())), n as u32 + 1));
            if !assign {
                break;
            }
        }
    }
    found
}

/// Drop a ` #` comment that is not inside quotes.
fn strip_comment(value: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in value.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if previous.is_whitespace() => return value[..i].trim_end(),
            _ => {}
        }
        previous = c;
    }
    value
}

fn unquote(value: &str) -> String {
    value.trim_matches(|c| c == '"' || c == '\'').to_string()
}

fn key_equals(ctx: &EvalContext) -> Outcome {
    let path = ctx.params.str_or("path", "");
    let key = ctx.params.str_or("key", "");
    let want = ctx.params.str_or("value", "");
    let assign = ctx.params.str("syntax") == Some("assign");
    let state = ctx.source.read(path);
    let text = match text_of(&state, path) {
        Ok(text) => text,
        Err(outcome) => return outcome,
    };
    let (value, location) = match lookup(text, key, assign) {
        Some((value, line)) => (value, Some(Location::line(path, line))),
        None => match ctx.params.str("default") {
            Some(default) => (default.to_string(), None),
            None => return Outcome::new(otherwise(ctx), format!("{key} is not set in {path}")),
        },
    };
    let at = location.as_ref().map_or("the default".to_string(), |l| l.to_string());
    let outcome = if value.eq_ignore_ascii_case(want) {
        Outcome::pass(format!("{key} is `{value}` ({at})"))
    } else {
        Outcome::new(otherwise(ctx), format!("{key} is `{value}` ({at}), expected `{want}`"))
    };
    match location {
        Some(location) => outcome.with(Finding::at(format!("{key} {value}"), location)),
        None => outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Snapshot;
    use crate::model::Params;
    use chrono::Utc;

    fn run(f: fn(&EvalContext) -> Outcome, snap: &Snapshot, params: Params) -> Outcome {
        f(&EvalContext::new(snap, Utc::now(), &params))
    }

    #[test]
    fn file_matches_points_at_the_matching_line() {
        let snap = Snapshot::new().with_file("/etc/motd", "hello\nAuthorized use only\n");
        let params = Params::default()
            .with("path", "/etc/motd")
            .with("pattern", "(?i)authorized use");
        let out = run(file_matches, &snap, params.clone());
        assert_eq!(out.status, Status::Pass);
        assert_eq!(out.findings[0].location, Some(Location::line("/etc/motd", 2)));
        let out = run(
            file_matches,
            &snap,
            params.with("expect", "no-match").with("otherwise", "warn"),
        );
        assert_eq!(out.status, Status::Warn);
    }

    #[test]
    fn key_equals_reads_equals_signs_and_inline_comments() {
        let snap = Snapshot::new().with_file("/etc/ssh/x", "PermitRootLogin = no\nX11Forwarding no # disabled\n");
        for (key, value) in [("PermitRootLogin", "no"), ("X11Forwarding", "no")] {
            let params = Params::default()
                .with("path", "/etc/ssh/x")
                .with("key", key)
                .with("value", value);
            let out = run(key_equals, &snap, params);
            assert_eq!(out.status, Status::Pass, "{key}: {}", out.summary);
        }
        assert_eq!(lookup("A=\"x # y\" # z\n", "A", true), Some(("x # y".to_string(), 1)));
    }

    #[test]
    fn key_equals_follows_first_or_last_wins() {
        let text = "Foo yes\nfoo no\n";
        let snap = Snapshot::new()
            .with_file("/etc/x.conf", text)
            .with_file("/etc/default/x", "A=1\nA=\"0\"\n");
        let first = Params::default()
            .with("path", "/etc/x.conf")
            .with("key", "FOO")
            .with("value", "yes");
        assert_eq!(run(key_equals, &snap, first).status, Status::Pass);
        let last = Params::default()
            .with("path", "/etc/default/x")
            .with("key", "A")
            .with("value", "1")
            .with("syntax", "assign");
        let out = run(key_equals, &snap, last);
        assert_eq!(out.status, Status::Fail);
        assert_eq!(out.summary, "A is `0` (/etc/default/x:2), expected `1`");
    }

    #[test]
    fn command_evaluator_distinguishes_not_run_from_failed() {
        let argv = ["systemctl", "is-enabled", "ssh"];
        let params = Params::default().with(
            "argv",
            toml::Value::Array(argv.iter().map(|s| toml::Value::from(*s)).collect()),
        );
        let not_run =
            Snapshot::new().with_command(&argv, CommandState::NotRun("commands are not run under --root".into()));
        assert_eq!(
            run(command_exits_zero, &not_run, params.clone()).status,
            Status::NeedsReview
        );
        let failed = Snapshot::new().with_command(
            &argv,
            CommandState::Ran {
                stdout: "disabled\n".into(),
                stderr: "".into(),
                exit_code: Some(1),
            },
        );
        assert_eq!(run(command_exits_zero, &failed, params).status, Status::Fail);
    }
}
