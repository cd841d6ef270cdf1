//! `nginx -T`: nginx itself testing its configuration and printing every file it
//! read, in its order, each as `# configuration file PATH:` then the file's bytes
//! and a newline. When the target ran it, the dump is what nginx reads, so the
//! loader reads through [`DumpSource`] (files and include globs answered from the
//! dump alone). A file holding a line like the marker would split the dump
//! wrongly, so a caller checks it against the files read directly ([`verify`]).

use crate::evidence::glob::component_matches;
use crate::evidence::{CommandState, DirState, FileMeta, FileState, Globbed, Source};
use std::sync::Arc;

/// The command, as the read-only policy allows it.
pub const ARGV: &[&str] = &["nginx", "-T"];
const MARKER: &str = "# configuration file ";

/// The files nginx printed, in its order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dump {
    pub files: Vec<(String, Arc<str>)>,
}

/// Split `nginx -T`'s stdout into its files; None when it holds none.
pub fn parse(stdout: &str) -> Option<Dump> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in stdout.split_inclusive('\n') {
        let marker = line
            .strip_prefix(MARKER)
            .map(|rest| rest.trim_end_matches('\n').trim_end_matches('\r'))
            .and_then(|rest| rest.strip_suffix(':'))
            .filter(|path| path.starts_with('/'));
        match (marker, files.last_mut()) {
            (Some(path), _) => files.push((path.to_string(), String::new())),
            (None, Some((_, content))) => content.push_str(line),
            (None, None) => {}
        }
    }
    if files.is_empty() {
        return None;
    }
    Some(Dump {
        files: files
            .into_iter()
            .map(|(path, mut content)| {
                // nginx writes a newline after each file's bytes.
                if content.ends_with('\n') {
                    content.pop();
                }
                (path, Arc::from(content))
            })
            .collect(),
    })
}

/// The dump of a command that exited 0; the first `[emerg]` line of one nginx
/// refused (Err), or None when it was not run or could not judge (not
/// installed, no permission to read what the configuration names).
pub fn from_command(state: &CommandState) -> Option<Result<Dump, String>> {
    match state {
        CommandState::Ran {
            stdout,
            exit_code: Some(0),
            ..
        } => parse(stdout).map(Ok),
        CommandState::Ran {
            stderr,
            exit_code: Some(_),
            ..
        } => {
            let line = stderr
                .lines()
                .find(|l| l.contains("[emerg]"))
                .unwrap_or_else(|| stderr.lines().next().unwrap_or(""));
            let denied = line.contains("Permission denied") || line.contains("(13:");
            (!denied && !line.is_empty()).then(|| Err(reason(line)))
        }
        _ => None,
    }
}

/// nginx's message without its prefixes: `nginx: [emerg] `, or a log line's
/// `2026/12/05 19:46:19 [emerg] 2124#2124: `.
fn reason(line: &str) -> String {
    let after = line.split_once("[emerg] ").map_or(line, |(_, rest)| rest);
    let after = match after.split_once(": ") {
        Some((pid, rest)) if pid.chars().all(|c| c.is_ascii_digit() || c == '#') => rest,
        _ => after,
    };
    after.trim().to_string()
}

/// Where nginx's message points: `... in /etc/nginx/conf.d/a.conf:12`.
pub fn refusal_at(message: &str) -> Option<(String, usize)> {
    let (_, tail) = message.rsplit_once(" in ")?;
    let (path, line) = tail.rsplit_once(':')?;
    Some((path.to_string(), line.trim().parse().ok()?))
}

/// Whether the dump agrees with the files as read directly: a file that reads
/// differently, or that is not there, means the dump was split wrongly (or the
/// files changed between the two reads). Files the scan could not read are taken
/// from the dump.
pub fn verify(dump: &Dump, source: &dyn Source) -> Result<(), String> {
    for (path, content) in &dump.files {
        match source.read(path) {
            FileState::Text(text) if *text == **content => {}
            FileState::Text(_) => return Err(format!("{path} reads differently from nginx -T's dump of it")),
            FileState::Missing => return Err(format!("nginx -T dumps {path}, which does not exist")),
            _ => {}
        }
    }
    Ok(())
}

/// A source that answers from the dump: what nginx read exists, nothing else does.
pub struct DumpSource<'a> {
    pub dump: &'a Dump,
}

fn path_matches(pattern: &str, path: &str) -> bool {
    let (p, f): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == f.len() && p.iter().zip(&f).all(|(p, f)| component_matches(p, f))
}

