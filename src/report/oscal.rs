//! The OSCAL assessment-results document (OSCAL 1.1.3, JSON), for GRC tools: one
//! `result` per host, an `observation` per evidence record, a `finding` per
//! control, and the evidence's SHA-256 in the back matter.
//!
//! What it maps, and why:
//! - `import-ap` must name an assessment plan; vouch has none but the checklists
//!   it ran, so it points (`#uuid`) at a back-matter resource that says so and
//!   lists the sections: a reference that resolves inside the document.
//! - Each host's `reviewed-controls` lists its control ids (there is no OSCAL
//!   catalog to `include-all` from); the host itself is an inventory item of the
//!   result's local definitions, the subject of every observation.
//! - An observation per evidence record: `methods` EXAMINE for a file, listing or
//!   metadata read, TEST for a command run, INTERVIEW for an attestation, EXAMINE
//!   for an attachment; `collected` is when it was collected. Its
//!   `relevant-evidence` links (`#uuid`) to a back-matter resource whose `rlinks`
//!   give the path of the evidence in a vouch bundle (`evidence/ID`,
//!   `attachments/SHA256`, relative to the bundle's root) with its SHA-256 hash,
//!   the OSCAL place for a digest. Evidence that kept no bytes (a missing file) has
//!   no resource and says why.
//! - A finding per control, targeting `objective-id` = the control id, relating
//!   the observations of that control's evidence. OSCAL knows two states; vouch's
//!   six map as follows, the status itself kept as a `status` prop and the
//!   summary in the remarks:
//!   `pass` satisfied (reason pass); `fail` not-satisfied (reason fail);
//!   `warn` not-satisfied (reason other): a weakness the auditor wants fixed, which
//!   a GRC tool must not file as met; `needs_review` not-satisfied (reason other):
//!   not yet shown to be met, and an assessment claims nothing it has not seen;
//!   `error` not-satisfied (reason other): it could not be evaluated;
//!   `not_applicable` satisfied (reason other): nothing of the objective is unmet.
//! - UUIDs are version 5, derived from the SHA-256 of the results document and
//!   the item's place in it: the same results give byte-identical output (the
//!   bundle stays reproducible), and different results never share a UUID.
//!
//! Text from a target or a checklist goes into OSCAL's markup fields (titles,
//! descriptions, remarks: Markdown) through `sanitize::markdown_text` and
//! `markdown_code`, and into plain values (props) neutralised as for a terminal.

use crate::evidence::record::{EvidenceKind, EvidenceRecord};
use crate::model::Status;
use crate::results::{ControlResult, HostResult, ScanResults};
use crate::sanitize::{markdown_code as code, markdown_text as md, terminal};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const OSCAL_VERSION: &str = "1.1.3";
/// The namespace of vouch's own props (OSCAL wants an absolute URL; it is a name,
/// never fetched).
pub const NS: &str = "https://vouch.invalid/ns/oscal";

pub fn render(results: &ScanResults) -> Result<String, serde_json::Error> {
    let digest = Sha256::digest(serde_json::to_vec(results)?);
    let ids = Ids(Uuid::new_v5(&namespace(), &digest));
    let as_of = crate::clock::rfc3339(&results.as_of);
    let mut resources = vec![plan_resource(results, &ids)];
    let mut host_results = Vec::new();
    for (index, host) in results.hosts.iter().enumerate() {
        let host_ids = ids.scoped(&format!("host/{index}"));
        host_results.push(host_result(host, &host_ids, &as_of));
        resources.extend(host.evidence.iter().filter_map(|r| evidence_resource(r, &host_ids)));
    }
    let document = json!({
        "assessment-results": {
            "uuid": ids.0.to_string(),
            "metadata": {
                "title": format!("vouch assessment results as of {as_of}"),
                "last-modified": as_of,
                "version": as_of,
                "oscal-version": OSCAL_VERSION,
                "props": [prop("tool", &format!("{} {}", results.tool.name, results.tool.version))],
            },
            "import-ap": {
                "href": format!("#{}", ids.of("plan")),
                "remarks": "No OSCAL assessment plan: the checklists vouch ran are the plan, described in the back matter.",
            },
            "results": host_results,
            "back-matter": {"resources": resources},
        }
    });
    let mut text = serde_json::to_string_pretty(&document)?;
    text.push('\n');
    Ok(text)
}

/// The namespace of every vouch OSCAL UUID.
fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, format!("{NS}/uuid").as_bytes())
}

/// UUIDs of the items under one scope (the document, a host).
struct Ids(Uuid);

impl Ids {
    fn of(&self, name: &str) -> String {
        Uuid::new_v5(&self.0, name.as_bytes()).to_string()
    }

