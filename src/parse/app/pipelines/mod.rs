//! An application's CI and tool configurations, in its folder and at the root of
//! the repository it is in: GitHub Actions workflows, GitLab CI, CircleCI,
//! Bitbucket Pipelines, a Jenkinsfile, pre-commit, a Makefile, tox.ini,
//! noxfile.py, and the ruff settings of pyproject.toml, setup.cfg or ruff.toml —
//! with every tool each one runs at its `file:line` (`tools`), make targets
//! followed (`make`), workflows read for hardening (`github`), and whether the app
//! has tests (`testfiles`).

pub mod github;
pub mod make;
pub mod testfiles;
pub mod tools;

use crate::evidence::{FileState, Source};
use tools::{jenkins_commands, nox_command, tools_in, without_comment, Tool};

/// Which file a configuration is, which decides how it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    GithubWorkflow,
    GitlabCi,
    CircleCi,
    Bitbucket,
    Jenkinsfile,
    PreCommit,
    Makefile,
    Tox,
    Nox,
}

impl Kind {
    /// A CI service runs it on every change (pre-commit and the task runners run
    /// where someone calls them).
    pub fn is_ci(self) -> bool {
        matches!(
            self,
            Kind::GithubWorkflow | Kind::GitlabCi | Kind::CircleCi | Kind::Bitbucket | Kind::Jenkinsfile
        )
    }

    /// Read by its service at the repository's root only.
    fn read_at_root(self) -> bool {
        matches!(
            self,
            Kind::GithubWorkflow | Kind::GitlabCi | Kind::CircleCi | Kind::Bitbucket | Kind::PreCommit
        )
    }

    fn is_yaml(self) -> bool {
        matches!(
            self,
            Kind::GithubWorkflow | Kind::GitlabCi | Kind::CircleCi | Kind::Bitbucket | Kind::PreCommit
        )
    }
}

/// The configuration files looked for in a folder, with their kind.
pub const FILES: &[(&str, Kind)] = &[
    (".gitlab-ci.yml", Kind::GitlabCi),
    (".circleci/config.yml", Kind::CircleCi),
    ("bitbucket-pipelines.yml", Kind::Bitbucket),
    ("Jenkinsfile", Kind::Jenkinsfile),
    (".pre-commit-config.yaml", Kind::PreCommit),
    ("Makefile", Kind::Makefile),
    ("tox.ini", Kind::Tox),
    ("noxfile.py", Kind::Nox),
];
pub const WORKFLOWS: &[&str] = &[".github/workflows/*.yml", ".github/workflows/*.yaml"];
/// Where ruff's rules are chosen.
pub const RUFF_CONFIGS: &[&str] = &[".ruff.toml", "ruff.toml", "pyproject.toml"];

/// A tool a configuration runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub tool: Tool,
    pub path: String,
    pub line: usize,
    pub kind: Kind,
    /// The line as written (its comment cut), trimmed.
    pub text: String,
}

/// One configuration file read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub path: String,
    pub kind: Kind,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pipelines {
    pub configs: Vec<Config>,
    pub runs: Vec<Run>,
    pub workflows: Vec<github::Workflow>,
    /// `(path, why)`: files there that could not be read or understood.
    pub unread: Vec<(String, String)>,
    /// Where ruff is told to check the S (flake8-bandit) rules: `path:line` and the line.
    pub ruff_security: Option<(String, String)>,
    pub tests: testfiles::TestFiles,
    /// The app's Makefile (the one a CI's `make X` runs), with its path.
    pub makefile: Option<(String, make::Makefile)>,
}

/// Read the app's configurations in `folders` (the app's, then its repository's root).
pub fn read(source: &dyn Source, dir: &str, folders: &[String]) -> Pipelines {
    let mut out = Pipelines::default();
    // GitHub, GitLab, CircleCI, Bitbucket and pre-commit read their files at the
    // repository's root only (the app's folder when it is no checkout).
    let root = folders.last().map(String::as_str).unwrap_or(dir);
    for folder in folders {
        let at = |name: &str| format!("{}/{name}", folder.trim_end_matches('/'));
        let at_root = folder == root;
        let mut files: Vec<(String, Kind)> = Vec::new();
        if at_root {
            for pattern in WORKFLOWS {
                let globbed = source.glob(&at(pattern));
                out.unread
                    .extend(globbed.problem().map(|why| (at(".github/workflows"), why)));
                files.extend(globbed.paths.into_iter().map(|p| (p, Kind::GithubWorkflow)));
            }
        }
        files.extend(
            FILES
                .iter()
                .filter(|(_, kind)| at_root || !kind.read_at_root())
                .map(|(name, kind)| (at(name), *kind)),
        );
        for (path, kind) in files {
            let text = match source.read(&path) {
                FileState::Text(text) => text.to_string(),
                FileState::Missing | FileState::NotCollected => continue,
                other => {
                    out.unread.extend(other.problem(&path).map(|why| (path.clone(), why)));
                    continue;
                }
            };
            read_config(&mut out, path, kind, text);
        }
        // Ruff takes the nearest of .ruff.toml, ruff.toml, a pyproject.toml with [tool.ruff].
        for name in RUFF_CONFIGS {
            let path = at(name);
            if out.ruff_security.is_none() {
                if let FileState::Text(text) = source.read(&path) {
                    out.ruff_security = ruff_security(&text, *name == "pyproject.toml")
                        .map(|(line, shown)| (format!("{path}:{line}"), shown));
                }
            }
        }
    }
    out.tests = testfiles::find(source, dir);
    out
}

