//! Validation: raw checklist files into a `Catalog`, collecting every problem as a
//! diagnostic at file:line:column (syntax, unknown keys, duplicate ids, unknown
//! probes, kinds and evaluators, bad parameters and regexes).

use super::diag::{Diagnostic, Level, SpanMap};
use super::names::{is_slug, suggestion};
use super::raw::{RawControl, RawFile, SpannedTable};
use super::{Catalog, ChecklistInfo, Control, Section};
use crate::eval::{EvaluatorDef, Registry};
use crate::model::{Mode, ParamDef, Params};
use crate::probe::{spec, ProbeKind, ProbeSpec};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One checklist file's text and where it came from.
#[derive(Debug, Clone)]
pub struct ChecklistText {
    pub origin: String,
    pub text: String,
}

/// The checklists did not validate: every diagnostic, errors and warnings.
#[derive(Debug, thiserror::Error)]
#[error("{} error(s) in checklists", .diagnostics.iter().filter(|d| d.level == Level::Error).count())]
pub struct CatalogError {
    pub diagnostics: Vec<Diagnostic>,
}

/// Validate and load checklist files against the evaluators of `registry`. Ok
/// carries the catalog and any warnings.
pub fn load_with(
    files: &[ChecklistText],
    registry: &'static Registry,
) -> Result<(Catalog, Vec<Diagnostic>), CatalogError> {
    let mut builder = Builder::new(registry);
    for file in files {
        builder.add_file(file);
    }
    let Builder {
        catalog,
        mut diagnostics,
        excluded_refs,
        ..
    } = builder;
    diagnostics.extend(
        excluded_refs
            .into_iter()
            .filter(|(id, _)| catalog.control(id).is_none())
            .map(|(_, unknown)| unknown),
    );
    if diagnostics.iter().any(|d| d.level == Level::Error) {
        Err(CatalogError { diagnostics })
    } else {
        Ok((catalog, diagnostics))
    }
}

/// Validate and load checklist files against the built-in evaluators.
pub fn load_catalog(files: &[ChecklistText]) -> Result<(Catalog, Vec<Diagnostic>), CatalogError> {
    load_with(files, crate::eval::registry())
}

pub(super) struct Builder {
    registry: &'static Registry,
    catalog: Catalog,
    pub(super) diagnostics: Vec<Diagnostic>,
    probe_index: HashMap<String, usize>,
    control_origin: HashMap<String, String>,
    checklist_ids: HashSet<String>,
    /// Controls named by `excludes`, each with the error to give if no file
    /// defines it.
    pub(super) excluded_refs: Vec<(String, Diagnostic)>,
}

pub(super) fn span<T>(s: &serde_spanned::Spanned<T>) -> Option<std::ops::Range<usize>> {
    Some(s.span())
}

impl Builder {
    fn new(registry: &'static Registry) -> Self {
        Builder {
            registry,
            catalog: Catalog::default(),
            diagnostics: Vec::new(),
            probe_index: HashMap::new(),
            control_origin: HashMap::new(),
            checklist_ids: HashSet::new(),
            excluded_refs: Vec::new(),
        }
    }

    fn add_file(&mut self, file: &ChecklistText) {
        let first = self.diagnostics.len();
        self.add_file_unsorted(file);
        self.diagnostics[first..].sort_by_key(|d| (d.line, d.column));
    }

    fn add_file_unsorted(&mut self, file: &ChecklistText) {
        let map = SpanMap::new(&file.origin, &file.text);
        let raw: RawFile = match toml::from_str(&file.text) {
            Ok(raw) => raw,
            Err(e) => {
                let message = e.message().trim().to_string();
                self.diagnostics.push(map.error(e.span(), message));
                return;
            }
        };
        let checklist = self.catalog.checklists.len();
        if !self.checklist_ids.insert(raw.checklist.id.get_ref().clone()) {
            let msg = format!("duplicate checklist id `{}`", raw.checklist.id.get_ref());
            self.diagnostics.push(map.error(span(&raw.checklist.id), msg));
        }
        self.catalog.checklists.push(ChecklistInfo {
            id: raw.checklist.id.get_ref().clone(),
            title: raw.checklist.title.clone(),
            version: raw.checklist.version.get_ref().clone(),
            description: raw.checklist.description.clone(),
            origin: file.origin.clone(),
            sha256: hex::encode(Sha256::digest(file.text.as_bytes())),
            text: file.text.as_str().into(),
        });
        let probes = self.add_probes(&map, &raw);
        let mut used = HashSet::new();
        for section in &raw.sections {
            self.add_section(&map, checklist, section, &probes, &mut used);
        }
        for (name, table) in &raw.probes {
            if probes.get(name.get_ref()).is_some_and(Option::is_some) && !used.contains(name.get_ref().as_str()) {
                let msg = format!("probe `{}` is not used by any control", name.get_ref());
                self.diagnostics.push(map.warning(span(table), msg));
            }
        }
    }

