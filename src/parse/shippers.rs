//! Log shipper configurations and where each sends logs: Filebeat's `output.*`,
//! Vector's sinks (YAML or TOML), Fluent Bit's `[OUTPUT]` sections (classic or YAML),
//! Promtail's clients, the Datadog agent's `logs_enabled` and the Google Cloud Ops
//! Agent. Read line by line, enough to name the destination; a sink that only writes
//! on the host (console, file, stdout) is reported but does not count as shipping.

use crate::model::Location;
use crate::parse::text::line_number;

/// One shipper configuration and what it does with logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shipper {
    /// e.g. `filebeat`, `rsyslog`.
    pub agent: &'static str,
    /// e.g. `ships to elasticsearch at es.example.com:9200`.
    pub detail: String,
    pub location: Location,
    /// Whether logs leave the host.
    pub ships: bool,
    /// What the finding adds to the summary's wording, e.g. `over tcp`.
    pub remark: Option<String>,
}

impl Shipper {
    pub fn new(agent: &'static str, detail: String, location: Location, ships: bool) -> Self {
        Shipper {
            agent,
            detail,
            location,
            ships,
            remark: None,
        }
    }
}

/// A YAML line: its indent (a `- ` item counts as indent), key and inline value.
#[derive(Debug, Clone, Copy)]
struct YamlLine<'a> {
    line: u32,
    indent: usize,
    /// The line starts a list item (`- `).
    item: bool,
    key: &'a str,
    value: &'a str,
}

fn yaml_lines(text: &str) -> Vec<YamlLine<'_>> {
    let mut out = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let content = raw.split(" #").next().unwrap_or(raw).trim_end();
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let item = trimmed.starts_with("- ");
        let indent = content.len() - trimmed.len() + if item { 2 } else { 0 };
        let body = if item { trimmed[2..].trim_start() } else { trimmed };
        let (key, value) = match body.split_once(':') {
            Some((key, value)) if value.is_empty() || value.starts_with(' ') => (key.trim(), value.trim()),
            _ => ("", body),
        };
        out.push(YamlLine {
            line: line_number(index),
            indent,
            item,
            key,
            value,
        });
    }
    out
}

/// The first item of an inline value or list, without brackets and quotes.
fn first_item(value: &str) -> &str {
    let inner = value.trim().trim_start_matches('[').trim_end_matches(']');
    inner.split(',').next().unwrap_or("").trim().trim_matches(['"', '\''])
}

/// The lines nested under the line at `at`.
fn children<'a>(lines: &'a [YamlLine<'a>], at: usize) -> impl Iterator<Item = &'a YamlLine<'a>> {
    let indent = lines.get(at).map_or(0, |l| l.indent);
    lines.iter().skip(at + 1).take_while(move |l| l.indent > indent)
}

fn local_only(agent: &'static str, kind: &str, location: Location) -> Shipper {
    Shipper::new(
        agent,
        format!("writes only to {kind}, not off the host"),
        location,
        false,
    )
}

pub fn filebeat(text: &str, path: &str) -> Shipper {
    let lines = yaml_lines(text);
    for (at, line) in lines.iter().enumerate().filter(|(_, l)| l.indent == 0) {
        let location = Location::line(path, line.line);
        if line.key == "cloud.id" {
            return Shipper::new("filebeat", "ships to Elastic Cloud".into(), location, true);
        }
        let kind = match line.key.strip_prefix("output.") {
            Some(kind) => kind,
            None if line.key == "output" => match children(&lines, at).next() {
                Some(child) => child.key,
                None => continue,
            },
            None => continue,
        };
        if ["console", "file", "discard"].contains(&kind) {
            return local_only("filebeat", kind, location);
        }
        let hosts = children(&lines, at).enumerate().find(|(_, l)| l.key == "hosts");
        let host = hosts.map(|(offset, l)| match l.value {
            "" => children(&lines, at)
                .nth(offset + 1)
                .map_or("", |item| first_item(item.value)),
            inline => first_item(inline),
        });
        let detail = match host.filter(|h| !h.is_empty()) {
            Some(host) => format!("ships to {kind} at {host}"),
            None => format!("ships to {kind}"),
        };
        return Shipper::new("filebeat", detail, location, true);
    }
    Shipper::new(
        "filebeat",
        "has no output configured".into(),
        Location::file(path),
        false,
    )
}

