//! The HTML report: one self-contained page (inline CSS and SVG, no script, no
//! font or image fetched, nothing linked but the pack's own files), printable
//! to PDF from a browser. A cover (target, dates, auditor, interviewees, the
//! overall picture), a chart of verdicts per section, what needs action most
//! severe first with its fix, every control with its evidence excerpt,
//! answers, attachments and overrides, the controls still open, and the index
//! of evidence with hashes. Rendered by minijinja from `assets/report.html`,
//! registered under a `.html` name so auto-escaping is on for every value;
//! every string from a target or a checklist is also cleaned of control
//! characters here, and none is ever placed in a script, a style or a URL.

use super::view::{self, HostView, COUNTED};
use crate::evidence::record::{EvidenceKind, EvidenceRecord, Payload};
use crate::results::{ControlResult, HostResult, ScanResults};
use serde::Serialize;
use std::collections::BTreeMap;

const TEMPLATE: &str = include_str!("../../assets/report.html");

pub use super::view::Cover;

/// Where an evidence item's text comes from, for excerpts (a scan holds it; a
/// session's items are read from its store).
pub type Contents<'a> = &'a dyn Fn(&EvidenceRecord) -> Option<String>;

/// The text an in-process scan kept with each record.
pub fn kept(record: &EvidenceRecord) -> Option<String> {
    let content = record.content();
    (!content.is_empty()).then(|| content.to_string())
}

/// Lines of an excerpt: either side of the deciding line.
const CONTEXT: usize = 2;
/// Excerpts per control.
const EXCERPTS: usize = 3;

/// Render the page. `links` makes evidence ids links to the pack's
/// `evidence/ID` and attachments to `attachments/SHA256`.
pub fn render(results: &ScanResults, cover: Option<&Cover>, contents: Contents, links: bool) -> Result<String, String> {
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", TEMPLATE)
        .map_err(|e| format!("the report template: {e}"))?;
    let page = Page {
        target: results
            .hosts
            .iter()
            .map(|h| clean(&h.target))
            .collect::<Vec<_>>()
            .join(", "),
        as_of: crate::clock::rfc3339(&results.as_of),
        version: clean(&results.tool.version),
        checklists: view::checklists_line(results).map(|c| clean(&c)),
        cover: cover.map(clean_cover),
        hosts: results
            .hosts
            .iter()
            .map(|host| host_page(results, host, contents, links))
            .collect(),
        links,
    };
    let template = env
        .get_template("report.html")
        .map_err(|e| format!("the report template: {e}"))?;
    template
        .render(minijinja::value::Serde(&page))
        .map_err(|e| format!("cannot render the HTML report: {e}"))
}

/// Text for the page: each line as [`crate::sanitize::terminal`] leaves it (no
/// escape sequence, no bidi override), line breaks kept.
fn clean(text: &str) -> String {
    text.split('\n')
        .map(|line| crate::sanitize::terminal(line.trim_end_matches('\r')))
        .collect::<Vec<_>>()
        .join("\n")
}

fn clean_cover(cover: &Cover) -> Cover {
    Cover {
        auditor: clean(&cover.auditor),
        organisation: cover.organisation.as_deref().map(clean),
        interviewees: cover.interviewees.iter().map(|p| clean(p)).collect(),
        started: cover.started.clone(),
        finished: cover.finished.clone(),
        checklists: cover.checklists.iter().map(|c| clean(c)).collect(),
        signer: cover.signer.as_deref().map(clean),
    }
}

#[derive(Serialize)]
struct Page {
    target: String,
    as_of: String,
    version: String,
    /// The checklists in a few words.
    checklists: Option<String>,
    cover: Option<Cover>,
    hosts: Vec<HostPage>,
    links: bool,
}

#[derive(Serialize)]
struct Count {
    status: &'static str,
    verdict: &'static str,
    n: usize,
}

#[derive(Serialize)]
struct HostPage {
    target: String,
    root: Option<String>,
    transport: String,
    app_dir: Option<String>,
    /// Host name, OS, kernel, as known.
    facts: Vec<(String, String)>,
    error: Option<String>,
    tally: String,
    counts: Vec<Count>,
    chart: super::chart::Chart,
    action: Vec<ControlPage>,
    sections: Vec<SectionPage>,
    interview: Vec<ControlPage>,
    inconclusive: Vec<ControlPage>,
    no_rule: Vec<ControlPage>,
    evidence: Vec<EvidencePage>,
}

#[derive(Serialize)]
struct SectionPage {
    id: String,
    title: String,
    controls: Vec<ControlPage>,
}

