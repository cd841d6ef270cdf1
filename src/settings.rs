//! Validated settings: raw CLI flags checked once and turned into the working
//! objects the commands use. Nothing after this sees raw flags.

use crate::checklist::{self, Catalog, ChecklistText, Diagnostic};
use crate::cli::{FailOn, Format, ScanArgs, TargetOptions};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// A problem the user must fix before anything runs: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("{0}")]
    Invalid(String),
    #[error("the checklists have errors:\n{}", render(.0))]
    Checklists(Vec<Diagnostic>),
}

fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

use crate::transport::ssh::{SshOptions, UserFiles};
pub use crate::transport::TargetSpec;

/// Everything `scan` needs, validated.
pub struct ScanSettings {
    pub catalog: Catalog,
    pub warnings: Vec<Diagnostic>,
    pub targets: Vec<TargetSpec>,
    /// `--app-dir`: the application's directory on every target (none: discovered).
    pub app_dir: Option<String>,
    pub as_of: DateTime<Utc>,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub fail_on: FailOn,
    pub jobs: usize,
    /// Keep each target's scan as a session.
    pub save: bool,
    /// Who audits (`--auditor`, else the name the walkthrough remembered, else the login).
    pub auditor: String,
    /// Also write the target's signed evidence bundle.
    pub bundle: Option<BundleTo>,
}

/// Where `scan --bundle` writes, and with which key.
pub struct BundleTo {
    pub path: PathBuf,
    pub sign_key: Option<PathBuf>,
}

/// What `vouch audit` (and bare `vouch`) was asked to do.
pub struct AuditSettings {
    pub catalog: Catalog,
    pub warnings: Vec<Diagnostic>,
    pub target: TargetSpec,
    /// `--app-dir`: the application's directory on the target (none: discovered).
    pub app_dir: Option<String>,
    pub as_of: DateTime<Utc>,
    pub auditor: String,
    pub new: bool,
    pub session: Option<String>,
    /// The largest document taken, in bytes.
    pub attachment_cap: u64,
    pub organisation: Option<String>,
    pub auditor_email: Option<String>,
}

impl AuditSettings {
    pub fn from_args(args: &crate::cli::AuditArgs) -> Result<Self, UsageError> {
        let names: Vec<String> = args.target.iter().cloned().collect();
        let target = targets(&names, &args.options)?
            .into_iter()
            .next()
            .ok_or_else(|| UsageError::Invalid("no target".into()))?;
        let (catalog, warnings) = catalog(&args.options.catalog.checklists, &args.options.catalog.only)?;
        Ok(AuditSettings {
            catalog,
            warnings,
            target,
            app_dir: app_dir(args.options.app_dir.as_deref())?,
            as_of: as_of(args.options.as_of.as_deref())?,
            auditor: auditor(args.auditor.as_deref()),
            new: args.new,
            session: args.session.clone(),
            attachment_cap: args.attachment_cap.unwrap_or(crate::session::recording::ATTACHMENT_CAP),
            organisation: args.organisation.clone(),
            auditor_email: args.auditor_email.clone(),
        })
    }
}

impl ScanSettings {
    pub fn from_args(args: &ScanArgs) -> Result<Self, UsageError> {
        if args.sign_key.is_some() && args.bundle.is_none() {
            return Err(UsageError::Invalid("--sign-key goes with --bundle PACK".into()));
        }
        let format = args.report.format.unwrap_or(Format::Text);
        if args.jobs == 0 {
            return Err(UsageError::Invalid("--jobs must be at least 1".into()));
        }
        let mut targets = if args.targets.is_empty() && (args.inventory.is_some() || !args.from.is_empty()) {
            Vec::new()
        } else {
            targets(&args.targets, &args.options)?
        };
        if let Some(file) = &args.inventory {
            targets.extend(inventory_targets(file, &args.options)?);
        }
        for archive in &args.from {
            if !archive.is_file() {
                return Err(UsageError::Invalid(format!(
                    "--from {}: no such archive",
                    archive.display()
                )));
            }
            targets.push(TargetSpec::Archive { path: archive.clone() });
        }
        let mut seen = std::collections::BTreeSet::new();
        if let Some(twice) = targets
            .iter()
            .map(TargetSpec::name)
            .find(|name| !seen.insert(name.clone()))
        {
            return Err(UsageError::Invalid(format!(
                "`{}` is named twice: each target is audited once",
                crate::sanitize::terminal(&twice)
            )));
        }
        let bundle = match &args.bundle {
            None => None,
            Some(path) => {
                if targets.len() != 1 {
                    return Err(UsageError::Invalid(
                        "--bundle packs one target's audit: scan the others one at a time".into(),
                    ));
                }
                crate::bundle::write::free(path).map_err(UsageError::Invalid)?;
                Some(BundleTo {
                    path: path.clone(),
                    sign_key: args.sign_key.clone(),
                })
            }
        };
        let (catalog, warnings) = catalog(&args.options.catalog.checklists, &args.options.catalog.only)?;
        Ok(ScanSettings {
            catalog,
            warnings,
            targets,
            app_dir: app_dir(args.options.app_dir.as_deref())?,
            as_of: as_of(args.options.as_of.as_deref())?,
            format,
            output: args.report.output.clone(),
            fail_on: args.report.fail_on,
            jobs: args.jobs,
            save: args.save,
            auditor: remembered_auditor(args.auditor.as_deref()),
            bundle,
        })
    }
}

