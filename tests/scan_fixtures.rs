//! `vouch scan --root` on realistic fixture hosts (stock Ubuntu 24.04 files with
//! the usual mistakes): the statuses an auditor expects, the file:line that decided
//! them, and the JSON contract of spec/cli.md.

mod common;

use common::{fixture, scan_root, Scan, AS_OF};
use std::path::Path;

fn scan(name: &str) -> Scan {
    scan_root(Path::new(&fixture(name)), &[])
}

fn assert_statuses(scan: &Scan, expected: &[(&str, &str)]) {
    let mut wrong = Vec::new();
    for (id, want) in expected {
        let got = scan.status(id);
        if got != *want {
            wrong.push(format!("{id}: {got} (wanted {want}): {}", scan.summary(id)));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn weak_droplet_fails_where_a_neglected_cloud_image_does() {
    let scan = scan("weak");
    assert_statuses(
        &scan,
        &[
            ("ssh.password-auth", "fail"),
            ("ssh.kbd-interactive", "pass"),
            ("ssh.root-login", "fail"),
            ("ssh.allow-users", "warn"),
            ("ssh.empty-passwords", "pass"),
            ("ssh.authorized-keys", "fail"),
            ("firewall.enabled", "fail"),
            ("firewall.default-deny", "fail"),
            ("firewall.allowed-ports", "fail"),
            ("firewall.listening-services", "needs_review"),
            ("firewall.cloud-firewall", "needs_review"),
            ("patching.unattended-upgrades", "pass"),
            ("patching.automatic", "fail"),
            ("patching.security-origin", "fail"),
            ("patching.recent-activity", "fail"),
            ("patching.reboot-required", "warn"),
            ("auth.sudo", "warn"),
            ("monitoring.metrics", "needs_review"),
            ("backup.schedule", "needs_review"),
            ("logging.centralized", "needs_review"),
        ],
    );
    assert_eq!(scan.code, 1, "failures give exit code 1");
}

#[test]
fn cloud_init_password_override_through_include_names_both_lines() {
    let scan = scan("weak");
    let summary = scan.summary("ssh.password-auth");
    assert!(
        summary.starts_with(
            "PasswordAuthentication yes wins: set at /etc/ssh/sshd_config.d/50-cloud-init.conf:1 before the `no` at"
        ),
        "{summary}"
    );
    assert!(summary.contains("/etc/ssh/sshd_config:66"), "{summary}");
    assert!(scan
        .findings("ssh.password-auth")
        .iter()
        .any(|f| f.starts_with("/etc/ssh/sshd_config.d/50-cloud-init.conf:1: ")));
}

#[test]
fn root_login_by_default_prohibit_password_fails() {
    let summary = scan("weak").summary("ssh.root-login");
    assert!(summary.contains("compiled default `prohibit-password`"), "{summary}");
}

#[test]
fn weak_keys_are_listed_with_type_bits_and_fingerprint() {
    let findings = scan("weak").findings("ssh.authorized-keys");
    let rsa = findings
        .iter()
        .find(|f| f.starts_with("/root/.ssh/authorized_keys:1: "))
        .expect("root's key");
    assert!(rsa.contains("ssh-rsa 1024 bits SHA256:"), "{rsa}");
    let dsa = findings
        .iter()
        .find(|f| f.starts_with("/home/deploy/.ssh/authorized_keys:1: "))
        .expect("deploy's key");
    assert!(dsa.contains("ssh-dss"), "{dsa}");
}

#[test]
fn a_later_apt_file_switching_updates_off_is_named() {
    let scan = scan("weak");
    assert_eq!(
        scan.summary("patching.automatic"),
        "APT::Periodic::Unattended-Upgrade is \"0\": set at /etc/apt/apt.conf.d/99-no-updates:3, after \"1\" in /etc/apt/apt.conf.d/20auto-upgrades:2"
    );
    let origin = scan.summary("patching.security-origin");
    assert!(
        origin.contains("is commented out at /etc/apt/apt.conf.d/50unattended-upgrades:8"),
        "{origin}"
    );
}

#[test]
fn inactive_ufw_denies_nothing_whatever_its_default_policy() {
    let scan = scan("weak");
    assert!(scan
        .summary("firewall.enabled")
        .contains("ufw is disabled (ENABLED=no, /etc/ufw/ufw.conf:6)"));
    assert!(scan
        .findings("firewall.default-deny")
        .iter()
        .any(|f| f.contains("/etc/default/ufw:11") && f.contains("no effect while ufw is disabled")));
}

#[test]
fn nopasswd_all_for_the_cloud_init_user_warns() {
    assert_eq!(
        scan("weak").summary("auth.sudo"),
        "sudo grants NOPASSWD: ALL to deploy (/etc/sudoers.d/90-cloud-init-users:4); require a password or limit it to named commands"
    );
}

#[test]
fn hardened_host_passes_every_host_control_it_can_decide() {
    let scan = scan("hardened");
    assert_statuses(
        &scan,
        &[
            ("ssh.password-auth", "pass"),
            ("ssh.kbd-interactive", "pass"),
            ("ssh.root-login", "pass"),
            ("ssh.allow-users", "pass"),
            ("ssh.empty-passwords", "pass"),
            ("ssh.authorized-keys", "pass"),
            ("firewall.enabled", "pass"),
            ("firewall.default-deny", "pass"),
            ("firewall.allowed-ports", "pass"),
            ("patching.unattended-upgrades", "pass"),
            ("patching.automatic", "pass"),
            ("patching.security-origin", "pass"),
            ("patching.recent-activity", "pass"),
            ("patching.reboot-required", "pass"),
            ("auth.sudo", "pass"),
            ("monitoring.metrics", "pass"),
            ("backup.schedule", "needs_review"),
            ("logging.centralized", "needs_review"),
        ],
    );
    assert_eq!(scan.code, 0, "nothing fails: exit 0 ({})", scan.stderr);
    assert!(scan
        .summary("backup.schedule")
        .contains("pg_dump daily at 03:15 as postgres (/etc/cron.d/pgbackup:5)"));
    assert!(scan
        .summary("logging.centralized")
        .contains("rsyslog forwards to logs.example.com:514"));
    assert!(
        scan.summary("patching.automatic")
            .contains("/etc/apt/apt.conf.d/52unattended-upgrades-local:9"),
        "nested syntax"
    );
}

#[test]
fn enable_links_resolve_inside_the_fixture_root() {
    // The node_exporter enable link is absolute (/lib/systemd/system/...): read under
    // --root it must land in the fixture, not on this machine.
    assert_eq!(
        scan("hardened").summary("monitoring.metrics"),
        "metrics agent enabled: prometheus-node-exporter.service (multi-user.target)"
    );
}

#[test]
fn mixed_host_warns_on_match_blocks_and_fails_on_postgres_open_to_all() {
    let scan = scan("mixed");
    assert_statuses(
        &scan,
        &[
            ("ssh.password-auth", "warn"),
            ("ssh.authorized-keys", "warn"),
            ("firewall.enabled", "pass"),
            ("firewall.default-deny", "pass"),
            ("firewall.allowed-ports", "fail"),
            ("patching.unattended-upgrades", "fail"),
            ("patching.automatic", "fail"),
            ("patching.security-origin", "pass"),
            ("patching.recent-activity", "warn"),
            ("auth.sudo", "pass"),
        ],
    );
    let ports = scan.summary("firewall.allowed-ports");
    assert!(
        ports.contains("5432") && ports.contains("/etc/ufw/user.rules:"),
        "{ports}"
    );
    let findings = scan.findings("firewall.allowed-ports");
    assert!(
        findings.iter().any(|f| f.contains("8000") && f.contains("10.0.0.0/8")),
        "{findings:?}"
    );
}

#[test]
fn nftables_host_with_includes_is_judged_by_its_input_chain() {
    let scan = scan("nft");
    assert_statuses(
        &scan,
        &[
            ("firewall.enabled", "pass"),
            ("firewall.default-deny", "pass"),
            ("firewall.allowed-ports", "fail"),
        ],
    );
    assert!(
        scan.summary("firewall.allowed-ports").contains("6379"),
        "{}",
        scan.summary("firewall.allowed-ports")
    );
}

#[test]
fn json_follows_the_results_contract() {
    let scan = scan("weak");
    let json = &scan.json;
    assert_eq!(json["schema"], "vouch.results/1");
    assert_eq!(json["tool"]["name"], "vouch");
    assert_eq!(json["as_of"], AS_OF);
    let host = scan.host();
    assert_eq!(host["target"], "local");
    assert_eq!(host["root"], fixture("weak"));
    let controls = host["controls"].as_array().expect("controls");
    let (catalog, _) = vouch::checklist::load_catalog(&vouch::checklist::bundled::texts()).expect("bundled catalog");
    let in_catalog = catalog.controls.len();
    assert_eq!(controls.len(), in_catalog, "every control of the catalog once");
    let mut ids: Vec<&str> = controls.iter().filter_map(|c| c["id"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), in_catalog, "no control twice");
    let summary = &host["summary"];
    let total: u64 = ["pass", "fail", "warn", "needs_review", "not_applicable", "error"]
        .iter()
        .map(|s| summary[*s].as_u64().expect("count per status"))
        .sum();
    assert_eq!(total as usize, in_catalog);
    let evidence = host["evidence"].as_array().expect("evidence");
    let known: Vec<&str> = evidence.iter().filter_map(|e| e["id"].as_str()).collect();
    for control in controls {
        for id in control["evidence"].as_array().expect("evidence ids") {
            assert!(
                known.contains(&id.as_str().unwrap_or("")),
                "{} cites unknown {id}",
                control["id"]
            );
        }
        for finding in control["findings"].as_array().expect("findings") {
            if let Some(location) = finding["location"].as_str() {
                assert!(!location.is_empty());
            }
        }
    }
    for item in evidence {
        for field in [
            "id",
            "kind",
            "source",
            "collected_at",
            "duration_ms",
            "provenance",
            "redactions",
        ] {
            assert!(!item[field].is_null(), "evidence lacks {field}: {item}");
        }
        assert_eq!(item["provenance"], "collected");
        if item["state"] == "ok" {
            assert_eq!(item["sha256"].as_str().map(str::len), Some(64), "{item}");
            assert!(item["bytes"].is_u64(), "{item}");
        } else if item["state"] == "missing" {
            assert!(
                item["sha256"].is_null() && item["bytes"].is_null(),
                "absence is not an empty file: {item}"
            );
        }
    }
    let sshd = evidence
        .iter()
        .find(|e| e["source"] == "/etc/ssh/sshd_config.d/50-cloud-init.conf")
        .expect("cited file");
    assert_eq!(sshd["kind"], "file");
    let password = scan.control("ssh.password-auth");
    assert!(password["evidence"]
        .as_array()
        .is_some_and(|ids| ids.iter().any(|id| *id == sshd["id"])));
}

#[test]
fn evidence_hashes_are_the_sha256_of_the_file() {
    let scan = scan("hardened");
    let evidence = scan.host()["evidence"].as_array().expect("evidence").clone();
    let item = evidence
        .iter()
        .find(|e| e["source"] == "/etc/ufw/ufw.conf")
        .expect("ufw.conf evidence");
    let bytes = std::fs::read(Path::new(&fixture("hardened")).join("etc/ufw/ufw.conf")).expect("fixture");
    use sha2::Digest;
    assert_eq!(
        item["sha256"].as_str(),
        Some(hex::encode(sha2::Sha256::digest(&bytes)).as_str())
    );
    assert_eq!(item["bytes"].as_u64(), Some(bytes.len() as u64));
}

#[test]
fn commands_are_never_run_under_root() {
    let scan = scan("hardened");
    let evidence = scan.host()["evidence"].as_array().expect("evidence").clone();
    let commands: Vec<_> = evidence.iter().filter(|e| e["kind"] == "command").collect();
    assert!(!commands.is_empty(), "command probes are recorded");
    for c in commands {
        assert_eq!(c["state"], "not_run", "{c}");
        assert!(
            c["exit_code"].is_null() && c.get("exit_code").is_some(),
            "exit_code is present, null: {c}"
        );
        assert!(
            c["note"]
                .as_str()
                .unwrap_or("")
                .starts_with("commands are not run under --root"),
            "{c}"
        );
    }
}
