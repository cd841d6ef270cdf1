//! Requirements files read as pip reads them (`pip/_internal/req/req_file.py`):
//! lines ending in `\` joined onto the next, `#` comments after whitespace cut,
//! options (`-r`/`--requirement`, `-c`/`--constraint`, `-e`, `--hash`, index
//! options) told from requirements, and `-r`/`-c` files followed relative to the
//! file that names them — each read once, a cycle or a missing file reported, never
//! looped on. A requirement is a PEP 508 specifier (`pep508`) or a URL/path.

mod lines;
mod links;
mod options;

pub use lines::logical_lines;
pub use links::{egg_name, link_pin, LinkPin};
use options::{classify, Parsed};

use super::pep508::{self, Requirement};
use crate::evidence::{FileState, Source};

/// How deep `-r` files may nest, and how many are read at most.
pub const MAX_DEPTH: usize = 32;
pub const MAX_FILES: usize = 256;

/// One requirement line of a file (its first physical line when continued).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub file: String,
    pub line: usize,
    /// The logical line: joined, its comment cut.
    pub text: String,
    /// From a `-c` file: it pins what other files require, requires nothing itself.
    pub constraint: bool,
    pub editable: bool,
    /// The line carries `--hash`.
    pub hashed: bool,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A PEP 508 specifier (perhaps `name @ URL`).
    Spec(Requirement),
    /// A URL or a local path pip installs from (`git+https://...#egg=x`, `./libs/a`).
    Link(String),
    /// Not a requirement pip can read: packaging's reason.
    Invalid(String),
}

impl Line {
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// The name it requires, normalized, when it says one.
    pub fn name(&self) -> Option<String> {
        match &self.kind {
            Kind::Spec(req) => Some(pep508::normalize(&req.name)),
            Kind::Link(url) => egg_name(url)
                .or_else(|| links::archive_name(url))
                .map(|n| pep508::normalize(&n)),
            Kind::Invalid(_) => None,
        }
    }
}

/// A requirements file and everything it includes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirements {
    /// The files read, in the order they were read.
    pub files: Vec<String>,
    pub lines: Vec<Line>,
    /// `(location, problem)`: a file that could not be read, a cycle, a URL not followed.
    pub problems: Vec<(String, String)>,
}

/// Read `path` and the files it includes, as pip would — only files inside
/// `root` (the app's folder or its repository): `-r /etc/shadow` is named, never
/// read, and neither is a `.env` file.
pub fn read(source: &dyn Source, path: &str, root: &str) -> Requirements {
    let mut out = Requirements::default();
    let mut walk = Walk {
        root: root.trim_end_matches('/'),
        stack: Vec::new(),
        read_as: Vec::new(),
    };
    visit(source, path, false, None, &mut walk, &mut out);
    out
}

struct Walk<'a> {
    root: &'a str,
    stack: Vec<String>,
    /// Files read, and whether as constraints: a file may be both.
    read_as: Vec<(String, bool)>,
}