/// `--app-dir`: an absolute path on the target, without `..` (it names a place
/// on the target, read inside `--root` when one is given).
fn app_dir(given: Option<&str>) -> Result<Option<String>, UsageError> {
    let Some(dir) = given else { return Ok(None) };
    if !dir.starts_with('/') {
        return Err(UsageError::Invalid(format!(
            "--app-dir {}: give the absolute path on the target (e.g. /srv/shop)",
            crate::sanitize::terminal(dir)
        )));
    }
    if dir.split('/').any(|part| part == "..") || dir.contains('\0') {
        return Err(UsageError::Invalid(format!(
            "--app-dir {}: `..` is not allowed",
            crate::sanitize::terminal(dir)
        )));
    }
    let trimmed = dir.trim_end_matches('/');
    Ok(Some(if trimmed.is_empty() {
        "/".to_string()
    } else {
        trimmed.to_string()
    }))
}

fn targets(names: &[String], options: &TargetOptions) -> Result<Vec<TargetSpec>, UsageError> {
    let names: Vec<&str> = if names.is_empty() {
        vec!["local"]
    } else {
        names.iter().map(String::as_str).collect()
    };
    let remote = names.iter().any(|n| *n != "local");
    if !remote {
        let ssh_only = [
            ("--known-hosts", options.known_hosts.is_some()),
            ("--identity", options.identity.is_some()),
            ("--accept-new", options.accept_new),
            ("--sudo", options.sudo),
        ];
        if let Some((flag, _)) = ssh_only.iter().find(|(_, given)| *given) {
            return Err(UsageError::Invalid(format!(
                "{flag} applies to SSH targets; `local` is read directly"
            )));
        }
    } else if options.root.is_some() {
        return Err(UsageError::Invalid(
            "--root applies to `local`, not to SSH targets".into(),
        ));
    }
    let ssh = if remote { Some(ssh_setup(options)?) } else { None };
    let mut specs = Vec::new();
    for name in names {
        if name == "local" {
            if let Some(root) = &options.root {
                if !root.is_dir() {
                    return Err(UsageError::Invalid(format!(
                        "--root {}: not a directory",
                        root.display()
                    )));
                }
            }
            if specs.iter().any(|s| matches!(s, TargetSpec::Local { .. })) {
                return Err(UsageError::Invalid("`local` can be given only once".into()));
            }
            specs.push(TargetSpec::Local {
                root: options.root.clone(),
            });
            continue;
        }
        let Some((files, ssh_options)) = &ssh else {
            continue;
        };
        let identities: Vec<PathBuf> = options.identity.iter().cloned().collect();
        let target = crate::transport::ssh::target::resolve(name, &identities, files).map_err(UsageError::Invalid)?;
        specs.push(TargetSpec::Ssh {
            target: Box::new(target),
            options: Box::new(ssh_options.clone()),
        });
    }
    Ok(specs)
}

/// The targets of an Ansible inventory (or a plain list), each resolved through
/// ssh_config with its inventory variables, and named as the inventory names it.
fn inventory_targets(file: &Path, options: &TargetOptions) -> Result<Vec<TargetSpec>, UsageError> {
    use std::io::Read;
    let shown = file.display().to_string();
    let mut text = String::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(crate::inventory::CAP + 1).read_to_string(&mut text))
        .map_err(|e| UsageError::Invalid(format!("--inventory {shown}: {e}")))?;
    if text.len() as u64 > crate::inventory::CAP {
        return Err(UsageError::Invalid(format!(
            "--inventory {shown}: larger than {} MiB",
            crate::inventory::CAP >> 20
        )));
    }
    let hosts =
        crate::inventory::parse(&text, &shown).map_err(|e| UsageError::Invalid(crate::sanitize::terminal(&e)))?;
    if options.root.is_some() {
        return Err(UsageError::Invalid(
            "--root applies to `local`, not to an inventory's hosts".into(),
        ));
    }
    let (files, ssh_options) = ssh_setup(options)?;
    hosts
        .iter()
        .map(|host| {
            let mut identities: Vec<PathBuf> = options.identity.iter().cloned().collect();
            if let Some(key) = &host.key_file {
                let key = match key.strip_prefix("~/") {
                    Some(rest) => files.home.join(rest),
                    None => PathBuf::from(key),
                };
                identities.push(key);
            }
            let mut target =
                crate::transport::ssh::target::resolve(&host.target(), &identities, &files).map_err(|e| {
                    UsageError::Invalid(format!(
                        "--inventory {shown}: host {}: {e}",
                        crate::sanitize::terminal(&host.name)
                    ))
                })?;
            target.name = host.name.clone();
            Ok(TargetSpec::Ssh {
                target: Box::new(target),
                options: Box::new(ssh_options.clone()),
            })
        })
        .collect()
}