    /// Validate the file's named probes; returns name → global probe index (None
    /// for a declared probe that did not validate).
    fn add_probes(&mut self, map: &SpanMap, raw: &RawFile) -> BTreeMap<String, Option<usize>> {
        let mut names = BTreeMap::new();
        for (name, table) in &raw.probes {
            let index = self.check_probe(map, name.get_ref(), table).map(|probe| {
                let key = probe.kind.key();
                *self.probe_index.entry(key).or_insert_with(|| {
                    self.catalog.probes.push(probe);
                    self.catalog.probes.len() - 1
                })
            });
            names.insert(name.get_ref().clone(), index);
        }
        names
    }

    fn check_probe(&mut self, map: &SpanMap, name: &str, table: &SpannedTable) -> Option<ProbeSpec> {
        let values = table.get_ref();
        let Some(kind_value) = values.get("kind") else {
            self.diagnostics
                .push(map.error(span(table), format!("probe `{name}` has no `kind`")));
            return None;
        };
        let Some(kind) = kind_value.get_ref().as_str() else {
            self.diagnostics
                .push(map.error(span(kind_value), "`kind` must be a string"));
            return None;
        };
        let Some(defs) = spec::kind_params(kind) else {
            let known = spec::kind_names().join(", ");
            let msg = format!("unknown probe kind `{kind}` (known: {known})");
            self.diagnostics.push(map.error(span(kind_value), msg));
            return None;
        };
        let description = values
            .get("description")
            .and_then(|v| v.get_ref().as_str())
            .unwrap_or_default();
        let params = self.check_params(map, table, defs, &["kind", "description"], &format!("probe `{name}`"))?;
        let problems = spec::check_values(&params);
        for (param, problem) in &problems {
            let at = values.get(*param).map_or(span(table), span);
            self.diagnostics
                .push(map.error(at, format!("probe `{name}`: {problem}")));
        }
        if !problems.is_empty() {
            return None;
        }
        let probe_kind = ProbeKind::from_params(kind, &params)?;
        if let ProbeKind::Command { argv, .. } = &probe_kind {
            if let Err(reason) = crate::transport::readonly::check(argv) {
                let at = values.get("argv").map_or(span(table), span);
                self.diagnostics
                    .push(map.error(at, format!("probe `{name}`: {reason}")));
                return None;
            }
        }
        Some(ProbeSpec {
            kind: probe_kind,
            description: description.to_string(),
        })
    }

