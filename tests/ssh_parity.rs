//! Parity: this machine audited over SSH (a real sshd on loopback, logged in as
//! whoever runs the tests) gets, control by control, the status `scan local`
//! gives it. Both read the machine's live state, so the tests of this file take
//! turns, and nothing else runs in this test binary.

mod common;

use common::sshd::{Client, Sshd};
use common::{scan_of, vouch, AS_OF};
use std::sync::Mutex;

static LIVE_STATE: Mutex<()> = Mutex::new(());

#[test]
fn every_control_has_the_same_status_over_ssh_as_locally() {
    let _turn = LIVE_STATE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "");
    client.trust(&server);
    let local = scan_of(
        vouch()
            .args(["scan", "local", "--format", "json", "--as-of", AS_OF])
            .output()
            .expect("vouch runs"),
    );
    let remote = scan_of(
        client
            .vouch()
            .args(["scan", &server.target(), "--format", "json", "--as-of", AS_OF])
            .output()
            .expect("vouch runs"),
    );
    assert_ne!(remote.code, 2, "{}", remote.stderr);
    assert_eq!(remote.host()["host_key"], server.host_fingerprint());
    let (here, there) = (local.statuses(), remote.statuses());
    assert_eq!(here.len(), there.len());
    let differ: Vec<String> = here
        .iter()
        .filter(|(id, status)| there.get(*id) != Some(status))
        .map(|(id, status)| {
            format!(
                "{id}: local {status}, ssh {} ({})",
                there.get(id).map_or("absent", String::as_str),
                remote.summary(id)
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "over SSH the verdicts differ:\n{}",
        differ.join("\n")
    );
    // The same files were read: the evidence names the same sources.
    let sources = |scan: &common::Scan| -> std::collections::BTreeSet<String> {
        scan.host()["evidence"]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|e| e["source"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(sources(&local), sources(&remote));
}
