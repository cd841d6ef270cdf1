//! The walkthrough's state, pure: what it shows (a session's results, controls
//! still collecting), where the auditor is (a stack of places), and how an action
//! changes it — `update` turns an action into the effects the driver must carry
//! out (a write to the session, a file to copy, evidence to read). Keys become
//! actions through the keymap; drawing reads this state; nothing here touches the
//! terminal, the disk or the target.

mod form;
mod interview;
mod nav;

pub use form::{Field, FieldKind, Form, Purpose, OVERRIDE_STATUSES};

use super::keymap::{Action, Key, Keymap, Screen};
use crate::checklist::{Catalog, Question};
use crate::evidence::record::{EvidenceId, EvidenceRecord};
use crate::model::answers::AnswerValue;
use crate::model::Status;
use crate::results::{ControlResult, HostResult, ScanResults, SectionInfo};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The control page's two panes: the control itself, and its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Details,
    Evidence,
}

/// One place in the walkthrough; the last of the stack is on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Overview {
        selected: usize,
    },
    Section {
        section: usize,
        selected: usize,
    },
    /// A control's page: its details and its evidence, each scrolled on its own;
    /// `pane` is the one the movement keys scroll (`Tab` switches). The
    /// evidence starts at the first line a finding points at (`None` until
    /// drawn there).
    Control {
        id: String,
        scroll: u16,
        evidence_scroll: Option<u16>,
        pane: Pane,
    },
    /// The interview of a control, at its `question`-th question.
    Interview {
        id: String,
        question: usize,
    },
    /// Something being typed (an answer, a path, a note, an override): the
    /// form itself is [`App::form`].
    Form,
    /// `/`: controls whose id or title holds `query`; `selected` among them.
    Search {
        query: String,
        selected: usize,
    },
    Help {
        of: Screen,
    },
    /// What the evidence bundle will hold, and finishing the session.
    Export,
}

impl Place {
    pub fn control(id: &str) -> Place {
        Place::Control {
            id: id.to_string(),
            scroll: 0,
            evidence_scroll: None,
            pane: Pane::Details,
        }
    }
}

/// What the driver must do for the walkthrough (then it tells the app how it
/// went: [`App::saved`], [`App::refused`], [`App::loaded`], [`App::completed`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Record an interview answer (`from_evidence`: the one the evidence
    /// settled, confirmed).
    Answer {
        control: String,
        question: String,
        value: AnswerValue,
        from_evidence: bool,
    },
    /// Copy a file into the session's store and record it as attached.
    Attach {
        control: String,
        question: String,
        path: String,
    },
    Note {
        control: String,
        text: String,
    },
    Override {
        control: String,
        status: Status,
        reason: String,
        approved_by: Option<String>,
        expires: Option<NaiveDate>,
    },
    /// Keep (or, with `None`, drop) what a form holds, so a draft survives `Esc`
    /// and a crash.
    Draft {
        key: String,
        fields: Option<Vec<String>>,
    },
    /// Read these pieces of evidence from the session's store, to show them.
    Load {
        ids: Vec<EvidenceId>,
    },
    /// Complete the path typed so far (`Tab` in a path).
    Complete {
        typed: String,
    },
    /// Collect this control again (or, with `None`, everything).
    Recollect {
        control: Option<String>,
    },
    /// From now on this person answers (`None`: the auditor again).
    OnTheCall {
        person: Option<crate::session::Person>,
    },
    /// The auditor finished the session: it becomes read-only.
    Finish,
    /// Finish the session (if it is not) and write its signed bundle to `path`.
    WriteBundle {
        path: String,
    },
}

/// What a checklist says of a control beyond its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guidance {
    pub rationale: String,
    pub remediation: String,
    pub references: Vec<String>,
}

/// A file being copied into the session's store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copying {
    pub name: String,
    pub done: u64,
    pub total: u64,
}

