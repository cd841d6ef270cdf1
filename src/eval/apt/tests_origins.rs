//! patching.security-origin's cases: stock Ubuntu and Debian files, the seed's
//! Ubuntu-style entry on Debian, suites, labels, wildcards, entries
//! unattended-upgrades stops at, and distributions it cannot judge.

use super::origins::*;
use crate::eval::apt::common::testing::{host, run};
use crate::model::Status;
use crate::model::{Location, Outcome};

const UU: &str = "/etc/apt/apt.conf.d/50unattended-upgrades";
const NOBLE: (&str, &str) = (
    "/etc/os-release",
    "NAME=\"Ubuntu\"\nID=ubuntu\nVERSION_CODENAME=noble\n",
);
const BOOKWORM: (&str, &str) = (
    "/etc/os-release",
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_CODENAME=bookworm\nID=debian\n",
);
const UBUNTU: &str = "Unattended-Upgrade::Allowed-Origins {\n\t\"${distro_id}:${distro_codename}\";\n\
                      \t\"${distro_id}:${distro_codename}-security\";\n//\t\"${distro_id}:${distro_codename}-updates\";\n};\n";
const COMMENTED: &str = "Unattended-Upgrade::Allowed-Origins {\n\t\"${distro_id}:${distro_codename}\";\n\
                         //\t\"${distro_id}:${distro_codename}-security\";\n\t\"${distro_id}ESM:${distro_codename}\";\n};\n";
/// Debian 12's stock file: the middle entry (n=bookworm,l=Debian-Security) is
/// buster's layout and matches nothing since bullseye; the last one matches.
const DEBIAN: &str = "Unattended-Upgrade::Origins-Pattern {\n\
                      //      \"origin=Debian,codename=${distro_codename}-updates\";\n\
                      \"origin=Debian,codename=${distro_codename},label=Debian\";\n\
                      \"origin=Debian,codename=${distro_codename},label=Debian-Security\";\n\
                      \"origin=Debian,codename=${distro_codename}-security,label=Debian-Security\";\n};\n";

fn outcome(files: &[(&str, &str)]) -> Outcome {
    run(evaluate, &host(files))
}

/// name, files (path, text), expected status
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Status);

macro_rules! pattern {
    ($value:literal) => {
        concat!("Unattended-Upgrade::Origins-Pattern { \"", $value, "\"; };\n")
    };
}

#[test]
fn table() {
    let local = "/etc/apt/apt.conf.d/52unattended-upgrades-local";
    let ubuntu_style = "Unattended-Upgrade::Allowed-Origins { \"${distro_id}:${distro_codename}-security\"; };\n";
    let cases: Vec<Case> = vec![
        ("stock Ubuntu", vec![NOBLE, (UU, UBUNTU)], Status::Pass),
        ("commented-out -security", vec![NOBLE, (UU, COMMENTED)], Status::Fail),
        ("stock Debian 12", vec![BOOKWORM, (UU, DEBIAN)], Status::Pass),
        ("Ubuntu-style entry on Debian", vec![BOOKWORM, (UU, ubuntu_style)], Status::Fail),
        ("Debian's buster-era pattern alone", vec![BOOKWORM, (UU, pattern!("origin=Debian,codename=${distro_codename},label=Debian-Security"))], Status::Fail),
        ("Debian o=,a=oldstable-security", vec![BOOKWORM, (UU, "Unattended-Upgrade::Allowed-Origins { \"Debian:oldstable-security\"; };\n")], Status::Pass),
        ("label alone", vec![BOOKWORM, (UU, pattern!("o=Debian,l=Debian-Security"))], Status::Pass),
        ("wildcards", vec![BOOKWORM, (UU, pattern!("o=Deb*,n=*-security"))], Status::Pass),
        ("a term that does not match", vec![BOOKWORM, (UU, pattern!("o=Debian,l=Debian-Security,c=contrib"))], Status::Fail),
        ("Debian's pattern on Ubuntu", vec![NOBLE, (UU, DEBIAN)], Status::Fail),
        ("Ubuntu a=noble-security", vec![NOBLE, (UU, pattern!("origin=Ubuntu,archive=${distro_codename}-security"))], Status::Pass),
        ("an unknown key stops unattended-upgrades", vec![NOBLE, (UU, UBUNTU), (local, pattern!("o=Ubuntu,suit=noble-updates"))], Status::Fail),
        ("an unknown ${name} stops it", vec![NOBLE, (UU, UBUNTU), (local, pattern!("o=${distro}"))], Status::Fail),
        ("`::` list entry", vec![NOBLE, (UU, COMMENTED), (local, "Unattended-Upgrade::Allowed-Origins:: \"Ubuntu:noble-security\";\n")], Status::Pass),
        ("lists append across files", vec![NOBLE, (UU, COMMENTED), (local, ubuntu_style)], Status::Pass),
        ("#clear drops earlier entries", vec![NOBLE, (UU, UBUNTU), (local, "#clear Unattended-Upgrade::Allowed-Origins;\nUnattended-Upgrade::Allowed-Origins { \"${distro_id}:${distro_codename}-updates\"; };\n")], Status::Fail),
        ("#clear then re-add", vec![NOBLE, (UU, COMMENTED), (local, "#clear Unattended-Upgrade::Allowed-Origins;\nUnattended-Upgrade::Allowed-Origins { \"Ubuntu:noble-security\"; };\n")], Status::Pass),
        ("/* */ around the entry", vec![NOBLE, (UU, "Unattended-Upgrade::Allowed-Origins {\n/*\n\"${distro_id}:${distro_codename}-security\";\n*/\n};\n")], Status::Fail),
        ("# comment", vec![NOBLE, (UU, "Unattended-Upgrade::Allowed-Origins {\n# \"${distro_id}:${distro_codename}-security\";\n};\n")], Status::Fail),
        ("no configuration", vec![NOBLE], Status::Fail),
        ("dpkg-dist copy is not read", vec![NOBLE, (UU, COMMENTED), ("/etc/apt/apt.conf.d/50unattended-upgrades.dpkg-dist", UBUNTU)], Status::Fail),
        ("no os-release", vec![(UU, UBUNTU)], Status::NeedsReview),
        ("another distribution", vec![("/etc/os-release", "ID=fedora\nVERSION_CODENAME=\n"), (UU, UBUNTU)], Status::NeedsReview),
        ("Debian without a codename (sid)", vec![("/usr/lib/os-release", "ID=debian\n"), (UU, DEBIAN)], Status::NeedsReview),
        ("os-release from /usr/lib", vec![("/usr/lib/os-release", "ID=ubuntu\nVERSION_CODENAME=noble\n"), (UU, UBUNTU)], Status::Pass),
    ];
    for (name, files, expected) in cases {
        let result = outcome(&files);
        assert_eq!(result.status, expected, "{name}: {}", result.summary);
    }
}

