//! A results document is data, not only a report: what `vouch scan --format json`
//! writes reads back into the results model unchanged, so a session, a bundle or a
//! re-audit can load it without the UI, and two scans of the same files say the
//! same thing byte for byte.

mod common;

use common::{fixture, vouch, AS_OF};
use vouch::results::ScanResults;

fn scan_json(host: &str, extra: &[&str]) -> String {
    let out = vouch()
        .args(["scan", "--format", "json", "--as-of", AS_OF, "--root", &fixture(host)])
        .args(extra)
        .output()
        .expect("vouch runs");
    String::from_utf8(out.stdout).expect("JSON is UTF-8")
}

#[test]
fn a_results_document_reads_back_as_it_was_written() {
    for host in ["weak", "hardened", "mixed", "nft"] {
        let written = scan_json(host, &[]);
        let results: ScanResults = serde_json::from_str(&written).unwrap_or_else(|e| panic!("{host}: {e}"));
        let again = serde_json::to_string_pretty(&results).expect("serializes") + "\n";
        assert_eq!(
            again, written,
            "{host}: the document survives a round trip byte for byte"
        );
        let reread: ScanResults = serde_json::from_str(&again).expect("reads back");
        assert_eq!(reread, results, "{host}: equal after a second round trip");
        assert!(!results.sections.is_empty(), "section titles travel in the results");
    }
}

#[test]
fn evidence_ids_are_the_same_on_every_scan_of_the_same_files() {
    let first = scan_json("mixed", &[]);
    let second = scan_json("mixed", &[]);
    let ids = |doc: &str| -> Vec<String> {
        let results: ScanResults = serde_json::from_str(doc).expect("results");
        results.hosts[0].evidence.iter().map(|e| e.id().to_string()).collect()
    };
    assert_eq!(ids(&first), ids(&second));
    let mut unique = ids(&first);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids(&first).len(), "no two items share an id");
}

#[test]
fn with_a_fixed_clock_two_scans_are_byte_identical() {
    let run = || {
        let out = vouch()
            .args(["scan", "--format", "json", "--root", &fixture("mixed")])
            .env("SOURCE_DATE_EPOCH", "1790000000")
            .output()
            .expect("vouch runs");
        out.stdout
    };
    assert_eq!(run(), run());
}
