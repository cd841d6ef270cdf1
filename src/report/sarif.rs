//! The SARIF 2.1.0 report, for code-scanning dashboards (GitHub code scanning,
//! Azure DevOps, the SARIF viewers of editors): one run per host, every control a
//! rule, a result per finding of each `fail` (level `error`) and `warn` (level
//! `warning`) control.
//!
//! What it maps, and why:
//! - Rules carry the checklist: title as `shortDescription`, remediation (and
//!   references) as `help`, section, severity, mode and tags as properties, a
//!   `security-severity` score (which GitHub sorts alerts by) and a default level
//!   from the severity (critical and high `error`, medium `warning`, low `note`).
//! - `needs_review` and `not_applicable` make no result: they are not defects, and
//!   fifty review items a run would bury the alerts. They stay visible as rules and
//!   in the run's summary. `error` (a control that could not be evaluated) is a
//!   tool execution notification of the run's invocation, which is what SARIF
//!   has for "the tool could not analyse this"; a host that could not be audited
//!   makes the invocation unsuccessful.
//! - A `fail` or `warn` that an auditor's override (still in force) turned into
//!   another status keeps its result, suppressed (`kind: external`, `status:
//!   accepted`, the reason as justification): dashboards then show it as dismissed
//!   rather than forgetting it.
//! - Locations: paths on the target are absolute; a result's `uri` is the path
//!   made relative (`etc/ssh/sshd_config`) to the base id `TARGET_ROOT`, which
//!   `originalUriBaseIds` resolves to the `--root` folder (when absolute) or to
//!   `file:///` on the local host. Relative URIs are what GitHub code scanning asks
//!   for (it matches them against the checkout: scan a tree kept in a repository
//!   with `--root` and alerts land on its files). A finding without a location
//!   points at the first file its control read (from line 1); one with no file at
//!   all (command output, an interview) at the target's root (`.`) with a logical
//!   location naming the control, because GitHub refuses a whole upload if any
//!   result lacks a physical location.
//! - `as_of` is in the invocation's and the run's properties; each run has its
//!   own `automationDetails.id` (`vouch/TARGET/`), as GitHub wants one category a
//!   run; `partialFingerprints` (target, control, path and message, no line) let a
//!   dashboard follow an alert across scans.
//!
//! Plain-text messages are neutralised as for a terminal (no control or
//! reordering characters, one line) and square brackets escaped, so no text from a
//! target becomes a SARIF embedded link.

use crate::model::{Severity, Status};
use crate::results::{ControlResult, FindingOut, HostResult, ScanResults};
use crate::sanitize::terminal;
use location::{location, root_base, split_line, ROOT_ID};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

mod location;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(results: &ScanResults) -> Result<String, serde_json::Error> {
    let runs: Vec<Value> = results.hosts.iter().map(|host| run(results, host)).collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": runs,
    });
    let mut text = serde_json::to_string_pretty(&log)?;
    text.push('\n');
    Ok(text)
}

fn run(results: &ScanResults, host: &HostResult) -> Value {
    let as_of = crate::clock::rfc3339(&results.as_of);
    let rules: Vec<Value> = host.controls.iter().map(|c| rule(results, c)).collect();
    let mut found = Vec::new();
    for (index, control) in host.controls.iter().enumerate() {
        found.extend(control_results(host, index, control));
    }
    let mut summary = Map::new();
    for status in Status::ALL {
        summary.insert(status.as_str().into(), json!(host.summary.count(status)));
    }
    json!({
        "tool": {"driver": driver(results, rules)},
        "automationDetails": {"id": format!("vouch/{}/", host.target)},
        "invocations": [invocation(host, &as_of)],
        "originalUriBaseIds": {ROOT_ID: root_base(host)},
        "results": found,
        "properties": {
            "as_of": as_of,
            "target": host.target,
            "transport": host.transport,
            "root": host.root,
            "summary": summary,
        },
    })
}

