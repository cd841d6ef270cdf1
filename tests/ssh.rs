//! Auditing a server over SSH, against real OpenSSH servers on loopback: host
//! keys trusted as `StrictHostKeyChecking` would (ssh-keygen and ssh-keyscan are
//! the judges of fingerprints and known_hosts lines), logins with key files,
//! encrypted keys and a real ssh-agent, and what the user is told when any of it
//! refuses.

mod common;

use common::sshd::{fingerprint, keygen, login, Agent, Client, Sshd};
use common::{scan_of, Scan};
use std::process::Command;

/// `vouch scan TARGET --only ssh --format json` as `client`, plus `extra`.
fn scan(client: &Client, target: &str, extra: &[&str]) -> Scan {
    scan_env(client, target, extra, &[])
}

/// `scan` with these environment variables set (an agent's socket, SSH_ASKPASS).
fn scan_env(client: &Client, target: &str, extra: &[&str], env: &[(&str, &std::path::Path)]) -> Scan {
    let out = client
        .vouch()
        .args(["scan", target, "--only", "ssh", "--format", "json"])
        .args(extra)
        .envs(env.iter().copied())
        .output()
        .expect("vouch runs");
    scan_of(out)
}

fn error_of(scan: &Scan) -> String {
    scan.host()["error"].as_str().unwrap_or_default().to_string()
}

#[test]
fn an_unknown_host_key_is_refused_with_its_fingerprint_until_accepted() {
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "");
    let first = scan(&client, &server.target(), &[]);
    assert_eq!(first.code, 2, "{}", first.stderr);
    assert!(first.stderr.contains("host key unknown"), "{}", first.stderr);
    assert!(first.stderr.contains(&server.host_fingerprint()), "{}", first.stderr);
    assert!(first.stderr.contains("--accept-new"), "{}", first.stderr);
    assert!(
        !client.known_hosts().exists(),
        "nothing is trusted without --accept-new"
    );

    let accepted = scan(&client, &server.target(), &["--accept-new"]);
    assert_ne!(accepted.code, 2, "{}", accepted.stderr);
    assert_eq!(accepted.host()["host_key"], server.host_fingerprint());
    assert!(accepted.host()["transport"]
        .as_str()
        .unwrap_or_default()
        .contains("accepted on first use"));
    assert!(accepted.stderr.contains("permanently added"), "{}", accepted.stderr);
    // The line written is one ssh itself finds, hashed as Debian's ssh writes it.
    let known = std::fs::read_to_string(client.known_hosts()).expect("known_hosts written");
    assert!(known.starts_with("|1|"), "{known}");
    let found = Command::new("ssh-keygen")
        .args(["-F", &format!("[127.0.0.1]:{}", server.port), "-f"])
        .arg(client.known_hosts())
        .output()
        .expect("ssh-keygen runs");
    assert!(
        found.status.success(),
        "ssh-keygen -F does not find the line vouch wrote"
    );

    let again = scan(&client, &server.target(), &[]);
    assert_ne!(again.code, 2, "{}", again.stderr);
    assert!(again.host()["transport"]
        .as_str()
        .unwrap_or_default()
        .contains("known_hosts:1"));
}

#[test]
fn a_changed_host_key_is_refused_even_with_accept_new() {
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "");
    let old = tempfile::tempdir().expect("a temp dir");
    keygen(&old.path().join("old"), "ed25519", "", "old host key");
    let old_key = std::fs::read_to_string(old.path().join("old.pub")).expect("the old key");
    let mut parts = old_key.split_whitespace();
    let line = format!(
        "[127.0.0.1]:{} {} {}\n",
        server.port,
        parts.next().expect("type"),
        parts.next().expect("key")
    );
    std::fs::write(client.known_hosts(), &line).expect("known_hosts written");
    for extra in [&[][..], &["--accept-new"][..]] {
        let refused = scan(&client, &server.target(), extra);
        assert_eq!(refused.code, 2, "{}", refused.stderr);
        assert!(
            refused.stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED"),
            "{}",
            refused.stderr
        );
        assert!(refused.stderr.contains("known_hosts:1"), "{}", refused.stderr);
    }
    assert_eq!(
        std::fs::read_to_string(client.known_hosts()).expect("known_hosts"),
        line,
        "left as it was"
    );
}

