//! The real program is the judge: vouch's reading of the APT configuration against
//! `apt-config dump`.
//!
//! For each fixture host (tests/fixtures/{weak,hardened,mixed}) and for generated
//! trees that exercise apt's tricky rules (nested blocks and `::` names, later
//! files overriding earlier ones in byte order, apt.conf read last, file names apt
//! skips, `#clear`, `//`, `/* */` and `#` comments, lists appending across files
//! and syntaxes, case-insensitive tags, unquoted and multi-line statements,
//! relative `#include`), vouch reads the tree the way `vouch scan --root` does (a
//! Snapshot collected through the rooted transport) and apt dumps the
//! configuration it builds from the very same files. The keys the patching
//! controls read must agree: APT::Periodic::Update-Package-Lists,
//! APT::Periodic::Unattended-Upgrade and APT::Periodic::Enable, and the
//! Unattended-Upgrade::Allowed-Origins and ::Origins-Pattern lists, entry by entry.
//! Any difference fails with the case and the key. Each case also states what apt
//! says, so a case that silently stopped exercising its rule fails too. When apt
//! refuses a tree (a syntax error), vouch must report an error apt stops with.
//! Seeded (deterministic) mixtures of all these rules over four files must agree
//! too.
//!
//! apt is pointed at a tree with `APT_CONFIG`, a file holding `Dir "<root>/";`:
//! apt reads it first, then `<root>/etc/apt/apt.conf.d/` and `<root>/etc/apt/apt.conf`
//! (pkgInitConfig, apt-pkg/init.cc). `apt-config dump` also prints apt's built-in
//! defaults, so only the keys above are compared. apt opens a relative `#include`
//! from its working directory, which vouch takes to be `/` (the periodic jobs run
//! from there), so apt runs in the tree's root. A missing `apt-config` fails the
//! test when CI is set and skips it otherwise.

mod common;

use common::differential::{output_of, require_program, snapshot_of, write_tree, XorShift};
use common::fixture;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use vouch::eval::apt::automatic::{PERIODIC_ENABLE, UNATTENDED_UPGRADE, UPDATE_LISTS};
use vouch::eval::apt::origins::{ALLOWED_ORIGINS, ORIGINS_PATTERN};
use vouch::model::ProbeType;
use vouch::parse::apt::conf::{self, AptConfig};

/// Single values compared; an unset key reads as "" on both sides (apt's Find).
const SCALARS: [&str; 3] = [UPDATE_LISTS, UNATTENDED_UPGRADE, PERIODIC_ENABLE];
/// Lists compared: the values of the item's children, in order (python-apt's
/// value_list, which unattended-upgrades reads).
const LISTS: [&str; 2] = [ALLOWED_ORIGINS, ORIGINS_PATTERN];

/// key -> value as one side says; lists are shown as `["a", "b"]`.
type Values = BTreeMap<String, String>;

/// A list value as the comparison shows it.
fn list(entries: &[&str]) -> String {
    format!("{entries:?}")
}

// ---------------------------------------------------------------- the fixture hosts

#[test]
fn weak_fixture_agrees_with_apt() {
    // 99-no-updates turns Unattended-Upgrade off after 20auto-upgrades; the
    // 50unattended-upgrades.ucf-dist next to the old file is never read.
    agree(
        "weak",
        &PathBuf::from(fixture("weak")),
        &[
            (UPDATE_LISTS, "1".into()),
            (UNATTENDED_UPGRADE, "0".into()),
            (
                ALLOWED_ORIGINS,
                list(&["${distro_id}:${distro_codename}", "${distro_id}ESM:${distro_codename}"]),
            ),
        ],
    );
}

#[test]
fn hardened_fixture_agrees_with_apt() {
    agree(
        "hardened",
        &PathBuf::from(fixture("hardened")),
        &[
            (UPDATE_LISTS, "1".into()),
            (UNATTENDED_UPGRADE, "1".into()),
            (
                ALLOWED_ORIGINS,
                list(&[
                    "${distro_id}:${distro_codename}",
                    "${distro_id}:${distro_codename}-security",
                    "${distro_id}ESMApps:${distro_codename}-apps-security",
                    "${distro_id}ESM:${distro_codename}-infra-security",
                ]),
            ),
        ],
    );
}

