//! The application's own code as the code controls read it: every Python file,
//! template and text configuration under the app's folder (found by [`walk`],
//! so virtualenvs, node_modules, site-packages, caches and hidden folders are
//! left out; `.env` files are the secrets controls' own, their `.env.example`
//! templates are read), each read once through
//! the source — so over SSH and from an imported archive alike — and parsed once.
//! Files past the caps, binary ones and ones that could not be read are listed
//! with the reason, never taken as clean.

use super::walk;
use crate::evidence::{FileState, Source};
use crate::parse::{python, template};
use std::ops::ControlFlow;
use std::sync::Arc;

/// A source file larger than this is not read: code is kilobytes, and a
/// megabyte line is generated or hostile.
pub const FILE_CAP: u64 = 1024 * 1024;
/// Files read at most.
pub const MAX_FILES: usize = 5_000;
/// Bytes read at most, all files together.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Python,
    Template,
    /// `*.cfg, *.ini, *.toml, *.yaml, *.yml, *.json, *.conf`.
    Config,
}

/// What kind of code file a name is, by its extension.
pub fn kind_of(name: &str) -> Option<Kind> {
    // A .env file is the secrets controls' own (never read); its documented
    // template is configuration.
    if let Some(variant) = name.strip_prefix(".env") {
        return matches!(variant, ".example" | ".sample" | ".template" | ".dist").then_some(Kind::Config);
    }
    let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match extension.as_str() {
        "py" => Some(Kind::Python),
        "html" | "htm" | "jinja" | "jinja2" | "j2" => Some(Kind::Template),
        "cfg" | "ini" | "toml" | "yaml" | "yml" | "json" | "conf" => Some(Kind::Config),
        _ => None,
    }
}

/// The code files under the app, in walk order, and why the list may be short.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub files: Vec<(String, Kind)>,
    pub incomplete: Option<String>,
}

pub fn list(source: &dyn Source, dir: &str) -> Listing {
    let mut listing = Listing::default();
    let mut capped = false;
    let stopped = walk::walk(source, dir, |folder, names| {
        for name in names {
            if let Some(kind) = kind_of(name) {
                if listing.files.len() >= MAX_FILES {
                    capped = true;
                    return ControlFlow::Break(());
                }
                listing.files.push((walk::join(folder, name), kind));
            }
        }
        ControlFlow::Continue(())
    });
    listing.incomplete = stopped
        .or_else(|| capped.then(|| format!("the app holds more than {MAX_FILES} code files; the rest were not read")));
    listing
}

/// One file's text, or why it was not read. Files are read while the total stays
/// under [`MAX_BYTES`].
fn read_one(source: &dyn Source, path: &str, spent: &mut u64) -> Result<Arc<str>, String> {
    if *spent >= MAX_BYTES {
        return Err(format!(
            "{path} was not read: the app's code files passed {} in all",
            crate::evidence::source::human_bytes(MAX_BYTES)
        ));
    }
    if let Some(meta) = source.meta(path) {
        if meta.size > FILE_CAP {
            return Err(FileState::TooLarge {
                bytes: meta.size,
                cap: FILE_CAP,
            }
            .problem(path)
            .unwrap_or_default());
        }
    }
    match source.read(path) {
        FileState::Text(text) if text.len() as u64 > FILE_CAP => Err(FileState::TooLarge {
            bytes: text.len() as u64,
            cap: FILE_CAP,
        }
        .problem(path)
        .unwrap_or_default()),
        FileState::Text(text) => {
            *spent += text.len() as u64;
            Ok(text)
        }
        other => Err(other.problem(path).unwrap_or_default()),
    }
}

/// The app's own `.env`, read for its debug switches: the recorder keeps every
/// value that could be a secret out of the evidence.
pub fn env_file(dir: &str) -> String {
    walk::join(dir, ".env")
}

/// Read every code file and the app's `.env` (what the probe does: the reads
/// are the evidence).
pub fn collect(source: &dyn Source, dir: &str) {
    let _ = source.read(&env_file(dir));
    let listing = list(source, dir);
    let mut spent = 0;
    for (path, _) in &listing.files {
        let _ = read_one(source, path, &mut spent);
    }
}

#[derive(Debug, Clone)]
pub struct PyFile {
    pub path: String,
    pub text: Arc<str>,
    pub module: python::Module,
}

#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub path: String,
    pub template: template::Template,
}

#[derive(Debug, Clone)]
pub struct TextFile {
    pub path: String,
    pub text: Arc<str>,
}

/// The app's code, read and parsed.
#[derive(Debug, Clone, Default)]
pub struct Code {
    pub python: Vec<PyFile>,
    pub templates: Vec<TemplateFile>,
    pub configs: Vec<TextFile>,
    /// `(path, why)` for each code file not read.
    pub unread: Vec<(String, String)>,
    /// Why some of the app may not have been looked at.
    pub incomplete: Option<String>,
}

impl Code {
    /// Python files that did not parse, or were cut: `(path:line, why)`.
    pub fn unparsed(&self) -> Vec<(String, String)> {
        self.python
            .iter()
            .filter_map(|file| match (file.module.error_line, file.module.cut) {
                (Some(line), _) => Some((
                    format!("{}:{line}", file.path),
                    format!(
                        "{}:{line} is not Python this parser reads; the file was read around it",
                        file.path
                    ),
                )),
                (None, true) => Some((
                    file.path.clone(),
                    format!(
                        "{} nests expressions deeper than {} levels; those were not read",
                        file.path,
                        python::MAX_DEPTH
                    ),
                )),
                (None, false) => None,
            })
            .collect()
    }

    /// What was not read or not read whole, for a control that can only pass when
    /// everything was: the listing's gap, unread files, unparsed Python.
    pub fn gaps(&self) -> Vec<(String, String)> {
        let mut gaps: Vec<(String, String)> = self.incomplete.iter().map(|why| (String::new(), why.clone())).collect();
        gaps.extend(self.unread.iter().cloned());
        gaps.extend(self.unparsed());
        gaps
    }
}

pub fn read(source: &dyn Source, dir: &str) -> Code {
    let listing = list(source, dir);
    let mut code = Code {
        incomplete: listing.incomplete,
        ..Code::default()
    };
    let mut spent = 0;
    for (path, kind) in listing.files {
        let text = match read_one(source, &path, &mut spent) {
            Ok(text) => text,
            Err(why) => {
                code.unread.push((path, why));
                continue;
            }
        };
        match kind {
            Kind::Python => code.python.push(PyFile {
                module: python::parse(&text),
                path,
                text,
            }),
            Kind::Template => code.templates.push(TemplateFile {
                template: template::parse(&text),
                path,
            }),
            Kind::Config => code.configs.push(TextFile { path, text }),
        }
    }
    code
}
