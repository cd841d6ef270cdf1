//! Ports and protocols as firewall rules name them: ufw's port lists (`22`,
//! `80,443`, `60000:61000`), the protocol a rule applies to, service names
//! (`ssh`, `https`) resolved as /etc/services does.

use std::collections::BTreeMap;
use std::fmt;

/// The protocol an allow rule or a listener applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proto {
    Tcp,
    Udp,
    /// Every protocol (ufw `any`, nft `th dport`).
    Any,
    Other(String),
}

impl Proto {
    pub fn parse(word: &str) -> Proto {
        match word.to_ascii_lowercase().as_str() {
            "tcp" => Proto::Tcp,
            "udp" => Proto::Udp,
            "any" | "all" | "th" => Proto::Any,
            other => Proto::Other(other.to_string()),
        }
    }

    /// `/tcp`, `/udp`, or nothing for every protocol.
    pub fn suffix(&self) -> String {
        match self {
            Proto::Tcp => "/tcp".to_string(),
            Proto::Udp => "/udp".to_string(),
            Proto::Any => String::new(),
            Proto::Other(name) => format!("/{name}"),
        }
    }
}

/// One element of a port match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortItem {
    /// An inclusive range; a single port has `lo == hi`.
    Range { lo: u16, hi: u16 },
    /// A name or reference that could not be resolved to numbers (an app name,
    /// an unknown service, a named set).
    Unknown(String),
}

impl PortItem {
    pub fn single(port: u16) -> PortItem {
        PortItem::Range { lo: port, hi: port }
    }
}

impl fmt::Display for PortItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortItem::Range { lo, hi } if lo == hi => write!(f, "{lo}"),
            PortItem::Range { lo, hi } => write!(f, "{lo}:{hi}"),
            PortItem::Unknown(name) => f.write_str(name),
        }
    }
}

/// The destination ports a rule matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ports {
    /// No port restriction: every port.
    All,
    List(Vec<PortItem>),
}

impl fmt::Display for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ports::All => f.write_str("every port"),
            Ports::List(items) => {
                let texts: Vec<String> = items.iter().map(PortItem::to_string).collect();
                f.write_str(&texts.join(","))
            }
        }
    }
}

/// A port number 1..=65535.
pub fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u16>().ok().filter(|p| *p > 0)
}

/// ufw's port list as user.rules and `ufw status` write it: `any`, `22`,
/// `80,443`, `60000:61000`, or a mix. None when any element is not numeric.
pub fn parse_ufw_ports(spec: &str) -> Option<Ports> {
    if spec.eq_ignore_ascii_case("any") {
        return Some(Ports::All);
    }
    let items: Option<Vec<PortItem>> = spec.split(',').map(parse_ufw_item).collect();
    items.map(Ports::List)
}

fn parse_ufw_item(item: &str) -> Option<PortItem> {
    match item.split_once(':') {
        Some((lo, hi)) => {
            let (lo, hi) = (parse_port(lo)?, parse_port(hi)?);
            (lo <= hi).then_some(PortItem::Range { lo, hi })
        }
        None => parse_port(item).map(PortItem::single),
    }
}

/// Service names nft accepts in place of a port number, for hosts whose
/// /etc/services was not collected (the entries of Debian's netbase).
const SERVICES: &[(&str, u16)] = &[
    ("ftp", 21),
    ("ssh", 22),
    ("telnet", 23),
    ("smtp", 25),
    ("domain", 53),
    ("http", 80),
    ("pop3", 110),
    ("ntp", 123),
    ("imap2", 143),
    ("imap", 143),
    ("snmp", 161),
    ("ldap", 389),
    ("https", 443),
    ("submissions", 465),
    ("submission", 587),
    ("ldaps", 636),
    ("imaps", 993),
    ("pop3s", 995),
    ("openvpn", 1194),
    ("mysql", 3306),
    ("postgresql", 5432),
    ("http-alt", 8080),
];

/// Service name → port, from /etc/services text (`name port/proto aliases...`).
pub fn parse_services(text: &str) -> BTreeMap<String, u16> {
    let mut map = BTreeMap::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let (Some(name), Some(port_proto)) = (words.next(), words.next()) else {
            continue;
        };
        let Some(port) = port_proto.split('/').next().and_then(parse_port) else {
            continue;
        };
        for alias in std::iter::once(name).chain(words) {
            map.entry(alias.to_string()).or_insert(port);
        }
    }
    map
}

/// Resolve a service name: the host's /etc/services when collected, else the
/// built-in table.
pub fn service_port(name: &str, services: Option<&BTreeMap<String, u16>>) -> Option<u16> {
    if let Some(port) = parse_port(name) {
        return Some(port);
    }
    match services {
        Some(map) => map.get(name).copied(),
        None => SERVICES.iter().find(|(n, _)| *n == name).map(|(_, p)| *p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ufw_port_lists() {
        assert_eq!(parse_ufw_ports("any"), Some(Ports::All));
        assert_eq!(parse_ufw_ports("22"), Some(Ports::List(vec![PortItem::single(22)])));
        assert_eq!(
            parse_ufw_ports("80,443,60000:61000"),
            Some(Ports::List(vec![
                PortItem::single(80),
                PortItem::single(443),
                PortItem::Range { lo: 60000, hi: 61000 }
            ]))
        );
        assert_eq!(parse_ufw_ports("0"), None);
        assert_eq!(parse_ufw_ports("70000"), None);
        assert_eq!(parse_ufw_ports("9:3"), None);
        assert_eq!(parse_ufw_ports("OpenSSH"), None);
        assert_eq!(parse_ufw_ports("1:2:3"), None);
    }

    #[test]
    fn services_from_etc_services_win_over_the_builtin_table() {
        let map = parse_services("ssh 22/tcp\n# c\nwww 80/tcp http\nmyapp 8443/tcp # mine\n");
        assert_eq!(service_port("http", Some(&map)), Some(80));
        assert_eq!(service_port("myapp", Some(&map)), Some(8443));
        assert_eq!(service_port("https", Some(&map)), None);
        assert_eq!(service_port("https", None), Some(443));
        assert_eq!(service_port("8000", None), Some(8000));
    }

    #[test]
    fn labels() {
        assert_eq!(Proto::parse("TCP").suffix(), "/tcp");
        assert_eq!(Proto::Any.suffix(), "");
        assert_eq!(PortItem::Range { lo: 1, hi: 9 }.to_string(), "1:9");
    }
}
