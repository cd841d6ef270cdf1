//! `vouch scan`: collect, evaluate, render, and pick the exit code.

use super::Ended;
use crate::cli::{FailOn, Format, ScanArgs};
use crate::engine::{self, Event, EventSink, Options};
use crate::model::{Status, Target};
use crate::report;
use crate::results::{ControlResult, HostResult, ScanResults, Summary};
use crate::sanitize::terminal;
use crate::session::{Recording, Start, Store};
use crate::settings::ScanSettings;
use crate::transport::{self, TargetSpec};
use anyhow::Context;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub fn run(args: &ScanArgs) -> Ended {
    let settings = match ScanSettings::from_args(args) {
        Ok(settings) => settings,
        Err(e) => return e.into(),
    };
    if args.dry_run {
        return super::write_out(settings.output.as_deref(), &super::dry_run::render(&settings));
    }
    super::install_redaction_key();
    for warning in &settings.warnings {
        if !warning.file.starts_with("bundled:") {
            eprintln!("{warning}");
        }
    }
    // The key first, so a passphrase is asked before minutes of collection.
    let key = match &settings.bundle {
        Some(to) => match super::signing::key(to.sign_key.as_deref(), &settings.auditor) {
            Ok(key) => Some(key),
            Err(why) => return Ended::Failed(anyhow::anyhow!(why)),
        },
        None => None,
    };
    let store = match sessions_store(&settings) {
        Ok(store) => store,
        Err(why) => return Ended::Failed(anyhow::anyhow!(why)),
    };
    let scanned = scan_targets(&settings, store.as_ref().map(|s| &s.store));
    let (hosts, ids): (Vec<HostResult>, Vec<Option<String>>) = scanned.into_iter().unzip();
    let results = ScanResults::new(&settings.catalog, settings.as_of, hosts);
    if let Err(e) = write_report(&settings, &results) {
        return Ended::Failed(e);
    }
    let failed: Vec<&HostResult> = results.hosts.iter().filter(|h| h.error.is_some()).collect();
    match failed.as_slice() {
        [] => {}
        [one] if results.hosts.len() == 1 => {
            return Ended::Failed(anyhow::anyhow!("{}", one.error.as_deref().unwrap_or_default()));
        }
        several => {
            // A fleet: each host's reason on its own line, then the count.
            for host in several {
                eprintln!("vouch: {}", terminal(host.error.as_deref().unwrap_or_default()));
            }
            return Ended::Failed(anyhow::anyhow!(
                "{} of {} targets could not be audited to the end (the report covers them all)",
                several.len(),
                results.hosts.len()
            ));
        }
    }
    if let (Some(to), Some(key), Some(store)) = (&settings.bundle, &key, &store) {
        let Some(Some(id)) = ids.first() else {
            return Ended::Failed(anyhow::anyhow!(
                "no bundle written: the scan could not be kept as a session"
            ));
        };
        if let Err(why) = bundle(&store.store, id, &to.path, key) {
            return Ended::Failed(anyhow::anyhow!(why));
        }
    }
    if crosses(&results.hosts, settings.fail_on) {
        Ended::Findings
    } else {
        Ended::Clean
    }
}

/// Where scans are kept as sessions: the data folder with `--save`; for
/// `--bundle` alone, a private scratch folder removed when done.
struct Sessions {
    store: Store,
    scratch: Option<std::path::PathBuf>,
}

