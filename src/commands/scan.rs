//! `vouch scan`: collect, evaluate, render, and pick the exit code.

use super::Ended;
use crate::cli::{FailOn, Format, ScanArgs};
use crate::engine::{self, Options, Target};
use crate::model::Status;
use crate::report::{self, ReportInput};
use crate::results::{HostResult, ScanResults, Tool, SCHEMA};
use crate::settings::{ScanSettings, TargetSpec};
use crate::transport::fs::FsTransport;
use anyhow::Context;
use std::io::{IsTerminal, Write};

pub fn run(args: &ScanArgs) -> Ended {
    let settings = match ScanSettings::from_args(args) {
        Ok(settings) => settings,
        Err(e) => return e.into(),
    };
    for warning in &settings.warnings {
        if !warning.file.starts_with("bundled:") {
            eprintln!("{warning}");
        }
    }
    let results = ScanResults {
        schema: SCHEMA,
        tool: Tool::this(),
        as_of: settings.as_of,
        hosts: settings.targets.iter().map(|t| scan_target(&settings, t)).collect(),
    };
    if let Err(e) = write_report(&settings, &results) {
        return Ended::Failed(e);
    }
    if crosses(&results.hosts, settings.fail_on) {
        Ended::Findings
    } else {
        Ended::Clean
    }
}

fn scan_target(settings: &ScanSettings, spec: &TargetSpec) -> HostResult {
    let TargetSpec::Local { root } = spec;
    let transport = match root {
        Some(root) => FsTransport::rooted(root),
        None => FsTransport::local(),
    };
    let target = Target {
        name: spec.name(),
        root: root.as_ref().map(|r| r.display().to_string()),
    };
    let options = Options {
        as_of: settings.as_of,
        ..Options::default()
    };
    let (events, _ignored) = std::sync::mpsc::channel();
    engine::run_host(&settings.catalog, &target, &transport, &options, &events)
}

fn write_report(settings: &ScanSettings, results: &ScanResults) -> anyhow::Result<()> {
    let input = ReportInput {
        results,
        catalog: &settings.catalog,
    };
    let to_terminal = settings.output.is_none() && std::io::stdout().is_terminal();
    let text = match settings.format {
        Format::Json => report::json::render(results).context("cannot serialize the results")?,
        Format::Markdown => report::markdown::render(&input),
        _ => report::text::render(&input, to_terminal && wants_color()),
    };
    match &settings.output {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display())),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .context("cannot write to stdout")
        }
    }
}

/// NO_COLOR (any non-empty value) turns colour off; CLICOLOR_FORCE is not needed
/// since colour is only ever used on a terminal.
fn wants_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// Does any control reach the --fail-on level? `error` counts as a failure: a
/// control that could not be evaluated is not a clean bill of health.
fn crosses(hosts: &[HostResult], fail_on: FailOn) -> bool {
    let bad: &[Status] = match fail_on {
        FailOn::Never => return false,
        FailOn::Fail => &[Status::Fail, Status::Error],
        FailOn::Warn => &[Status::Fail, Status::Error, Status::Warn],
    };
    hosts.iter().flat_map(|h| &h.controls).any(|c| bad.contains(&c.status))
}
