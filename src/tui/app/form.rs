//! Forms: what the auditor types — a date or text answer, a document's path
//! (with Tab completion), a note, an override (status, reason, approver,
//! expiry). Each field is a `ratatui-textarea` editor fed the walkthrough's keys;
//! a form checks what it holds before it asks the driver to write it, and keeps
//! a draft of every change so nothing typed is lost to `Esc` or a crash.

use super::{App, Effect, Place};
use crate::checklist::{AnswerKind, Question};
use crate::model::answers::AnswerValue;
use crate::model::Status;
use crate::results::ControlResult;
use crate::tui::key::KeyName;
use crate::tui::keymap::{Action, Key, Screen};
use chrono::NaiveDate;
use ratatui_textarea::{CursorMove, Input, Key as EditKey, TextArea};

/// The statuses an override may set.
pub const OVERRIDE_STATUSES: [Status; 5] = [
    Status::Pass,
    Status::Warn,
    Status::Fail,
    Status::NotApplicable,
    Status::NeedsReview,
];

/// What a form is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// A date or text answer to a question.
    Answer {
        control: String,
        question: String,
    },
    /// A document for a question (or, with an empty question, for the control).
    Attach {
        control: String,
        question: String,
    },
    Note {
        control: String,
    },
    Override {
        control: String,
    },
    /// Who answers from now on.
    Interviewee,
    /// Where to write the evidence bundle.
    Bundle,
}

impl Purpose {
    pub fn control(&self) -> &str {
        match self {
            Purpose::Answer { control, .. }
            | Purpose::Attach { control, .. }
            | Purpose::Note { control }
            | Purpose::Override { control } => control,
            Purpose::Interviewee | Purpose::Bundle => "",
        }
    }
}

/// What a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Line,
    /// Several lines: `Enter` is a new line.
    Lines,
    /// YYYY-MM-DD (or `never`, where `never` is true).
    Date { never: bool },
    /// A file's path, completed with `Tab`.
    Path,
    /// One of [`OVERRIDE_STATUSES`], chosen with the arrows.
    Status,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    pub editor: TextArea<'static>,
}

impl Field {
    fn new(label: &str, kind: FieldKind, required: bool) -> Field {
        let mut editor = TextArea::default();
        editor.set_cursor_line_style(ratatui::style::Style::default());
        Field {
            label: label.to_string(),
            kind,
            required,
            editor,
        }
    }

    /// What it holds (lines joined with `\n`).
    pub fn text(&self) -> String {
        self.editor.lines().join("\n")
    }

    fn set_text(&mut self, text: &str) {
        let mut editor = TextArea::new(text.split('\n').map(str::to_string).collect());
        editor.set_cursor_line_style(ratatui::style::Style::default());
        editor.move_cursor(CursorMove::Bottom);
        editor.move_cursor(CursorMove::End);
        self.editor = editor;
    }
}

/// A form on screen.
#[derive(Debug, Clone)]
pub struct Form {
    pub purpose: Purpose,
    pub title: String,
    pub fields: Vec<Field>,
    /// The field being typed in.
    pub focus: usize,
    /// For an override: which of [`OVERRIDE_STATUSES`] is chosen.
    pub status: usize,
    /// Why it was not saved (shown in the form).
    pub error: Option<String>,
    /// What `Tab` found (a path's candidates).
    pub hint: Vec<String>,
    /// The answer the evidence settled, filled in for confirmation.
    pub suggested: Option<AnswerValue>,
}

impl Form {
    fn with(purpose: Purpose, title: String, fields: Vec<Field>) -> Form {
        Form {
            purpose,
            title,
            fields,
            focus: 0,
            status: 0,
            error: None,
            hint: Vec::new(),
            suggested: None,
        }
    }

    /// Fill in the answer the evidence settled (a draft, if any, wins).
    pub fn suggest(&mut self, value: AnswerValue) {
        if let Some(field) = self.fields.first_mut() {
            field.set_text(&value.to_string());
        }
        self.suggested = Some(value);
    }

    /// The answer to a date or text question, the `number`-th of `count`.
    pub fn new(purpose: Purpose, question: &Question, (number, count): (usize, usize)) -> Form {
        let field = match question.answer {
            AnswerKind::Date if question.allows_never() => {
                Field::new("date (YYYY-MM-DD, or never)", FieldKind::Date { never: true }, true)
            }
            AnswerKind::Date => Field::new("date (YYYY-MM-DD)", FieldKind::Date { never: false }, true),
            _ => Field::new("answer", FieldKind::Lines, true),
        };
        let mut title = format!("Question {number} of {count}: {}", question.text);
        if !question.help.is_empty() {
            title.push_str(&format!(" ({})", question.help));
        }
        Form::with(purpose, title, vec![field])
    }