#[test]
fn hashed_and_revoked_known_hosts_lines_are_read_as_ssh_reads_them() {
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "");
    // ssh-keyscan -H writes the hashed lines ssh itself would.
    let scanned = Command::new("ssh-keyscan")
        .args(["-H", "-t", "ed25519", "-p", &server.port.to_string(), "127.0.0.1"])
        .output()
        .expect("ssh-keyscan runs");
    let hashed = String::from_utf8_lossy(&scanned.stdout).to_string();
    assert!(hashed.starts_with("|1|"), "{hashed}");
    std::fs::write(client.known_hosts(), &hashed).expect("known_hosts written");
    let trusted = scan(&client, &server.target(), &[]);
    assert_ne!(trusted.code, 2, "{}", trusted.stderr);
    assert_eq!(trusted.host()["host_key"], server.host_fingerprint());

    // A CA line covers the host, but vouch checks no host certificate: said, refused.
    let ca = tempfile::tempdir().expect("a temp dir");
    keygen(&ca.path().join("ca"), "ed25519", "", "host CA");
    let ca_key = std::fs::read_to_string(ca.path().join("ca.pub")).expect("the CA key");
    std::fs::write(
        client.known_hosts(),
        format!("@cert-authority [127.0.0.1]:{} {ca_key}", server.port),
    )
    .expect("written");
    let ca_only = scan(&client, &server.target(), &[]);
    assert_eq!(ca_only.code, 2, "{}", ca_only.stderr);
    assert!(ca_only.stderr.contains("@cert-authority"), "{}", ca_only.stderr);

    std::fs::write(client.known_hosts(), format!("@revoked {}", server.known_hosts_line())).expect("written");
    let revoked = scan(&client, &server.target(), &["--accept-new"]);
    assert_eq!(revoked.code, 2, "{}", revoked.stderr);
    assert!(revoked.stderr.contains("@revoked"), "{}", revoked.stderr);
}

