//! The bundled checklists are the executable form of spec/controls.toml: every
//! control id is there once, in its section, with its title and mode, and nothing
//! else; and they load without a single lint error.

use serde::Deserialize;
use std::collections::BTreeMap;
use vouch::checklist::{bundled, load_catalog, Level};

#[derive(Deserialize)]
struct Spec {
    control: Vec<SpecControl>,
}

#[derive(Deserialize)]
struct SpecControl {
    id: String,
    section: String,
    title: String,
    mode: String,
}

const VENDORED: &str = "tests/fixtures/spec/controls.toml";
const SHARED: &str = "../shared/spec/controls.toml";

fn spec() -> Spec {
    let path = if std::path::Path::new(SHARED).exists() {
        SHARED
    } else {
        VENDORED
    };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The spec beside the checkout is the contract; the vendored copy lets a clone
/// without it still build the catalog tests. In CI the contract is always there, so
/// a missing copy fails instead of passing unchecked.
#[test]
fn the_vendored_spec_copy_is_current() {
    let vendored = std::fs::read_to_string(VENDORED).unwrap_or_else(|e| panic!("{VENDORED}: {e}"));
    match std::fs::read_to_string(SHARED) {
        Ok(shared) => assert!(shared == vendored, "{VENDORED} differs from {SHARED}: copy it again"),
        Err(e) if std::env::var_os("CI").is_some() => panic!("{SHARED}: {e} (CI must have the spec)"),
        Err(e) => eprintln!("SKIPPED: {SHARED}: {e}; the vendored copy is not compared"),
    }
}

#[test]
fn bundled_checklists_load_without_errors() {
    match load_catalog(&bundled::texts()) {
        Ok((_, warnings)) => {
            let unexpected: Vec<String> = warnings
                .iter()
                .filter(|w| w.level == Level::Warning && !w.message.contains("has no evaluator"))
                .map(ToString::to_string)
                .collect();
            assert!(unexpected.is_empty(), "warnings:\n{}", unexpected.join("\n"));
        }
        Err(e) => panic!(
            "bundled checklists have errors:\n{}",
            e.diagnostics
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

#[test]
fn bundled_checklists_carry_exactly_the_spec_catalog() {
    let (catalog, _) = load_catalog(&bundled::texts()).unwrap_or_else(|e| panic!("{e}"));
    let spec = spec();
    let bundled: BTreeMap<&str, _> = catalog.controls.iter().map(|c| (c.id.as_str(), c)).collect();
    assert_eq!(
        bundled.len(),
        catalog.controls.len(),
        "duplicate ids in the bundled checklists"
    );
    for want in &spec.control {
        let Some(have) = bundled.get(want.id.as_str()) else {
            panic!("{} is missing from checklists/", want.id)
        };
        assert_eq!(have.section, want.section, "{}: section", want.id);
        assert_eq!(have.title, want.title, "{}: title", want.id);
        assert_eq!(have.mode.as_str(), want.mode, "{}: mode", want.id);
    }
    let known: Vec<&str> = spec.control.iter().map(|c| c.id.as_str()).collect();
    let extra: Vec<&&str> = bundled.keys().filter(|id| !known.contains(id)).collect();
    assert!(extra.is_empty(), "controls not in the spec: {extra:?}");
}

#[test]
fn every_host_control_has_an_evaluator() {
    let (catalog, _) = load_catalog(&bundled::texts()).unwrap_or_else(|e| panic!("{e}"));
    let host_sections = ["ssh", "firewall", "patching"];
    let host_controls = [
        "auth.sudo",
        "monitoring.metrics",
        "backup.schedule",
        "logging.centralized",
    ];
    for control in &catalog.controls {
        let is_host = host_sections.contains(&control.section.as_str()) || host_controls.contains(&control.id.as_str());
        if is_host && control.mode != vouch::model::Mode::Manual {
            assert!(control.evaluator.is_some(), "{} has no evaluator", control.id);
            assert!(!control.probes.is_empty(), "{} declares no probe", control.id);
        }
    }
}

#[test]
fn manual_and_hybrid_controls_have_interview_questions() {
    let (catalog, _) = load_catalog(&bundled::texts()).unwrap_or_else(|e| panic!("{e}"));
    for control in &catalog.controls {
        if control.mode != vouch::model::Mode::Auto {
            assert!(!control.questions.is_empty(), "{} has no question", control.id);
        }
        assert!(
            !control.rationale.trim().is_empty() && !control.remediation.trim().is_empty(),
            "{}",
            control.id
        );
        assert!(!control.references.is_empty(), "{} cites no reference", control.id);
    }
}

#[test]
fn bundled_controls_come_in_the_catalog_order() {
    let (catalog, _) = load_catalog(&bundled::texts()).unwrap_or_else(|e| panic!("{e}"));
    let bundled: Vec<&str> = catalog.controls.iter().map(|c| c.id.as_str()).collect();
    let spec = spec();
    let wanted: Vec<&str> = spec.control.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        bundled, wanted,
        "reports list controls in the order of spec/controls.toml"
    );
}

#[test]
fn every_manual_control_is_decided_by_answer_rules() {
    let (catalog, _) = load_catalog(&bundled::texts()).unwrap_or_else(|e| panic!("{e}"));
    for control in catalog.controls.iter().filter(|c| c.mode == vouch::model::Mode::Manual) {
        let ruled = control
            .questions
            .iter()
            .any(|q| !q.rule.decides.is_empty() || q.rule.stale_after_months.is_some());
        assert!(ruled, "{} has no question whose answers decide its status", control.id);
    }
    let scope = catalog.control("compliance.scope").expect("compliance.scope");
    let excluded: Vec<&String> = scope
        .questions
        .iter()
        .flat_map(|q| q.rule.excludes.values().flatten())
        .collect();
    for law in ["compliance.gdpr", "compliance.hipaa", "compliance.ccpa"] {
        assert!(
            excluded.iter().any(|id| id.as_str() == law),
            "compliance.scope can rule out {law}"
        );
        assert!(catalog.control(law).is_some(), "{law} exists");
    }
}

/// Every answer an interview question can get decides something: a yes/no question
/// rules both answers, a choice every choice, a date question how old is too old
/// and what `never` means. Only free text informs without deciding. An answer a
/// rule forgot would pass a control by silence.
#[test]
fn answer_rules_cover_every_answer() {
    use vouch::checklist::AnswerKind;
    let (catalog, _) = load_catalog(&bundled::texts()).unwrap_or_else(|e| panic!("{e}"));
    let mut gaps = Vec::new();
    for control in catalog.controls.iter().filter(|c| c.mode != vouch::model::Mode::Auto) {
        for q in &control.questions {
            let decides = |key: &str| q.rule.decides.contains_key(key);
            let missing: Vec<String> = match q.answer {
                AnswerKind::YesNo => ["yes", "no"]
                    .iter()
                    .filter(|k| !decides(k))
                    .map(|k| k.to_string())
                    .collect(),
                AnswerKind::Choice => q.choices.iter().filter(|c| !decides(c)).cloned().collect(),
                AnswerKind::Date => {
                    let mut missing = Vec::new();
                    if q.rule.stale_after_months.is_none() {
                        missing.push("a date (stale_after_months)".to_string());
                    }
                    if !decides("never") {
                        missing.push("never".to_string());
                    }
                    missing
                }
                AnswerKind::Text => Vec::new(),
            };
            if !missing.is_empty() {
                gaps.push(format!("{} `{}`: no rule for {}", control.id, q.id, missing.join(", ")));
            }
        }
        let ruled = control
            .questions
            .iter()
            .any(|q| !q.rule.decides.is_empty() || q.rule.stale_after_months.is_some());
        if !ruled {
            gaps.push(format!("{}: no question decides its status", control.id));
        }
    }
    assert!(
        gaps.is_empty(),
        "{} answers decide nothing:\n{}",
        gaps.len(),
        gaps.join("\n")
    );
}
