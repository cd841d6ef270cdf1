//! The real program is the judge: vouch's reading of sshd_config against `sshd -T`.
//!
//! For each fixture host (tests/fixtures/{weak,hardened,mixed}) and for generated
//! trees that exercise sshd's tricky rules (Include globs in lexical order, nested
//! and relative Includes, first value wins, the ChallengeResponseAuthentication
//! alias, `Match all`, Match blocks, `key=value`, quotes, case, several Port and
//! ListenAddress lines, comments, compiled defaults), vouch reads the tree the way
//! `vouch scan --root` does (a Snapshot collected through the rooted transport) and
//! sshd dumps its effective configuration of the very same files for a client that
//! no conditional Match block matches. vouch's global values of
//! passwordauthentication, kbdinteractiveauthentication, permitrootlogin,
//! permitemptypasswords, usepam, allowusers, allowgroups, the listening ports and
//! authorizedkeysfile must equal sshd's; any difference fails with the case and the
//! keyword. Each case also states what sshd says, so a case that silently stopped
//! exercising its rule (both sides missing the same file, say) fails too. Cases
//! with Match blocks also check, for a client the block does match, that sshd
//! applies the block's value and that vouch lists that line as a Match-block line.
//! Configurations sshd refuses to start with must be refused by vouch too, and
//! seeded (deterministic) mixtures of all these rules over four files must agree.
//!
//! sshd reads /etc/ssh/sshd_config and resolves relative Includes against /etc/ssh.
//! Where the machine allows it (root, as in CI) sshd runs in a private mount
//! namespace with the tree's etc/ssh bind-mounted over /etc/ssh, so it reads exactly
//! the paths a host would. Elsewhere the tree is copied and its Include paths
//! (absolute /etc/ssh ones, and relative ones, which sshd resolves against /etc/ssh)
//! are pointed into the copy. A missing `sshd` fails the test when CI is set and
//! skips it otherwise.

mod common;

use common::differential::{output_of, require_program, snapshot_of, write_tree, XorShift};
use common::fixture;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use vouch::evidence::Snapshot;
use vouch::model::ProbeType;
use vouch::parse::sshd::keyfiles;
use vouch::parse::sshd::settings::{self, Keyword, View};
use vouch::parse::sshd::{ssh_ports, DEFAULT_CONFIG};

/// A client that no conditional Match block of these trees matches: what sshd
/// applies to it is the global configuration, with `Match all` sections over it.
const UNLISTED_CLIENT: &str = "user=auditor,host=client.example,addr=192.0.2.10";

/// The single-value keywords compared.
const SINGLE: [&Keyword; 5] = [
    &settings::PASSWORD_AUTH,
    &settings::KBD_INTERACTIVE,
    &settings::PERMIT_ROOT,
    &settings::PERMIT_EMPTY,
    &settings::USE_PAM,
];

/// Everything compared, as `sshd -T` names it; `port` is the set of ports sshd
/// listens on (its `listenaddress` lines), which is what vouch's `ssh_ports` gives.
const COMPARED: [&str; 9] = [
    "passwordauthentication",
    "kbdinteractiveauthentication",
    "permitrootlogin",
    "permitemptypasswords",
    "usepam",
    "allowusers",
    "allowgroups",
    "port",
    "authorizedkeysfile",
];

/// keyword -> value, as one side says. Lists are space-separated; ports sorted.
type Values = BTreeMap<String, String>;

// ---------------------------------------------------------------- the fixture hosts

#[test]
fn weak_fixture_agrees_with_sshd() {
    let root = PathBuf::from(fixture("weak"));
    agree(
        "weak",
        &root,
        &[
            // 50-cloud-init.conf (yes) is read before 60-cloudimg-settings.conf (no).
            ("passwordauthentication", "yes"),
            ("permitrootlogin", "prohibit-password"),
            ("port", "22"),
        ],
    );
}

#[test]
fn hardened_fixture_agrees_with_sshd() {
    let root = PathBuf::from(fixture("hardened"));
    agree(
        "hardened",
        &root,
        &[
            ("passwordauthentication", "no"),
            ("permitrootlogin", "no"),
            ("allowusers", "deploy"),
        ],
    );
}