    /// A document's path, for `question` (asked for it after its answer) or
    /// for the control.
    pub fn path(purpose: Purpose, question: Option<&Question>) -> Form {
        use crate::checklist::AttachmentRule;
        let title = match question {
            Some(q) if q.attachment == AttachmentRule::Required => {
                format!(
                    "The document for “{}” (needed before it can pass; Esc to attach it later)",
                    q.text
                )
            }
            Some(q) => format!("A document for “{}” (optional; Esc to go on without)", q.text),
            None => format!("Attach a document to {}", purpose.control()),
        };
        Form::with(purpose, title, vec![Field::new("file", FieldKind::Path, true)])
    }

    pub fn note(purpose: Purpose) -> Form {
        let title = format!("A note on {}", purpose.control());
        Form::with(purpose, title, vec![Field::new("note", FieldKind::Lines, true)])
    }

    /// An override of `control`'s status.
    pub fn override_of(control: &ControlResult) -> Form {
        let purpose = Purpose::Override {
            control: control.id.clone(),
        };
        let fields = vec![
            Field::new("new status", FieldKind::Status, true),
            Field::new("reason", FieldKind::Line, true),
            Field::new("approved by", FieldKind::Line, false),
            Field::new("expires (YYYY-MM-DD)", FieldKind::Date { never: false }, false),
        ];
        let title = format!("Override {} (now {})", control.id, control.status.as_str());
        let mut form = Form::with(purpose, title, fields);
        // Start on the status it is not: overriding to the same is no override.
        form.status = OVERRIDE_STATUSES.iter().position(|s| *s != control.status).unwrap_or(0);
        form
    }

    /// Who is answering: name, role, email (filled with whoever is on the call).
    pub fn interviewee(now: Option<&crate::session::Person>) -> Form {
        let fields = vec![
            Field::new("name", FieldKind::Line, false),
            Field::new("role", FieldKind::Line, false),
            Field::new("email", FieldKind::Line, false),
        ];
        let title =
            "Who is answering now? (Their answers carry their name and role; no name: you answer again.)".to_string();
        let mut form = Form::with(Purpose::Interviewee, title, fields);
        if let Some(person) = now {
            form.fill(&[
                person.name.clone(),
                person.role.clone(),
                person.email.clone().unwrap_or_default(),
            ]);
        }
        form
    }

    /// Where to write the evidence bundle: a new folder, or a ZIP file.
    pub fn bundle() -> Form {
        let title =
            "Write the evidence bundle to a new folder or PACK.zip (the session is finished first: read-only from then on)";
        Form::with(
            Purpose::Bundle,
            title.to_string(),
            vec![Field::new("folder", FieldKind::Path, true)],
        )
    }

    /// Where its draft is kept.
    pub fn key(&self) -> String {
        match &self.purpose {
            Purpose::Answer { control, question } => format!("answer/{control}/{question}"),
            Purpose::Attach { control, question } => format!("attach/{control}/{question}"),
            Purpose::Note { control } => format!("note/{control}"),
            Purpose::Override { control } => format!("override/{control}"),
            Purpose::Interviewee => "interviewee".to_string(),
            Purpose::Bundle => "bundle".to_string(),
        }
    }

    /// The screen it is, for the keymap and help.
    pub fn screen(&self) -> Screen {
        match self.purpose {
            Purpose::Answer { .. } | Purpose::Attach { .. } => Screen::Interview,
            Purpose::Note { .. } | Purpose::Interviewee => Screen::Typing,
            Purpose::Bundle => Screen::Export,
            Purpose::Override { .. } => Screen::Override,
        }
    }

    /// What each field holds, as a draft keeps it.
    pub fn values(&self) -> Vec<String> {
        self.fields
            .iter()
            .map(|f| match f.kind {
                FieldKind::Status => self.chosen().as_str().to_string(),
                _ => f.text(),
            })
            .collect()
    }

    /// Fill from a draft.
    pub fn fill(&mut self, values: &[String]) {
        for (field, value) in self.fields.iter_mut().zip(values) {
            match field.kind {
                FieldKind::Status => {
                    if let Some(at) = OVERRIDE_STATUSES.iter().position(|s| s.as_str() == value) {
                        self.status = at;
                    }
                }
                _ => field.set_text(value),
            }
        }
    }

    pub fn chosen(&self) -> Status {
        OVERRIDE_STATUSES[self.status % OVERRIDE_STATUSES.len()]
    }

    /// The field being typed in.
    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    /// `Tab` completed the path: the field holds `text`, `candidates` are shown.
    pub fn completed(&mut self, text: &str, candidates: Vec<String>) {
        if let Some(field) = self.fields.get_mut(self.focus) {
            field.set_text(text);
        }
        self.hint = candidates;
    }

