//! OpenSSL is the judge of what a cipher string enables: for the strings of the
//! fixtures, Mozilla's and certbot's recommended lists, strings seen in the field
//! and seeded random ones, `OPENSSL_CONF=/dev/null openssl ciphers -v STRING`
//! must list the same TLS 1.2 suites as vouch's expansion (in the same order
//! among suites that encrypt), and refuse the same strings for the same reason.
//! The table vouch expands over must be the one OpenSSL lists.

mod common;

use common::differential::{require_program, XorShift};
use std::path::Path;
use std::process::Command;
use vouch::parse::tls::ciphers::{expand, CipherError, NGINX_DEFAULT};
use vouch::parse::tls::suites::{Enc, SUITES};

/// What OpenSSL says of `rules`: the TLS 1.2-and-older lines of `ciphers -v`, or its reason.
fn openssl(openssl: &Path, rules: &str) -> Result<Vec<(String, String)>, String> {
    let out = Command::new(openssl)
        .env("OPENSSL_CONF", "/dev/null")
        .args(["ciphers", "-v", "--", rules])
        .output()
        .expect("openssl runs");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            (fields.len() == 6 && fields[1] != "TLSv1.3").then(|| (fields[0].to_string(), fields[1..].join(" ")))
        })
        .collect())
}

fn reason(error: &CipherError) -> &'static str {
    match error {
        CipherError::InvalidCommand { .. } => "invalid command",
        CipherError::NoMatch => "no cipher match",
        CipherError::TooLong => "too long",
    }
}

/// Compare vouch with OpenSSL on one string; a description of the difference, if any.
fn differ(judge: &Path, rules: &str) -> Option<String> {
    let theirs = openssl(judge, rules);
    let ours = expand(rules);
    match (&ours, &theirs) {
        (Err(e), Err(said)) if said.contains(reason(e)) => None,
        (Ok(suites), Ok(lines)) => {
            // Exact order within the suites that encrypt and within those that do not.
            let group = |null: bool| -> (Vec<&str>, Vec<&str>) {
                let mine = suites
                    .iter()
                    .filter(|s| (s.enc == Enc::Null) == null)
                    .map(|s| s.name)
                    .collect();
                let real = lines
                    .iter()
                    .filter(|(_, d)| d.contains("Enc=None") == null)
                    .map(|(n, _)| n.as_str())
                    .collect();
                (mine, real)
            };
            let (a, b) = group(false);
            let (c, d) = group(true);
            (a != b || c != d).then(|| format!("{rules:?}: vouch {a:?} {c:?}\nopenssl {b:?} {d:?}"))
        }
        _ => Some(format!(
            "{rules:?}: vouch {:?}, openssl {theirs:?}",
            ours.map(|s| s.len())
        )),
    }
}

fn judge() -> Option<std::path::PathBuf> {
    require_program("openssl", &[], "openssl")
}

#[test]
fn the_suite_table_is_the_one_openssl_knows() {
    let Some(judge) = judge() else { return };
    let listed = openssl(&judge, "ALL:COMPLEMENTOFALL").expect("openssl lists every suite");
    let ours: Vec<(String, String)> = SUITES
        .iter()
        .map(|s| (s.name.to_string(), format!("{} {}", s.version.label(), s.describe())))
        .collect();
    let normalise = |rows: &[(String, String)]| -> Vec<(String, String)> {
        rows.iter()
            .map(|(n, d)| (n.clone(), d.split_whitespace().collect::<Vec<_>>().join(" ")))
            .collect()
    };
    assert_eq!(normalise(&ours), normalise(&listed));
}