#[test]
fn mixed_fixture_agrees_with_sshd() {
    let root = PathBuf::from(fixture("mixed"));
    agree(
        "mixed",
        &root,
        &[
            ("passwordauthentication", "no"),
            ("allowgroups", "sshusers"),
            ("port", "2222"),
            ("authorizedkeysfile", ".ssh/authorized_keys /etc/ssh/authorized_keys/%u"),
        ],
    );
    // `Match Address 10.0.0.0/8` turns passwords back on for those clients.
    match_block_applies(
        "mixed",
        &root,
        "user=auditor,host=lan.example,addr=10.1.2.3",
        &[(&settings::PASSWORD_AUTH, "yes")],
    );
}

// ---------------------------------------------------------------- sshd's tricky rules

#[test]
fn include_globs_are_read_in_lexical_byte_order() {
    // "10-" < "9-" < "B" < "a" in byte order; README does not match *.conf.
    let tree = generated(&[
        (
            "sshd_config",
            "Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication yes\nPermitRootLogin yes\n",
        ),
        ("sshd_config.d/10-site.conf", "PasswordAuthentication no\n"),
        (
            "sshd_config.d/9-vendor.conf",
            "PasswordAuthentication yes\nPermitEmptyPasswords yes\n",
        ),
        ("sshd_config.d/B-upper.conf", "PermitRootLogin no\n"),
        (
            "sshd_config.d/a-lower.conf",
            "PermitRootLogin forced-commands-only\nPermitEmptyPasswords no\n",
        ),
        ("sshd_config.d/README", "PermitRootLogin yes\n"),
    ]);
    agree(
        "include globs in lexical order",
        tree.path(),
        &[
            ("passwordauthentication", "no"),
            ("permitemptypasswords", "yes"),
            ("permitrootlogin", "no"),
        ],
    );
}

#[test]
fn nested_includes_are_read_where_they_appear() {
    let tree = generated(&[
        (
            "sshd_config",
            "Include /etc/ssh/level1.conf\nPermitRootLogin yes\nAllowUsers carol\n",
        ),
        (
            "level1.conf",
            "AllowUsers alice\nInclude /etc/ssh/level2/*.conf\nPermitRootLogin forced-commands-only\n",
        ),
        ("level2/a.conf", "PermitRootLogin no\nAllowUsers bob\n"),
    ]);
    agree(
        "nested Include",
        tree.path(),
        &[("permitrootlogin", "no"), ("allowusers", "alice bob carol")],
    );
}

#[test]
fn relative_includes_resolve_against_etc_ssh_not_the_including_file() {
    // conf.d/first.conf's `Include nested.conf` is /etc/ssh/nested.conf; the decoy
    // conf.d/nested.conf is never read. One Include line may name several patterns,
    // and a pattern matching nothing is no error.
    let tree = generated(&[
        (
            "sshd_config",
            "Include conf.d/first.conf extra/*.conf nothing/*.conf\nPasswordAuthentication yes\n",
        ),
        ("conf.d/first.conf", "Include nested.conf\n"),
        ("nested.conf", "PasswordAuthentication no\n"),
        (
            "conf.d/nested.conf",
            "PasswordAuthentication yes\nPermitRootLogin yes\n",
        ),
        ("extra/x.conf", "Port 2201\n"),
    ]);
    agree(
        "relative Include",
        tree.path(),
        &[
            ("passwordauthentication", "no"),
            ("permitrootlogin", "prohibit-password"),
            ("port", "2201"),
        ],
    );
}

#[test]
fn the_first_value_wins() {
    let tree = generated(&[(
        "sshd_config",
        "PasswordAuthentication no\nPasswordAuthentication yes\n\
         PermitEmptyPasswords yes\nPermitEmptyPasswords no\n\
         UsePAM yes\nUsePAM no\n\
         KbdInteractiveAuthentication no\nKbdInteractiveAuthentication yes\n\
         AuthorizedKeysFile .ssh/first_keys\nAuthorizedKeysFile .ssh/second_keys\n",
    )]);
    agree(
        "first value wins",
        tree.path(),
        &[
            ("passwordauthentication", "no"),
            ("permitemptypasswords", "yes"),
            ("usepam", "yes"),
            ("kbdinteractiveauthentication", "no"),
            ("authorizedkeysfile", ".ssh/first_keys"),
        ],
    );
}

