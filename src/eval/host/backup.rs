//! `backup.schedule` and `backup_jobs`: scheduled jobs on the host that run a backup
//! tool (pg_dump, mysqldump, restic, borg, rclone, duplicity, rsync, s3 tools) from
//! cron (/etc/crontab, /etc/cron.d, spool crontabs, /etc/cron.daily...) or from an
//! enabled systemd timer's service. A batch scan cannot confirm provider backups or
//! frequency, so the outcome is needs_review; the interview turns a confirmed answer
//! into pass using `backup_jobs`.

use crate::eval::{EvalContext, EvaluatorDef};
use crate::evidence::{FileState, Source};
use crate::model::ProbeType;
use crate::model::{Finding, Location, Outcome};
use crate::parse::cron::{self, Format, CRONTAB, CRON_D_GLOB, PERIODS, SPOOL_GLOB};
use crate::parse::schedule::Schedule;
use crate::parse::systemd::EnableLink;
use crate::parse::systemd::{enable_links, exec_command, parse_unit, unit_file, unit_stem, values};
use crate::parse::text::{basename, line_number, read_text, shell_words};

/// Programs whose scheduled use counts as a backup job (`aws s3` is matched too).
pub const BACKUP_TOOLS: &[&str] = &[
    "pg_dump",
    "pg_dumpall",
    "pg_basebackup",
    "mysqldump",
    "mariadb-dump",
    "restic",
    "borg",
    "borgmatic",
    "rclone",
    "duplicity",
    "rsync",
    "s3cmd",
];

/// Everything `backup.schedule` reads.
pub const BACKUP_PATHS: &[&str] = &[
    "/etc/crontab",
    "/etc/cron.d/*",
    "/var/spool/cron/crontabs/*",
    "/etc/cron.hourly/*",
    "/etc/cron.daily/*",
    "/etc/cron.weekly/*",
    "/etc/cron.monthly/*",
    "/etc/systemd/system/*.wants/*",
    "/etc/systemd/system/*.timer",
    "/etc/systemd/system/*.service",
];

const NONE_FOUND: &str = "no backup job found on the host; confirm provider backups (DigitalOcean Backups/Snapshots)";

pub fn evaluator() -> EvaluatorDef {
    EvaluatorDef {
        name: "backup.schedule",
        description: "lists scheduled backup jobs (cron, systemd timers) for the auditor to confirm",
        params: &[],
        needs: &[ProbeType::Files],
        run,
    }
}

/// A scheduled job that runs a backup tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupJob {
    /// The tool matched, e.g. `pg_dump` or `aws s3`.
    pub tool: String,
    pub command: String,
    pub schedule: Schedule,
    /// Who it runs as, when known.
    pub user: Option<String>,
    /// Where the command is written (crontab line, script line or ExecStart line).
    pub location: Location,
    /// The timer unit that triggers it, for systemd jobs.
    pub timer: Option<String>,
}

impl BackupJob {
    fn new(tool: String, command: String, schedule: Schedule, location: Location) -> Self {
        BackupJob {
            tool,
            command,
            schedule,
            user: None,
            location,
            timer: None,
        }
    }

    /// e.g. "pg_dump daily at 03:15 as postgres".
    pub fn what(&self) -> String {
        let user = self.user.as_ref().map(|u| format!(" as {u}")).unwrap_or_default();
        let via = self.timer.as_ref().map(|t| format!(" via {t}")).unwrap_or_default();
        format!("{} {}{user}{via}", self.tool, self.schedule.describe())
    }

    /// e.g. "pg_dump daily at 03:15 as postgres (/etc/cron.d/backup:3)".
    pub fn describe(&self) -> String {
        format!("{} ({})", self.what(), self.location)
    }
}

/// The backup jobs scheduled on the host.
pub fn backup_jobs(source: &dyn Source) -> Vec<BackupJob> {
    scan(source).jobs
}

