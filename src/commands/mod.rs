//! One module per command: each takes validated settings, does its job, and says
//! which exit code the run deserves. The top of the flow: commands may import any
//! module; none imports commands.

pub mod audit;
pub mod checklists;
pub mod collect;
pub mod collector;
pub mod dry_run;
pub mod export;
pub mod progress;
pub mod scan;
pub mod script;
pub mod sessions;
pub mod signing;
pub mod sudoers;
pub mod verify;

use crate::settings::UsageError;

/// How a command ended, mapped to vouch's exit codes.
#[derive(Debug)]
pub enum Ended {
    /// Nothing at or above --fail-on: exit 0.
    Clean,
    /// Something at or above --fail-on: exit 1.
    Findings,
    /// Usage error or a target that could not be audited: exit 2 with a reason.
    Usage(UsageError),
    /// Anything else that stopped the run: exit 2 with a reason.
    Failed(anyhow::Error),
}

impl Ended {
    pub fn exit_code(&self) -> u8 {
        match self {
            Ended::Clean => 0,
            Ended::Findings => 1,
            Ended::Usage(_) | Ended::Failed(_) => 2,
        }
    }
}

impl From<UsageError> for Ended {
    fn from(e: UsageError) -> Self {
        Ended::Usage(e)
    }
}

impl From<anyhow::Error> for Ended {
    fn from(e: anyhow::Error) -> Self {
        Ended::Failed(e)
    }
}

/// `vouch import ARCHIVE...` is `vouch scan --from ARCHIVE...`.
fn import_as_scan(args: &crate::cli::ImportArgs) -> crate::cli::ScanArgs {
    crate::cli::ScanArgs {
        from: args.archives.clone(),
        report: crate::cli::ReportArgs {
            format: args.report.format,
            output: args.report.output.clone(),
            fail_on: args.report.fail_on,
        },
        save: args.save,
        jobs: 4,
        options: crate::cli::TargetOptions {
            catalog: args.catalog.clone(),
            as_of: args.as_of.clone(),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Write `text` to `path`, or to stdout.
pub fn write_out(path: Option<&std::path::Path>, text: &str) -> Ended {
    use std::io::Write;
    let written = match path {
        Some(path) => std::fs::write(path, text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display())),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| anyhow::anyhow!("cannot write to stdout: {e}"))
        }
    };
    match written {
        Ok(()) => Ended::Clean,
        Err(e) => Ended::Failed(e),
    }
}

/// Key the redaction markers with the user's key before anything is collected, so
/// a reader cannot confirm a guessed secret; if it cannot be kept, say so and use
/// a key made for this run only.
pub fn install_redaction_key() {
    let key = match crate::paths::redaction_key() {
        Ok(key) => key,
        Err(reason) => {
            eprintln!(
                "vouch: {}; redaction markers use a key made for this run only",
                crate::sanitize::terminal(&reason)
            );
            let mut key = [0u8; 32];
            let _ = rustix::rand::getrandom(&mut key, rustix::rand::GetRandomFlags::empty());
            key
        }
    };
    crate::evidence::redact::install_key(key);
}

/// Run the command the user asked for.
pub fn dispatch(cli: crate::cli::Cli) -> Ended {
    use crate::cli::Command;
    match &cli.command {
        None => audit::home(),
        Some(Command::Audit(args)) => audit::run(args),
        Some(Command::Scan(args)) => scan::run(args),
        Some(Command::Checklists { action }) => checklists::run(action.as_ref()),
        Some(Command::Export(args)) => export::run(args),
        Some(Command::Verify(args)) => verify::run(args),
        Some(Command::Sessions { action }) => sessions::run(action.as_ref()),
        Some(Command::Collector(args)) => collector::run(args),
        Some(Command::Import(args)) => scan::run(&import_as_scan(args)),
    }
}