#[test]
fn challenge_response_authentication_is_kbd_interactive_authentication() {
    let tree = generated(&[(
        "sshd_config",
        "ChallengeResponseAuthentication no\nKbdInteractiveAuthentication yes\n",
    )]);
    agree(
        "ChallengeResponseAuthentication alias",
        tree.path(),
        &[("kbdinteractiveauthentication", "no")],
    );
}

#[test]
fn match_all_applies_over_global_values() {
    // sshd's per-connection pass applies `Match all` sections over the global
    // values (lists are replaced), and lines after `Match all` are global again.
    let tree = generated(&[(
        "sshd_config",
        "PasswordAuthentication yes\nPermitRootLogin yes\nAllowUsers alice\n\
         AuthorizedKeysFile .ssh/authorized_keys\n\
         Match User nobody-here\n  PermitRootLogin forced-commands-only\n\
         Match all\n  PermitRootLogin no\n  PasswordAuthentication no\n  AllowUsers bob\n  \
         AuthorizedKeysFile /etc/ssh/keys/%u\n  UsePAM yes\n  Port 2222\n",
    )]);
    agree(
        "Match all",
        tree.path(),
        &[
            ("permitrootlogin", "no"),
            ("passwordauthentication", "no"),
            ("allowusers", "bob"),
            ("authorizedkeysfile", "/etc/ssh/keys/%u"),
            ("usepam", "yes"),
            ("port", "2222"),
        ],
    );
}

#[test]
fn match_blocks_leave_global_values_alone() {
    // A Match block lasts until the next Match or the end of the file that opened
    // it: the lines after the Include are global again. A file included inside a
    // Match block is part of that block, even its own `Match all`.
    let tree = generated(&[
        (
            "sshd_config",
            "Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication no\nPermitRootLogin no\n\
             Match User alice\n  PasswordAuthentication yes\n  AllowUsers alice\n\
             Match Address 10.0.0.0/8\n  PermitRootLogin yes\n  Include /etc/ssh/in-match.conf\n",
        ),
        (
            "sshd_config.d/50-ends-in-match.conf",
            "Match Group admins\n  PermitEmptyPasswords yes\n",
        ),
        (
            "in-match.conf",
            "AllowGroups wheel\nKbdInteractiveAuthentication no\nMatch all\n  PasswordAuthentication yes\n",
        ),
    ]);
    agree(
        "Match blocks",
        tree.path(),
        &[
            ("passwordauthentication", "no"),
            ("permitrootlogin", "no"),
            ("permitemptypasswords", "no"),
            ("kbdinteractiveauthentication", "yes"),
            ("allowusers", ""),
            ("allowgroups", ""),
        ],
    );
    match_block_applies(
        "Match blocks",
        tree.path(),
        "user=alice,host=client.example,addr=192.0.2.10",
        &[(&settings::PASSWORD_AUTH, "yes")],
    );
    match_block_applies(
        "Match blocks",
        tree.path(),
        "user=auditor,host=lan.example,addr=10.1.2.3",
        &[
            (&settings::PERMIT_ROOT, "yes"),
            (&settings::KBD_INTERACTIVE, "no"),
            (&settings::PASSWORD_AUTH, "yes"),
        ],
    );
}

#[test]
fn key_equals_value_is_the_same_as_key_space_value() {
    let tree = generated(&[(
        "sshd_config",
        "PasswordAuthentication=no\nPermitRootLogin = no\nUsePAM =yes\nPort=2200\nAllowUsers= alice bob\n",
    )]);
    agree(
        "key=value",
        tree.path(),
        &[
            ("passwordauthentication", "no"),
            ("permitrootlogin", "no"),
            ("usepam", "yes"),
            ("port", "2200"),
            ("allowusers", "alice bob"),
        ],
    );
}

#[test]
fn quotes_around_keywords_values_and_include_paths() {
    let tree = generated(&[
        (
            "sshd_config",
            "Include \"/etc/ssh/sshd_config.d/*.conf\"\n\"PasswordAuthentication\" \"no\"\n\
             PermitRootLogin 'no'\nAllowUsers \"alice\" 'bob'\n\
             AuthorizedKeysFile \".ssh/authorized_keys\" \"/etc/ssh/keys/%u\"\n",
        ),
        ("sshd_config.d/q.conf", "AllowGroups \"sshusers\"\n"),
    ]);
    agree(
        "quoted values",
        tree.path(),
        &[
            ("passwordauthentication", "no"),
            ("permitrootlogin", "no"),
            ("allowusers", "alice bob"),
            ("allowgroups", "sshusers"),
            ("authorizedkeysfile", ".ssh/authorized_keys /etc/ssh/keys/%u"),
        ],
    );
}

