//! Table tests of `ssh.kbd-interactive`, `ssh.root-login`, `ssh.allow-users` and
//! `ssh.empty-passwords`, and of the `path` parameter.

use super::tests::{check, files, has_finding_at, run, sshd_t, INCLUDE_D, MAIN};
use crate::eval::{evaluator, EvalContext};
use crate::model::Params;
use crate::model::ProbeType;
use crate::model::Status;
use crate::probe::domain;
use chrono::Utc;

#[test]
fn kbd_interactive_table() {
    check(
        "ssh.kbd-interactive",
        vec![
            (
                "no",
                vec![(MAIN, "KbdInteractiveAuthentication no\nUsePAM yes\n")],
                Status::Pass,
                &["sshd_config:1"],
            ),
            (
                "yes with UsePAM yes",
                vec![(MAIN, "UsePAM yes\nKbdInteractiveAuthentication yes\n")],
                Status::Fail,
                &["UsePAM yes (set at /etc/ssh/sshd_config:1)"],
            ),
            (
                "default yes, UsePAM default no",
                vec![(MAIN, "\n")],
                Status::Warn,
                &["UsePAM no (not set"],
            ),
            (
                "ChallengeResponseAuthentication first wins over KbdInteractiveAuthentication",
                vec![(
                    MAIN,
                    "ChallengeResponseAuthentication yes\nKbdInteractiveAuthentication no\nUsePAM yes\n",
                )],
                Status::Fail,
                &[
                    "ChallengeResponseAuthentication yes wins",
                    "the `no` at /etc/ssh/sshd_config:2",
                ],
            ),
            (
                "KbdInteractiveAuthentication first wins over the alias",
                vec![(
                    MAIN,
                    "KbdInteractiveAuthentication no\nChallengeResponseAuthentication yes\n",
                )],
                Status::Pass,
                &[],
            ),
            (
                "UsePAM set twice: first wins",
                vec![(MAIN, "UsePAM no\nUsePAM yes\nKbdInteractiveAuthentication yes\n")],
                Status::Warn,
                &["UsePAM no (set at /etc/ssh/sshd_config:1)"],
            ),
        ],
    );
}

#[test]
fn root_login_table() {
    check(
        "ssh.root-login",
        vec![
            (
                "prohibit-password",
                vec![(MAIN, "PermitRootLogin prohibit-password\n")],
                Status::Fail,
                &["set at /etc/ssh/sshd_config:1", "with a key"],
            ),
            (
                "without-password alias",
                vec![(MAIN, "PermitRootLogin without-password\n")],
                Status::Fail,
                &["without-password"],
            ),
            (
                "yes",
                vec![(MAIN, "PermitRootLogin yes\n")],
                Status::Fail,
                &["password or a key"],
            ),
            (
                "forced-commands-only",
                vec![(MAIN, "PermitRootLogin forced-commands-only\n")],
                Status::Fail,
                &["forced command"],
            ),
            (
                "absent: default prohibit-password",
                vec![(MAIN, "#PermitRootLogin prohibit-password\n")],
                Status::Fail,
                &["compiled default `prohibit-password`"],
            ),
            ("no", vec![(MAIN, "PermitRootLogin no\n")], Status::Pass, &[]),
            (
                "Match yes under global no",
                vec![(
                    MAIN,
                    "PermitRootLogin no\nMatch Address 10.0.0.1\nPermitRootLogin yes\n",
                )],
                Status::Warn,
                &["sets `yes` at /etc/ssh/sshd_config:3"],
            ),
        ],
    );
    let dumped = sshd_t(files(&[(MAIN, "\n")]), "permitrootlogin without-password\n", 0);
    let outcome = run("ssh.root-login", &dumped);
    assert_eq!(outcome.status, Status::Fail);
    assert!(
        outcome.summary.contains("`prohibit-password` applies (sshd -T agrees)"),
        "{}",
        outcome.summary
    );
}

#[test]
fn allow_users_table() {
    check(
        "ssh.allow-users",
        vec![
            (
                "neither",
                vec![(MAIN, "PasswordAuthentication no\n")],
                Status::Warn,
                &["Neither AllowUsers nor AllowGroups"],
            ),
            (
                "AllowUsers accumulates",
                vec![(MAIN, "AllowUsers alice bob\nAllowUsers carol\n")],
                Status::Pass,
                &["AllowUsers alice bob carol (set at /etc/ssh/sshd_config:1, /etc/ssh/sshd_config:2)"],
            ),
            (
                "AllowGroups",
                vec![(MAIN, "AllowGroups sshusers\n")],
                Status::Pass,
                &["AllowGroups sshusers"],
            ),
            (
                "a `Match all` section replaces the global list",
                vec![(MAIN, "AllowUsers bob carol\nMatch all\nAllowUsers alice\n")],
                Status::Pass,
                &["AllowUsers alice (set at /etc/ssh/sshd_config:3)"],
            ),
            (
                "only inside a Match block",
                vec![(MAIN, "Match User x\nAllowUsers x\n")],
                Status::Warn,
                &[],
            ),
            (
                "a wildcard admits everyone",
                vec![(MAIN, "AllowUsers *\n")],
                Status::Warn,
                &["AllowUsers * (set at /etc/ssh/sshd_config:1) admits every account"],
            ),
            (
                "a wildcard user list still limited by groups",
                vec![(MAIN, "AllowUsers *\nAllowGroups sshusers\n")],
                Status::Pass,
                &[],
            ),
        ],
    );
    let dumped = sshd_t(files(&[(MAIN, "\n")]), "allowusers deploy\nallowusers ops\n", 0);
    let outcome = run("ssh.allow-users", &dumped);
    assert_eq!(outcome.status, Status::Pass);
    assert!(
        outcome.summary.contains("AllowUsers deploy ops (per sshd -T)"),
        "{}",
        outcome.summary
    );
}

#[test]
fn empty_passwords_table() {
    check(
        "ssh.empty-passwords",
        vec![
            (
                "yes",
                vec![(MAIN, "PermitEmptyPasswords yes\n")],
                Status::Fail,
                &["set at /etc/ssh/sshd_config:1"],
            ),
            (
                "default no",
                vec![(MAIN, "\n")],
                Status::Pass,
                &["compiled default `no`"],
            ),
            (
                "Match yes is only noted",
                vec![(MAIN, "Match User x\nPermitEmptyPasswords yes\n")],
                Status::Pass,
                &[],
            ),
        ],
    );
    let snap = files(&[(MAIN, "Match User x\nPermitEmptyPasswords yes\n")]);
    assert!(has_finding_at(&run("ssh.empty-passwords", &snap), MAIN, 2));
}

#[test]
fn collector_touches_what_the_evaluator_reads() {
    let snap = files(&[
        (MAIN, INCLUDE_D),
        (
            "/etc/ssh/sshd_config.d/50-cloud-init.conf",
            "PasswordAuthentication yes\n",
        ),
    ]);
    let Some(def) = domain::def(ProbeType::SshdConfig) else {
        panic!("no sshd_config collector")
    };
    def.collect(&snap, &Params::default(), None);
    let custom = files(&[("/opt/sshd_config", "PasswordAuthentication no\n")]);
    let params = Params::default().with("path", "/opt/sshd_config");
    let ctx = EvalContext::new(&custom, Utc::now(), &params);
    let Some(def) = evaluator("ssh.password-auth") else {
        panic!("no evaluator")
    };
    assert_eq!((def.run)(&ctx).status, Status::Pass);
}
