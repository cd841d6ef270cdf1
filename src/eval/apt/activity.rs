//! `patching.recent-activity`: the newest timestamp of unattended-upgrades.log or,
//! failing that, of apt's history.log, at or before as_of, against as_of: pass
//! within 7 days, warn within 30, fail when older or when neither log has one.
//! Entries later than as_of (beyond a day's tolerance for the host's clock and
//! time zone) are ignored with a finding: an audit as of a past date must not
//! count what happened after it.

use super::common::{self, HISTORY_LOG, UNATTENDED_UPGRADES_LOG};
use crate::eval::EvalContext;
use crate::evidence::{FileState, Source};
use crate::model::{Finding, Location, Outcome};
use crate::parse::apt::logs::{self, Scan, Stamp};
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

const PASS_DAYS: i64 = 7;
const WARN_DAYS: i64 = 30;
/// Entries up to this many days after as_of still count: log times are the
/// host's local time read as UTC, and its clock may run ahead of the auditor's.
const AHEAD_TOLERANCE_DAYS: i64 = 1;

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
    scan: fn(&str, NaiveDateTime) -> Scan,
}

/// In the order the control consults them.
const LOGS: [Log; 2] = [
    Log {
        path: UNATTENDED_UPGRADES_LOG,
        what: "unattended-upgrades last ran",
        scan: logs::scan_unattended_upgrades,
    },
    Log {
        path: HISTORY_LOG,
        what: "apt last upgraded packages (history.log Start-Date)",
        scan: logs::scan_history,
    },
];

pub fn evaluate(ctx: &EvalContext) -> Outcome {
    let limit = (ctx.as_of + TimeDelta::days(AHEAD_TOLERANCE_DAYS)).naive_utc();
    let mut notes = Vec::new();
    let mut later = 0;
    for log in &LOGS {
        let scan = match scan_log(ctx.source, log, limit, &mut notes) {
            Ok(scan) => scan,
            Err(outcome) => return outcome,
        };
        later += scan.later;
        if let Some(stamp) = scan.newest {
            let activity = Activity {
                path: log.path,
                what: log.what,
                stamp,
            };
            return judge(&activity, ctx.as_of).with_all(notes);
        }
    }
    let summary = if later > 0 {
        format!(
            "No update activity is recorded at or before as_of ({}): the {later} log entries found are all \
             later (is --as-of right, or the host clock ahead?)",
            ctx.as_of.format("%Y-%m-%d %H:%M:%S UTC")
        )
    } else {
        format!("No update activity is recorded: neither {UNATTENDED_UPGRADES_LOG} nor {HISTORY_LOG} has a timestamp")
    };
    Outcome::fail(summary).with_all(notes)
}

/// One log's stamps against the limit, with notes on what it lacks or ignores;
/// Err when it is unreadable.
fn scan_log(source: &dyn Source, log: &Log, limit: NaiveDateTime, notes: &mut Vec<Finding>) -> Result<Scan, Outcome> {
    let path = log.path;
    match source.read(path) {
        FileState::Text(text) => {
            let scan = (log.scan)(&text, limit);
            if let Some(latest) = scan.latest {
                notes.push(later_note(path, &scan, latest));
            } else if scan.newest.is_none() {
                notes.push(Finding::at(
                    "has no timestamped entry (rotated or never written?)",
                    Location::file(path),
                ));
            }
            Ok(scan)
        }
        FileState::Missing => {
            notes.push(Finding::at("does not exist", Location::file(path)));
            Ok(Scan::default())
        }
        state => Err(common::unavailable(path, &state)),
    }
}

