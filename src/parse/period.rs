//! How often a schedule runs, as its program reads it: cron's five fields
//! (lists, ranges, steps, names; a restricted day of month and day of week
//! combine as cron ORs them) and the common forms of systemd's `OnCalendar=`
//! (`daily`, `Mon..Fri 22:00`, `*-*-* 00/6:00`, `*:0/15`). The answer is the
//! largest gap between runs, in the buckets a backup question asks about:
//! more than once a day, daily, weekly, or less often.

/// How often a schedule runs, at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Period {
    /// More than once a day.
    Hourly,
    Daily,
    Weekly,
    /// Monthly or rarer.
    Monthly,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Hourly => "hourly",
            Period::Daily => "daily",
            Period::Weekly => "weekly",
            Period::Monthly => "monthly",
        }
    }
}

/// `@daily`, `weekly`, … (cron keywords, run-parts periods, systemd shorthands).
pub fn keyword(word: &str) -> Option<Period> {
    match word.trim().trim_start_matches('@').to_ascii_lowercase().as_str() {
        "hourly" | "minutely" => Some(Period::Hourly),
        "daily" | "midnight" => Some(Period::Daily),
        "weekly" => Some(Period::Weekly),
        "monthly" | "yearly" | "annually" | "quarterly" | "semiannually" => Some(Period::Monthly),
        _ => None,
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// The values a cron field takes within `low..=high` (`names` for month and day
/// names); None when it is not a field cron would read.
fn values(field: &str, low: u32, high: u32, names: &[&str], first_name: u32) -> Option<Vec<u32>> {
    let number = |text: &str| -> Option<u32> {
        let lower = text.to_ascii_lowercase();
        match names.iter().position(|n| *n == lower) {
            Some(at) => u32::try_from(at).ok().map(|at| at + first_name),
            None => text.parse().ok(),
        }
    };
    let mut out = Vec::new();
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => (range, step.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (part, 1),
        };
        let (from, to) = match range {
            "*" => (low, high),
            _ => match range.split_once('-') {
                Some((a, b)) => (number(a)?, number(b)?),
                // `5/10` is 5, 15, 25… to the end of the range.
                None if part.contains('/') => (number(range)?, high),
                None => (number(range)?, number(range)?),
            },
        };
        if from < low || to > high || from > to {
            return None;
        }
        out.extend((from..=to).step_by(usize::try_from(step).ok()?));
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

/// The largest gap between consecutive days in a cycle of `length` days.
fn largest_gap(days: &[u32], length: u32) -> u32 {
    match days {
        [] => u32::MAX,
        [_] => length,
        _ => {
            let wrap = days[0] + length - days[days.len() - 1];
            days.windows(2)
                .map(|w| w[1] - w[0])
                .chain(std::iter::once(wrap))
                .max()
                .unwrap_or(length)
        }
    }
}

fn bucket(runs_a_day: usize, gap_days: u32) -> Period {
    if runs_a_day > 1 {
        Period::Hourly
    } else if gap_days <= 1 {
        Period::Daily
    } else if gap_days <= 7 {
        Period::Weekly
    } else {
        Period::Monthly
    }
}

/// cron's fields: minute, hour, day of month, month, day of week.
pub fn cron([minute, hour, day, month, weekday]: &[String; 5]) -> Option<Period> {
    let minutes = values(minute, 0, 59, &[], 0)?;
    let hours = values(hour, 0, 23, &[], 0)?;
    let days = values(day, 1, 31, &[], 0)?;
    let months = values(month, 1, 12, &MONTHS, 1)?;
    // 7 is Sunday too.
    let mut weekdays: Vec<u32> = values(weekday, 0, 7, &DAYS, 0)?.into_iter().map(|d| d % 7).collect();
    weekdays.sort_unstable();
    weekdays.dedup();
    if months.len() < 12 {
        // Only some months: at least one gap of a month or more.
        return Some(if minutes.len() * hours.len() > 1 {
            Period::Hourly
        } else {
            Period::Monthly
        });
    }
    let runs_a_day = minutes.len() * hours.len();
    // cron (vixie): a day field written from `*` leaves the other to decide
    // (both must match); with both restricted, a day matching either runs.
    let day_gap = largest_gap(&days, 31);
    let weekday_gap = if weekdays.len() >= 5 {
        1
    } else {
        largest_gap(&weekdays, 7)
    };
    let gap = if day.starts_with('*') || weekday.starts_with('*') {
        day_gap.max(weekday_gap)
    } else {
        day_gap.min(weekday_gap)
    };
    Some(bucket(runs_a_day, gap))
}

/// How many values a systemd calendar component (`*`, `03`, `00/6`, `03..05`,
/// `0,30`) takes in `0..count`.
fn calendar_count(part: &str, count: u32) -> Option<usize> {
    let mut total = 0usize;
    for piece in part.split(',') {
        let (range, step) = match piece.split_once('/') {
            Some((range, step)) => (range, step.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (piece, 1),
        };
        let (from, to) = match range {
            "*" => (0, count - 1),
            _ => match range.split_once("..") {
                Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
                None if piece.contains('/') => (range.parse().ok()?, count - 1),
                None => (range.parse().ok()?, range.parse().ok()?),
            },
        };
        if from > to || to >= count {
            return None;
        }
        total += (from..=to).step_by(usize::try_from(step).ok()?).count();
    }
    Some(total)
}

/// systemd's `OnCalendar=`: `[weekdays] [date] [time]`.
pub fn calendar(value: &str) -> Option<Period> {
    let value = value.trim();
    if let Some(period) = keyword(value) {
        return Some(period);
    }
    let mut weekdays: Option<usize> = None;
    let mut date: Option<&str> = None;
    let mut time: Option<&str> = None;
    for token in value.split_whitespace() {
        if token.contains(':') {
            time = Some(token);
        } else if token.contains('-') || token.chars().all(|c| c.is_ascii_digit() || c == '*') {
            date = Some(token);
        } else {
            let mut days = std::collections::BTreeSet::new();
            for piece in token.split(',') {
                let day = |name: &str| DAYS.iter().position(|d| name.to_ascii_lowercase().starts_with(d));
                match piece.split_once("..") {
                    Some((a, b)) => days.extend(day(a)?..=day(b)?),
                    None => {
                        days.insert(day(piece)?);
                    }
                }
            }
            weekdays = Some(days.len());
        }
    }
    // Runs a day: hours × minutes of the time (`*:0/15` is every 15 minutes).
    let runs_a_day = match time {
        Some(time) => {
            let mut parts = time.split(':');
            let hours = calendar_count(parts.next()?, 24)?;
            let minutes = calendar_count(parts.next().unwrap_or("00"), 60)?;
            hours * minutes
        }
        None => 1,
    };
    let gap = match date {
        // `*-*-*`, or no date: every day.
        None => 1,
        Some(date) => {
            let fields: Vec<&str> = date.split('-').collect();
            match fields.as_slice() {
                [_, month, day] | [month, day] if *month == "*" => {
                    if *day == "*" {
                        1
                    } else {
                        let days = calendar_count(day, 32)?;
                        if days >= 28 {
                            1
                        } else {
                            31
                        }
                    }
                }
                _ => 31,
            }
        }
    };
    let gap = match weekdays {
        Some(n) if n >= 5 => gap,
        Some(_) => gap.max(2).max(if gap == 1 { 7 } else { gap }),
        None => gap,
    };
    Some(bucket(runs_a_day, gap))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cron_of(text: &str) -> Option<Period> {
        let parts: Vec<String> = text.split_whitespace().map(str::to_string).collect();
        cron(&parts.try_into().unwrap_or_else(|_| panic!("five fields")))
    }

    #[test]
    fn cron_fields_as_cron_reads_them() {
        for (fields, period) in [
            ("15 3 * * *", Some(Period::Daily)),
            ("0 3 * * 1-5", Some(Period::Daily)),
            ("0 3 * * 0-6", Some(Period::Daily)),
            ("0 3 1-31 * *", Some(Period::Daily)),
            ("0 3 * 1-12 *", Some(Period::Daily)),
            ("30 2 */2 * *", Some(Period::Weekly)),
            ("0 2 * * 0", Some(Period::Weekly)),
            ("0 0,12 * * 0", Some(Period::Hourly)),
            ("* 3 * * *", Some(Period::Hourly)),
            ("*/15 * * * *", Some(Period::Hourly)),
            ("0 */6 * * *", Some(Period::Hourly)),
            ("0 2 1 * *", Some(Period::Monthly)),
            ("0 3 1 * 0", Some(Period::Weekly)),
            ("0 3 * jan *", Some(Period::Monthly)),
            ("0 3 * * mon-fri", Some(Period::Daily)),
            ("0 3 * * 7", Some(Period::Weekly)),
            ("61 3 * * *", None),
            ("x 3 * * *", None),
        ] {
            assert_eq!(cron_of(fields), period, "{fields}");
        }
    }

    #[test]
    fn systemd_calendars_as_systemd_reads_them() {
        for (value, period) in [
            ("daily", Some(Period::Daily)),
            ("*-*-* 03:15", Some(Period::Daily)),
            ("02:30", Some(Period::Daily)),
            ("Mon..Fri 22:00", Some(Period::Daily)),
            ("Sun *-*-* 04:00", Some(Period::Weekly)),
            ("*:0/15", Some(Period::Hourly)),
            ("*-*-* 00/6:00", Some(Period::Hourly)),
            ("*-*-* 03..05:00", Some(Period::Hourly)),
            ("*-*-01 03:00", Some(Period::Monthly)),
            ("hourly", Some(Period::Hourly)),
            ("Someday 03:00", None),
        ] {
            assert_eq!(calendar(value), period, "{value}");
        }
    }

    #[test]
    fn keywords() {
        assert_eq!(keyword("@annually"), Some(Period::Monthly));
        assert_eq!(keyword("@reboot"), None);
    }
}
