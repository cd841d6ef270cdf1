//! Lint of interview questions: ids, answer kinds and choices.

use super::diag::SpanMap;
use super::load::{span, Builder};
use super::names::is_slug;
use super::raw::{RawControl, RawQuestion};
use super::{AnswerKind, Question};
use crate::model::Mode;
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
        raw.questions
            .iter()
            .filter_map(|q| self.check_question(map, id, q, &mut seen))
            .collect()
    }

    fn check_question(
        &mut self,
        map: &SpanMap,
        control: &str,
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
        if answer != AnswerKind::Choice && !q.choices.is_empty() {
            self.diagnostics
                .push(map.error(span(&q.answer), "`choices` only apply to answer = \"choice\""));
        }
        Some(Question {
            id: qid.clone(),
            text: q.text.clone(),
            answer,
            choices: q.choices.clone(),
            attachment: q.attachment,
            help: q.help.clone(),
        })
    }
}