fn visit(
    source: &dyn Source,
    path: &str,
    constraint: bool,
    from: Option<String>,
    walk: &mut Walk,
    out: &mut Requirements,
) {
    let here = from.clone().unwrap_or_else(|| path.to_string());
    if walk.stack.iter().any(|p| p == path) {
        out.problems
            .push((here, format!("{path} includes itself again (a cycle): read once")));
        return;
    }
    if walk.read_as.iter().any(|(p, c)| p == path && *c == constraint) {
        return;
    }
    let inside = path.strip_prefix(walk.root).is_some_and(|rest| rest.starts_with('/'));
    if !inside {
        out.problems.push((
            here,
            format!("{path} is outside the app's folder {}: not read", walk.root),
        ));
        return;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    if super::dotenv::is_secret_env(name) {
        out.problems
            .push((here, format!("{path} is a .env file: vouch never reads one")));
        return;
    }
    let (stack, read_as) = (&mut walk.stack, &mut walk.read_as);
    if stack.len() >= MAX_DEPTH || read_as.len() >= MAX_FILES {
        out.problems.push((
            here,
            format!("{path} not read: more than {MAX_DEPTH} levels or {MAX_FILES} requirement files"),
        ));
        return;
    }
    let text = match crate::evidence::source::read_config(source, path) {
        // A UTF-8 byte-order mark is no part of the first line, as pip decodes it.
        FileState::Text(text) => text.strip_prefix('\u{feff}').unwrap_or(&text).to_string(),
        FileState::Missing => {
            let what = if constraint { "constraints" } else { "requirements" };
            out.problems
                .push((here, format!("{what} file {path} does not exist (pip would stop here)")));
            return;
        }
        other => {
            out.problems.push((
                here,
                other.problem(path).unwrap_or_else(|| format!("{path} was not read")),
            ));
            return;
        }
    };
    if !out.files.iter().any(|p| p == path) {
        out.files.push(path.to_string());
    }
    read_as.push((path.to_string(), constraint));
    stack.push(path.to_string());
    for (number, logical) in logical_lines(&text) {
        let location = format!("{path}:{number}");
        match classify(&logical) {
            Parsed::Include { file, constraint: c } => {
                if file.contains("://") {
                    out.problems.push((location, format!("{file} is a URL: not followed")));
                } else {
                    // pip reads what `-r` names as requirements even from a
                    // constraints file: only `-c` makes constraints.
                    let target = relative_to(path, &file);
                    visit(source, &target, c, Some(location), walk, out);
                }
            }
            Parsed::Requirement { text, editable, hashed } => {
                let kind = requirement_kind(&text);
                out.lines.push(Line {
                    file: path.to_string(),
                    line: number,
                    text: logical.clone(),
                    constraint,
                    editable,
                    hashed,
                    kind,
                });
            }
            Parsed::Option => {}
        }
    }
    walk.stack.pop();
}

fn requirement_kind(text: &str) -> Kind {
    match pep508::parse(text) {
        Ok(req) => Kind::Spec(req),
        Err(_) if looks_like_link(text) => Kind::Link(text.split(" ;").next().unwrap_or(text).trim().to_string()),
        Err(reason) => Kind::Invalid(reason),
    }
}

fn looks_like_link(text: &str) -> bool {
    text.contains("://")
        || text.starts_with('.')
        || text.starts_with('/')
        || text.starts_with("file:")
        || ["git+", "hg+", "svn+", "bzr+"].iter().any(|p| text.starts_with(p))
}

/// `-r other.txt` names a file relative to the file that names it.
fn relative_to(including: &str, named: &str) -> String {
    let dir = including.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    crate::evidence::normalize_path(&crate::evidence::resolve_relative(dir, named))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Snapshot;

    #[test]
    fn continued_lines_comments_and_options_as_pip_reads_them() {
        let text = "# top\nflask==2.3.2 \\\n    --hash=sha256:abc # pinned\n\n-i https://pypi.org/simple\nurl#frag\n";
        assert_eq!(
            logical_lines(text),
            vec![
                (2, "flask==2.3.2     --hash=sha256:abc".to_string()),
                (5, "-i https://pypi.org/simple".to_string()),
                (6, "url#frag".to_string())
            ]
        );
    }

    #[test]
    fn lines_end_where_python_ends_them_and_comments_follow_any_whitespace() {
        assert_eq!(
            logical_lines("a\rb\x0cc\u{85}d # x\ne\u{a0}#f"),
            vec![
                (1, "a".to_string()),
                (2, "b".to_string()),
                (3, "c".to_string()),
                (4, "d".to_string()),
                (5, "e".to_string())
            ]
        );
    }

    #[test]
    fn what_a_constraints_file_includes_with_dash_r_is_required() {
        let source = Snapshot::new()
            .with_file("/a/requirements.txt", "-c c.txt\n")
            .with_file("/a/c.txt", "x==1\n-r r.txt\n")
            .with_file("/a/r.txt", "y==2\n");
        let read = read(&source, "/a/requirements.txt", "/a");
        let kinds: Vec<bool> = read.lines.iter().map(|l| l.constraint).collect();
        assert_eq!(kinds, vec![true, false]);
    }

    #[test]
    fn includes_are_followed_relative_to_their_file_once_and_cycles_reported() {
        let source = Snapshot::new()
            .with_file(
                "/srv/app/requirements.txt",
                "-r requirements/base.txt\n-c constraints.txt\nflask\n",
            )
            .with_file(
                "/srv/app/requirements/base.txt",
                "--requirement=../requirements.txt\nrequests==2.31.0\n",
            )
            .with_file("/srv/app/constraints.txt", "flask==2.3.2\n-r missing.txt\n");
        let read = read(&source, "/srv/app/requirements.txt", "/srv/app");
        assert_eq!(
            read.files,
            vec![
                "/srv/app/requirements.txt",
                "/srv/app/requirements/base.txt",
                "/srv/app/constraints.txt"
            ]
        );
        let names: Vec<(String, bool)> = read
            .lines
            .iter()
            .map(|l| (l.name().unwrap_or_default(), l.constraint))
            .collect();
        assert_eq!(
            names,
            vec![
                ("requests".into(), false),
                ("flask".into(), true),
                ("flask".into(), false)
            ]
        );
        assert_eq!(read.problems.len(), 2, "{:?}", read.problems);
        assert!(read.problems[0].1.contains("cycle"));
        assert_eq!(read.problems[1].0, "/srv/app/constraints.txt:2");
    }

    #[test]
    fn links_are_pinned_by_commit_or_hash_only() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(
            link_pin(&format!("git+https://github.com/o/r@{sha}#egg=r")),
            LinkPin::Commit
        );
        assert_eq!(
            link_pin(&format!("git+ssh://git@github.com/o/r.git@{sha}")),
            LinkPin::Commit
        );
        assert!(matches!(
            link_pin("git+ssh://git@github.com/o/r.git"),
            LinkPin::Loose(_)
        ));
        assert!(matches!(
            link_pin("git+https://github.com/o/r@v1.2#egg=r"),
            LinkPin::Loose(_)
        ));
        assert_eq!(link_pin("https://x.org/a-1.0.tar.gz#sha256=ab"), LinkPin::Hash);
        assert!(matches!(link_pin("https://x.org/a-1.0.tar.gz"), LinkPin::Loose(_)));
        assert_eq!(link_pin("./libs/shared"), LinkPin::Local);
        assert_eq!(egg_name("git+https://h/o/r@v1#egg=Shared[x]"), Some("Shared".into()));
    }

    #[test]
    fn editable_and_attached_flags_are_understood() {
        let source = Snapshot::new()
            .with_file(
                "/a/requirements.txt",
                "-e .\n-rother.txt\n--editable=git+https://h/o/r#egg=r\n",
            )
            .with_file("/a/other.txt", "x===1\n");
        let read = read(&source, "/a/requirements.txt", "/a");
        let kinds: Vec<(bool, String)> = read.lines.iter().map(|l| (l.editable, l.text.clone())).collect();
        assert_eq!(kinds.len(), 3, "{kinds:?}");
        assert!(read.lines[0].editable && read.lines[0].kind == Kind::Link(".".into()));
        assert_eq!(read.lines[1].name().as_deref(), Some("x"));
        assert_eq!(read.lines[2].name().as_deref(), Some("r"));
    }

    #[test]
    fn includes_stay_in_the_app_and_never_reach_a_dotenv() {
        let source = Snapshot::new()
            .with_file(
                "/srv/app/requirements.txt",
                "-r /etc/shadow\n-r ../other/reqs.txt\n-c .env\nflask==3.0.3\n",
            )
            .with_file("/etc/shadow", "root:$6$salt$hash:19000::::::\n")
            .with_file("/srv/other/reqs.txt", "x\n")
            .with_file("/srv/app/.env", "SECRET=1\n");
        let read = read(&source, "/srv/app/requirements.txt", "/srv/app");
        assert_eq!(read.files, vec!["/srv/app/requirements.txt"]);
        assert_eq!(read.lines.len(), 1);
        let problems: Vec<&str> = read.problems.iter().map(|(_, p)| p.as_str()).collect();
        assert!(
            problems[0].starts_with("/etc/shadow is outside the app's folder"),
            "{problems:?}"
        );
        assert!(problems[1].starts_with("/srv/other/reqs.txt is outside"));
        assert_eq!(problems[2], "/srv/app/.env is a .env file: vouch never reads one");
    }

    #[test]
    fn a_file_both_constrained_and_required_is_read_as_both() {
        let source = Snapshot::new()
            .with_file("/a/requirements.txt", "\u{feff}-c base.txt\n-r base.txt\n")
            .with_file("/a/base.txt", "flask>=1\n");
        let read = read(&source, "/a/requirements.txt", "/a");
        let kinds: Vec<bool> = read.lines.iter().map(|l| l.constraint).collect();
        assert_eq!(kinds, vec![true, false]);
        assert_eq!(read.files, vec!["/a/requirements.txt", "/a/base.txt"]);
    }
}
