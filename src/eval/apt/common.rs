//! What the patching modules share: the host paths they read, line numbering, and
//! turning unavailable evidence and APT configuration problems into outcomes and
//! findings.

use crate::evidence::FileState;
use crate::model::{Finding, Location, Outcome};
use crate::parse::apt::conf::{AptConfig, Origin, Problem, SyntaxError};

pub const DPKG_STATUS: &str = "/var/lib/dpkg/status";
pub const UNATTENDED_UPGRADES_LOG: &str = "/var/log/unattended-upgrades/unattended-upgrades.log";
pub const HISTORY_LOG: &str = "/var/log/apt/history.log";
pub const REBOOT_FLAGS: [&str; 2] = ["/run/reboot-required", "/var/run/reboot-required"];

/// " (and N more)" when `count` items stand behind the first one named.
fn and_more(count: usize) -> String {
    match count {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    }
}

/// Error outcome for a file whose content is needed but unavailable.
pub fn unavailable(path: &str, state: &FileState) -> Outcome {
    let reason = state
        .problem(path)
        .unwrap_or_else(|| format!("{path} could not be read"));
    Outcome::error(reason).with(Finding::at("needed to decide this control", Location::file(path)))
}

pub fn location(origin: &Origin) -> Location {
    Location::line(origin.path.clone(), origin.line)
}

fn error_location(error: &SyntaxError) -> Location {
    if error.line == 0 {
        Location::file(error.path.clone())
    } else {
        Location::line(error.path.clone(), error.line)
    }
}

/// Error outcome when a file apt reads could not be seen: the effective
/// configuration is unknown.
pub fn config_unavailable(config: &AptConfig) -> Option<Outcome> {
    let reasons: Vec<&str> = config.unavailable().collect();
    let first = reasons.first()?;
    let more = and_more(reasons.len());
    let findings = config.problems.iter().filter_map(|p| match p {
        Problem::Unavailable { path, reason } => Some(Finding::at(reason.clone(), Location::file(path.clone()))),
        Problem::Apt(_) => None,
    });
    Some(Outcome::error(format!("APT configuration cannot be evaluated: {first}{more}")).with_all(findings))
}

/// Summary for a configuration apt itself refuses.
pub fn apt_error_summary(config: &AptConfig) -> Option<String> {
    let errors: Vec<&SyntaxError> = config.apt_errors().collect();
    let first = errors.first()?;
    let more = and_more(errors.len());
    Some(format!(
        "APT configuration error at {} ({}){more}: apt and unattended-upgrade stop with an error until it is fixed, \
         so nothing is updated automatically",
        error_location(first),
        first.message
    ))
}

/// Findings about how the configuration was read: where apt stops with an error,
/// and the apt.conf.d files it skips (so an auditor does not trust what they say).
pub fn load_findings(config: &AptConfig) -> Vec<Finding> {
    let errors = config
        .apt_errors()
        .map(|e| Finding::at(format!("apt stops here: {}", e.message), error_location(e)));
    errors.chain(ignored_findings(config)).collect()
}

fn ignored_findings(config: &AptConfig) -> impl Iterator<Item = Finding> + '_ {
    let by_name = config.ignored.iter().map(|path| {
        let hidden = path.rsplit('/').next().is_some_and(|name| name.starts_with('.'));
        let message = if hidden {
            "not read by apt: hidden file"
        } else {
            "not read by apt: it reads only names of [A-Za-z0-9_:.-] with no `.` or ending in `.conf`"
        };
        Finding::at(message, Location::file(path.clone()))
    });
    let by_kind = config.not_regular.iter().map(|path| {
        Finding::at(
            "not read by apt: not a regular file (a directory, FIFO, socket or device)",
            Location::file(path.clone()),
        )
    });
    by_name.chain(by_kind)
}

/// Test helpers: a host snapshot and a fixed evaluation time.
#[cfg(test)]
pub mod testing {
    use crate::eval::EvalContext;
    use crate::evidence::{FileState, Snapshot};
    use crate::model::Outcome;
    use crate::model::Params;
    use chrono::{DateTime, Utc};

    /// The as_of the fixtures are written against.
    pub const AS_OF: &str = "2026-11-22T12:00:00Z";

    /// A host with these files; /etc/apt/apt.conf is absent unless given.
    pub fn host(files: &[(&str, &str)]) -> Snapshot {
        let mut base = Snapshot::new().with_state(crate::parse::apt::conf::MAIN_FILE, FileState::Missing);
        base.record_dir(crate::parse::apt::conf::PARTS_DIR, crate::evidence::DirState::Missing);
        files.iter().fold(base, |snap, (path, text)| snap.with_file(path, text))
    }

    pub fn run(evaluate: fn(&EvalContext) -> Outcome, snap: &Snapshot) -> Outcome {
        let as_of: DateTime<Utc> = AS_OF.parse().unwrap_or_default();
        let params = Params::default();
        evaluate(&EvalContext::new(snap, as_of, &params))
    }
}
