//! The command line as clap types, and nothing else: commands, flags and their
//! help text, which scripts and CI jobs rely on.
//! `settings` turns these raw flags into validated working objects.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Walks a security auditor through the audit of a Python web backend on a Linux
/// server: collects evidence, decides each control, interviews for the rest, and
/// exports a signed evidence bundle.
#[derive(Debug, Parser)]
#[command(name = "vouch", version, about, long_about = None, propagate_version = true)]
#[command(after_help = "Without a command, vouch opens the audit walkthrough for this machine (`vouch audit local`).")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The interactive walkthrough for TARGET (default: this machine).
    Audit(AuditArgs),
    /// Collect evidence, evaluate every control, print a report (for CI and fleets).
    Scan(ScanArgs),
    /// Write the signed evidence bundle of a session.
    Export(ExportArgs),
    /// Check a bundle's signature and every file's hash.
    Verify(VerifyArgs),
    /// The saved sessions.
    Sessions {
        #[command(subcommand)]
        action: Option<SessionsAction>,
    },
    /// The checklists in use, and validation of checklist files.
    Checklists {
        #[command(subcommand)]
        action: Option<ChecklistsAction>,
    },
    /// Print a POSIX sh script that gathers the same evidence into a tar.gz (offline
    /// collection); with --sudoers, the sudoers grant `scan --sudo` needs instead.
    Collector(CollectorArgs),
    /// Audit archives made by the `collector` script, as `scan --from` does (provenance: imported).
    Import(ImportArgs),
}

/// Which checklists are in use, and which of their controls: for `audit`, `scan`,
/// `import` and `collector` alike.
#[derive(Debug, Args, Clone, Default)]
pub struct CatalogArgs {
    /// Use these checklist files or folders instead of the bundled ones (repeatable).
    #[arg(long, value_name = "PATH")]
    pub checklists: Vec<PathBuf>,
    /// Restrict to these sections or control ids (repeatable, or comma-separated).
    #[arg(long, value_name = "SECTION|ID", value_delimiter = ',')]
    pub only: Vec<String>,
}

/// Options shared by `audit` and `scan`: what to audit and with which checklists.
#[derive(Debug, Args, Clone, Default)]
pub struct TargetOptions {
    /// With `local`: read the host's files under DIR instead of `/` (a copy of a
    /// server's filesystem, a mounted image, a fixture). No command is run.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The Python application's directory on the target, an absolute path
    /// (default: the WorkingDirectory of the systemd service running gunicorn,
    /// uvicorn... else the first of /srv/*, /var/www/*, /opt/*, /home/*/* holding
    /// requirements.txt, pyproject.toml, setup.py or manage.py).
    #[arg(long, value_name = "PATH")]
    pub app_dir: Option<String>,
    #[command(flatten)]
    pub catalog: CatalogArgs,
    /// Evaluate time-based controls at this RFC 3339 time instead of now.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
    /// Host keys to trust (default ~/.ssh/known_hosts).
    #[arg(long, value_name = "FILE")]
    pub known_hosts: Option<PathBuf>,
    /// Trust an unknown host key on first use (recorded); a changed key is always refused.
    #[arg(long)]
    pub accept_new: bool,
    /// Private key for SSH (otherwise ssh-agent, then IdentityFile, then default keys).
    #[arg(short = 'i', long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
    /// Use `sudo -n` for reads that need root (never prompts).
    #[arg(long)]
    pub sudo: bool,
}

#[derive(Debug, Args, Default)]
pub struct AuditArgs {
    /// `local` (default), `[ssh://][user@]host[:port]`, or a Host alias from ~/.ssh/config.
    #[arg(value_name = "TARGET")]
    pub target: Option<String>,
    #[command(flatten)]
    pub options: TargetOptions,
    /// The auditor's name, instead of the login name.
    #[arg(long, value_name = "NAME")]
    pub auditor: Option<String>,
    /// Always start a new session (default: resume the newest unfinished one for
    /// this target).
    #[arg(long, conflicts_with = "session")]
    pub new: bool,
    /// Open this session (see `vouch sessions list`).
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// The organisation audited (shown in the walkthrough, kept in the session).
    #[arg(long, value_name = "NAME")]
    pub organisation: Option<String>,
    /// The auditor's email, kept in the session beside their name.
    #[arg(long, value_name = "EMAIL")]
    pub auditor_email: Option<String>,
    /// The largest document an answer may take (`500MiB`, `2GiB`, `1G`, bytes;
    /// default 4GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub attachment_cap: Option<u64>,
}

