//! pyproject.toml's dependencies with their lines: PEP 621 `[project]` (and its
//! optional dependencies), PEP 735 `[dependency-groups]`, and Poetry's
//! `[tool.poetry]` dependencies, dev-dependencies and groups.

use super::{declared_pep508, line_at, Declared, Manifests, Pin};
use crate::parse::app::pep508;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize, Default)]
struct Pyproject {
    project: Option<Project>,
    #[serde(rename = "dependency-groups")]
    dependency_groups: Option<BTreeMap<String, Vec<toml::Value>>>,
    tool: Option<Tool>,
}

#[derive(Deserialize, Default)]
struct Project {
    #[serde(default)]
    dependencies: Vec<Spanned<String>>,
    /// Fields another tool fills at build time (`["dependencies"]`).
    #[serde(default)]
    dynamic: Vec<Spanned<String>>,
    #[serde(default, rename = "optional-dependencies")]
    optional: BTreeMap<String, Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
struct Tool {
    poetry: Option<Poetry>,
}

#[derive(Deserialize, Default)]
struct Poetry {
    #[serde(default)]
    dependencies: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default, rename = "dev-dependencies")]
    dev: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    group: BTreeMap<String, PoetryGroup>,
}

#[derive(Deserialize, Default)]
struct PoetryGroup {
    #[serde(default)]
    dependencies: BTreeMap<String, Spanned<toml::Value>>,
}

/// pyproject.toml: whether it declares a project (PEP 621 or Poetry).
pub(super) fn pyproject(file: &str, text: &str, out: &mut Manifests) -> bool {
    let parsed: Pyproject = match toml::from_str(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            let line = e.span().map(|s| line_at(text, s.start)).unwrap_or(1);
            out.problems.push((
                format!("{file}:{line}"),
                format!("not TOML Python can read: {}", e.message()),
            ));
            return true;
        }
    };
    let mut declares = false;
    if let Some(project) = &parsed.project {
        declares = true;
        if let Some(dynamic) = project.dynamic.iter().find(|d| d.get_ref() == "dependencies") {
            out.problems.push((
                format!("{file}:{}", line_at(text, dynamic.span().start)),
                "the dependencies are dynamic (filled at build time from another file): not read".to_string(),
            ));
        }
        for dep in &project.dependencies {
            let line = line_at(text, dep.span().start);
            out.declared
                .push(declared_pep508(file, line, dep.get_ref(), "project.dependencies", true));
        }
        for (extra, deps) in &project.optional {
            for dep in deps {
                let line = line_at(text, dep.span().start);
                let group = format!("project.optional-dependencies.{extra}");
                out.declared
                    .push(declared_pep508(file, line, dep.get_ref(), &group, false));
            }
        }
    }
    for (group, deps) in parsed.dependency_groups.iter().flatten() {
        for dep in deps.iter().filter_map(toml::Value::as_str) {
            // PEP 735 groups carry no spans here: find the string's line.
            let line = text.find(dep).map(|at| line_at(text, at)).unwrap_or(1);
            out.declared.push(declared_pep508(
                file,
                line,
                dep,
                &format!("dependency-groups.{group}"),
                false,
            ));
        }
    }
    if let Some(poetry) = parsed.tool.and_then(|t| t.poetry) {
        declares = true;
        let mut add = |deps: &BTreeMap<String, Spanned<toml::Value>>, group: &str, runtime: bool| {
            for (name, value) in deps.iter().filter(|(n, _)| n.as_str() != "python") {
                let line = line_at(text, value.span().start);
                out.declared
                    .push(poetry_dependency(file, line, name, value.get_ref(), group, runtime));
            }
        };
        add(&poetry.dependencies, "tool.poetry.dependencies", true);
        add(&poetry.dev, "tool.poetry.dev-dependencies", false);
        for (name, group) in &poetry.group {
            add(&group.dependencies, &format!("tool.poetry.group.{name}"), false);
        }
    }
    declares
}

/// A Poetry dependency: `"2.0.1"` and `"==2.0.1"` are exact; `^`, `~`, `*`,
/// ranges and wildcards are not; a git dependency is exact at a 40-hex `rev`.
fn poetry_dependency(file: &str, line: usize, name: &str, value: &toml::Value, group: &str, runtime: bool) -> Declared {
    let constraint = |c: &str| {
        let c = c.trim();
        let bare = c.strip_prefix("==").unwrap_or(c).trim();
        let exact = !bare.is_empty()
            && bare.chars().next().is_some_and(|ch| ch.is_ascii_digit())
            && !bare.contains(['*', ',', '<', '>', '^', '~', '|', ' ', '!']);
        if exact {
            Pin::Exact
        } else {
            Pin::Loose(if c.is_empty() {
                "any version".to_string()
            } else {
                c.to_string()
            })
        }
    };
    let (pin, text) = match value {
        toml::Value::String(c) => (constraint(c), format!("{name} = \"{c}\"")),
        toml::Value::Table(table) => {
            let text = format!("{name} = {value}");
            let pin = if let Some(version) = table.get("version").and_then(toml::Value::as_str) {
                constraint(version)
            } else if table.contains_key("git") {
                match table.get("rev").and_then(toml::Value::as_str) {
                    Some(rev) if rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) => Pin::Exact,
                    _ => Pin::Loose("a git dependency without a 40-hex `rev`".to_string()),
                }
            } else if table.contains_key("path") {
                Pin::Local
            } else {
                Pin::Loose("a URL or source with no version".to_string())
            };
            (pin, text)
        }
        toml::Value::Array(_) => (
            Pin::Loose("several constraints by marker".to_string()),
            format!("{name} = {value}"),
        ),
        other => (
            Pin::Invalid(format!("not a Poetry constraint: {other}")),
            format!("{name} = {other}"),
        ),
    };
    Declared {
        file: file.to_string(),
        line,
        text,
        group: group.to_string(),
        runtime,
        name: pep508::normalize(name),
        pin,
    }
}