#[test]
fn recommended_and_field_cipher_strings_expand_as_openssl_expands_them() {
    let Some(judge) = judge() else { return };
    let strings = [
        NGINX_DEFAULT,
        // Mozilla intermediate and old (v5.7).
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305",
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA",
        // certbot's options-ssl-nginx.conf.
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384",
        // Strings from old tutorials and stock configurations.
        "EECDH+AESGCM:EDH+AESGCM",
        "HIGH:!aNULL:!MD5:!RC4",
        "ALL:!ADH:!EXPORT:!SSLv2:RC4+RSA:+HIGH:+MEDIUM:+LOW",
        "EECDH+CHACHA20:EECDH+AES128:RSA+AES128:EECDH+AES256:RSA+AES256:EECDH+3DES:RSA+3DES:!MD5",
        "DEFAULT:!EXPORT",
        "DEFAULT",
        "DEFAULTS",
        "HIGH:MEDIUM:!aNULL:!MD5:@STRENGTH",
        "kEECDH+ECDSA+AES128:kEECDH+ECDSA+AES256:kEECDH+AES128:kEECDH+AES256:kEDH+AES128:kEDH+AES256:DES-CBC3-SHA:+SHA:!aNULL:!eNULL:!LOW:!kECDH:!DSS:!MD5:!RC4:!EXP:!PSK:!SRP:!CAMELLIA:!SEED",
        "ALL:COMPLEMENTOFALL:+aNULL:+eNULL:-SHA:SHA256+kRSA",
        "AES128-SHA+TLSv1.2",
        "TLSv1.2+HIGH:SSLv3+AESGCM",
        "AES128-SHA+DTLSv1",
        "HIGH+FIPS:ALL+FIPS",
        "COMPLEMENTOFDEFAULT:@SECLEVEL=3",
        "SUITEB128",
        "ECDHE-RSA-AES128-GCM-SHA256+HIGH",
        "CBC:!CAMELLIA",
        "HIGH:!!aNULL",
        "HIGH+:MEDIUM",
        "HIGH:@FOO",
        "HIGH:_",
        "HIGH:a_b",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    ];
    let failures: Vec<String> = strings.iter().filter_map(|s| differ(&judge, s)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Seeded random strings over OpenSSL's keywords, suite names, operators and stray characters.
#[test]
fn random_cipher_strings_expand_as_openssl_expands_them() {
    let Some(judge) = judge() else { return };
    const WORDS: &[&str] = &[
        "ALL",
        "COMPLEMENTOFALL",
        "COMPLEMENTOFDEFAULT",
        "DEFAULT",
        "HIGH",
        "MEDIUM",
        "LOW",
        "FIPS",
        "kRSA",
        "kDHE",
        "kEDH",
        "DH",
        "kECDHE",
        "kEECDH",
        "ECDH",
        "kPSK",
        "kRSAPSK",
        "kECDHEPSK",
        "kDHEPSK",
        "kSRP",
        "aRSA",
        "aDSS",
        "DSS",
        "aNULL",
        "aECDSA",
        "ECDSA",
        "aPSK",
        "aSRP",
        "EDH",
        "DHE",
        "EECDH",
        "ECDHE",
        "NULL",
        "eNULL",
        "RSA",
        "ADH",
        "AECDH",
        "PSK",
        "SRP",
        "3DES",
        "RC4",
        "SEED",
        "IDEA",
        "AES128",
        "AES256",
        "AES",
        "AESGCM",
        "AESCCM",
        "AESCCM8",
        "CAMELLIA",
        "CAMELLIA128",
        "CAMELLIA256",
        "CHACHA20",
        "ARIA",
        "ARIAGCM",
        "ARIA128",
        "ARIA256",
        "CBC",
        "MD5",
        "SHA1",
        "SHA",
        "SHA256",
        "SHA384",
        "SSLv3",
        "TLSv1",
        "TLSv1.0",
        "TLSv1.2",
        "EXP",
        "EXPORT",
        "GOST",
        "AES128-SHA",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "NULL-MD5",
        "ADH-AES128-SHA",
        "PSK-AES128-CBC-SHA",
        "DHE-DSS-AES256-SHA",
        "SRP-AES-128-CBC-SHA",
        "ECDHE-PSK-NULL-SHA",
        "high",
        "@STRENGTH",
        "@SECLEVEL=2",
    ];
    const OPS: &[&str] = &["", "", "", "!", "-", "+"];
    const SEPS: &[&str] = &[":", ":", ":", " ", ",", ";", "+", "::"];
    let mut rng = XorShift(0x5eed_c1a4_e2b0_0001);
    let mut failures = Vec::new();
    for _ in 0..400 {
        let terms = 1 + rng.below(6);
        let mut rules = String::new();
        for t in 0..terms {
            if t > 0 {
                rules.push_str(SEPS[rng.below(SEPS.len())]);
            }
            let word = WORDS[rng.below(WORDS.len())];
            if !word.starts_with('@') {
                rules.push_str(OPS[rng.below(OPS.len())]);
            }
            rules.push_str(word);
            if rng.below(40) == 0 {
                rules.push(['*', '_', '!', '/'][rng.below(4)]);
            }
        }
        failures.extend(differ(&judge, &rules));
    }
    assert!(
        failures.is_empty(),
        "{} of 400 differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
