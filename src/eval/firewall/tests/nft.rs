use super::*;
use crate::evidence::Source;
use crate::model::Location;

const NFT_CONF: &str = include_str!("../../../../tests/fixtures/nft/etc/nftables.conf");

/// A Debian host with no ufw and this nftables.conf (its stock head, then `body`
/// inside the input chain).
fn nft_host(rules: &str) -> Snapshot {
    let conf = NFT_CONF.replace("\t\tmeta l4proto { icmp, ipv6-icmp } accept\n", &format!("{rules}\n"));
    Snapshot::new()
        .with_state("/etc/ufw/ufw.conf", FileState::Missing)
        .with_file("/etc/nftables.conf", &conf)
        .with_state("/etc/services", FileState::Missing)
}

fn statuses(snap: &Snapshot) -> [Status; 3] {
    [
        status(ENABLED, snap),
        status(DEFAULT_DENY, snap),
        status(ALLOWED_PORTS, snap),
    ]
}

#[test]
fn policy_drop_and_accept_rules() {
    use Status::{Fail, Pass, Warn};
    let cases: Vec<(&str, &str, [Status; 3])> = vec![
        ("ssh and web", "tcp dport { 22, 80, 443 } accept", [Pass, Pass, Pass]),
        (
            "redis to anywhere",
            "tcp dport { 22, 80, 443 } accept\ntcp dport 6379 accept",
            [Pass, Pass, Fail],
        ),
        (
            "postgres from the VPC",
            "ip saddr 10.0.0.0/8 tcp dport 5432 accept",
            [Pass, Pass, Pass],
        ),
        (
            "named services",
            "tcp dport { ssh, http, https } counter accept",
            [Pass, Pass, Pass],
        ),
        ("app port", "tcp dport 8000 accept", [Pass, Pass, Warn]),
        (
            "vmap",
            "tcp dport vmap { 22 : accept, 5432 : drop }",
            [Pass, Pass, Pass],
        ),
    ];
    for (name, rules, expected) in cases {
        assert_eq!(statuses(&nft_host(rules)), expected, "{name}");
    }
}

#[test]
fn an_accept_without_a_port_fails_and_stock_boilerplate_does_not() {
    // The fixture's input chain already holds ct state, iif "lo" and ICMP accepts.
    use Status::{Fail, Pass};
    let cases = [
        ("iifname \"eth0\" accept", Fail),
        ("tcp accept", Fail),
        ("accept", Fail),
        ("ip saddr 10.0.0.0/8 accept", Pass),
        (
            "iifname \"lo\" accept\nct state established,related accept\nicmp type echo-request accept",
            Pass,
        ),
    ];
    for (rules, expected) in cases {
        let host = nft_host(rules);
        let out = run(ALLOWED_PORTS, &host);
        assert_eq!(out.status, expected, "{rules}: {}", out.summary);
        if expected == Fail {
            let text = host.read("/etc/nftables.conf").text().expect("conf").to_string();
            let line = text.lines().position(|l| l.trim() == rules).map_or(0, |i| i + 1);
            assert!(
                out.summary.starts_with("a rule accepts every"),
                "{rules}: {}",
                out.summary
            );
            assert!(
                out.summary
                    .ends_with(&format!("port from anywhere: /etc/nftables.conf:{line}")),
                "{rules}: {}",
                out.summary
            );
        }
    }
}

#[test]
fn summaries_name_the_chain_and_rule() {
    let host = nft_host("tcp dport 6379 accept");
    let text = host.read("/etc/nftables.conf").text().expect("conf").to_string();
    let policy_line = line_of(&text, "policy drop");
    assert_eq!(
        run(ENABLED, &host).summary,
        format!(
            "nftables filters incoming traffic: chain inet filter input has policy drop (/etc/nftables.conf:{policy_line})"
        )
    );
    assert_eq!(
        run(ALLOWED_PORTS, &host).summary,
        format!(
            "6379/tcp (Redis) is open to anywhere: /etc/nftables.conf:{}",
            line_of(&text, "6379")
        )
    );
}

#[test]
fn debian_stock_accepts_by_default() {
    let stock = "#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet filter {\n\tchain input {\n\
                 \t\ttype filter hook input priority filter;\n\t}\n}\n";
    let host = Snapshot::new()
        .with_state("/etc/ufw/ufw.conf", FileState::Missing)
        .with_file("/etc/nftables.conf", stock);
    assert_eq!(statuses(&host), [Status::Fail; 3]);
    let out = run(ENABLED, &host);
    assert_eq!(
        out.summary,
        "No host firewall filters incoming traffic: ufw is not installed, and /etc/nftables.conf's input chain \
         accepts by default (no `policy drop`)"
    );
    assert!(out
        .findings
        .iter()
        .any(|f| f.location == Some(Location::line("/etc/nftables.conf", 6))));
}