    /// Check a parameter table against its declarations; None if anything is wrong.
    fn check_params(
        &mut self,
        map: &SpanMap,
        table: &SpannedTable,
        defs: &[ParamDef],
        reserved: &[&str],
        owner: &str,
    ) -> Option<Params> {
        let before = self.diagnostics.len();
        let mut values = BTreeMap::new();
        for (name, value) in table.get_ref() {
            if reserved.contains(&name.as_str()) {
                continue;
            }
            match defs.iter().find(|d| d.name == name) {
                None => {
                    let known: Vec<&str> = defs.iter().map(|d| d.name).collect();
                    let known = if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    };
                    let msg = format!("{owner}: unknown parameter `{name}` (accepted: {known})");
                    self.diagnostics.push(map.error(span(value), msg));
                }
                Some(def) => match Params::check(def, value.get_ref()) {
                    Ok(()) => {
                        values.insert(name.clone(), value.get_ref().clone());
                    }
                    Err(msg) => self.diagnostics.push(map.error(span(value), format!("{owner}: {msg}"))),
                },
            }
        }
        for def in defs.iter().filter(|d| d.required) {
            if !table.get_ref().contains_key(def.name) {
                let msg = format!("{owner}: missing required parameter `{}` ({})", def.name, def.help);
                self.diagnostics.push(map.error(span(table), msg));
            }
        }
        (self.diagnostics.len() == before).then(|| Params::new(values))
    }

    fn add_section(
        &mut self,
        map: &SpanMap,
        checklist: usize,
        section: &super::raw::RawSection,
        probes: &BTreeMap<String, Option<usize>>,
        used: &mut HashSet<String>,
    ) {
        let id = section.id.get_ref();
        if !is_slug(id) {
            let msg = format!("section id `{id}` must be lower-case letters, digits and `-`");
            self.diagnostics.push(map.error(span(&section.id), msg));
        }
        if self.catalog.section(id).is_some() {
            self.diagnostics
                .push(map.error(span(&section.id), format!("duplicate section id `{id}`")));
        } else {
            self.catalog.sections.push(Section {
                id: id.clone(),
                title: section.title.clone(),
                description: section.description.clone(),
                checklist,
            });
        }
        for control in &section.controls {
            self.add_control(map, checklist, id, control, probes, used);
        }
    }

    fn add_control(
        &mut self,
        map: &SpanMap,
        checklist: usize,
        section: &str,
        raw: &RawControl,
        probes: &BTreeMap<String, Option<usize>>,
        used: &mut HashSet<String>,
    ) {
        let before = self.diagnostics.len();
        let id = raw.id.get_ref();
        self.check_control_id(map, section, raw);
        let mut indexes = Vec::new();
        for name in &raw.probes {
            used.insert(name.get_ref().clone());
            match probes.get(name.get_ref()) {
                Some(&Some(index)) => indexes.push(index),
                Some(None) => {} // declared but invalid: already reported where it is declared
                None => {
                    let msg = format!(
                        "control `{id}` names probe `{}`, which this file does not define under [probes]",
                        name.get_ref()
                    );
                    self.diagnostics.push(map.error(span(name), msg));
                }
            }
        }
        let invalid_probe = raw.probes.iter().any(|n| matches!(probes.get(n.get_ref()), Some(None)));
        let (evaluator, params) = self.check_evaluator(map, raw, &indexes, invalid_probe);
        let questions = self.check_questions(map, raw);
        if self.diagnostics[before..].iter().any(|d| d.level == Level::Error) {
            return;
        }
        self.catalog.controls.push(Control {
            id: id.clone(),
            section: section.to_string(),
            title: raw.title.clone(),
            mode: *raw.mode.get_ref(),
            severity: raw.severity,
            rationale: raw.rationale.clone(),
            remediation: raw.remediation.clone(),
            references: raw.references.clone(),
            probes: indexes,
            evaluator,
            params,
            questions,
            checklist,
        });
    }

    fn check_control_id(&mut self, map: &SpanMap, section: &str, raw: &RawControl) {
        let id = raw.id.get_ref();
        let well_formed = id
            .split_once('.')
            .is_some_and(|(s, name)| s == section && is_slug(name));
        if !well_formed {
            let msg = format!("control id `{id}` must be `{section}.<name>` (lower-case letters, digits, `-`)");
            self.diagnostics.push(map.error(span(&raw.id), msg));
        }
        match self.control_origin.get(id) {
            Some(first) => {
                let msg = format!("duplicate control id `{id}` (first defined in {first})");
                self.diagnostics.push(map.error(span(&raw.id), msg));
            }
            None => {
                let (line, _) = map.position(raw.id.span().start);
                self.control_origin.insert(id.clone(), format!("{}:{line}", map.file()));
            }
        }
    }

    fn check_evaluator(
        &mut self,
        map: &SpanMap,
        raw: &RawControl,
        probes: &[usize],
        invalid_probe: bool,
    ) -> (Option<&'static EvaluatorDef>, Params) {
        let id = raw.id.get_ref();
        let mode = *raw.mode.get_ref();
        let Some(name) = &raw.evaluator else {
            if raw.params.is_some() {
                self.diagnostics
                    .push(map.error(span(&raw.id), format!("control `{id}` has params but no evaluator")));
            }
            if mode != Mode::Manual {
                let msg = format!(
                    "{} control `{id}` has no evaluator: it will be needs_review",
                    mode.as_str()
                );
                self.diagnostics.push(map.warning(span(&raw.id), msg));
            }
            return (None, Params::default());
        };
        if mode == Mode::Manual {
            let msg = format!("manual control `{id}` cannot have an evaluator (make it hybrid)");
            self.diagnostics.push(map.error(span(name), msg));
        }
        let registry = self.registry;
        let Some(def) = registry.get(name.get_ref()) else {
            let msg = format!(
                "unknown evaluator `{}`{}",
                name.get_ref(),
                suggestion(name.get_ref(), registry.names())
            );
            self.diagnostics.push(map.error(span(name), msg));
            return (None, Params::default());
        };
        // A declared probe that failed validation was already reported; its kind is unknown.
        for need in def.needs.iter().filter(|_| !invalid_probe) {
            if !probes
                .iter()
                .any(|&i| self.catalog.probes.get(i).is_some_and(|p| p.kind.probe_type() == *need))
            {
                let msg = format!(
                    "evaluator `{}` needs a probe of kind `{need}`; control `{id}` declares none",
                    def.name
                );
                self.diagnostics.push(map.error(span(name), msg));
            }
        }
        let empty = serde_spanned::Spanned::new(name.span(), BTreeMap::new());
        let table = raw.params.as_ref().unwrap_or(&empty);
        let owner = format!("evaluator `{}`", def.name);
        let params = self
            .check_params(map, table, def.params, &[], &owner)
            .unwrap_or_default();
        if !invalid_probe {
            let specs: Vec<&ProbeSpec> = probes.iter().filter_map(|&i| self.catalog.probes.get(i)).collect();
            for problem in super::coverage::uncovered(def.needs, &params, &specs) {
                let at = raw.params.as_ref().map_or(span(name), span);
                self.diagnostics.push(map.error(at, format!("{owner} {problem}")));
            }
        }
        (Some(def), params)
    }
}
