//! The `vouch` binary: parse the command line, run the command, map how it ended
//! to vouch's exit codes (0 clean, 1 findings, 2 usage or unreachable).

use clap::Parser;
use std::process::ExitCode;
use vouch::cli::Cli;
use vouch::commands::{self, Ended};

/// mimalloc rather than glibc's malloc: the collector's worker threads each grow
/// an arena of their own page by page, which cost a tenth of a scan of a large
/// app in system time (BENCHMARKS.md, issue 17).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ended = commands::dispatch(cli);
    match &ended {
        Ended::Usage(e) => eprintln!("vouch: {}", terminal_lines(&e.to_string())),
        Ended::Failed(e) => eprintln!("vouch: {}", terminal_lines(&format!("{e:#}"))),
        Ended::Clean | Ended::Findings => {}
    }
    ExitCode::from(ended.exit_code())
}

/// Messages may quote paths and checklist text: escape control characters, keep lines.
fn terminal_lines(message: &str) -> String {
    message
        .lines()
        .map(vouch::sanitize::terminal)
        .collect::<Vec<_>>()
        .join("\n")
}
