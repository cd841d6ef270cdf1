//! The one place vouch reads the time: `SOURCE_DATE_EPOCH` (the reproducible-builds
//! convention) fixes every recorded time, so the same scan gives the same bytes.

use chrono::{DateTime, TimeZone, Utc};

/// Now, or `SOURCE_DATE_EPOCH` when set to a valid number of seconds.
pub fn now() -> DateTime<Utc> {
    source_date_epoch().unwrap_or_else(Utc::now)
}

fn source_date_epoch() -> Option<DateTime<Utc>> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    Utc.timestamp_opt(secs, 0).single()
}

/// Is the clock fixed (so durations should be recorded as 0 too)?
pub fn is_fixed() -> bool {
    source_date_epoch().is_some()
}

/// RFC 3339 with second precision and `Z`, as every report writes times.
pub fn rfc3339(time: &DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
