//! The real program is the judge: unattended-upgrades itself decides whether a
//! host's origins let it install security updates.
//!
//! Debian's `/usr/bin/unattended-upgrade` is loaded as a Python module
//! (tests/judges/unattended_upgrades.py, with python3-apt) and its own functions
//! are asked: `get_allowed_origins_legacy` and `substitute` for what each entry
//! becomes, `match_whitelist_string` for whether it matches each origin, and, for
//! whole trees read by apt itself, `get_allowed_origins` and `is_allowed_origin`
//! against the distribution's security archive. lsb_release, mounted over the
//! tree's os-release, judges the `${distro_id}`/`${distro_codename}` vouch takes.
//!
//! Cases: the fixture hosts (Ubuntu 24.04), Debian 12's stock file, the seed's
//! Ubuntu-style entry on Debian, and seeded entries of both list kinds over Debian
//! and Ubuntu (keys short and long, unknown keys, wildcards, escaped commas and
//! colons, `$$`, unknown `${names}`), plus Python's fnmatch on random patterns.
//! Every difference fails with the entry; an entry unattended-upgrades stops at
//! must be one vouch calls invalid. A missing judge fails under CI.

mod common;

use common::differential::{require_program, run_with_etc, snapshot_of, write_tree, XorShift};
use common::fixture;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use vouch::eval::apt::origins::{decide, security_archive};
use vouch::model::{ProbeType, Status};
use vouch::parse::apt::conf;
use vouch::parse::apt::origins::{read_entry, Distro, Origin, ALLOWED_ORIGINS, ORIGINS_PATTERN};
use vouch::parse::fnmatch::fnmatch;
use vouch::parse::host::os_release;

const JUDGE: &str = "tests/judges/unattended_upgrades.py";