#[test]
fn mixed_fixture_agrees_with_apt() {
    // 20auto-upgrades.dpkg-old would switch both on, but apt skips that name.
    agree(
        "mixed",
        &PathBuf::from(fixture("mixed")),
        &[(UPDATE_LISTS, "1".into()), (UNATTENDED_UPGRADE, String::new())],
    );
}

// ---------------------------------------------------------------- apt's tricky rules

#[test]
fn nested_blocks_and_double_colons_name_the_same_items() {
    let tree = generated(&[(
        "apt.conf.d/10nested",
        "APT {\n  Periodic {\n    Update-Package-Lists \"1\";\n    Enable \"0\";\n  };\n};\n\
         APT::Periodic { Unattended-Upgrade \"1\"; };\n\
         APT::Periodic::Enable \"1\";\n\
         Unattended-Upgrade { Allowed-Origins { \"Debian:bookworm\"; \"Debian:bookworm-security\"; }; };\n",
    )]);
    agree(
        "nested and :: syntax",
        tree.path(),
        &[
            (UPDATE_LISTS, "1".into()),
            (UNATTENDED_UPGRADE, "1".into()),
            (PERIODIC_ENABLE, "1".into()),
            (ALLOWED_ORIGINS, list(&["Debian:bookworm", "Debian:bookworm-security"])),
        ],
    );
}

#[test]
fn later_files_override_earlier_ones_in_byte_order() {
    // "10zz" < "9aa" and "Z-upper" < "a-lower": the later file's value stands.
    let tree = generated(&[
        ("apt.conf.d/10zz", "APT::Periodic::Unattended-Upgrade \"1\";\n"),
        ("apt.conf.d/9aa", "APT::Periodic::Unattended-Upgrade \"0\";\n"),
        (
            "apt.conf.d/Z-upper",
            "APT::Periodic::Update-Package-Lists \"0\";\nAPT::Periodic::Enable \"1\";\n",
        ),
        ("apt.conf.d/a-lower", "APT::Periodic::Update-Package-Lists \"1\";\n"),
    ]);
    agree(
        "later file overrides",
        tree.path(),
        &[
            (UNATTENDED_UPGRADE, "0".into()),
            (UPDATE_LISTS, "1".into()),
            (PERIODIC_ENABLE, "1".into()),
        ],
    );
}

#[test]
fn apt_conf_is_read_after_the_parts_directory() {
    let tree = generated(&[
        (
            "apt.conf.d/99zz-last-part",
            "APT::Periodic::Unattended-Upgrade \"0\";\n",
        ),
        ("apt.conf", "APT::Periodic::Unattended-Upgrade \"1\";\n"),
    ]);
    agree("apt.conf last", tree.path(), &[(UNATTENDED_UPGRADE, "1".into())]);
}

#[test]
fn file_names_apt_skips() {
    let off = "APT::Periodic::Unattended-Upgrade \"0\";\n";
    let tree = generated(&[
        (
            "apt.conf.d/20auto-upgrades",
            "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n",
        ),
        ("apt.conf.d/30extra.conf", "APT::Periodic::Enable \"1\";\n"),
        (
            "apt.conf.d/31under_score-and:colon",
            "Unattended-Upgrade::Allowed-Origins:: \"read\";\n",
        ),
        ("apt.conf.d/20auto-upgrades.dpkg-old", off),
        ("apt.conf.d/50x.bak", off),
        ("apt.conf.d/60x~", off),
        ("apt.conf.d/.hidden", off),
        ("apt.conf.d/70x.disabled", off),
        ("apt.conf.d/80a b", off),
        ("apt.conf.d/90x.conf.bak", off),
        ("apt.conf.d/95x.ucf-dist", off),
        ("apt.conf.d/96x.save", off),
        ("apt.conf.d/97x.orig", off),
        ("apt.conf.d/98x.", off),
        ("apt.conf.d/99x.txt", off),
    ]);
    agree(
        "ignored file names",
        tree.path(),
        &[
            (UNATTENDED_UPGRADE, "1".into()),
            (PERIODIC_ENABLE, "1".into()),
            (ALLOWED_ORIGINS, list(&["read"])),
        ],
    );
}

