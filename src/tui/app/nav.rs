//! Moving about the walkthrough: lists and pages, opening and going back, the
//! status filter, the search, and `Space` — the next control that still needs
//! the auditor.

use super::{App, Effect, Pane, Place};
use crate::model::Status;
use crate::results::ControlResult;
use crate::tui::keymap::Key;

impl App {
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
    pub(super) fn next_filter(&mut self) {
        const ORDER: [Status; 6] = [
            Status::Fail,
            Status::Warn,
            Status::NeedsReview,
            Status::Error,
            Status::Pass,
            Status::NotApplicable,
        ];
        // Each open section keeps the control it had selected, if still listed.
        let selected: Vec<(usize, Option<String>)> = self
            .stack
            .iter()
            .enumerate()
            .filter_map(|(at, place)| match place {
                Place::Section { section, selected } => {
                    Some((at, self.controls_of(*section).get(*selected).map(|c| c.id.clone())))
                }
                _ => None,
            })
            .collect();
        self.filter = match self.filter {
            None => Some(ORDER[0]),
            Some(now) => ORDER.iter().skip_while(|s| **s != now).nth(1).copied(),
        };
        for (at, was) in selected {
            let Some(Place::Section { section, .. }) = self.stack.get(at).cloned() else {
                continue;
            };
            let now = was
                .and_then(|id| self.controls_of(section).iter().position(|c| c.id == id))
                .unwrap_or(0);
            if let Some(Place::Section { selected, .. }) = self.stack.get_mut(at) {
                *selected = now;
            }
        }
    }

    /// How many rows the current list has.
    pub(super) fn rows(&self) -> usize {
        match self.place() {
            Place::Overview { .. } => self.sections.len(),
            Place::Section { section, .. } => self.controls_of(*section).len(),
            Place::Search { query, .. } => self.found(query).len(),
            Place::Control { .. } | Place::Interview { .. } | Place::Form | Place::Help { .. } | Place::Export => {
                usize::from(u16::MAX)
            }
        }
    }

    pub(super) fn move_to(&mut self, to: impl Fn(usize) -> usize, rows: usize) {
        let last = rows.saturating_sub(1);
        match self.stack.last_mut() {
            Some(Place::Overview { selected } | Place::Section { selected, .. } | Place::Search { selected, .. }) => {
                *selected = to(*selected).min(last);
            }
            Some(Place::Interview { id, question }) => {
                let count = self.questions.get(id.as_str()).map_or(0, Vec::len);
                *question = to(*question).min(count.saturating_sub(1));
            }
            Some(Place::Control {
                scroll,
                evidence_scroll,
                pane,
                ..
            }) => {
                let moved = |at: u16| u16::try_from(to(usize::from(at)).min(last)).unwrap_or(u16::MAX);
                match pane {
                    Pane::Details => *scroll = moved(*scroll),
                    Pane::Evidence => *evidence_scroll = Some(moved(evidence_scroll.unwrap_or(0))),
                }
            }
            _ => {}
        }
    }

    /// `Tab` on a control's page: the other pane scrolls.
    pub(super) fn next_pane(&mut self) {
        if let Some(Place::Control { pane, .. }) = self.stack.last_mut() {
            *pane = match pane {
                Pane::Details => Pane::Evidence,
                Pane::Evidence => Pane::Details,
            };
        }
    }

    pub(super) fn open(&mut self) {
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
                Some(control) => Place::control(&control.id),
                None => return,
            },
            Place::Interview { .. } => {
                self.confirm_or_type();
                return;
            }
            Place::Export => {
                if !self.collecting.is_empty() || self.copying.is_some() {
                    self.message = Some("wait until collection and copies are done".to_string());
                } else {
                    self.open_form(super::Form::bundle());
                }
                return;
            }
            _ => return,
        };
        if let Place::Control { id, .. } = &next {
            self.load_evidence_of(&id.clone());
        }
        self.stack.push(next);
    }

    /// Ask for the text of a control's evidence not read yet.
    fn load_evidence_of(&mut self, id: &str) {
        let Some(control) = self.controls.iter().find(|c| c.id == id) else {
            return;
        };
        let ids: Vec<_> = control
            .evidence
            .iter()
            .filter(|e| !self.contents.contains_key(*e))
            .filter(|e| self.evidence.get(*e).is_some_and(|r| r.sha256().is_some()))
            .cloned()
            .collect();
        if !ids.is_empty() {
            self.push(Effect::Load { ids });
        }
    }

    /// The control in view (on its page, in its interview, or selected in a section).
    pub fn control_in_view(&self) -> Option<&ControlResult> {
        let id = match self.place() {
            Place::Control { id, .. } | Place::Interview { id, .. } => id.as_str(),
            Place::Section { section, selected } => return self.controls_of(*section).get(*selected).copied(),
            Place::Form => self.form.as_ref()?.purpose.control(),
            _ => return None,
        };
        self.controls.iter().find(|c| c.id == id)
    }

    /// `Space`: the next control that still needs the auditor after the one in
    /// view, across sections in catalog order (wrapping round).
    pub(super) fn next_needed(&mut self) {
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
            self.message = Some("nothing left that needs you".to_string());
            return;
        };
        let id = self.controls[at].id.clone();
        self.show(&id);
    }

    /// Typing in the search: characters go into the query, Backspace takes one
    /// out; true when the key was taken as typing.
    pub(super) fn type_into_search(&mut self, key: Key) -> bool {
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
    pub(super) fn show(&mut self, id: &str) {
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
        self.load_evidence_of(&id);
        self.stack.push(Place::control(&id));
    }
}