impl Source for DumpSource<'_> {
    fn read(&self, path: &str) -> FileState {
        match self.dump.files.iter().find(|(p, _)| p == path) {
            Some((_, content)) => FileState::Text(content.clone()),
            None => FileState::Missing,
        }
    }

    fn glob(&self, pattern: &str) -> Globbed {
        let mut paths: Vec<String> = self
            .dump
            .files
            .iter()
            .map(|(p, _)| p.clone())
            .filter(|p| path_matches(pattern, p))
            .collect();
        paths.sort();
        Globbed {
            paths,
            unread: Vec::new(),
        }
    }

    fn list(&self, _path: &str) -> DirState {
        DirState::NotCollected
    }

    fn meta(&self, _path: &str) -> Option<FileMeta> {
        None
    }

    fn command(&self, _argv: &[&str]) -> CommandState {
        CommandState::NotCollected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = "# configuration file /etc/nginx/nginx.conf:\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n\n# configuration file /etc/nginx/conf.d/a.conf:\nserver { listen 80; }\n\n";

    #[test]
    fn the_dump_splits_into_the_files_nginx_read() {
        let dump = parse(DUMP).unwrap();
        assert_eq!(dump.files.len(), 2);
        assert_eq!(dump.files[0].0, "/etc/nginx/nginx.conf");
        assert_eq!(&*dump.files[1].1, "server { listen 80; }\n");
        let source = DumpSource { dump: &dump };
        assert_eq!(
            source.glob("/etc/nginx/conf.d/*.conf").paths,
            ["/etc/nginx/conf.d/a.conf"]
        );
        assert_eq!(source.read("/etc/nginx/other.conf"), FileState::Missing);
        let config = crate::parse::nginx::load(&source, crate::parse::nginx::MAIN).unwrap();
        assert_eq!(config.files, ["/etc/nginx/nginx.conf", "/etc/nginx/conf.d/a.conf"]);
        assert!(parse("nginx: [emerg] nothing\n").is_none());
    }

    #[test]
    fn a_refusal_gives_nginx_s_reason_and_a_denial_gives_none() {
        let ran = |stderr: &str, code| CommandState::Ran {
            stdout: Arc::from(""),
            stderr: Arc::from(stderr),
            exit_code: Some(code),
        };
        let refused = ran("nginx: [emerg] unknown directive \"lsiten\" in /etc/nginx/sites-enabled/a:3\nnginx: configuration file /etc/nginx/nginx.conf test failed\n", 1);
        assert_eq!(
            from_command(&refused),
            Some(Err(
                "unknown directive \"lsiten\" in /etc/nginx/sites-enabled/a:3".into()
            ))
        );
        let logged = ran(
            "2026/12/05 19:46:19 [emerg] 21246#21246: unknown directive \"x\" in /etc/nginx/conf.d/t.conf:2\n",
            1,
        );
        let Some(Err(message)) = from_command(&logged) else {
            panic!("a refusal")
        };
        assert_eq!(message, "unknown directive \"x\" in /etc/nginx/conf.d/t.conf:2");
        assert_eq!(refusal_at(&message), Some(("/etc/nginx/conf.d/t.conf".into(), 2)));
        let denied = ran("nginx: [emerg] cannot load certificate key \"/etc/x.key\": BIO_new_file() failed (SSL: error:8000000D:system library::Permission denied)\n", 1);
        assert_eq!(from_command(&denied), None);
        assert_eq!(from_command(&CommandState::NotRun("not installed".into())), None);
    }

    #[test]
    fn a_file_that_fakes_the_marker_makes_the_dump_disagree_with_the_files() {
        // A comment in a.conf looks like a new file: what follows it would be lost.
        let real_a = "# configuration file /etc/nginx/hidden.conf:\nssl_protocols TLSv1;\n";
        let stdout = format!("# configuration file /etc/nginx/nginx.conf:\ninclude a.conf;\n\n# configuration file /etc/nginx/a.conf:\n{real_a}\n");
        let dump = parse(&stdout).unwrap();
        assert_eq!(dump.files.len(), 3);
        let files = crate::evidence::Snapshot::new()
            .with_file("/etc/nginx/nginx.conf", "include a.conf;\n")
            .with_file("/etc/nginx/a.conf", real_a);
        let why = verify(&dump, &files).unwrap_err();
        assert!(why.contains("/etc/nginx/a.conf reads differently"), "{why}");
        let honest = parse("# configuration file /etc/nginx/nginx.conf:\ninclude a.conf;\n\n").unwrap();
        assert_eq!(verify(&honest, &files), Ok(()));
    }
}
