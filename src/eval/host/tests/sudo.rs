//! auth.sudo: includes, aliases, tags, comments and the stock Ubuntu layout.

use super::{lines, run};
use crate::evidence::{FileState, Snapshot};
use crate::model::{Location, Status};
use crate::parse::sudoers::load;
use crate::parse::sudoers::load::logical_lines;

const STOCK_SUDOERS: &str = "\
#
# This file MUST be edited with the 'visudo' command as root.
#
Defaults\tenv_reset
Defaults\tmail_badpass
Defaults\tsecure_path=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin\"
Defaults\tuse_pty

# User privilege specification
root\tALL=(ALL:ALL) ALL

# Members of the admin group may gain root privileges
%admin ALL=(ALL) ALL

# Allow members of group sudo to execute any command
%sudo\tALL=(ALL:ALL) ALL

# See sudoers(5) for more information on \"@include\" directives:

@includedir /etc/sudoers.d
";

const README: &str = "#\n# The default /etc/sudoers file created on installation of the\n# sudo  package now includes the directive:\n#\n# \t@includedir /etc/sudoers.d\n#\n";
const GROUP: &str = "root:x:0:\nadm:x:4:syslog,deploy\nsudo:x:27:deploy\ndeploy:x:1000:\n";

fn host(extra: &[(&str, &str)]) -> Snapshot {
    let mut snap = Snapshot::new()
        .with_file("/etc/sudoers", STOCK_SUDOERS)
        .with_file("/etc/sudoers.d/README", README)
        .with_file("/etc/group", GROUP);
    for (path, text) in extra {
        snap = snap.with_file(path, text);
    }
    snap
}

fn sudoers_only(text: &str) -> Snapshot {
    Snapshot::new()
        .with_file("/etc/sudoers", text)
        .with_file("/etc/group", GROUP)
}

#[test]
fn table() {
    let cases: &[(&str, Snapshot, Status)] = &[
        (
            "cloud-init NOPASSWD:ALL for deploy",
            host(&[(
                "/etc/sudoers.d/90-cloud-init-users",
                "# Created by cloud-init v. 24.1.3 on Tue, 14 May 2024\n\n# User rules for deploy\ndeploy ALL=(ALL) NOPASSWD:ALL\n",
            )]),
            Status::Warn,
        ),
        ("stock sudo group", host(&[]), Status::Pass),
        ("root only", sudoers_only("root ALL=(ALL:ALL) ALL\n"), Status::Pass),
        ("root NOPASSWD", sudoers_only("root ALL=(ALL) NOPASSWD: ALL\n"), Status::Pass),
        ("uid 0 NOPASSWD", sudoers_only("#0 ALL=(ALL) NOPASSWD: ALL\n"), Status::Pass),
        (
            "NOPASSWD for one command",
            sudoers_only("deploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app\n"),
            Status::Pass,
        ),
        (
            "NOPASSWD carries forward to ALL",
            sudoers_only("deploy ALL = NOPASSWD: /bin/ls, ALL\n"),
            Status::Warn,
        ),
        (
            "PASSWD overrides the carried tag",
            sudoers_only("deploy ALL = NOPASSWD: /bin/ls, PASSWD: ALL\n"),
            Status::Pass,
        ),
        ("group NOPASSWD ALL", sudoers_only("%sudo ALL=(ALL:ALL) NOPASSWD: ALL\n"), Status::Warn),
        ("everyone", sudoers_only("ALL ALL=(ALL) NOPASSWD: ALL\n"), Status::Warn),
        (
            "Cmnd_Alias reaching ALL",
            sudoers_only("Cmnd_Alias EVERYTHING = ALL\ndeploy ALL = (ALL) NOPASSWD: EVERYTHING\n"),
            Status::Warn,
        ),
        (
            "Defaults !authenticate for a user",
            sudoers_only("Defaults:deploy !authenticate\ndeploy ALL=(ALL) ALL\n"),
            Status::Warn,
        ),
        (
            "Defaults>root !authenticate: running as root needs no password",
            sudoers_only("Defaults>root !authenticate\nalice ALL=(root) ALL\n"),
            Status::Warn,
        ),
        (
            "Defaults>www-data !authenticate does not cover root",
            sudoers_only("Defaults>www-data !authenticate\nalice ALL=(root) ALL\n"),
            Status::Pass,
        ),
        (
            "Defaults>root reaches a rule that may run as ALL",
            sudoers_only("Defaults>root !authenticate\nalice ALL=(ALL:ALL) ALL\n"),
            Status::Warn,
        ),
        (
            "second privilege after `:` resets tags",
            sudoers_only("deploy web1 = NOPASSWD: /bin/ls : web2 = (ALL) ALL\n"),
            Status::Pass,
        ),
        (
            "trailing comment and uid",
            sudoers_only("deploy ALL=(#0) /bin/ls # NOPASSWD: ALL\n"),
            Status::Pass,
        ),
    ];
    for (name, snap, want) in cases {
        let outcome = run("auth.sudo", snap);
        assert_eq!(
            outcome.status,
            *want,
            "{name}: {} / {:?}",
            outcome.summary,
            lines(&outcome)
        );
    }
}

