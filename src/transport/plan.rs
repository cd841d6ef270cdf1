//! A transport that reaches nothing: it notes every read, listing, look and
//! command asked of it and answers that nothing is there. Run the catalog's
//! probes through it and the notes are what vouch would ask of a server —
//! for `scan --dry-run`, the sudoers grant and the offline collector script.
//! (A configuration's includes are followed only once its file is read, so they
//! never show here: the callers say so.)

use super::{Admit, CommandRun, DirList, FileRead, Stat, Transport, TransportError};
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

/// What was asked, each once, sorted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Asked {
    pub files: BTreeSet<String>,
    pub dirs: BTreeSet<String>,
    pub stats: BTreeSet<String>,
    pub commands: BTreeSet<Vec<String>>,
}

#[derive(Default)]
pub struct PlanTransport {
    asked: Mutex<Asked>,
}

impl PlanTransport {
    pub fn new() -> PlanTransport {
        PlanTransport::default()
    }

    pub fn asked(&self) -> Asked {
        self.asked.lock().map(|a| a.clone()).unwrap_or_default()
    }

    fn note(&self, f: impl FnOnce(&mut Asked)) {
        let mut asked = self.asked.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut asked);
    }
}

impl Transport for PlanTransport {
    fn describe(&self) -> String {
        "a dry run (nothing is read)".into()
    }

    fn read_file(&self, path: &str, _cap: u64, _admit: Admit) -> Result<FileRead, TransportError> {
        self.note(|a| {
            a.files.insert(path.to_string());
        });
        Ok(FileRead::Missing)
    }

    fn list_dir(&self, path: &str) -> Result<DirList, TransportError> {
        self.note(|a| {
            a.dirs.insert(path.to_string());
        });
        Ok(DirList::Missing)
    }

    fn stat(&self, path: &str) -> Result<Stat, TransportError> {
        self.note(|a| {
            a.stats.insert(path.to_string());
        });
        Ok(Stat::Missing)
    }

    fn run(&self, argv: &[String], _timeout: Duration, _cap: u64) -> Result<CommandRun, TransportError> {
        self.note(|a| {
            a.commands.insert(argv.to_vec());
        });
        Ok(CommandRun::NotRun("a dry run runs nothing".into()))
    }
}
