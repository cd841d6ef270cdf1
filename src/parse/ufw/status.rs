//! `ufw status verbose` output, as backend_iptables.py `get_status` prints it:
//! `Status: active|inactive`, `Default: deny (incoming), allow (outgoing), ...`,
//! then a `To  Action  From` table whose rows are `%-26s %-12s%-26s` of
//! destination (`22/tcp`, `80,443/tcp (v6)`, `22/tcp (OpenSSH)`, `10.0.0.5 22/tcp`,
//! `22/tcp on eth0`, `Anywhere`), action (`ALLOW IN`, `LIMIT IN`, `DENY OUT`,
//! `ALLOW FWD`) and source (`Anywhere`, `Anywhere (v6)`, `10.0.0.0/8`), then
//! optional ` (log)` and ` # comment`.

use crate::model::Location;
use crate::parse::allow::AllowRule;
use crate::parse::ports::{parse_ufw_ports, PortItem, Ports, Proto};
use crate::parse::text::numbered_lines;
use std::net::IpAddr;

/// The command whose output this module reads, and the pseudo-path its findings cite.
pub const STATUS_ARGV: [&str; 3] = ["ufw", "status", "verbose"];
pub const STATUS_LABEL: &str = "ufw status verbose";

/// What `ufw status verbose` reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UfwStatus {
    pub active: bool,
    pub status_line: u32,
    /// The incoming default (`deny`, `reject`, `allow`) and its line.
    pub incoming: Option<(String, u32)>,
    pub rules: Vec<StatusRule>,
}

/// One row of the rules table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRule {
    /// `ALLOW`, `DENY`, `REJECT` or `LIMIT`.
    pub action: String,
    /// `IN`, `OUT` or `FWD` (`IN` when the plain `ufw status` omits it).
    pub direction: String,
    pub to: String,
    pub from: String,
    pub line: u32,
}

/// None when the text has no `Status:` line (not ufw's output).
pub fn parse_status(text: &str) -> Option<UfwStatus> {
    let mut status: Option<UfwStatus> = None;
    let mut in_table = false;
    for (number, line) in numbered_lines(text) {
        let trimmed = line.trim();
        if let Some(value) = trimmed.strip_prefix("Status:") {
            let active = value.trim().eq_ignore_ascii_case("active");
            status = Some(UfwStatus {
                active,
                status_line: number,
                incoming: None,
                rules: Vec::new(),
            });
        } else if let (Some(s), Some(value)) = (status.as_mut(), trimmed.strip_prefix("Default:")) {
            s.incoming = incoming_default(value).map(|policy| (policy, number));
        } else if trimmed.starts_with("--") {
            in_table = true;
        } else if let (Some(s), true) = (status.as_mut(), in_table) {
            s.rules.extend(parse_row(trimmed, number));
        }
    }
    status
}

/// `deny (incoming), allow (outgoing), disabled (routed)` → `deny`.
fn incoming_default(value: &str) -> Option<String> {
    value.split(',').find_map(|part| {
        let part = part.trim();
        part.strip_suffix("(incoming)")
            .map(|policy| policy.trim().to_ascii_lowercase())
    })
}

const ACTIONS: [&str; 4] = ["ALLOW", "DENY", "REJECT", "LIMIT"];
const DIRECTIONS: [&str; 3] = ["IN", "OUT", "FWD"];

fn parse_row(line: &str, number: u32) -> Option<StatusRule> {
    let line = strip_number(line);
    let line = line.split(" # ").next().unwrap_or(line);
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().skip(1).position(|w| ACTIONS.contains(w))? + 1;
    let (direction, from_at) = match words.get(at + 1) {
        Some(d) if DIRECTIONS.contains(d) => (d.to_string(), at + 2),
        _ => ("IN".to_string(), at + 1),
    };
    Some(StatusRule {
        action: words[at].to_string(),
        direction,
        to: words[..at].join(" "),
        from: words.get(from_at..).unwrap_or(&[]).join(" "),
        line: number,
    })
}

/// `[ 1] 22/tcp ...` (numbered output) → `22/tcp ...`.
fn strip_number(line: &str) -> &str {
    match (line.strip_prefix('['), line.find(']')) {
        (Some(_), Some(end)) => line[end + 1..].trim_start(),
        _ => line,
    }
}

/// The destination column, taken apart.
struct To {
    proto: Proto,
    ports: Ports,
    notes: Vec<String>,
}

/// Split ` on IFACE` and the parenthesised app name / `(v6)` off a column.
fn split_column(text: &str) -> (&str, Vec<String>, bool) {
    let mut notes = Vec::new();
    let (text, iface) = match text.rsplit_once(" on ") {
        Some((main, iface)) if !iface.contains(' ') => (main, Some(iface)),
        _ => (text, None),
    };
    let (main, paren) = text.split_once(" (").unwrap_or((text, ""));
    let v6 = paren.contains("(v6)") || paren.starts_with("v6)");
    let app = paren.replace("(v6)", "").replace(['(', ')'], "");
    let app = app.trim();
    if !app.is_empty() && app != "v6" {
        notes.push(format!("app profile {app}"));
    }
    if let Some(iface) = iface {
        notes.push(format!("in on {iface}"));
    }
    (main.trim(), notes, v6)
}

