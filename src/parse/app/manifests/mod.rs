//! An application's dependency manifests: requirements.txt (and what it
//! includes), pyproject.toml (PEP 621 `[project]`, PEP 735 dependency groups,
//! Poetry), setup.cfg and setup.py `install_requires`, the Pipfile, and which lock
//! files are there (poetry.lock, uv.lock, pdm.lock, Pipfile.lock) with the
//! packages they lock. Each declared dependency keeps its `file:line`.

mod pyproject;
mod setuptools;

use pyproject::pyproject;
use setuptools::{setup_cfg, setup_py};

use super::pep508::{self, Requirement};
use super::requirements::{self, Requirements};
use crate::evidence::{FileState, Source};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The lock files a project installs from.
pub const LOCK_FILES: &[&str] = &["poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock"];
/// The manifests that declare dependencies without pinning them by themselves.
pub const DECLARING: &[&str] = &["pyproject.toml", "setup.cfg", "setup.py", "Pipfile"];
pub const REQUIREMENTS: &str = "requirements.txt";

/// One dependency a manifest declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub file: String,
    pub line: usize,
    /// As written (`flask>=2`, `flask = "^2.0"`).
    pub text: String,
    /// Where in the file (`project.dependencies`, `tool.poetry.group.dev`).
    pub group: String,
    /// Installed with the application (not a development or optional group).
    pub runtime: bool,
    pub name: String,
    pub pin: Pin,
}

impl Declared {
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// Whether a declared dependency allows exactly one release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pin {
    Exact,
    /// A range, a wildcard, a branch: what it allows.
    Loose(String),
    /// The project's own code (a path).
    Local,
    /// Not readable as a dependency: why.
    Invalid(String),
}

/// A package a lock file locks (for names; versions are the lock's business).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    pub file: String,
    pub line: usize,
    pub name: String,
}

/// Everything the app's manifests say about its dependencies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifests {
    /// requirements.txt, followed through its includes, when there is one.
    pub requirements: Option<Requirements>,
    /// Lock files present.
    pub locks: Vec<String>,
    pub locked: Vec<Locked>,
    /// Manifests present that declare dependencies (pyproject with a project
    /// table, setup.cfg with options, setup.py, Pipfile).
    pub declaring: Vec<String>,
    pub declared: Vec<Declared>,
    /// `(location, problem)`: a manifest that could not be read or understood.
    pub problems: Vec<(String, String)>,
}

/// Read the manifests of the application in `dir`.
pub fn read(source: &dyn Source, dir: &str) -> Manifests {
    let dir = dir.trim_end_matches('/');
    let mut out = Manifests::default();
    let path = |name: &str| format!("{dir}/{name}");
    let requirements_path = path(REQUIREMENTS);
    if source.read(&requirements_path).exists() {
        // Includes may reach into the repository the app is in, not past it.
        let folders = super::app_and_repo(source, dir);
        let root = folders.last().map_or(dir, String::as_str);
        out.requirements = Some(requirements::read(source, &requirements_path, root));
    }
    for lock in LOCK_FILES {
        let file = path(lock);
        match source.read(&file) {
            FileState::Text(text) => {
                out.locked.extend(locked_names(&file, &text));
                out.locks.push(file);
            }
            FileState::Missing | FileState::NotCollected => {}
            other => {
                // Present but unread: it is still a lock file the project installs from.
                out.problems.extend(other.problem(&file).map(|p| (file.clone(), p)));
                out.locks.push(file);
            }
        }
    }
    for name in DECLARING {
        let file = path(name);
        let text = match source.read(&file) {
            FileState::Text(text) => text,
            FileState::Missing | FileState::NotCollected => continue,
            other => {
                out.problems.extend(other.problem(&file).map(|p| (file.clone(), p)));
                continue;
            }
        };
        let before = out.declared.len();
        let declares = match *name {
            "pyproject.toml" => pyproject(&file, &text, &mut out),
            "setup.cfg" => setup_cfg(&file, &text, &mut out),
            "setup.py" => setup_py(&file, &text, &mut out),
            _ => pipfile(&file, &text, &mut out),
        };
        if declares || out.declared.len() > before {
            out.declaring.push(file);
        }
    }
    out
}

