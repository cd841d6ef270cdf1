//! monitoring.metrics: enabled agent units versus units only installed.

use super::{lines, run};
use crate::evidence::{FileKind, FileMeta, FileState, Snapshot};
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
    assert!(METRICS_PATHS.contains(&crate::parse::systemd::WANTS_GLOB));
}

fn link_to(target: &str) -> FileMeta {
    FileMeta {
        kind: FileKind::Symlink,
        mode: 0o777,
        uid: 0,
        gid: 0,
        size: target.len() as u64,
        mtime: 0,
        link: Some(target.to_string()),
    }
}

const NE_WANTS: &str = "/etc/systemd/system/multi-user.target.wants/node_exporter.service";
const NE_ETC: &str = "/etc/systemd/system/node_exporter.service";
const NE_LIB: &str = "/lib/systemd/system/node_exporter.service";

/// node_exporter enabled (its link read through to /lib), plus what `extra` adds.
fn enabled_node_exporter() -> Snapshot {
    base()
        .with_file(NE_WANTS, NODE_EXPORTER_UNIT)
        .with_meta(NE_WANTS, link_to(NE_LIB))
        .with_file(NE_LIB, NODE_EXPORTER_UNIT)
}

#[test]
fn masked_units_never_start() {
    let masked = format!("node_exporter.service is masked ({NE_ETC} -> /dev/null) @ {NE_ETC}");
    let empty = format!("node_exporter.service is masked ({NE_ETC} is an empty file) @ {NE_ETC}");
    // (case, host, status, the mask finding); under --root a link to /dev/null reads
    // as missing, on the host itself as a device.
    let cases: [(&str, Snapshot, Status, &str); 5] = [
        (
            "link to /dev/null, read under --root",
            enabled_node_exporter()
                .with_meta(NE_ETC, link_to("/dev/null"))
                .with_state(NE_ETC, FileState::Missing),
            Status::NeedsReview,
            &masked,
        ),
        (
            "link to /dev/null, read on the host",
            enabled_node_exporter()
                .with_meta(NE_ETC, link_to("/dev/null"))
                .with_state(NE_ETC, FileState::Unreadable(format!("{NE_ETC} is a device"))),
            Status::NeedsReview,
            &masked,
        ),
        (
            "relative link",
            enabled_node_exporter().with_meta(NE_ETC, link_to("../../../dev/null")),
            Status::NeedsReview,
            "node_exporter.service is masked (/etc/systemd/system/node_exporter.service -> ../../../dev/null)",
        ),
        (
            "empty file",
            enabled_node_exporter().with_file(NE_ETC, ""),
            Status::NeedsReview,
            &empty,
        ),
        (
            "another agent still runs",
            enabled_node_exporter()
                .with_meta(NE_ETC, link_to("/dev/null"))
                .with_file(
                    "/etc/systemd/system/multi-user.target.wants/netdata.service",
                    "[Service]\n",
                ),
            Status::Pass,
            &masked,
        ),
    ];
    for (name, snap, status, finding) in cases {
        let outcome = run("monitoring.metrics", &snap);
        assert_eq!(outcome.status, status, "{name}: {}", outcome.summary);
        let found = lines(&outcome);
        assert!(found.iter().any(|l| l.starts_with(finding)), "{name}: {found:?}");
        assert!(
            !found.iter().any(|l| l.contains("installed but not enabled")),
            "{name}: {found:?}"
        );
        if status == Status::NeedsReview {
            assert!(
                outcome
                    .summary
                    .starts_with("node_exporter.service is masked, so it never starts"),
                "{name}"
            );
        }
    }
}

#[test]
fn dangling_enable_links() {
    let telegraf = "/etc/systemd/system/multi-user.target.wants/telegraf.service";
    let dangling = base()
        .with_meta(telegraf, link_to("/lib/systemd/system/telegraf.service"))
        .with_state(telegraf, FileState::Missing);
    let outcome = run("monitoring.metrics", &dangling);
    assert_eq!(outcome.status, Status::NeedsReview);
    assert_eq!(
        lines(&outcome),
        vec![format!(
            "telegraf.service is not enabled: its enable link points to /lib/systemd/system/telegraf.service, \
             which does not exist, and no telegraf.service unit file was found on the unit path @ {telegraf}"
        )]
    );
    // systemd adds the unit by its link's name: found elsewhere on the unit path, it runs.
    let elsewhere = dangling.with_file("/usr/lib/systemd/system/telegraf.service", "[Service]\n");
    assert_eq!(run("monitoring.metrics", &elsewhere).status, Status::Pass);
    // An enable link that is itself a mask enables nothing.
    let null_link = base()
        .with_meta(NE_WANTS, link_to("/dev/null"))
        .with_state(NE_WANTS, FileState::Missing)
        .with_file(NE_LIB, NODE_EXPORTER_UNIT);
    assert_eq!(run("monitoring.metrics", &null_link).status, Status::NeedsReview);
}

#[test]
fn the_checklist_collects_what_the_evaluator_reads() {
    use crate::eval::host::metrics::{METRICS_META, METRICS_PATHS};
    let checklist = include_str!("../../../../checklists/13-monitoring.toml");
    for path in METRICS_PATHS.iter().chain(METRICS_META) {
        assert!(checklist.contains(&format!("\"{path}\"")), "{path}");
    }
    assert!(checklist.contains("kind = \"meta\""));
}
