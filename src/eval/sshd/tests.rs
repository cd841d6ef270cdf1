//! Table tests of the sshd_config evaluators over Snapshots: Include order and
//! nesting, Match scoping, first value wins, aliases, `sshd -T`, broken files.

use crate::eval::{evaluator, EvalContext};
use crate::evidence::{CommandState, FileState, Snapshot, Source};
use crate::model::Params;
use crate::model::{Location, Outcome, Status};
use chrono::Utc;
use std::sync::Arc;

pub(super) const MAIN: &str = "/etc/ssh/sshd_config";
const D: &str = "/etc/ssh/sshd_config.d";

pub(super) fn run(name: &str, source: &dyn Source) -> Outcome {
    let params = Params::default();
    let ctx = EvalContext::new(source, Utc::now(), &params);
    let Some(def) = evaluator(name) else {
        panic!("no evaluator named {name}")
    };
    (def.run)(&ctx)
}

pub(super) fn files(pairs: &[(&str, &str)]) -> Snapshot {
    pairs
        .iter()
        .fold(Snapshot::new(), |snap, (path, text)| snap.with_file(path, text))
}

pub(super) fn sshd_t(snap: Snapshot, stdout: &str, exit: i32) -> Snapshot {
    let ran = CommandState::Ran {
        stdout: Arc::from(stdout),
        stderr: Arc::from(""),
        exit_code: Some(exit),
    };
    snap.with_command(&["sshd", "-T"], ran)
}

pub(super) fn has_finding_at(outcome: &Outcome, path: &str, line: u32) -> bool {
    outcome
        .findings
        .iter()
        .any(|f| f.location == Some(Location::line(path, line)))
}

/// (what, files, expected status, text the summary must contain)
pub(super) type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Status, &'a [&'a str]);

pub(super) fn check(control: &str, cases: Vec<Case>) {
    for (what, pairs, status, needles) in cases {
        let outcome = run(control, &files(&pairs));
        assert_eq!(outcome.status, status, "{control} / {what}: {}", outcome.summary);
        for needle in needles {
            assert!(
                outcome.summary.contains(needle),
                "{control} / {what}: `{needle}` not in: {}",
                outcome.summary
            );
        }
    }
}

pub(super) const INCLUDE_D: &str = "# stock header\nInclude /etc/ssh/sshd_config.d/*.conf\n";

