//! `AllowRule`: one rule (or listener) that lets traffic in, in the form every
//! firewall parser produces (ufw files, `ufw status`, nftables, `ss` listeners), so
//! the evaluators judge them alike.

use crate::model::Location;
use crate::parse::ports::{Ports, Proto};

/// One rule (or listener) that lets traffic in, in a form every source shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowRule {
    pub proto: Proto,
    pub ports: Ports,
    /// None when the rule admits any source address (0.0.0.0/0, ::/0).
    pub source: Option<String>,
    /// False for outgoing and routed rules, which open nothing on this host.
    pub incoming: bool,
    /// What else the rule says: IPv6, interface, app profile, comment.
    pub notes: Vec<String>,
    pub location: Location,
    /// Not a rule but a listener seen by `ss` with no firewall running: the
    /// address it is bound to (`0.0.0.0`, `::`, `*`).
    pub listening_on: Option<String>,
}

impl AllowRule {
    pub fn open_to_anywhere(&self) -> bool {
        self.incoming && self.source.is_none()
    }

    /// `allow 80,443/tcp from anywhere (IPv6)`; for a listener with no firewall,
    /// `2024/tcp listens on 0.0.0.0 with no firewall in front (python3)`.
    pub fn describe(&self) -> String {
        let ports = ports_label(&self.ports, &self.proto);
        let mut text = match &self.listening_on {
            Some(address) => format!("{ports} listens on {address} with no firewall in front"),
            None => {
                let from = self.source.as_deref().unwrap_or("anywhere");
                let direction = if self.incoming { "" } else { " (outgoing or routed)" };
                format!("allow {ports} from {from}{direction}")
            }
        };
        if !self.notes.is_empty() {
            text.push_str(&format!(" ({})", self.notes.join("; ")));
        }
        text
    }
}

/// `22/tcp`, `80,443/tcp`, `5432`, `every tcp port`.
pub fn ports_label(ports: &Ports, proto: &Proto) -> String {
    match (ports, proto) {
        (Ports::All, Proto::Any) => "every port".to_string(),
        (Ports::All, Proto::Other(name)) => format!("every {name} port"),
        (Ports::All, Proto::Tcp) => "every tcp port".to_string(),
        (Ports::All, Proto::Udp) => "every udp port".to_string(),
        (Ports::List(_), _) => format!("{ports}{}", proto.suffix()),
    }
}
