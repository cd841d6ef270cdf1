//! The SSH port(s) `firewall.allowed-ports` expects to be open. A minimal,
//! temporary reader of the global `Port` lines of /etc/ssh/sshd_config (no
//! Include, no `sshd -T`), default 22; to be replaced by a call into the sshd
//! module (`crate::eval::sshd::ssh_ports`).

use super::ports::parse_port;
use crate::evidence::Source;

const SSHD_CONFIG: &str = "/etc/ssh/sshd_config";

/// sshd's listening ports; `[22]` when none is set or the file was not read.
pub fn ssh_ports(source: &dyn Source) -> Vec<u16> {
    let ports = source.read(SSHD_CONFIG).text().map(port_lines).unwrap_or_default();
    if ports.is_empty() {
        vec![22]
    } else {
        ports
    }
}

/// `Port N` lines before the first `Match` block (keywords case-insensitive).
fn port_lines(text: &str) -> Vec<u16> {
    let mut ports = Vec::new();
    for line in text.lines() {
        let mut words = line
            .split(|c: char| c.is_whitespace() || c == '=')
            .filter(|w| !w.is_empty());
        let keyword = words.next().unwrap_or("").to_ascii_lowercase();
        if keyword == "match" {
            break;
        }
        if let (true, Some(port)) = (keyword == "port", words.next().and_then(parse_port)) {
            if !ports.contains(&port) {
                ports.push(port);
            }
        }
    }
    ports
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Snapshot;

    #[test]
    fn ports_default_and_match_blocks() {
        let snap = Snapshot::new().with_file(SSHD_CONFIG, "#Port 22\nport 2222\nPort=2200\nMatch User x\nPort 1\n");
        assert_eq!(ssh_ports(&snap), vec![2222, 2200]);
        assert_eq!(ssh_ports(&Snapshot::new()), vec![22]);
    }
}