#[test]
fn password_auth_table() {
    let cloud_init = format!("{INCLUDE_D}UsePAM yes\nPasswordAuthentication no\n");
    let nested_main = "Include a.conf\nPasswordAuthentication no\n";
    let leak_main = format!("{INCLUDE_D}PasswordAuthentication no\n");
    check(
        "ssh.password-auth",
        vec![
            (
                "cloud-init yes included before a later no",
                vec![
                    (MAIN, cloud_init.as_str()),
                    (
                        "/etc/ssh/sshd_config.d/50-cloud-init.conf",
                        "PasswordAuthentication yes\n",
                    ),
                ],
                Status::Fail,
                &[
                    "PasswordAuthentication yes wins",
                    "/etc/ssh/sshd_config.d/50-cloud-init.conf:1",
                    "the `no` at /etc/ssh/sshd_config:4",
                ],
            ),
            (
                "include order is lexical (10- before 9-)",
                vec![
                    (MAIN, INCLUDE_D),
                    ("/etc/ssh/sshd_config.d/9-b.conf", "PasswordAuthentication yes\n"),
                    ("/etc/ssh/sshd_config.d/10-a.conf", "PasswordAuthentication no\n"),
                ],
                Status::Pass,
                &["10-a.conf:1"],
            ),
            (
                "nested and relative includes",
                vec![
                    (MAIN, nested_main),
                    ("/etc/ssh/a.conf", "Include sub/*.conf\n"),
                    ("/etc/ssh/sub/x.conf", "\nPasswordAuthentication yes\n"),
                ],
                Status::Fail,
                &["/etc/ssh/sub/x.conf:2", "the `no` at /etc/ssh/sshd_config:2"],
            ),
            (
                "Match block re-enables passwords under a global no",
                vec![(
                    MAIN,
                    "PasswordAuthentication no\nMatch Address 10.0.0.0/8\n  PasswordAuthentication yes\n",
                )],
                Status::Warn,
                &[
                    "`Match Address 10.0.0.0/8` at /etc/ssh/sshd_config:2",
                    "sets `yes` at /etc/ssh/sshd_config:3",
                ],
            ),
            (
                "a Match in an included file ends with that file",
                vec![
                    (MAIN, leak_main.as_str()),
                    (
                        "/etc/ssh/sshd_config.d/10.conf",
                        "Match User bob\nPasswordAuthentication yes\n",
                    ),
                ],
                Status::Warn,
                &["set at /etc/ssh/sshd_config:3", "`Match User bob`"],
            ),
            (
                "Include inside a Match applies to the Match, even its `Match all`",
                vec![
                    (MAIN, "Match User bob\nInclude /etc/ssh/m.conf\n"),
                    ("/etc/ssh/m.conf", "Match all\nPasswordAuthentication yes\n"),
                ],
                Status::Fail,
                &["compiled default `yes`"],
            ),
            (
                "Match all returns to the global context",
                vec![(
                    MAIN,
                    "Match User x\nPasswordAuthentication no\nMatch all\nPasswordAuthentication yes\n",
                )],
                Status::Fail,
                &["sshd_config:4"],
            ),
            (
                "a `Match all` section overrides an earlier global value (sshd's per-connection pass)",
                vec![(
                    MAIN,
                    "PasswordAuthentication no\nMatch all\nPasswordAuthentication yes\n",
                )],
                Status::Fail,
                &[
                    "set at /etc/ssh/sshd_config:3 in a `Match all` section",
                    "over the `no` at /etc/ssh/sshd_config:1",
                ],
            ),
            (
                "a Match block after `Match all` never gets to set the value",
                vec![(
                    MAIN,
                    "Match all\nPasswordAuthentication no\nMatch User bob\nPasswordAuthentication yes\n",
                )],
                Status::Pass,
                &["set at /etc/ssh/sshd_config:2, in a `Match all` section"],
            ),
            (
                "keywords are case-insensitive",
                vec![(MAIN, "passwordAUTHENTICATION NO\n")],
                Status::Pass,
                &["sshd_config:1"],
            ),
            (
                "key=value",
                vec![(MAIN, "PasswordAuthentication=no\n")],
                Status::Pass,
                &[],
            ),
            (
                "key = value",
                vec![(MAIN, "PasswordAuthentication = no\n")],
                Status::Pass,
                &[],
            ),
            (
                "quoted value",
                vec![(MAIN, "PasswordAuthentication \"no\" # quoted\n")],
                Status::Pass,
                &[],
            ),
            (
                "absent means the compiled default yes",
                vec![(MAIN, "# nothing\n")],
                Status::Fail,
                &["compiled default `yes`"],
            ),
            (
                "an unsupported value makes sshd refuse the file",
                vec![(MAIN, "PasswordAuthentication maybe\n")],
                Status::NeedsReview,
                &["sshd rejects /etc/ssh/sshd_config:1"],
            ),
            (
                "missing Include target is fine",
                vec![(
                    MAIN,
                    "Include /etc/ssh/none/*.conf\nInclude nothing.conf\nPasswordAuthentication no\n",
                )],
                Status::Pass,
                &[],
            ),
        ],
    );
}

#[test]
fn a_bad_line_elsewhere_means_no_pass() {
    let snap = files(&[(MAIN, "PasswordAuthentication no\nMatch User x\n  Port 2222\n")]);
    let outcome = run("ssh.password-auth", &snap);
    assert_eq!(outcome.status, Status::NeedsReview, "{}", outcome.summary);
    assert!(
        outcome.summary.contains("sshd rejects /etc/ssh/sshd_config:3"),
        "{}",
        outcome.summary
    );
}

