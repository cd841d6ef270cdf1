//! The `vouch` binary: parse the command line, run the command, map how it ended
//! to the exit codes of spec/cli.md (0 clean, 1 findings, 2 usage or unreachable).

use clap::Parser;
use std::process::ExitCode;
use vouch::cli::Cli;
use vouch::commands::{self, Ended};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ended = commands::dispatch(cli);
    match &ended {
        Ended::Usage(e) => eprintln!("vouch: {e}"),
        Ended::Failed(e) => eprintln!("vouch: {e:#}"),
        Ended::Clean | Ended::Findings => {}
    }
    ExitCode::from(ended.exit_code())
}
