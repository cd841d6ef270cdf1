//! The user's ssh_config read as OpenSSH reads it: for every host asked,
//! vouch's HostName, User, Port, IdentityFile, IdentitiesOnly and ProxyJump
//! are what `ssh -G -F CONFIG HOST` prints (Host patterns and negations, the
//! first value winning, IdentityFile accumulating, Include with a glob taking
//! effect where it stands, `=`, quotes, `%h`); a `Match` block is refused with
//! its file and line.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use vouch::transport::ssh_config::resolve;

/// What `ssh -G` prints for these keywords (every identityfile kept in order).
fn ssh_g(config: &Path, host: &str) -> BTreeMap<String, Vec<String>> {
    let out = Command::new("ssh")
        .arg("-G")
        .arg("-F")
        .arg(config)
        .arg(host)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("ssh runs (openssh-client)");
    assert!(out.status.success(), "ssh -G: {}", String::from_utf8_lossy(&out.stderr));
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some((key, value)) = line.split_once(' ') {
            if [
                "hostname",
                "user",
                "port",
                "identityfile",
                "identitiesonly",
                "proxyjump",
            ]
            .contains(&key)
            {
                seen.entry(key.to_string()).or_default().push(value.to_string());
            }
        }
    }
    seen
}

#[test]
fn every_host_resolves_as_ssh_g_prints_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let extra = dir.path().join("conf.d");
    std::fs::create_dir_all(&extra).expect("mkdir");
    std::fs::write(
        extra.join("10-db.conf"),
        "Host db\n  HostName db.%h.example.com\n  Port=5022\n  IdentityFile ~/.ssh/db_key\n",
    )
    .expect("write");
    std::fs::write(extra.join("20-all.conf"), "Host db\n  User \"db admin\"\n").expect("write");
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "# the user's config\n\
             Host web\n\
             \x20 HostName 10.0.0.5\n\
             \x20 User deploy\n\
             \x20 Port 2222\n\
             \x20 IdentityFile ~/.ssh/web_ed25519\n\
             Include {}/*.conf\n\
             Host *.internal !secret.internal\n\
             \x20 User ops\n\
             \x20 ProxyJump bastion\n\
             \x20 IdentityFile ~/.ssh/internal\n\
             Host WEB\n\
             \x20 User second-value-loses\n\
             Host *\n\
             \x20 User fallback\n\
             \x20 IdentitiesOnly yes\n\
             \x20 IdentityFile ~/.ssh/everywhere\n",
            extra.display()
        ),
    )
    .expect("write");
    let home = Path::new("/nonexistent-home");
    for host in ["web", "WEB", "db", "a.internal", "secret.internal", "other.example.com"] {
        let ours = resolve(host, &config, home).expect("resolved");
        let theirs = ssh_g(&config, host);
        let one = |key: &str| theirs.get(key).and_then(|v| v.first()).cloned();
        assert_eq!(Some(ours.hostname.clone()), one("hostname"), "{host}: hostname");
        assert_eq!(ours.user, one("user"), "{host}: user");
        assert_eq!(
            ours.port.unwrap_or(22).to_string(),
            one("port").unwrap_or_default(),
            "{host}: port"
        );
        assert_eq!(
            ours.identities_only.map(|y| if y { "yes" } else { "no" }.to_string()),
            one("identitiesonly").filter(|v| v == "yes"),
            "{host}: identitiesonly"
        );
        assert_eq!(ours.proxy_jump, one("proxyjump"), "{host}: proxyjump");
        // Configured keys only: ssh adds its compiled-in defaults when none is given.
        if !ours.identity_files.is_empty() {
            assert_eq!(
                Some(&ours.identity_files),
                theirs.get("identityfile"),
                "{host}: identityfile"
            );
        }
    }

    let with_match = dir.path().join("with_match");
    std::fs::write(&with_match, "Host web\n  User a\nMatch user root\n  User b\n").expect("write");
    let refused = resolve("web", &with_match, home).expect_err("refused");
    assert!(
        refused.ends_with(
            "with_match:3: `Match` blocks are not supported yet; write the host's settings in a `Host` block"
        ),
        "{refused}"
    );
}