/// What the walkthrough shows, about whom.
#[derive(Debug, Clone)]
pub struct App {
    pub keymap: Keymap,
    pub target: String,
    pub auditor: String,
    /// The organisation audited, when known.
    pub organisation: Option<String>,
    /// Who answers now (none: the auditor).
    pub on_call: Option<crate::session::Person>,
    pub sections: Vec<SectionInfo>,
    /// Every control, in catalog order.
    pub controls: Vec<ControlResult>,
    /// What is known of each piece of evidence (collected, answered, attached).
    pub evidence: BTreeMap<EvidenceId, EvidenceRecord>,
    /// The text of the evidence read so far (shown on controls' pages).
    pub contents: BTreeMap<EvidenceId, Arc<str>>,
    /// Controls whose evidence is still being collected.
    pub collecting: BTreeSet<String>,
    pub stack: Vec<Place>,
    pub quit: bool,
    /// Rows a page moves (the list's height, as last drawn).
    pub page: usize,
    /// Each control's interview questions (from the session's checklists).
    pub questions: BTreeMap<String, Vec<Question>>,
    /// Each control's rationale, remediation and references.
    pub guidance: BTreeMap<String, Guidance>,
    /// Only controls of this status are listed in sections (`f`).
    pub filter: Option<Status>,
    /// The form being typed in, when [`Place::Form`] is on screen.
    pub form: Option<Form>,
    /// What forms held when they were left unsaved, by [`Form::key`].
    pub drafts: BTreeMap<String, Vec<String>>,
    /// A file being copied into the store.
    pub copying: Option<Copying>,
    /// Effects asked for and not yet taken by the driver.
    effects: Vec<Effect>,
    /// The session is finished: shown, never written.
    pub read_only: bool,
    /// `F` was pressed once on the export screen.
    finishing: bool,
    /// One line for the auditor: `saved`, or why not.
    pub message: Option<String>,
}

impl App {
    /// The walkthrough of one host's results, on its overview.
    pub fn new(keymap: Keymap, results: &ScanResults, auditor: &str) -> App {
        let host = results.hosts.first();
        let mut app = App {
            keymap,
            target: host.map(|h| h.target.clone()).unwrap_or_default(),
            auditor: auditor.to_string(),
            organisation: None,
            on_call: None,
            sections: results.sections.clone(),
            controls: Vec::new(),
            evidence: BTreeMap::new(),
            contents: BTreeMap::new(),
            collecting: BTreeSet::new(),
            stack: vec![Place::Overview { selected: 0 }],
            quit: false,
            page: 10,
            questions: BTreeMap::new(),
            guidance: BTreeMap::new(),
            filter: None,
            form: None,
            drafts: BTreeMap::new(),
            copying: None,
            effects: Vec::new(),
            read_only: false,
            finishing: false,
            message: None,
        };
        if let Some(host) = host {
            app.take_host(host.clone());
        }
        app
    }

    /// What the session's checklists say of each control: its questions, and why
    /// it matters and how to fix it.
    pub fn with_catalog(mut self, catalog: &Catalog) -> App {
        self.guidance = catalog
            .controls
            .iter()
            .map(|c| {
                let guidance = Guidance {
                    rationale: c.rationale.clone(),
                    remediation: c.remediation.clone(),
                    references: c.references.clone(),
                };
                (c.id.clone(), guidance)
            })
            .collect();
        self.questions = catalog
            .controls
            .iter()
            .filter(|c| !c.questions.is_empty())
            .map(|c| (c.id.clone(), c.questions.clone()))
            .collect();
        self
    }

    pub fn place(&self) -> &Place {
        self.stack.last().unwrap_or(&Place::Overview { selected: 0 })
    }

    pub fn screen(&self) -> Screen {
        match self.place() {
            Place::Overview { .. } => Screen::Overview,
            Place::Section { .. } => Screen::Section,
            Place::Control { .. } => Screen::Control,
            Place::Interview { .. } => Screen::Interview,
            Place::Form => self.form.as_ref().map_or(Screen::Interview, Form::screen),
            Place::Search { .. } => Screen::Search,
            Place::Help { .. } => Screen::Help,
            Place::Export => Screen::Export,
        }
    }

    /// The effects asked for since last taken.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// A key pressed: typed into a form or the search, or the action it does here.
    pub fn press(&mut self, key: Key) -> Vec<Effect> {
        if self.screen() == Screen::Search && self.type_into_search(key) {
            return self.take_effects();
        }
        if matches!(self.place(), Place::Form) {
            self.type_into_form(key);
            return self.take_effects();
        }
        if let Some(action) = self.keymap.action(self.screen(), key) {
            return update(self, action);
        }
        // Any other key cancels a confirmation under way.
        self.finishing = false;
        Vec::new()
    }

    pub(crate) fn push(&mut self, effect: Effect) {
        self.effects.push(effect);
    }

