//! Which security, test and lint tools a line of a CI or tool configuration
//! runs: a program named as a command word (`bandit -r .`, `uv run pytest`,
//! `python -m pip_audit`), a pre-commit hook's id, or a GitHub Action known to
//! run one (`pypa/gh-action-pip-audit`). Lines that only name something
//! (`name: Run bandit`) run nothing.

/// A tool the codesec and deps controls look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tool {
    PipAudit,
    Safety,
    OsvScanner,
    Trivy,
    Bandit,
    Ruff,
    Semgrep,
    Pylint,
    Flake8,
    Mypy,
    Pytest,
    Unittest,
    Tox,
    Nox,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::PipAudit => "pip-audit",
            Tool::Safety => "safety",
            Tool::OsvScanner => "osv-scanner",
            Tool::Trivy => "trivy",
            Tool::Bandit => "bandit",
            Tool::Ruff => "ruff",
            Tool::Semgrep => "semgrep",
            Tool::Pylint => "pylint",
            Tool::Flake8 => "flake8",
            Tool::Mypy => "mypy",
            Tool::Pytest => "pytest",
            Tool::Unittest => "unittest",
            Tool::Tox => "tox",
            Tool::Nox => "nox",
        }
    }

    pub fn scans_dependencies(self) -> bool {
        matches!(self, Tool::PipAudit | Tool::Safety | Tool::OsvScanner | Tool::Trivy)
    }

    pub fn runs_tests(self) -> bool {
        matches!(self, Tool::Pytest | Tool::Unittest | Tool::Tox | Tool::Nox)
    }
}

/// Program names (and `python -m` modules) as they are typed.
const PROGRAMS: &[(&str, Tool)] = &[
    ("pip-audit", Tool::PipAudit),
    ("pip_audit", Tool::PipAudit),
    ("safety", Tool::Safety),
    ("osv-scanner", Tool::OsvScanner),
    ("trivy", Tool::Trivy),
    ("bandit", Tool::Bandit),
    ("ruff", Tool::Ruff),
    ("semgrep", Tool::Semgrep),
    ("pylint", Tool::Pylint),
    ("flake8", Tool::Flake8),
    ("mypy", Tool::Mypy),
    ("pytest", Tool::Pytest),
    ("py.test", Tool::Pytest),
    ("unittest", Tool::Unittest),
    ("tox", Tool::Tox),
    ("nox", Tool::Nox),
];

/// GitHub Actions (owner/name, lower case) that run a tool.
const ACTIONS: &[(&str, Tool)] = &[
    ("pypa/gh-action-pip-audit", Tool::PipAudit),
    ("pyupio/safety-action", Tool::Safety),
    ("google/osv-scanner-action", Tool::OsvScanner),
    ("aquasecurity/trivy-action", Tool::Trivy),
    ("pycqa/bandit-action", Tool::Bandit),
    ("mdegis/bandit-action", Tool::Bandit),
    ("jpetrucciani/bandit-check", Tool::Bandit),
    ("astral-sh/ruff-action", Tool::Ruff),
    ("chartboost/ruff-action", Tool::Ruff),
    ("returntocorp/semgrep-action", Tool::Semgrep),
    ("semgrep/semgrep-action", Tool::Semgrep),
    ("jpetrucciani/mypy-check", Tool::Mypy),
];

/// pre-commit hook ids that run a tool.
const HOOKS: &[(&str, Tool)] = &[
    ("bandit", Tool::Bandit),
    ("ruff", Tool::Ruff),
    ("ruff-check", Tool::Ruff),
    ("semgrep", Tool::Semgrep),
    ("pip-audit", Tool::PipAudit),
    ("python-safety-dependencies-check", Tool::Safety),
    ("safety", Tool::Safety),
    ("osv-scanner", Tool::OsvScanner),
    ("pylint", Tool::Pylint),
    ("flake8", Tool::Flake8),
    ("mypy", Tool::Mypy),
    ("pytest", Tool::Pytest),
    ("pytest-check", Tool::Pytest),
];

/// Keys whose values describe rather than run.
const DESCRIBING: &[&str] = &["name", "description", "title", "label", "displayName", "comment"];

