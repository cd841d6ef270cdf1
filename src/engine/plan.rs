//! What a scan would ask of a target, without reaching it: the catalog's probes
//! run through the planning transport, plus the paths and patterns they declare
//! and, for each configuration followed through its includes, what it follows.
//! For `scan --dry-run`, `collector --sudoers` and the collector script.

use crate::checklist::Catalog;
use crate::probe::spec::ProbeKind;
use crate::transport::plan::{Asked, PlanTransport};
use std::collections::BTreeSet;

/// The reads and commands of a catalog.
#[derive(Debug, Clone, Default)]
pub struct ReadPlan {
    /// Files read: literal paths and glob patterns (a pattern reads every match).
    pub files: BTreeSet<String>,
    /// Directories listed (and each entry read).
    pub dirs: BTreeSet<String>,
    /// Paths looked at without reading (mode, owner, link target).
    pub stats: BTreeSet<String>,
    /// Commands run, each as its argv.
    pub commands: BTreeSet<Vec<String>>,
    /// Configurations read through their includes: `description` of each.
    pub follows: Vec<String>,
    /// Paths read under every login's home (`.ssh/authorized_keys`).
    pub homes: BTreeSet<String>,
}

/// The plan of every probe the catalog's controls need.
pub fn reads(catalog: &Catalog) -> ReadPlan {
    let needed: BTreeSet<usize> = catalog.controls.iter().flat_map(|c| c.probes.iter().copied()).collect();
    let kinds: Vec<&ProbeKind> = needed
        .iter()
        .filter_map(|&i| catalog.probes.get(i))
        .map(|p| &p.kind)
        .collect();
    let planner = PlanTransport::new();
    let _ = crate::probe::scope::collect_snapshot(kinds.iter().copied(), &planner);
    let Asked {
        files,
        dirs,
        stats,
        commands,
    } = planner.asked();
    let mut plan = ReadPlan {
        files,
        dirs,
        stats,
        commands,
        follows: Vec::new(),
        homes: BTreeSet::new(),
    };
    for kind in &kinds {
        match kind {
            ProbeKind::Files { paths } => plan.files.extend(paths.iter().cloned()),
            ProbeKind::Meta { paths } => plan.stats.extend(paths.iter().cloned()),
            ProbeKind::Dir { path } => {
                plan.dirs.insert(path.clone());
            }
            ProbeKind::Command { argv, .. } => {
                plan.commands.insert(argv.clone());
            }
            ProbeKind::Domain { kind, .. } => {
                if let Some(def) = crate::probe::domain::def(*kind) {
                    if !plan.follows.iter().any(|d| d == def.description) {
                        plan.follows.push(def.description.to_string());
                    }
                    for path in def.stock {
                        match path.strip_prefix("~/") {
                            // Homes are where /etc/passwd says; root's and /home's are the usual.
                            Some(rest) => {
                                plan.homes.insert(rest.to_string());
                                plan.files.insert(format!("/root/{rest}"));
                                plan.files.insert(format!("/home/*/{rest}"));
                            }
                            None => {
                                plan.files.insert(path.to_string());
                            }
                        }
                    }
                }
            }
        }
    }
    // The probes that read in the app's folder need it found first (`--app-dir` aside).
    let reads_app = kinds.iter().any(|k| k.probe_type().needs_app());
    if reads_app {
        plan.follows
            .push("app discovery: the systemd services that run the app, and the folders that may hold it".to_string());
        plan.files.insert(crate::parse::app::UNITS.to_string());
        for base in crate::parse::app::BASES {
            for marker in crate::parse::app::MARKERS {
                plan.stats.insert(format!("{base}/{marker}"));
            }
        }
    }
    // A glob's directory is listed to expand it: shown as the pattern, not twice.
    let patterns: Vec<String> = plan
        .files
        .iter()
        .chain(&plan.stats)
        .filter(|p| is_glob(p))
        .cloned()
        .collect();
    plan.dirs
        .retain(|dir| !patterns.iter().any(|p| p.starts_with(&format!("{dir}/"))));
    plan.files
        .retain(|f| !patterns.iter().any(|p| p != f && p.starts_with(&format!("{f}/"))));
    plan
}

pub fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}