#[test]
fn cloud_init_warning_names_who_and_where() {
    let snap = host(&[(
        "/etc/sudoers.d/90-cloud-init-users",
        "# User rules for deploy\ndeploy ALL=(ALL) NOPASSWD:ALL\n",
    )]);
    let outcome = run("auth.sudo", &snap);
    assert_eq!(outcome.status, Status::Warn);
    assert!(
        outcome
            .summary
            .contains("deploy (/etc/sudoers.d/90-cloud-init-users:2)"),
        "{}",
        outcome.summary
    );
    let evidence = lines(&outcome);
    assert!(
        evidence.contains(&"%sudo (deploy) may run (ALL:ALL) ALL @ /etc/sudoers:16".to_string()),
        "{evidence:?}"
    );
    assert!(
        evidence.contains(&"group sudo: deploy @ /etc/group:3".to_string()),
        "{evidence:?}"
    );
    let rule =
        "deploy may run (ALL) NOPASSWD: ALL (everything without a password) @ /etc/sudoers.d/90-cloud-init-users:2";
    assert!(evidence.contains(&rule.to_string()), "{evidence:?}");
    assert!(evidence
        .iter()
        .any(|l| l.starts_with("root may run (ALL:ALL) ALL @ /etc/sudoers:10")));
}

#[test]
fn a_rule_for_every_user_says_so() {
    let outcome = run("auth.sudo", &sudoers_only("ALL ALL=(ALL) NOPASSWD: ALL\n"));
    assert!(
        outcome
            .summary
            .starts_with("sudo grants NOPASSWD: ALL to ALL (every user) (/etc/sudoers:1)"),
        "{}",
        outcome.summary
    );
}

#[test]
fn stock_host_passes_and_lists_sudo_users() {
    let outcome = run("auth.sudo", &host(&[]));
    assert_eq!(outcome.status, Status::Pass);
    assert!(
        outcome.summary.contains("root, %admin (no such group), %sudo (deploy)"),
        "{}",
        outcome.summary
    );
}

#[test]
fn user_alias_is_expanded_and_root_is_not_reported() {
    let snap = sudoers_only(
        "User_Alias ADMINS = root, alice, \\\n    deploy : OPS = carol\nADMINS ALL = (ALL) NOPASSWD: ALL\nOPS ALL = (ALL) ALL\n",
    );
    let outcome = run("auth.sudo", &snap);
    assert_eq!(outcome.status, Status::Warn);
    assert!(
        outcome.summary.contains("alice, deploy via ADMINS (/etc/sudoers:3)"),
        "{}",
        outcome.summary
    );
    assert!(!outcome.summary.contains("root"), "{}", outcome.summary);
    assert!(lines(&outcome)
        .iter()
        .any(|l| l.starts_with("OPS = carol may run (ALL) ALL")));
}

#[test]
fn hash_includedir_and_at_includedir_both_follow() {
    for directive in [
        "#includedir /etc/sudoers.d",
        "@includedir /etc/sudoers.d",
        "@includedir sudoers.d",
    ] {
        let snap = sudoers_only(&format!("root ALL=(ALL) ALL\n{directive}\n"))
            .with_file("/etc/sudoers.d/deploy", "deploy ALL=(ALL) NOPASSWD: ALL\n");
        assert_eq!(run("auth.sudo", &snap).status, Status::Warn, "{directive}");
    }
    let commented = sudoers_only("root ALL=(ALL) ALL\n# includedir /etc/sudoers.d\n## @includedir /etc/sudoers.d\n")
        .with_file("/etc/sudoers.d/deploy", "deploy ALL=(ALL) NOPASSWD: ALL\n");
    assert_eq!(run("auth.sudo", &commented).status, Status::Pass);
}

