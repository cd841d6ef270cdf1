//! The `### tuple ###` lines of /etc/ufw/user.rules and user6.rules, read as
//! ufw's `_read_rules` (backend_iptables.py) reads them:
//! `action proto dport dst sport src [dapp sapp] direction [comment=HEX]`, where
//! action may be `route:allow` and carry a log type (`allow_log`), dapp/sapp are
//! app profile names with spaces as `%20` (`-` for none), direction is `in`, `out`,
//! `in_eth0`, `out_eth0` or `in_eth0!out_eth1`, and the comment is hex-encoded.
//! Lines of 6 or 8 fields (old format) have no direction and mean `in`.

use crate::model::Location;
use crate::parse::allow::AllowRule;
use crate::parse::ports::{parse_ufw_ports, PortItem, Ports, Proto};
use crate::parse::text::numbered_lines;

/// One rule as ufw stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tuple {
    /// `allow`, `deny`, `reject` or `limit`, without log type.
    pub action: String,
    /// A `route:` (forwarding) rule.
    pub forward: bool,
    pub proto: String,
    pub dport: String,
    pub dst: String,
    pub src: String,
    pub dapp: Option<String>,
    /// `in` or `out`.
    pub direction: String,
    pub interface_in: Option<String>,
    pub interface_out: Option<String>,
    pub comment: Option<String>,
    /// 1-based line in the rules file.
    pub line: u32,
}

/// Every well-formed tuple of a rules file; malformed ones are skipped, as ufw does.
pub fn parse_tuples(text: &str) -> Vec<Tuple> {
    numbered_lines(text)
        .filter_map(|(number, line)| parse_line(line, number))
        .collect()
}

fn parse_line(line: &str, number: u32) -> Option<Tuple> {
    let (body, comment) = match line.split_once(" comment=") {
        Some((body, hex)) => (body, Some(decode_comment(hex.trim()))),
        None => (line, None),
    };
    let fields: Vec<&str> = body.strip_prefix("### tuple ###")?.split_whitespace().collect();
    if !(6..=9).contains(&fields.len()) {
        return None;
    }
    let (direction, interface_in, interface_out) = match fields.len() {
        7 | 9 => parse_direction(fields[fields.len() - 1])?,
        _ => ("in".to_string(), None, None),
    };
    let (forward, action) = parse_action(fields[0]);
    let dapp = if fields.len() >= 8 { app_name(fields[6]) } else { None };
    Some(Tuple {
        action,
        forward,
        proto: fields[1].to_ascii_lowercase(),
        dport: fields[2].to_string(),
        dst: fields[3].to_string(),
        src: fields[5].to_ascii_lowercase(),
        dapp,
        direction,
        interface_in,
        interface_out,
        comment,
        line: number,
    })
}

/// `route:allow_log` → (true, "allow"). Anything not allow/reject/limit is deny, as in ufw.
fn parse_action(word: &str) -> (bool, String) {
    let (forward, rest) = match word.split_once(':') {
        Some((_, action)) => (true, action),
        None => (false, word),
    };
    let base = rest.split('_').next().unwrap_or("").to_ascii_lowercase();
    let action = match base.as_str() {
        "allow" | "reject" | "limit" => base,
        _ => "deny".to_string(),
    };
    (forward, action)
}

type Direction = (String, Option<String>, Option<String>);

/// `in`, `out`, `in_eth0`, `out_eth0`, `in_eth0!out_eth1`.
fn parse_direction(word: &str) -> Option<Direction> {
    let direction = word.split('_').next().unwrap_or("").to_string();
    if direction != "in" && direction != "out" {
        return None;
    }
    if !word.contains('_') {
        return Some((direction, None, None));
    }
    let mut interface_in = None;
    let mut interface_out = None;
    for part in word.split('!') {
        if let Some(name) = part.strip_prefix("in_") {
            interface_in = Some(name.to_string());
        } else if let Some(name) = part.strip_prefix("out_") {
            interface_out = Some(name.to_string());
        } else {
            return None;
        }
    }
    Some((direction, interface_in, interface_out))
}

fn app_name(field: &str) -> Option<String> {
    (field != "-").then(|| field.replace("%20", " "))
}

/// ufw stores comments hex-encoded (util.hex_encode); show them decoded, and
/// redacted as collected text is: the hex hid them from the recorder's gate.
fn decode_comment(hex: &str) -> String {
    crate::evidence::redact::redact(&decode_hex(hex)).text
}

fn decode_hex(hex: &str) -> String {
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| hex.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect();
    match bytes {
        Some(bytes) if !hex.is_empty() => String::from_utf8_lossy(&bytes).into_owned(),
        _ => hex.to_string(),
    }
}

/// True for ufw's "any address" spellings.
pub fn is_anywhere(addr: &str) -> bool {
    matches!(addr, "0.0.0.0/0" | "::/0" | "any")
}

