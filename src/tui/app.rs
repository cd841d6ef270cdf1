//! The walkthrough's state, pure: what it shows (a session's results, controls
//! still collecting), where the auditor is (a stack of places), and how an action
//! moves them. Keys become actions through the keymap; drawing reads this state;
//! nothing here touches the terminal, the disk or the target.

use super::keymap::{Action, Key, Keymap, Screen};
use crate::checklist::{AnswerKind, Catalog, Question};
use crate::model::answers::AnswerValue;
use crate::model::Status;
use crate::results::{ControlResult, ScanResults, SectionInfo};
use std::collections::{BTreeMap, BTreeSet};

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
    Control {
        id: String,
        scroll: u16,
    },
    /// The interview of a control, at its `question`-th question.
    Interview {
        id: String,
        question: usize,
    },
    /// `/`: controls whose id or title holds `query`; `selected` among them.
    Search {
        query: String,
        selected: usize,
    },
    Help {
        of: Screen,
    },
}

impl Place {
    pub fn screen(&self) -> Screen {
        match self {
            Place::Overview { .. } => Screen::Overview,
            Place::Section { .. } => Screen::Section,
            Place::Control { .. } => Screen::Control,
            Place::Interview { .. } => Screen::Interview,
            Place::Search { .. } => Screen::Search,
            Place::Help { .. } => Screen::Help,
        }
    }
}

/// A write the walkthrough asks of the session (the driver does it, then
/// calls [`App::saved`] or [`App::refused`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Answer {
        control: String,
        question: String,
        value: AnswerValue,
    },
}

/// What a checklist says of a control beyond its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guidance {
    pub rationale: String,
    pub remediation: String,
    pub references: Vec<String>,
}

/// What the walkthrough shows, about whom.
#[derive(Debug, Clone)]
pub struct App {
    pub keymap: Keymap,
    pub target: String,
    pub auditor: String,
    pub sections: Vec<SectionInfo>,
    /// Every control, in catalog order.
    pub controls: Vec<ControlResult>,
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
    /// Writes asked of the session, not yet done.
    pub requests: Vec<Request>,
    /// One line for the auditor: `saved`, or why not.
    pub message: Option<String>,
}

impl App {
    /// The walkthrough of one host's results, on its overview.
    pub fn new(keymap: Keymap, results: &ScanResults, auditor: &str) -> App {
        let host = results.hosts.first();
        App {
            keymap,
            target: host.map(|h| h.target.clone()).unwrap_or_default(),
            auditor: auditor.to_string(),
            sections: results.sections.clone(),
            controls: host.map(|h| h.controls.clone()).unwrap_or_default(),
            collecting: BTreeSet::new(),
            stack: vec![Place::Overview { selected: 0 }],
            quit: false,
            page: 10,
            questions: BTreeMap::new(),
            guidance: BTreeMap::new(),
            filter: None,
            requests: Vec::new(),
            message: None,
        }
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
        self.place().screen()
    }

    /// Every control of section `index`, in order.
    pub fn section_controls(&self, index: usize) -> Vec<&ControlResult> {
        let Some(section) = self.sections.get(index) else {
            return Vec::new();
        };
        self.controls.iter().filter(|c| c.section == section.id).collect()
    }

    /// The controls of section `index` as listed: those the status filter keeps.
    pub fn controls_of(&self, index: usize) -> Vec<&ControlResult> {
        self.section_controls(index)
            .into_iter()
            .filter(|c| {
                self.filter
                    .is_none_or(|status| c.status == status && !self.collecting.contains(&c.id))
            })
            .collect()
    }

    /// `f`: the next status filter (fail, warn, needs review, error, pass, not
    /// applicable, then all again).
    fn next_filter(&mut self) {
        const ORDER: [Status; 6] = [
            Status::Fail,
            Status::Warn,
            Status::NeedsReview,
            Status::Error,
            Status::Pass,
            Status::NotApplicable,
        ];
        self.filter = match self.filter {
            None => Some(ORDER[0]),
            Some(now) => ORDER.iter().skip_while(|s| **s != now).nth(1).copied(),
        };
        if let Some(Place::Section { selected, .. }) = self.stack.last_mut() {
            *selected = 0;
        }
    }

