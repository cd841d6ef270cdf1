//! The decision of `firewall.allowed-ports`, whatever the rules came from (ufw
//! files, `ufw status`, nftables, or `ss` listeners when no firewall runs): an
//! allow rule from anywhere to a datastore or admin port fails, to any other port
//! but SSH, 80 and 443 warns; every allow rule becomes a finding.

use super::watched::DATASTORE_PORTS;
use crate::model::{Finding, Location, Outcome, Status};
pub use crate::parse::allow::{ports_label, AllowRule};
use crate::parse::ports::{PortItem, Ports, Proto};

/// Why one rule open to anywhere matters.
#[derive(Debug, Default)]
struct Verdict {
    /// Datastore or admin ports it opens: `5432/tcp (PostgreSQL)`.
    dangerous: Vec<String>,
    /// Other ports it opens beyond SSH, 80 and 443: `8000/tcp`.
    unexpected: Vec<String>,
}

fn verdict(rule: &AllowRule, expected: &[u16]) -> Verdict {
    let mut out = Verdict::default();
    let suffix = rule.proto.suffix();
    // Datastores speak TCP or UDP; `allow esp` or `sctp dport 5432` opens none.
    let portless = matches!(rule.proto, Proto::Other(_));
    let items = match (&rule.ports, portless) {
        (Ports::All, false) => {
            out.dangerous.push(ports_label(&rule.ports, &rule.proto));
            return out;
        }
        (Ports::All, true) => {
            out.unexpected.push(ports_label(&rule.ports, &rule.proto));
            return out;
        }
        (Ports::List(items), _) => items,
    };
    for item in items {
        match item {
            PortItem::Range { lo, hi } => {
                let inside = |p: &u16| (*lo..=*hi).contains(p);
                if !portless {
                    for (port, name) in DATASTORE_PORTS.iter().filter(|(p, _)| inside(p)) {
                        out.dangerous.push(format!("{port}{suffix} ({name})"));
                    }
                }
                let width = usize::from(hi.saturating_sub(*lo)) + 1;
                if width > expected.iter().filter(|p| inside(p)).count() {
                    out.unexpected.push(format!("{item}{suffix}"));
                }
            }
            PortItem::Unknown(name) => out.unexpected.push(format!("{name}{suffix}")),
        }
    }
    out
}

/// The ports that may be open to anywhere: the SSH ports, 80 and 443.
fn expected_ports(ssh_ports: &[u16]) -> Vec<u16> {
    let mut ports: Vec<u16> = ssh_ports.iter().copied().chain([80, 443]).collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

fn ssh_label(ssh_ports: &[u16]) -> String {
    let ports: Vec<String> = ssh_ports.iter().map(u16::to_string).collect();
    format!("SSH ({})", ports.join(", "))
}

/// Decide firewall.allowed-ports from the rules in force. `origin` says where
/// they came from (a finding); `ssh_ports` are sshd's ports (default 22).
pub fn decide_allowed_ports(rules: &[AllowRule], ssh_ports: &[u16], origin: &str) -> Outcome {
    let ssh_ports = if ssh_ports.is_empty() { &[22][..] } else { ssh_ports };
    let expected = expected_ports(ssh_ports);
    let mut dangerous: Vec<(String, &Location)> = Vec::new();
    let mut unexpected: Vec<(String, &Location)> = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut findings = vec![Finding::new(origin)];
    for rule in rules {
        if !rule.open_to_anywhere() {
            findings.push(finding(rule, "not open to anywhere"));
            continue;
        }
        let v = verdict(rule, &expected);
        push_unique(&mut open, ports_label(&rule.ports, &rule.proto));
        findings.push(finding(rule, &rule_note(rule, &v, ssh_ports)));
        extend_unique(&mut dangerous, v.dangerous, &rule.location);
        extend_unique(&mut unexpected, v.unexpected, &rule.location);
    }
    summarize(&dangerous, &unexpected, &open, ssh_ports).with_all(findings)
}

fn rule_note(rule: &AllowRule, v: &Verdict, ssh_ports: &[u16]) -> String {
    if rule.ports == Ports::All && !v.dangerous.is_empty() {
        "every port open to anywhere, datastore and admin ports included".to_string()
    } else if !v.dangerous.is_empty() {
        format!("datastore/admin port open to anywhere: {}", v.dangerous.join(", "))
    } else if !v.unexpected.is_empty() {
        format!("open to anywhere, and not {}, 80 or 443", ssh_label(ssh_ports))
    } else {
        "expected".to_string()
    }
}

fn finding(rule: &AllowRule, note: &str) -> Finding {
    Finding::at(format!("{} — {note}", rule.describe()), rule.location.clone())
}

fn push_unique(list: &mut Vec<String>, label: String) {
    if !list.contains(&label) {
        list.push(label);
    }
}

fn extend_unique<'a>(list: &mut Vec<(String, &'a Location)>, labels: Vec<String>, at: &'a Location) {
    for label in labels {
        if !list.iter().any(|(l, _)| *l == label) {
            list.push((label, at));
        }
    }
}

fn summarize(
    dangerous: &[(String, &Location)],
    unexpected: &[(String, &Location)],
    open: &[String],
    ssh_ports: &[u16],
) -> Outcome {
    if let Some(text) = headline(dangerous) {
        return Outcome::new(Status::Fail, text);
    }
    if let Some(text) = headline(unexpected) {
        let hint = format!("; only {}, 80 and 443 should be", ssh_label(ssh_ports));
        return Outcome::new(Status::Warn, text + &hint);
    }
    if open.is_empty() {
        Outcome::pass("No port is open to anywhere")
    } else {
        Outcome::pass(format!("Only expected ports are open to anywhere: {}", open.join(", ")))
    }
}

