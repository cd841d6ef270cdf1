use super::*;
use crate::model::Location;

const SSH: &str = "allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in";
const SSH6: &str = "allow tcp 22 ::/0 any ::/0 in";

fn one_rule_host(tuple: &str) -> Snapshot {
    ufw_host(
        true,
        "DROP",
        &rules_file(false, &[SSH, tuple]),
        &rules_file(true, &[SSH6]),
    )
}

const ACTIVE: &str =
    "Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), disabled (routed)\n\
New profiles: skip\n\nTo                         Action      From\n--                         ------      ----\n\
22/tcp                     ALLOW IN    Anywhere\n6379/tcp                   ALLOW IN    Anywhere\n";

#[test]
fn enabled_and_default_deny_from_files_and_status() {
    let rules = rules_file(false, &[SSH]);
    let rules6 = rules_file(true, &[SSH6]);
    let host = |enabled, policy| ufw_host(enabled, policy, &rules, &rules6);
    let allow_in = ACTIVE.replace("deny (incoming)", "allow (incoming)");
    let cases: Vec<(&str, Snapshot, Status, Status)> = vec![
        (
            "inactive, DROP in /etc/default/ufw",
            host(false, "DROP"),
            Status::Fail,
            Status::Fail,
        ),
        ("active, DROP", host(true, "DROP"), Status::Pass, Status::Pass),
        ("active, REJECT", host(true, "REJECT"), Status::Pass, Status::Pass),
        ("active, ACCEPT", host(true, "ACCEPT"), Status::Pass, Status::Fail),
        ("active, lowercase drop", host(true, "drop"), Status::Pass, Status::Pass),
        (
            "active, garbage policy",
            host(true, "MAYBE"),
            Status::Pass,
            Status::Fail,
        ),
        (
            "status active beats ENABLED=no",
            with_status(host(false, "ACCEPT"), ACTIVE),
            Status::Pass,
            Status::Pass,
        ),
        (
            "status inactive beats ENABLED=yes",
            with_status(host(true, "DROP"), "Status: inactive\n"),
            Status::Fail,
            Status::Fail,
        ),
        (
            "status allow (incoming) beats DROP",
            with_status(host(true, "DROP"), &allow_in),
            Status::Pass,
            Status::Fail,
        ),
        (
            "a failed status falls back to the files",
            host(false, "DROP").with_command(
                &["ufw", "status", "verbose"],
                CommandState::Ran {
                    stdout: "".into(),
                    stderr: "ERROR: need root".into(),
                    exit_code: Some(1),
                },
            ),
            Status::Fail,
            Status::Fail,
        ),
        (
            "status without a Default line uses the file",
            with_status(host(true, "REJECT"), "Status: active\n"),
            Status::Pass,
            Status::Pass,
        ),
    ];
    for (name, snap, enabled, deny) in cases {
        assert_eq!(status(ENABLED, &snap), enabled, "enabled: {name}");
        assert_eq!(status(DEFAULT_DENY, &snap), deny, "default-deny: {name}");
    }
}

#[test]
fn summaries_point_at_the_setting() {
    let rules = rules_file(false, &[SSH]);
    let off = ufw_host(false, "DROP", &rules, &rules);
    let enabled = run(ENABLED, &off);
    assert_eq!(
        enabled.summary,
        "No host firewall filters incoming traffic: ufw is disabled (ENABLED=no, /etc/ufw/ufw.conf:6), \
         and there is no /etc/nftables.conf"
    );
    let deny = run(DEFAULT_DENY, &off);
    assert!(deny
        .findings
        .iter()
        .any(|f| f.message.contains("has no effect while ufw is disabled")
            && f.location == Some(Location::line("/etc/default/ufw", 11))));
    let on = ufw_host(true, "ACCEPT", &rules, &rules);
    assert_eq!(
        run(ENABLED, &on).summary,
        "ufw is enabled (ENABLED=yes, /etc/ufw/ufw.conf:6)"
    );
    assert_eq!(
        run(DEFAULT_DENY, &on).summary,
        "ufw accepts incoming traffic by default (DEFAULT_INPUT_POLICY=\"ACCEPT\", /etc/default/ufw:11); set it to \"DROP\""
    );
    let active = run(DEFAULT_DENY, &with_status(on, ACTIVE));
    assert_eq!(
        active.summary,
        "ufw denies incoming traffic by default (deny, ufw status verbose:3)"
    );
}