/// The tools a line runs, in the order they appear.
pub fn tools_in(line: &str) -> Vec<Tool> {
    let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
    if let Some((key, _)) = trimmed.split_once(':') {
        if DESCRIBING.contains(&key.trim().trim_matches(['"', '\''])) {
            return Vec::new();
        }
        if key.trim() == "uses" {
            return action_tool(trimmed).into_iter().collect();
        }
        if key.trim() == "id" {
            return hook_tool(trimmed).into_iter().collect();
        }
    }
    let mut found = Vec::new();
    // Each command of the line apart: `pip install bandit && bandit -r .` installs, then runs.
    for segment in line.split(['&', ';', '|']) {
        let words: Vec<&str> = segment
            .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '`' | '"' | '\'' | ',' | '[' | ']' | '='))
            .filter(|w| !w.is_empty())
            .collect();
        for (index, word) in words.iter().enumerate() {
            // After `install`/`add`, words are packages being installed, not run.
            if words[..index].iter().any(|w| INSTALLING.contains(w)) {
                break;
            }
            let program = word.rsplit('/').next().unwrap_or(word);
            let Some(&(_, tool)) = PROGRAMS.iter().find(|(name, _)| *name == program) else {
                continue;
            };
            // `unittest` runs only as `python -m unittest`; the module named elsewhere is code.
            let after_m = index > 0 && words[index - 1] == "-m";
            if tool == Tool::Unittest && !after_m {
                continue;
            }
            if !found.contains(&tool) {
                found.push(tool);
            }
        }
    }
    found
}

/// Words after which a command line names packages to install.
const INSTALLING: &[&str] = &["install", "add", "--with", "inject"];

fn action_tool(line: &str) -> Option<Tool> {
    let value = line.split_once(':')?.1.trim().trim_matches(['"', '\'']);
    let action = value.split('@').next()?.to_ascii_lowercase();
    let owner_repo: String = action.split('/').take(2).collect::<Vec<_>>().join("/");
    ACTIONS
        .iter()
        .find(|(name, _)| *name == owner_repo)
        .map(|&(_, tool)| tool)
}

fn hook_tool(line: &str) -> Option<Tool> {
    let value = line.split_once(':')?.1.trim().trim_matches(['"', '\'']);
    HOOKS.iter().find(|(name, _)| *name == value).map(|&(_, tool)| tool)
}

/// A line with its comment cut, for the comment syntax of `file`'s kind.
pub fn without_comment(line: &str, hash_comments: bool) -> &str {
    let marker = if hash_comments { "#" } else { "//" };
    let bytes = line.as_bytes();
    let (mut single, mut double) = (false, false);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            // `#` starts a comment at the line's start or after whitespace (YAML, shell, INI).
            _ if !single
                && !double
                && line[i..].starts_with(marker)
                && (i == 0 || !hash_comments || bytes[i - 1].is_ascii_whitespace()) =>
            {
                return &line[..i];
            }
            _ => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_hooks_and_actions_run_tools() {
        assert_eq!(
            tools_in("      - run: uv run pytest -q && bandit -r src"),
            vec![Tool::Pytest, Tool::Bandit]
        );
        assert_eq!(
            tools_in("  script: python -m pip_audit -r requirements.txt"),
            vec![Tool::PipAudit]
        );
        assert_eq!(tools_in("python -m unittest discover"), vec![Tool::Unittest]);
        assert_eq!(
            tools_in("      - uses: pypa/gh-action-pip-audit@v1.1.0"),
            vec![Tool::PipAudit]
        );
        assert_eq!(tools_in("    -   id: ruff"), vec![Tool::Ruff]);
        assert_eq!(tools_in("  ./venv/bin/mypy app"), vec![Tool::Mypy]);
    }

    #[test]
    fn names_and_prose_run_nothing() {
        assert!(tools_in("      - name: Run bandit").is_empty());
        assert!(tools_in("import unittest").is_empty());
        assert!(tools_in("pytest-cov==4.1.0").is_empty());
        assert!(tools_in("      - uses: actions/checkout@v4").is_empty());
        assert!(tools_in("  - pip install bandit pip-audit").is_empty());
        assert_eq!(tools_in("pip install bandit && bandit -r ."), vec![Tool::Bandit]);
    }

    #[test]
    fn comments_are_cut_outside_quotes() {
        assert_eq!(without_comment("run: bandit # security", true), "run: bandit ");
        assert_eq!(without_comment("echo '#not'", true), "echo '#not'");
        assert_eq!(without_comment("url#frag", true), "url#frag");
        assert_eq!(without_comment("sh 'pytest' // tests", false), "sh 'pytest' ");
    }
}
