//! The interview and what the auditor adds to a control: answers (yes/no and
//! choices at one key; dates and text typed in a form), documents, notes and
//! overrides — each a form or an effect the driver writes to the session.

use super::form::{Form, Purpose};
use super::{App, Effect, Place};
use crate::checklist::{AnswerKind, AttachmentRule, Question};
use crate::model::answers::AnswerValue;

impl App {
    /// `a`: the interview of the control in view, at its first unanswered question.
    pub(super) fn interview(&mut self) {
        let Some(control) = self.control_in_view() else {
            return;
        };
        let id = control.id.clone();
        let Some(questions) = self.questions.get(&id) else {
            self.message = Some(format!("{id} has no questions: its evidence decides it"));
            return;
        };
        let question = questions
            .iter()
            .position(|q| !control.answers.iter().any(|a| a.question == q.id))
            .unwrap_or(0);
        self.stack.push(Place::Interview { id, question });
        self.type_answer();
    }

    /// The question on screen, with its control's id.
    pub fn question_in_view(&self) -> Option<(&str, &Question)> {
        let Place::Interview { id, question } = self.place() else {
            return None;
        };
        Some((id.as_str(), self.questions.get(id)?.get(*question)?))
    }

    /// On a question answered by typing (a date, text), open its form.
    pub(super) fn type_answer(&mut self) {
        let Some((control, question)) = self.question_in_view() else {
            return;
        };
        if !matches!(question.answer, AnswerKind::Date | AnswerKind::Text) {
            return;
        }
        let purpose = Purpose::Answer {
            control: control.to_string(),
            question: question.id.clone(),
        };
        let count = self.questions.get(control).map_or(0, Vec::len);
        let number = match self.place() {
            Place::Interview { question, .. } => question + 1,
            _ => 1,
        };
        let mut form = Form::new(purpose, question, (number, count));
        if let Some(value) = self.suggestion() {
            form.suggest(value);
        }
        self.open_form(form);
    }

    /// `Enter` on a question: the answer the evidence settled, confirmed (one
    /// key); on a typed question, its form.
    pub(super) fn confirm_or_type(&mut self) {
        let typed = self
            .question_in_view()
            .is_some_and(|(_, q)| matches!(q.answer, AnswerKind::Date | AnswerKind::Text));
        match self.suggestion() {
            Some(value) if !typed => self.answer_with(value, true),
            _ => self.type_answer(),
        }
    }

    /// The answer the collected evidence settles for the question in view.
    pub fn suggestion(&self) -> Option<AnswerValue> {
        let (control, question) = self.question_in_view()?;
        let facts = &self.controls.iter().find(|c| c.id == control)?.facts;
        question.prefilled(facts)
    }

    pub(super) fn give(&mut self, value: AnswerValue) {
        // The same answer as the evidence's is a confirmation of it.
        let from_evidence = self.suggestion().as_ref() == Some(&value);
        self.answer_with(value, from_evidence);
    }

    fn answer_with(&mut self, value: AnswerValue, from_evidence: bool) {
        let Some((control, question)) = self.question_in_view() else {
            return;
        };
        if let Err(why) = question.accepts(&value) {
            self.message = Some(why);
            return;
        }
        let effect = Effect::Answer {
            control: control.to_string(),
            question: question.id.clone(),
            value,
            from_evidence,
        };
        self.push(effect);
    }

    pub(super) fn pick(&mut self, n: usize) {
        let choice = match self.question_in_view() {
            Some((_, q)) if q.answer == AnswerKind::Choice => q.choices.get(n.wrapping_sub(1)).cloned(),
            _ => None,
        };
        match choice {
            Some(choice) => self.give(AnswerValue::Choice(choice)),
            None => self.message = Some(format!("there is no option {n} here")),
        }
    }

    /// After an answer: a question that takes a document asks for it (`Esc`
    /// goes on without). True when it asked.
    pub(super) fn ask_for_document(&mut self, control: &str, question: &str) -> bool {
        let Some(asked) = self
            .question(control, question)
            .filter(|q| q.attachment != AttachmentRule::None)
        else {
            return false;
        };
        let purpose = Purpose::Attach {
            control: control.to_string(),
            question: question.to_string(),
        };
        let form = Form::path(purpose, Some(asked));
        self.open_form(form);
        true
    }

    /// The interview goes to its next question (opening its form when it is
    /// typed), or back to the control after the last.
    pub(super) fn next_question(&mut self) {
        let Some(Place::Interview { id, question }) = self.stack.last_mut() else {
            return;
        };
        let count = self.questions.get(id.as_str()).map_or(0, Vec::len);
        if *question + 1 < count {
            *question += 1;
            self.type_answer();
        } else {
            self.stack.pop();
        }
    }

    /// `t`: attach a document to the control in view — to the question that asks
    /// for one (a required one first), else to the control itself.
    pub(super) fn attach(&mut self) {
        if self.copying.is_some() {
            self.message = Some("a file is still being copied".to_string());
            return;
        }
        let Some(control) = self.control_in_view() else {
            return;
        };
        let id = control.id.clone();
        let questions = self.questions.get(&id).map(Vec::as_slice).unwrap_or_default();
        let asked = questions
            .iter()
            .find(|q| q.attachment == AttachmentRule::Required)
            .or_else(|| questions.iter().find(|q| q.attachment == AttachmentRule::Optional));
        let purpose = Purpose::Attach {
            control: id.clone(),
            question: asked.map(|q| q.id.clone()).unwrap_or_default(),
        };
        let form = Form::path(purpose, asked);
        self.open_form(form);
    }

    /// `c`: a note on the control in view.
    pub(super) fn note(&mut self) {
        if let Some(control) = self.control_in_view() {
            let purpose = Purpose::Note {
                control: control.id.clone(),
            };
            self.open_form(Form::note(purpose));
        }
    }

    /// `o`: override the status of the control in view.
    pub(super) fn override_form(&mut self) {
        if let Some(control) = self.control_in_view() {
            let form = Form::override_of(control);
            self.open_form(form);
        }
    }

    /// Show a form, filled from its draft when one was left.
    pub(super) fn open_form(&mut self, mut form: Form) {
        if let Some(draft) = self.drafts.get(&form.key()) {
            form.fill(draft);
        }
        self.form = Some(form);
        self.stack.push(Place::Form);
    }
}