/// Jobs, plus remarks worth an auditor's eye (ignored files, commented-out jobs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupScan {
    pub jobs: Vec<BackupJob>,
    pub notes: Vec<Finding>,
}

pub fn scan(source: &dyn Source) -> BackupScan {
    let mut scan = BackupScan::default();
    scan.cron_file(source, CRONTAB, Format::System, None);
    // A directory that could not be listed hides jobs: none found is never a pass.
    for path in source.glob(CRON_D_GLOB).paths {
        let runs = cron::runs_name(basename(&path));
        scan.cron_file(source, &path, Format::System, Some(runs));
    }
    for path in source.glob(SPOOL_GLOB).paths {
        scan.cron_file(source, &path, Format::User, None);
    }
    for period in PERIODS {
        for path in source.glob(&format!("/etc/cron.{period}/*")).paths {
            scan.run_parts_script(source, &path, period);
        }
    }
    scan.timers(source);
    scan
}

/// The backup tool a command runs, if any.
pub fn tool_in(command: &str) -> Option<String> {
    let words = shell_words(command);
    words.iter().enumerate().find_map(|(at, word)| {
        let program = basename(word);
        if BACKUP_TOOLS.contains(&program) {
            Some(program.to_string())
        } else {
            (program == "aws" && words.get(at + 1) == Some(&"s3")).then(|| "aws s3".to_string())
        }
    })
}

impl BackupScan {
    fn unavailable(&mut self, path: &str, state: &FileState) {
        if !matches!(state, FileState::Missing) {
            self.notes.push(Finding::new(state.problem(path).unwrap_or_default()));
        }
    }

    /// `runs`: for /etc/cron.d files, whether cron reads a file of that name.
    fn cron_file(&mut self, source: &dyn Source, path: &str, format: Format, runs: Option<bool>) {
        let text = match read_text(source, path) {
            Ok(text) => text,
            Err(state) => return self.unavailable(path, &state),
        };
        let owner = (format == Format::User).then(|| basename(path).to_string());
        for entry in cron::parse_crontab(&text, format) {
            let Some(tool) = tool_in(&entry.command) else {
                continue;
            };
            let location = Location::line(path, entry.line);
            if entry.commented {
                let message = format!("commented out, so not scheduled: {}", entry.command);
                self.notes.push(Finding::at(message, location));
            } else if runs == Some(false) {
                let message = format!(
                    "{tool} job is never run: cron ignores /etc/cron.d files whose names have characters other than letters, digits, '_' and '-'"
                );
                self.notes.push(Finding::at(message, location));
            } else {
                let user = entry.user.or_else(|| owner.clone());
                let (command, schedule) = (entry.command, entry.schedule);
                self.jobs.push(BackupJob {
                    user,
                    ..BackupJob::new(tool, command, schedule, location)
                });
            }
        }
    }

    fn run_parts_script(&mut self, source: &dyn Source, path: &str, period: &str) {
        let text = match read_text(source, path) {
            Ok(text) => text,
            Err(state) => return self.unavailable(path, &state),
        };
        let found = text.lines().enumerate().find_map(|(index, line)| {
            let line = line.trim();
            let tool = if line.starts_with('#') { None } else { tool_in(line) };
            tool.map(|tool| (tool, line.to_string(), line_number(index)))
        });
        let Some((tool, command, line)) = found else {
            return;
        };
        let location = Location::line(path, line);
        if !cron::runs_name(basename(path)) {
            let message = format!("{tool} script is never run: run-parts ignores names with '.'");
            return self.notes.push(Finding::at(message, location));
        }
        let schedule = Schedule::Periodic(period.to_string());
        let user = Some("root".to_string());
        self.jobs.push(BackupJob {
            user,
            ..BackupJob::new(tool, command, schedule, location)
        });
    }

