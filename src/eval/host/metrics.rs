//! `monitoring.metrics`: is a metrics agent's systemd unit enabled? An agent counts
//! when an enable link under /etc/systemd/system/*.wants/ names its unit, or links a
//! unit whose ExecStart runs the agent; a unit file in /lib/systemd/system with no
//! enable link is only installed, which is reported but does not count.

use super::systemd::{enable_links, exec_command, parse_unit, unit_file, unit_stem, values};
use super::systemd::{EnableLink, SYSTEM_UNIT_DIRS, WANTS_GLOB};
use super::text::basename;
use crate::eval::{EvalContext, EvaluatorDef};
use crate::evidence::Source;
use crate::model::{Finding, Location, Outcome};

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
/// linked unit's text is collected) and the agents' packaged or hand-made unit files.
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

const NONE_ENABLED: &str = "no metrics agent enabled; confirm how the host is monitored";

pub fn evaluator() -> EvaluatorDef {
    EvaluatorDef {
        name: "monitoring.metrics",
        description: "passes when a metrics agent's systemd unit is enabled",
        params: &[],
        needs: &["files"],
        run,
    }
}

/// An enabled agent unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnabledAgent {
    pub agent: &'static str,
    pub link: EnableLink,
}

/// The enabled units that run a metrics agent.
pub fn enabled_agents(source: &dyn Source) -> Vec<EnabledAgent> {
    enable_links(source)
        .into_iter()
        .filter(|link| link.unit.ends_with(".service"))
        .filter_map(|link| agent_of(source, &link).map(|agent| EnabledAgent { agent, link }))
        .collect()
}

fn agent_of(source: &dyn Source, link: &EnableLink) -> Option<&'static str> {
    let stem = unit_stem(&link.unit);
    if let Some(agent) = METRICS_AGENTS.iter().find(|a| **a == stem) {
        return Some(agent);
    }
    let unit = unit_file(source, &link.unit, Some(&link.path))?;
    let directives = parse_unit(&unit.text);
    let program = values(&directives, "Service", "ExecStart")
        .filter_map(|d| exec_command(&d.value).split_whitespace().next().map(str::to_string))
        .next()?;
    program
        .split('/')
        .find_map(|part| METRICS_AGENTS.iter().find(|a| **a == part).copied())
}

fn run(ctx: &EvalContext) -> Outcome {
    let enabled = enabled_agents(ctx.source);
    if enabled.is_empty() {
        return Outcome::needs_review(NONE_ENABLED).with_all(not_enabled_findings(ctx.source));
    }
    let names: Vec<String> = enabled
        .iter()
        .map(|e| format!("{} ({})", e.link.unit, e.link.target))
        .collect();
    let findings = enabled.iter().map(|e| {
        let message = format!("{} runs {}, enabled for {}", e.link.unit, e.agent, e.link.target);
        Finding::at(message, Location::file(e.link.path.clone()))
    });
    Outcome::pass(format!("metrics agent enabled: {}", names.join(", "))).with_all(findings)
}

/// Agents whose unit file is present but not enabled, and missing evidence.
fn not_enabled_findings(source: &dyn Source) -> Vec<Finding> {
    let mut findings: Vec<Finding> = agent_unit_paths()
        .filter(|path| source.read(path).exists())
        .map(|path| {
            let unit = basename(&path).to_string();
            Finding::at(format!("{unit} is installed but not enabled"), Location::file(path))
        })
        .collect();
    if source.list_dir("/etc/systemd/system").is_none() {
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
