//! Property tests: no input makes the checklist loader, the glob matcher or the
//! redactor panic. Hostile files are what an auditor's tool meets.

use proptest::prelude::*;
use vouch::checklist::{load_catalog, ChecklistText};
use vouch::evidence::glob::component_matches;
use vouch::evidence::redact::redact;

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
    fn redaction_never_panics_and_never_grows_a_secret_back(text in "\\PC{0,300}") {
        let once = redact(&text);
        let twice = redact(&once.text);
        prop_assert_eq!(twice.count, 0, "redacting redacted text finds nothing new: {}", once.text);
    }
}
