//! No input makes the sudoers, cron, systemd, rsyslog or shipper parsers panic.

use super::run;
use crate::evidence::Snapshot;
use crate::parse::cron::{parse_crontab, Format};
use crate::parse::schedule::Schedule;
use crate::parse::{group, rsyslog, shippers, systemd};
use proptest::prelude::*;

fn lines_of(line: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    prop::collection::vec(line, 0..16).prop_map(|lines| lines.join("\n"))
}

fn sudoers_text() -> impl Strategy<Value = String> {
    lines_of(prop_oneof![
        r#"[a-zA-Z%#!0-9]{0,8}[ ,]{0,2}[A-Z0-9]{0,4} ?= ?(\([A-Za-z:#0-9, ]{0,9}\)?)? ?((NOPASSWD|PASSWD|NOEXEC|sha256|TIMEOUT=1) ?:? ?)*[A-Za-z/ ,!:=\\]{0,20}\\?"#,
        r"(User|Cmnd|Runas|Host)_Alias [A-Z_]{0,5} ?= ?[a-zA-Z, :=!\\]{0,20}",
        r#"Defaults[:@>!]?[a-z,% ]{0,8} [!a-z_=" ,+]{0,20}"#,
        r#"[#@]include(dir)? [a-z/.~"\\ %]{0,15}"#,
        r#"[ \ta-zA-Z0-9_%#@!=:,()\\"*./~-]{0,60}"#,
        ".{0,40}",
    ])
}

fn cron_text() -> impl Strategy<Value = String> {
    lines_of(prop_oneof![
        r"[-#@ ]{0,2}[0-9*/,a-z-]{0,4}( [0-9*/,a-z-]{0,4}){0,6} [a-z_/ |>%\\\-]{0,24}",
        r"\[(Timer|Service|Unit)\]|(OnCalendar|ExecStart|Unit|User|OnBootSec)=[-@+!:a-zA-Z0-9*/ .,]{0,20}\\?",
        ".{0,40}",
    ])
}

fn rsyslog_text() -> impl Strategy<Value = String> {
    lines_of(prop_oneof![
        r"[*.a-z;,]{0,8}[ \t]+(@@?|:omrelp:|& )(\([a-z0-9]*\)?)?\[?[a-z0-9.:]{0,12}\]?(:[0-9]{0,5})?(;[A-Za-z]{0,5})?",
        r#"[* ]{0,4}action\( ?(type|target|port|protocol)="[a-z.]{0,8}"?( [a-z.]{1,6}="[^"]{0,5}"){0,3}\)?"#,
        r#"/\*|\*/|#.*|"|\$[A-Za-z]+ .{0,8}"#,
        ".{0,40}",
    ])
}

fn shipper_text() -> impl Strategy<Value = String> {
    lines_of(prop_oneof![
        r#"( {0,6}(- )?)(output(\.[a-z]+)?|hosts|sinks|type|outputs|name|host|clients|url|logs_enabled|logging|cloud\.id)?:? ?[\["a-z0-9:.,\]' #]{0,16}"#,
        r#"\[(sinks\.[a-z]*|OUTPUT|INPUT|sources\.x)\]?|(type|Name|Host) ?=? ?"?[a-z]{0,6}"?"#,
        ".{0,40}",
    ])
}

proptest! {
    #[test]
    fn sudoers_never_panics(text in sudoers_text(), other in sudoers_text()) {
        let snap = Snapshot::new()
            .with_file("/etc/sudoers", &format!("{text}\n@includedir /etc/sudoers.d\n"))
            .with_file("/etc/sudoers.d/a", &other)
            .with_file("/etc/sudoers.d/b", &text)
            .with_file("/etc/group", &other);
        let _ = run("auth.sudo", &snap);
        let _ = group::parse_groups(&text);
    }

    #[test]
    fn cron_and_timers_never_panic(text in cron_text()) {
        for format in [Format::System, Format::User] {
            for entry in parse_crontab(&text, format) {
                let _ = entry.schedule.describe();
            }
        }
        let _ = systemd::parse_unit(&text);
        let snap = Snapshot::new()
            .with_file("/etc/crontab", &text)
            .with_file("/etc/cron.d/x", &text)
            .with_file("/var/spool/cron/crontabs/u", &text)
            .with_file("/etc/cron.daily/y", &text)
            .with_file("/etc/systemd/system/timers.target.wants/b@x.timer", &text)
            .with_file("/etc/systemd/system/b@.service", &text);
        let _ = run("backup.schedule", &snap);
        let _ = run("monitoring.metrics", &snap);
    }

    #[test]
    fn schedules_never_panic(fields in prop::array::uniform5(r"[0-9*/,a-zA-Z.:-]{0,6}"), calendar in r"[A-Za-z.,]{0,8} ?[0-9*/-]{0,8} ?[0-9*/:.]{0,9}") {
        let _ = Schedule::Fields(fields).describe();
        let _ = Schedule::Timer(vec![("OnCalendar".into(), calendar)]).describe();
    }

    #[test]
    fn rsyslog_and_shippers_never_panic(text in rsyslog_text(), config in shipper_text()) {
        let _ = rsyslog::forwards(&text);
        let _ = shippers::filebeat(&config, "/f");
        let _ = shippers::vector(&config, "/v");
        let _ = shippers::fluent_bit(&config, "/b");
        let _ = shippers::promtail(&config, "/p");
        let _ = shippers::datadog(&config, "/d");
        let snap = Snapshot::new()
            .with_file("/etc/rsyslog.conf", &text)
            .with_file("/etc/rsyslog.d/x.conf", &config)
            .with_file("/etc/filebeat/filebeat.yml", &config)
            .with_file("/etc/vector/vector.yaml", &config)
            .with_file("/etc/fluent-bit/fluent-bit.conf", &config)
            .with_file("/etc/promtail/config.yml", &config);
        let _ = run("logging.centralized", &snap);
    }
}