    /// The effect of saving it, or why it cannot be saved.
    fn submit(&self, question: Option<&Question>) -> Result<Effect, String> {
        for field in &self.fields {
            if field.required && field.kind != FieldKind::Status && field.text().trim().is_empty() {
                return Err(format!("{} is required", field.label));
            }
        }
        let text = |at: usize| self.fields.get(at).map(Field::text).unwrap_or_default();
        match &self.purpose {
            Purpose::Answer { control, question: id } => {
                let question = question.ok_or_else(|| format!("{control} has no question {id}"))?;
                let value = match question.answer {
                    AnswerKind::Date => parse_day_or_never(text(0).trim())?,
                    _ => AnswerValue::Text(text(0).trim_end().to_string()),
                };
                question.accepts(&value)?;
                Ok(Effect::Answer {
                    control: control.clone(),
                    question: id.clone(),
                    from_evidence: self.suggested.as_ref() == Some(&value),
                    value,
                })
            }
            Purpose::Attach { control, question } => Ok(Effect::Attach {
                control: control.clone(),
                question: question.clone(),
                path: text(0).trim().to_string(),
            }),
            Purpose::Note { control } => Ok(Effect::Note {
                control: control.clone(),
                text: text(0).trim_end().to_string(),
            }),
            Purpose::Override { control } => {
                let approver = text(2).trim().to_string();
                let expires = match text(3).trim() {
                    "" => None,
                    day => Some(parse_day(day)?),
                };
                Ok(Effect::Override {
                    control: control.clone(),
                    status: self.chosen(),
                    reason: text(1).trim().to_string(),
                    approved_by: (!approver.is_empty()).then_some(approver),
                    expires,
                })
            }
            Purpose::Bundle => Ok(Effect::WriteBundle {
                path: text(0).trim().to_string(),
            }),
            Purpose::Interviewee => {
                let (name, role, email) = (
                    text(0).trim().to_string(),
                    text(1).trim().to_string(),
                    text(2).trim().to_string(),
                );
                if name.is_empty() {
                    return Ok(Effect::OnTheCall { person: None });
                }
                if role.is_empty() {
                    return Err("role is required: their answers say who they are".to_string());
                }
                Ok(Effect::OnTheCall {
                    person: Some(crate::session::Person {
                        name,
                        role,
                        email: (!email.is_empty()).then_some(email),
                    }),
                })
            }
        }
    }
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| format!("`{}` is not a date: write YYYY-MM-DD", crate::sanitize::terminal(text)))
}

fn parse_day_or_never(text: &str) -> Result<AnswerValue, String> {
    if text.eq_ignore_ascii_case("never") {
        return Ok(AnswerValue::Never);
    }
    parse_day(text).map(AnswerValue::Date)
}

/// Keys that edit text (or move in it) whatever the keymap binds them to.
fn edits(key: Key) -> bool {
    let (name, ctrl, alt) = key.parts();
    key.typed().is_some()
        || (!ctrl
            && !alt
            && matches!(
                name,
                KeyName::Backspace
                    | KeyName::Delete
                    | KeyName::Left
                    | KeyName::Right
                    | KeyName::Up
                    | KeyName::Down
                    | KeyName::Home
                    | KeyName::End
                    | KeyName::Enter
            ))
}

/// The editor's input for a key.
fn input(key: Key) -> Input {
    let (name, ctrl, alt) = key.parts();
    let key = match name {
        KeyName::Char(c) => EditKey::Char(c),
        KeyName::Up => EditKey::Up,
        KeyName::Down => EditKey::Down,
        KeyName::Left => EditKey::Left,
        KeyName::Right => EditKey::Right,
        KeyName::PageUp => EditKey::PageUp,
        KeyName::PageDown => EditKey::PageDown,
        KeyName::Home => EditKey::Home,
        KeyName::End => EditKey::End,
        KeyName::Enter => EditKey::Enter,
        KeyName::Esc => EditKey::Esc,
        KeyName::Tab | KeyName::BackTab => EditKey::Tab,
        KeyName::Backspace => EditKey::Backspace,
        KeyName::Delete => EditKey::Delete,
        KeyName::F(n) => EditKey::F(n),
    };
    Input {
        key,
        ctrl,
        alt,
        shift: false,
    }
}

