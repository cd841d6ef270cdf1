//! incident.plan as an auditor answers it: a plan exists (yes passes, no fails),
//! its last review (older than 12 months warns, never fails), the plan attached
//! before it can pass; and compliance.scope ruling out HIPAA.

use super::*;

fn at(day: &str) -> DateTime<Utc> {
    format!("{day}T12:00:00Z").parse().unwrap()
}

fn rules() -> (AnswerRule, AnswerRule) {
    let exists = AnswerRule {
        decides: [("yes".to_string(), Status::Pass), ("no".to_string(), Status::Fail)].into(),
        attachment_required: true,
        ..AnswerRule::default()
    };
    let reviewed = AnswerRule {
        decides: [("never".to_string(), Status::Fail)].into(),
        stale_after_months: Some(12),
        ..AnswerRule::default()
    };
    (exists, reviewed)
}

fn given(value: AnswerValue, attached: bool) -> Given {
    Given { value, attached }
}

fn day(text: &str) -> AnswerValue {
    AnswerValue::Date(text.parse().unwrap())
}

#[test]
fn the_incident_plan_is_decided_by_its_answers() {
    let (exists, reviewed) = rules();
    let questions = [
        Asked {
            id: "exists",
            rule: &exists,
        },
        Asked {
            id: "last-review",
            rule: &reviewed,
        },
    ];
    let as_of = at("2026-12-05");
    let answers = |pairs: Vec<(&str, Given)>| -> BTreeMap<String, Given> {
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    };
    let case = |pairs| decide(&questions, &answers(pairs), as_of).map(|(s, _)| s);

    assert_eq!(case(vec![]), Some(Status::NeedsReview), "nothing answered yet");
    assert_eq!(
        case(vec![("exists", given(AnswerValue::Yes, true))]),
        Some(Status::NeedsReview),
        "one question still open"
    );
    assert_eq!(
        case(vec![
            ("exists", given(AnswerValue::Yes, true)),
            ("last-review", given(day("2026-05-01"), false))
        ]),
        Some(Status::Pass)
    );
    assert_eq!(
        case(vec![
            ("exists", given(AnswerValue::Yes, true)),
            ("last-review", given(day("2025-11-30"), false))
        ]),
        Some(Status::Warn),
        "reviewed more than 12 months before as_of"
    );
    assert_eq!(
        case(vec![
            ("exists", given(AnswerValue::Yes, true)),
            ("last-review", given(AnswerValue::Never, false))
        ]),
        Some(Status::Fail)
    );
    assert_eq!(
        case(vec![
            ("exists", given(AnswerValue::No, false)),
            ("last-review", given(day("2026-05-01"), false))
        ]),
        Some(Status::Fail)
    );
    assert_eq!(
        case(vec![("exists", given(AnswerValue::No, false))]),
        Some(Status::NeedsReview),
        "a failing answer, but not every question answered: still needs_review"
    );
    let (status, why) = decide(
        &questions,
        &answers(vec![
            ("exists", given(AnswerValue::Yes, false)),
            ("last-review", given(day("2026-05-01"), false)),
        ]),
        as_of,
    )
    .unwrap();
    assert_eq!(status, Status::NeedsReview);
    assert!(why.contains("attached"), "{why}");
}

#[test]
fn questions_without_rules_only_inform() {
    let free = AnswerRule::default();
    let questions = [Asked {
        id: "notes",
        rule: &free,
    }];
    assert_eq!(decide(&questions, &BTreeMap::new(), at("2026-12-05")), None);
}

#[test]
fn the_scope_answer_rules_out_other_controls() {
    let scope = AnswerRule {
        excludes: [("no".to_string(), vec!["compliance.hipaa".to_string()])].into(),
        ..AnswerRule::default()
    };
    let questions = [Asked {
        id: "health-data",
        rule: &scope,
    }];
    let no: BTreeMap<String, Given> = [("health-data".to_string(), given(AnswerValue::No, false))].into();
    assert_eq!(excluded(&questions, &no), ["compliance.hipaa"]);
    let yes: BTreeMap<String, Given> = [("health-data".to_string(), given(AnswerValue::Yes, false))].into();
    assert!(excluded(&questions, &yes).is_empty());
}