fn read_config(out: &mut Pipelines, path: String, kind: Kind, text: String) {
    // A file YAML refuses (a bomb, over 1 MiB, broken) runs nothing vouch can vouch for.
    if kind == Kind::GithubWorkflow {
        match github::parse(&path, &text) {
            Ok(workflow) => out.workflows.push(workflow),
            Err(why) => {
                out.unread.push((path, format!("not a workflow vouch reads: {why}")));
                return;
            }
        }
    } else if kind.is_yaml() {
        if let Err(why) = crate::parse::app::yaml::from_str::<serde_json::Value>(&text) {
            out.unread.push((path, format!("not YAML vouch reads: {why}")));
            return;
        }
    }
    if kind == Kind::Makefile && out.makefile.is_none() {
        out.makefile = Some((path.clone(), make::Makefile::parse(&text)));
    }
    let mut in_commands = false;
    for (index, raw) in text.lines().enumerate() {
        let line = without_comment(raw, kind != Kind::Jenkinsfile);
        let scanned = match kind {
            // Only recipe lines run anything.
            Kind::Makefile => raw.starts_with('\t'),
            // Hooks are named by their id.
            Kind::PreCommit => line
                .trim_start()
                .trim_start_matches("- ")
                .trim_start()
                .starts_with("id:"),
            // `commands =` and its continuation lines.
            Kind::Tox => {
                let trimmed = line.trim_start();
                if !raw.starts_with([' ', '\t']) {
                    in_commands = trimmed.starts_with("commands") && trimmed.contains('=');
                }
                in_commands
            }
            // `session.run("bandit", ...)`, not `session.install("bandit")`.
            Kind::Nox => line.contains(".run("),
            _ => true,
        };
        if !scanned {
            continue;
        }
        let mut tools = match kind {
            Kind::Nox => nox_command(line).map(|c| tools_in(&c)).unwrap_or_default(),
            // tox.ini's `commands = pytest`: the value is the command.
            Kind::Tox => tools_in(
                line.split_once('=')
                    .filter(|(k, _)| k.trim() == "commands")
                    .map_or(line, |(_, v)| v),
            ),
            Kind::Jenkinsfile => jenkins_commands(line).iter().flat_map(|c| tools_in(c)).collect(),
            _ => tools_in(line),
        };
        // GitLab's SAST template runs semgrep on Python code.
        if kind == Kind::GitlabCi && line.contains("SAST.gitlab-ci.yml") && !tools.contains(&Tool::Semgrep) {
            tools.push(Tool::Semgrep);
        }
        for tool in tools {
            out.runs.push(Run {
                tool,
                path: path.clone(),
                line: index + 1,
                kind,
                text: line.trim().to_string(),
            });
        }
    }
    out.configs.push(Config { path, kind, text });
}

/// Whether ruff's settings select the S (flake8-bandit) rules: `select` or
/// `extend-select` (also as `lint.select`, in `[lint]` or `[tool.ruff.lint]`)
/// holding `S`, an `S` code, or `ALL`; the line that does. `pyproject` says the
/// settings are under `[tool.ruff]`.
pub fn ruff_security(text: &str, pyproject: bool) -> Option<(usize, String)> {
    let table: toml::Table = toml::from_str(text).ok()?;
    let ruff = if pyproject {
        table.get("tool")?.get("ruff")?.as_table()?
    } else {
        &table
    };
    let lint = ruff.get("lint").and_then(toml::Value::as_table);
    let lists = ["select", "extend-select"]
        .into_iter()
        .flat_map(|key| [ruff.get(key), lint.and_then(|l| l.get(key))])
        .flatten()
        .filter_map(toml::Value::as_array);
    let code = lists
        .flatten()
        .filter_map(toml::Value::as_str)
        .find(|code| selects_security(code))?;
    // Its line: the first quoted occurrence of the code.
    let line = text
        .lines()
        .position(|l| l.contains(&format!("\"{code}\"")) || l.contains(&format!("'{code}'")))
        .map_or(1, |i| i + 1);
    let shown = text.lines().nth(line - 1).unwrap_or("").trim().to_string();
    Some((line, shown))
}

/// `"S"`, `"S1"`, `"S101"`, `"ALL"` among a line's quoted (or comma-separated) codes.
fn selects_security(line: &str) -> bool {
    line.split(|c: char| !(c.is_ascii_alphanumeric()))
        .filter(|w| !w.is_empty())
        .any(|code| code == "ALL" || (code.starts_with('S') && code[1..].chars().all(|c| c.is_ascii_digit())))
}

