//! Property tests: no input makes the checklist loader, the glob matcher, the
//! redactor, or the nginx and Caddyfile readers panic. Hostile files are what an
//! auditor's tool meets.

use proptest::prelude::*;
use vouch::checklist::{load_catalog, ChecklistText};
use vouch::evidence::glob::component_matches;
use vouch::evidence::redact::redact;
use vouch::evidence::Snapshot;
use vouch::parse::{caddy, nginx};

/// Read `text` as nginx.conf and as the Caddyfile, and everything after.
fn read_web_configs(text: &str) {
    let source = Snapshot::new()
        .with_file(nginx::MAIN, text)
        .with_file(caddy::MAIN, text)
        .with_file("/etc/nginx/x.conf", text)
        .with_file("/etc/caddy/x", text);
    if let Ok(config) = nginx::load(&source, nginx::MAIN) {
        let servers = nginx::servers::servers(&config.directives);
        let refs: Vec<_> = servers.iter().collect();
        let _ = nginx::servers::tls_sockets(&refs);
    }
    if let Ok(file) = caddy::load(&source, caddy::MAIN) {
        let _ = caddy::sites::sites(&file);
    }
}

const GOOD: &str = include_str!("fixtures/checklists/good.toml");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn checklist_loader_never_panics_on_any_text(text in "\\PC{0,400}") {
        let _ = load_catalog(&[ChecklistText { origin: "x.toml".into(), text }]);
    }

    #[test]
    fn checklist_loader_never_panics_on_a_damaged_checklist(cut in 0usize..2000, insert in "[\\[\\]{}=\"'#\\n a-z0-9.]{0,12}") {
        let mut text = GOOD.to_string();
        let at = cut.min(text.len());
        let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        text.insert_str(at, &insert);
        let _ = load_catalog(&[ChecklistText { origin: "x.toml".into(), text }]);
    }

    #[test]
    fn glob_matching_never_panics(pattern in "[\\[\\]!^*?a-c.\\\\-]{0,12}", name in "[a-c.\\[\\]-]{0,12}") {
        let _ = component_matches(&pattern, &name);
    }

    #[test]
    fn web_server_configurations_never_panic(text in "[a-z0-9 {};\"'\\$()#:/.*\n\t\\[\\]@,-]{0,400}") {
        read_web_configs(&text);
    }

    #[test]
    fn web_server_configurations_with_their_keywords_never_panic(words in proptest::collection::vec(
        prop_oneof![
            Just("http"), Just("server"), Just("location"), Just("listen"), Just("443"), Just("ssl"),
            Just("include"), Just("x.conf"), Just("import"), Just("x"), Just("{"), Just("}"), Just(";"),
            Just("\n"), Just("(snip)"), Just("reverse_proxy"), Just("header"), Just("tls"), Just("\""),
            Just("if"), Just("($host"), Just("="), Just(")"), Just("return"), Just("301"), Just("{$V}"),
        ], 0..80)) {
        read_web_configs(&words.join(" "));
    }

    #[test]
    fn redaction_never_panics_and_never_grows_a_secret_back(text in "\\PC{0,300}") {
        let once = redact(&text);
        let twice = redact(&once.text);
        prop_assert_eq!(twice.count, 0, "redacting redacted text finds nothing new: {}", once.text);
    }
}

#[test]
fn web_server_configurations_over_1_mib_are_refused_unread() {
    let big = "#".repeat(1024 * 1024 + 1);
    let source = Snapshot::new()
        .with_file(nginx::MAIN, &big)
        .with_file(caddy::MAIN, &big);
    let nginx_error = nginx::load(&source, nginx::MAIN).unwrap_err().to_string();
    assert!(nginx_error.contains("over the 1.0 MiB read cap"), "{nginx_error}");
    let caddy_error = caddy::load(&source, caddy::MAIN).unwrap_err().to_string();
    assert!(caddy_error.contains("over the 1.0 MiB read cap"), "{caddy_error}");
}