    fn timers(&mut self, source: &dyn Source) {
        for link in enable_links(source).into_iter().filter(|l| l.unit.ends_with(".timer")) {
            let Some(timer) = unit_file(source, &link.unit, Some(&link.path)) else {
                continue;
            };
            let directives = parse_unit(&timer.text);
            let settings = directives
                .iter()
                .filter(|d| d.section == "Timer" && d.key.starts_with("On"))
                .map(|d| (d.key.clone(), d.value.clone()))
                .collect();
            let schedule = Schedule::Timer(settings);
            let service = values(&directives, "Timer", "Unit").last().map(|d| d.value.clone());
            let stem = link.unit.strip_suffix(".timer").unwrap_or(&link.unit);
            let service = service.unwrap_or_else(|| format!("{stem}.service"));
            self.timer_job(source, &link, &service, schedule);
        }
    }

    /// The backup jobs a timer's service runs; when the service file was not
    /// collected, the timer's name is the only clue (e.g. `borgmatic.timer`).
    fn timer_job(&mut self, source: &dyn Source, link: &EnableLink, service: &str, schedule: Schedule) {
        let timer = link.unit.as_str();
        let Some(unit) = unit_file(source, service, None) else {
            if let Some(tool) = tool_in(&unit_stem(timer).replace(['-', '.', '@'], " ")) {
                let location = Location::file(link.path.clone());
                let command = format!("{service} (unit file not collected)");
                let timer = Some(timer.to_string());
                self.jobs.push(BackupJob {
                    timer,
                    ..BackupJob::new(tool, command, schedule, location)
                });
            }
            return;
        };
        let directives = parse_unit(&unit.text);
        let user = values(&directives, "Service", "User").last().map(|d| d.value.clone());
        let user = user.or_else(|| Some("root".to_string()));
        for exec in values(&directives, "Service", "ExecStart") {
            let command = exec_command(&exec.value).to_string();
            if let Some(tool) = tool_in(&command) {
                let location = Location::line(unit.path.clone(), exec.line);
                let (schedule, user, timer) = (schedule.clone(), user.clone(), Some(timer.to_string()));
                self.jobs.push(BackupJob {
                    user,
                    timer,
                    ..BackupJob::new(tool, command, schedule, location)
                });
            }
        }
    }
}

fn run(ctx: &EvalContext) -> Outcome {
    let scan = scan(ctx.source);
    let mut findings: Vec<Finding> = scan
        .jobs
        .iter()
        .map(|job| Finding::at(format!("{}: {}", job.what(), job.command), job.location.clone()))
        .collect();
    findings.extend(scan.notes);
    let uncollected = ctx.source.read(CRONTAB) == FileState::NotCollected;
    if uncollected && ctx.source.list_dir("/etc/systemd/system").is_none() {
        findings.push(Finding::new(
            "neither /etc/crontab nor /etc/systemd/system was collected; add a files probe with BACKUP_PATHS",
        ));
    }
    let summary = match scan.jobs.as_slice() {
        [] => NONE_FOUND.to_string(),
        jobs => found_summary(jobs),
    };
    let mut outcome = Outcome::needs_review(summary).with_all(findings);
    if !scan.jobs.is_empty() {
        outcome = outcome.with_fact("job", "found");
    }
    // The most frequent job says how often the data is backed up; a job whose
    // schedule cannot be read leaves it unsaid (it might be the most frequent).
    let periods: Option<Vec<_>> = scan.jobs.iter().map(|j| j.schedule.period()).collect();
    if let Some(period) = periods.and_then(|p| p.into_iter().min()) {
        outcome = outcome.with_fact("frequency", period.as_str());
    }
    outcome
}

fn found_summary(jobs: &[BackupJob]) -> String {
    let shown: Vec<String> = jobs.iter().take(2).map(BackupJob::describe).collect();
    let more = match jobs.len().saturating_sub(2) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let noun = if jobs.len() == 1 { "job" } else { "jobs" };
    format!(
        "backup {noun} found: {}{more}; confirm provider backups (DigitalOcean Backups/Snapshots) and frequency",
        shown.join("; ")
    )
}