#[test]
fn clear_empties_an_item_and_later_entries_refill_it() {
    let tree = generated(&[
        (
            "apt.conf.d/50unattended-upgrades",
            "Unattended-Upgrade::Allowed-Origins { \"a\"; \"b\"; };\n\
             Unattended-Upgrade::Origins-Pattern { \"origin=Debian\"; };\n\
             APT::Periodic::Enable \"1\";\n",
        ),
        (
            "apt.conf.d/60clear",
            "#clear Unattended-Upgrade::Allowed-Origins;\n#clear Unattended-Upgrade::Origins-Pattern;\n\
             #clear APT::Periodic::Enable;\n\
             Unattended-Upgrade::Origins-Pattern:: \"origin=Debian,label=Debian-Security\";\n",
        ),
        (
            "apt.conf.d/70refill",
            "Unattended-Upgrade::Allowed-Origins { \"c\"; };\n",
        ),
    ]);
    agree(
        "#clear",
        tree.path(),
        &[
            (ALLOWED_ORIGINS, list(&["c"])),
            (ORIGINS_PATTERN, list(&["origin=Debian,label=Debian-Security"])),
            (PERIODIC_ENABLE, String::new()),
        ],
    );
}

#[test]
fn comments_of_every_kind_but_not_inside_strings() {
    let tree = generated(&[(
        "apt.conf.d/50comments",
        "// APT::Periodic::Enable \"0\";\n\
         # APT::Periodic::Enable \"0\";\n\
         /* APT::Periodic::Enable \"0\";\n   still a comment */ APT::Periodic::Enable \"1\";\n\
         APT::Periodic::Update-Package-Lists \"1\"; // trailing\n\
         APT::Periodic::Unattended-Upgrade /* inline */ \"1\"; # trailing hash\n\
         Unattended-Upgrade::Origins-Pattern {\n\
         \t\"origin=Debian,codename=${distro_codename},label=Debian-Security\"; // kept\n\
         \t// \"origin=commented-out\";\n\
         \t\"site=http://deb.example/#frag\";\n\
         };\n",
    )]);
    agree(
        "comments",
        tree.path(),
        &[
            (PERIODIC_ENABLE, "1".into()),
            (UPDATE_LISTS, "1".into()),
            (UNATTENDED_UPGRADE, "1".into()),
            (
                ORIGINS_PATTERN,
                list(&[
                    "origin=Debian,codename=${distro_codename},label=Debian-Security",
                    "site=http://deb.example/#frag",
                ]),
            ),
        ],
    );
}

#[test]
fn lists_append_across_files_and_syntaxes() {
    let tree = generated(&[
        (
            "apt.conf.d/50unattended-upgrades",
            "Unattended-Upgrade::Allowed-Origins { \"a\"; \"b\"; };\n",
        ),
        (
            "apt.conf.d/52local",
            "Unattended-Upgrade::Allowed-Origins:: \"c\";\n\
             Unattended-Upgrade { Allowed-Origins { \"d\"; \"a\"; }; };\n",
        ),
        ("apt.conf", "Unattended-Upgrade::Allowed-Origins { \"e\"; };\n"),
    ]);
    agree(
        "list append",
        tree.path(),
        &[(ALLOWED_ORIGINS, list(&["a", "b", "c", "d", "a", "e"]))],
    );
}

