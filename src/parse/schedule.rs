//! When a scheduled job runs, and how to say it to a person: cron's five fields and
//! `@daily`-style keywords, run-parts directories (/etc/cron.daily), and systemd
//! timer settings (`OnCalendar=` expressions and the `On*Sec=` monotonic timers).
//! Common shapes read "daily at 03:15"; anything else is shown as written.

/// When a job runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// cron's fields: minute, hour, day of month, month, day of week.
    Fields([String; 5]),
    /// A cron keyword as written, e.g. `@daily`.
    Keyword(String),
    /// A run-parts period: `hourly`, `daily`, `weekly` or `monthly`.
    Periodic(String),
    /// A timer's `[Timer]` settings as (key, value), e.g. (`OnCalendar`, `*-*-* 03:15`).
    Timer(Vec<(String, String)>),
}

pub use super::period::Period;

impl Schedule {
    /// How often it runs, when that can be told from how it is written (not
    /// `@reboot`, not a calendar expression vouch does not read): cron's fields
    /// read as cron reads them (`super::period`).
    pub fn period(&self) -> Option<Period> {
        match self {
            Schedule::Keyword(w) | Schedule::Periodic(w) => super::period::keyword(w),
            Schedule::Fields(fields) => super::period::cron(fields),
            Schedule::Timer(settings) => {
                // Every OnCalendar= adds runs: the most frequent one counts; one
                // that cannot be read leaves the whole unknown.
                let mut periods = settings
                    .iter()
                    .filter(|(key, _)| key == "OnCalendar")
                    .map(|(_, value)| super::period::calendar(value))
                    .peekable();
                periods.peek()?;
                periods.collect::<Option<Vec<Period>>>()?.into_iter().min()
            }
        }
    }

    /// e.g. "daily at 03:15", "every 6 hours at minute 0", "weekly on Sunday at 02:00".
    pub fn describe(&self) -> String {
        match self {
            Schedule::Fields(fields) => describe_fields(fields),
            Schedule::Keyword(word) => describe_keyword(word),
            Schedule::Periodic(period) => format!("{period} (run-parts /etc/cron.{period})"),
            Schedule::Timer(settings) if settings.is_empty() => "on a timer".to_string(),
            Schedule::Timer(settings) => settings
                .iter()
                .map(|(key, value)| describe_timer(key, value))
                .collect::<Vec<_>>()
                .join(" and "),
        }
    }
}

const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

fn num(field: &str) -> Option<u32> {
    field.parse().ok()
}

fn clock(hour: u32, minute: u32) -> String {
    format!("{hour:02}:{minute:02}")
}

fn describe_fields(fields: &[String; 5]) -> String {
    let [min, hour, dom, mon, dow] = fields.each_ref().map(String::as_str);
    let each_day = dom == "*" && mon == "*";
    if let (Some(m), Some(h)) = (num(min), num(hour)) {
        let at = clock(h, m);
        match (each_day, dow == "*") {
            (true, true) => return format!("daily at {at}"),
            (true, false) => return format!("{} at {at}", weekdays(dow)),
            _ if num(dom).is_some() && mon == "*" && dow == "*" => return format!("monthly on day {dom} at {at}"),
            _ => {}
        }
    }
    if each_day && dow == "*" {
        if let Some(text) = sub_daily(min, hour) {
            return text;
        }
    }
    format!("on cron schedule `{}`", fields.join(" "))
}

/// Schedules that run more than once a day.
fn sub_daily(min: &str, hour: &str) -> Option<String> {
    match (num(min), hour) {
        (Some(m), "*") => Some(format!("hourly at minute {m}")),
        (Some(m), _) if hour.starts_with("*/") => Some(format!("every {} hours at minute {m}", &hour[2..])),
        (Some(m), _) => {
            let hours: Option<Vec<u32>> = hour.split(',').map(num).collect();
            let times: Vec<String> = hours?.into_iter().map(|h| clock(h, m)).collect();
            Some(format!("daily at {}", times.join(" and ")))
        }
        (None, "*") if min.starts_with("*/") => Some(format!("every {} minutes", &min[2..])),
        (None, "*") if min == "*" => Some("every minute".to_string()),
        _ => None,
    }
}

/// "weekly on Sunday", "on Monday-Friday", "on Monday, Thursday" for a day-of-week field.
fn weekdays(field: &str) -> String {
    let names: Option<Vec<String>> = field
        .split(',')
        .map(|part| match part.split_once('-') {
            Some((from, to)) => Some(format!("{}-{}", day_name(from)?, day_name(to)?)),
            None => day_name(part).map(str::to_string),
        })
        .collect();
    match names {
        Some(names) if names.len() == 1 && !names[0].contains('-') => {
            format!("weekly on {}", names[0])
        }
        Some(names) => format!("on {}", names.join(", ")),
        None => format!("on days of week {field}"),
    }
}

/// A cron (0-7, sun..sat) or systemd (Mon, Monday) day name.
fn day_name(token: &str) -> Option<&'static str> {
    if let Some(n) = num(token) {
        return DAYS.get(usize::try_from(n % 7).ok()?).copied();
    }
    let lower = token.to_ascii_lowercase();
    DAYS.iter()
        .find(|day| lower.len() >= 3 && day.to_ascii_lowercase().starts_with(&lower))
        .copied()
}