/// `5432/tcp (PostgreSQL) is open to anywhere: /etc/ufw/user.rules:24 (also 6379/tcp (Redis))`;
/// `a rule accepts every tcp port from anywhere: /etc/nftables.conf:7`.
fn headline(items: &[(String, &Location)]) -> Option<String> {
    let ((first, at), rest) = items.split_first()?;
    let mut text = if first.starts_with("every ") {
        format!("a rule accepts {first} from anywhere: {at}")
    } else {
        format!("{first} is open to anywhere: {at}")
    };
    if !rest.is_empty() {
        let shown: Vec<&str> = rest.iter().take(3).map(|(l, _)| l.as_str()).collect();
        let more = if rest.len() > 3 { ", …" } else { "" };
        text.push_str(&format!(" (also {}{more})", shown.join(", ")));
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(proto: Proto, ports: Ports, source: Option<&str>, line: u32) -> AllowRule {
        AllowRule {
            proto,
            ports,
            source: source.map(str::to_string),
            incoming: true,
            notes: Vec::new(),
            location: Location::line("/etc/ufw/user.rules", line),
            listening_on: None,
        }
    }

    fn tcp(port: u16, line: u32) -> AllowRule {
        rule(Proto::Tcp, Ports::List(vec![PortItem::single(port)]), None, line)
    }

    #[test]
    fn datastore_fails_and_names_the_port_and_line() {
        let out = decide_allowed_ports(&[tcp(22, 20), tcp(5432, 24)], &[22], "ufw");
        assert_eq!(out.status, Status::Fail);
        assert_eq!(
            out.summary,
            "5432/tcp (PostgreSQL) is open to anywhere: /etc/ufw/user.rules:24"
        );
        assert_eq!(out.findings.len(), 3);
    }

    #[test]
    fn app_port_warns_and_expected_ports_pass() {
        let out = decide_allowed_ports(&[tcp(22, 1), tcp(8000, 2)], &[22], "ufw");
        assert_eq!(out.status, Status::Warn);
        assert!(out
            .summary
            .starts_with("8000/tcp is open to anywhere: /etc/ufw/user.rules:2"));
        let out = decide_allowed_ports(&[tcp(22, 1), tcp(80, 2), tcp(443, 3)], &[22], "ufw");
        assert_eq!(out.status, Status::Pass);
        assert_eq!(
            out.summary,
            "Only expected ports are open to anywhere: 22/tcp, 80/tcp, 443/tcp"
        );
    }

    #[test]
    fn the_ssh_port_is_whatever_sshd_uses() {
        assert_eq!(
            decide_allowed_ports(&[tcp(2222, 1)], &[2222], "ufw").status,
            Status::Pass
        );
        assert_eq!(decide_allowed_ports(&[tcp(2222, 1)], &[22], "ufw").status, Status::Warn);
        assert_eq!(decide_allowed_ports(&[tcp(22, 1)], &[], "ufw").status, Status::Pass);
    }

    #[test]
    fn ranges_lists_and_every_port() {
        let web = Ports::List(vec![PortItem::single(80), PortItem::single(443)]);
        assert_eq!(
            decide_allowed_ports(&[rule(Proto::Tcp, web, None, 1)], &[22], "x").status,
            Status::Pass
        );
        let wide = Ports::List(vec![PortItem::Range { lo: 5000, hi: 6000 }]);
        let out = decide_allowed_ports(&[rule(Proto::Any, wide, None, 1)], &[22], "x");
        assert_eq!(out.status, Status::Fail);
        assert!(
            out.summary.starts_with("5432 (PostgreSQL) is open to anywhere"),
            "{}",
            out.summary
        );
        let all = decide_allowed_ports(&[rule(Proto::Any, Ports::All, None, 7)], &[22], "x");
        assert_eq!(all.status, Status::Fail);
        assert_eq!(
            all.summary,
            "a rule accepts every port from anywhere: /etc/ufw/user.rules:7"
        );
        assert_eq!(
            all.findings[1].message,
            "allow every port from anywhere — every port open to anywhere, datastore and admin ports included"
        );
    }

    #[test]
    fn restricted_and_outgoing_rules_open_nothing() {
        let mut out_rule = tcp(5432, 2);
        out_rule.incoming = false;
        let lan = rule(
            Proto::Tcp,
            Ports::List(vec![PortItem::single(8000)]),
            Some("10.0.0.0/8"),
            3,
        );
        let out = decide_allowed_ports(&[out_rule, lan], &[22], "ufw");
        assert_eq!(out.status, Status::Pass);
        assert_eq!(out.summary, "No port is open to anywhere");
        assert!(out.findings[2].message.contains("from 10.0.0.0/8"));
    }

    #[test]
    fn portless_protocols_warn_but_never_fail() {
        let esp = rule(Proto::Other("esp".into()), Ports::All, None, 4);
        let out = decide_allowed_ports(&[esp], &[22], "x");
        assert_eq!(out.status, Status::Warn);
        assert!(
            out.summary.starts_with("a rule accepts every esp port from anywhere"),
            "{}",
            out.summary
        );
    }

    #[test]
    fn v4_and_v6_twins_are_named_once() {
        let out = decide_allowed_ports(&[tcp(6379, 5), tcp(6379, 9), tcp(3306, 10)], &[22], "x");
        assert_eq!(
            out.summary,
            "6379/tcp (Redis) is open to anywhere: /etc/ufw/user.rules:5 (also 3306/tcp (MySQL))"
        );
    }
}