fn later_note(path: &str, scan: &Scan, latest: Stamp) -> Finding {
    let entries = if scan.later == 1 { "entry" } else { "entries" };
    let message = format!(
        "{} {entries} more than {AHEAD_TOLERANCE_DAYS} day after as_of ignored (the latest {})",
        scan.later,
        latest.at.format("%Y-%m-%d %H:%M:%S")
    );
    Finding::at(message, Location::line(path, latest.line))
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
            ("2026-11-23 12:00:00", Status::Pass), // a day ahead: the tolerance's end
            ("2026-11-23 12:00:01", Status::Fail), // later: ignored, so no entry is left
        ];
        for (stamp, expected) in cases {
            let log = uu_line(stamp);
            let snap = host(&[(UNATTENDED_UPGRADES_LOG, log.as_str())]).with_state(HISTORY_LOG, FileState::Missing);
            assert_eq!(run(evaluate, &snap).status, expected, "unattended-upgrades.log {stamp}");
            let hist = history(&stamp.replacen(' ', "  ", 1));
            let snap = host(&[(HISTORY_LOG, hist.as_str())]).with_state(UNATTENDED_UPGRADES_LOG, FileState::Missing);
            assert_eq!(run(evaluate, &snap).status, expected, "history.log {stamp}");
        }
    }

    #[test]
    fn installing_or_removing_packages_is_not_patching() {
        // as_of is 2026-11-22: the install two days before is not an update; the
        // upgrade 40 days before is the last patching.
        let hist = "Start-Date: 2026-10-13  06:25:13\nCommandline: apt-get upgrade -y\n\
                    Upgrade: openssl:amd64 (3.0.13-0ubuntu3.4, 3.0.13-0ubuntu3.5)\nEnd-Date: 2026-10-13  06:25:40\n\n\
                    Start-Date: 2026-11-20  10:00:00\nCommandline: apt install htop\n\
                    Install: htop:amd64 (3.3.0-4build1)\nEnd-Date: 2026-11-20  10:00:05\n\n\
                    Start-Date: 2026-11-21  10:00:00\nCommandline: apt remove nano\n\
                    Remove: nano:amd64 (7.2-2build1)\nEnd-Date: 2026-11-21  10:00:03\n";
        let snap = host(&[(HISTORY_LOG, hist)]).with_state(UNATTENDED_UPGRADES_LOG, FileState::Missing);
        let outcome = run(evaluate, &snap);
        assert_eq!(outcome.status, Status::Fail, "{}", outcome.summary);
        assert!(
            outcome
                .summary
                .starts_with("apt last upgraded packages (history.log Start-Date) 2026-10-13 06:25:13"),
            "{}",
            outcome.summary
        );
        let installs_only =
            "Start-Date: 2026-11-20  10:00:00\nInstall: htop:amd64 (3.3.0-4build1)\nEnd-Date: 2026-11-20  10:00:05\n";
        let snap = host(&[(HISTORY_LOG, installs_only)]).with_state(UNATTENDED_UPGRADES_LOG, FileState::Missing);
        assert_eq!(
            run(evaluate, &snap).status,
            Status::Fail,
            "no upgrade at all: no patching"
        );
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
            "apt last upgraded packages (history.log Start-Date) 2026-11-12 06:25:13, 10 days before as_of: more than 7 days without updates"
        );
    }

    #[test]
    fn entries_after_as_of_are_ignored() {
        // A backdated audit: the newest entry at or before as_of decides.
        let uu = format!("{}{}", uu_line("2026-11-20 06:25:13"), uu_line("2026-12-30 06:25:13"));
        let snap = host(&[(UNATTENDED_UPGRADES_LOG, uu.as_str())]);
        let outcome = run(evaluate, &snap);
        assert_eq!(outcome.status, Status::Pass, "{}", outcome.summary);
        assert!(outcome
            .summary
            .starts_with("unattended-upgrades last ran 2026-11-20 06:25:13, 2 days"));
        let ignored = "2 entries more than 1 day after as_of ignored (the latest 2026-12-30 06:25:13)";
        assert!(outcome
            .findings
            .iter()
            .any(|f| f.message == ignored && f.location == Some(Location::line(UNATTENDED_UPGRADES_LOG, 4))));
        // Only later entries in unattended-upgrades.log: history.log decides.
        let late = uu_line("2026-12-30 06:25:13");
        let hist = history("2026-11-01  06:25:13");
        let snap = host(&[(UNATTENDED_UPGRADES_LOG, late.as_str()), (HISTORY_LOG, hist.as_str())]);
        let outcome = run(evaluate, &snap);
        assert_eq!(outcome.status, Status::Warn, "{}", outcome.summary);
        assert!(outcome
            .summary
            .starts_with("apt last upgraded packages (history.log Start-Date) 2026-11-01"));
        // An as_of before every entry: the no-log fail, saying why.
        let snap = snap.with_file(HISTORY_LOG, &history("2027-01-05  06:25:13"));
        let outcome = run(evaluate, &snap);
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(
            outcome.summary,
            "No update activity is recorded at or before as_of (2026-11-22 12:00:00 UTC): the 3 log entries found \
             are all later (is --as-of right, or the host clock ahead?)"
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