/// unattended-upgrades' answer to `request`; None (after a skip message) without it outside CI.
fn ask(request: &Value) -> Option<Value> {
    require_program("unattended-upgrade", &["/usr/bin"], "unattended-upgrades")?;
    let mut child = Command::new("/usr/bin/python3")
        .arg(JUDGE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Debian's /usr/bin/python3 runs (python3-apt is installed for it)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(request.to_string().as_bytes())
        .expect("writing the request");
    let out = child.wait_with_output().expect("the judge ends");
    assert!(
        out.status.success(),
        "the judge failed (are unattended-upgrades and python3-apt installed?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("the judge answers JSON"))
}

fn origin_json(o: &Origin) -> Value {
    json!({"origin": o.origin, "label": o.label, "archive": o.archive,
           "codename": o.codename, "component": o.component, "site": o.site})
}

/// The distribution's security archive, and archives that are not it (the release
/// itself, -updates, ESM, another component), so matches are judged both ways.
fn origins_for(distro: &Distro) -> Vec<Origin> {
    let mut origins = security_archive(distro).expect("Debian or Ubuntu");
    let other = |origin: &str, label: &str, archive: &str, codename: &str, component: &str, site: &str| Origin {
        origin: origin.into(),
        label: label.into(),
        archive: archive.into(),
        codename: codename.into(),
        component: component.into(),
        site: site.into(),
    };
    let c = distro.codename.as_str();
    match distro.id.as_str() {
        "Debian" => origins.extend([
            other("Debian", "Debian", "oldstable", c, "main", "deb.debian.org"),
            other(
                "Debian",
                "Debian",
                "oldstable-updates",
                &format!("{c}-updates"),
                "main",
                "deb.debian.org",
            ),
            other(
                "Debian",
                "Debian-Security",
                "oldstable-security",
                &format!("{c}-security"),
                "non-free-firmware",
                "security.debian.org",
            ),
        ]),
        _ => origins.extend([
            other("Ubuntu", "Ubuntu", c, c, "main", "archive.ubuntu.com"),
            other(
                "Ubuntu",
                "Ubuntu",
                &format!("{c}-updates"),
                c,
                "universe",
                "archive.ubuntu.com",
            ),
            other(
                "UbuntuESMApps",
                "Ubuntu",
                &format!("{c}-apps-security"),
                c,
                "main",
                "esm.ubuntu.com",
            ),
        ]),
    }
    origins
}

/// What vouch makes of one entry: the pattern and its matches, or that it is invalid.
fn vouch_entry(kind: &str, value: &str, distro: &Distro, origins: &[Origin]) -> Value {
    let list = if kind == "allowed" {
        ALLOWED_ORIGINS
    } else {
        ORIGINS_PATTERN
    };
    match read_entry(list, value, distro) {
        Ok(p) => json!({"pattern": p.text, "matches": origins.iter().map(|o| p.matches(o)).collect::<Vec<_>>()}),
        Err(why) => json!({"error": why.to_string()}),
    }
}

/// Entries judged one by one: the same pattern, the same matches, the same refusals.
fn entries_agree(case: &str, distro: &Distro, entries: &[(&str, String)]) {
    let origins = origins_for(distro);
    let request = json!({
        "distro": [distro.id, distro.codename],
        "origins": origins.iter().map(origin_json).collect::<Vec<_>>(),
        "entries": entries.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        "config": null,
    });
    let Some(answer) = ask(&request) else { return };
    let judged = answer["entries"].as_array().expect("entries");
    let mut differences = Vec::new();
    for ((kind, value), theirs) in entries.iter().zip(judged) {
        let ours = vouch_entry(kind, value, distro, &origins);
        let same = match (ours.get("error"), theirs.get("error")) {
            (Some(_), Some(_)) => true,
            (None, None) => ours == *theirs,
            _ => false,
        };
        if !same {
            differences.push(format!(
                "{kind} {value:?} on {} {}: vouch {ours}, unattended-upgrades {theirs}",
                distro.id, distro.codename
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "{case}: {} differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

/// The distribution vouch reads from the tree's os-release, checked against lsb_release there.
fn distro_of(root: &Path) -> Distro {
    let text = std::fs::read_to_string(root.join("etc/os-release")).expect("the tree has etc/os-release");
    let ours = Distro::from_os_release(&os_release(&text));
    if let Some(lsb) = require_program("lsb_release", &[], "lsb-release") {
        let said = |flag: &str| {
            let out =
                run_with_etc(root, "os-release", &lsb, &[flag]).unwrap_or_else(|e| panic!("lsb_release {flag}: {e}"));
            String::from_utf8_lossy(&out).trim().to_string()
        };
        assert_eq!(
            (said("-is"), said("-cs")),
            (ours.id.clone(), ours.codename.clone()),
            "{}",
            root.display()
        );
    }
    ours
}

/// A whole tree: apt reads it, unattended-upgrades judges it; vouch's verdict agrees.
fn tree_agrees(case: &str, root: &Path, expected: Status) {
    let distro = distro_of(root);
    let origins = security_archive(&distro).expect("Debian or Ubuntu");
    let request = json!({
        "distro": [distro.id, distro.codename],
        "origins": origins.iter().map(origin_json).collect::<Vec<_>>(),
        "entries": [],
        "config": root.to_str().expect("UTF-8 path"),
    });
    let config = conf::load(&snapshot_of(root, ProbeType::AptConfig));
    let outcome = decide(&config, &Ok(distro.clone()));
    assert_eq!(outcome.status, expected, "{case}: {}", outcome.summary);
    let Some(answer) = ask(&request) else { return };
    let judged = &answer["config"];
    let allowed = judged["allowed"]
        .as_array()
        .is_some_and(|a| a.iter().any(|m| m == true));
    let theirs = if allowed { Status::Pass } else { Status::Fail };
    assert_eq!(
        outcome.status, theirs,
        "{case}: unattended-upgrades says {judged}; vouch: {}",
        outcome.summary
    );
    if let Some(patterns) = judged["patterns"].as_array() {
        let ours: Vec<String> = [ALLOWED_ORIGINS, ORIGINS_PATTERN]
            .into_iter()
            .flat_map(|list| config.tree.list(list).into_iter().map(move |e| (list, e.value)))
            .map(|(list, value)| match read_entry(list, value, &distro) {
                Ok(p) => p.text,
                Err(e) => format!("invalid: {e}"),
            })
            .collect();
        let theirs: Vec<&str> = patterns.iter().filter_map(Value::as_str).collect();
        assert_eq!(ours, theirs, "{case}: the patterns unattended-upgrades reads");
    }
}

#[test]
fn the_fixture_hosts_agree_with_unattended_upgrades() {
    tree_agrees(
        "weak (-security commented out)",
        Path::new(&fixture("weak")),
        Status::Fail,
    );
    tree_agrees("hardened (stock Ubuntu)", Path::new(&fixture("hardened")), Status::Pass);
    tree_agrees("mixed (stock Ubuntu)", Path::new(&fixture("mixed")), Status::Pass);
    tree_agrees("Debian 12's stock file", Path::new(&fixture("debian")), Status::Pass);
}

const DEBIAN_12: &str =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_CODENAME=bookworm\nID=debian\n";
const UU: &str = "etc/apt/apt.conf.d/50unattended-upgrades";

#[test]
fn the_seeds_ubuntu_style_entry_installs_nothing_on_debian() {
    let root = tempfile::tempdir().expect("a temporary directory");
    write_tree(
        root.path(),
        &[
            ("etc/os-release", DEBIAN_12),
            (UU, "Unattended-Upgrade::Allowed-Origins {\n\t\"${distro_id}:${distro_codename}\";\n\t\"${distro_id}:${distro_codename}-security\";\n};\n"),
        ],
    );
    tree_agrees("the seed's entry on Debian", root.path(), Status::Fail);
    write_tree(
        root.path(),
        &[("etc/apt/apt.conf.d/52local", "Unattended-Upgrade::Origins-Pattern { \"origin=Debian,codename=${distro_codename}-security,label=Debian-Security\"; };\n")],
    );
    tree_agrees(
        "the seed's entry with Debian's pattern added",
        root.path(),
        Status::Pass,
    );
}

#[test]
fn an_entry_that_stops_unattended_upgrades_fails_the_tree() {
    let root = tempfile::tempdir().expect("a temporary directory");
    write_tree(
        root.path(),
        &[
            ("etc/os-release", DEBIAN_12),
            (
                UU,
                "Unattended-Upgrade::Origins-Pattern {\n\t\"origin=Debian,label=Debian-Security\";\n};\n",
            ),
            (
                "etc/apt/apt.conf.d/52local",
                "Unattended-Upgrade::Allowed-Origins { \"${distro_id}:${distro_codename}:extra\"; };\n",
            ),
        ],
    );
    let distro = distro_of(root.path());
    let outcome = decide(
        &conf::load(&snapshot_of(root.path(), ProbeType::AptConfig)),
        &Ok(distro),
    );
    assert_eq!(outcome.status, Status::Fail, "{}", outcome.summary);
    assert!(
        outcome.summary.starts_with("unattended-upgrades stops at"),
        "{}",
        outcome.summary
    );
    let request = json!({"distro": ["Debian", "bookworm"], "origins": [], "entries": [],
                         "config": root.path().to_str().expect("UTF-8 path")});
    if let Some(answer) = ask(&request) {
        assert!(
            answer["config"]["error"].is_string(),
            "unattended-upgrades stops too: {}",
            answer["config"]
        );
    }
}

#[test]
fn lsb_release_names_the_distribution_as_vouch_does() {
    let cases = [
        DEBIAN_12,
        "NAME=\"Ubuntu\"\nVERSION=\"24.04.1 LTS (Noble Numbat)\"\nID=ubuntu\nID_LIKE=debian\nVERSION_CODENAME=noble\nUBUNTU_CODENAME=noble\n",
        "NAME='Ubuntu'\nID='ubuntu'\nVERSION_CODENAME='jammy'\n",
        "NAME=\"Linux Mint\"\nID=linuxmint\nVERSION_CODENAME=wilma\n",
        "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nNAME=\"Debian GNU/Linux\"\nID=debian\n",
        "NAME=debian\nID=debian\nVERSION_CODENAME=bookworm\n",
    ];
    for text in cases {
        let root = tempfile::tempdir().expect("a temporary directory");
        write_tree(root.path(), &[("etc/os-release", text)]);
        distro_of(root.path());
    }
}

/// Entries drawn from pools of the shapes administrators write and the mistakes they make.
fn seeded_entries(seed: u64, count: usize) -> Vec<(&'static str, String)> {
    const KEYS: &[&str] = &[
        "o",
        "origin",
        "a",
        "suite",
        "archive",
        "n",
        "codename",
        "l",
        "label",
        "c",
        "component",
        "site",
        "Origin",
        "suit",
        " o ",
        "",
    ];
    const VALUES: &[&str] = &[
        "Debian",
        "Ubuntu",
        "${distro_id}",
        "$distro_id",
        "${distro_codename}",
        "${distro_codename}-security",
        "${distro_codename}-updates",
        "stable-security",
        "oldstable-security",
        "Debian-Security",
        "*-security",
        "Deb*",
        "[DU]*",
        "[!U]*",
        "main",
        "non-free*",
        "security.debian.org",
        "security.ubuntu.com",
        "*",
        "?ebian",
        "$$x",
        "${nope}",
        "$",
        "a\\,b",
        "noble-security",
        "bookworm-security",
        "${distro_id}ESM",
        "",
        "x=y",
    ];
    let mut rng = XorShift(seed);
    let mut entries = Vec::new();
    for _ in 0..count {
        if rng.below(3) == 0 {
            let origin = VALUES[rng.below(VALUES.len())];
            let archive = VALUES[rng.below(VALUES.len())];
            let separator = [":", " ", "\\:", ":", "::"][rng.below(5)];
            entries.push(("allowed", format!("{origin}{separator}{archive}")));
        } else {
            let terms: Vec<String> = (0..=rng.below(3))
                .map(|_| format!("{}={}", KEYS[rng.below(KEYS.len())], VALUES[rng.below(VALUES.len())]))
                .collect();
            let joiner = [",", ", ", ","][rng.below(3)];
            entries.push(("pattern", terms.join(joiner)));
        }
    }
    entries
}

#[test]
fn seeded_entries_agree_on_debian_and_ubuntu() {
    let debian = Distro {
        id: "Debian".into(),
        codename: "bookworm".into(),
    };
    let ubuntu = Distro {
        id: "Ubuntu".into(),
        codename: "noble".into(),
    };
    let mut fixed: Vec<(&str, String)> = [
        ("allowed", "${distro_id}:${distro_codename}-security"),
        ("allowed", "${distro_id}ESMApps:${distro_codename}-apps-security"),
        ("allowed", "Debian:oldstable-security"),
        ("allowed", "Debian oldstable-security"),
        ("allowed", "a,b:c,,d"),
        ("allowed", ",x:y"),
        ("allowed", "o\\:x:y"),
        ("allowed", ""),
        (
            "pattern",
            "origin=Debian,codename=${distro_codename},label=Debian-Security",
        ),
        (
            "pattern",
            "origin=Debian,codename=${distro_codename}-security,label=Debian-Security",
        ),
        ("pattern", "o=Debian,a=stable-security"),
        ("pattern", "o=Debian,a=*stable-security"),
        (
            "pattern",
            "origin=Ubuntu,archive=${distro_codename}-security,label=Ubuntu",
        ),
        ("pattern", "site=security.*,c=main"),
        ("pattern", "   "),
        ("pattern", "o=Debian,"),
        ("pattern", "o=${distro_id"),
    ]
    .iter()
    .map(|(k, v)| (*k, v.to_string()))
    .collect();
    entries_agree("fixed entries", &debian, &fixed);
    entries_agree("fixed entries", &ubuntu, &fixed);
    fixed = seeded_entries(0x5eed_0001, 400);
    entries_agree("seeded entries", &debian, &fixed);
    fixed = seeded_entries(0x5eed_0002, 400);
    entries_agree("seeded entries", &ubuntu, &fixed);
}

/// A random pattern of a few tokens: literals, `*`, `?`, and sets (negated with `!`
/// or not, with `^`, `]` first, ranges forward and reversed, hyphens first and
/// last, or left unclosed), over the small alphabet the names are drawn from.
fn random_pattern(rng: &mut XorShift) -> String {
    const CHARS: &[char] = &['a', 'b', 'c', '-', ']', '^', '!', '[', '\\'];
    let mut out = String::new();
    for _ in 0..=rng.below(4) {
        match rng.below(6) {
            0 => out.push('*'),
            1 => out.push('?'),
            2 | 3 => {
                out.push('[');
                if rng.below(3) == 0 {
                    out.push(['!', '^'][rng.below(2)]);
                }
                for _ in 0..=rng.below(3) {
                    out.push(CHARS[rng.below(CHARS.len())]);
                }
                if rng.below(6) != 0 {
                    out.push(']');
                }
            }
            _ => out.push(CHARS[rng.below(CHARS.len())]),
        }
    }
    out
}

#[test]
fn fnmatch_agrees_with_pythons_on_random_patterns() {
    const NAME: &[char] = &['a', 'b', 'c', '-', ']', '^', '!', '[', '\\'];
    let mut rng = XorShift(0xf17e_0001);
    let mut pairs = Vec::new();
    for _ in 0..20_000 {
        let pattern = random_pattern(&mut rng);
        let name: String = (0..rng.below(4)).map(|_| NAME[rng.below(NAME.len())]).collect();
        pairs.push((pattern, name));
    }
    let matching = pairs.iter().filter(|(p, n)| fnmatch(p, n)).count();
    assert!(matching > 1000, "the generator makes matches too ({matching})");
    let request = json!({"distro": ["Debian", "bookworm"], "origins": [], "entries": [], "config": null,
                         "fnmatch": pairs.iter().map(|(p, n)| json!([p, n])).collect::<Vec<_>>()});
    let Some(answer) = ask(&request) else { return };
    let judged = answer["fnmatch"].as_array().expect("fnmatch answers");
    let differences: Vec<String> = pairs
        .iter()
        .zip(judged)
        .filter(|((p, n), theirs)| Some(fnmatch(p, n)) != theirs.as_bool())
        .map(|((p, n), theirs)| format!("fnmatch({n:?}, {p:?}): vouch {}, Python {theirs}", fnmatch(p, n)))
        .collect();
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