fn describe_keyword(word: &str) -> String {
    match word {
        "@reboot" => "at every boot".to_string(),
        "@hourly" => "hourly at minute 0".to_string(),
        "@daily" | "@midnight" => "daily at 00:00".to_string(),
        "@weekly" => "weekly on Sunday at 00:00".to_string(),
        "@monthly" => "monthly on day 1 at 00:00".to_string(),
        "@yearly" | "@annually" => "yearly on 1 January at 00:00".to_string(),
        other => format!("on cron schedule `{other}`"),
    }
}

fn describe_timer(key: &str, value: &str) -> String {
    match key {
        "OnCalendar" => describe_calendar(value.trim()),
        "OnBootSec" => format!("{value} after boot"),
        "OnStartupSec" => format!("{value} after systemd starts"),
        "OnActiveSec" => format!("{value} after the timer starts"),
        "OnUnitActiveSec" | "OnUnitInactiveSec" => format!("every {value}"),
        _ => format!("{key}={value}"),
    }
}

/// systemd.time(7) calendar events: the shorthands and `[weekday] [date] time`.
fn describe_calendar(expr: &str) -> String {
    let shorthand = match expr {
        "minutely" => Some("every minute"),
        "hourly" => Some("hourly at minute 0"),
        "daily" => Some("daily at 00:00"),
        "weekly" => Some("weekly on Monday at 00:00"),
        "monthly" => Some("monthly on day 1 at 00:00"),
        "yearly" | "annually" => Some("yearly on 1 January at 00:00"),
        "quarterly" => Some("quarterly"),
        "semiannually" => Some("twice a year"),
        _ => None,
    };
    if let Some(text) = shorthand {
        return text.to_string();
    }
    calendar_parts(expr).unwrap_or_else(|| format!("OnCalendar={expr}"))
}

fn calendar_parts(expr: &str) -> Option<String> {
    let mut words = expr.split_whitespace().peekable();
    let dow = words.next_if(|w| w.starts_with(|c: char| c.is_ascii_alphabetic()));
    let date = words.next_if(|w| w.contains('-'));
    let time = words.next()?;
    if words.next().is_some() {
        return None;
    }
    let parts: Vec<&str> = time.split(':').collect();
    let (hour, minute) = (parts.first()?, parts.get(1)?);
    if *hour == "*" {
        let m = num(minute)?;
        return (dow.is_none() && every_day(date)).then(|| format!("hourly at minute {m}"));
    }
    let at = clock(num(hour)?, num(minute)?);
    match (dow, date) {
        (None, d) if every_day(d) => Some(format!("daily at {at}")),
        (Some(days), d) if every_day(d) => Some(format!("{} at {at}", weekdays(&days.replace("..", "-")))),
        (None, Some(d)) => {
            let day = d.strip_prefix("*-*-")?;
            num(day).map(|_| format!("monthly on day {day} at {at}"))
        }
        _ => None,
    }
}

/// A calendar date part that matches every day (or is absent).
fn every_day(date: Option<&str>) -> bool {
    matches!(date, None | Some("*-*-*"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> String {
        let f: Vec<String> = text.split(' ').map(str::to_string).collect();
        let array: [String; 5] = f.try_into().unwrap_or_default();
        Schedule::Fields(array).describe()
    }

    fn calendar(expr: &str) -> String {
        Schedule::Timer(vec![("OnCalendar".into(), expr.into())]).describe()
    }

    #[test]
    fn cron_fields() {
        assert_eq!(fields("15 3 * * *"), "daily at 03:15");
        assert_eq!(fields("0 2 * * 0"), "weekly on Sunday at 02:00");
        assert_eq!(fields("0 2 * * 7"), "weekly on Sunday at 02:00");
        assert_eq!(fields("30 1 * * mon-fri"), "on Monday-Friday at 01:30");
        assert_eq!(fields("0 4 1 * *"), "monthly on day 1 at 04:00");
        assert_eq!(fields("17 * * * *"), "hourly at minute 17");
        assert_eq!(fields("0 */6 * * *"), "every 6 hours at minute 0");
        assert_eq!(fields("0 3,15 * * *"), "daily at 03:00 and 15:00");
        assert_eq!(fields("*/10 * * * *"), "every 10 minutes");
        assert_eq!(fields("0 0 1 1 *"), "on cron schedule `0 0 1 1 *`");
        assert_eq!(Schedule::Keyword("@daily".into()).describe(), "daily at 00:00");
        assert_eq!(
            Schedule::Periodic("daily".into()).describe(),
            "daily (run-parts /etc/cron.daily)"
        );
    }

    #[test]
    fn timer_calendars() {
        assert_eq!(calendar("daily"), "daily at 00:00");
        assert_eq!(calendar("*-*-* 03:15:00"), "daily at 03:15");
        assert_eq!(calendar("02:30"), "daily at 02:30");
        assert_eq!(calendar("Sun *-*-* 04:00"), "weekly on Sunday at 04:00");
        assert_eq!(calendar("Mon..Fri 22:00"), "on Monday-Friday at 22:00");
        assert_eq!(calendar("*-*-01 05:00"), "monthly on day 01 at 05:00");
        assert_eq!(calendar("*:30"), "hourly at minute 30");
        assert_eq!(calendar("*:0/15"), "OnCalendar=*:0/15");
        let both = Schedule::Timer(vec![
            ("OnCalendar".into(), "daily".into()),
            ("OnBootSec".into(), "15min".into()),
        ]);
        assert_eq!(both.describe(), "daily at 00:00 and 15min after boot");
    }
}
