//! Timestamps in update logs: the newest `YYYY-MM-DD HH:MM:SS,mmm` line start of
//! unattended-upgrades.log and the newest `Start-Date: YYYY-MM-DD  HH:MM:SS` of an
//! apt history.log entry that upgraded packages. Both are written in the host's local time with no zone; they
//! are read as UTC, which can shift an age by the host's UTC offset (hours), well
//! inside the 7- and 30-day thresholds they are compared with. A scan keeps the
//! newest stamp at or before a limit (the evaluation time, plus a tolerance) and
//! counts the later ones, which an audit "as of" a past date must not count.

use crate::parse::text::line_number;
use chrono::{NaiveDate, NaiveDateTime};

/// One log timestamp and the 1-based line it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub at: NaiveDateTime,
    pub line: u32,
}

/// What one log holds relative to a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scan {
    /// The newest stamp at or before the limit.
    pub newest: Option<Stamp>,
    /// How many stamps are after the limit, and the newest of them.
    pub later: usize,
    pub latest: Option<Stamp>,
}

/// The `YYYY-MM-DD HH:MM:SS,mmm` line starts of unattended-upgrades.log.
pub fn scan_unattended_upgrades(text: &str, limit: NaiveDateTime) -> Scan {
    scan(text, limit, |line| {
        let (date, rest) = date_prefix(line)?;
        let rest = rest.strip_prefix(' ')?;
        let (time, rest) = time_prefix(date, rest)?;
        let millis = rest.strip_prefix(',')?.get(..3)?;
        millis.bytes().all(|b| b.is_ascii_digit()).then_some(time)
    })
}

/// The `Start-Date:` lines of apt's history.log entries that upgraded packages
/// (the entry has an `Upgrade:` line before the next `Start-Date:`); an entry that
/// only installs or removes packages is not patching. apt writes two spaces
/// between the date and the time; any run of spaces is accepted.
pub fn scan_history(text: &str, limit: NaiveDateTime) -> Scan {
    let mut stamps = Vec::new();
    let mut entry: Option<Stamp> = None;
    let mut upgraded = false;
    for (index, line) in text.split('\n').enumerate() {
        if let Some(at) = history_start(line) {
            if let (Some(stamp), true) = (entry, upgraded) {
                stamps.push(stamp);
            }
            entry = Some(Stamp {
                at,
                line: line_number(index),
            });
            upgraded = false;
        } else if line.starts_with("Upgrade:") {
            upgraded = true;
        }
    }
    if let (Some(stamp), true) = (entry, upgraded) {
        stamps.push(stamp);
    }
    fold(stamps, limit)
}

fn history_start(line: &str) -> Option<NaiveDateTime> {
    let rest = line.strip_prefix("Start-Date:")?.trim_start_matches([' ', '\t']);
    let (date, rest) = date_prefix(rest)?;
    let rest = rest.strip_prefix([' ', '\t'])?.trim_start_matches([' ', '\t']);
    time_prefix(date, rest).map(|(time, _)| time)
}

fn scan(text: &str, limit: NaiveDateTime, parse: impl Fn(&str) -> Option<NaiveDateTime>) -> Scan {
    let stamps = text.split('\n').enumerate().filter_map(|(index, line)| {
        parse(line).map(|at| Stamp {
            at,
            line: line_number(index),
        })
    });
    fold(stamps, limit)
}

/// The newest stamp at or before `limit`, and a count of the later ones.
fn fold(stamps: impl IntoIterator<Item = Stamp>, limit: NaiveDateTime) -> Scan {
    let mut out = Scan::default();
    for stamp in stamps {
        let at = stamp.at;
        let slot = if at <= limit {
            &mut out.newest
        } else {
            out.later += 1;
            &mut out.latest
        };
        if slot.is_none_or(|best| best.at <= at) {
            *slot = Some(stamp);
        }
    }
    out
}