#[test]
fn missing_uncollected_and_unreadable_configs() {
    let missing = Snapshot::new().with_state(MAIN, FileState::Missing);
    let outcome = run("ssh.password-auth", &missing);
    assert_eq!(outcome.status, Status::NeedsReview);
    assert_eq!(outcome.summary, "no /etc/ssh/sshd_config: is openssh-server installed?");

    let outcome = run("ssh.root-login", &Snapshot::new());
    assert_eq!(outcome.status, Status::NeedsReview);
    assert!(outcome.summary.contains("was not collected"), "{}", outcome.summary);

    let big = FileState::TooLarge {
        bytes: 50 * 1024 * 1024,
        cap: 1024 * 1024,
    };
    let outcome = run("ssh.password-auth", &Snapshot::new().with_state(MAIN, big));
    assert_eq!(outcome.status, Status::Error);
    assert!(
        outcome.summary.contains("50.0 MiB, over the 1.0 MiB read cap"),
        "{}",
        outcome.summary
    );

    let outcome = run(
        "ssh.kbd-interactive",
        &Snapshot::new().with_state(MAIN, FileState::Binary { bytes: 4096 }),
    );
    assert_eq!(outcome.status, Status::Error);
    assert!(outcome.summary.contains("binary file"), "{}", outcome.summary);

    let included = files(&[(MAIN, INCLUDE_D)]).with_state(
        &format!("{D}/50-cloud-init.conf"),
        FileState::Unreadable("permission denied".into()),
    );
    let outcome = run("ssh.allow-users", &included);
    assert_eq!(outcome.status, Status::Error);
    assert!(
        outcome
            .summary
            .contains("permission denied (included at /etc/ssh/sshd_config:2)"),
        "{}",
        outcome.summary
    );
}

#[test]
fn a_file_vouch_did_not_read_is_not_one_sshd_cannot_read() {
    let big = FileState::TooLarge {
        bytes: 50 * 1024 * 1024,
        cap: 1024 * 1024,
    };
    let dropin = "/etc/ssh/sshd_config.d/a.conf";
    // (what is wrong with the included file, the reason after its path)
    let cases = [
        (
            big,
            "is 50.0 MiB, over the 1.0 MiB read cap, so vouch did not read it (sshd does) \
             (included at /etc/ssh/sshd_config:1); the settings it holds are unknown",
        ),
        (
            FileState::Unreadable("permission denied".into()),
            "could not be read: permission denied (included at /etc/ssh/sshd_config:1); the settings it holds \
             are unknown",
        ),
    ];
    for (state, reason) in cases {
        let snap =
            files(&[(MAIN, "Include sshd_config.d/*.conf\nPasswordAuthentication no\n")]).with_state(dropin, state);
        let outcome = run("ssh.password-auth", &snap);
        assert_eq!(outcome.status, Status::Error);
        assert_eq!(outcome.summary, format!("{dropin} {reason}"));
    }
}

#[test]
fn include_loops_are_errors_not_hangs() {
    let outcome = run("ssh.password-auth", &files(&[(MAIN, "Include /etc/ssh/sshd_config\n")]));
    assert_eq!(outcome.status, Status::Error);
    assert!(outcome.summary.contains("deeper than 16"), "{}", outcome.summary);
}

#[test]
fn sshd_t_is_authoritative_for_global_values() {
    let snap = files(&[(
        MAIN,
        "PasswordAuthentication no\nMatch User bob\n PasswordAuthentication yes\n",
    )]);
    let dumped = sshd_t(snap.clone(), "port 22\npasswordauthentication yes\n", 0);
    let outcome = run("ssh.password-auth", &dumped);
    assert_eq!(outcome.status, Status::Fail, "{}", outcome.summary);
    assert!(
        outcome
            .summary
            .starts_with("sshd -T reports PasswordAuthentication yes"),
        "{}",
        outcome.summary
    );
    assert!(outcome
        .findings
        .iter()
        .any(|f| f.location == Some(Location::file("sshd -T"))));
    assert!(outcome
        .findings
        .iter()
        .any(|f| f.message.contains("sshd -T is authoritative")));

    let agreeing = sshd_t(snap.clone(), "port 22\npasswordauthentication no\n", 0);
    let outcome = run("ssh.password-auth", &agreeing);
    assert_eq!(
        outcome.status,
        Status::Warn,
        "Match blocks still come from the files: {}",
        outcome.summary
    );
    assert!(
        outcome
            .summary
            .contains("reported by sshd -T; set at /etc/ssh/sshd_config:1"),
        "{}",
        outcome.summary
    );

    let failed = sshd_t(snap, "", 255);
    assert_eq!(
        run("ssh.password-auth", &failed).status,
        Status::Warn,
        "a failed sshd -T is ignored"
    );
}
