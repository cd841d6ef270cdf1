//! The fleet's progress bar: hosts audited so far, on stderr while a fleet runs,
//! only on a terminal, cleared before the report is written.

use crate::results::HostResult;
use crate::sanitize::terminal;
use std::io::IsTerminal;

/// Hosts audited so far, on stderr while a fleet runs: only on a terminal, and
/// cleared before the report is written.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    pub fn start(hosts: usize) -> Progress {
        if hosts < 2 || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new(hosts as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} hosts  {elapsed}  {wide_msg}")
        {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Progress(Some(bar))
    }

    pub fn done(&self, host: &HostResult) {
        if let Some(bar) = &self.0 {
            let how = if host.error.is_some() { "not audited" } else { "done" };
            bar.set_message(format!("{}: {how}", terminal(&host.target)));
            bar.inc(1);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