#[test]
fn a_key_the_server_does_not_know_is_refused_naming_what_was_tried() {
    let client = Client::new();
    let other = tempfile::tempdir().expect("a temp dir");
    keygen(&other.path().join("id_other"), "ecdsa", "", "other");
    let server = Sshd::start(&[&other.path().join("id_other.pub")], "");
    client.trust(&server);
    let refused = scan(&client, &server.target(), &[]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    let error = error_of(&refused);
    assert!(
        error.contains(&format!("no key was accepted for {}", login())),
        "{error}"
    );
    assert!(error.contains("id_ed25519: refused"), "{error}");

    // Named with -i, the right key logs in (ECDSA, as ssh-keygen made it).
    let key = other.path().join("id_other");
    let ok = scan(&client, &server.target(), &["-i", key.to_str().expect("utf-8")]);
    assert_ne!(ok.code, 2, "{}", ok.stderr);
}

#[test]
fn rsa_keys_log_in_with_sha2_signatures() {
    let client = Client::new();
    let keys = tempfile::tempdir().expect("a temp dir");
    keygen(&keys.path().join("id_rsa"), "rsa", "", "rsa user");
    // OpenSSH 9 refuses SHA-1 `ssh-rsa` signatures: only rsa-sha2-256/512 get in.
    let server = Sshd::start(
        &[&keys.path().join("id_rsa.pub")],
        "PubkeyAcceptedAlgorithms rsa-sha2-512,rsa-sha2-256",
    );
    client.trust(&server);
    let ok = scan(
        &client,
        &server.target(),
        &["-i", keys.path().join("id_rsa").to_str().expect("utf-8")],
    );
    assert_ne!(ok.code, 2, "{}\n{}", ok.stderr, server.log());
}

#[test]
fn an_encrypted_key_asks_for_its_passphrase_through_ssh_askpass() {
    let client = Client::new();
    let keys = tempfile::tempdir().expect("a temp dir");
    keygen(&keys.path().join("id_locked"), "ed25519", "correct horse", "locked");
    let server = Sshd::start(&[&keys.path().join("id_locked.pub")], "");
    client.trust(&server);
    let askpass = keys.path().join("askpass");
    std::fs::write(
        &askpass,
        "#!/bin/sh\necho \"$1\" >> \"$(dirname \"$0\")/asked\"\necho 'correct horse'\n",
    )
    .expect("written");
    std::fs::set_permissions(&askpass, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    let key = keys.path().join("id_locked");
    let key = key.to_str().expect("utf-8");
    let askpass_env = [
        ("SSH_ASKPASS", askpass.as_path()),
        ("SSH_ASKPASS_REQUIRE", std::path::Path::new("force")),
    ];
    let opened = scan_env(&client, &server.target(), &["-i", key], &askpass_env);
    assert_ne!(opened.code, 2, "{}", opened.stderr);
    let asked = std::fs::read_to_string(keys.path().join("asked")).expect("the passphrase was asked");
    assert!(asked.contains("Enter passphrase for key"), "{asked}");
    assert!(asked.contains("id_locked"), "{asked}");

    // A wrong passphrase is a refusal that says which key, never the passphrase.
    std::fs::write(&askpass, "#!/bin/sh\necho 'wrong battery'\n").expect("written");
    let refused = scan_env(&client, &server.target(), &["-i", key], &askpass_env);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("id_locked"), "{}", refused.stderr);
    assert!(!refused.stderr.contains("wrong battery"), "{}", refused.stderr);
}

#[test]
fn the_agent_offers_every_identity_and_the_named_key_first() {
    let client = Client::new();
    let keys = tempfile::tempdir().expect("a temp dir");
    let mut held = Vec::new();
    for n in 0..8 {
        let path = keys.path().join(format!("decoy{n}"));
        keygen(&path, "ed25519", "", &format!("decoy {n}"));
        held.push(path);
    }
    let right = keys.path().join("right");
    keygen(&right, "ed25519", "", "the right key");
    held.push(right.clone());
    // The right key is ninth in the agent: past sshd's MaxAuthTries of 6.
    let server = Sshd::start(&[&keys.path().join("right.pub")], "MaxAuthTries 6");
    client.trust(&server);
    let agent = Agent::start();
    agent.add(&held);
    std::fs::remove_file(client.ssh_dir().join("id_ed25519")).expect("no default key");

    let run = |extra: &[&str]| scan_env(&client, &server.target(), extra, &[("SSH_AUTH_SOCK", &agent.socket)]);
    // Offered in the agent's order, the server hangs up before the right one, and says so.
    let cut = run(&[]);
    assert_eq!(cut.code, 2, "{}", cut.stderr);
    assert!(error_of(&cut).contains("MaxAuthTries"), "{}", error_of(&cut));
    assert!(
        error_of(&cut).contains("decoy 0"),
        "every key tried is named: {}",
        error_of(&cut)
    );
    // Named with -i (its public half is enough), the agent's copy goes first.
    let public = keys.path().join("right.pub");
    std::fs::remove_file(&right).expect("only the public half stays");
    std::fs::rename(&public, &right).expect("renamed");
    let named = run(&["-i", right.to_str().expect("utf-8")]);
    assert_ne!(named.code, 2, "{}", named.stderr);

    // With only a few decoys, every identity is tried until one is accepted.
    let few = Agent::start();
    let (fkeys, fclient) = (tempfile::tempdir().expect("a temp dir"), Client::new());
    let mut order = Vec::new();
    for n in 0..3 {
        let path = fkeys.path().join(format!("d{n}"));
        keygen(&path, "ed25519", "", "decoy");
        order.push(path);
    }
    order.push(fclient.ssh_dir().join("id_ed25519"));
    few.add(&order);
    let second = Sshd::start(&[&fclient.key()], "");
    fclient.trust(&second);
    std::fs::remove_file(fclient.ssh_dir().join("id_ed25519")).expect("only in the agent now");
    let fourth = scan_env(&fclient, &second.target(), &[], &[("SSH_AUTH_SOCK", &few.socket)]);
    assert_ne!(fourth.code, 2, "{}", fourth.stderr);
}

#[test]
fn a_port_with_nothing_listening_is_unreachable_with_exit_code_2() {
    let client = Client::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let target = format!("{}@127.0.0.1:{port}", login());
    let refused = scan(&client, &target, &[]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("unreachable"), "{}", refused.stderr);
    assert!(refused.stderr.contains("refused"), "{}", refused.stderr);
    assert_eq!(
        refused.stderr.lines().filter(|l| l.starts_with("vouch:")).count(),
        1,
        "{}",
        refused.stderr
    );
}

#[test]
fn a_host_alias_of_ssh_config_gives_the_address_port_and_key() {
    let client = Client::new();
    let keys = tempfile::tempdir().expect("a temp dir");
    keygen(&keys.path().join("deploy_key"), "ed25519", "", "deploy");
    let server = Sshd::start(&[&keys.path().join("deploy_key.pub")], "");
    client.trust(&server);
    std::fs::write(
        client.ssh_dir().join("config"),
        format!(
            "Host droplet\n  HostName 127.0.0.1\n  Port {}\n  User {}\n  IdentityFile {}\n",
            server.port,
            login(),
            keys.path().join("deploy_key").display()
        ),
    )
    .expect("config written");
    let ok = scan(&client, "droplet", &[]);
    assert_ne!(ok.code, 2, "{}", ok.stderr);
    assert_eq!(ok.host()["target"], "droplet");
    assert!(ok.host()["transport"]
        .as_str()
        .unwrap_or_default()
        .contains(&format!("127.0.0.1:{}", server.port)));
    let _ = fingerprint;
}

#[test]
fn a_server_without_sftp_is_read_through_commands_alike() {
    let client = Client::new();
    let with = Sshd::start(&[&client.key()], "");
    // No SFTP subsystem: sshd refuses it, and vouch reads with `cat`, `stat`, `find`.
    let without = Sshd::start(&[&client.key()], "Subsystem other /bin/true");
    client.trust(&with);
    client.trust(&without);
    let a = scan(&client, &with.target(), &["--only", "ssh,patching"]);
    let b = scan(&client, &without.target(), &["--only", "ssh,patching"]);
    assert_ne!(b.code, 2, "{}", b.stderr);
    assert_eq!(a.statuses(), b.statuses());
    let read = |s: &Scan| {
        s.host()["evidence"]
            .as_array()
            .map(|all| all.iter().filter(|e| e["kind"] == "file" && e["state"] == "ok").count())
            .unwrap_or(0)
    };
    assert!(read(&b) > 0 && read(&a) == read(&b), "{} vs {}", read(&a), read(&b));
}

#[test]
fn a_dry_run_connects_to_nothing_and_lists_what_would_be_read_and_run() {
    let client = Client::new();
    // 203.0.113.0/24 is reserved for documentation: nothing answers there.
    let out = client
        .vouch()
        .args(["scan", "deploy@203.0.113.9:2222", "--dry-run", "--sudo"])
        .output()
        .expect("vouch runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "nothing was connected to",
        "ssh deploy@203.0.113.9:2222",
        "/etc/ssh/sshd_config",
        "sshd -T",
        "sudo -n",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
}

#[test]
fn the_bundle_of_a_scan_over_ssh_names_the_host_key() {
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "");
    client.trust(&server);
    let pack = client.home.path().join("pack");
    let out = client
        .vouch()
        .args([
            "scan",
            &server.target(),
            "--only",
            "ssh",
            "--format",
            "json",
            "--bundle",
        ])
        .arg(&pack)
        .output()
        .expect("vouch runs");
    assert_ne!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("manifest.json")).expect("a manifest")).expect("JSON");
    assert_eq!(manifest["targets"][0]["host_key"], server.host_fingerprint());
    assert!(manifest["targets"][0]["transport"]
        .as_str()
        .unwrap_or_default()
        .starts_with("ssh "));
}