#[test]
fn allowed_ports_from_user_rules() {
    let cases: Vec<(&str, &str, Status, &str)> = vec![
        (
            "5432 to anywhere",
            "allow any 5432 0.0.0.0/0 any 0.0.0.0/0 in",
            Status::Fail,
            "5432 (PostgreSQL) is open to anywhere",
        ),
        (
            "app port 8000",
            "allow tcp 8000 0.0.0.0/0 any 0.0.0.0/0 in",
            Status::Warn,
            "8000/tcp is open to anywhere",
        ),
        (
            "web list",
            "allow tcp 80,443 0.0.0.0/0 any 0.0.0.0/0 Nginx%20Full - in",
            Status::Pass,
            "Only expected ports",
        ),
        (
            "8000 from the VPC",
            "allow tcp 8000 0.0.0.0/0 any 10.0.0.0/8 in",
            Status::Pass,
            "Only expected ports",
        ),
        (
            "mosh range",
            "allow udp 60000:61000 0.0.0.0/0 any 0.0.0.0/0 in",
            Status::Warn,
            "60000:61000/udp is open",
        ),
        (
            "range over redis",
            "allow tcp 6000:7000 0.0.0.0/0 any 0.0.0.0/0 in",
            Status::Fail,
            "6379/tcp (Redis)",
        ),
        (
            "allow everything",
            "allow any any 0.0.0.0/0 any 0.0.0.0/0 in",
            Status::Fail,
            "a rule accepts every port from anywhere: /etc/ufw/user.rules:",
        ),
        (
            "every tcp port",
            "allow tcp any 0.0.0.0/0 any 0.0.0.0/0 in",
            Status::Fail,
            "a rule accepts every tcp port from anywhere: /etc/ufw/user.rules:",
        ),
        (
            "rate-limited mysql",
            "limit tcp 3306 0.0.0.0/0 any 0.0.0.0/0 in",
            Status::Fail,
            "3306/tcp (MySQL)",
        ),
        (
            "deny rules open nothing",
            "deny tcp 5432 0.0.0.0/0 any 0.0.0.0/0 in",
            Status::Pass,
            "Only expected ports",
        ),
        (
            "routed rules open nothing",
            "route:allow tcp 5432 0.0.0.0/0 any 0.0.0.0/0 in_eth0!out_eth1",
            Status::Pass,
            "Only",
        ),
        (
            "loopback interface",
            "allow tcp 6379 0.0.0.0/0 any 0.0.0.0/0 in_lo",
            Status::Pass,
            "Only expected ports",
        ),
    ];
    for (name, tuple, expected, summary) in cases {
        let out = run(ALLOWED_PORTS, &one_rule_host(tuple));
        assert_eq!(out.status, expected, "{name}: {}", out.summary);
        assert!(out.summary.contains(summary), "{name}: {}", out.summary);
    }
}

#[test]
fn allowed_ports_names_file_and_line() {
    let rules = rules_file(false, &[SSH, "allow any 5432 0.0.0.0/0 any 0.0.0.0/0 in"]);
    let out = run(ALLOWED_PORTS, &ufw_host(true, "DROP", &rules, &rules_file(true, &[])));
    let line = line_of(&rules, "5432");
    assert_eq!(
        out.summary,
        format!("5432 (PostgreSQL) is open to anywhere: /etc/ufw/user.rules:{line}")
    );
    let listed: Vec<String> = out
        .findings
        .iter()
        .filter_map(|f| f.location.as_ref().map(|l| l.to_string()))
        .collect();
    assert!(
        listed.contains(&format!("/etc/ufw/user.rules:{}", line_of(&rules, "tcp 22"))),
        "{listed:?}"
    );
}

