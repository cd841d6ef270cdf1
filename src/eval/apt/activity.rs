//! `patching.recent-activity`: the newest timestamp of unattended-upgrades.log or,
//! failing that, of apt's history.log, against as_of: pass within 7 days, warn
//! within 30, fail when older or when neither log has one.

use super::common::{self, HISTORY_LOG, UNATTENDED_UPGRADES_LOG};
use super::logs::{self, Stamp};
use crate::eval::EvalContext;
use crate::evidence::{FileState, Source};
use crate::model::{Finding, Location, Outcome};
use chrono::{DateTime, TimeDelta, Utc};

const PASS_DAYS: i64 = 7;
const WARN_DAYS: i64 = 30;

/// The newest activity found, and in which log.
struct Activity {
    path: &'static str,
    what: &'static str,
    stamp: Stamp,
}

/// A log to look in, what its newest timestamp means, and how to find it.
struct Log {
    path: &'static str,
    what: &'static str,
    scan: fn(&str) -> Option<Stamp>,
}

/// In the order the control consults them.
const LOGS: [Log; 2] = [
    Log {
        path: UNATTENDED_UPGRADES_LOG,
        what: "unattended-upgrades last ran",
        scan: logs::newest_unattended_upgrades,
    },
    Log {
        path: HISTORY_LOG,
        what: "apt last ran (history.log Start-Date)",
        scan: logs::newest_history,
    },
];

pub fn evaluate(ctx: &EvalContext) -> Outcome {
    let mut notes = Vec::new();
    for log in &LOGS {
        match newest_in(ctx.source, log.path, log.scan, &mut notes) {
            Ok(Some(stamp)) => {
                let activity = Activity {
                    path: log.path,
                    what: log.what,
                    stamp,
                };
                return judge(&activity, ctx.as_of).with_all(notes);
            }
            Ok(None) => {}
            Err(outcome) => return outcome,
        }
    }
    Outcome::fail(format!(
        "No update activity is recorded: neither {UNATTENDED_UPGRADES_LOG} nor {HISTORY_LOG} has a timestamp"
    ))
    .with_all(notes)
}

/// The newest stamp of one log; a note when it has none; Err when it is unreadable.
fn newest_in(
    source: &dyn Source,
    path: &str,
    scan: fn(&str) -> Option<Stamp>,
    notes: &mut Vec<Finding>,
) -> Result<Option<Stamp>, Outcome> {
    match source.read(path) {
        FileState::Text(text) => {
            let stamp = scan(&text);
            if stamp.is_none() {
                notes.push(Finding::at(
                    "has no timestamped entry (rotated or never written?)",
                    Location::file(path),
                ));
            }
            Ok(stamp)
        }
        FileState::Missing => {
            notes.push(Finding::at("does not exist", Location::file(path)));
            Ok(None)
        }
        state => Err(common::unavailable(path, &state)),
    }
}

fn judge(activity: &Activity, as_of: DateTime<Utc>) -> Outcome {
    // Log times are the host's local time without a zone; they are read as UTC.
    let at = activity.stamp.at.and_utc();
    let age = as_of.signed_duration_since(at);
    let when = format!(
        "{} {}, {}",
        activity.what,
        activity.stamp.at.format("%Y-%m-%d %H:%M:%S"),
        describe_age(age)
    );
    let finding = Finding::at(
        "newest entry (host local time, read as UTC)",
        Location::line(activity.path, activity.stamp.line),
    );
    let outcome = if age <= TimeDelta::days(PASS_DAYS) {
        Outcome::pass(format!("{when}: within {PASS_DAYS} days"))
    } else if age <= TimeDelta::days(WARN_DAYS) {
        Outcome::warn(format!("{when}: more than {PASS_DAYS} days without updates"))
    } else {
        Outcome::fail(format!("{when}: more than {WARN_DAYS} days without updates"))
    };
    outcome.with(finding)
}

