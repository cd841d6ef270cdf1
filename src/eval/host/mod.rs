//! Host evaluators, each reading only through a `Source` with the parsers of
//! `parse`:
//! - `auth.sudo` (probe kind `sudoers`): sudoers with its includes, aliases and tags,
//!   and the admin groups of /etc/group — [`sudo`];
//! - `monitoring.metrics`: enabled systemd units of metrics agents — [`metrics`];
//! - `backup.schedule`: backup jobs in cron and systemd timers — [`backup`];
//! - `logging.centralized`: log shipper configurations and rsyslog forwarding —
//!   [`logship`].
//!
//! The `files` probes of the last three must read the paths in [`METRICS_PATHS`],
//! [`BACKUP_PATHS`] and [`LOGGING_PATHS`]; `monitoring.metrics` also needs a `meta`
//! probe of [`METRICS_META`] (symlink targets: masks and dangling enable links).

pub mod backup;
pub mod logship;
pub mod metrics;
pub mod sudo;

#[cfg(test)]
mod tests;

pub use backup::{backup_jobs, BackupJob, BACKUP_PATHS};
pub use logship::LOGGING_PATHS;
pub use metrics::{METRICS_META, METRICS_PATHS};

use super::EvaluatorDef;

pub fn evaluators() -> Vec<EvaluatorDef> {
    vec![
        sudo::evaluator(),
        metrics::evaluator(),
        backup::evaluator(),
        logship::evaluator(),
    ]
}
