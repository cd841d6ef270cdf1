//! OpenSSL is the judge of what a certificate says: for every certificate of the
//! fixtures (leaves and the chain after them), `openssl x509` gives the subject,
//! issuer, validity, SANs and SHA-256 fingerprint that vouch's reading must give.

mod common;

use chrono::{DateTime, NaiveDateTime, Utc};
use common::differential::{require_program, self_signed_certificate};
use std::path::Path;
use std::process::{Command, Stdio};
use vouch::parse::tls::certificate::{parse_pem, Certificate};

/// `openssl x509`'s facts of one PEM certificate.
fn judged(openssl: &Path, pem: &str) -> Vec<(String, String)> {
    let mut child = Command::new(openssl)
        .env("OPENSSL_CONF", "/dev/null")
        .args([
            "x509",
            "-noout",
            "-subject",
            "-issuer",
            "-startdate",
            "-enddate",
            "-fingerprint",
            "-sha256",
            "-ext",
            "subjectAltName",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("openssl runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(pem.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("openssl ends");
    assert!(out.status.success(), "openssl x509 refused the certificate");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut facts = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((key, value)) = line
            .split_once('=')
            .filter(|(k, _)| !k.contains(' ') || k.ends_with("Fingerprint"))
        {
            facts.push((key.trim().to_string(), value.trim().to_string()));
        } else if line.contains("Subject Alternative Name") {
            facts.push(("san".to_string(), lines.next().unwrap_or_default().trim().to_string()));
        }
    }
    facts
}

fn openssl_date(text: &str) -> DateTime<Utc> {
    let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    NaiveDateTime::parse_from_str(&squeezed, "%b %d %H:%M:%S %Y GMT")
        .unwrap_or_else(|e| panic!("openssl's date {text}: {e}"))
        .and_utc()
}

/// `C = US, O = Let's Encrypt, CN = R11` as x509-parser writes it: `C=US, O=Let's Encrypt, CN=R11`.
fn name(text: &str) -> String {
    text.replace(" = ", "=")
}

fn agree(openssl: &Path, pem: &str, ours: &Certificate) {
    for (key, value) in judged(openssl, pem) {
        match key.as_str() {
            "subject" => assert_eq!(ours.subject, name(&value)),
            "issuer" => assert_eq!(ours.issuer, name(&value)),
            "notBefore" => assert_eq!(ours.not_before, openssl_date(&value)),
            "notAfter" => assert_eq!(ours.not_after, openssl_date(&value)),
            "sha256 Fingerprint" => assert_eq!(ours.sha256, value.to_ascii_lowercase()),
            "san" => {
                let theirs: Vec<String> = value
                    .split(", ")
                    .filter_map(|v| v.strip_prefix("DNS:"))
                    .map(str::to_string)
                    .collect();
                assert_eq!(ours.dns_names, theirs);
            }
            _ => {}
        }
    }
}

/// The PEM blocks of a file, in order.
fn blocks(text: &str) -> Vec<String> {
    text.split_inclusive("-----END CERTIFICATE-----\n")
        .filter(|b| b.contains("-----BEGIN CERTIFICATE-----"))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_fixture_certificate_reads_as_openssl_reads_it() {
    let Some(openssl) = require_program("openssl", &[], "openssl") else {
        return;
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/web/certs");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("the fixture certificates") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "crt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let ours = parse_pem(text.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let pems = blocks(&text);
        assert_eq!(
            ours.len(),
            pems.len(),
            "{}: every certificate of the chain",
            path.display()
        );
        for (cert, pem) in ours.iter().zip(&pems) {
            agree(&openssl, pem, cert);
            checked += 1;
        }
    }
    assert!(checked >= 10, "the leaves and their chains were all checked");
}

#[test]
fn a_self_signed_certificate_with_only_a_common_name_reads_as_openssl_reads_it() {
    let Some(openssl) = require_program("openssl", &[], "openssl") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    self_signed_certificate(
        &openssl,
        "/O=Acme, Inc./CN=legacy.example.com",
        &dir.path().join("c.pem"),
        &dir.path().join("k.pem"),
    );
    let text = std::fs::read_to_string(dir.path().join("c.pem")).expect("read");
    let ours = parse_pem(text.as_bytes()).expect("a certificate");
    agree(&openssl, &text, &ours[0]);
    assert!(ours[0].dns_names.is_empty());
    assert!(ours[0].covers("legacy.example.com"), "the common name, with no SANs");
    assert!(ours[0].is_self_issued());
}
