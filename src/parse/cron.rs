//! Crontabs as Debian cron reads them: /etc/crontab and /etc/cron.d/* carry a user
//! field, spool crontabs (/var/spool/cron/crontabs/USER) do not; comments are whole
//! lines starting with `#`, `NAME=value` lines set the environment, and an unescaped
//! `%` ends the command (the rest is its stdin). cron ignores /etc/cron.d files, and
//! run-parts ignores /etc/cron.daily scripts, whose names are not made only of
//! letters, digits, `_` and `-`: `backup.sh` there never runs.

use crate::parse::schedule::Schedule;
use crate::parse::text::line_number;

pub const CRONTAB: &str = "/etc/crontab";
pub const CRON_D_GLOB: &str = "/etc/cron.d/*";
pub const SPOOL_GLOB: &str = "/var/spool/cron/crontabs/*";
/// The run-parts directories /etc/crontab runs, as /etc/cron.PERIOD.
pub const PERIODS: &[&str] = &["hourly", "daily", "weekly", "monthly"];

/// Which crontab layout a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// /etc/crontab and /etc/cron.d: schedule, user, command.
    System,
    /// A user's spool crontab: schedule, command; the file name is the user.
    User,
}

/// One job line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronEntry {
    pub schedule: Schedule,
    /// The user field (system crontabs only).
    pub user: Option<String>,
    pub command: String,
    /// 1-based line.
    pub line: u32,
    /// The line is commented out: it looks like a job but cron does not run it.
    pub commented: bool,
}

/// Does cron (for /etc/cron.d) and run-parts (for /etc/cron.daily...) use a file of this name?
pub fn runs_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Every job line of a crontab, including commented-out ones (flagged).
pub fn parse_crontab(text: &str, format: Format) -> Vec<CronEntry> {
    text.lines()
        .enumerate()
        .filter_map(|(index, raw)| {
            let line = raw.trim();
            let (commented, body) = match line.strip_prefix('#') {
                Some(rest) => (true, rest.trim_start_matches('#').trim_start()),
                None => (false, line),
            };
            let (schedule, user, command) = parse_job(body, format)?;
            Some(CronEntry {
                schedule,
                user,
                command,
                line: line_number(index),
                commented,
            })
        })
        .collect()
}

fn parse_job(line: &str, format: Format) -> Option<(Schedule, Option<String>, String)> {
    // Debian cron: a leading `-` only turns off syslog logging of the job.
    let line = line.strip_prefix('-').unwrap_or(line);
    if line.starts_with('@') {
        let (word, rest) = split_word(line)?;
        let (user, command) = take_user(rest, format)?;
        return Some((Schedule::Keyword(word.to_ascii_lowercase()), user, command));
    }
    if !line.starts_with(|c: char| c.is_ascii_digit() || c == '*') {
        return None;
    }
    let mut rest = line;
    let mut fields: Vec<String> = Vec::with_capacity(5);
    for _ in 0..5 {
        let (word, after) = split_word(rest)?;
        fields.push(word.to_string());
        rest = after;
    }
    let (user, command) = take_user(rest, format)?;
    Some((Schedule::Fields(fields.try_into().ok()?), user, command))
}

/// The first whitespace-separated word and what follows it.
fn split_word(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start();
    let end = text.find(char::is_whitespace)?;
    Some((&text[..end], &text[end..]))
}

fn take_user(rest: &str, format: Format) -> Option<(Option<String>, String)> {
    let (user, command) = match format {
        Format::System => {
            let (user, command) = split_word(rest)?;
            (Some(user.to_string()), command)
        }
        Format::User => (None, rest),
    };
    let command = cut_percent(command.trim()).trim_end().to_string();
    (!command.is_empty()).then_some((user, command))
}

/// The command up to the first unescaped `%`.
fn cut_percent(command: &str) -> &str {
    let mut escaped = false;
    for (at, c) in command.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '%' if !escaped => return &command[..at],
            _ => escaped = false,
        }
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_and_user_formats() {
        let system = parse_crontab(
            "SHELL=/bin/sh\n# 0 5 * * 1 root tar -zcf /var/backups/home.tgz /home/\n15 3 * * * postgres pg_dump db > /x/%F.sql\n@daily root /usr/bin/restic backup\n",
            Format::System,
        );
        assert_eq!(system.len(), 3);
        assert!(system[0].commented);
        assert_eq!(system[1].user.as_deref(), Some("postgres"));
        assert_eq!(system[1].command, "pg_dump db > /x/");
        assert_eq!(system[1].line, 3);
        assert_eq!(system[2].schedule, Schedule::Keyword("@daily".into()));
        let user = parse_crontab("0 1 * * * borg create ::x /srv\n", Format::User);
        assert_eq!(user[0].user, None);
        assert_eq!(user[0].command, "borg create ::x /srv");
    }

    #[test]
    fn names_cron_reads() {
        assert!(runs_name("backup"));
        assert!(runs_name("e2scrub_all"));
        assert!(!runs_name("backup.sh"));
        assert!(!runs_name("backup~"));
    }
}
