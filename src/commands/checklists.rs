//! `vouch checklists list` and `vouch checklists lint PATH...`. A checklist is
//! untrusted text: its ids, titles and origins reach the terminal through
//! `sanitize::terminal` (diagnostics escape themselves), Markdown through the
//! Markdown sanitisers.

use super::Ended;
use crate::checklist::{self, Level};
use crate::cli::{ChecklistsAction, ListArgs};
use crate::eval;
use crate::probe::spec;
use crate::sanitize::{markdown_code, markdown_text, terminal};
use crate::settings;
use std::fmt::Write as _;

pub fn run(action: Option<&ChecklistsAction>) -> Ended {
    match action {
        None => list(&ListArgs::default()),
        Some(ChecklistsAction::List(args)) => list(args),
        Some(ChecklistsAction::Lint { paths }) => lint(paths),
    }
}

fn lint(paths: &[std::path::PathBuf]) -> Ended {
    let texts = match settings::read_checklists(paths) {
        Ok(texts) => texts,
        Err(e) => return e.into(),
    };
    let diagnostics = match checklist::load_catalog(&texts) {
        Ok((catalog, warnings)) => {
            for w in &warnings {
                eprintln!("{w}");
            }
            println!(
                "{} file(s) ok: {} controls in {} sections",
                texts.len(),
                catalog.controls.len(),
                catalog.sections.len()
            );
            return Ended::Clean;
        }
        Err(e) => e.diagnostics,
    };
    for d in &diagnostics {
        eprintln!("{d}");
    }
    let errors = diagnostics.iter().filter(|d| d.level == Level::Error).count();
    eprintln!("{errors} error(s)");
    Ended::Findings
}

fn list(args: &ListArgs) -> Ended {
    if args.evaluators {
        print!("{}", evaluator_list());
        return Ended::Clean;
    }
    let (catalog, _) = match settings::catalog(&args.checklists, &[]) {
        Ok(loaded) => loaded,
        Err(e) => return e.into(),
    };
    let mut out = String::new();
    if args.markdown {
        out.push_str("| id | title | mode | severity |\n|---|---|---|---|\n");
        for c in &catalog.controls {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                table_code(&c.id),
                markdown_text(&c.title),
                c.mode.as_str(),
                c.severity.as_str()
            );
        }
    } else {
        for info in &catalog.checklists {
            let _ = writeln!(
                out,
                "{} {} — {} ({})",
                terminal(&info.id),
                terminal(&info.version),
                terminal(&info.title),
                terminal(&info.origin)
            );
        }
        for c in &catalog.controls {
            let _ = writeln!(
                out,
                "  {:<32} {:<7} {:<9} {}",
                terminal(&c.id),
                c.mode.as_str(),
                c.severity.as_str(),
                terminal(&c.title)
            );
        }
    }
    print!("{out}");
    Ended::Clean
}

/// A value as code in a table cell. A `|` would end the cell in the middle of the
/// code span (GFM splits rows before reading code spans), so a value holding one is
/// shown as escaped text instead; control ids never do (the loader allows only
/// lower-case letters, digits, `-` and `.`).
fn table_code(value: &str) -> String {
    if value.contains('|') {
        markdown_text(value)
    } else {
        markdown_code(value)
    }
}

fn evaluator_list() -> String {
    let mut out = String::from("Evaluators:\n");
    for def in eval::registry().iter() {
        let _ = writeln!(out, "  {:<32} {}", def.name, def.description);
        for p in def.params {
            let req = if p.required { "required" } else { "optional" };
            let _ = writeln!(out, "      {} ({}, {req}): {}", p.name, p.kind.describe(), p.help);
        }
        if !def.needs.is_empty() {
            let needs: Vec<&str> = def.needs.iter().map(|n| n.as_str()).collect();
            let _ = writeln!(out, "      needs probes of kind: {}", needs.join(", "));
        }
    }
    out.push_str("\nProbe kinds:\n");
    for kind in spec::kind_names() {
        let desc = crate::model::ProbeType::parse(kind)
            .and_then(spec::kind_description)
            .unwrap_or("");
        let _ = writeln!(out, "  {kind:<18} {desc}");
        for p in spec::kind_params(kind).unwrap_or_default() {
            let req = if p.required { "required" } else { "optional" };
            let _ = writeln!(out, "      {} ({}, {req}): {}", p.name, p.kind.describe(), p.help);
        }
    }
    out
}