#[test]
fn keywords_and_values_ignore_case_but_user_names_do_not() {
    let tree = generated(&[(
        "sshd_config",
        "passwordauthentication NO\nPERMITROOTLOGIN No\nuSePaM YES\nPermitEmptyPasswords nO\n\
         kbdInteractiveAuthentication No\nAllowUsers Alice bob\nallowgroups Admins\n",
    )]);
    agree(
        "case-insensitive keywords",
        tree.path(),
        &[
            ("passwordauthentication", "no"),
            ("permitrootlogin", "no"),
            ("usepam", "yes"),
            ("kbdinteractiveauthentication", "no"),
            ("allowusers", "Alice bob"),
            ("allowgroups", "Admins"),
        ],
    );
}

#[test]
fn every_port_line_adds_a_port() {
    let tree = generated(&[("sshd_config", "Port 22\nPort 2222\nPort 2200\nPort 2222\n")]);
    agree("several Port lines", tree.path(), &[("port", "22 2200 2222")]);
}

#[test]
fn listen_addresses_may_name_their_own_port() {
    let tree = generated(&[(
        "sshd_config",
        "Port 2222\nListenAddress 127.0.0.1:2200\nListenAddress 0.0.0.0\nListenAddress [::1]:2201\n",
    )]);
    agree("ListenAddress ports", tree.path(), &[("port", "2200 2201 2222")]);
}

#[test]
fn a_hash_starting_an_argument_ends_the_line() {
    let tree = generated(&[(
        "sshd_config",
        "# PasswordAuthentication yes\nPasswordAuthentication no # was yes\n\
         AllowUsers alice bob # the admins\nAllowGroups ops#team\n",
    )]);
    agree(
        "comments",
        tree.path(),
        &[
            ("passwordauthentication", "no"),
            ("allowusers", "alice bob"),
            ("allowgroups", "ops#team"),
        ],
    );
}

#[test]
fn compiled_defaults_apply_when_nothing_is_set() {
    let tree = generated(&[("sshd_config", "# nothing is set here\n")]);
    agree(
        "compiled defaults",
        tree.path(),
        &[
            ("passwordauthentication", "yes"),
            ("kbdinteractiveauthentication", "yes"),
            ("permitrootlogin", "prohibit-password"),
            ("permitemptypasswords", "no"),
            ("usepam", "no"),
            ("port", "22"),
            ("authorizedkeysfile", ".ssh/authorized_keys .ssh/authorized_keys2"),
        ],
    );
}

#[test]
fn authorized_keys_file_none_reads_no_key_file() {
    // sshd prints `authorizedkeysfile none`; vouch keeps no pattern. Both mean no file.
    let tree = generated(&[("sshd_config", "AuthorizedKeysFile none\n")]);
    agree("AuthorizedKeysFile none", tree.path(), &[("authorizedkeysfile", "")]);
}