/// Whether a command line asks ruff for the S rules itself (`--select S`, `--extend-select=S,E`).
pub fn ruff_command_selects_security(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.iter().enumerate().any(|(i, word)| {
        let value = if let Some((flag, value)) = word.split_once('=') {
            matches!(flag, "--select" | "--extend-select").then_some(value)
        } else if matches!(*word, "--select" | "--extend-select") {
            words.get(i + 1).copied()
        } else {
            None
        };
        value.is_some_and(selects_security)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Snapshot;

    #[test]
    fn every_kind_of_file_gives_its_runs_with_lines() {
        let source = Snapshot::new()
            .with_file(
                "/srv/app/.github/workflows/ci.yml",
                "on: push\npermissions: {}\njobs:\n  t:\n    runs-on: x\n    steps:\n      - name: Run bandit\n      - run: pip install pip-audit && pip-audit\n      - run: make test\n",
            )
            .with_file("/srv/app/Makefile", "test:\n\tpytest\n")
            .with_file("/srv/app/tox.ini", "[testenv]\ndeps = bandit\ncommands =\n    bandit -r src\n    mypy src\n")
            .with_file("/srv/app/.pre-commit-config.yaml", "repos:\n  - repo: https://github.com/PyCQA/bandit\n    hooks:\n      - id: bandit\n")
            .with_file("/srv/app/noxfile.py", "def s(session):\n    session.install('semgrep')\n    session.run('semgrep', '--config', 'auto')\n");
        let read = read(&source, "/srv/app", &["/srv/app".to_string()]);
        let runs: Vec<(&str, &str, usize)> = read
            .runs
            .iter()
            .map(|r| (r.tool.name(), r.path.rsplit('/').next().unwrap_or(""), r.line))
            .collect();
        assert_eq!(
            runs,
            vec![
                ("pip-audit", "ci.yml", 8),
                ("bandit", ".pre-commit-config.yaml", 4),
                ("pytest", "Makefile", 2),
                ("bandit", "tox.ini", 4),
                ("mypy", "tox.ini", 5),
                ("semgrep", "noxfile.py", 3),
            ]
        );
        assert_eq!(read.workflows.len(), 1);
    }

    #[test]
    fn gitlab_circleci_bitbucket_and_jenkins_runs_with_comments_cut() {
        let source = Snapshot::new()
            .with_file(
                "/a/.gitlab-ci.yml",
                "include:\n  - template: Jobs/SAST.gitlab-ci.yml\ntest:\n  script:\n    - pip install safety  # not run here\n    - safety check -r requirements.txt\n    # - bandit -r .\n",
            )
            .with_file("/a/.circleci/config.yml", "jobs:\n  t:\n    steps:\n      - run:\n          command: tox -e py312\n")
            .with_file("/a/bitbucket-pipelines.yml", "pipelines:\n  default:\n    - step:\n        script:\n          - nox -s tests\n")
            .with_file("/a/Jenkinsfile", "pipeline {\n  stages {\n    // sh 'bandit -r .'\n    stage('t') { steps { sh 'python -m pytest' } }\n  }\n}\n");
        let read = read(&source, "/a", &["/a".to_string()]);
        let runs: Vec<(&str, &str, usize, bool)> = read
            .runs
            .iter()
            .map(|r| (r.tool.name(), r.path.as_str(), r.line, r.kind.is_ci()))
            .collect();
        assert_eq!(
            runs,
            vec![
                ("semgrep", "/a/.gitlab-ci.yml", 2, true),
                ("safety", "/a/.gitlab-ci.yml", 6, true),
                ("tox", "/a/.circleci/config.yml", 5, true),
                ("nox", "/a/bitbucket-pipelines.yml", 5, true),
                ("pytest", "/a/Jenkinsfile", 4, true),
            ]
        );
    }

    #[test]
    fn ruff_security_rules_in_settings_and_on_the_command_line() {
        assert_eq!(
            ruff_security("[tool.ruff.lint]\nselect = [\n  \"E\",\n  \"S\",\n]\n", true),
            Some((4, "\"S\",".to_string()))
        );
        let line = |text: &str, pyproject| ruff_security(text, pyproject).map(|(l, _)| l);
        assert_eq!(line("[lint]\nextend-select = [\"S101\"]\n", false), Some(2));
        assert_eq!(line("[tool.ruff]\nlint.select = [\"E\", \"S\"]\n", true), Some(2));
        assert_eq!(
            line("[tool.ruff]\nselect = [\"E\", \"F\"]\nignore = [\"S101\"]\n", true),
            None
        );
        // flake8's settings are not ruff's.
        assert_eq!(line("[flake8]\nselect = \"E,W,F,S\"\n", false), None);
        assert!(ruff_command_selects_security("ruff check --select S,E ."));
        assert!(ruff_command_selects_security("ruff check --extend-select=ALL"));
        assert!(!ruff_command_selects_security("ruff check --ignore S101"));
    }
}
