//! `ss -tlnH` output: one TCP listening socket a line, `State Recv-Q Send-Q
//! Local-Address:Port Peer-Address:Port [Process]`, with local addresses such as
//! `0.0.0.0:5432`, `*:80`, `[::]:22`, `127.0.0.53%lo:53`, `[::1]:6379`,
//! `[::ffff:127.0.0.1]:8000`; the process column (`users:(("gunicorn",pid=…))`)
//! appears only with `-p`. A leading Netid column (`-u` too) is tolerated.

use crate::evidence::Source;
use crate::parse::text::numbered_lines;
use std::net::{IpAddr, Ipv6Addr};

/// The commands whose output this module reads, in order of preference: with
/// process names when collected, else the plain one.
pub const SS_ARGVS: [&[&str]; 2] = [&["ss", "-tlnpH"], &["ss", "-tlnH"]];

/// One listening socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// The local address as printed (`0.0.0.0:5432`).
    pub local: String,
    /// The address without brackets or `%interface` (`0.0.0.0`, `::1`, `*`).
    pub host: String,
    pub port: u16,
    /// The first process name, when `-p` was given.
    pub process: Option<String>,
    /// 1-based line in the output.
    pub line: u32,
}

impl Listener {
    /// Reachable only from this host: 127.0.0.0/8, ::1, ::ffff:127.x.
    pub fn is_loopback(&self) -> bool {
        match self.host.parse::<IpAddr>() {
            Ok(IpAddr::V4(v4)) => v4.is_loopback(),
            Ok(IpAddr::V6(v6)) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
            Err(_) => false,
        }
    }

    /// Bound to every address: `0.0.0.0`, `::`, `*`.
    pub fn is_wildcard(&self) -> bool {
        self.host == "*" || self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified())
    }
}

/// The `ss` output collected: the argv label and its text, when one ran and exited 0.
pub fn collected(source: &dyn Source) -> Option<(String, String)> {
    SS_ARGVS.iter().find_map(|argv| {
        let state = source.command(argv);
        state.success_stdout().map(|out| (argv.join(" "), out.to_string()))
    })
}

/// Every listener line that parses; other lines are skipped.
pub fn parse_ss(text: &str) -> Vec<Listener> {
    numbered_lines(text)
        .filter_map(|(number, line)| parse_line(line, number))
        .collect()
}

fn parse_line(line: &str, number: u32) -> Option<Listener> {
    let mut columns: Vec<&str> = line.split_whitespace().collect();
    if columns.first().is_some_and(|c| matches!(*c, "tcp" | "udp" | "Netid")) {
        columns.remove(0);
    }
    if columns.len() < 5 || columns[0] == "State" {
        return None;
    }
    let local = columns[3];
    let (host, port) = split_address(local)?;
    let process = columns.get(5..).and_then(|rest| process_name(&rest.join(" ")));
    Some(Listener {
        local: local.to_string(),
        host,
        port,
        process,
        line: number,
    })
}

/// `[::1]:6379` → (`::1`, 6379); `127.0.0.53%lo:53` → (`127.0.0.53`, 53).
fn split_address(text: &str) -> Option<(String, u16)> {
    let (host, port) = text.rsplit_once(':')?;
    let port = port.parse::<u16>().ok()?;
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    let host = host.split('%').next().unwrap_or(host);
    Some((normalize_v6(host), port))
}

/// Canonical IPv6 text, so `[0:0:0:0:0:0:0:1]` reads as `::1`.
fn normalize_v6(host: &str) -> String {
    host.parse::<Ipv6Addr>()
        .map_or_else(|_| host.to_string(), |v6| v6.to_string())
}

/// `users:(("gunicorn",pid=12,fd=5),...)` → `gunicorn`.
fn process_name(text: &str) -> Option<String> {
    let start = text.find("((\"")? + 3;
    let rest = text.get(start..)?;
    let end = rest.find('"')?;
    Some(rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SS: &str = "\
LISTEN 0      4096   127.0.0.53%lo:53        0.0.0.0:*
LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:((\"sshd\",pid=801,fd=3))
LISTEN 0      2048         0.0.0.0:8000      0.0.0.0:*    users:((\"gunicorn\",pid=9,fd=5),(\"gunicorn\",pid=10,fd=5))
LISTEN 0      244        127.0.0.1:5432      0.0.0.0:*
LISTEN 0      511                *:80              *:*
LISTEN 0      128             [::]:22           [::]:*
LISTEN 0      511            [::1]:6379         [::]:*
LISTEN 0      50   [::ffff:127.0.0.1]:8001         *:*
garbage
LISTEN 0 1 nonsense:port x:*
";

    #[test]
    fn listeners_and_their_addresses() {
        let all = parse_ss(SS);
        assert_eq!(all.len(), 8);
        let summary: Vec<(String, u16, bool, bool)> = all
            .iter()
            .map(|l| (l.host.clone(), l.port, l.is_loopback(), l.is_wildcard()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("127.0.0.53".into(), 53, true, false),
                ("0.0.0.0".into(), 22, false, true),
                ("0.0.0.0".into(), 8000, false, true),
                ("127.0.0.1".into(), 5432, true, false),
                ("*".into(), 80, false, true),
                ("::".into(), 22, false, true),
                ("::1".into(), 6379, true, false),
                ("::ffff:127.0.0.1".into(), 8001, true, false),
            ]
        );
        assert_eq!(all[2].process.as_deref(), Some("gunicorn"));
        assert_eq!(all[2].line, 3);
        assert_eq!(all[0].process, None);
    }

    #[test]
    fn header_and_netid_columns() {
        let text = "State Recv-Q Send-Q Local Address:Port Peer Address:Port\n\
                    tcp LISTEN 0 128 10.0.0.5:9200 0.0.0.0:*\n";
        let all = parse_ss(text);
        assert_eq!(all.len(), 1);
        assert_eq!(
            (all[0].host.as_str(), all[0].port, all[0].is_loopback()),
            ("10.0.0.5", 9200, false)
        );
    }
}
