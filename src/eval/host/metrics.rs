//! `monitoring.metrics`: is a metrics agent's systemd unit enabled? An agent counts
//! when an enable link under /etc/systemd/system/*.wants/ names its unit, or links a
//! unit whose ExecStart runs the agent; a unit file in /lib/systemd/system with no
//! enable link is only installed, which is reported but does not count. A masked
//! unit (/etc/systemd/system/NAME -> /dev/null, or an empty file there) never
//! starts, enable link or not. systemd adds an enable link's unit by its name, so
//! a link whose target is gone still enables the unit if its file is found on the
//! unit path; when it is not, the link is reported as dangling.

use crate::eval::{EvalContext, EvaluatorDef};
use crate::evidence::{FileState, Source};
use crate::model::ProbeType;
use crate::model::{Finding, Location, Outcome};
use crate::parse::systemd::{all_enable_links, exec_command, link_target, masked_at, parse_unit, unit_file, unit_mask};
use crate::parse::systemd::{unit_stem, values, EnableLink, Mask, ETC_UNIT_DIR, SYSTEM_UNIT_DIRS, WANTS_GLOB};

/// Unit names (without `.service`) and program names of metrics agents.
pub const METRICS_AGENTS: &[&str] = &[
    "node_exporter",
    "node-exporter",
    "prometheus-node-exporter",
    "prometheus",
    "grafana-agent",
    "grafana-agent-flow",
    "alloy",
    "do-agent",
    "datadog-agent",
    "netdata",
    "telegraf",
];

/// Everything `monitoring.metrics` reads: the enable links (read through, so the
/// linked unit's text is collected) and the agents' packaged or hand-made unit files
/// (those in /etc/systemd/system may be masks). `METRICS_META` stats them.
pub const METRICS_PATHS: &[&str] = &[
    WANTS_GLOB,
    "/etc/systemd/system/node_exporter.service",
    "/etc/systemd/system/node-exporter.service",
    "/etc/systemd/system/prometheus-node-exporter.service",
    "/etc/systemd/system/prometheus.service",
    "/etc/systemd/system/grafana-agent.service",
    "/etc/systemd/system/grafana-agent-flow.service",
    "/etc/systemd/system/alloy.service",
    "/etc/systemd/system/do-agent.service",
    "/etc/systemd/system/datadog-agent.service",
    "/etc/systemd/system/netdata.service",
    "/etc/systemd/system/telegraf.service",
    "/lib/systemd/system/node_exporter.service",
    "/lib/systemd/system/node-exporter.service",
    "/lib/systemd/system/prometheus-node-exporter.service",
    "/lib/systemd/system/prometheus.service",
    "/lib/systemd/system/grafana-agent.service",
    "/lib/systemd/system/grafana-agent-flow.service",
    "/lib/systemd/system/alloy.service",
    "/lib/systemd/system/do-agent.service",
    "/lib/systemd/system/datadog-agent.service",
    "/lib/systemd/system/netdata.service",
    "/lib/systemd/system/telegraf.service",
    "/usr/lib/systemd/system/node_exporter.service",
    "/usr/lib/systemd/system/node-exporter.service",
    "/usr/lib/systemd/system/prometheus-node-exporter.service",
    "/usr/lib/systemd/system/prometheus.service",
    "/usr/lib/systemd/system/grafana-agent.service",
    "/usr/lib/systemd/system/grafana-agent-flow.service",
    "/usr/lib/systemd/system/alloy.service",
    "/usr/lib/systemd/system/do-agent.service",
    "/usr/lib/systemd/system/datadog-agent.service",
    "/usr/lib/systemd/system/netdata.service",
    "/usr/lib/systemd/system/telegraf.service",
];

/// The metadata `monitoring.metrics` reads: where enable links point (a dangling
/// one, or one to /dev/null) and which units in /etc/systemd/system are masks.
pub const METRICS_META: &[&str] = &[WANTS_GLOB, "/etc/systemd/system/*.service"];

const NONE_ENABLED: &str = "no metrics agent enabled; confirm how the host is monitored";

pub fn evaluator() -> EvaluatorDef {
    EvaluatorDef {
        name: "monitoring.metrics",
        description: "passes when a metrics agent's systemd unit is enabled",
        params: &[],
        needs: &[ProbeType::Files, ProbeType::Meta],
        run,
    }
}

/// An enabled agent unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnabledAgent {
    pub agent: &'static str,
    pub link: EnableLink,
}

/// What the enable links of agent units come to.
#[derive(Debug, Default)]
struct Agents {
    enabled: Vec<EnabledAgent>,
    /// Agents linked for a target but masked: they never start.
    masked: Vec<(EnabledAgent, Mask)>,
    /// Links to an agent unit that exist nowhere on the unit path.
    dangling: Vec<Finding>,
}