impl Tuple {
    /// The rule as an allow rule (allow and limit both let traffic in), or None
    /// for deny and reject rules. `v6` marks rules from user6.rules.
    pub fn allow_rule(&self, path: &str, v6: bool) -> Option<AllowRule> {
        if self.action != "allow" && self.action != "limit" {
            return None;
        }
        let ports = match parse_ufw_ports(&self.dport) {
            Some(ports) => ports,
            None => Ports::List(vec![PortItem::Unknown(self.dport.clone())]),
        };
        Some(AllowRule {
            proto: Proto::parse(&self.proto),
            ports,
            source: self.source(),
            incoming: !self.forward && self.direction == "in",
            notes: self.notes(v6),
            location: Location::line(path, self.line),
            listening_on: None,
        })
    }

    /// None when from anywhere; a rule bound to the loopback interface admits
    /// only local traffic, so it counts as restricted.
    fn source(&self) -> Option<String> {
        if self.interface_in.as_deref() == Some("lo") {
            return Some("the loopback interface".to_string());
        }
        (!is_anywhere(&self.src)).then(|| self.src.clone())
    }

    fn notes(&self, v6: bool) -> Vec<String> {
        let mut notes = Vec::new();
        if v6 {
            notes.push("IPv6".to_string());
        }
        if self.action == "limit" {
            notes.push("rate-limited".to_string());
        }
        if !is_anywhere(&self.dst) {
            notes.push(format!("to {}", self.dst));
        }
        if let Some(name) = &self.interface_in {
            notes.push(format!("in on {name}"));
        }
        if let Some(app) = &self.dapp {
            notes.push(format!("app profile {app}"));
        }
        if let Some(comment) = &self.comment {
            notes.push(format!("comment '{comment}'"));
        }
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = "\
*filter
:ufw-user-input - [0:0]
### RULES ###

### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in
-A ufw-user-input -p tcp --dport 22 -j ACCEPT

### tuple ### allow tcp 80,443 0.0.0.0/0 any 0.0.0.0/0 Nginx%20Full - in
### tuple ### limit tcp 2222 0.0.0.0/0 any 0.0.0.0/0 in_eth0 comment=7373682062617374696f6e
### tuple ### allow_log-all udp 60000:61000 0.0.0.0/0 any 0.0.0.0/0 in
### tuple ### allow tcp 8000 0.0.0.0/0 any 10.0.0.0/8 in
### tuple ### route:allow tcp 5432 0.0.0.0/0 any 0.0.0.0/0 in_eth1!out_eth0
### tuple ### deny tcp 3306 0.0.0.0/0 any 0.0.0.0/0 in
### tuple ### allow any 5432 0.0.0.0/0 any 0.0.0.0/0
### tuple ### allow tcp 1 2 3
### tuple ### allow tcp 9 0.0.0.0/0 any 0.0.0.0/0 sideways
### END RULES ###
COMMIT
";

    #[test]
    fn tuples_are_read_as_ufw_reads_them() {
        let tuples = parse_tuples(RULES);
        assert_eq!(tuples.len(), 8, "{tuples:#?}");
        assert_eq!((tuples[0].dport.as_str(), tuples[0].line), ("22", 5));
        assert_eq!(tuples[1].dapp.as_deref(), Some("Nginx Full"));
        assert_eq!(tuples[2].action, "limit");
        assert_eq!(tuples[2].interface_in.as_deref(), Some("eth0"));
        assert_eq!(tuples[2].comment.as_deref(), Some("ssh bastion"));
        assert_eq!(tuples[3].action, "allow");
        assert!(tuples[5].forward);
        assert_eq!(tuples[5].interface_out.as_deref(), Some("eth0"));
        assert_eq!(tuples[6].action, "deny");
        assert_eq!(tuples[7].direction, "in", "6-field old format means in");
    }

    #[test]
    fn allow_rules_carry_source_direction_and_notes() {
        let tuples = parse_tuples(RULES);
        let rules: Vec<AllowRule> = tuples
            .iter()
            .filter_map(|t| t.allow_rule("/etc/ufw/user.rules", false))
            .collect();
        assert_eq!(rules.len(), 7);
        assert!(rules[0].open_to_anywhere());
        assert_eq!(
            rules[1].describe(),
            "allow 80,443/tcp from anywhere (app profile Nginx Full)"
        );
        assert_eq!(rules[4].source.as_deref(), Some("10.0.0.0/8"));
        assert!(!rules[5].incoming, "route rules open nothing on the host");
        assert_eq!(rules[6].describe(), "allow 5432 from anywhere");
    }

    #[test]
    fn odd_comments_are_kept_raw() {
        assert_eq!(decode_comment("zz"), "zz");
        assert_eq!(decode_comment("616"), "616");
        assert_eq!(decode_comment("é1"), "é1");
    }
}
