//! The fixture hosts under tests/fixtures/{weak,hardened,mixed}, collected as
//! `--root` collects them (absolute symlink targets resolved inside the root), give
//! the statuses and summaries that tests/fixtures/EXPECTED-host.md lists.

use super::run;
use crate::model::Status;
use crate::testing::fixture_snapshot as fixture;

const BACKUP_NONE: &str = "no backup job found on the host; confirm provider backups (DigitalOcean Backups/Snapshots)";
const LOGS_NONE: &str =
    "no log shipper configured on the host; confirm where logs are centralized, their retention and who reviews them";
const METRICS_NONE: &str = "no metrics agent enabled; confirm how the host is monitored";

fn check(name: &str, expected: &[(&str, Status, &str)]) {
    let snap = fixture(name);
    for (control, status, summary) in expected {
        let outcome = run(control, &snap);
        assert_eq!(
            (outcome.status, outcome.summary.as_str()),
            (*status, *summary),
            "{name} {control}"
        );
    }
}

#[test]
fn weak() {
    check(
        "weak",
        &[
            ("auth.sudo", Status::Warn, "sudo grants NOPASSWD: ALL to deploy (/etc/sudoers.d/90-cloud-init-users:4); require a password or limit it to named commands"),
            ("monitoring.metrics", Status::NeedsReview, METRICS_NONE),
            ("backup.schedule", Status::NeedsReview, BACKUP_NONE),
            ("logging.centralized", Status::NeedsReview, LOGS_NONE),
        ],
    );
}

#[test]
fn hardened() {
    check(
        "hardened",
        &[
            ("auth.sudo", Status::Pass, "only root may run everything without a password; sudo users: root, %admin (no such group), %sudo (alice), deploy"),
            ("monitoring.metrics", Status::Pass, "metrics agent enabled: prometheus-node-exporter.service (multi-user.target)"),
            ("backup.schedule", Status::NeedsReview, "backup job found: pg_dump daily at 03:15 as postgres (/etc/cron.d/pgbackup:5); confirm provider backups (DigitalOcean Backups/Snapshots) and frequency"),
            ("logging.centralized", Status::NeedsReview, "rsyslog forwards to logs.example.com:514 (/etc/rsyslog.d/60-forward.conf:1); confirm retention and who reviews"),
        ],
    );
}

#[test]
fn mixed() {
    check(
        "mixed",
        &[
            ("auth.sudo", Status::Pass, "only root may run everything without a password; sudo users: root, %admin (no such group), %sudo (ubuntu, deploy)"),
            ("monitoring.metrics", Status::NeedsReview, METRICS_NONE),
            ("backup.schedule", Status::NeedsReview, "backup job found: restic daily at 02:30 as root via restic-backup.timer (/etc/systemd/system/restic-backup.service:9); confirm provider backups (DigitalOcean Backups/Snapshots) and frequency"),
            ("logging.centralized", Status::NeedsReview, "filebeat ships to logstash at logs.internal.example.com:5044 (/etc/filebeat/filebeat.yml:20); confirm retention and who reviews"),
        ],
    );
}