/// 1-based line of a byte offset.
pub(super) fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn pep508_pin(req: &Requirement) -> Pin {
    if let Some(url) = &req.url {
        return match requirements::link_pin(url) {
            requirements::LinkPin::Commit | requirements::LinkPin::Hash => Pin::Exact,
            requirements::LinkPin::Local => Pin::Local,
            requirements::LinkPin::Loose(why) => Pin::Loose(why.to_string()),
        };
    }
    if req.pinned_by_version() {
        Pin::Exact
    } else if req.specifiers.is_empty() {
        Pin::Loose("any version".to_string())
    } else {
        Pin::Loose(req.specifier_text())
    }
}

pub(super) fn declared_pep508(file: &str, line: usize, text: &str, group: &str, runtime: bool) -> Declared {
    let (name, pin) = match pep508::parse(text) {
        Ok(req) => (pep508::normalize(&req.name), pep508_pin(&req)),
        Err(reason) => (String::new(), Pin::Invalid(reason)),
    };
    Declared {
        file: file.to_string(),
        line,
        text: text.to_string(),
        group: group.to_string(),
        runtime,
        name,
        pin,
    }
}

#[derive(Deserialize, Default)]
struct Pipfile {
    #[serde(default)]
    packages: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default, rename = "dev-packages")]
    dev: BTreeMap<String, Spanned<toml::Value>>,
}

/// The Pipfile: `"*"` allows any version, `"==X"` one.
fn pipfile(file: &str, text: &str, out: &mut Manifests) -> bool {
    let parsed: Pipfile = match toml::from_str(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            let line = e.span().map(|s| line_at(text, s.start)).unwrap_or(1);
            out.problems
                .push((format!("{file}:{line}"), format!("not TOML: {}", e.message())));
            return true;
        }
    };
    for (deps, group, runtime) in [
        (&parsed.packages, "packages", true),
        (&parsed.dev, "dev-packages", false),
    ] {
        for (name, value) in deps {
            let line = line_at(text, value.span().start);
            let spec = match value.get_ref() {
                toml::Value::String(s) => Some(s.clone()),
                toml::Value::Table(t) => t.get("version").and_then(toml::Value::as_str).map(str::to_string),
                _ => None,
            };
            let table = value.get_ref().as_table();
            let field = |key: &str| table.and_then(|t| t.get(key)).and_then(toml::Value::as_str);
            let pin = match spec.as_deref().map(str::trim) {
                _ if field("path").is_some() => Pin::Local,
                _ if field("git").is_some() => match field("ref") {
                    Some(r) if r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()) => Pin::Exact,
                    _ => Pin::Loose("a git dependency without a 40-hex `ref`".to_string()),
                },
                Some(s) if s.starts_with("==") && !s.contains('*') && !s.contains(',') => Pin::Exact,
                Some(s) if s.starts_with("===") => Pin::Exact,
                Some("*") | None => Pin::Loose("any version".to_string()),
                Some(s) => Pin::Loose(s.to_string()),
            };
            out.declared.push(Declared {
                file: file.to_string(),
                line,
                text: format!("{name} = {}", value.get_ref()),
                group: group.to_string(),
                runtime,
                name: pep508::normalize(name),
                pin,
            });
        }
    }
    true
}

/// The packages a lock file names: `name = "..."` lines of the TOML locks, the
/// package keys of Pipfile.lock.
fn locked_names(file: &str, text: &str) -> Vec<Locked> {
    if file.ends_with("Pipfile.lock") {
        return pipfile_lock_names(file, text);
    }
    text.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let name = line.strip_prefix("name = \"")?.strip_suffix('"')?;
            Some(Locked {
                file: file.to_string(),
                line: index + 1,
                name: pep508::normalize(name),
            })
        })
        .collect()
}