    fn act(&mut self, action: Action) {
        let rows = self.rows();
        let page = self.page.max(1);
        match action {
            Action::Quit => self.quit = true,
            Action::Help => {
                let of = self.screen();
                self.stack.push(Place::Help { of });
            }
            Action::Back if self.stack.len() > 1 => {
                self.stack.pop();
            }
            Action::MoveUp => self.move_to(|at| at.saturating_sub(1), rows),
            Action::MoveDown => self.move_to(|at| at + 1, rows),
            Action::PageUp => self.move_to(|at| at.saturating_sub(page), rows),
            Action::PageDown => self.move_to(|at| at + page, rows),
            Action::First => self.move_to(|_| 0, rows),
            Action::Last => self.move_to(|_| usize::MAX, rows),
            Action::Open => self.open(),
            Action::NextPane => self.next_pane(),
            Action::NextNeeded => self.next_needed(),
            Action::Answer => self.interview(),
            Action::Filter => self.next_filter(),
            Action::Search => self.stack.push(Place::Search {
                query: String::new(),
                selected: 0,
            }),
            Action::Yes => self.give(AnswerValue::Yes),
            Action::No => self.give(AnswerValue::No),
            Action::Pick(n) => self.pick(usize::from(n)),
            Action::Attach => self.attach(),
            Action::Note => self.note(),
            Action::Override => self.override_form(),
            Action::Recollect => self.recollect(),
            Action::Interviewee => {
                let form = Form::interviewee(self.on_call.as_ref());
                self.open_form(form);
            }
            Action::Export => self.stack.push(Place::Export),
            Action::Finish => self.finish(),
            _ => {}
        }
    }

    /// `F` on the export screen, twice: the session is finished.
    fn finish(&mut self) {
        if self.read_only {
            self.message = Some("this session is already finished".to_string());
        } else if !self.collecting.is_empty() || self.copying.is_some() {
            self.message =
                Some("wait until collection and copies are done: a finished session takes nothing more".to_string());
        } else if self.finishing {
            self.finishing = false;
            self.push(Effect::Finish);
        } else {
            self.finishing = true;
            let key = self
                .keymap
                .keys(Action::Finish)
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            self.message = Some(format!(
                "press {key} again to finish: a finished session is read-only (it can still be shown and exported)"
            ));
        }
    }

    /// The session was finished (or opened finished): nothing more is written.
    pub fn finished(&mut self) {
        self.read_only = true;
        self.message = Some("finished: read-only".to_string());
    }

    /// `r`: collect the control in view again, or everything from the overview.
    fn recollect(&mut self) {
        let control = match self.place() {
            Place::Overview { .. } => None,
            _ => match self.control_in_view() {
                Some(control) => Some(control.id.clone()),
                None => return,
            },
        };
        self.push(Effect::Recollect { control });
    }

    /// Collection (of everything, or of `only`) starts again: those controls
    /// show `…` until decided.
    pub fn collecting_again(&mut self, only: Option<&str>) {
        let ids: Vec<String> = self
            .controls
            .iter()
            .filter(|c| c.mode != crate::model::Mode::Manual && only.is_none_or(|id| c.id == id))
            .map(|c| c.id.clone())
            .collect();
        self.collecting.extend(ids);
    }

    /// A write was saved: the session's results as they now stand (answers
    /// applied by the checklist's rules). A form closes (its draft dropped); the
    /// interview moves to the next question — or, when the question takes a
    /// document, first asks for it — and back to the control after the last.
    pub fn saved(&mut self, host: HostResult) {
        self.take_host(host);
        self.message = Some("saved".to_string());
        if matches!(self.place(), Place::Form) {
            let form = self.form.take();
            self.stack.pop();
            if let Some(form) = form {
                self.drafts.remove(&form.key());
                self.push(Effect::Draft {
                    key: form.key(),
                    fields: None,
                });
                if let Purpose::Answer { control, question } = &form.purpose {
                    if self.ask_for_document(control, question) {
                        return;
                    }
                }
                if !matches!(form.purpose, Purpose::Answer { .. } | Purpose::Attach { .. }) {
                    return;
                }
            }
        } else if let Place::Interview { id, question } = self.place().clone() {
            let asked = self
                .questions
                .get(&id)
                .and_then(|qs| qs.get(question))
                .map(|q| q.id.clone());
            if let Some(asked) = asked {
                if self.ask_for_document(&id, &asked) {
                    return;
                }
            }
        }
        self.next_question();
    }