#[derive(Serialize)]
struct ControlPage {
    id: String,
    title: String,
    severity: &'static str,
    status: &'static str,
    verdict: &'static str,
    summary: String,
    at: Option<String>,
    findings: Vec<FindingPage>,
    remediation: String,
    answers: Vec<String>,
    notes: Vec<String>,
    override_line: Option<String>,
    excerpts: Vec<Excerpt>,
    evidence: Vec<EvidenceRef>,
    references: Vec<String>,
}

#[derive(Serialize)]
struct FindingPage {
    at: Option<String>,
    message: String,
}

#[derive(Serialize)]
struct Excerpt {
    source: String,
    lines: Vec<ExcerptLine>,
}

#[derive(Serialize)]
struct ExcerptLine {
    number: usize,
    text: String,
    deciding: bool,
}

#[derive(Serialize)]
struct EvidenceRef {
    id: String,
    /// A pack path to link to, when linking and the id is vouch's own form.
    href: Option<String>,
    label: String,
    /// A document attached in the interview.
    attachment: bool,
}

#[derive(Serialize)]
struct EvidencePage {
    id: String,
    href: Option<String>,
    kind: &'static str,
    source: String,
    state: &'static str,
    sha256: Option<String>,
    bytes: Option<u64>,
    redactions: u32,
    collected_at: String,
}