impl App {
    /// A key in a form: `Esc` leaves it (its draft kept), `Ctrl-S` saves, `Tab`
    /// completes a path or goes to the next field, `Enter` ends a one-line field;
    /// anything else is typed.
    pub(super) fn type_into_form(&mut self, key: Key) {
        let Some(form) = &self.form else {
            self.stack.pop();
            return;
        };
        let action = if edits(key) {
            None
        } else {
            self.keymap.action(form.screen(), key)
        };
        let (name, _, _) = key.parts();
        match action {
            Some(Action::Back) => return self.leave_form(),
            Some(Action::Save) => return self.submit_form(),
            Some(Action::NextPane) => return self.tab(),
            _ => {}
        }
        let Some(form) = &mut self.form else {
            return;
        };
        let count = form.fields.len();
        let Some(field) = form.fields.get_mut(form.focus) else {
            return;
        };
        let changed = match (field.kind, name) {
            (_, KeyName::BackTab) => {
                form.focus = (form.focus + count - 1) % count;
                false
            }
            (FieldKind::Lines, _) | (_, KeyName::Char(_) | KeyName::Backspace | KeyName::Delete)
                if field.kind != FieldKind::Status =>
            {
                let changed = field.editor.input(input(key));
                if changed {
                    form.error = None;
                    form.hint.clear();
                }
                changed
            }
            (_, KeyName::Enter) if form.focus + 1 < count => {
                form.focus += 1;
                false
            }
            (_, KeyName::Enter) => return self.submit_form(),
            (FieldKind::Status, KeyName::Left | KeyName::Up) => {
                form.status = (form.status + OVERRIDE_STATUSES.len() - 1) % OVERRIDE_STATUSES.len();
                true
            }
            (FieldKind::Status, KeyName::Right | KeyName::Down | KeyName::Char(' ')) => {
                form.status = (form.status + 1) % OVERRIDE_STATUSES.len();
                true
            }
            (FieldKind::Status, _) => false,
            _ => {
                // Cursor movement in a one-line field.
                field.editor.input(input(key));
                false
            }
        };
        if changed {
            self.keep_draft();
        }
    }

    /// Text pasted (the terminal's bracketed paste): into the field typed in,
    /// at once — one line where the field takes one line.
    pub fn paste(&mut self, text: &str) -> Vec<Effect> {
        match self.stack.last_mut() {
            Some(Place::Search { query, selected }) => {
                query.push_str(&text.replace(['\n', '\r'], " "));
                *selected = 0;
            }
            Some(Place::Form) => {
                let Some(field) = self.form.as_mut().and_then(|f| f.fields.get_mut(f.focus)) else {
                    return Vec::new();
                };
                let text = match field.kind {
                    FieldKind::Status => return Vec::new(),
                    FieldKind::Lines => text.replace("\r\n", "\n").replace('\r', "\n"),
                    _ => text.replace(['\n', '\r'], " "),
                };
                if field.editor.insert_str(text) {
                    self.keep_draft();
                }
            }
            _ => {}
        }
        self.take_effects()
    }

    /// `Tab`: complete a path, else the next field.
    fn tab(&mut self) {
        let Some(form) = &mut self.form else {
            return;
        };
        match form.focused() {
            Some(field) if field.kind == FieldKind::Path => {
                let typed = field.text();
                self.push(Effect::Complete { typed });
            }
            _ => form.focus = (form.focus + 1) % form.fields.len().max(1),
        }
    }

    fn keep_draft(&mut self) {
        let Some(form) = &self.form else {
            return;
        };
        let (key, values) = (form.key(), form.values());
        self.drafts.insert(key.clone(), values.clone());
        self.push(Effect::Draft {
            key,
            fields: Some(values),
        });
    }

    /// `Esc`: the form closes; what it held stays as a draft. A document the
    /// interview asked for is left for later: the interview goes on.
    fn leave_form(&mut self) {
        let form = self.form.take();
        if matches!(self.place(), Place::Form) {
            self.stack.pop();
        }
        if let Some(Purpose::Attach { control, question }) = form.map(|f| f.purpose) {
            let asked = self.question_in_view().map(|(c, q)| (c.to_string(), q.id.clone()));
            if asked == Some((control, question)) {
                self.next_question();
            }
        }
    }

    /// `Ctrl-S` (or `Enter` on the last one-line field): check the form and ask
    /// the driver to write it.
    fn submit_form(&mut self) {
        if self.copying.is_some() {
            self.message = Some("a file is still being copied".to_string());
            return;
        }
        let Some(form) = &self.form else {
            return;
        };
        let question = match &form.purpose {
            Purpose::Answer { control, question } => self.question(control, question),
            _ => None,
        };
        match form.submit(question) {
            Ok(effect) => self.push(effect),
            Err(why) => {
                if let Some(form) = &mut self.form {
                    form.error = Some(why.clone());
                }
                self.message = Some(why);
            }
        }
    }

    /// The driver completed the path being typed.
    pub fn completed(&mut self, text: &str, candidates: Vec<String>) {
        if let Some(form) = &mut self.form {
            form.completed(text, candidates);
        }
        self.keep_draft();
    }
}
