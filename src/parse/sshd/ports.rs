//! The ports sshd listens on: `listenaddress` lines of `sshd -T` when it ran, else
//! the global `Port` lines (they accumulate; default 22) combined with
//! `ListenAddress` lines, which may name their own port.

use crate::evidence::Source;
use crate::parse::sshd::config::{SshdConfig, DEFAULT_CONFIG};
use crate::parse::sshd::settings::View;
use crate::parse::sshd::sshd_t::SshdT;

/// sshd's SSH_DEFAULT_PORT.
pub const DEFAULT_PORT: u16 = 22;

/// Effective listening ports of the host's sshd, sorted; `[22]` when nothing says
/// otherwise (including when the configuration cannot be read).
pub fn ssh_ports(source: &dyn Source) -> Vec<u16> {
    ports_of(&View::load(source, DEFAULT_CONFIG))
}

/// Effective listening ports for a loaded view.
pub fn ports_of(view: &View) -> Vec<u16> {
    let mut ports = match (&view.sshd_t, &view.config) {
        (Some(dump), _) => from_dump(dump),
        (None, Ok(config)) => from_config(config),
        (None, Err(_)) => Vec::new(),
    };
    if ports.is_empty() {
        ports.push(DEFAULT_PORT);
    }
    ports.sort_unstable();
    ports.dedup();
    ports
}

fn from_dump(dump: &SshdT) -> Vec<u16> {
    let listening: Vec<u16> = dump
        .all("listenaddress")
        .iter()
        .filter_map(|a| explicit_port(first_word(a)))
        .collect();
    if !listening.is_empty() {
        return listening;
    }
    dump.all("port").iter().filter_map(|p| parse_port(p)).collect()
}

fn from_config(config: &SshdConfig) -> Vec<u16> {
    let mut ports: Vec<u16> = config
        .global("port")
        .filter_map(|d| d.args.first())
        .filter_map(|p| parse_port(p))
        .collect();
    if ports.is_empty() {
        ports.push(DEFAULT_PORT);
    }
    let listens: Vec<Option<u16>> = config
        .global("listenaddress")
        .filter_map(|d| d.args.first())
        .map(|a| explicit_port(a))
        .collect();
    if listens.is_empty() {
        return ports;
    }
    let mut out = Vec::new();
    for listen in listens {
        match listen {
            Some(port) => out.push(port),
            None => out.extend(ports.iter().copied()),
        }
    }
    out
}

fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

/// The port a ListenAddress names: `host:port` or `[v6]:port`; a bare IPv6
/// address (two or more colons, no brackets) or a bare host names none.
fn explicit_port(address: &str) -> Option<u16> {
    if let Some(rest) = address.strip_prefix('[') {
        let (_, after) = rest.split_once(']')?;
        return after.strip_prefix(':').and_then(parse_port);
    }
    if address.matches(':').count() >= 2 {
        return None;
    }
    address.split_once(':').and_then(|(_, port)| parse_port(port))
}

/// sshd's a2port: 1..=65535 (service names are not resolved here).
fn parse_port(text: &str) -> Option<u16> {
    text.trim().parse::<u16>().ok().filter(|p| *p > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{CommandState, Snapshot};
    use std::sync::Arc;

    fn ports(config: &str) -> Vec<u16> {
        ssh_ports(&Snapshot::new().with_file(DEFAULT_CONFIG, config))
    }

    #[test]
    fn ports_from_files() {
        assert_eq!(ports("# nothing\n"), vec![22]);
        assert_eq!(ports("Port 2222\n"), vec![2222]);
        assert_eq!(ports("Port 22\nPort 2222\n"), vec![22, 2222]);
        assert_eq!(
            ports("Port 2222\nListenAddress 10.0.0.5\nListenAddress 127.0.0.1:2200\n"),
            vec![2200, 2222]
        );
        assert_eq!(ports("ListenAddress [::1]:2201\nListenAddress ::\n"), vec![22, 2201]);
        assert_eq!(ports("Match User x\nPort 9999\n"), vec![22]);
        assert!(ssh_ports(&Snapshot::new()).eq(&[22]));
    }

    #[test]
    fn sshd_t_listen_addresses_win() {
        let dump = "port 2222\nlistenaddress [::]:2222\nlistenaddress 0.0.0.0:2222\n";
        let ran = CommandState::Ran {
            stdout: Arc::from(dump),
            stderr: Arc::from(""),
            exit_code: Some(0),
        };
        let snap = Snapshot::new()
            .with_file(DEFAULT_CONFIG, "Port 22\n")
            .with_command(&["sshd", "-T"], ran);
        assert_eq!(ssh_ports(&snap), vec![2222]);
    }
}