#[test]
fn user6_rules_count_unless_ipv6_is_off() {
    let rules6 = rules_file(true, &[SSH6, "allow any 5432 ::/0 any ::/0 in"]);
    let host = ufw_host(true, "DROP", &rules_file(false, &[SSH]), &rules6);
    let out = run(ALLOWED_PORTS, &host);
    assert_eq!(out.status, Status::Fail);
    assert!(
        out.summary
            .ends_with(&format!("/etc/ufw/user6.rules:{}", line_of(&rules6, "5432"))),
        "{}",
        out.summary
    );
    let off = host.with_file("/etc/default/ufw", &DEFAULT_UFW.replace("IPV6=yes", "IPV6=no"));
    assert_eq!(status(ALLOWED_PORTS, &off), Status::Pass);
}

#[test]
fn the_ssh_port_comes_from_sshd_config() {
    let host = one_rule_host("allow tcp 2222 0.0.0.0/0 any 0.0.0.0/0 in");
    assert_eq!(status(ALLOWED_PORTS, &host), Status::Warn, "22 is the default");
    let moved = host.with_file(
        "/etc/ssh/sshd_config",
        "Include /etc/ssh/sshd_config.d/*.conf\nPort 2222\n",
    );
    assert_eq!(
        status(ALLOWED_PORTS, &moved),
        Status::Warn,
        "22 still open, but not sshd's port any more"
    );
    let only = ufw_host(
        true,
        "DROP",
        &rules_file(false, &["allow tcp 2222 0.0.0.0/0 any 0.0.0.0/0 in"]),
        &rules_file(true, &[]),
    )
    .with_file("/etc/ssh/sshd_config", "Port 2222\n");
    assert_eq!(status(ALLOWED_PORTS, &only), Status::Pass);
}

#[test]
fn status_output_is_authoritative_for_rules() {
    let host = with_status(one_rule_host("allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in"), ACTIVE);
    let out = run(ALLOWED_PORTS, &host);
    assert_eq!(
        out.summary,
        "6379/tcp (Redis) is open to anywhere: ufw status verbose:9"
    );
}

#[test]
fn unreadable_files_are_errors() {
    let rules = rules_file(false, &[SSH]);
    let unreadable = ufw_host(true, "DROP", &rules, &rules)
        .with_state("/etc/ufw/ufw.conf", FileState::Unreadable("permission denied".into()));
    let out = run(ENABLED, &unreadable);
    assert_eq!(
        (out.status, out.summary.as_str()),
        (Status::Error, "/etc/ufw/ufw.conf could not be read: permission denied")
    );
    let binary =
        ufw_host(true, "DROP", &rules, &rules).with_state("/etc/ufw/user.rules", FileState::Binary { bytes: 12 });
    assert_eq!(status(ALLOWED_PORTS, &binary), Status::Error);
    let large = ufw_host(true, "DROP", &rules, &rules).with_state(
        "/etc/default/ufw",
        FileState::TooLarge {
            bytes: 1 << 30,
            cap: 1 << 20,
        },
    );
    let out = run(DEFAULT_DENY, &large);
    assert_eq!(out.status, Status::Error);
    assert!(out.summary.contains("over the 1.0 MiB read cap"), "{}", out.summary);
    let missing = ufw_host(true, "DROP", &rules, &rules).with_state("/etc/default/ufw", FileState::Missing);
    assert_eq!(status(DEFAULT_DENY, &missing), Status::Fail);
    let no_rules = ufw_host(true, "DROP", &rules, &rules).with_state("/etc/ufw/user.rules", FileState::Missing);
    assert_eq!(status(ALLOWED_PORTS, &no_rules), Status::Pass);
}