#[test]
fn the_ubuntu_style_entry_on_debian_is_named_with_what_it_becomes() {
    let result = outcome(&[
        BOOKWORM,
        (
            UU,
            "Unattended-Upgrade::Allowed-Origins {\n\t\"${distro_id}:${distro_codename}-security\";\n};\n",
        ),
    ]);
    assert_eq!(
        result.summary,
        "No security updates are applied automatically: none of the 1 Unattended-Upgrade::Allowed-Origins / \
         Unattended-Upgrade::Origins-Pattern entries matches Debian's security archive; \
         \"${distro_id}:${distro_codename}-security\" (/etc/apt/apt.conf.d/50unattended-upgrades:2) reads as \
         \"o=Debian,a=bookworm-security\" on Debian bookworm, which matches nothing"
    );
}

#[test]
fn a_commented_out_origin_is_named_in_the_summary() {
    let result = outcome(&[NOBLE, (UU, COMMENTED)]);
    assert!(
        result
            .summary
            .ends_with("\"${distro_id}:${distro_codename}-security\" is commented out at /etc/apt/apt.conf.d/50unattended-upgrades:3"),
        "{}",
        result.summary
    );
    assert!(result
        .findings
        .iter()
        .any(|f| f.location == Some(Location::line(UU, 3))));
}

#[test]
fn a_pass_names_the_entry_and_where() {
    let result = outcome(&[NOBLE, (UU, UBUNTU)]);
    assert_eq!(
        result.summary,
        "Security updates are applied automatically: Unattended-Upgrade::Allowed-Origins \
         \"${distro_id}:${distro_codename}-security\" (/etc/apt/apt.conf.d/50unattended-upgrades:3) matches Ubuntu's security archive"
    );
}

#[test]
fn a_suite_name_is_told_to_move_with_the_release() {
    let result = outcome(&[BOOKWORM, (UU, pattern!("o=Debian,a=oldstable-security"))]);
    assert_eq!(result.status, Status::Pass);
    assert!(
        result
            .findings
            .iter()
            .any(|f| f.message.contains("while bookworm is Debian's oldstable release")),
        "{:?}",
        result.findings
    );
}

#[test]
fn an_entry_that_stops_unattended_upgrades_fails_with_its_reason() {
    let result = outcome(&[
        NOBLE,
        (UU, UBUNTU),
        ("/etc/apt/apt.conf.d/60x", pattern!("origin=Ubuntu,suite")),
    ]);
    assert_eq!(
        result.summary,
        "unattended-upgrades stops at Unattended-Upgrade::Origins-Pattern \"origin=Ubuntu,suite\" (/etc/apt/apt.conf.d/60x:1): \
         the term \"suite\" is not one name=value pair; it installs no update at all"
    );
}

#[test]
fn a_match_by_site_says_the_site_is_assumed() {
    let result = outcome(&[BOOKWORM, (UU, pattern!("o=Debian,site=security.debian.org"))]);
    assert_eq!(result.status, Status::Pass);
    assert!(
        result
            .findings
            .iter()
            .any(|f| f.message.contains("site= judged against security.debian.org")),
        "{:?}",
        result.findings
    );
}
