//! `vouch sessions list|show|rm`: the saved sessions, each rebuilt from its
//! journal. `show --format json` prints the session's results document, so
//! scripts, bundles and re-audits read a session without the walkthrough.

use super::Ended;
use crate::cli::{SessionFormat, SessionsAction};
use crate::report;
use crate::results::ScanResults;
use crate::sanitize::terminal;
use crate::session::{Session, Store};
use crate::settings::UsageError;
use anyhow::Context;
use std::io::{BufRead, IsTerminal, Write};

pub fn run(action: Option<&SessionsAction>) -> Ended {
    let store = match Store::open_default() {
        Ok(store) => store,
        Err(reason) => return Ended::Failed(anyhow::anyhow!(reason)),
    };
    let outcome = match action {
        None | Some(SessionsAction::List) => list(&store),
        Some(SessionsAction::Show { id, format }) => show(&store, id, *format),
        Some(SessionsAction::Rm { id, yes }) => remove(&store, id, *yes),
    };
    match outcome {
        Ok(ended) => ended,
        Err(e) => Ended::Failed(e),
    }
}

fn load(store: &Store, id: &str) -> anyhow::Result<Session> {
    let dir = store.session_dir(id).map_err(anyhow::Error::msg)?;
    if !dir.join("journal.jsonl").is_file() {
        anyhow::bail!("no session {} (see `vouch sessions list`)", terminal(id));
    }
    Session::load(id, &dir).map_err(anyhow::Error::msg)
}

fn list(store: &Store) -> anyhow::Result<Ended> {
    let mut out = String::new();
    let ids = store.ids();
    if ids.is_empty() {
        out.push_str(&format!("no sessions in {}\n", store.root().display()));
    } else {
        out.push_str("id            target            auditor         started               last change           progress  finished\n");
    }
    for id in ids {
        match load(store, &id) {
            Ok(session) => {
                let decided = session.controls.len();
                out.push_str(&format!(
                    "{:<13} {:<17} {:<15} {:<21} {:<21} {:<9} {}\n",
                    session.id,
                    terminal(&session.target),
                    terminal(&session.auditor),
                    crate::clock::rfc3339(&session.started),
                    crate::clock::rfc3339(&session.last_change),
                    decided,
                    if session.finished { "yes" } else { "no" }
                ));
            }
            Err(e) => out.push_str(&format!("{id:<13} cannot be read: {}\n", terminal(&format!("{e:#}")))),
        }
    }
    print(&out)
}

fn show(store: &Store, id: &str, format: SessionFormat) -> anyhow::Result<Ended> {
    let session = load(store, id)?;
    if let Some(truncated) = &session.truncated {
        eprintln!("vouch: {}", terminal(truncated));
    }
    // Decided by the checklists the session started with, kept beside it.
    let catalog = session.catalog(store).map_err(anyhow::Error::msg)?;
    let results: ScanResults = session.results(&catalog);
    let text = match format {
        SessionFormat::Json => report::json::render(&results).context("cannot serialize the results")?,
        SessionFormat::Markdown => report::markdown::render(&results),
        SessionFormat::Html => {
            let contents =
                |record: &crate::evidence::record::EvidenceRecord| crate::bundle::plan::stored_text(store, id, record);
            let cover = crate::bundle::plan::cover(&session, None);
            report::html::render(&results, Some(&cover), &contents, false).map_err(anyhow::Error::msg)?
        }
        SessionFormat::Text => format!("{}{}", about(&session), report::text::render(&results, false)),
    };
    print(&text)
}

/// Who and what a session is about, as `show` opens with it.
fn about(session: &Session) -> String {
    let mut out = format!("Session {} of {}", session.id, terminal(&session.target));
    if let Some(organisation) = &session.organisation {
        out.push_str(&format!(" ({})", terminal(organisation)));
    }
    out.push_str(&format!("\nAuditor: {}", terminal(&session.auditor)));
    if let Some(email) = &session.auditor_email {
        out.push_str(&format!(" <{}>", terminal(email)));
    }
    if !session.interviewees.is_empty() {
        let people: Vec<String> = session
            .interviewees
            .iter()
            .map(|p| {
                let email = p
                    .email
                    .as_deref()
                    .map(|e| format!(" <{}>", terminal(e)))
                    .unwrap_or_default();
                format!("{} ({}){email}", terminal(&p.name), terminal(&p.role))
            })
            .collect();
        out.push_str(&format!("\nInterviewed: {}", people.join(", ")));
    }
    out.push_str(&format!(
        "\nStarted {}, last change {}{}\n\n",
        crate::clock::rfc3339(&session.started),
        crate::clock::rfc3339(&session.last_change),
        if session.finished { ", finished" } else { "" }
    ));
    out
}

fn remove(store: &Store, id: &str, yes: bool) -> anyhow::Result<Ended> {
    // With --yes nothing is replayed: a journal too damaged to read can still go.
    if !yes {
        let session = load(store, id)?;
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Ok(Ended::Usage(UsageError::Invalid(format!(
                "not deleting session {id} without asking: add --yes"
            ))));
        }
        eprint!(
            "Delete session {id} ({} by {}, started {})? [y/N] ",
            terminal(&session.target),
            terminal(&session.auditor),
            crate::clock::rfc3339(&session.started)
        );
        let mut answer = String::new();
        stdin.lock().read_line(&mut answer).context("cannot read the answer")?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("kept");
            return Ok(Ended::Clean);
        }
    }
    store.remove(id).map_err(anyhow::Error::msg)?;
    eprintln!("deleted session {id}");
    Ok(Ended::Clean)
}

fn print(text: &str) -> anyhow::Result<Ended> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write to stdout")?;
    Ok(Ended::Clean)
}