    fn scoped(&self, name: &str) -> Ids {
        Ids(Uuid::new_v5(&self.0, name.as_bytes()))
    }
}

fn prop(name: &str, value: &str) -> Value {
    let value = terminal(value);
    let value = value.trim();
    json!({"name": name, "ns": NS, "value": if value.is_empty() { "-" } else { value }})
}

fn plan_resource(results: &ScanResults, ids: &Ids) -> Value {
    let sections: Vec<String> = results
        .sections
        .iter()
        .map(|s| format!("- {} ({})", md(&s.title), code(&s.id)))
        .collect();
    json!({
        "uuid": ids.of("plan"),
        "title": "The vouch checklists in use",
        "description": format!(
            "Every control of these sections was evaluated on each host (vouch {}):\n\n{}",
            md(&results.tool.version),
            sections.join("\n")
        ),
    })
}

fn host_result(host: &HostResult, ids: &Ids, as_of: &str) -> Value {
    let controls: Vec<Value> = host
        .controls
        .iter()
        .map(|c| json!({"control-id": token(&c.id)}))
        .collect();
    let observations: Vec<Value> = host.evidence.iter().map(|r| observation(r, ids)).collect();
    let findings: Vec<Value> = host.controls.iter().map(|c| finding(host, c, ids)).collect();
    let mut description = format!(
        "vouch scan of {} ({}) as of {as_of}: {} controls.",
        md(&host.target),
        md(&host.transport),
        host.controls.len()
    );
    for status in Status::ALL {
        description.push_str(&format!(
            "\n- {}: {}",
            status.as_str().replace('_', " "),
            host.summary.count(status)
        ));
    }
    let mut result = json!({
        "uuid": ids.of("result"),
        "title": md(&format!("vouch scan of {}", host.target)),
        "description": description,
        "start": as_of,
        "props": [prop("target", &host.target), prop("transport", &host.transport)],
        "local-definitions": {"inventory-items": [{
            "uuid": ids.of("target"),
            "description": format!("The audited host {}.", md(&host.target)),
            "props": host_props(host),
        }]},
        "reviewed-controls": {"control-selections": [{"include-controls": controls}]},
        "observations": observations,
        "findings": findings,
    });
    if let (Some(error), Some(obj)) = (&host.error, result.as_object_mut()) {
        obj.insert("remarks".into(), json!(format!("Incomplete: {}", md(error))));
    }
    result
}

fn host_props(host: &HostResult) -> Vec<Value> {
    let mut props = vec![prop("target", &host.target)];
    props.extend(host.root.as_deref().map(|r| prop("root", r)));
    props.extend(host.app_dir.as_deref().map(|d| prop("app-dir", d)));
    props
}

fn method(kind: EvidenceKind) -> &'static str {
    match kind {
        EvidenceKind::File
        | EvidenceKind::Listing
        | EvidenceKind::GitIndex
        | EvidenceKind::Metadata
        | EvidenceKind::Attachment => "EXAMINE",
        EvidenceKind::Command => "TEST",
        EvidenceKind::Attestation => "INTERVIEW",
    }
}

fn observation(record: &EvidenceRecord, ids: &Ids) -> Value {
    let id = record.id().as_str();
    let what = format!("{} {}", record.kind().as_str(), code(record.source()));
    let mut evidence = json!({
        "description": match record.sha256() {
            Some(sha) => format!("{what}: {} bytes, SHA-256 {}", record.bytes().unwrap_or(0), code(sha)),
            None => format!("{what}: nothing kept ({})", md(record.note().unwrap_or(record.state().as_str()))),
        },
        "props": [
            prop("evidence-id", id),
            prop("state", record.state().as_str()),
            prop("redactions", &record.redactions().to_string()),
        ],
    });
    if let (Some(_), Some(obj)) = (record.sha256(), evidence.as_object_mut()) {
        obj.insert("href".into(), json!(format!("#{}", ids.of(&format!("resource/{id}")))));
    }
    json!({
        "uuid": ids.of(&format!("observation/{id}")),
        "title": md(&format!("{} {}", record.kind().as_str(), record.source())),
        "description": format!("{what}, provenance {}.", md(&format!("{:?}", record.provenance()).to_lowercase())),
        "props": [prop("evidence-id", id), prop("kind", record.kind().as_str())],
        "methods": [method(record.kind())],
        "subjects": [{"subject-uuid": ids.of("target"), "type": "inventory-item"}],
        "collected": crate::clock::rfc3339(&record.collected_at()),
        "relevant-evidence": [evidence],
    })
}

