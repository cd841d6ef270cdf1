use super::*;
use crate::model::Location;
use crate::parse::nft::lex::tokenize;
use crate::parse::nft::parse::parse;

fn rules_of(text: &str) -> Vec<AllowRule> {
    let loaded = Loaded {
        files: vec!["/etc/nftables.conf".into()],
        tokens: tokenize(text, 0),
        broken: None,
    };
    let ruleset = parse(&loaded.tokens);
    allow_rules(&ruleset, &loaded, None)
}

fn described(text: &str) -> Vec<String> {
    rules_of(text).iter().map(AllowRule::describe).collect()
}

fn wrap(body: &str) -> String {
    format!("table inet filter {{\n chain input {{\n  type filter hook input priority filter; policy drop;\n{body}\n }}\n}}\n")
}

#[test]
fn ports_sets_ranges_and_services() {
    let text = wrap(
        "  tcp dport { 22, 80, 443 } accept\n  tcp dport 6379 accept\n  udp dport 60000-61000 accept\n\
         \x20 tcp dport ssh counter accept\n  th dport 53 accept\n  tcp dport >= 1024 accept\n  tcp dport != 22 accept",
    );
    let chain = "chain inet filter input";
    assert_eq!(
        described(&text),
        vec![
            format!("allow 22,80,443/tcp from anywhere ({chain})"),
            format!("allow 6379/tcp from anywhere ({chain})"),
            format!("allow 60000:61000/udp from anywhere ({chain})"),
            format!("allow 22/tcp from anywhere ({chain})"),
            format!("allow 53 from anywhere ({chain})"),
            format!("allow 1024:65535/tcp from anywhere ({chain})"),
            format!("allow every tcp port from anywhere ({chain})"),
        ]
    );
    assert_eq!(rules_of(&text)[1].location, Location::line("/etc/nftables.conf", 5));
}

#[test]
fn source_restrictions() {
    let text = wrap(
        "  ip saddr 10.0.0.0/8 tcp dport 5432 accept\n  ip6 saddr { fd00::/8, ::1 } tcp dport 6379 accept\n\
         \x20 ip saddr != 10.0.0.0/8 tcp dport 9200 accept\n  ip saddr 0.0.0.0/0 tcp dport 3306 accept\n\
         \x20 iifname \"lo\" tcp dport 8000 accept\n  ip saddr @trusted tcp dport 27017 accept",
    );
    let sources: Vec<Option<String>> = rules_of(&text).into_iter().map(|r| r.source).collect();
    assert_eq!(
        sources,
        vec![
            Some("10.0.0.0/8".to_string()),
            Some("{ fd00::/8, ::1 }".to_string()),
            None,
            None,
            Some("the loopback interface".to_string()),
            Some("@trusted".to_string()),
        ]
    );
}

#[test]
fn only_accepting_rules_count() {
    let text = wrap(
        "  ct state established,related accept\n  tcp dport 23 drop\n  tcp dport 25 reject\n\
         \x20 tcp dport 5432 counter\n  tcp dport vmap { 22 : accept, 5432 : drop, 80:accept }",
    );
    let chain = "chain inet filter input";
    assert_eq!(
        described(&text),
        vec![format!("allow 22,80/tcp from anywhere ({chain})")]
    );
}

#[test]
fn an_accept_naming_no_port_opens_every_port() {
    // (rule, what it allows, or None when it opens no port)
    let cases: [(&str, Option<&str>); 24] = [
        ("iifname \"eth0\" accept", Some("every port from anywhere")),
        ("accept", Some("every port from anywhere")),
        ("counter accept", Some("every port from anywhere")),
        ("tcp accept", Some("every tcp port from anywhere")),
        ("tcp sport 53 accept", Some("every tcp port from anywhere")),
        ("meta l4proto tcp accept", Some("every tcp port from anywhere")),
        ("ip protocol udp accept", Some("every udp port from anywhere")),
        ("meta l4proto { tcp, udp } accept", Some("every port from anywhere")),
        ("ct state new accept", Some("every port from anywhere")),
        ("ct state != invalid accept", Some("every port from anywhere")),
        ("meta mark 1 accept", Some("every port from anywhere")),
        ("ip saddr 10.0.0.0/8 accept", Some("every port from 10.0.0.0/8")),
        ("iif lo accept", Some("every port from the loopback interface")),
        ("iifname \"lo\" accept", Some("every port from the loopback interface")),
        ("ct state established,related accept", None),
        ("ct state { established, related } accept", None),
        ("ct state established accept", None),
        ("tcp dport 5432 ct state established accept", None),
        ("ip protocol icmp accept", None),
        ("meta l4proto ipv6-icmp accept", None),
        ("meta l4proto { icmp, ipv6-icmp } accept", None),
        ("icmp type echo-request limit rate 5/second accept", None),
        ("icmpv6 type { nd-neighbor-solicit, nd-router-advert } accept", None),
        ("ip6 nexthdr icmpv6 accept", None),
    ];
    for (rule, expected) in cases {
        let described = described(&wrap(&format!("  {rule}")));
        let expected: Vec<String> = expected
            .map(|e| format!("allow {e} (chain inet filter input)"))
            .into_iter()
            .collect();
        assert_eq!(described, expected, "{rule}");
    }
}

#[test]
fn jumps_carry_their_conditions() {
    let text = "table inet filter {\n chain input { type filter hook input priority 0; policy drop;\n\
                ip saddr 10.0.0.0/8 jump internal\n  jump public\n  tcp dport 22 jump ssh }\n\
                chain internal { tcp dport 5432 accept }\n chain public { tcp dport 443 accept }\n\
                chain ssh { accept }\n chain loop { jump loop }\n}\n";
    let rules = rules_of(text);
    let summary: Vec<(String, Option<String>)> =
        rules.iter().map(|r| (r.ports.to_string(), r.source.clone())).collect();
    assert_eq!(
        summary,
        vec![
            ("5432".to_string(), Some("10.0.0.0/8".to_string())),
            ("443".to_string(), None),
            ("22".to_string(), None),
        ]
    );
    assert_eq!(
        rules[2].location,
        Location::line("/etc/nftables.conf", 8),
        "the accepting rule's line"
    );
}

#[test]
fn only_input_chains_with_policy_drop_count() {
    let text = "table inet f {\n chain input { type filter hook input priority 0; }\n tcp dport 1 accept\n}\n\
                table ip g { chain fwd { type filter hook forward priority 0; policy drop; tcp dport 2 accept } }\n\
                table ip h { chain in { type filter hook input priority 0; policy drop; tcp dport 3 accept } }\n";
    let described = described(text);
    assert_eq!(described, vec!["allow 3/tcp from anywhere (IPv4 only; chain ip h in)"]);
}

#[test]
fn jump_loops_terminate() {
    let text = "table inet t {\n chain input { type filter hook input priority 0; policy drop; jump a }\n\
                chain a { jump a\n jump b\n tcp dport 8000 accept }\n chain b { jump a\n jump b }\n}\n";
    assert!(!rules_of(text).is_empty());
}