#[test]
fn what_sshd_refuses_vouch_refuses_too() {
    // sshd -T exits non-zero on each of these (the daemon would not start);
    // vouch must not report values from them as if sshd ran with them.
    let cases = [
        ("a value sshd does not know", "PermitRootLogin maybe\n"),
        (
            "two values for a single-value keyword",
            "PasswordAuthentication no yes\n",
        ),
        (
            "`=` after a quoted keyword is part of the value",
            "\"PasswordAuthentication\" =no\n",
        ),
        ("`==` leaves `=no` as the value", "PasswordAuthentication==no\n"),
        ("a keyword without a value", "PasswordAuthentication\n"),
        ("an unbalanced quote", "AllowUsers \"alice\n"),
        ("a global-only keyword inside Match", "Match User x\n  UsePAM yes\n"),
        ("`Match all` with other criteria", "Match all User x\n"),
        ("an Include loop", "Include /etc/ssh/sshd_config\n"),
    ];
    let Some(judge) = judge() else { return };
    let mut problems = Vec::new();
    for (case, text) in cases {
        let tree = generated(&[("sshd_config", text)]);
        match (judge.dump(tree.path(), UNLISTED_CLIENT), vouch_refuses(tree.path())) {
            (Err(_), Some(_)) => {}
            (Ok(_), _) => problems.push(format!(
                "case `{case}` no longer tests what it claims: sshd -T accepts it"
            )),
            (Err(refusal), None) => problems.push(format!(
                "case `{case}`: sshd -T refuses ({refusal}), vouch reads values"
            )),
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// Lines the seeded mixtures draw from: the rules above, in every order.
const POOL: &[&str] = &[
    "",
    "# PasswordAuthentication yes",
    "PasswordAuthentication yes",
    "passwordauthentication=no",
    "  PasswordAuthentication no # indented, with a comment",
    "PermitRootLogin no",
    "PermitRootLogin prohibit-password",
    "PermitRootLogin \"yes\"",
    "PermitRootLogin=without-password",
    "PERMITROOTLOGIN FORCED-COMMANDS-ONLY",
    "ChallengeResponseAuthentication no",
    "KbdInteractiveAuthentication yes",
    "UsePAM yes",
    "UsePAM no",
    "PermitEmptyPasswords yes",
    "PermitEmptyPasswords no",
    "AllowUsers a b",
    "AllowUsers c",
    "\"AllowUsers\" 'q r'",
    "AllowUsers x#y z # w",
    "AllowGroups g",
    "Port 2222",
    "Port 22",
    "ListenAddress 127.0.0.1:2200",
    "ListenAddress 0.0.0.0",
    "AuthorizedKeysFile .ssh/k1",
    "AuthorizedKeysFile .ssh/k2 .ssh/k3",
    "AuthorizedKeysFile none",
    "Match all",
    "Match All",
    "Match User alice",
    "Match Group wheel",
    "Match Address 10.0.0.0/8",
];

/// How many seeded mixtures run (about 50 ms each).
const MIXTURES: u64 = 64;

#[test]
fn seeded_mixtures_of_these_rules_agree_too() {
    // Four files: sshd_config, two files its glob Include reads in order, one more
    // file included by relative name from the main file and the first glob file.
    // Each mixture is either read alike by both, or refused by both.
    let Some(judge) = judge() else { return };
    let mut random = XorShift(0x2545_F491_4F6C_DD1D);
    let mut problems = Vec::new();
    for n in 0..MIXTURES {
        let files = [
            (
                "sshd_config",
                random.lines(&[POOL, &["Include /etc/ssh/inc/*.conf", "Include inc2.conf"]], 9),
            ),
            ("inc/a.conf", random.lines(&[POOL, &["Include inc2.conf"]], 9)),
            ("inc/b.conf", random.lines(&[POOL], 9)),
            ("inc2.conf", random.lines(&[POOL], 9)),
        ];
        let files: Vec<(&str, &str)> = files.iter().map(|(path, text)| (*path, text.as_str())).collect();
        let tree = generated(&files);
        let case = format!("mixture {n}");
        let found = match judge.dump(tree.path(), UNLISTED_CLIENT) {
            Ok(dump) => differences(&case, &sshd_says(&dump), tree.path()),
            Err(refusal) if vouch_refuses(tree.path()).is_none() => {
                vec![format!(
                    "case `{case}`: sshd -T refuses ({refusal}), vouch reads values"
                )]
            }
            Err(_) => Vec::new(),
        };
        if !found.is_empty() {
            let shown: Vec<String> = files.iter().map(|(path, text)| format!("--- {path}\n{text}")).collect();
            problems.push(format!("{}\n{}", found.join("\n"), shown.concat()));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

// ---------------------------------------------------------------- the comparison

/// Compare vouch with `sshd -T` on the tree under `root` for a client no
/// conditional Match block matches; `sshd_must_say` is what the case is about.
fn agree(case: &str, root: &Path, sshd_must_say: &[(&str, &str)]) {
    let Some(judge) = judge() else { return };
    let dump = judge
        .dump(root, UNLISTED_CLIENT)
        .unwrap_or_else(|e| panic!("case `{case}`: sshd -T rejects the configuration: {e}"));
    let sshd = sshd_says(&dump);
    let mut problems = Vec::new();
    for (keyword, wanted) in sshd_must_say {
        let said = shown(sshd.get(*keyword));
        if said != shown(Some(&wanted.to_string())) {
            problems.push(format!(
                "case `{case}` no longer tests what it claims: sshd -T says {keyword} {said}, the case expects `{wanted}`"
            ));
        }
    }
    problems.extend(differences(case, &sshd, root));
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// Where vouch, reading the tree under `root`, differs from sshd's values.
fn differences(case: &str, sshd: &Values, root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(refusal) = vouch_refuses(root) {
        problems.push(format!(
            "case `{case}`: sshd -T accepts the configuration, but vouch says sshd refuses it: {refusal}"
        ));
    }
    let vouch = vouch_says(root);
    for keyword in COMPARED {
        let (ours, theirs) = (vouch.get(keyword), sshd.get(keyword));
        if ours != theirs {
            problems.push(format!(
                "case `{case}`: {keyword}: vouch says {}, sshd -T says {}",
                shown(ours),
                shown(theirs)
            ));
        }
    }
    problems
}

/// For a client that Match blocks do match: sshd applies each value, and vouch
/// lists a Match-block line with that value (it warns about such lines).
fn match_block_applies(case: &str, root: &Path, client: &str, values: &[(&'static Keyword, &str)]) {
    let Some(judge) = judge() else { return };
    let dump = judge
        .dump(root, client)
        .unwrap_or_else(|e| panic!("case `{case}`: sshd -T -C {client} fails: {e}"));
    let sshd = sshd_says(&dump);
    let (_, view) = vouch_view(root);
    let mut problems = Vec::new();
    for (keyword, wanted) in values {
        let name = keyword.canonical();
        let said = shown(sshd.get(&name));
        if said != shown(Some(&wanted.to_string())) {
            problems.push(format!(
                "case `{case}` no longer tests what it claims: for {client} sshd -T says {name} {said}, the case expects `{wanted}`"
            ));
        }
        let in_match: Vec<String> = match view.setting(keyword) {
            Ok(setting) => setting.in_match.iter().map(|d| canonical_value(&d.value())).collect(),
            Err(blocked) => vec![format!("<vouch cannot tell: {blocked:?}>")],
        };
        if !in_match.iter().any(|v| v == wanted) {
            problems.push(format!(
                "case `{case}`: sshd -T applies {name} {wanted} for {client}, but vouch's Match-block lines of {name} are {in_match:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

fn shown(value: Option<&String>) -> String {
    match value {
        None => "nothing".to_string(),
        Some(v) if v.is_empty() => "`` (none)".to_string(),
        Some(v) => format!("`{v}`"),
    }
}

/// sshd 9.2 prints prohibit-password by its old name, the first in its table.
fn canonical_value(value: &str) -> String {
    match value.to_ascii_lowercase().as_str() {
        "without-password" => "prohibit-password".to_string(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------- vouch's side

/// The sshd configuration as vouch reads it from `root`, through a Snapshot
/// collected with the rooted transport, as `vouch scan --root` does.
fn vouch_view(root: &Path) -> (Snapshot, View) {
    let snapshot = snapshot_of(root, ProbeType::SshdConfig);
    let view = View::load(&snapshot, DEFAULT_CONFIG);
    assert!(
        view.sshd_t.is_none(),
        "under --root no command runs, so vouch reads the files"
    );
    (snapshot, view)
}

fn vouch_says(root: &Path) -> Values {
    let (snapshot, view) = vouch_view(root);
    let mut values = Values::new();
    for keyword in SINGLE {
        let value = match view.setting(keyword) {
            Ok(setting) => canonical_value(&setting.value),
            Err(blocked) => format!("<vouch cannot tell: {blocked:?}>"),
        };
        values.insert(keyword.canonical(), value);
    }
    for list in ["allowusers", "allowgroups"] {
        let members = match view.list(list) {
            Ok(setting) => setting.members.join(" "),
            Err(error) => format!("<vouch cannot tell: {error}>"),
        };
        values.insert(list.to_string(), members);
    }
    let ports: Vec<String> = ssh_ports(&snapshot).iter().map(u16::to_string).collect();
    values.insert("port".to_string(), ports.join(" "));
    values.insert(
        "authorizedkeysfile".to_string(),
        keyfiles::patterns(&view).global.join(" "),
    );
    values
}

/// Why vouch holds that sshd refuses the configuration (a line sshd rejects, an
/// Include loop...), or None.
fn vouch_refuses(root: &Path) -> Option<String> {
    let (_, view) = vouch_view(root);
    let config = match &view.config {
        Ok(config) => config,
        Err(error) => return Some(error.to_string()),
    };
    if let Some(rejected) = config.diagnostics.first() {
        return Some(format!("{}: {}", rejected.at, rejected.message));
    }
    SINGLE
        .iter()
        .find_map(|keyword| view.setting(keyword).err())
        .map(|blocked| format!("{blocked:?}"))
}

// ---------------------------------------------------------------- sshd's side

/// The compared values of an `sshd -T` dump (one lower-case `keyword value` per
/// line; list keywords repeat the keyword).
fn sshd_says(dump: &str) -> Values {
    let mut lines: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for line in dump.lines() {
        let (keyword, value) = line.split_once(' ').unwrap_or((line, ""));
        lines.entry(keyword).or_default().push(value);
    }
    let all = |keyword: &str| lines.get(keyword).cloned().unwrap_or_default();
    let mut values = Values::new();
    for keyword in SINGLE {
        let name = keyword.canonical();
        if let Some(first) = all(&name).first() {
            values.insert(name, canonical_value(first));
        }
    }
    for list in ["allowusers", "allowgroups"] {
        let members: Vec<&str> = all(list).iter().flat_map(|l| l.split_whitespace()).collect();
        values.insert(list.to_string(), members.join(" "));
    }
    // `listenaddress 0.0.0.0:22`, `listenaddress [::]:2222`: sshd binds these.
    let ports: BTreeSet<u16> = all("listenaddress")
        .iter()
        .filter_map(|a| a.split_whitespace().next()?.rsplit_once(':')?.1.parse().ok())
        .collect();
    let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
    values.insert("port".to_string(), ports.join(" "));
    let key_files = all("authorizedkeysfile").first().copied().unwrap_or_default();
    let key_files: Vec<&str> = key_files
        .split_whitespace()
        .filter(|p| !p.eq_ignore_ascii_case("none"))
        .collect();
    values.insert("authorizedkeysfile".to_string(), key_files.join(" "));
    values
}

/// The real sshd, and how it is made to read a tree's etc/ssh as /etc/ssh.
struct Sshd {
    sshd: PathBuf,
    keygen: PathBuf,
    isolation: Isolation,
}

#[derive(Debug, Clone, Copy)]
enum Isolation {
    /// A private mount namespace with the tree's etc/ssh bind-mounted over /etc/ssh.
    Namespace,
    /// A copy of etc/ssh whose Include paths point into the copy.
    RewrittenCopy,
}

/// The judge, set up once; None (after a skip message) when sshd is missing
/// outside CI.
fn judge() -> Option<&'static Sshd> {
    static JUDGE: OnceLock<Option<Sshd>> = OnceLock::new();
    JUDGE
        .get_or_init(|| {
            let sbin = ["/usr/sbin", "/usr/local/sbin", "/sbin"];
            let sshd = require_program("sshd", &sbin, "openssh-server")?;
            let keygen = require_program("ssh-keygen", &[], "openssh-client")?;
            // sshd -T exits with "Missing privilege separation directory: /run/sshd"
            // without it; the Debian service creates it, a fresh CI machine may not.
            let privsep = Path::new("/run/sshd");
            if !privsep.is_dir() {
                std::fs::create_dir_all(privsep).unwrap_or_else(|e| {
                    panic!("sshd -T needs /run/sshd, which cannot be created ({e}): create it as root")
                });
            }
            let isolation = if private_namespace_works() {
                Isolation::Namespace
            } else {
                Isolation::RewrittenCopy
            };
            // Straight to stderr, once: the test harness captures eprintln!.
            let how = match isolation {
                Isolation::Namespace => "in a private mount namespace, the tree's etc/ssh over /etc/ssh",
                Isolation::RewrittenCopy => "from a copy of the tree's etc/ssh with its Include paths rewritten",
            };
            let _ = writeln!(std::io::stderr(), "differential_sshd: sshd -T reads each tree {how}");
            Some(Sshd {
                sshd,
                keygen,
                isolation,
            })
        })
        .as_ref()
}

/// Whether `unshare` can give sshd its own /etc/ssh (needs root or CAP_SYS_ADMIN).
fn private_namespace_works() -> bool {
    let Ok(empty) = tempfile::tempdir() else {
        return false;
    };
    Command::new("unshare")
        .args(["--mount", "--propagation", "private", "--", "sh", "-c"])
        .arg(r#"mount --bind "$1" /etc/ssh && test ! -e /etc/ssh/sshd_config"#)
        .arg("sh")
        .arg(empty.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

impl Sshd {
    /// `sshd -T -C client` on the tree under `root`, with a throwaway host key.
    fn dump(&self, root: &Path, client: &str) -> Result<String, String> {
        let work = tempfile::tempdir().expect("a temporary directory");
        let key = work.path().join("ssh_host_ed25519_key");
        output_of(
            Command::new(&self.keygen)
                .args(["-q", "-t", "ed25519", "-N", "", "-C", "", "-f"])
                .arg(&key),
        )
        .unwrap_or_else(|e| panic!("ssh-keygen cannot make a host key: {e}"));
        let etc_ssh = root.join("etc/ssh");
        let mut command = match self.isolation {
            Isolation::Namespace => {
                let mut command = Command::new("unshare");
                command
                    .args(["--mount", "--propagation", "private", "--", "sh", "-c"])
                    .arg(r#"mount --bind "$1" /etc/ssh && shift && exec "$@""#)
                    .arg("sh")
                    .arg(&etc_ssh)
                    .arg(&self.sshd);
                command
            }
            Isolation::RewrittenCopy => {
                let copy = work.path().join("etc/ssh");
                copy_redirected(&etc_ssh, &copy, &copy);
                let mut command = Command::new(&self.sshd);
                command.arg("-f").arg(copy.join("sshd_config"));
                command
            }
        };
        command
            .arg("-T")
            .arg("-h")
            .arg(&key)
            .args(["-C", client])
            .env("LC_ALL", "C");
        output_of(&mut command)
    }
}

/// Copy the directory `from` to `to`, pointing the Includes of every file into
/// `copy`, the copy of /etc/ssh.
fn copy_redirected(from: &Path, to: &Path, copy: &Path) {
    std::fs::create_dir_all(to).expect("creating the copy");
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("reading {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_redirected(&entry.path(), &target, copy);
        } else {
            let text = std::fs::read_to_string(entry.path()).expect("a text file");
            std::fs::write(&target, redirect_includes(&text, copy)).expect("writing the copy");
        }
    }
}

/// Rewrite `Include` lines so that paths under /etc/ssh, and relative ones (which
/// sshd resolves against /etc/ssh), name the same file under `copy`. Arguments are
/// whitespace-separated, optionally in double quotes without spaces inside.
fn redirect_includes(text: &str, copy: &Path) -> String {
    let copy = copy.to_str().expect("temporary paths are UTF-8");
    let redirect = |arg: &str| {
        let (quote, path) = match arg.strip_prefix('"').and_then(|a| a.strip_suffix('"')) {
            Some(inner) => ("\"", inner),
            None => ("", arg),
        };
        let relative = path
            .strip_prefix("/etc/ssh/")
            .or_else(|| (!path.starts_with('/') && !path.starts_with('~')).then_some(path));
        match relative {
            Some(relative) => format!("{quote}{copy}/{relative}{quote}"),
            None => arg.to_string(),
        }
    };
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let trimmed = line.trim_start();
            let end = trimmed
                .find(|c: char| c.is_whitespace() || c == '=')
                .unwrap_or(trimmed.len());
            if !trimmed[..end].eq_ignore_ascii_case("include") {
                return line.to_string();
            }
            let args = trimmed[end..].trim_start_matches(|c: char| c.is_whitespace() || c == '=');
            let args: Vec<String> = args
                .split_whitespace()
                .take_while(|a| !a.starts_with('#'))
                .map(redirect)
                .collect();
            format!("Include {}", args.join(" "))
        })
        .collect();
    lines.join("\n")
}

/// A generated host: `files` (paths relative to etc/ssh) under a temporary root.
fn generated(files: &[(&str, &str)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("a temporary directory");
    let files: Vec<(String, &str)> = files.iter().map(|(p, t)| (format!("etc/ssh/{p}"), *t)).collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    write_tree(root.path(), &files);
    root
}