#[test]
fn an_encrypted_key_asks_for_its_passphrase_on_the_terminal_without_echo() {
    let client = Client::new();
    let keys = tempfile::tempdir().expect("a temp dir");
    keygen(&keys.path().join("id_locked"), "ed25519", "open sesame", "locked");
    let server = Sshd::start(&[&keys.path().join("id_locked.pub")], "");
    client.trust(&server);
    let out = keys.path().join("out.json");
    let socket = format!("vouch-pass-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs")
    };
    let command = format!(
        "HOME={} USER={} SSH_AUTH_SOCK= {} scan {} -i {} --only ssh --format json -o {}; echo EXIT=$?; sleep 30",
        client.home.path().display(),
        login(),
        env!("CARGO_BIN_EXE_vouch"),
        server.target(),
        keys.path().join("id_locked").display(),
        out.display()
    );
    assert!(tmux(&["new-session", "-d", "-x", "120", "-y", "20", &command])
        .status
        .success());
    let screen = || String::from_utf8_lossy(&tmux(&["capture-pane", "-p"]).stdout).into_owned();
    let wait_for = |text: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let now = screen();
            if now.contains(text) {
                return now;
            }
            assert!(std::time::Instant::now() < deadline, "never showed {text:?}:\n{now}");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    wait_for("Enter passphrase for key");
    tmux(&["send-keys", "-l", "open sesame"]);
    tmux(&["send-keys", "Enter"]);
    let done = wait_for("EXIT=");
    let _ = tmux(&["kill-server"]);
    assert!(!done.contains("open sesame"), "the passphrase was echoed:\n{done}");
    assert!(!done.contains("EXIT=2"), "{done}");
    let results: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).expect("results")).expect("JSON");
    assert_eq!(results["hosts"][0]["host_key"], server.host_fingerprint());
}