/// The enabled units that run a metrics agent.
pub fn enabled_agents(source: &dyn Source) -> Vec<EnabledAgent> {
    agents(source).enabled
}

fn agents(source: &dyn Source) -> Agents {
    let mut out = Agents::default();
    for link in all_enable_links(source)
        .into_iter()
        .filter(|l| l.unit.ends_with(".service"))
    {
        if masked_at(source, &link.path).is_some() {
            continue; // systemd ignores a .wants entry that is itself a mask
        }
        let dangling = source.read(&link.path) == FileState::Missing;
        let Some(agent) = agent_of(source, &link, dangling) else {
            continue;
        };
        let found = EnabledAgent { agent, link };
        if let Some(mask) = unit_mask(source, &found.link.unit) {
            out.masked.push((found, mask));
        } else if dangling && unit_file(source, &found.link.unit, None).is_none() {
            out.dangling.push(dangling_finding(source, &found.link));
        } else {
            out.enabled.push(found);
        }
    }
    out
}

fn dangling_finding(source: &dyn Source, link: &EnableLink) -> Finding {
    let points = link_target(source, &link.path).map_or_else(String::new, |to| format!(" points to {to}, which"));
    let message = format!(
        "{unit} is not enabled: its enable link{points} does not exist, and no {unit} unit file was found \
         on the unit path",
        unit = link.unit
    );
    Finding::at(message, Location::file(link.path.clone()))
}

fn agent_of(source: &dyn Source, link: &EnableLink, dangling: bool) -> Option<&'static str> {
    let stem = unit_stem(&link.unit);
    if let Some(agent) = METRICS_AGENTS.iter().find(|a| **a == stem) {
        return Some(agent);
    }
    let through = (!dangling).then_some(link.path.as_str());
    let unit = unit_file(source, &link.unit, through)?;
    let directives = parse_unit(&unit.text);
    let program = values(&directives, "Service", "ExecStart")
        .filter_map(|d| exec_command(&d.value).split_whitespace().next().map(str::to_string))
        .next()?;
    program
        .split('/')
        .find_map(|part| METRICS_AGENTS.iter().find(|a| **a == part).copied())
}

fn run(ctx: &EvalContext) -> Outcome {
    let found = agents(ctx.source);
    let mut problems: Vec<Finding> = found
        .masked
        .iter()
        .map(|(e, mask)| mask_finding(&e.link.unit, mask))
        .collect();
    problems.extend(found.dangling);
    if found.enabled.is_empty() {
        let summary = match found.masked.first() {
            Some((e, _)) => format!("{} is masked, so it never starts; {NONE_ENABLED}", e.link.unit),
            None => NONE_ENABLED.to_string(),
        };
        for finding in not_enabled_findings(ctx.source) {
            if !problems.contains(&finding) {
                problems.push(finding);
            }
        }
        return Outcome::needs_review(summary).with_all(problems);
    }
    let names: Vec<String> = found
        .enabled
        .iter()
        .map(|e| format!("{} ({})", e.link.unit, e.link.target))
        .collect();
    let findings = found.enabled.iter().map(|e| {
        let message = format!("{} runs {}, enabled for {}", e.link.unit, e.agent, e.link.target);
        Finding::at(message, Location::file(e.link.path.clone()))
    });
    Outcome::pass(format!("metrics agent enabled: {}", names.join(", ")))
        .with_all(findings)
        .with_all(problems)
}

fn mask_finding(unit: &str, mask: &Mask) -> Finding {
    Finding::at(
        format!("{unit} is masked ({})", mask.how),
        Location::file(mask.path.clone()),
    )
}

/// Agents whose unit file is present but not enabled or masked (once each), and
/// missing evidence.
fn not_enabled_findings(source: &dyn Source) -> Vec<Finding> {
    let mut findings = Vec::new();
    for agent in METRICS_AGENTS {
        let unit = format!("{agent}.service");
        if let Some(mask) = unit_mask(source, &unit) {
            findings.push(mask_finding(&unit, &mask));
            continue;
        }
        let installed = SYSTEM_UNIT_DIRS
            .iter()
            .map(|dir| format!("{dir}/{unit}"))
            .filter(|path| source.read(path).exists());
        for path in installed {
            findings.push(Finding::at(
                format!("{unit} is installed but not enabled"),
                Location::file(path),
            ));
        }
    }
    if source.list_dir(ETC_UNIT_DIR).is_none() {
        findings.push(Finding::new(
            "/etc/systemd/system was not collected or is not readable; no enable link could be seen",
        ));
    }
    findings
}

/// Where an agent's unit file may be installed (each is in `METRICS_PATHS`).
pub fn agent_unit_paths() -> impl Iterator<Item = String> {
    SYSTEM_UNIT_DIRS
        .iter()
        .flat_map(|dir| METRICS_AGENTS.iter().map(move |agent| format!("{dir}/{agent}.service")))
}