#[test]
fn disabled_ufw_with_nftables_drop_is_a_firewall() {
    let host =
        nft_host("tcp dport 22 accept").with_file("/etc/ufw/ufw.conf", &UFW_CONF.replace("ENABLED=yes", "ENABLED=no"));
    assert_eq!(statuses(&host), [Status::Pass; 3]);
}

#[test]
fn includes_are_followed_and_a_missing_one_breaks_the_script() {
    let conf = "table inet filter {\n chain input { type filter hook input priority 0; policy drop; }\n}\n\
                include \"/etc/nftables.d/*.nft\"\ninclude \"extra.nft\"\n";
    let base = Snapshot::new()
        .with_state("/etc/ufw/ufw.conf", FileState::Missing)
        .with_file("/etc/nftables.conf", conf)
        .with_file(
            "/etc/nftables.d/10-web.nft",
            "add rule inet filter input tcp dport { 80, 443 } accept\n",
        );
    let host = base
        .clone()
        .with_file("/etc/extra.nft", "add rule inet filter input tcp dport 27017 accept\n");
    let out = run(ALLOWED_PORTS, &host);
    assert_eq!(out.summary, "27017/tcp (MongoDB) is open to anywhere: /etc/extra.nft:1");
    let broken = base.clone().with_state("/etc/extra.nft", FileState::Missing);
    let out = run(ENABLED, &broken);
    assert_eq!(out.status, Status::Fail);
    assert!(
        out.summary
            .contains("does not load (`include \"/etc/extra.nft\"`: file not found"),
        "{}",
        out.summary
    );
    let unreadable = base.with_state("/etc/extra.nft", FileState::Unreadable("permission denied".into()));
    assert_eq!(status(ENABLED, &unreadable), Status::Error);
}

#[test]
fn ipv4_only_tables_are_noted() {
    let conf =
        "table ip filter {\n chain input { type filter hook input priority 0; policy drop; tcp dport 22 accept }\n}\n";
    let host = Snapshot::new()
        .with_state("/etc/ufw/ufw.conf", FileState::Missing)
        .with_file("/etc/nftables.conf", conf);
    let out = run(ENABLED, &host);
    assert_eq!(out.status, Status::Pass);
    assert!(out
        .findings
        .iter()
        .any(|f| f.message.contains("IPv6 traffic is not filtered")));
}

fn conf_host(conf: &str) -> Snapshot {
    Snapshot::new()
        .with_state("/etc/ufw/ufw.conf", FileState::Missing)
        .with_file("/etc/nftables.conf", conf)
        .with_state("/etc/services", FileState::Missing)
}

#[test]
fn a_set_variable_inside_a_set_is_flattened_as_nft_does() {
    let conf = "define DB_PORTS = { 5432, 6379 }\ndefine WEB = { 80, 443 }\n\
                table inet filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n\
                    tcp dport { 22, $WEB, $DB_PORTS } accept\n  }\n}\n";
    let snap = conf_host(conf);
    let outcome = run(ALLOWED_PORTS, &snap);
    assert_eq!(outcome.status, Status::Fail, "{}", outcome.summary);
    assert!(outcome.summary.contains("5432"), "{}", outcome.summary);
}

#[test]
fn doubling_defines_stay_bounded_and_never_pass() {
    let mut conf = String::from("define A0 = { 5432, 22 }\n");
    for i in 1..40 {
        conf.push_str(&format!("define A{i} = {{ $A{}, $A{} }}\n", i - 1, i - 1));
    }
    conf.push_str(
        "table inet filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n\
             tcp dport $A39 accept\n  }\n}\n",
    );
    // Unbounded, this expands to 2^40 ports: the test would exhaust memory.
    let outcome = run(ALLOWED_PORTS, &conf_host(&conf));
    assert_ne!(outcome.status, Status::Pass, "{}", outcome.summary);
}

#[test]
fn an_ip6_only_ruleset_leaves_ipv4_exposed() {
    let conf = "table ip6 filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n\
                    tcp dport 22 accept\n  }\n}\n";
    let outcome = run(ALLOWED_PORTS, &conf_host(conf));
    assert_eq!(outcome.status, Status::Fail, "{}", outcome.summary);
    assert!(
        outcome.summary.starts_with("IPv4 traffic is not filtered"),
        "{}",
        outcome.summary
    );
    let ipv4_only = "table ip filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n\
                    tcp dport 22 accept\n  }\n}\n";
    assert_eq!(run(ALLOWED_PORTS, &conf_host(ipv4_only)).status, Status::Pass);
}