#[test]
fn tags_ignore_case() {
    let tree = generated(&[(
        "apt.conf.d/50case",
        "apt::periodic::enable \"1\";\nAPT::PERIODIC::Update-Package-Lists \"1\";\n\
         unattended-upgrade::allowed-origins { \"x\"; };\nUnattended-Upgrade::Allowed-Origins { \"y\"; };\n",
    )]);
    agree(
        "case-insensitive tags",
        tree.path(),
        &[
            (PERIODIC_ENABLE, "1".into()),
            (UPDATE_LISTS, "1".into()),
            (ALLOWED_ORIGINS, list(&["x", "y"])),
        ],
    );
}

#[test]
fn unquoted_and_multi_line_statements() {
    let tree = generated(&[(
        "apt.conf.d/50statements",
        "APT::Periodic::Update-Package-Lists 1;\nAPT::Periodic::Unattended-Upgrade\n  \"always\";\n\
         APT::Periodic::Enable \"1\"; APT::Periodic::Enable \"0\";\n",
    )]);
    agree(
        "statements",
        tree.path(),
        &[
            (UPDATE_LISTS, "1".into()),
            (UNATTENDED_UPGRADE, "always".into()),
            (PERIODIC_ENABLE, "0".into()),
        ],
    );
}

#[test]
fn relative_includes_are_read_inline() {
    let tree = generated(&[
        (
            "apt.conf.d/10include",
            "APT::Periodic::Unattended-Upgrade \"0\";\n#include \"etc/apt/extra.conf\";\n\
             #include \"etc/apt/extra.d/\";\nAPT::Periodic::Update-Package-Lists \"1\";\n",
        ),
        ("extra.conf", "APT::Periodic::Unattended-Upgrade \"1\";\n"),
        ("extra.d/a", "APT::Periodic::Enable \"1\";\n"),
        ("extra.d/b.bak", "APT::Periodic::Enable \"0\";\n"),
    ]);
    agree(
        "#include",
        tree.path(),
        &[
            (UNATTENDED_UPGRADE, "1".into()),
            (PERIODIC_ENABLE, "1".into()),
            (UPDATE_LISTS, "1".into()),
        ],
    );
}