/// A size: a number of bytes, or one with a unit (`k`/`KiB`, `M`/`MiB`,
/// `G`/`GiB`, `T`/`TiB`, powers of 1024; `B` for bytes).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (e.g. 500MiB, 2GiB)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("`{unit}` is not a unit of size (KiB, MiB, GiB, TiB)")),
    };
    number
        .checked_mul(1u64 << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For a terminal: what needs action first, then each section.
    Text,
    /// The results document (`vouch.results/1`), for scripts and jq.
    Json,
    /// For a ticket, a wiki page or a pull request.
    Markdown,
    /// One self-contained page for people who never open a terminal; prints to PDF.
    Html,
    /// JUnit XML, for CI dashboards: a test case per control.
    Junit,
    /// SARIF 2.1.0, for code-scanning dashboards: findings at file and line.
    Sarif,
    /// OSCAL assessment results (JSON), for GRC tools.
    Oscal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FailOn {
    /// Exit 1 when a control fails or could not be evaluated (error).
    #[default]
    Fail,
    /// Exit 1 on fail, error or warn.
    Warn,
    /// Always exit 0 once the scan ran.
    Never,
}

/// Where a scan's report goes, and what it makes of the exit code.
#[derive(Debug, Args, Default)]
pub struct ReportArgs {
    /// Report format (default: text).
    #[arg(long, value_enum, value_name = "FMT")]
    pub format: Option<Format>,
    /// Write the report to FILE instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Which statuses make the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Fail, value_name = "LEVEL")]
    pub fail_on: FailOn,
}

#[derive(Debug, Args, Default)]
pub struct ScanArgs {
    /// Targets: `local` (default), `[ssh://][user@]host[:port]`, or ssh_config Host aliases.
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub options: TargetOptions,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Hosts audited at once (fleet).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 4)]
    pub jobs: usize,
    /// Targets from an Ansible inventory (INI or YAML) or a plain list, one per line.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// Also write the signed evidence bundle of this scan (one target): PACK.zip or a
    /// folder. With SOURCE_DATE_EPOCH set, the same files give the same bytes.
    #[arg(long, value_name = "PACK")]
    pub bundle: Option<PathBuf>,
    /// Signing key for --bundle (an OpenSSH private key, or a .pub whose key ssh-agent holds; default: ssh-agent's key, else vouch's own).
    #[arg(long, value_name = "KEY")]
    pub sign_key: Option<PathBuf>,
    /// Also keep this scan as a session in the data folder (one per target), its
    /// journal written as evidence comes in; the id is printed on stderr. See
    /// `vouch sessions`.
    #[arg(long)]
    pub save: bool,
    /// The auditor's name, recorded in a saved session (default: the login name).
    #[arg(long, value_name = "NAME")]
    pub auditor: Option<String>,
    /// Connect to nothing: list the files, directories and commands the scan would
    /// read and run on each target, for the server's admin to review.
    #[arg(long)]
    pub dry_run: bool,
    /// Audit an archive made by `vouch collector` on a server (repeatable); its
    /// evidence has provenance `imported`.
    #[arg(long, value_name = "ARCHIVE")]
    pub from: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Session id (default: the newest).
    #[arg(value_name = "SESSION")]
    pub session: Option<String>,
    /// Where to write the bundle: PACK.zip, or a folder.
    #[arg(short = 'o', long, value_name = "PACK")]
    pub output: PathBuf,
    /// Signing key (an OpenSSH private key, or a .pub whose key ssh-agent holds; default: ssh-agent's key, else vouch's own).
    #[arg(long, value_name = "KEY")]
    pub sign_key: Option<PathBuf>,
    /// The identity the pack is signed as (default: the session auditor's email, else name).
    #[arg(long, value_name = "NAME")]
    pub auditor: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The bundle: a .zip or a folder.
    #[arg(value_name = "PACK")]
    pub pack: PathBuf,
    /// Your own allowed_signers file, to prove the signer's identity.
    #[arg(long, value_name = "FILE", requires = "identity")]
    pub allowed_signers: Option<PathBuf>,
    /// The signer identity to require (with --allowed-signers).
    #[arg(long, value_name = "ID", requires = "allowed_signers")]
    pub identity: Option<String>,
    /// text (the first problem, or what holds), or json (every check, for tools).
    #[arg(long, value_enum, default_value = "text")]
    pub format: VerifyFormat,
}

/// How `verify` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    Text,
    Json,
}

/// How `sessions show` prints a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SessionFormat {
    Text,
    Json,
    Markdown,
    /// The HTML report, with the session's cover.
    Html,
}

#[derive(Debug, Subcommand)]
pub enum SessionsAction {
    /// List saved sessions (the default).
    List,
    /// Show one session: its results, rebuilt from its journal.
    Show {
        id: String,
        /// Output format: text (default), json (the results document), markdown, html.
        #[arg(long, value_enum, default_value = "text")]
        format: SessionFormat,
    },
    /// Delete one session and everything in it.
    Rm {
        id: String,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ChecklistsAction {
    /// List the checklists in use and their controls (the default).
    List(ListArgs),
    /// Validate checklist files; errors point at file:line:column.
    Lint {
        /// Files or folders of *.toml checklists.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Args, Default)]
pub struct ListArgs {
    /// Use these checklist files or folders instead of the bundled ones.
    #[arg(long, value_name = "PATH")]
    pub checklists: Vec<PathBuf>,
    /// List the evaluators and probe kinds a checklist can use instead.
    #[arg(long)]
    pub evaluators: bool,
    /// Print the control catalog as a Markdown table.
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Debug, Args)]
pub struct CollectorArgs {
    /// Write the script (or the grant) to FILE instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print instead a sudoers grant for `vouch scan --sudo`: exactly the
    /// read-only commands and reads the checklists need, as root, for --user.
    #[arg(long)]
    pub sudoers: bool,
    /// The login the sudoers grant is for (default: the current user).
    #[arg(long, value_name = "NAME", requires = "sudoers")]
    pub user: Option<String>,
    #[command(flatten)]
    pub catalog: CatalogArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The tar.gz archives made by the collector script (one per server).
    #[arg(value_name = "ARCHIVE", required = true)]
    pub archives: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub catalog: CatalogArgs,
    /// Evaluate time-based controls at this RFC 3339 time instead of now.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
    /// Keep each archive's audit as a session (see `vouch sessions`).
    #[arg(long)]
    pub save: bool,
}
