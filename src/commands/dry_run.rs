//! `vouch scan --dry-run`: what the scan would read and run on each target,
//! reaching none of them — for the server's admin to review before granting
//! access. Files a configuration includes are named by what follows them.

use crate::engine::plan::{self, ReadPlan};
use crate::sanitize::terminal;
use crate::settings::ScanSettings;
use crate::transport::TargetSpec;
use std::fmt::Write as _;

pub fn render(settings: &ScanSettings) -> String {
    let plan = plan::reads(&settings.catalog);
    let mut out = String::from("vouch scan --dry-run: nothing was connected to, read or run.\n\nTargets:\n");
    let mut sudo = false;
    for spec in &settings.targets {
        let how = match spec {
            TargetSpec::Ssh { target, options } => {
                sudo |= options.sudo;
                let via = match target.route().as_slice() {
                    [] => String::new(),
                    hops => format!(" via {}", hops.join(", ")),
                };
                format!("ssh {}{via}", target.address())
            }
            other => other.describe(),
        };
        let _ = writeln!(out, "  {}  ({})", terminal(&spec.name()), terminal(&how));
    }
    section(
        &mut out,
        "Files read (a pattern reads every match)",
        plan.files.iter().cloned(),
    );
    section(
        &mut out,
        "Directories listed (each entry read)",
        plan.dirs.iter().cloned(),
    );
    section(
        &mut out,
        "Looked at without reading (mode, owner, link)",
        plan.stats.iter().cloned(),
    );
    section(
        &mut out,
        "Commands run (read-only forms only; LC_ALL=C, the system PATH)",
        plan.commands
            .iter()
            .map(|argv| shlex::try_join(argv.iter().map(String::as_str)).unwrap_or_default()),
    );
    section(
        &mut out,
        "Followed through their includes (read as found)",
        plan.follows.iter().cloned(),
    );
    out.push_str(&notes(&plan, sudo));
    out
}

fn section(out: &mut String, title: &str, lines: impl Iterator<Item = String>) {
    let lines: Vec<String> = lines.collect();
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}:");
    for line in lines {
        let _ = writeln!(out, "  {}", terminal(&line));
    }
}

fn notes(plan: &ReadPlan, sudo: bool) -> String {
    let mut out = String::from(
        "\nOver SSH, files are read through SFTP (or `cat`, `stat`, `find` where SFTP is missing);\n\
         nothing is written on the server.\n",
    );
    if sudo {
        out.push_str(&format!(
            "With --sudo, every command runs as `sudo -n` (never a prompt), and a file the login\n\
             cannot read is read through `sudo -n cat`; `vouch collector --sudoers` prints the grant\n\
             ({} commands) so no one grants NOPASSWD ALL.\n",
            super::sudoers::commands(plan).len()
        ));
    }
    out
}