/// A saved session's SSH target, reached again with the default options.
pub fn ssh_target(name: &str) -> Result<TargetSpec, UsageError> {
    let options = TargetOptions::default();
    let (files, ssh_options) = ssh_setup(&options)?;
    let target = crate::transport::ssh::target::resolve(name, &[], &files).map_err(UsageError::Invalid)?;
    Ok(TargetSpec::Ssh {
        target: Box::new(target),
        options: Box::new(ssh_options),
    })
}

/// The user's ssh files and the options every SSH target of this run shares.
fn ssh_setup(options: &TargetOptions) -> Result<(UserFiles, SshOptions), UsageError> {
    let files = UserFiles::current().map_err(UsageError::Invalid)?;
    if let Some(key) = &options.identity {
        if !key.is_file() {
            return Err(UsageError::Invalid(format!("-i {}: no such key file", key.display())));
        }
    }
    let known_hosts = options
        .known_hosts
        .clone()
        .unwrap_or_else(|| files.home.join(".ssh").join("known_hosts"));
    let ssh_options = SshOptions {
        known_hosts,
        accept_new: options.accept_new,
        sudo: options.sudo,
        connect_timeout: std::time::Duration::from_secs(10),
        home: files.home.clone(),
    };
    Ok((files, ssh_options))
}

/// The auditor's name: given, else the login name.
fn auditor(given: Option<&str>) -> String {
    given
        .map(str::to_string)
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .or_else(|| std::env::var("LOGNAME").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// `--auditor`, else the name the walkthrough remembered (never asked here),
/// else the login name.
fn remembered_auditor(given: Option<&str>) -> String {
    if given.is_none() {
        let remembered = crate::paths::config_dir()
            .ok()
            .and_then(|dir| std::fs::read_to_string(dir.join("auditor")).ok())
            .map(|text| crate::sanitize::terminal(text.trim()))
            .filter(|name| !name.is_empty());
        if let Some(name) = remembered {
            return name;
        }
    }
    auditor(given)
}

/// Parse `--as-of` (RFC 3339), or now.
pub fn as_of(text: Option<&str>) -> Result<DateTime<Utc>, UsageError> {
    match text {
        None => Ok(crate::clock::now()),
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                UsageError::Invalid(format!(
                    "--as-of `{text}` is not an RFC 3339 time ({e}); e.g. 2026-11-22T12:00:00Z"
                ))
            }),
    }
}

/// Load the bundled checklists, or those at `paths`, and apply `--only`.
pub fn catalog(paths: &[PathBuf], only: &[String]) -> Result<(Catalog, Vec<Diagnostic>), UsageError> {
    let texts = if paths.is_empty() {
        checklist::bundled::texts()
    } else {
        read_checklists(paths).map_err(|e| UsageError::Invalid(format!("--checklists: {e}")))?
    };
    let (mut catalog, warnings) = checklist::load_catalog(&texts).map_err(|e| UsageError::Checklists(e.diagnostics))?;
    let unknown = catalog.restrict(only);
    if !unknown.is_empty() {
        return Err(UsageError::Invalid(format!(
            "--only {}: no such section or control id in the checklists in use",
            unknown.join(", ")
        )));
    }
    Ok((catalog, warnings))
}

/// Read checklist files; a folder contributes its *.toml files in name order.
pub fn read_checklists(paths: &[PathBuf]) -> Result<Vec<ChecklistText>, UsageError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| UsageError::Invalid(format!("{}: {e}", path.display())))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(UsageError::Invalid(format!(
                    "{}: no *.toml checklist in this folder",
                    path.display()
                )));
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    files.iter().map(|p| read_one(p)).collect()
}

fn read_one(path: &Path) -> Result<ChecklistText, UsageError> {
    let bytes = std::fs::read(path).map_err(|e| UsageError::Invalid(format!("{}: {e}", path.display())))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| UsageError::Invalid(format!("{}: not UTF-8 text (is it a checklist?)", path.display())))?;
    Ok(ChecklistText {
        origin: path.display().to_string(),
        text,
    })
}
