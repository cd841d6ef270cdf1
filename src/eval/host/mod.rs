//! Host evaluators, each reading only through a `Source`:
//! - `auth.sudo` (probe kind `sudoers`): sudoers with its includes, aliases and tags,
//!   and the admin groups of /etc/group — [`sudo`], [`sudoers`], [`sudoers_syntax`],
//!   [`sudo_policy`], [`group`];
//! - `monitoring.metrics`: enabled systemd units of metrics agents — [`metrics`],
//!   [`systemd`];
//! - `backup.schedule`: backup jobs in cron and systemd timers — [`backup`], [`cron`],
//!   [`schedule`];
//! - `logging.centralized`: log shipper configurations and rsyslog forwarding —
//!   [`logship`], [`shippers`], [`rsyslog`].
//!
//! The `files` probes of the last three must read the paths in [`METRICS_PATHS`],
//! [`BACKUP_PATHS`] and [`LOGGING_PATHS`]; `monitoring.metrics` also needs a `meta`
//! probe of [`METRICS_META`] (symlink targets: masks and dangling enable links).

pub mod backup;
pub mod cron;
pub mod group;
pub mod logship;
pub mod metrics;
pub mod rsyslog;
pub mod schedule;
pub mod shippers;
pub mod sudo;
pub mod sudo_policy;
pub mod sudoers;
pub mod sudoers_syntax;
pub mod systemd;
pub(crate) mod text;

#[cfg(test)]
mod tests;

pub use backup::{backup_jobs, BackupJob, BACKUP_PATHS};
pub use logship::LOGGING_PATHS;
pub use metrics::{METRICS_META, METRICS_PATHS};

use super::{CollectorDef, EvaluatorDef};

pub fn evaluators() -> Vec<EvaluatorDef> {
    vec![
        sudo::evaluator(),
        metrics::evaluator(),
        backup::evaluator(),
        logship::evaluator(),
    ]
}

pub fn collectors() -> Vec<CollectorDef> {
    vec![sudo::collector()]
}
