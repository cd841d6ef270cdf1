//! Lint of interview questions: ids, answer kinds, choices, and the rules by
//! which their answers decide a status.

use super::diag::SpanMap;
use super::load::{span, Builder};
use super::names::is_slug;
use super::raw::{RawControl, RawQuestion};
use super::{AnswerKind, AttachmentRule, Question};
use crate::model::answers::AnswerRule;
use crate::model::{Mode, Status};
use std::collections::HashSet;

impl Builder {
    pub(super) fn check_questions(&mut self, map: &SpanMap, raw: &RawControl) -> Vec<Question> {
        let id = raw.id.get_ref();
        let mode = *raw.mode.get_ref();
        if mode == Mode::Manual && raw.questions.is_empty() {
            let msg = format!("manual control `{id}` needs at least one question");
            self.diagnostics.push(map.error(span(&raw.id), msg));
        }
        let mut seen = HashSet::new();
        let evaluator = raw.evaluator.as_ref().map(|e| e.get_ref().as_str());
        raw.questions
            .iter()
            .filter_map(|q| self.check_question(map, (id, evaluator), q, &mut seen))
            .collect()
    }

    fn check_question(
        &mut self,
        map: &SpanMap,
        (control, evaluator): (&str, Option<&str>),
        q: &RawQuestion,
        seen: &mut HashSet<String>,
    ) -> Option<Question> {
        let qid = q.id.get_ref();
        if !is_slug(qid) {
            let msg = format!("question id `{qid}` must be lower-case letters, digits and `-`");
            self.diagnostics.push(map.error(span(&q.id), msg));
        }
        if !seen.insert(qid.clone()) {
            let msg = format!("duplicate question id `{qid}` in control `{control}`");
            self.diagnostics.push(map.error(span(&q.id), msg));
        }
        let answer = *q.answer.get_ref();
        if answer == AnswerKind::Choice && q.choices.len() < 2 {
            self.diagnostics
                .push(map.error(span(&q.answer), "a `choice` question needs at least two `choices`"));
        }
        if answer == AnswerKind::Choice && q.choices.len() > 9 {
            self.diagnostics.push(map.error(
                span(&q.answer),
                "a `choice` question takes at most nine `choices` (the walkthrough picks them with 1–9)",
            ));
        }
        if answer != AnswerKind::Choice && !q.choices.is_empty() {
            self.diagnostics
                .push(map.error(span(&q.answer), "`choices` only apply to answer = \"choice\""));
        }
        let rule = self.check_rule(map, control, q, answer);
        let mut question = Question {
            id: qid.clone(),
            text: q.text.clone(),
            answer,
            choices: q.choices.clone(),
            attachment: q.attachment,
            help: q.help.clone(),
            rule,
            prefill: None,
        };
        question.prefill = self.check_prefill(map, evaluator, q, &question);
        Some(question)
    }

    /// `prefill`: a fact the control's evaluator gives, each value it takes
    /// mapped to an answer this question accepts.
    fn check_prefill(
        &mut self,
        map: &SpanMap,
        evaluator: Option<&str>,
        q: &RawQuestion,
        question: &Question,
    ) -> Option<super::Prefill> {
        let raw = q.prefill.as_ref()?;
        let at = Some(raw.span());
        let Some(evaluator) = evaluator else {
            self.diagnostics
                .push(map.error(at, "`prefill` needs the control's `evaluator`, which gives the facts"));
            return None;
        };
        let fact = &raw.get_ref().fact;
        let Some(values) = crate::eval::fact_values(evaluator, fact) else {
            let given: Vec<&str> = crate::eval::FACTS
                .iter()
                .filter(|(e, _, _)| *e == evaluator)
                .map(|(_, f, _)| *f)
                .collect();
            let msg = match given.as_slice() {
                [] => format!("evaluator `{evaluator}` gives no facts to pre-fill from"),
                some => format!(
                    "evaluator `{evaluator}` gives no fact `{fact}`; it gives {}",
                    some.join(", ")
                ),
            };
            self.diagnostics.push(map.error(at, msg));
            return None;
        };
        let mut answers = std::collections::BTreeMap::new();
        for (value, answer) in &raw.get_ref().answers {
            if !values.contains(&value.as_str()) {
                let msg = format!("fact `{fact}` is never `{value}`; it is one of {}", values.join(", "));
                self.diagnostics.push(map.error(at.clone(), msg));
                continue;
            }
            match question.parse_answer(answer) {
                Ok(parsed) => {
                    answers.insert(value.clone(), parsed);
                }
                Err(why) => {
                    let msg =
                        format!("`prefill` answers `{answer}` for `{value}`, which the question does not take: {why}");
                    self.diagnostics.push(map.error(at.clone(), msg));
                }
            }
        }
        Some(super::Prefill {
            fact: fact.clone(),
            answers,
        })
    }

