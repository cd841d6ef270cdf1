//! logging.centralized: rsyslog forwarding and shipper configurations.

use super::{lines, run};
use crate::evidence::Snapshot;
use crate::model::Status;

const STOCK_RSYSLOG: &str = "\
# /etc/rsyslog.conf configuration file for rsyslog
module(load=\"imuxsock\") # provides support for local system logging
#module(load=\"imudp\")
#input(type=\"imudp\" port=\"514\")
module(load=\"imklog\" permitnonkernelfacility=\"on\")
$RepeatedMsgReduction on
$FileOwner syslog
$WorkDirectory /var/spool/rsyslog
$IncludeConfig /etc/rsyslog.d/*.conf
";

const DEFAULT_RULES: &str = "\
auth,authpriv.*\t\t\t/var/log/auth.log
*.*;auth,authpriv.none\t\t-/var/log/syslog
kern.*\t\t\t\t-/var/log/kern.log
mail.err\t\t\t/var/log/mail.err
*.emerg\t\t\t\t:omusrmsg:*
";

const NONE: &str =
    "no log shipper configured on the host; confirm where logs are centralized, their retention and who reviews them";

fn stock() -> Snapshot {
    Snapshot::new()
        .with_file("/etc/rsyslog.conf", STOCK_RSYSLOG)
        .with_file("/etc/rsyslog.d/50-default.conf", DEFAULT_RULES)
        .with_file(
            "/etc/rsyslog.d/20-ufw.conf",
            ":msg,contains,\"[UFW \" /var/log/ufw.log\n#& stop\n",
        )
}

#[test]
fn rsyslog_omfwd() {
    let snap = stock().with_file(
        "/etc/rsyslog.d/60-forward.conf",
        "*.* action(type=\"omfwd\" target=\"logs.example.com\" port=\"514\" protocol=\"tcp\"\n       queue.type=\"LinkedList\" action.resumeRetryCount=\"-1\")\n",
    );
    let outcome = run("logging.centralized", &snap);
    assert_eq!(outcome.status, Status::NeedsReview);
    assert_eq!(
        outcome.summary,
        "rsyslog forwards to logs.example.com:514 (/etc/rsyslog.d/60-forward.conf:1); confirm retention and who reviews"
    );
}

#[test]
fn filebeat() {
    let snap = stock().with_file(
        "/etc/filebeat/filebeat.yml",
        "filebeat.inputs:\n- type: filestream\n  id: syslog\n  paths:\n    - /var/log/syslog\n\n# ---- Elasticsearch Output ----\noutput.elasticsearch:\n  # Array of hosts to connect to.\n  hosts: [\"es.example.com:9200\"]\n  protocol: \"https\"\n",
    );
    let outcome = run("logging.centralized", &snap);
    assert_eq!(
        outcome.summary,
        "filebeat ships to elasticsearch at es.example.com:9200 (/etc/filebeat/filebeat.yml:8); confirm retention and who reviews"
    );
}

#[test]
fn table() {
    let cases: &[(&str, Snapshot, &str)] = &[
        ("stock rsyslog only", stock(), NONE),
        ("nothing collected", Snapshot::new(), NONE),
        (
            "legacy @@ forwarding",
            stock().with_file("/etc/rsyslog.d/90-remote.conf", "# ship\n*.*  @@(o)logs.example.com:6514\n"),
            "rsyslog forwards to logs.example.com:6514 (/etc/rsyslog.d/90-remote.conf:2)",
        ),
        (
            "commented-out forwarding",
            stock().with_file("/etc/rsyslog.d/90-remote.conf", "#*.* @@logs.example.com:514\n"),
            NONE,
        ),
        (
            "filebeat writing to the console only",
            stock().with_file("/etc/filebeat/filebeat.yml", "output.console:\n  pretty: true\n"),
            NONE,
        ),
        (
            "filebeat to logstash, hosts as a list",
            stock().with_file("/etc/filebeat/filebeat.yml", "output.logstash:\n  hosts:\n    - \"logs.internal:5044\"\n"),
            "filebeat ships to logstash at logs.internal:5044 (/etc/filebeat/filebeat.yml:1)",
        ),
        (
            "stock vector demo prints to the console",
            stock().with_file("/etc/vector/vector.yaml", "sources:\n  dummy_logs:\n    type: \"demo_logs\"\n    format: \"syslog\"\nsinks:\n  print:\n    type: \"console\"\n    inputs: [\"parse_logs\"]\n"),
            NONE,
        ),
        (
            "vector toml to loki",
            stock().with_file("/etc/vector/vector.toml", "[sources.journal]\ntype = \"journald\"\n\n[sinks.loki]\ntype = \"loki\"\ninputs = [\"journal\"]\n"),
            "vector sends to a loki sink (/etc/vector/vector.toml:5)",
        ),
        (
            "fluent-bit classic es output",
            stock().with_file("/etc/fluent-bit/fluent-bit.conf", "[SERVICE]\n    flush 1\n[INPUT]\n    name cpu\n[OUTPUT]\n    Name  es\n    Match *\n    Host  es.example.com\n"),
            "fluent-bit outputs to es at es.example.com (/etc/fluent-bit/fluent-bit.conf:5)",
        ),
        (
            "fluent-bit stock stdout",
            stock().with_file("/etc/fluent-bit/fluent-bit.conf", "[INPUT]\n    name cpu\n[OUTPUT]\n    name  stdout\n    match *\n"),
            NONE,
        ),
        (
            "fluent-bit yaml",
            stock().with_file("/etc/fluent-bit/fluent-bit.yaml", "pipeline:\n  inputs:\n    - name: systemd\n  outputs:\n    - name: loki\n      match: '*'\n      host: loki.example.com\n"),
            "fluent-bit outputs to loki at loki.example.com (/etc/fluent-bit/fluent-bit.yaml:5)",
        ),
        (
            "promtail",
            stock().with_file("/etc/promtail/config.yml", "server:\n  http_listen_port: 9080\nclients:\n  - url: http://loki.example.com:3100/loki/api/v1/push\n"),
            "promtail pushes to http://loki.example.com:3100/loki/api/v1/push (/etc/promtail/config.yml:4)",
        ),
        (
            "datadog logs enabled",
            stock().with_file("/etc/datadog-agent/datadog.yaml", "api_key: x\n# logs_enabled: false\nlogs_enabled: true\n"),
            "datadog-agent collects logs (logs_enabled: true) (/etc/datadog-agent/datadog.yaml:3)",
        ),
        (
            "datadog logs not enabled",
            stock().with_file("/etc/datadog-agent/datadog.yaml", "api_key: x\n# logs_enabled: true\n"),
            NONE,
        ),
        (
            "google ops agent",
            stock().with_file("/etc/google-cloud-ops-agent/config.yaml", "logging:\n  receivers:\n    syslog:\n      type: files\n"),
            "google-cloud-ops-agent sends logs to Cloud Logging (/etc/google-cloud-ops-agent/config.yaml:1)",
        ),
    ];
    for (name, snap, want) in cases {
        let outcome = run("logging.centralized", snap);
        assert_eq!(outcome.status, Status::NeedsReview, "{name}");
        assert!(
            outcome.summary.starts_with(want),
            "{name}: {}\n{:?}",
            outcome.summary,
            lines(&outcome)
        );
    }
}

#[test]
fn local_only_sinks_are_reported_as_evidence() {
    let snap = stock().with_file("/etc/filebeat/filebeat.yml", "output.console:\n  pretty: true\n");
    let evidence = lines(&run("logging.centralized", &snap));
    assert_eq!(
        evidence,
        vec!["filebeat writes only to console, not off the host @ /etc/filebeat/filebeat.yml:1"]
    );
}
