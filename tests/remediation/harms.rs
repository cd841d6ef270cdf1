//! The ways a fix breaks the server it hardens, each a check over a remediation.

use super::blocks::blocks_of;
use super::judges::{judge_for, Judge};

/// What a remediation does that would hurt the server, one sentence each.
pub fn harms(control: &str, remediation: &str) -> Vec<String> {
    let mut harms = Vec::new();
    let lower = remediation.to_lowercase();
    let blocks = blocks_of(control, remediation);
    let dumps =
        regex::Regex::new(r"(pg_dump|pg_dumpall|mysqldump|mariadb-dump|mongodump|tar )[^|\n]*\|").expect("regex");
    for block in &blocks {
        let path = block.file.as_deref().unwrap_or("");
        let systemd = path.starts_with("/etc/systemd/");
        if systemd {
            for line in block.text.lines() {
                let line = line.trim();
                if !line.starts_with(['#', ';']) && line.contains('=') && (line.contains(" #") || line.contains("\t#"))
                {
                    harms.push(format!("{path}: `{line}`: systemd takes comments only on their own lines; this one becomes part of the value"));
                }
            }
            let runs_app = block.text.lines().any(|l| {
                l.trim_start().starts_with("ExecStart=")
                    && ["gunicorn", "uvicorn", "hypercorn", "daphne", "waitress"]
                        .iter()
                        .any(|s| l.contains(s))
            });
            let user = block
                .text
                .lines()
                .find_map(|l| l.trim().strip_prefix("User=").map(str::trim));
            if runs_app && matches!(user, None | Some("root") | Some("0")) {
                harms.push(format!("{path}: the app server's unit needs `User=` (not root)"));
            }
        }
        let shell = block.file.is_none() || judge_for(path) == Some(Judge::Bash) || systemd;
        if shell && dumps.is_match(&block.text) && !block.text.contains("pipefail") {
            harms.push(format!(
                "{}: a dump piped on without `set -o pipefail`: a failed dump becomes a good-looking backup",
                block.name()
            ));
        }
        if judge_for(path) == Some(Judge::Nftables) && block.text.contains("policy drop") {
            for (needed, why) in [
                (
                    "flush ruleset",
                    "`flush ruleset` first (else rules add to what is loaded)",
                ),
                (
                    "established",
                    "established/related traffic accepted (else replies to the server's own connections are dropped)",
                ),
                ("lo", "loopback accepted"),
                (
                    "nd-neighbor-solicit",
                    "ICMPv6 neighbour discovery (else IPv6 stops within minutes)",
                ),
                ("nd-neighbor-advert", "ICMPv6 neighbour advertisements"),
            ] {
                if !block.text.contains(needed) {
                    harms.push(format!("{path}: a drop policy without {why}"));
                }
            }
        }
    }
    for (forbidden, why) in [
        (
            "ufw allow openssh",
            "`ufw allow OpenSSH` opens port 22 only: allow the Port sshd listens on (`sshd -T | grep -i '^port'`)",
        ),
        (
            "ufw allow ssh",
            "`ufw allow ssh` opens port 22 only: allow the Port sshd listens on",
        ),
        (
            "safety check",
            "`safety check` is deprecated: use pip-audit (or `safety scan`)",
        ),
        ("| sh", "piping a download into a shell"),
        ("| bash", "piping a download into a shell"),
        ("| sudo bash", "piping a download into a shell"),
        ("chmod -r 777", "world-writable files"),
        ("chmod 777", "world-writable files"),
    ] {
        if lower.contains(forbidden) {
            harms.push(why.to_string());
        }
    }
    if let (Some(enable), Some(first_rule)) = (
        lower.find("ufw enable"),
        lower.find("ufw allow").or(lower.find("ufw limit")),
    ) {
        if enable < first_rule {
            harms.push("`ufw enable` before the SSH rule: the session is cut".into());
        }
    }
    // Deleting the open SSH rule (22, ssh, OpenSSH or the port sshd reports) needs a
    // source-restricted rule added, and a login through it tested, first.
    let ssh_delete = lower
        .lines()
        .position(|line| line.contains("ufw delete") && ["22", "ssh", "port"].iter().any(|s| line.contains(s)));
    if let Some(delete) = ssh_delete {
        let restricted = lower.lines().position(|line| {
            line.contains("ufw allow from")
                || line.contains("ufw limit from")
                || line.contains("ufw allow proto tcp from")
        });
        if restricted.is_none_or(|at| at >= delete) {
            harms.push("an SSH rule deleted before a source-restricted one was added and tested".into());
        }
    }
    if lower.contains("nopasswd") {
        for (needed, why) in [
            (
                "passwd",
                "set the admin's password (`sudo passwd USER`) before removing NOPASSWD",
            ),
            ("visudo", "edit sudoers with visudo"),
            (
                "sudo -v",
                "test sudo in a second session (`sudo -k; sudo -v`) before closing the first",
            ),
        ] {
            if !lower.contains(needed) {
                harms.push(format!("NOPASSWD removal: {why}"));
            }
        }
    }
    if lower.contains("reboot-required") && !lower.contains("needrestart") {
        harms.push("the reboot flag alone misses services running replaced libraries: name needrestart".into());
    }
    if lower.contains("includesubdomains") && !lower.replace("includesubdomains", "").contains("subdomain") {
        harms.push("includeSubDomains without a word on HTTP-only subdomains it breaks".into());
    }
    if (lower.contains("--prune") || lower.contains("borg prune") || lower.contains("borg compact"))
        && !lower.contains("append-only")
    {
        harms.push("pruning without keeping it away from the append-only credentials on the server".into());
    }
    let restarts_sshd = ["restart ssh", "reload ssh", "restart sshd", "reload sshd"]
        .iter()
        .filter_map(|r| lower.find(r))
        .min();
    if let Some(at) = restarts_sshd {
        if !lower[..at].contains("sshd -t") {
            harms.push("sshd restarted or reloaded without `sshd -t` first".into());
        }
    }
    harms
}