/// /etc/ssh/ssh_known_hosts as the test wants it, put back as it was when dropped.
struct GlobalKnownHosts {
    before: Option<Vec<u8>>,
}

impl GlobalKnownHosts {
    const PATH: &'static str = "/etc/ssh/ssh_known_hosts";

    fn with(text: &str) -> GlobalKnownHosts {
        let before = std::fs::read(Self::PATH).ok();
        let mut all = before.clone().unwrap_or_default();
        all.extend_from_slice(text.as_bytes());
        std::fs::create_dir_all("/etc/ssh").expect("/etc/ssh");
        std::fs::write(Self::PATH, all).expect("the system known_hosts is written (the tests run as root)");
        GlobalKnownHosts { before }
    }
}

impl Drop for GlobalKnownHosts {
    fn drop(&mut self) {
        match &self.before {
            Some(bytes) => {
                let _ = std::fs::write(Self::PATH, bytes);
            }
            None => {
                let _ = std::fs::remove_file(Self::PATH);
            }
        }
    }
}

#[test]
fn the_system_known_hosts_is_read_as_ssh_reads_it() {
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "");
    // Known only system-wide: trusted, and said where.
    {
        let _global = GlobalKnownHosts::with(&server.known_hosts_line());
        let trusted = scan(&client, &server.target(), &[]);
        assert_ne!(trusted.code, 2, "{}", trusted.stderr);
        assert!(trusted.host()["transport"]
            .as_str()
            .unwrap_or_default()
            .contains("/etc/ssh/ssh_known_hosts:"));
    }
    // Revoked system-wide: refused, however the user's own file trusts it.
    client.trust(&server);
    let _global = GlobalKnownHosts::with(&format!("@revoked {}", server.known_hosts_line()));
    let refused = scan(&client, &server.target(), &["--accept-new"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("@revoked at /etc/ssh/ssh_known_hosts"),
        "{}",
        refused.stderr
    );
}

#[test]
fn identities_only_offers_no_agent_key_but_the_named_ones() {
    let client = Client::new();
    let keys = tempfile::tempdir().expect("a temp dir");
    keygen(&keys.path().join("right"), "ed25519", "", "right");
    keygen(&keys.path().join("named"), "ed25519", "", "named");
    let server = Sshd::start(&[&keys.path().join("right.pub")], "");
    client.trust(&server);
    let agent = Agent::start();
    agent.add(&[keys.path().join("right")]);
    let config = |only: &str| {
        std::fs::write(
            client.ssh_dir().join("config"),
            format!(
                "Host box\n  HostName 127.0.0.1\n  Port {}\n  User {}\n  IdentityFile {}\n  IdentitiesOnly {only}\n",
                server.port,
                login(),
                keys.path().join("named").display()
            ),
        )
        .expect("config written")
    };
    let run = || scan_env(&client, "box", &[], &[("SSH_AUTH_SOCK", &agent.socket)]);
    config("no");
    assert_ne!(run().code, 2, "without IdentitiesOnly the agent's key is offered too");
    config("yes");
    let refused = run();
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(!error_of(&refused).contains("agent"), "{}", error_of(&refused));
    assert!(error_of(&refused).contains("named: refused"), "{}", error_of(&refused));
}