/// An evidence id of vouch's own form (`ev-` and hex), safe in a relative link.
fn own_id(id: &str) -> bool {
    id.strip_prefix("ev-")
        .is_some_and(|hex| !hex.is_empty() && hex.len() <= 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn sha256_form(sha: &str) -> bool {
    sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit())
}

fn href(record: &EvidenceRecord, links: bool) -> Option<String> {
    if !links {
        return None;
    }
    match record.kind() {
        EvidenceKind::Attachment => record
            .sha256()
            .filter(|sha| sha256_form(sha))
            .map(|sha| format!("attachments/{sha}")),
        _ if record.sha256().is_some() && own_id(record.id().as_str()) => Some(format!("evidence/{}", record.id())),
        _ => None,
    }
}

fn host_page(results: &ScanResults, host: &HostResult, contents: Contents, links: bool) -> HostPage {
    let view = HostView::of(results, host);
    let records: BTreeMap<&str, &EvidenceRecord> = host.evidence.iter().map(|r| (r.id().as_str(), r)).collect();
    let control = |c: &ControlResult| control_page(c, &records, contents, links);
    HostPage {
        target: clean(&host.target),
        root: host.root.as_deref().map(clean),
        transport: clean(&host.transport),
        app_dir: host.app_dir.as_deref().map(clean),
        facts: view::facts(host)
            .into_iter()
            .map(|(label, value)| (label.to_string(), clean(&value)))
            .collect(),
        error: host.error.as_deref().map(clean),
        tally: view.tally(),
        counts: COUNTED
            .iter()
            .map(|st| Count {
                status: st.as_str(),
                verdict: view::verdict(*st),
                n: host.summary.count(*st),
            })
            .collect(),
        chart: super::chart::of(&view, clean),
        action: view.action.iter().map(|c| control(c)).collect(),
        sections: view
            .sections
            .iter()
            .filter(|s| !s.controls.is_empty())
            .map(|s| SectionPage {
                id: clean(s.id),
                title: clean(s.title),
                controls: s.controls.iter().map(|c| control(c)).collect(),
            })
            .collect(),
        interview: view.interview.iter().map(|c| control(c)).collect(),
        inconclusive: view.inconclusive.iter().map(|c| control(c)).collect(),
        no_rule: view.no_rule.iter().map(|c| control(c)).collect(),
        evidence: host
            .evidence
            .iter()
            .map(|r| EvidencePage {
                id: clean(r.id().as_str()),
                href: href(r, links),
                kind: r.kind().as_str(),
                source: clean(&evidence_label(r)),
                state: r.state().as_str(),
                sha256: r.sha256().map(clean),
                bytes: r.bytes(),
                redactions: r.redactions(),
                collected_at: crate::clock::rfc3339(&r.collected_at()),
            })
            .collect(),
    }
}

/// What an item is, in a few words: the path or command, or the attached document's name.
fn evidence_label(record: &EvidenceRecord) -> String {
    match record.payload() {
        Payload::Attachment(a) => format!("{} (attached to {})", a.name, a.control),
        Payload::Attestation(a) => format!("answer to {}/{} by {}", a.control, a.question, a.by),
        _ => record.source().to_string(),
    }
}

fn control_page(
    control: &ControlResult,
    records: &BTreeMap<&str, &EvidenceRecord>,
    contents: Contents,
    links: bool,
) -> ControlPage {
    let mut excerpts = Vec::new();
    for finding in &control.findings {
        if excerpts.len() == EXCERPTS {
            break;
        }
        let Some((path, line)) = finding.location.as_deref().and_then(split_location) else {
            continue;
        };
        let record = control
            .evidence
            .iter()
            .filter_map(|id| records.get(id.as_str()))
            .find(|r| r.kind() == EvidenceKind::File && r.source() == path);
        let Some(text) = record.and_then(|r| contents(r)) else {
            continue;
        };
        if let Some(excerpt) = excerpt(path, &text, line) {
            if !excerpts.iter().any(|e: &Excerpt| {
                e.source == excerpt.source
                    && e.lines.first().map(|l| l.number) == excerpt.lines.first().map(|l| l.number)
            }) {
                excerpts.push(excerpt);
            }
        }
    }
    let mut evidence: Vec<EvidenceRef> = control
        .evidence
        .iter()
        .filter_map(|id| records.get(id.as_str()))
        .map(|r| EvidenceRef {
            id: clean(r.id().as_str()),
            href: href(r, links),
            label: clean(&evidence_label(r)),
            attachment: r.kind() == EvidenceKind::Attachment,
        })
        .collect();
    for answer in &control.answers {
        for id in &answer.evidence {
            if let Some(r) = records.get(id.as_str()) {
                if !evidence.iter().any(|e| e.id == r.id().as_str()) {
                    evidence.push(EvidenceRef {
                        id: clean(r.id().as_str()),
                        href: href(r, links),
                        label: clean(&evidence_label(r)),
                        attachment: r.kind() == EvidenceKind::Attachment,
                    });
                }
            }
        }
    }
    ControlPage {
        id: clean(&control.id),
        title: clean(&control.title),
        severity: control.severity.as_str(),
        status: control.status.as_str(),
        verdict: view::verdict(control.status),
        summary: clean(&control.summary),
        at: view::deciding_location(control).map(clean),
        findings: control
            .findings
            .iter()
            .map(|f| FindingPage {
                at: f.location.as_deref().map(clean),
                message: clean(&f.message),
            })
            .collect(),
        remediation: clean(control.remediation.trim()),
        answers: control.answers.iter().map(|a| super::answer_line(a, clean)).collect(),
        notes: control
            .notes
            .iter()
            .map(|n| {
                format!(
                    "{} ({}): {}",
                    clean(&n.by),
                    crate::clock::rfc3339(&n.at),
                    clean(&n.text)
                )
            })
            .collect(),
        override_line: control.override_.as_ref().map(|o| super::override_line(o, clean)),
        excerpts,
        evidence,
        references: control.references.iter().map(|r| clean(r)).collect(),
    }
}

/// `path:line` into its parts.
fn split_location(location: &str) -> Option<(&str, usize)> {
    let (path, line) = location.rsplit_once(':')?;
    Some((path, line.parse().ok().filter(|n| *n > 0)?))
}

/// The lines either side of `line` (1-based) of `text`.
fn excerpt(source: &str, text: &str, line: usize) -> Option<Excerpt> {
    let first = line.saturating_sub(CONTEXT).max(1);
    let lines: Vec<ExcerptLine> = text
        .lines()
        .enumerate()
        .skip(first - 1)
        .take(line + CONTEXT + 1 - first)
        .map(|(index, text)| ExcerptLine {
            number: index + 1,
            text: clean(&text.chars().take(300).collect::<String>()),
            deciding: index + 1 == line,
        })
        .collect();
    lines.iter().any(|l| l.deciding).then(|| Excerpt {
        source: clean(source),
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_shows_the_deciding_line_between_its_neighbours() {
        let text = "a\nb\nc\nd\ne\nf\n";
        let shown = excerpt("/etc/x", text, 4).unwrap();
        let numbers: Vec<usize> = shown.lines.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [2, 3, 4, 5, 6]);
        assert!(shown.lines[2].deciding && shown.lines[2].text == "d");
        assert_eq!(excerpt("/etc/x", "a\n", 1).unwrap().lines.len(), 1);
        assert!(excerpt("/etc/x", "a\n", 9).is_none(), "past the end: no excerpt");
    }

    #[test]
    fn only_vouchs_own_ids_and_hashes_become_links() {
        assert!(own_id("ev-0123abcd4567"));
        for bad in ["ev-", "ev-../x", "javascript:alert(1)", "ev-12 34"] {
            assert!(!own_id(bad), "{bad}");
        }
        assert!(!sha256_form("../../etc/passwd"));
    }
}