impl Drop for Sessions {
    fn drop(&mut self) {
        if let Some(dir) = &self.scratch {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn sessions_store(settings: &ScanSettings) -> Result<Option<Sessions>, String> {
    if settings.save {
        return Store::open_default()
            .map(|store| Some(Sessions { store, scratch: None }))
            .map_err(|why| format!("cannot save the session: {why}"));
    }
    if settings.bundle.is_none() {
        return Ok(None);
    }
    let mut nonce = [0u8; 8];
    let _ = rustix::rand::getrandom(&mut nonce, rustix::rand::GetRandomFlags::empty());
    let dir = std::env::temp_dir().join(format!("vouch-scan-{}-{}", std::process::id(), hex::encode(nonce)));
    crate::paths::private_dir(&dir)?;
    Ok(Some(Sessions {
        store: Store::at(dir.join("sessions")),
        scratch: Some(dir),
    }))
}

/// Finish the scan's session (it has no interview) and write its signed bundle.
fn bundle(store: &Store, id: &str, to: &std::path::Path, key: &crate::bundle::sign::Key) -> Result<(), String> {
    crate::bundle::leak::check_session(store, id)?;
    let mut recording = Recording::resume(store, id)?;
    if !recording.finish() {
        return Err(recording.failure.clone().unwrap_or_default());
    }
    drop(recording);
    let written = crate::bundle::write::write(store, id, to, Some(key))?;
    eprintln!(
        "vouch: wrote {} ({} files), signed by {} as {}; check it with `vouch verify {}`",
        to.display(),
        written.sums.len(),
        key.fingerprint(),
        terminal(&key.identity),
        to.display()
    );
    Ok(())
}

/// A host's results, and the id of the session that kept them.
type Scanned = (HostResult, Option<String>);

/// Audit every target, `--jobs` at once, keeping the order they were given in;
/// with a store, each is kept as a session (its id beside its results).
fn scan_targets(settings: &ScanSettings, store: Option<&Store>) -> Vec<Scanned> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Scanned>>> = settings.targets.iter().map(|_| Mutex::new(None)).collect();
    let progress = super::progress::Progress::start(settings.targets.len());
    std::thread::scope(|scope| {
        for _ in 0..settings.jobs.clamp(1, settings.targets.len().max(1)) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let (Some(spec), Some(slot)) = (settings.targets.get(index), slots.get(index)) else {
                    break;
                };
                let host = scan_target(settings, spec, store);
                progress.done(&host.0);
                *slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(host);
            });
        }
    });
    slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner))
        .collect()
}

/// One target: open its transport and run the engine, keeping the host's results
/// from the end of its event stream. A target that cannot be opened is a host whose
/// every control is an error.
fn scan_target(settings: &ScanSettings, spec: &TargetSpec, store: Option<&Store>) -> Scanned {
    let mut target = Target {
        name: spec.name(),
        root: spec.root(),
        ..Target::default()
    }
    .with_app_dir(settings.app_dir.as_deref());
    let transport = match transport::open(spec) {
        Ok(transport) => transport,
        Err(e) => return (unaudited(settings, spec, &target, &e.to_string()), None),
    };
    target.host_key = transport.host_key();
    let mut options = Options {
        as_of: settings.as_of,
        ..Options::default()
    };
    // With the clock fixed (SOURCE_DATE_EPOCH), probes run one at a time, so a
    // saved session's journal lists what was collected in the same order on
    // every run and the same scan gives the same bundle, byte for byte.
    if crate::clock::is_fixed() {
        options.workers = 1;
    }
    let cancel = Arc::new(AtomicBool::new(false));
    match store {
        None => (
            engine::scan_host(&settings.catalog, &target, transport.as_ref(), &options, &cancel),
            None,
        ),
        Some(store) => saved_scan(settings, spec, &target, transport.as_ref(), &options, store),
    }
}

/// A scan recorded into a new session of `store` as it runs (`--save`, `--bundle`).
fn saved_scan(
    settings: &ScanSettings,
    spec: &TargetSpec,
    target: &Target,
    transport: &dyn transport::Transport,
    options: &Options,
    store: &Store,
) -> Scanned {
    let start = Start {
        target: target.name.clone(),
        root: target.root.clone(),
        app_dir: settings.app_dir.clone(),
        host_key: target.host_key.clone(),
        transport: transport.describe(),
        auditor: settings.auditor.clone(),
        as_of: options.as_of,
        sections: ScanResults::new(&settings.catalog, options.as_of, Vec::new()).sections,
        checklists: settings.catalog.checklists.clone(),
        only: settings.catalog.only.clone(),
        organisation: None,
        auditor_email: None,
    };
    let mut recording = match Recording::start(store, start) {
        Ok(recording) => recording,
        Err(reason) => {
            let why = format!("cannot save the session: {reason}");
            return (unaudited(settings, spec, target, &why), None);
        }
    };
    let mut done = None;
    let mut sink = |event: Event| {
        if let Event::HostDone(host) = &event {
            done = Some((**host).clone());
        }
        recording.accept(event)
    };
    let cancel = Arc::new(AtomicBool::new(false));
    engine::run_host(&settings.catalog, target, transport, options, &cancel, &mut sink);
    // Collection is done, the session is not: its interview is still to come
    // (the walkthrough resumes it), so no `Finished` is written here.
    let id = recording.id().to_string();
    let kept = match &recording.failure {
        None if settings.save => {
            eprintln!("vouch: saved as session {id} (`vouch sessions show {id}`)");
            true
        }
        None => true,
        Some(reason) => {
            eprintln!("vouch: session {id} is incomplete: {}", terminal(reason));
            false
        }
    };
    let host = done.unwrap_or_else(|| unaudited(settings, spec, target, "the scan stopped before the end"));
    (host, kept.then_some(id))
}