/// Pipfile.lock is JSON: the packages of "default" and "develop", each at the
/// line where its name is first written as a key.
fn pipfile_lock_names(file: &str, text: &str) -> Vec<Locked> {
    let Ok(lock) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    ["default", "develop"]
        .iter()
        .filter_map(|group| lock.get(group).and_then(serde_json::Value::as_object))
        .flat_map(|packages| packages.keys())
        .map(|name| {
            let key = format!("\"{name}\"");
            Locked {
                file: file.to_string(),
                line: text.find(&key).map_or(1, |at| line_at(text, at)),
                name: pep508::normalize(name),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Snapshot;

    fn pins(m: &Manifests) -> Vec<(String, usize, bool, Pin)> {
        m.declared
            .iter()
            .map(|d| (d.name.clone(), d.line, d.runtime, d.pin.clone()))
            .collect()
    }

    #[test]
    fn pep_621_and_poetry_dependencies_with_their_lines() {
        let text = "[project]\nname = \"shop\"\ndependencies = [\n  \"flask>=2.0\",\n  \"gunicorn==21.2.0\",\n]\n[project.optional-dependencies]\ndev = [\"pytest\"]\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\nrequests = \"2.31.0\"\ndjango = \"^4.2\"\nlib = { git = \"https://h/o/r\", rev = \"main\" }\n";
        let source = Snapshot::new().with_file("/srv/shop/pyproject.toml", text);
        let m = read(&source, "/srv/shop");
        assert_eq!(m.declaring, vec!["/srv/shop/pyproject.toml"]);
        assert_eq!(
            pins(&m),
            vec![
                ("flask".into(), 4, true, Pin::Loose(">=2.0".into())),
                ("gunicorn".into(), 5, true, Pin::Exact),
                ("pytest".into(), 8, false, Pin::Loose("any version".into())),
                ("django".into(), 13, true, Pin::Loose("^4.2".into())),
                (
                    "lib".into(),
                    14,
                    true,
                    Pin::Loose("a git dependency without a 40-hex `rev`".into())
                ),
                ("requests".into(), 12, true, Pin::Exact),
            ]
        );
    }

    #[test]
    fn setup_cfg_setup_py_and_pipfile() {
        let source = Snapshot::new()
            .with_file("/a/setup.cfg", "[metadata]\nname = a\n[options]\ninstall_requires =\n    PyCrypto==2.6.1\n    requests\n[options.extras_require]\ntest = pytest==8.0\n")
            .with_file("/a/setup.py", "from setuptools import setup\nsetup(\n    install_requires=[\n        'click>=8',  # cli\n        \"attrs==23.1.0\",\n    ],\n)\n")
            .with_file("/a/Pipfile", "[packages]\nflask = \"*\"\nsqlalchemy = \"==2.0.23\"\n");
        let m = read(&source, "/a");
        assert_eq!(
            pins(&m),
            vec![
                ("pycrypto".into(), 5, true, Pin::Exact),
                ("requests".into(), 6, true, Pin::Loose("any version".into())),
                ("pytest".into(), 8, false, Pin::Exact),
                ("click".into(), 4, true, Pin::Loose(">=8".into())),
                ("attrs".into(), 5, true, Pin::Exact),
                ("flask".into(), 2, true, Pin::Loose("any version".into())),
                ("sqlalchemy".into(), 3, true, Pin::Exact),
            ]
        );
    }

    #[test]
    fn computed_install_requires_and_broken_toml_are_problems_not_guesses() {
        let source = Snapshot::new()
            .with_file("/a/setup.py", "setup(install_requires=read_requirements())\n")
            .with_file("/a/pyproject.toml", "[project\nname=1\n");
        let m = read(&source, "/a");
        assert_eq!(m.problems.len(), 2, "{:?}", m.problems);
        assert!(m
            .problems
            .iter()
            .any(|(loc, p)| loc == "/a/setup.py:1" && p.contains("computed")));
    }

    #[test]
    fn lock_files_name_their_packages() {
        let source = Snapshot::new()
            .with_file("/a/poetry.lock", "[[package]]\nname = \"pycrypto\"\nversion = \"2.6.1\"\n")
            .with_file("/a/Pipfile.lock", "{\n    \"default\": {\n        \"PyCrypto\": {\n            \"version\": \"==2.6.1\"\n        }\n    }\n}\n");
        let m = read(&source, "/a");
        assert_eq!(m.locks, vec!["/a/poetry.lock", "/a/Pipfile.lock"]);
        let names: Vec<(usize, &str)> = m.locked.iter().map(|l| (l.line, l.name.as_str())).collect();
        assert_eq!(names, vec![(2, "pycrypto"), (3, "pycrypto")]);
    }
}