    /// The answer rules of one question: each key an answer the question can get,
    /// each value a status, months only for dates, exclusions of control ids.
    fn check_rule(&mut self, map: &SpanMap, control: &str, q: &RawQuestion, answer: AnswerKind) -> AnswerRule {
        let valid_key = |key: &str| match answer {
            AnswerKind::YesNo => key == "yes" || key == "no",
            AnswerKind::Choice => q.choices.iter().any(|c| c == key),
            AnswerKind::Date => key == "never",
            AnswerKind::Text => false,
        };
        let expected = match answer {
            AnswerKind::YesNo => "`yes` or `no`".to_string(),
            AnswerKind::Choice => "one of its `choices`".to_string(),
            AnswerKind::Date => "`never` (a date decides through `stale_after_months`)".to_string(),
            AnswerKind::Text => "nothing: a text answer decides no status".to_string(),
        };
        let mut rule = AnswerRule {
            attachment_required: q.attachment == AttachmentRule::Required,
            ..AnswerRule::default()
        };
        if let Some(decides) = &q.decides {
            for (key, status) in decides.get_ref() {
                if !valid_key(key) {
                    let msg = format!("`decides` names the answer `{key}`; this question's answers are {expected}");
                    self.diagnostics.push(map.error(span(decides), msg));
                    continue;
                }
                match status_named(status.get_ref()) {
                    Some(parsed) => {
                        rule.decides.insert(key.clone(), parsed);
                    }
                    None => {
                        let msg = format!(
                            "`{}` is not a status (pass, fail, warn, needs_review, not_applicable)",
                            status.get_ref()
                        );
                        self.diagnostics.push(map.error(span(status), msg));
                    }
                }
            }
        }
        if let Some(months) = &q.stale_after_months {
            match u32::try_from(*months.get_ref()) {
                Ok(n) if answer == AnswerKind::Date && (1..=120).contains(&n) => rule.stale_after_months = Some(n),
                _ if answer != AnswerKind::Date => self
                    .diagnostics
                    .push(map.error(span(months), "`stale_after_months` only applies to answer = \"date\"")),
                _ => self
                    .diagnostics
                    .push(map.error(span(months), "`stale_after_months` must be between 1 and 120")),
            }
        }
        if let Some(excludes) = &q.excludes {
            for (key, ids) in excludes.get_ref() {
                if !valid_key(key) {
                    let msg = format!("`excludes` names the answer `{key}`; this question's answers are {expected}");
                    self.diagnostics.push(map.error(span(excludes), msg));
                } else if let Some(bad) = ids.iter().find(|id| !id.contains('.')) {
                    let msg = format!("`{bad}` is not a control id (`<section>.<name>`)");
                    self.diagnostics.push(map.error(span(excludes), msg));
                } else if ids.iter().any(|id| id == control) {
                    let msg = format!("`{control}` cannot rule itself out; its answers decide it");
                    self.diagnostics.push(map.error(span(excludes), msg));
                } else {
                    // Whether each control exists is known once every file is read.
                    for id in ids {
                        let msg = format!("`excludes` names `{id}`, which no checklist defines");
                        self.excluded_refs.push((id.clone(), map.error(span(excludes), msg)));
                    }
                    rule.excludes.insert(key.clone(), ids.clone());
                }
            }
        }
        rule
    }
}

fn status_named(name: &str) -> Option<Status> {
    Status::ALL
        .into_iter()
        .find(|s| s.as_str() == name && *s != Status::Error)
}
