//! The `vouch` binary: parse the command line, run the command, map how it ended
//! to vouch's exit codes (0 clean, 1 findings, 2 usage or unreachable).

use clap::Parser;
use std::process::ExitCode;
use vouch::cli::Cli;
use vouch::commands::{self, Ended};

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