    /// A control is final once collected (not `…`) and not awaiting the auditor.
    pub fn is_final(&self, control: &ControlResult) -> bool {
        !self.collecting.contains(&control.id) && control.status != Status::NeedsReview
    }

    /// A key pressed: the action it does here, applied.
    pub fn press(&mut self, key: Key) {
        if self.screen() == Screen::Search && self.type_into_search(key) {
            return;
        }
        if let Some(action) = self.keymap.action(self.screen(), key) {
            self.message = None;
            self.act(action);
        }
    }

    pub fn act(&mut self, action: Action) {
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
            _ => {}
        }
    }

    /// How many rows the current list has.
    fn rows(&self) -> usize {
        match self.place() {
            Place::Overview { .. } => self.sections.len(),
            Place::Section { section, .. } => self.controls_of(*section).len(),
            Place::Search { query, .. } => self.found(query).len(),
            Place::Control { .. } | Place::Interview { .. } | Place::Help { .. } => usize::from(u16::MAX),
        }
    }

    fn move_to(&mut self, to: impl Fn(usize) -> usize, rows: usize) {
        let last = rows.saturating_sub(1);
        match self.stack.last_mut() {
            Some(Place::Overview { selected } | Place::Section { selected, .. } | Place::Search { selected, .. }) => {
                *selected = to(*selected).min(last);
            }
            Some(Place::Control { scroll, .. }) => {
                *scroll = u16::try_from(to(usize::from(*scroll)).min(last)).unwrap_or(u16::MAX);
            }
            _ => {}
        }
    }

    fn open(&mut self) {
        let next = match self.place() {
            Place::Overview { selected } if *selected < self.sections.len() => Place::Section {
                section: *selected,
                selected: 0,
            },
            Place::Search { query, selected } => {
                if let Some(id) = self.found(query).get(*selected).map(|c| c.id.clone()) {
                    self.show(&id);
                }
                return;
            }
            Place::Section { section, selected } => match self.controls_of(*section).get(*selected) {
                Some(control) => Place::Control {
                    id: control.id.clone(),
                    scroll: 0,
                },
                None => return,
            },
            _ => return,
        };
        self.stack.push(next);
    }

    /// The control in view (on its page, or selected in a section).
    pub fn control_in_view(&self) -> Option<&ControlResult> {
        match self.place() {
            Place::Control { id, .. } | Place::Interview { id, .. } => self.controls.iter().find(|c| &c.id == id),
            Place::Section { section, selected } => self.controls_of(*section).get(*selected).copied(),
            _ => None,
        }
    }

    /// `a`: the interview of the control in view, at its first unanswered question.
    fn interview(&mut self) {
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
    }

    /// The question on screen, with its control's id.
    pub fn question_in_view(&self) -> Option<(&str, &Question)> {
        let Place::Interview { id, question } = self.place() else {
            return None;
        };
        Some((id.as_str(), self.questions.get(id)?.get(*question)?))
    }

    fn give(&mut self, value: AnswerValue) {
        let Some((control, question)) = self.question_in_view() else {
            return;
        };
        if let Err(why) = question.accepts(&value) {
            self.message = Some(why);
            return;
        }
        self.requests.push(Request::Answer {
            control: control.to_string(),
            question: question.id.clone(),
            value,
        });
    }

    fn pick(&mut self, n: usize) {
        let choice = match self.question_in_view() {
            Some((_, q)) if q.answer == AnswerKind::Choice => q.choices.get(n.wrapping_sub(1)).cloned(),
            _ => None,
        };
        match choice {
            Some(choice) => self.give(AnswerValue::Choice(choice)),
            None => self.message = Some(format!("there is no option {n} here")),
        }
    }

    /// A write was saved: the session's results as they now stand (answers
    /// applied by the checklist's rules); the interview moves to the next
    /// question, back to the control after the last.
    pub fn saved(&mut self, controls: Vec<ControlResult>) {
        // A control still collecting keeps its `…` until the engine decides it.
        for control in controls {
            if !self.collecting.contains(&control.id) {
                self.decided(control);
            }
        }
        self.message = Some("saved".to_string());
        if let Some(Place::Interview { id, question }) = self.stack.last_mut() {
            let count = self.questions.get(id.as_str()).map_or(0, Vec::len);
            if *question + 1 < count {
                *question += 1;
            } else {
                self.stack.pop();
            }
        }
    }

    /// The session as replayed once collection is over: every control as the
    /// session decides it (answers given while it was collecting applied).
    pub fn refresh(&mut self, controls: Vec<ControlResult>) {
        self.collecting.clear();
        for control in controls {
            self.decided(control);
        }
    }

    /// A write was refused (or failed): nothing changed, and why is shown.
    pub fn refused(&mut self, why: String) {
        self.message = Some(format!("not saved: {why}"));
    }

    /// Whether a control still needs the auditor: awaiting review, unanswered
    /// (manual, no answers), or failing without an override.
    pub fn needs_auditor(&self, control: &ControlResult) -> bool {
        matches!(control.status, Status::NeedsReview)
            || (control.mode == crate::model::Mode::Manual && control.answers.is_empty())
            || (control.status == Status::Fail && control.override_.is_none())
    }

    /// `Space`: the next control that still needs the auditor after the one in
    /// view, across sections in catalog order (wrapping round).
    fn next_needed(&mut self) {
        let current = match self.place() {
            Place::Control { id, .. } => self.controls.iter().position(|c| &c.id == id),
            Place::Section { section, selected } => self
                .controls_of(*section)
                .get(*selected)
                .and_then(|c| self.controls.iter().position(|all| all.id == c.id)),
            _ => None,
        };
        let start = current.map_or(0, |at| at + 1);
        let count = self.controls.len();
        let found = (0..count)
            .map(|step| (start + step) % count.max(1))
            .find(|at| self.controls.get(*at).is_some_and(|c| self.needs_auditor(c)));
        let Some(at) = found else {
            return;
        };
        let id = self.controls[at].id.clone();
        self.show(&id);
    }

    /// Typing in the search: characters go into the query, Backspace takes one
    /// out; true when the key was taken as typing.
    fn type_into_search(&mut self, key: Key) -> bool {
        let Some(Place::Search { query, selected }) = self.stack.last_mut() else {
            return false;
        };
        if let Some(c) = key.typed() {
            query.push(c);
        } else if key.is_backspace() {
            query.pop();
        } else {
            return false;
        }
        *selected = 0;
        true
    }

    /// The controls whose id or title holds `query` (any case), in catalog order.
    pub fn found(&self, query: &str) -> Vec<&ControlResult> {
        let query = query.to_lowercase();
        self.controls
            .iter()
            .filter(|c| c.id.to_lowercase().contains(&query) || c.title.to_lowercase().contains(&query))
            .collect()
    }

    /// Open control `id` where it lives: overview, its section, its page.
    fn show(&mut self, id: &str) {
        let Some(control) = self.controls.iter().find(|c| c.id == id) else {
            return;
        };
        let section = self.sections.iter().position(|s| s.id == control.section).unwrap_or(0);
        if !self.controls_of(section).iter().any(|c| c.id == id) {
            // The filter would hide where it is going: show everything again.
            self.filter = None;
        }
        let selected = self
            .controls_of(section)
            .iter()
            .position(|c| c.id == control.id)
            .unwrap_or(0);
        let id = control.id.clone();
        self.stack.truncate(1);
        if let Some(Place::Overview { selected }) = self.stack.first_mut() {
            *selected = section;
        }
        self.stack.push(Place::Section { section, selected });
        self.stack.push(Place::Control { id, scroll: 0 });
    }

    /// A control decided (or decided again) while the walkthrough is open.
    pub fn decided(&mut self, result: ControlResult) {
        self.collecting.remove(&result.id);
        match self.controls.iter_mut().find(|c| c.id == result.id) {
            Some(slot) => *slot = result,
            None => self.controls.push(result),
        }
    }
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