/// `YYYY-MM-DD` at the start of `text`.
fn date_prefix(text: &str) -> Option<(NaiveDate, &str)> {
    let (year, rest) = digits(text, 4)?;
    let (month, rest) = digits(rest.strip_prefix('-')?, 2)?;
    let (day, rest) = digits(rest.strip_prefix('-')?, 2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some((date, rest))
}

/// `HH:MM:SS` at the start of `text`, on `date`.
fn time_prefix(date: NaiveDate, text: &str) -> Option<(NaiveDateTime, &str)> {
    let (hour, rest) = digits(text, 2)?;
    let (minute, rest) = digits(rest.strip_prefix(':')?, 2)?;
    let (second, rest) = digits(rest.strip_prefix(':')?, 2)?;
    Some((date.and_hms_opt(hour, minute, second)?, rest))
}

/// Exactly `count` ASCII digits at the start of `text`, as a number.
fn digits(text: &str, count: usize) -> Option<(u32, &str)> {
    let head = text.get(..count)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((head.parse().ok()?, &text[count..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap_or_default()
    }

    fn newest_unattended_upgrades(text: &str) -> Option<Stamp> {
        scan_unattended_upgrades(text, NaiveDateTime::MAX).newest
    }

    fn newest_history(text: &str) -> Option<Stamp> {
        scan_history(text, NaiveDateTime::MAX).newest
    }

    #[test]
    fn stamps_after_the_limit_are_counted_not_kept() {
        let log = "2026-11-20 06:25:13,215 INFO a\n2027-03-01 00:00:00,000 INFO b\n2027-02-01 00:00:00,000 INFO c\n";
        let scan = scan_unattended_upgrades(log, at("2026-11-23 12:00:00"));
        let stamp = |text, line| Some(Stamp { at: at(text), line });
        assert_eq!(
            scan,
            Scan {
                newest: stamp("2026-11-20 06:25:13", 1),
                later: 2,
                latest: stamp("2027-03-01 00:00:00", 2),
            }
        );
        let before_all = scan_unattended_upgrades(log, at("2020-01-01 00:00:00"));
        assert_eq!((before_all.newest, before_all.later), (None, 3));
    }

    #[test]
    fn newest_unattended_upgrades_line_wins_wherever_it_is() {
        let log = "2026-11-20 06:25:13,215 INFO Starting unattended upgrades script\n\
                   2026-11-21 06:41:02,880 INFO No packages found that can be upgraded unattended\n\
                   Traceback (most recent call last):\n\
                   2026-11-19 06:10:00,001 INFO older, appended out of order\n\
                   2026-13-01 00:00:00,000 INFO not a date\n";
        assert_eq!(
            newest_unattended_upgrades(log),
            Some(Stamp {
                at: at("2026-11-21 06:41:02"),
                line: 2
            })
        );
        assert_eq!(newest_unattended_upgrades("2026-11-21 06:41:02 INFO no millis\n"), None);
        assert_eq!(newest_unattended_upgrades(""), None);
    }

    #[test]
    fn history_start_dates_with_apts_two_spaces() {
        let log = "\nStart-Date: 2026-11-12  06:25:13\nCommandline: apt-get upgrade\n\
                   Upgrade: libc6:amd64 (2.39-0ubuntu8.3, 2.39-0ubuntu8.4)\nEnd-Date: 2026-11-12  06:25:40\n\n\
                   Start-Date: 2026-10-01 09:00:00\nEnd-Date: 2026-10-01  09:00:10\n";
        assert_eq!(
            newest_history(log),
            Some(Stamp {
                at: at("2026-11-12 06:25:13"),
                line: 2
            })
        );
        assert_eq!(newest_history("End-Date: 2026-11-12  06:25:40\n"), None);
        let install_after = format!("{log}\nStart-Date: 2026-11-20  10:00:00\nInstall: htop:amd64 (3.3.0)\n");
        assert_eq!(
            newest_history(&install_after).map(|s| s.at),
            Some(at("2026-11-12 06:25:13")),
            "an entry that only installs is not patching"
        );
    }

    proptest! {
        #[test]
        fn scanners_never_panic(text in "(?s).{0,300}") {
            let _ = newest_unattended_upgrades(&text);
            let _ = newest_history(&text);
        }

        #[test]
        fn scanners_never_panic_on_near_stamps(text in "(Start-Date: ?)?[0-9]{1,4}-[0-9é]{1,2}-[0-9]{1,2} +[0-9]{1,2}:[0-9]{2}:[0-9]{2},?[0-9]{0,3}") {
            let _ = newest_unattended_upgrades(&text);
            let _ = newest_history(&text);
        }
    }
}
