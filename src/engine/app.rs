//! Finding the Python application before the probes that read inside it run:
//! `--app-dir` when given (checked to be a directory on the target), else app
//! discovery as cli.md defines it — read through the collector, so what it looked
//! at is evidence like the rest.

use crate::evidence::{FileKind, Source};
use crate::model::Target;
use crate::probe::collector::{Collector, Entry};
use crate::probe::ProbeScope;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

/// Where the application is, or why it is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppFound {
    pub dir: Option<String>,
    /// How it was found (`--app-dir`, `systemd unit shop.service`), or why it was not.
    pub how: String,
}

/// Look for the application on the target; also what that read.
pub fn find(collector: &Collector, target: &Target) -> (AppFound, Vec<Arc<Entry>>) {
    let scope = ProbeScope::new(collector);
    let found = std::panic::catch_unwind(AssertUnwindSafe(|| look(&scope, target))).unwrap_or_else(|_| AppFound {
        dir: None,
        how: "internal error: app discovery failed; please report it".to_string(),
    });
    (found, scope.into_touched())
}

fn look(source: &dyn Source, target: &Target) -> AppFound {
    if let Some(given) = &target.app_dir {
        let how = target.app_dir_source.clone().unwrap_or_else(|| "--app-dir".to_string());
        return checked(source, given, how);
    }
    let found = crate::parse::app::discover(source);
    match found.app {
        // A unit's WorkingDirectory may be gone: nothing is judged on a folder that is not there.
        Some(app) => checked(source, &app.dir, app.how),
        None => AppFound {
            dir: None,
            how: found.reason(),
        },
    }
}

/// The folder `dir` named by `how`, when it is a folder on the target.
fn checked(source: &dyn Source, dir: &str, how: String) -> AppFound {
    match source.meta(dir) {
        Some(meta) if meta.kind == FileKind::Dir || source.list_dir(dir).is_some() => AppFound {
            dir: Some(dir.to_string()),
            how,
        },
        Some(_) => AppFound {
            dir: None,
            how: format!("{how} names {dir}, which is not a directory on the target"),
        },
        None => AppFound {
            dir: None,
            how: format!("{how} names {dir}, which does not exist on the target (or could not be examined)"),
        },
    }
}