fn driver(results: &ScanResults, rules: Vec<Value>) -> Value {
    let mut driver = json!({
        "name": results.tool.name,
        "version": results.tool.version,
        "semanticVersion": results.tool.version,
        "rules": rules,
    });
    let home = [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")];
    if let (Some(uri), Some(obj)) = (home.into_iter().find(|u| !u.is_empty()), driver.as_object_mut()) {
        obj.insert("informationUri".into(), json!(uri));
    }
    driver
}

fn rule(results: &ScanResults, control: &ControlResult) -> Value {
    let mut rule = json!({
        "id": control.id,
        "name": pascal_case(&control.id),
        "shortDescription": {"text": terminal(&control.title)},
        "fullDescription": {"text": terminal(&format!(
            "{} ({}: {})", control.title, control.section, results.section_title(&control.section)
        ))},
        "defaultConfiguration": {"level": severity_level(control.severity)},
        "properties": {
            "section": control.section,
            "severity": control.severity.as_str(),
            "mode": control.mode.as_str(),
            "tags": ["security", control.section],
            "security-severity": security_severity(control.severity),
            "references": control.references,
        },
    });
    let mut help = control.remediation.trim().to_string();
    if !control.references.is_empty() {
        let refs = control.references.join("; ");
        help = if help.is_empty() {
            format!("References: {refs}")
        } else {
            format!("{help}\n\nReferences: {refs}")
        };
    }
    if let (false, Some(obj)) = (help.is_empty(), rule.as_object_mut()) {
        obj.insert("help".into(), json!({"text": lines(&help)}));
    }
    rule
}

/// The results of one control: one per finding (one for the control when it has
/// none), for a fail or warn, or for an overridden fail or warn (suppressed).
fn control_results(host: &HostResult, index: usize, control: &ControlResult) -> Vec<Value> {
    let live_override = control.override_.as_ref().filter(|o| !o.expired);
    let (level, suppression) = match (control.status, live_override) {
        (Status::Fail, _) => ("error", None),
        (Status::Warn, _) => ("warning", None),
        (_, Some(o)) if o.evaluated == Status::Fail => ("error", Some(o)),
        (_, Some(o)) if o.evaluated == Status::Warn => ("warning", Some(o)),
        _ => return Vec::new(),
    };
    let lone = FindingOut {
        message: control.summary.clone(),
        location: None,
    };
    let findings: Vec<&FindingOut> = if control.findings.is_empty() {
        vec![&lone]
    } else {
        control.findings.iter().collect()
    };
    findings
        .into_iter()
        .map(|finding| {
            let mut result = json!({
                "ruleId": control.id,
                "ruleIndex": index,
                "level": level,
                "message": {"text": text(&finding.message)},
                "locations": [location(host, control, finding)],
                "partialFingerprints": {"vouchFinding/v1": fingerprint(host, control, finding)},
                "properties": {"status": control.status.as_str(), "summary": control.summary},
            });
            if let (Some(o), Some(obj)) = (suppression, result.as_object_mut()) {
                obj.insert(
                    "suppressions".into(),
                    json!([{
                        "kind": "external",
                        "status": "accepted",
                        "justification": super::override_line(o, terminal),
                    }]),
                );
            }
            result
        })
        .collect()
}

fn invocation(host: &HostResult, as_of: &str) -> Value {
    let mut notes: Vec<Value> = host
        .controls
        .iter()
        .enumerate()
        .filter(|(_, c)| c.status == Status::Error)
        .map(|(index, c)| {
            json!({
                "level": "error",
                "message": {"text": text(&c.summary)},
                "associatedRule": {"id": c.id, "index": index},
            })
        })
        .collect();
    if let Some(error) = &host.error {
        notes.insert(0, json!({"level": "error", "message": {"text": text(error)}}));
    }
    let mut invocation = json!({
        "executionSuccessful": host.error.is_none(),
        "properties": {"as_of": as_of},
    });
    if let (false, Some(obj)) = (notes.is_empty(), invocation.as_object_mut()) {
        obj.insert("toolExecutionNotifications".into(), json!(notes));
    }
    invocation
}

fn fingerprint(host: &HostResult, control: &ControlResult, finding: &FindingOut) -> String {
    let path = finding.location.as_deref().map_or("", |l| split_line(l).0);
    let mut hasher = Sha256::new();
    for part in [host.target.as_str(), &control.id, path, &finding.message] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex::encode(&hasher.finalize()[..16])
}

/// Text of several lines (a rule's help), each line neutralised as for a terminal.
fn lines(s: &str) -> String {
    s.lines().map(terminal).collect::<Vec<_>>().join("\n")
}

/// A plain-text message: one line with nothing that acts on a terminal, and `[`
/// and `]` escaped as SARIF asks, so that no `[text](target)` becomes a link.
fn text(s: &str) -> String {
    let safe = terminal(s);
    let mut out = String::with_capacity(safe.len());
    for c in safe.chars() {
        if matches!(c, '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn severity_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub's scale: critical over 9, high 7 to 8.9, medium 4 to 6.9, low below.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// `ssh.password-auth` as a rule name SARIF likes: `SshPasswordAuth`.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{bundled, load_catalog};
    use crate::results::fixtures::{at, exception, failing, host_of};

    fn log_of(control: ControlResult) -> Value {
        let (catalog, _) = load_catalog(&bundled::texts()).unwrap();
        let results = ScanResults::new(&catalog, at("2026-12-05"), vec![host_of(vec![control])]);
        serde_json::from_str(&render(&results).unwrap()).unwrap()
    }

    #[test]
    fn an_accepted_exception_keeps_its_alert_as_suppressed() {
        let excepted = failing().overridden(exception("2027-01-31", "break-glass"), at("2026-12-05"));
        let log = log_of(excepted);
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["level"], "error");
        assert_eq!(result["suppressions"][0]["status"], "accepted");
        let why = result["suppressions"][0]["justification"].as_str().unwrap();
        assert!(why.starts_with("overridden from fail: break-glass"), "{why}");
        assert!(log_of(failing())["runs"][0]["results"][0].get("suppressions").is_none());
    }

    #[test]
    fn a_failure_without_a_place_points_at_the_host_as_a_whole() {
        let log = log_of(failing());
        let location = &log["runs"][0]["results"][0]["locations"][0];
        assert_eq!(location["physicalLocation"]["artifactLocation"]["uri"], ".");
        assert_eq!(
            location["logicalLocations"][0]["fullyQualifiedName"],
            "local/ssh.root-login"
        );
        assert_eq!(log["runs"][0]["originalUriBaseIds"]["TARGET_ROOT"]["uri"], "file:///");
    }

    #[test]
    fn message_text_cannot_become_a_link_or_act_on_a_terminal() {
        assert_eq!(
            text("[click](javascript:x) \u{1b}[2J"),
            "\\[click\\](javascript:x) \\x{1b}\\[2J"
        );
        assert_eq!(pascal_case("ssh.password-auth"), "SshPasswordAuth");
    }
}