    /// A document finished copying and is recorded. Its form, if still on
    /// screen, closes as on any save (the interview goes on); if the auditor
    /// moved on meanwhile, nothing they are doing is touched.
    pub fn attached(&mut self, host: HostResult, control: &str, question: &str) {
        self.copying = None;
        let showing = self.form.as_ref().is_some_and(|f| {
            f.purpose
                == Purpose::Attach {
                    control: control.to_string(),
                    question: question.to_string(),
                }
        });
        if showing && matches!(self.place(), Place::Form) {
            self.saved(host);
        } else {
            self.take_host(host);
        }
        self.message = Some(format!("saved: the document is attached to {control}"));
    }

    /// A document could not be copied or recorded: why, on its form if still
    /// open, else in the footer.
    pub fn copy_failed(&mut self, control: &str, question: &str, why: String) {
        self.copying = None;
        if let Some(form) = &mut self.form {
            if form.purpose
                == (Purpose::Attach {
                    control: control.to_string(),
                    question: question.to_string(),
                })
            {
                form.error = Some(why.clone());
            }
        }
        self.message = Some(format!("not attached: {why}"));
    }

    /// The session as replayed (collection over, or a write done): every control
    /// as the session decides it.
    pub fn refresh(&mut self, host: HostResult) {
        self.collecting.clear();
        self.take_host(host);
    }

    fn take_host(&mut self, host: HostResult) {
        for record in host.evidence {
            self.evidence.insert(record.id().clone(), record);
        }
        for control in host.controls {
            // A control still collecting keeps its `…` until the engine decides it.
            if !self.collecting.contains(&control.id) {
                self.decided(control);
            }
        }
    }

    /// A write was refused (or failed): nothing changed, and why is shown.
    pub fn refused(&mut self, why: String) {
        if let Some(form) = &mut self.form {
            form.error = Some(why.clone());
        }
        self.message = Some(format!("not saved: {why}"));
    }

    /// Evidence read from the store (or collected live): its text, to show.
    pub fn loaded(&mut self, id: EvidenceId, text: Arc<str>) {
        self.contents.insert(id, text);
    }

    /// A piece of evidence collected live.
    pub fn collected(&mut self, record: EvidenceRecord) {
        if !record.content().is_empty() {
            self.contents.insert(record.id().clone(), record.content().clone());
        }
        self.evidence.insert(record.id().clone(), record);
    }

    /// Whether a control still needs the auditor: awaiting review, unanswered
    /// (manual, no answers), or failing without an override.
    pub fn needs_auditor(&self, control: &ControlResult) -> bool {
        if self.collecting.contains(&control.id) {
            // Its evidence decides first.
            return false;
        }
        let overridden = control.override_.as_ref().is_some_and(|o| !o.expired);
        matches!(control.status, Status::NeedsReview)
            || (control.mode == crate::model::Mode::Manual && control.answers.is_empty())
            || (control.status == Status::Fail && !overridden)
    }

    /// A control is final once collected (not `…`) and not awaiting the auditor.
    pub fn is_final(&self, control: &ControlResult) -> bool {
        !self.collecting.contains(&control.id) && control.status != Status::NeedsReview
    }

    /// A control decided (or decided again) while the walkthrough is open.
    pub fn decided(&mut self, result: ControlResult) {
        self.collecting.remove(&result.id);
        match self.controls.iter_mut().find(|c| c.id == result.id) {
            Some(slot) => *slot = result,
            None => self.controls.push(result),
        }
    }

    /// The evidence of a control, as its page lists it: collected items first,
    /// then answers and documents.
    pub fn evidence_of(&self, control: &ControlResult) -> Vec<&EvidenceRecord> {
        control.evidence.iter().filter_map(|id| self.evidence.get(id)).collect()
    }

    /// The question of `control` with id `question`.
    pub fn question(&self, control: &str, question: &str) -> Option<&Question> {
        self.questions.get(control)?.iter().find(|q| q.id == question)
    }
}

/// Apply one action to the walkthrough; what the driver must then do.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    app.message = None;
    if action != Action::Finish {
        app.finishing = false;
    }
    app.act(action);
    app.take_effects()
}

/// The symbol of a status, so it reads without colour (`NO_COLOR`).
pub fn symbol(status: Status) -> &'static str {
    match status {
        Status::Pass => "✓",
        Status::Fail => "✗",
        Status::Warn => "!",
        Status::NeedsReview => "?",
        Status::NotApplicable => "–",
        Status::Error => "E",
    }
}

/// The symbol of a control still collecting.
pub const COLLECTING: &str = "…";

#[cfg(test)]
mod tests;