fn parse_to(text: &str) -> To {
    let (main, mut notes, v6) = split_column(text);
    if v6 {
        notes.insert(0, "IPv6".to_string());
    }
    let words: Vec<&str> = main.split_whitespace().collect();
    let last = words.last().copied().unwrap_or("");
    if let Some((ports, proto)) = port_with_proto(last) {
        if words.len() > 1 {
            notes.push(format!("to {}", words[..words.len() - 1].join(" ")));
        }
        return To { proto, ports, notes };
    }
    if last == "Anywhere" || last.starts_with("Anywhere/") || is_address(last) {
        let proto = last.rsplit_once('/').map_or(Proto::Any, |(_, p)| proto_or_any(p));
        if !last.starts_with("Anywhere") {
            notes.push(format!("to {last}"));
        }
        return To {
            proto,
            ports: Ports::All,
            notes,
        };
    }
    To {
        proto: Proto::Any,
        ports: Ports::List(vec![PortItem::Unknown(main.to_string())]),
        notes,
    }
}

/// `80,443/tcp` or `5432`: ports and protocol.
fn port_with_proto(word: &str) -> Option<(Ports, Proto)> {
    let (ports, proto) = match word.rsplit_once('/') {
        Some((ports, proto)) => (ports, Proto::parse(proto)),
        None => (word, Proto::Any),
    };
    match parse_ufw_ports(ports)? {
        Ports::All => None,
        list => Some((list, proto)),
    }
}

fn proto_or_any(word: &str) -> Proto {
    match Proto::parse(word) {
        Proto::Other(name) if name.bytes().all(|b| b.is_ascii_digit()) => Proto::Any,
        proto => proto,
    }
}

/// `10.0.0.5`, `10.0.0.0/8`, `2001:db8::/32`, `10.0.0.0/8/tcp`.
fn is_address(word: &str) -> bool {
    word.split('/')
        .next()
        .is_some_and(|addr| addr.parse::<IpAddr>().is_ok())
}

impl StatusRule {
    /// The row as an allow rule (ALLOW and LIMIT let traffic in); None otherwise.
    pub fn allow_rule(&self) -> Option<AllowRule> {
        if self.action != "ALLOW" && self.action != "LIMIT" {
            return None;
        }
        let to = parse_to(&self.to);
        let mut notes = to.notes;
        if self.action == "LIMIT" {
            notes.push("rate-limited".to_string());
        }
        let (from, _, _) = split_column(&self.from);
        let source = (!from.starts_with("Anywhere")).then(|| from.to_string());
        Some(AllowRule {
            proto: to.proto,
            ports: to.ports,
            source,
            incoming: self.direction == "IN",
            notes,
            location: Location::line(STATUS_LABEL, self.line),
            listening_on: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIVE: &str = "\
Status: active
Logging: on (low)
Default: deny (incoming), allow (outgoing), disabled (routed)
New profiles: skip

To                         Action      From
--                         ------      ----
22/tcp                     ALLOW IN    Anywhere
80,443/tcp (Nginx Full)    ALLOW IN    Anywhere
8000/tcp                   ALLOW IN    10.0.0.0/8
60000:61000/udp            ALLOW IN    Anywhere                   # mosh
2222/tcp on eth0           LIMIT IN    Anywhere                   (log)
3306                       DENY IN     Anywhere
Anywhere                   ALLOW IN    192.168.1.0/24
22/tcp (v6)                ALLOW IN    Anywhere (v6)
5432 (v6)                  ALLOW IN    Anywhere (v6)
22/tcp (OpenSSH (v6))      ALLOW IN    Anywhere (v6)
10.0.0.5 9200/tcp          ALLOW IN    Anywhere

53                         ALLOW OUT   Anywhere
";

    fn rules(text: &str) -> Vec<AllowRule> {
        let status = parse_status(text).expect("status");
        status.rules.iter().filter_map(StatusRule::allow_rule).collect()
    }

    #[test]
    fn header_fields() {
        let status = parse_status(ACTIVE).expect("status");
        assert!(status.active);
        assert_eq!(status.incoming, Some(("deny".to_string(), 3)));
        assert_eq!(status.rules.len(), 12);
        let inactive = parse_status("Status: inactive\n").expect("status");
        assert!(!inactive.active);
        assert_eq!(parse_status("ERROR: You need to be root to run this script"), None);
    }

    #[test]
    fn rows_become_allow_rules() {
        let described: Vec<String> = rules(ACTIVE).iter().map(AllowRule::describe).collect();
        assert_eq!(
            described,
            vec![
                "allow 22/tcp from anywhere",
                "allow 80,443/tcp from anywhere (app profile Nginx Full)",
                "allow 8000/tcp from 10.0.0.0/8",
                "allow 60000:61000/udp from anywhere",
                "allow 2222/tcp from anywhere (in on eth0; rate-limited)",
                "allow every port from 192.168.1.0/24",
                "allow 22/tcp from anywhere (IPv6)",
                "allow 5432 from anywhere (IPv6)",
                "allow 22/tcp from anywhere (IPv6; app profile OpenSSH)",
                "allow 9200/tcp from anywhere (to 10.0.0.5)",
                "allow 53 from anywhere (outgoing or routed)",
            ]
        );
        assert_eq!(rules(ACTIVE)[0].location, Location::line(STATUS_LABEL, 8));
    }

    #[test]
    fn plain_and_numbered_output() {
        let plain = "Status: active\n\nTo Action From\n-- ------ ----\nOpenSSH ALLOW Anywhere\n\
                     [ 2] 443/tcp ALLOW IN Anywhere\n";
        let described: Vec<String> = rules(plain).iter().map(AllowRule::describe).collect();
        assert_eq!(
            described,
            vec!["allow OpenSSH from anywhere", "allow 443/tcp from anywhere"]
        );
    }
}