#[test]
fn include_files_relative_to_the_including_file() {
    let snap = sudoers_only("#include sudoers.local\n@include \"/etc/sudo extra\"\n")
        .with_file("/etc/sudoers.local", "@include nested/more\n")
        .with_file("/etc/nested/more", "alice ALL=(ALL) ALL\n")
        .with_file("/etc/sudo extra", "bob ALL=(ALL) ALL\n");
    let tree = load(&snap, "/etc/sudoers").expect("loads");
    assert_eq!(
        tree.files,
        vec![
            "/etc/sudoers",
            "/etc/sudoers.local",
            "/etc/nested/more",
            "/etc/sudo extra"
        ]
    );
    assert_eq!(tree.lines[0].location, Location::line("/etc/nested/more", 1));
}

#[test]
fn includedir_skips_backup_and_dotted_names_in_lexical_order() {
    let snap = host(&[
        ("/etc/sudoers.d/90-deploy~", "deploy ALL=(ALL) NOPASSWD: ALL\n"),
        ("/etc/sudoers.d/90-deploy.bak", "deploy ALL=(ALL) NOPASSWD: ALL\n"),
        ("/etc/sudoers.d/ops.conf", "deploy ALL=(ALL) NOPASSWD: ALL\n"),
        ("/etc/sudoers.d/10-alice", "alice ALL=(ALL) ALL\n"),
    ]);
    let tree = load(&snap, "/etc/sudoers").expect("loads");
    assert_eq!(
        tree.files,
        vec!["/etc/sudoers", "/etc/sudoers.d/10-alice", "/etc/sudoers.d/README"]
    );
    let outcome = run("auth.sudo", &snap);
    assert_eq!(outcome.status, Status::Pass, "{}", outcome.summary);
    assert!(lines(&outcome)
        .iter()
        .any(|l| l.starts_with("/etc/sudoers.d/ops.conf is ignored by sudo")));
}

#[test]
fn continuation_lines_join_and_keep_the_first_line_number() {
    let joined = logical_lines("deploy ALL = (ALL) \\\n  NOPASSWD: \\\n  ALL\n# c \\\nroot ALL=(ALL) ALL\n");
    assert_eq!(joined[0].0, 1);
    assert_eq!(
        crate::parse::text::squeeze(&joined[0].1),
        "deploy ALL = (ALL) NOPASSWD: ALL"
    );
    assert_eq!(joined[2], (5, "root ALL=(ALL) ALL".to_string()));
    let snap = sudoers_only("deploy ALL = (ALL) \\\n  NOPASSWD: \\\n  ALL\n");
    let outcome = run("auth.sudo", &snap);
    assert_eq!(outcome.status, Status::Warn);
    assert!(outcome.summary.contains("(/etc/sudoers:1)"));
}

#[test]
fn missing_unreadable_and_uncollected() {
    let missing = Snapshot::new().with_state("/etc/sudoers", FileState::Missing);
    assert_eq!(run("auth.sudo", &missing).status, Status::NeedsReview);
    assert_eq!(run("auth.sudo", &Snapshot::new()).status, Status::NeedsReview);
    let binary = Snapshot::new().with_state("/etc/sudoers", FileState::Binary { bytes: 12 });
    assert_eq!(run("auth.sudo", &binary).status, Status::Error);
    let unreadable_include = sudoers_only("@includedir /etc/sudoers.d\n").with_state(
        "/etc/sudoers.d/deploy",
        FileState::Unreadable("permission denied".into()),
    );
    let outcome = run("auth.sudo", &unreadable_include);
    assert_eq!(outcome.status, Status::Error);
    assert!(
        outcome.summary.contains("/etc/sudoers.d/deploy could not be read"),
        "{}",
        outcome.summary
    );
}