pub fn promtail(text: &str, path: &str) -> Option<Shipper> {
    let lines = yaml_lines(text);
    let clients = lines.iter().position(|l| l.indent == 0 && l.key == "clients")?;
    let url = children(&lines, clients).find(|l| l.key == "url");
    Some(match url {
        Some(url) => {
            let detail = format!("pushes to {}", first_item(url.value));
            Shipper::new("promtail", detail, Location::line(path, url.line), true)
        }
        None => {
            let location = Location::line(path, lines[clients].line);
            Shipper::new("promtail", "has no client URL".into(), location, false)
        }
    })
}

pub fn datadog(text: &str, path: &str) -> Shipper {
    let lines = yaml_lines(text);
    let enabled = lines.iter().find(|l| l.indent == 0 && l.key == "logs_enabled");
    match enabled {
        Some(l) if first_item(l.value).eq_ignore_ascii_case("true") => {
            let detail = "collects logs (logs_enabled: true)".to_string();
            Shipper::new("datadog-agent", detail, Location::line(path, l.line), true)
        }
        _ => {
            let detail = "is configured but logs_enabled is not true".to_string();
            Shipper::new("datadog-agent", detail, Location::file(path), false)
        }
    }
}

pub fn ops_agent(text: &str, path: &str) -> Shipper {
    let lines = yaml_lines(text);
    let location = match lines.iter().find(|l| l.indent == 0 && l.key == "logging") {
        Some(l) => Location::line(path, l.line),
        None => Location::file(path),
    };
    Shipper::new(
        "google-cloud-ops-agent",
        "sends logs to Cloud Logging".into(),
        location,
        true,
    )
}

/// Vector sinks, from `[sinks.NAME]` TOML tables or a YAML `sinks:` map.
pub fn vector(text: &str, path: &str) -> Vec<Shipper> {
    let mut sinks: Vec<(String, u32)> = Vec::new();
    let mut in_sink = false;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            in_sink = line.starts_with("[sinks.");
        } else if let (true, Some((key, value))) = (in_sink, line.split_once('=')) {
            if key.trim() == "type" {
                sinks.push((first_item(value).to_string(), line_number(index)));
            }
        }
    }
    let lines = yaml_lines(text);
    if let Some(at) = lines.iter().position(|l| l.indent == 0 && l.key == "sinks") {
        let types = children(&lines, at).filter(|l| l.key == "type");
        sinks.extend(types.map(|l| (first_item(l.value).to_string(), l.line)));
    }
    sinks
        .into_iter()
        .map(|(kind, line)| {
            let location = Location::line(path, line);
            if ["console", "blackhole", "file"].contains(&kind.as_str()) {
                local_only("vector", &kind, location)
            } else {
                Shipper::new("vector", format!("sends to a {kind} sink"), location, true)
            }
        })
        .collect()
}

/// Fluent Bit outputs, from classic `[OUTPUT]` sections or a YAML `outputs:` list.
pub fn fluent_bit(text: &str, path: &str) -> Vec<Shipper> {
    let mut outputs: Vec<(String, Option<String>, u32)> = Vec::new();
    let mut in_output = false;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            in_output = line.eq_ignore_ascii_case("[output]");
            if in_output {
                outputs.push((String::new(), None, line_number(index)));
            }
        } else if let (true, Some(last)) = (in_output, outputs.last_mut()) {
            set_output_field(last, line.split_once(char::is_whitespace));
        }
    }
    let lines = yaml_lines(text);
    if let Some(at) = lines.iter().position(|l| l.key == "outputs") {
        for l in children(&lines, at) {
            if l.item {
                outputs.push((String::new(), None, l.line));
            }
            if let Some(last) = outputs.last_mut() {
                set_output_field(last, Some((l.key, l.value)));
            }
        }
    }
    outputs
        .into_iter()
        .filter(|(name, _, _)| !name.is_empty())
        .map(|o| fluent_output(o, path))
        .collect()
}

fn set_output_field(output: &mut (String, Option<String>, u32), pair: Option<(&str, &str)>) {
    let Some((key, value)) = pair else { return };
    match key.trim().to_ascii_lowercase().as_str() {
        "name" => output.0 = first_item(value).to_ascii_lowercase(),
        "host" => output.1 = Some(first_item(value).to_string()),
        _ => {}
    }
}

fn fluent_output((name, host, line): (String, Option<String>, u32), path: &str) -> Shipper {
    let location = Location::line(path, line);
    if ["stdout", "null", "file", "counter", "exit"].contains(&name.as_str()) {
        return local_only("fluent-bit", &name, location);
    }
    let detail = match host {
        Some(host) => format!("outputs to {name} at {host}"),
        None => format!("outputs to {name}"),
    };
    Shipper::new("fluent-bit", detail, location, true)
}
