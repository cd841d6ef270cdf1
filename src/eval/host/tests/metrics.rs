//! monitoring.metrics: enabled agent units versus units only installed.

use super::{lines, run};
use crate::evidence::{FileState, Snapshot};
use crate::model::Status;

const NODE_EXPORTER_UNIT: &str = "\
[Unit]
Description=Prometheus exporter for machine metrics
Documentation=https://github.com/prometheus/node_exporter

[Service]
Restart=on-failure
User=prometheus
EnvironmentFile=/etc/default/prometheus-node-exporter
ExecStart=/usr/bin/prometheus-node-exporter $ARGS
ExecReload=/bin/kill -HUP $MAINPID
TimeoutStopSec=20s
SendSIGKILL=no

[Install]
WantedBy=multi-user.target
";

const LINK: &str = "/etc/systemd/system/multi-user.target.wants/prometheus-node-exporter.service";
const NONE: &str = "no metrics agent enabled; confirm how the host is monitored";

fn base() -> Snapshot {
    Snapshot::new()
        .with_file(
            "/etc/systemd/system/multi-user.target.wants/cron.service",
            "[Service]\nExecStart=/usr/sbin/cron -f -P\n",
        )
        .with_file(
            "/etc/systemd/system/timers.target.wants/logrotate.timer",
            "[Timer]\nOnCalendar=daily\n",
        )
}

#[test]
fn enabled_node_exporter_passes() {
    let snap = base().with_file(LINK, NODE_EXPORTER_UNIT).with_file(
        "/lib/systemd/system/prometheus-node-exporter.service",
        NODE_EXPORTER_UNIT,
    );
    let outcome = run("monitoring.metrics", &snap);
    assert_eq!(outcome.status, Status::Pass);
    assert_eq!(
        outcome.summary,
        "metrics agent enabled: prometheus-node-exporter.service (multi-user.target)"
    );
    assert_eq!(
        lines(&outcome),
        vec![format!(
            "prometheus-node-exporter.service runs prometheus-node-exporter, enabled for multi-user.target @ {LINK}"
        )]
    );
}

#[test]
fn installed_but_not_enabled_needs_review() {
    let snap = base().with_file(
        "/lib/systemd/system/prometheus-node-exporter.service",
        NODE_EXPORTER_UNIT,
    );
    let outcome = run("monitoring.metrics", &snap);
    assert_eq!(outcome.status, Status::NeedsReview);
    assert_eq!(outcome.summary, NONE);
    assert_eq!(
        lines(&outcome),
        vec!["prometheus-node-exporter.service is installed but not enabled @ /lib/systemd/system/prometheus-node-exporter.service"]
    );
}

#[test]
fn agent_found_through_exec_start_of_a_renamed_unit() {
    let snap = base().with_file(
        "/etc/systemd/system/multi-user.target.wants/metrics.service",
        "[Service]\nExecStart=/opt/digitalocean/bin/do-agent --syslog\n",
    );
    let outcome = run("monitoring.metrics", &snap);
    assert_eq!(outcome.status, Status::Pass, "{}", outcome.summary);
    assert!(lines(&outcome)[0].starts_with("metrics.service runs do-agent"));
}

#[test]
fn table() {
    let cases: &[(&str, Snapshot, Status)] = &[
        ("stock units only", base(), Status::NeedsReview),
        (
            "dangling enable link",
            base().with_state(
                "/etc/systemd/system/multi-user.target.wants/netdata.service",
                FileState::Missing,
            ),
            Status::NeedsReview,
        ),
        (
            "datadog by unit name",
            base().with_file(
                "/etc/systemd/system/multi-user.target.wants/datadog-agent.service",
                "[Service]\n",
            ),
            Status::Pass,
        ),
        (
            "a timer named like an agent is not the agent",
            base().with_file(
                "/etc/systemd/system/timers.target.wants/prometheus-node-exporter-apt.timer",
                "[Timer]\n",
            ),
            Status::NeedsReview,
        ),
        ("nothing collected", Snapshot::new(), Status::NeedsReview),
    ];
    for (name, snap, want) in cases {
        let outcome = run("monitoring.metrics", snap);
        assert_eq!(outcome.status, *want, "{name}: {}", outcome.summary);
    }
    let uncollected = run("monitoring.metrics", &Snapshot::new());
    assert!(lines(&uncollected)[0].contains("was not collected"));
}

#[test]
fn metrics_paths_cover_every_unit_file_read() {
    use crate::eval::host::metrics::{agent_unit_paths, METRICS_PATHS};
    for path in agent_unit_paths() {
        assert!(METRICS_PATHS.contains(&path.as_str()), "{path}");
    }
    assert!(METRICS_PATHS.contains(&crate::eval::host::systemd::WANTS_GLOB));
}
