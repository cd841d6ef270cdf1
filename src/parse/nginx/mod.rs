//! nginx's configuration as nginx reads it: `syntax` splits one file as
//! `ngx_conf_read_token` does; `load` follows `include` where it stands (a path
//! relative to the configuration prefix /etc/nginx/, a glob expanded in sorted
//! order, a glob that matches nothing allowed, a plain path that is missing an
//! error, as nginx has them), so the tree holds every directive in the order
//! nginx applies it, each with its file and line. No verdict here.

pub mod dump;
pub mod listen;
pub mod servers;
pub mod syntax;

use crate::evidence::source::human_bytes;
use crate::evidence::{FileState, Source};
use std::sync::Arc;
pub use syntax::Directive;

/// Debian's configuration prefix: relative includes are under it.
pub const PREFIX: &str = "/etc/nginx/";
/// The main file nginx reads.
pub const MAIN: &str = "/etc/nginx/nginx.conf";
/// Bounds on include trees (nginx has none but the stack).
pub const MAX_DEPTH: usize = 16;
pub const MAX_FILES: usize = 1024;
/// Directives in the whole configuration, includes spliced in: a file included
/// many times by files included many times ends here, not after minutes.
pub const MAX_DIRECTIVES: usize = 500_000;

/// The whole configuration, includes spliced in place.
#[derive(Debug, Clone, Default)]
pub struct NginxConfig {
    /// Every file read, once each, in the order nginx first reads it (as `nginx -T` lists them).
    pub files: Vec<String>,
    pub directives: Vec<Directive>,
}

/// Why the configuration is unknown (nginx would refuse it, or vouch could not read it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("{path} does not exist")]
    Missing { path: String },
    #[error("{0}")]
    Unreadable(String),
    /// nginx itself refuses it (`nginx -t` fails): where and why.
    #[error("{path}:{line}: {message} (nginx refuses this configuration)")]
    Refused { path: String, line: usize, message: String },
}

/// Load the configuration rooted at `main`, following its includes.
pub fn load(source: &dyn Source, main: &str) -> Result<NginxConfig, LoadError> {
    let mut loader = Loader {
        source,
        config: NginxConfig::default(),
        done: std::collections::HashMap::new(),
        spliced: 0,
    };
    let directives = loader.file(main, 0, None)?;
    loader.config.directives = directives;
    Ok(loader.config)
}

struct Loader<'s> {
    source: &'s dyn Source,
    config: NginxConfig,
    /// Each file's directives, includes spliced, once read: a snippet included by
    /// every site is read and parsed once.
    done: std::collections::HashMap<String, Vec<Directive>>,
    /// Directives spliced so far, cached copies included.
    spliced: usize,
}