fn describe_age(age: TimeDelta) -> String {
    if age < TimeDelta::zero() {
        return "after as_of (the host clock or time zone is ahead)".to_string();
    }
    let days = age.num_days();
    let hours = age.num_hours();
    match (days, hours) {
        (0, 1) => "1 hour before as_of".to_string(),
        (0, h) => format!("{h} hours before as_of"),
        (1, _) => "1 day before as_of".to_string(),
        (d, _) => format!("{d} days before as_of"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::apt::common::testing::{host, run};
    use crate::model::Status;

    fn uu_line(stamp: &str) -> String {
        format!("{stamp},123 INFO Starting unattended upgrades script\n{stamp},456 INFO Allowed origins are: o=Ubuntu,a=noble-security\n")
    }

    fn history(stamp: &str) -> String {
        format!("\nStart-Date: {stamp}\nCommandline: apt-get upgrade -y\nUpgrade: openssl:amd64 (3.0.13-0ubuntu3.4, 3.0.13-0ubuntu3.5)\nEnd-Date: {stamp}\n")
    }

    #[test]
    fn thresholds_against_a_fixed_as_of() {
        // as_of is 2026-11-22 12:00:00 UTC.
        let cases = [
            ("2026-11-19 06:25:13", Status::Pass), // 3 days
            ("2026-11-15 12:00:00", Status::Pass), // exactly 7 days
            ("2026-11-12 06:25:13", Status::Warn), // 10 days
            ("2026-10-23 12:00:00", Status::Warn), // exactly 30 days
            ("2026-10-13 06:25:13", Status::Fail), // 40 days
            ("2026-11-23 01:00:00", Status::Pass), // ahead of as_of (host time zone east of UTC)
        ];
        for (stamp, expected) in cases {
            let log = uu_line(stamp);
            let snap = host(&[(UNATTENDED_UPGRADES_LOG, log.as_str())]);
            assert_eq!(run(evaluate, &snap).status, expected, "unattended-upgrades.log {stamp}");
            let hist = history(&stamp.replacen(' ', "  ", 1));
            let snap = host(&[(HISTORY_LOG, hist.as_str())]).with_state(UNATTENDED_UPGRADES_LOG, FileState::Missing);
            assert_eq!(run(evaluate, &snap).status, expected, "history.log {stamp}");
        }
    }

    #[test]
    fn the_unattended_upgrades_log_comes_first() {
        let uu = uu_line("2026-10-13 06:25:13");
        let hist = history("2026-11-21  06:25:13");
        let snap = host(&[(UNATTENDED_UPGRADES_LOG, uu.as_str()), (HISTORY_LOG, hist.as_str())]);
        let outcome = run(evaluate, &snap);
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(
            outcome.summary,
            "unattended-upgrades last ran 2026-10-13 06:25:13, 40 days before as_of: more than 30 days without updates"
        );
        assert_eq!(
            outcome.findings[0].location,
            Some(Location::line(UNATTENDED_UPGRADES_LOG, 2))
        );
    }

    #[test]
    fn an_empty_rotated_log_falls_back_to_history() {
        let hist = history("2026-11-12  06:25:13");
        let snap = host(&[(UNATTENDED_UPGRADES_LOG, ""), (HISTORY_LOG, hist.as_str())]);
        let outcome = run(evaluate, &snap);
        assert_eq!(outcome.status, Status::Warn);
        assert_eq!(
            outcome.summary,
            "apt last ran (history.log Start-Date) 2026-11-12 06:25:13, 10 days before as_of: more than 7 days without updates"
        );
    }

    #[test]
    fn no_logs_fail_and_unreadable_logs_are_errors() {
        let none = host(&[])
            .with_state(UNATTENDED_UPGRADES_LOG, FileState::Missing)
            .with_state(HISTORY_LOG, FileState::Missing);
        let outcome = run(evaluate, &none);
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(outcome.findings.len(), 2);
        let denied = host(&[]).with_state(
            UNATTENDED_UPGRADES_LOG,
            FileState::Unreadable("permission denied".into()),
        );
        assert_eq!(run(evaluate, &denied).status, Status::Error);
    }
}