#[test]
fn what_apt_refuses_vouch_reports_as_an_apt_error() {
    // apt-config (and apt-get, and unattended-upgrade) stop on each of these.
    let cases = [
        ("junk after a value", "APT::Periodic::Unattended-Upgrade \"0\" junk;\n"),
        (
            "a statement without `;` at the end",
            "APT::Periodic::Unattended-Upgrade \"0\"\n",
        ),
        ("a block without a name", "{ APT::Periodic::Enable \"1\"; };\n"),
        ("#clear inside a block", "APT { #clear Periodic; };\n"),
        ("an unknown directive", "#clearall APT;\n"),
        ("an #include of a missing file", "#include \"etc/apt/missing.conf\";\n"),
    ];
    let Some(apt_config) = judge() else { return };
    let mut problems = Vec::new();
    for (case, text) in cases {
        let tree = generated(&[
            (
                "apt.conf.d/20auto-upgrades",
                "APT::Periodic::Unattended-Upgrade \"1\";\n",
            ),
            ("apt.conf.d/50broken", text),
        ]);
        if apt_dump(apt_config, tree.path()).is_ok() {
            problems.push(format!(
                "case `{case}` no longer tests what it claims: apt-config accepts it"
            ));
        }
        problems.extend(verdict(case, apt_config, tree.path()));
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// Lines the seeded mixtures draw from: the rules above, in every order.
const POOL: &[&str] = &[
    "",
    "APT::Periodic::Enable \"1\";",
    "APT::Periodic::Enable \"0\";",
    "apt::periodic::update-package-lists \"1\";",
    "APT::Periodic::Update-Package-Lists 0;",
    "APT { Periodic { Unattended-Upgrade \"1\"; }; };",
    "APT::Periodic { Unattended-Upgrade \"0\"; Update-Package-Lists \"always\"; };",
    "APT::Periodic::Unattended-Upgrade",
    "  \"2\";",
    "Unattended-Upgrade::Allowed-Origins { \"a\"; \"b-security\"; };",
    "Unattended-Upgrade::Allowed-Origins:: \"c\";",
    "\"Unattended-Upgrade::Allowed-Origins\" { \"q\"; };",
    "Unattended-Upgrade { Origins-Pattern { \"origin=Debian\"; }; };",
    "Unattended-Upgrade::Origins-Pattern {",
    "\t\"site=http://deb.example/#x\"; // a comment",
    "};",
    "#clear Unattended-Upgrade::Allowed-Origins;",
    "#clear Unattended-Upgrade;",
    "#clear APT::Periodic;",
    "// APT::Periodic::Enable \"9\";",
    "# APT::Periodic::Enable \"8\";",
    "/* APT::Periodic::Enable \"7\";",
    "*/",
    "APT::Periodic::Enable /* inline */ \"6\";",
];

/// File names the mixtures use: most are read, some apt skips.
const NAMES: &[&str] = &[
    "10a",
    "20auto-upgrades",
    "50x.conf",
    "60x.dpkg-old",
    "9z",
    "Z-upper",
    "99x.bak",
];

/// How many seeded mixtures run (about 20 ms each).
const MIXTURES: u64 = 100;

#[test]
fn seeded_mixtures_of_these_rules_agree_too() {
    // Three files in apt.conf.d (named from NAMES) and apt.conf, each made of
    // lines from POOL. Each mixture is read alike by both, or refused by both.
    let Some(apt_config) = judge() else { return };
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut problems = Vec::new();
    for n in 0..MIXTURES {
        let mut files: BTreeMap<String, String> = (0..3)
            .map(|_| {
                (
                    format!("apt.conf.d/{}", NAMES[random.below(NAMES.len())]),
                    random.lines(&[POOL], 7),
                )
            })
            .collect();
        files.insert("apt.conf".to_string(), random.lines(&[POOL], 7));
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str()))
            .collect();
        let tree = generated(&files);
        let found = verdict(&format!("mixture {n}"), apt_config, tree.path());
        if !found.is_empty() {
            let shown: Vec<String> = files.iter().map(|(path, text)| format!("--- {path}\n{text}")).collect();
            problems.push(format!("{}\n{}", found.join("\n"), shown.concat()));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

// ---------------------------------------------------------------- the comparison

/// Compare vouch with `apt-config dump` on the tree under `root`;
/// `apt_must_say` is what the case is about.
fn agree(case: &str, root: &Path, apt_must_say: &[(&str, String)]) {
    let Some(apt_config) = judge() else { return };
    let dump = apt_dump(apt_config, root)
        .unwrap_or_else(|e| panic!("case `{case}`: apt-config refuses the configuration: {e}"));
    let apt = apt_says(&dump);
    let mut problems = Vec::new();
    for (key, wanted) in apt_must_say {
        if apt.get(*key) != Some(wanted) {
            problems.push(format!(
                "case `{case}` no longer tests what it claims: apt-config says {key} {}, the case expects `{wanted}`",
                shown(apt.get(*key))
            ));
        }
    }
    problems.extend(differences(case, &apt, root));
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// Where vouch, reading the tree under `root`, differs from apt's values.
fn differences(case: &str, apt: &Values, root: &Path) -> Vec<String> {
    let config = vouch_reads(root);
    let mut problems: Vec<String> = config
        .problems
        .iter()
        .map(|problem| format!("case `{case}`: apt reads the tree, but vouch reports {problem:?}"))
        .collect();
    let vouch = vouch_says(&config);
    for key in SCALARS.iter().chain(&LISTS) {
        let (ours, theirs) = (vouch.get(*key), apt.get(*key));
        if ours != theirs {
            problems.push(format!(
                "case `{case}`: {key}: vouch says {}, apt-config says {}",
                shown(ours),
                shown(theirs)
            ));
        }
    }
    problems
}

/// Either both read the tree alike, or apt refuses it and vouch reports an error
/// apt stops with.
fn verdict(case: &str, apt_config: &Path, root: &Path) -> Vec<String> {
    match apt_dump(apt_config, root) {
        Ok(dump) => differences(case, &apt_says(&dump), root),
        Err(refusal) => {
            let config = vouch_reads(root);
            if config.apt_errors().next().is_some() {
                Vec::new()
            } else {
                vec![format!(
                    "case `{case}`: apt-config refuses the tree ({refusal}), but vouch reports no apt error: {:?}",
                    config.problems
                )]
            }
        }
    }
}

fn shown(value: Option<&String>) -> String {
    match value {
        None => "nothing".to_string(),
        Some(v) if v.is_empty() => "`` (unset or empty)".to_string(),
        Some(v) => format!("`{v}`"),
    }
}

// ---------------------------------------------------------------- vouch's side

/// The APT configuration as vouch reads it from `root`, through a Snapshot
/// collected with the rooted transport, as `vouch scan --root` does.
fn vouch_reads(root: &Path) -> AptConfig {
    conf::load(&snapshot_of(root, ProbeType::AptConfig))
}

fn vouch_says(config: &AptConfig) -> Values {
    let mut values = Values::new();
    for key in SCALARS {
        values.insert(key.to_string(), config.tree.find(key).to_string());
    }
    for key in LISTS {
        let entries: Vec<&str> = config.tree.list(key).iter().map(|e| e.value).collect();
        values.insert(key.to_string(), list(&entries));
    }
    values
}

// ---------------------------------------------------------------- apt's side

/// The compared values of a dump printed as `full-tag<TAB>value` lines (tabs never
/// occur in tags or values: apt turns them into spaces when it reads a line).
fn apt_says(dump: &str) -> Values {
    let items: Vec<(&str, &str)> = dump.lines().filter_map(|line| line.split_once('\t')).collect();
    let mut values = Values::new();
    for key in SCALARS {
        let value = items
            .iter()
            .find(|(tag, _)| tag.eq_ignore_ascii_case(key))
            .map_or("", |(_, value)| value);
        values.insert(key.to_string(), value.to_string());
    }
    for key in LISTS {
        // The item's children: `Key::` (list entries) and `Key::Tag`, not deeper.
        let prefix = format!("{}::", key.to_ascii_lowercase());
        let entries: Vec<&str> = items
            .iter()
            .filter(|(tag, _)| {
                let tag = tag.to_ascii_lowercase();
                tag.strip_prefix(&prefix).is_some_and(|rest| !rest.contains("::"))
            })
            .map(|(_, value)| *value)
            .collect();
        values.insert(key.to_string(), list(&entries));
    }
    values
}

/// `apt-config`, once; None (after a skip message) when it is missing outside CI.
fn judge() -> Option<&'static PathBuf> {
    static JUDGE: OnceLock<Option<PathBuf>> = OnceLock::new();
    JUDGE.get_or_init(|| require_program("apt-config", &[], "apt")).as_ref()
}

/// `apt-config dump` of the configuration under `root`, or why apt refuses it.
fn apt_dump(apt_config: &Path, root: &Path) -> Result<String, String> {
    let work = tempfile::tempdir().expect("a temporary directory");
    let pointer = work.path().join("apt.conf");
    let root_dir = root.to_str().expect("temporary paths are UTF-8");
    std::fs::write(&pointer, format!("Dir \"{root_dir}/\";\n")).expect("writing APT_CONFIG");
    output_of(
        Command::new(apt_config)
            .args(["dump", "--format", "%f\t%v%n"])
            .env("APT_CONFIG", &pointer)
            .env("LC_ALL", "C")
            .current_dir(root),
    )
}

/// A generated host: `files` (paths relative to etc/apt) under a temporary root.
fn generated(files: &[(&str, &str)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("a temporary directory");
    let files: Vec<(String, &str)> = files.iter().map(|(p, t)| (format!("etc/apt/{p}"), *t)).collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    write_tree(root.path(), &files);
    root
}