/// The results of a host that could not be audited: every control an error, with why.
fn unaudited(settings: &ScanSettings, spec: &TargetSpec, target: &Target, reason: &str) -> HostResult {
    let controls: Vec<ControlResult> = settings
        .catalog
        .controls
        .iter()
        .map(|c| ControlResult::evaluated(c, Status::Error, format!("not audited: {reason}"), Vec::new()))
        .collect();
    HostResult {
        target: target.name.clone(),
        root: target.root.clone(),
        app_dir: None,
        app_dir_source: None,
        transport: spec.describe(),
        host_key: None,
        error: Some(reason.to_string()),
        facts: None,
        summary: Summary::of(controls.iter().map(|c| &c.status)),
        controls,
        evidence: Vec::new(),
    }
}

fn write_report(settings: &ScanSettings, results: &ScanResults) -> anyhow::Result<()> {
    let to_terminal = settings.output.is_none() && std::io::stdout().is_terminal();
    let text = match settings.format {
        Format::Json => report::json::render(results).context("cannot serialize the results")?,
        Format::Markdown => report::markdown::render(results),
        Format::Html => report::html::render(results, None, &report::html::kept, false).map_err(anyhow::Error::msg)?,
        Format::Junit => report::junit::render(results),
        Format::Sarif => report::sarif::render(results).context("cannot serialize the SARIF log")?,
        Format::Oscal => report::oscal::render(results).context("cannot serialize the OSCAL document")?,
        _ => report::text::render(results, to_terminal && wants_color()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{bundled, load_catalog};

    fn settings(targets: Vec<TargetSpec>) -> ScanSettings {
        let (catalog, _) = load_catalog(&bundled::texts()).unwrap();
        ScanSettings {
            catalog,
            warnings: Vec::new(),
            targets,
            app_dir: None,
            as_of: crate::clock::now(),
            format: crate::cli::Format::Json,
            output: None,
            fail_on: FailOn::Fail,
            jobs: 4,
            save: false,
            auditor: "A. Auditor".into(),
            bundle: None,
        }
    }

    #[test]
    fn a_target_that_cannot_be_opened_is_reported_with_every_control_an_error() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let spec = TargetSpec::Local {
            root: Some(file.path().to_path_buf()),
        };
        let settings = settings(vec![spec]);
        let hosts: Vec<HostResult> = scan_targets(&settings, None)
            .into_iter()
            .map(|(host, _)| host)
            .collect();
        let host = &hosts[0];
        let reason = host.error.as_deref().unwrap_or_default();
        assert!(reason.ends_with("unreachable: not a directory"), "{reason}");
        assert_eq!(host.controls.len(), settings.catalog.controls.len());
        assert!(host.controls.iter().all(|c| c.status == Status::Error));
        assert!(!reason.contains('\n'), "one line");
    }

    #[test]
    fn targets_keep_the_order_they_were_given_in_whatever_finishes_first() {
        let dirs: Vec<tempfile::TempDir> = (0..5).map(|_| tempfile::tempdir().unwrap()).collect();
        let specs: Vec<TargetSpec> = dirs
            .iter()
            .map(|d| TargetSpec::Local {
                root: Some(d.path().to_path_buf()),
            })
            .collect();
        let roots: Vec<Option<String>> = specs.iter().map(TargetSpec::root).collect();
        let hosts: Vec<HostResult> = scan_targets(&settings(specs), None)
            .into_iter()
            .map(|(host, _)| host)
            .collect();
        let got: Vec<Option<String>> = hosts.iter().map(|h| h.root.clone()).collect();
        assert_eq!(got, roots);
    }
}
