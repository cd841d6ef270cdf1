//! `logging.centralized`: is a log shipper configured to send logs off the host
//! (Filebeat, Vector, Fluent Bit, Promtail, Datadog, Google Cloud Ops Agent, or
//! rsyslog forwarding)? A batch scan cannot know retention or who reviews the logs,
//! so the outcome is always needs_review, with a summary naming what was found.

use crate::eval::{EvalContext, EvaluatorDef};
use crate::evidence::{FileState, Source};
use crate::model::ProbeType;
use crate::model::{Finding, Location, Outcome};
use crate::parse::rsyslog::{self, RSYSLOG_CONF, RSYSLOG_D_GLOB};
use crate::parse::shippers::{self, Shipper};
use crate::parse::text::read_text;

/// Everything `logging.centralized` reads.
pub const LOGGING_PATHS: &[&str] = &[
    FILEBEAT,
    "/etc/vector/*",
    "/etc/fluent-bit/*",
    "/etc/promtail/*",
    DATADOG,
    OPS_AGENT,
    RSYSLOG_CONF,
    RSYSLOG_D_GLOB,
];

const FILEBEAT: &str = "/etc/filebeat/filebeat.yml";
const DATADOG: &str = "/etc/datadog-agent/datadog.yaml";
const OPS_AGENT: &str = "/etc/google-cloud-ops-agent/config.yaml";
const NONE_FOUND: &str =
    "no log shipper configured on the host; confirm where logs are centralized, their retention and who reviews them";

pub fn evaluator() -> EvaluatorDef {
    EvaluatorDef {
        name: "logging.centralized",
        description: "names the log shippers configured on the host for the auditor to confirm",
        params: &[],
        needs: &[ProbeType::Files],
        run,
    }
}

/// Every shipper configuration found, and files that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShipperScan {
    pub shippers: Vec<Shipper>,
    pub notes: Vec<Finding>,
}

pub fn scan(source: &dyn Source) -> ShipperScan {
    let mut scan = ShipperScan::default();
    scan.each(source, &[FILEBEAT.to_string()], |text, path| {
        vec![shippers::filebeat(text, path)]
    });
    // Unlisted directories hide shippers: none found is never a pass.
    scan.each(source, &source.glob("/etc/vector/*").paths, shippers::vector);
    scan.each(source, &source.glob("/etc/fluent-bit/*").paths, shippers::fluent_bit);
    scan.each(source, &source.glob("/etc/promtail/*").paths, |text, path| {
        shippers::promtail(text, path).into_iter().collect()
    });
    scan.each(source, &[DATADOG.to_string()], |text, path| {
        vec![shippers::datadog(text, path)]
    });
    scan.each(source, &[OPS_AGENT.to_string()], |text, path| {
        vec![shippers::ops_agent(text, path)]
    });
    let mut rsyslog_files = vec![RSYSLOG_CONF.to_string()];
    rsyslog_files.extend(source.glob(RSYSLOG_D_GLOB).paths);
    scan.each(source, &rsyslog_files, rsyslog_shippers);
    scan
}

fn rsyslog_shippers(text: &str, path: &str) -> Vec<Shipper> {
    rsyslog::forwards(text)
        .into_iter()
        .map(|f| {
            let detail = format!("forwards to {}:{}", f.target, f.port);
            let shipper = Shipper::new("rsyslog", detail, Location::line(path, f.line), true);
            Shipper {
                remark: Some(format!("over {}", f.protocol)),
                ..shipper
            }
        })
        .collect()
}

impl ShipperScan {
    fn each(&mut self, source: &dyn Source, paths: &[String], parse: impl Fn(&str, &str) -> Vec<Shipper>) {
        for path in paths {
            match read_text(source, path) {
                Ok(text) => self.shippers.extend(parse(&text, path)),
                Err(FileState::Missing | FileState::NotCollected) => {}
                // A directory matched by a glob is not a configuration file.
                Err(FileState::Unreadable(reason)) if reason.contains("directory") => {}
                Err(state) => self.notes.push(Finding::new(state.problem(path).unwrap_or_default())),
            }
        }
    }
}

fn run(ctx: &EvalContext) -> Outcome {
    let scan = scan(ctx.source);
    let mut findings: Vec<Finding> = scan
        .shippers
        .iter()
        .map(|s| {
            let remark = s.remark.as_ref().map(|r| format!(" {r}")).unwrap_or_default();
            Finding::at(format!("{} {}{remark}", s.agent, s.detail), s.location.clone())
        })
        .collect();
    findings.extend(scan.notes);
    if ctx.source.read(RSYSLOG_CONF) == FileState::NotCollected {
        findings.push(Finding::new(
            "/etc/rsyslog.conf was not collected; add a files probe with LOGGING_PATHS",
        ));
    }
    let shipping: Vec<String> = scan
        .shippers
        .iter()
        .filter(|s| s.ships)
        .map(|s| format!("{} {} ({})", s.agent, s.detail, s.location))
        .collect();
    let summary = match shipping.as_slice() {
        [] => NONE_FOUND.to_string(),
        [first, second, third, rest @ ..] if !rest.is_empty() => {
            format!(
                "{first}; {second}; {third} and {} more; confirm retention and who reviews",
                rest.len()
            )
        }
        all => format!("{}; confirm retention and who reviews", all.join("; ")),
    };
    Outcome::needs_review(summary).with_all(findings)
}