impl Loader<'_> {
    /// Read and parse one file, its includes spliced in.
    fn file(&mut self, path: &str, depth: usize, from: Option<&Directive>) -> Result<Vec<Directive>, LoadError> {
        let at = from
            .map(|d| format!(" (included at {}:{})", d.file, d.line))
            .unwrap_or_default();
        if depth > MAX_DEPTH {
            return Err(LoadError::Unreadable(format!(
                "includes nest more than {MAX_DEPTH} deep{at}"
            )));
        }
        if self.config.files.len() >= MAX_FILES {
            return Err(LoadError::Unreadable(format!(
                "more than {MAX_FILES} files included{at}"
            )));
        }
        if let Some(done) = self.done.get(path) {
            let done = done.clone();
            self.count(&done, from)?;
            return Ok(done);
        }
        let text = match crate::evidence::source::read_config(self.source, path) {
            FileState::Text(text) => text,
            FileState::Missing if from.is_none() => return Err(LoadError::Missing { path: path.to_string() }),
            FileState::TooLarge { bytes, cap } => {
                return Err(LoadError::Unreadable(format!(
                    "{path} is {}, over the {} read cap{at}",
                    human_bytes(bytes),
                    human_bytes(cap)
                )))
            }
            other => {
                let problem = other
                    .problem(path)
                    .unwrap_or_else(|| format!("{path} could not be read"));
                return Err(LoadError::Unreadable(format!("{problem}{at}")));
            }
        };
        // Each file once, where nginx first reads it (as `nginx -T` lists them).
        if !self.config.files.iter().any(|f| f == path) {
            self.config.files.push(path.to_string());
        }
        let name: Arc<str> = Arc::from(path);
        let parsed = syntax::parse(&text, &name).map_err(|e| LoadError::Refused {
            path: path.to_string(),
            line: e.line,
            message: e.message,
        })?;
        let spliced = self.splice(parsed, depth)?;
        self.count(&spliced, from)?;
        self.done.insert(path.to_string(), spliced.clone());
        Ok(spliced)
    }

    /// Count a file's directives (its includes already counted where they were read).
    fn count(&mut self, directives: &[Directive], from: Option<&Directive>) -> Result<(), LoadError> {
        fn size(directives: &[Directive]) -> usize {
            directives.iter().map(|d| 1 + d.block.as_deref().map_or(0, size)).sum()
        }
        self.spliced += size(directives);
        if self.spliced > MAX_DIRECTIVES {
            let at = from
                .map(|d| format!(" (included at {}:{})", d.file, d.line))
                .unwrap_or_default();
            return Err(LoadError::Unreadable(format!(
                "the configuration expands past {MAX_DIRECTIVES} directives{at}"
            )));
        }
        Ok(())
    }

    /// Replace each `include` by the directives of the files it names, recursively
    /// inside blocks too.
    fn splice(&mut self, directives: Vec<Directive>, depth: usize) -> Result<Vec<Directive>, LoadError> {
        let mut out = Vec::with_capacity(directives.len());
        for mut directive in directives {
            if directive.name == "include" && directive.block.is_none() {
                let [pattern] = directive.args.as_slice() else {
                    return Err(LoadError::Refused {
                        path: directive.file.to_string(),
                        line: directive.line,
                        message: "invalid number of arguments in \"include\" directive".into(),
                    });
                };
                let full = full_name(pattern);
                for path in self.expand(&full, &directive)? {
                    out.extend(self.file(&path, depth + 1, Some(&directive))?);
                }
                continue;
            }
            if let Some(block) = directive.block.take() {
                directive.block = Some(self.splice(block, depth)?);
            }
            out.push(directive);
        }
        Ok(out)
    }

    /// The files an include names: a glob's matches sorted (none is fine), or the
    /// one path (whose absence nginx refuses).
    fn expand(&self, full: &str, at: &Directive) -> Result<Vec<String>, LoadError> {
        if !crate::evidence::glob::has_magic(full) {
            if matches!(self.source.read(full), FileState::Missing) {
                return Err(LoadError::Refused {
                    path: at.file.to_string(),
                    line: at.line,
                    message: format!("open() \"{full}\" failed (2: No such file or directory)"),
                });
            }
            return Ok(vec![full.to_string()]);
        }
        let globbed = self.source.glob(full);
        if let Some(problem) = globbed.problem() {
            return Err(LoadError::Unreadable(format!(
                "{problem}, so {full} could not be expanded (included at {}:{})",
                at.file, at.line
            )));
        }
        Ok(globbed.paths)
    }
}

/// A path as nginx makes it full: absolute as it is, else under the prefix.
pub fn full_name(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{PREFIX}{path}")
    }
}

/// Every directive named `name` anywhere in `directives`, depth first, in order.
pub fn all<'a>(directives: &'a [Directive], name: &str) -> Vec<&'a Directive> {
    let mut found = Vec::new();
    for directive in directives {
        if directive.name == name {
            found.push(directive);
        }
        if let Some(block) = &directive.block {
            found.extend(all(block, name));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Snapshot;

    #[test]
    fn includes_that_multiply_end_with_a_reason() {
        let fan = |next: &str| format!("include /etc/nginx/{next};\n").repeat(60);
        let source = Snapshot::new()
            .with_file(MAIN, &fan("a.conf"))
            .with_file("/etc/nginx/a.conf", &fan("b.conf"))
            .with_file("/etc/nginx/b.conf", &fan("c.conf"))
            .with_file("/etc/nginx/c.conf", &"worker_connections 1;\n".repeat(20));
        let Err(LoadError::Unreadable(why)) = load(&source, MAIN) else {
            panic!("60 x 60 x 60 includes of 20 directives are refused")
        };
        assert!(why.contains("expands past 500000 directives"), "{why}");
    }

    #[test]
    fn a_snippet_every_site_includes_is_read_once_and_spliced_everywhere() {
        let source = Snapshot::new()
            .with_file(MAIN, "http { include /etc/nginx/sites/*; }\n")
            .with_file("/etc/nginx/sites/a", "server { include /etc/nginx/tls.conf; }\n")
            .with_file("/etc/nginx/sites/b", "server { include /etc/nginx/tls.conf; }\n")
            .with_file("/etc/nginx/tls.conf", "ssl_protocols TLSv1.2;\n");
        let config = load(&source, MAIN).unwrap();
        assert_eq!(
            config.files,
            [MAIN, "/etc/nginx/sites/a", "/etc/nginx/tls.conf", "/etc/nginx/sites/b"]
        );
        assert_eq!(all(&config.directives, "ssl_protocols").len(), 2);
    }
}
