//! Remediation a client can paste into a production shell: every code block of every
//! bundled control is judged by the program that will read it, and every
//! remediation is held against the ways a fix breaks the server it hardens.
//!
//! A block is a run of lines indented by four spaces. One whose first line is
//! `# PATH` is that file's content and is handed to its judge: `sshd -t` for
//! sshd_config drop-ins, `nginx -t` for sites and snippets, `visudo -c` for sudoers,
//! `systemd-analyze verify` for units and drop-ins, `nft -c` in a private network
//! namespace for nftables, apt for apt.conf.d, `logrotate -d` for logrotate.d,
//! Python's `ast` for Python, `bash -n` for scripts, a YAML or TOML parser for
//! settings. Any other block is shell and must pass `bash -n`.
//!
//! The harms, each from a real outage: a systemd value with a trailing comment (the
//! comment becomes part of the path), a backup pipeline without pipefail (a failed
//! pg_dump becomes a good-looking snapshot), NOPASSWD removed before the admin has a
//! password, `ufw allow OpenSSH` when sshd listens elsewhere and an open SSH rule
//! deleted before the restricted one was tested, an nftables drop policy without
//! established traffic, loopback and ICMPv6 neighbour discovery, the reboot flag
//! without needrestart, includeSubDomains without a word for HTTP-only subdomains,
//! pruning where append-only credentials live, the deprecated `safety check`, app
//! servers' units without `User=`, `curl | sh`, and sshd restarted without `sshd -t`.

#[path = "../common/mod.rs"]
mod common;

mod applied;
mod blocks;
mod harms;
mod judges;

pub use blocks::remediations;
use blocks::{all_blocks, Block};
use harms::harms;
use judges::{judge_for, objection, Judge};

#[test]
fn every_snippet_is_accepted_by_the_program_that_reads_it() {
    let work = tempfile::tempdir().expect("a temporary directory");
    let mut objections = Vec::new();
    let mut judged = std::collections::BTreeMap::<String, usize>::new();
    for block in all_blocks() {
        let judge = match &block.file {
            Some(path) => match judge_for(path) {
                Some(judge) => judge,
                None => {
                    objections.push(format!(
                        "{}: no judge for this file; add one (or list it as unjudged, saying why)",
                        block.name()
                    ));
                    continue;
                }
            },
            None => Judge::Bash,
        };
        *judged.entry(format!("{judge:?}")).or_default() += 1;
        if let Some(why) = objection(&block, judge, work.path()) {
            objections.push(format!(
                "{}:\n{}\n--- refused by {judge:?}:\n{}",
                block.name(),
                block.text,
                why.trim()
            ));
        }
    }
    assert!(
        objections.is_empty(),
        "{} snippets refused:\n\n{}",
        objections.len(),
        objections.join("\n\n")
    );
    // The judges really ran: each kind the catalog's fixes use was seen.
    for kind in [
        "Bash",
        "Sshd",
        "Sudoers",
        "Systemd",
        "Nftables",
        "Apt",
        "Python",
        "NginxServer",
    ] {
        assert!(judged.contains_key(kind), "no {kind} snippet was judged: {judged:?}");
    }
}

#[test]
fn the_judges_refuse_what_would_break_a_server() {
    let work = tempfile::tempdir().expect("a temporary directory");
    let block = |file: &str, text: &str| Block {
        control: "test".into(),
        file: Some(file.into()),
        text: text.into(),
    };
    let broken = [
        (
            block("/etc/ssh/sshd_config.d/10-x.conf", "PasswordAuthentication nope\n"),
            Judge::Sshd,
        ),
        (
            block("/etc/sudoers.d/deploy", "deploy ALL=(ALL) ALL ALL\n"),
            Judge::Sudoers,
        ),
        (
            block(
                "/etc/systemd/system/myapp.service",
                "[Service]\nExecStart=/bin/true\nUsr=myapp\n",
            ),
            Judge::Systemd,
        ),
        (
            block(
                "/etc/nftables.conf",
                "flush ruleset\ntable inet f { chain i { type filter hook input priority 0; policy dropp; } }\n",
            ),
            Judge::Nftables,
        ),
        (
            block(
                "/etc/nginx/snippets/hsts.conf",
                "add_header Strict-Transport-Security;\n",
            ),
            Judge::NginxServer,
        ),
        (
            block(
                "/etc/apt/apt.conf.d/52x",
                "Unattended-Upgrade::Mail \"ops@example.com;\n",
            ),
            Judge::Apt,
        ),
        (
            block(
                "/etc/logrotate.d/myapp",
                "/var/log/myapp/*.log {\n    rotate fourteen\n}\n",
            ),
            Judge::Logrotate,
        ),
        (
            block("renovate.json", "{\"extends\": [\"config:recommended\",]}\n"),
            Judge::Json,
        ),
        (block("app/x.py", "def f(:\n"), Judge::Python),
    ];
    for (block, judge) in broken {
        assert!(
            objection(&block, judge, work.path()).is_some(),
            "{judge:?} accepted {}",
            block.text
        );
    }
}

#[test]
fn no_remediation_hurts_the_server_it_fixes() {
    let mut found = Vec::new();
    for (control, text) in remediations() {
        for harm in harms(&control, &text) {
            found.push(format!("{control}: {harm}"));
        }
    }
    assert!(found.is_empty(), "{} harms:\n{}", found.len(), found.join("\n"));
}

#[test]
fn each_harm_is_caught() {
    let cases = [
        "    # /etc/systemd/system/myapp.service\n    [Service]\n    EnvironmentFile=/etc/myapp/env  # secrets\n    User=myapp\n    ExecStart=/bin/true\n",
        "    # /etc/systemd/system/myapp.service\n    [Service]\n    ExecStart=/srv/app/venv/bin/gunicorn app:app\n",
        "    pg_dump appdb | gzip > /backup/appdb.sql.gz\n",
        "    sudo ufw allow OpenSSH\n    sudo ufw enable\n",
        "    sudo ufw enable\n    sudo ufw allow 2222/tcp\n",
        "    sudo ufw allow 2222/tcp\n    sudo ufw delete allow 2222/tcp   # the open SSH port\n",
        "Remove NOPASSWD from /etc/sudoers.d/deploy.\n",
        "    # /etc/nftables.conf\n    flush ruleset\n    table inet filter { chain input { type filter hook input priority 0; policy drop; ct state established accept; iif lo accept; } }\n",
        "Wait until /run/reboot-required is gone.\n",
        "    add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains\" always;\n",
        "    restic forget --prune --keep-daily 7\n",
        "    safety check -r requirements.txt\n",
        "    curl -fsSL https://example.com/install | sh\n",
        "    sudo systemctl restart ssh\n",
    ];
    for case in cases {
        assert!(!harms("test", case).is_empty(), "not caught:\n{case}");
    }
}
