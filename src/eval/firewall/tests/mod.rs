//! Evaluator table tests over Snapshots built from the stock-shaped fixture
//! files, plus the fixture roots themselves and a no-panic property test.

mod fixtures;
mod fuzz;
mod hosts;
mod nft;
mod ufw;

use crate::eval::{evaluator, EvalContext};
use crate::evidence::{CommandState, FileState, Snapshot};
use crate::model::Params;
use crate::model::{Outcome, Status};
use crate::parse::ufw::status::STATUS_ARGV;
use chrono::DateTime;

pub const UFW_CONF: &str = include_str!("../../../../tests/fixtures/hardened/etc/ufw/ufw.conf");
pub const DEFAULT_UFW: &str = include_str!("../../../../tests/fixtures/hardened/etc/default/ufw");
pub const MIXED_RULES: &str = include_str!("../../../../tests/fixtures/mixed/etc/ufw/user.rules");
pub const MIXED_RULES6: &str = include_str!("../../../../tests/fixtures/mixed/etc/ufw/user6.rules");

pub const ENABLED: &str = "firewall.enabled";
pub const DEFAULT_DENY: &str = "firewall.default-deny";
pub const ALLOWED_PORTS: &str = "firewall.allowed-ports";
pub const LISTENING: &str = "firewall.listening-services";

pub fn run(name: &str, snap: &Snapshot) -> Outcome {
    let def = evaluator(name).expect("registered evaluator");
    let params = Params::default();
    let as_of = DateTime::from_timestamp(0, 0).expect("epoch");
    (def.run)(&EvalContext::new(snap, as_of, &params))
}

pub fn status(name: &str, snap: &Snapshot) -> Status {
    run(name, snap).status
}

/// A file's 1-based line holding `needle`.
pub fn line_of(text: &str, needle: &str) -> u32 {
    let index = text.lines().position(|l| l.contains(needle)).expect("needle in text");
    u32::try_from(index + 1).expect("line fits")
}

/// A user.rules / user6.rules file of the stock shape holding these tuples.
pub fn rules_file(v6: bool, tuples: &[&str]) -> String {
    let stock = if v6 { MIXED_RULES6 } else { MIXED_RULES };
    let head = stock
        .split_inclusive('\n')
        .take_while(|l| !l.starts_with("### tuple"))
        .collect::<String>();
    let foot = &stock[stock.find("\n### END RULES ###").expect("stock footer")..];
    let body: String = tuples.iter().map(|t| format!("\n\n### tuple ### {t}")).collect();
    format!("{}{body}\n{foot}", head.trim_end_matches('\n'))
}

/// An Ubuntu host with ufw: ENABLED, DEFAULT_INPUT_POLICY and the two rules
/// files as given; no nftables.conf, no sshd_config (SSH port 22).
pub fn ufw_host(enabled: bool, policy: &str, rules: &str, rules6: &str) -> Snapshot {
    let conf = UFW_CONF.replace("ENABLED=yes", if enabled { "ENABLED=yes" } else { "ENABLED=no" });
    let defaults = DEFAULT_UFW.replace(
        "DEFAULT_INPUT_POLICY=\"DROP\"",
        &format!("DEFAULT_INPUT_POLICY=\"{policy}\""),
    );
    Snapshot::new()
        .with_file("/etc/ufw/ufw.conf", &conf)
        .with_file("/etc/default/ufw", &defaults)
        .with_file("/etc/ufw/user.rules", rules)
        .with_file("/etc/ufw/user6.rules", rules6)
        .with_state("/etc/nftables.conf", FileState::Missing)
}

/// A host with neither ufw nor nftables.
pub fn bare_host() -> Snapshot {
    Snapshot::new()
        .with_state("/etc/ufw/ufw.conf", FileState::Missing)
        .with_state("/etc/nftables.conf", FileState::Missing)
}

pub fn ran(stdout: &str) -> CommandState {
    CommandState::Ran {
        stdout: stdout.into(),
        stderr: "".into(),
        exit_code: Some(0),
    }
}

pub fn with_status(snap: Snapshot, stdout: &str) -> Snapshot {
    snap.with_command(&STATUS_ARGV, ran(stdout))
}

pub fn with_ss(snap: Snapshot, stdout: &str) -> Snapshot {
    snap.with_command(&["ss", "-tlnH"], ran(stdout))
}