#[test]
fn include_loops_need_review() {
    let tail = "sudo stops with \"too many levels of includes\" and refuses to run";
    // (case, host, the loop finding); sudo refuses such a policy, so no pass.
    let cases = [
        (
            "the main file includes itself",
            sudoers_only("@include /etc/sudoers\ndeploy ALL=(ALL) ALL\n"),
            format!(
                "include loop: /etc/sudoers is included again while it is read (/etc/sudoers -> /etc/sudoers); {tail} \
                 @ /etc/sudoers:1"
            ),
        ),
        (
            "a drop-in includes itself",
            host(&[("/etc/sudoers.d/a", "#include /etc/sudoers.d/a\n")]),
            format!(
                "include loop: /etc/sudoers.d/a is included again while it is read (/etc/sudoers.d/a -> \
                 /etc/sudoers.d/a); {tail} @ /etc/sudoers.d/a:1"
            ),
        ),
        (
            "a drop-in includes its own directory",
            host(&[("/etc/sudoers.d/a", "#includedir /etc/sudoers.d\n")]),
            format!(
                "include loop: /etc/sudoers.d/a is included again while it is read (/etc/sudoers.d/a -> \
                 /etc/sudoers.d/a); {tail} @ /etc/sudoers.d/a:1"
            ),
        ),
    ];
    for (name, snap, finding) in cases {
        let outcome = run("auth.sudo", &snap);
        assert_eq!(outcome.status, Status::NeedsReview, "{name}: {}", outcome.summary);
        assert!(
            outcome.summary.starts_with("include loop: "),
            "{name}: {}",
            outcome.summary
        );
        assert!(lines(&outcome).contains(&finding), "{name}: {:?}", lines(&outcome));
    }
    // A file included twice, but not from inside itself, is no loop.
    let twice = host(&[("/etc/sudoers.d/b", "deploy ALL=(ALL) ALL\n")]);
    let twice = twice
        .clone()
        .with_file("/etc/sudoers", &format!("{STOCK_SUDOERS}@include /etc/sudoers.d/b\n"));
    assert_eq!(run("auth.sudo", &twice).status, Status::Pass);
}

#[test]
fn alias_chains_of_any_depth_and_cycles() {
    let chain: String = (0..100).map(|i| format!("User_Alias A{i} = A{}\n", i + 1)).collect();
    let deep = sudoers_only(&format!(
        "{chain}User_Alias A100 = mallory\nA0 ALL=(ALL) NOPASSWD: ALL\n"
    ));
    // A binary fan-out 40 aliases deep: 2^40 paths, each alias expanded once.
    let fan: String = (0..40)
        .map(|i| format!("User_Alias F{i} = F{0}, F{0}\n", i + 1))
        .collect();
    let fan = sudoers_only(&format!("{fan}User_Alias F40 = deploy\nF0 ALL=(ALL) ALL\n"));
    let cycle = "User_Alias A = B\nUser_Alias B = deploy, A\nA ALL=(ALL) ALL\n";
    let own = "Cmnd_Alias C = /bin/ls, !C\ndeploy ALL=(ALL) C\n";
    let diamond = "User_Alias A = B, C\nUser_Alias B = D\nUser_Alias C = D\nUser_Alias D = deploy\nA ALL=(ALL) ALL\n";
    let cycle_and_nopasswd = format!("{cycle}ops ALL=(ALL) NOPASSWD: ALL\n");
    // (case, host, status, summary start)
    let cases = [
        (
            "101 aliases deep",
            deep,
            Status::Warn,
            "sudo grants NOPASSWD: ALL to mallory via A0 (/etc/sudoers:102)",
        ),
        (
            "fan-out",
            fan,
            Status::Pass,
            "only root may run everything without a password; sudo users: deploy",
        ),
        (
            "User_Alias cycle",
            sudoers_only(cycle),
            Status::NeedsReview,
            "User_Alias A refers back to itself (A -> B -> A); visudo rejects an alias cycle, and what it grants \
             is unclear (/etc/sudoers:1)",
        ),
        (
            "Cmnd_Alias naming itself",
            sudoers_only(own),
            Status::NeedsReview,
            "Cmnd_Alias C refers back to itself (C -> C)",
        ),
        ("diamond", sudoers_only(diamond), Status::Pass, "only root"),
        (
            "a cycle does not hide NOPASSWD: ALL",
            sudoers_only(&cycle_and_nopasswd),
            Status::Warn,
            "sudo grants NOPASSWD: ALL to ops (/etc/sudoers:4)",
        ),
    ];
    for (name, snap, status, summary) in cases {
        let outcome = run("auth.sudo", &snap);
        assert_eq!(outcome.status, status, "{name}: {}", outcome.summary);
        assert!(outcome.summary.starts_with(summary), "{name}: {}", outcome.summary);
    }
}
