//! The interview controls decide as the spec's verify text says, from the answers
//! an auditor records: the two controls the seed's gaps added
//! (codesec.pipeline-access, backup.disaster-recovery), and the evidence an
//! auditor must see attached (restore tests, drills, access reviews, branch
//! protection) before an answer can pass. Severities an auditor would challenge
//! are held too: MFA on the cloud console and the code host is critical.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
use vouch::checklist::{bundled, load_catalog, AttachmentRule, Catalog};
use vouch::model::answers::{decide, AnswerValue, Given};
use vouch::model::{Severity, Status};

const AS_OF: &str = "2026-11-22T12:00:00Z";

fn catalog() -> Catalog {
    load_catalog(&bundled::texts()).unwrap_or_else(|e| panic!("{e}")).0
}

/// An answer: `yes`, `no`, `never`, a date, or a choice's text; `+` marks a document attached.
fn given(text: &str) -> Given {
    let (text, attached) = match text.strip_suffix('+') {
        Some(text) => (text, true),
        None => (text, false),
    };
    let value = match text {
        "yes" => AnswerValue::Yes,
        "no" => AnswerValue::No,
        "never" => AnswerValue::Never,
        day if NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok() => {
            AnswerValue::Date(NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("a date"))
        }
        choice if choice.starts_with('"') => AnswerValue::Choice(choice.trim_matches('"').to_string()),
        other => AnswerValue::Text(other.to_string()),
    };
    Given { value, attached }
}

/// The status the control's rules decide from `answers` (question id → answer).
fn decided(catalog: &Catalog, control: &str, answers: &[(&str, &str)]) -> Status {
    let control = catalog.control(control).unwrap_or_else(|| panic!("{control}"));
    let asked = control.asked();
    let answers: BTreeMap<String, Given> = answers.iter().map(|(q, a)| (q.to_string(), given(a))).collect();
    for id in answers.keys() {
        assert!(
            control.questions.iter().any(|q| &q.id == id),
            "{} has no question {id}",
            control.id
        );
    }
    let as_of: DateTime<Utc> = AS_OF.parse().expect("as_of");
    decide(&asked, &answers, as_of)
        .map(|(s, _)| s)
        .expect("the control has rules")
}

/// `answers` with the ones in `changes` replaced.
fn with<'a>(answers: &[(&'a str, &'a str)], changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    answers
        .iter()
        .map(|(q, a)| changes.iter().find(|(c, _)| c == q).map_or((*q, *a), |(c, v)| (*c, *v)))
        .collect()
}

#[test]
fn disaster_recovery_passes_only_when_a_recent_rebuild_is_recorded() {
    let catalog = catalog();
    let good = [
        ("objectives", "RTO 4 hours, RPO 24 hours"),
        ("objectives-set", "yes"),
        ("single-points", "yes+"),
        ("rebuild-exercised", "yes"),
        ("last-exercise", "2026-08-14+"),
        ("exercise-result", "\"met both\""),
        ("account-loss", "yes"),
    ];
    let id = "backup.disaster-recovery";
    assert_eq!(decided(&catalog, id, &good), Status::Pass);
    let cases = [
        (
            "exercised 14 months before the audit",
            vec![("last-exercise", "2025-09-01+")],
            Status::Warn,
        ),
        (
            "single points of failure not recorded",
            vec![("single-points", "no")],
            Status::Warn,
        ),
        (
            "never exercised",
            vec![
                ("rebuild-exercised", "no"),
                ("last-exercise", "never"),
                ("exercise-result", "\"never exercised\""),
            ],
            Status::Fail,
        ),
        (
            "the exercise's record not attached",
            vec![("last-exercise", "2026-08-14")],
            Status::NeedsReview,
        ),
        (
            "backups and DNS inside the lost account",
            vec![("account-loss", "no")],
            Status::Warn,
        ),
    ];
    for (story, changes, expected) in cases {
        assert_eq!(decided(&catalog, id, &with(&good, &changes)), expected, "{story}");
    }
}

#[test]
fn pipeline_access_fails_when_anyone_with_write_access_can_ship_unreviewed() {
    let catalog = catalog();
    let good = [
        ("branch-protection", "yes+"),
        ("deploy-gated", "yes"),
        ("who-deploys", "the two founders, through the production environment"),
        (
            "secrets-storage",
            "\"platform encrypted secrets, scoped to the environment that needs them\"",
        ),
        ("secrets-rotated", "yes"),
        ("least-privilege", "yes"),
    ];
    let id = "codesec.pipeline-access";
    assert_eq!(decided(&catalog, id, &good), Status::Pass);
    let cases = [
        (
            "no protection on the deployed branch",
            vec![("branch-protection", "no")],
            Status::Fail,
        ),
        (
            "protection attested but nothing attached",
            vec![("branch-protection", "yes")],
            Status::NeedsReview,
        ),
        (
            "secrets shared across environments",
            vec![(
                "secrets-storage",
                "\"platform encrypted secrets, shared by every environment\"",
            )],
            Status::Warn,
        ),
        ("secrets never rotated", vec![("secrets-rotated", "no")], Status::Warn),
        (
            "secrets in the repository",
            vec![("secrets-storage", "\"in the repository or in plain CI variables\"")],
            Status::Fail,
        ),
    ];
    for (story, changes, expected) in cases {
        assert_eq!(decided(&catalog, id, &with(&good, &changes)), expected, "{story}");
    }
}

#[test]
fn evidence_that_should_exist_must_be_attached() {
    let catalog = catalog();
    let required = [
        ("backup.restore-tested", "record"),
        ("backup.disaster-recovery", "last-exercise"),
        ("incident.drills", "last-drill"),
        ("incident.plan", "exists"),
        ("auth.rbac", "access-list"),
        ("auth.rbac", "last-review"),
        ("auth.rbac", "last-leaver"),
        ("codesec.pipeline-access", "branch-protection"),
        ("compliance.hipaa", "security-official"),
    ];
    for (control, question) in required {
        let control = catalog.control(control).unwrap_or_else(|| panic!("{control}"));
        let q = control.questions.iter().find(|q| q.id == question);
        let q = q.unwrap_or_else(|| panic!("{} has no question {question}", control.id));
        assert_eq!(q.attachment, AttachmentRule::Required, "{} `{question}`", control.id);
    }
}

#[test]
fn mfa_on_the_cloud_console_and_the_code_host_is_critical() {
    let catalog = catalog();
    let mfa = catalog.control("auth.mfa").expect("auth.mfa");
    assert_eq!(mfa.severity, Severity::Critical);
    for topic in [
        "cloud",
        "source",
        "email",
        "registrar",
        "password manager",
        "phishing-resistant",
    ] {
        assert!(
            mfa.questions.iter().any(|q| q.text.to_lowercase().contains(topic)),
            "auth.mfa asks about {topic}"
        );
    }
}