/// The evidence's bytes as a bundle holds them, with their hash; none for a
/// record that kept nothing.
fn evidence_resource(record: &EvidenceRecord, ids: &Ids) -> Option<Value> {
    let sha = record.sha256()?;
    let id = record.id().as_str();
    let href = match record.kind() {
        EvidenceKind::Attachment => format!("attachments/{sha}"),
        _ => format!("evidence/{id}"),
    };
    Some(json!({
        "uuid": ids.of(&format!("resource/{id}")),
        "title": md(&format!("{} {}", record.kind().as_str(), record.source())),
        "description": format!(
            "Evidence {} as kept in a vouch bundle ({} bytes, {} redactions).",
            code(id),
            record.bytes().unwrap_or(0),
            record.redactions()
        ),
        "props": [prop("evidence-id", id)],
        "rlinks": [{"href": href, "hashes": [{"algorithm": "SHA-256", "value": sha}]}],
    }))
}

fn state(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Pass => ("satisfied", "pass"),
        Status::Fail => ("not-satisfied", "fail"),
        Status::NotApplicable => ("satisfied", "other"),
        Status::Warn | Status::NeedsReview | Status::Error => ("not-satisfied", "other"),
    }
}

fn finding(host: &HostResult, control: &ControlResult, ids: &Ids) -> Value {
    let (state, reason) = state(control.status);
    let related: Vec<Value> = control
        .evidence
        .iter()
        .filter(|id| host.evidence.iter().any(|r| r.id() == *id))
        .map(|id| json!({"observation-uuid": ids.of(&format!("observation/{}", id.as_str()))}))
        .collect();
    let mut description = md(&control.summary);
    for f in &control.findings {
        description.push_str(&format!("\n- {}", super::finding_line(f, code, md)));
    }
    if let Some(o) = &control.override_ {
        description.push_str(&format!("\n\n{}", super::override_line(o, md)));
    }
    if !control.remediation.trim().is_empty() && matches!(control.status, Status::Fail | Status::Warn) {
        let lines: Vec<String> = control.remediation.trim().lines().map(md).collect();
        description.push_str(&format!("\n\nRemediation:\n\n{}", lines.join("\n\n")));
    }
    let mut finding = json!({
        "uuid": ids.of(&format!("finding/{}", control.id)),
        "title": md(&control.title),
        "description": description,
        "props": [
            prop("status", control.status.as_str()),
            prop("severity", control.severity.as_str()),
            prop("section", &control.section),
            prop("control-id", &control.id),
        ],
        "target": {
            "type": "objective-id",
            "target-id": token(&control.id),
            "status": {"state": state, "reason": reason},
            "remarks": format!("vouch status {}: {}", control.status.as_str().replace('_', " "), md(&control.summary)),
        },
    });
    if let (false, Some(obj)) = (related.is_empty(), finding.as_object_mut()) {
        obj.insert("related-observations".into(), json!(related));
    }
    finding
}

/// A control id as an OSCAL token (a letter or `_` first, then letters, digits,
/// `.`, `-`, `_`): vouch's ids already are; anything else is replaced by `_`.
fn token(id: &str) -> String {
    let mut out: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{bundled, load_catalog};
    use crate::results::fixtures::{at, failing, host_of};

    fn results_of(control: ControlResult) -> ScanResults {
        let (catalog, _) = load_catalog(&bundled::texts()).unwrap();
        ScanResults::new(&catalog, at("2026-12-05"), vec![host_of(vec![control])])
    }

    #[test]
    fn the_same_results_give_the_same_bytes_and_other_results_other_uuids() {
        let first = render(&results_of(failing())).unwrap();
        assert_eq!(first, render(&results_of(failing())).unwrap());
        let mut other = failing();
        other.summary = "PermitRootLogin prohibit-password".into();
        let second = render(&results_of(other)).unwrap();
        let uuid = |text: &str| serde_json::from_str::<Value>(text).unwrap()["assessment-results"]["uuid"].clone();
        assert_ne!(uuid(&first), uuid(&second));
        assert!(
            uuid(&first).as_str().is_some_and(|u| u.as_bytes()[14] == b'5'),
            "version 5"
        );
    }

    #[test]
    fn control_ids_are_oscal_tokens() {
        assert_eq!(token("ssh.password-auth"), "ssh.password-auth");
        assert_eq!(token("1x.a b"), "_1x.a_b");
        assert_eq!(token(""), "_");
    }

    #[test]
    fn statuses_map_to_the_two_oscal_states_conservatively() {
        assert_eq!(state(Status::Pass), ("satisfied", "pass"));
        assert_eq!(state(Status::Fail), ("not-satisfied", "fail"));
        for status in [Status::Warn, Status::NeedsReview, Status::Error] {
            assert_eq!(state(status).0, "not-satisfied", "{status}");
        }
        assert_eq!(state(Status::NotApplicable).0, "satisfied");
    }
}
