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

/// YAML keys whose value is a command line (`run: pytest`, `script: [...]`).
const COMMAND_KEYS: &[&str] = &[
    "run",
    "script",
    "command",
    "before_script",
    "after_script",
    "entry",
    "sh",
];

/// Words that run the next word as the command (`uv run pytest`, `python -m
/// pytest`, `sudo -u app bandit`): skipped to find the program.
const WRAPPERS: &[&str] = &[
    "sudo", "time", "exec", "env", "nice", "xargs", "sh", "bat", "npx", "uvx",
];
/// Words that run a tool after their `run`/`exec` (`pipx run pip-audit`).
const RUNNERS: &[&str] = &["uv", "poetry", "pipenv", "pdm", "hatch", "rye", "tox", "nox", "pipx"];

/// The tools a line runs, in the order they appear: the program of each command
/// (after `&&`, `;`, `|`), past environment assignments, wrappers (`sudo`, `uv
/// run`, `python -m`) and make's `@`/`-` prefixes. A word elsewhere — an
/// argument, a package being installed, a variable's value, an `echo` — runs nothing.
pub fn tools_in(line: &str) -> Vec<Tool> {
    let mut text = line.trim_start();
    // A YAML list item, then a key: `- run: pytest`, `script:`, `id: bandit`, `uses: x`.
    if let Some(rest) = text
        .strip_prefix('-')
        .filter(|r| r.is_empty() || r.starts_with([' ', '\t']))
    {
        text = rest.trim_start();
    }
    if let Some((key, value)) = split_key(text) {
        match key {
            "uses" => return action_tool(value).into_iter().collect(),
            "id" => return hook_tool(value).into_iter().collect(),
            _ if COMMAND_KEYS.contains(&key) => text = value.trim_start(),
            // Any other key's value (`SKIP: bandit`, `name: Run pytest`) runs nothing.
            _ => return Vec::new(),
        }
    }
    let text = text.trim_start_matches(['|', '>', '-', '+', '@']).trim();
    let mut found = Vec::new();
    for segment in text.split(['&', ';', '|']) {
        if let Some(tool) = program_of(segment) {
            if !found.contains(&tool) {
                found.push(tool);
            }
        }
    }
    found
}

/// `key: value` when the line starts with a YAML-style key (a word, then `:`
/// and a space or the end); the value may be empty.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))?;
    let (key, rest) = text.split_at(end);
    let value = rest.strip_prefix(':')?;
    (!key.is_empty() && (value.is_empty() || value.starts_with([' ', '\t']))).then_some((key, value))
}

/// The tool a single command runs, if its program is one.
fn program_of(command: &str) -> Option<Tool> {
    let words: Vec<&str> = command
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '`' | '"' | '\'' | '{' | '}'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let word = word.trim_start_matches(['@', '-', '+']);
        let base = word.rsplit('/').next().unwrap_or(word);
        if word.is_empty() || (word.contains('=') && !word.starts_with('-')) {
            i += 1; // `VAR=value`, or make's bare `-`/`@`
        } else if WRAPPERS.contains(&base) {
            i += 1;
            // `sudo -u app`, `env -i`: options of the wrapper go with it.
            while words.get(i).is_some_and(|w| w.starts_with('-')) {
                i += if matches!(words.get(i), Some(&"-u" | &"-g")) {
                    2
                } else {
                    1
                };
            }
        } else if RUNNERS.contains(&base) && matches!(words.get(i + 1), Some(&"run" | &"exec")) {
            if base == "tox" || base == "nox" {
                return tool_named(base);
            }
            i += 2;
            while words.get(i).is_some_and(|w| w.starts_with('-')) {
                i += 1;
            }
        } else if base.starts_with("python") || base == "py" {
            // `python -m pytest`, `python manage.py test`; a script runs nothing known.
            let rest = &words[i + 1..];
            if let Some(at) = rest.iter().position(|w| *w == "-m") {
                return rest.get(at + 1).and_then(|m| tool_named(m));
            }
            let script = rest.iter().find(|w| !w.starts_with('-'))?;
            let runs_tests = script.ends_with("manage.py") && rest.contains(&"test");
            return runs_tests.then_some(Tool::Unittest);
        } else {
            let tool = tool_named(base)?;
            // `unittest` is a module, run with `python -m`; `ruff format` lints nothing.
            let sub = words.get(i + 1).copied().unwrap_or("");
            return match tool {
                Tool::Unittest => None,
                Tool::Ruff if matches!(sub, "format" | "version" | "--version" | "clean" | "rule" | "config") => None,
                _ => Some(tool),
            };
        }
    }
    None
}

fn tool_named(program: &str) -> Option<Tool> {
    PROGRAMS
        .iter()
        .find(|(name, _)| *name == program)
        .map(|&(_, tool)| tool)
}

fn action_tool(value: &str) -> Option<Tool> {
    let value = value.trim().trim_matches(['"', '\'']);
    let action = value.split('@').next()?.to_ascii_lowercase();
    let owner_repo: String = action.split('/').take(2).collect::<Vec<_>>().join("/");
    ACTIONS
        .iter()
        .find(|(name, _)| *name == owner_repo)
        .map(|&(_, tool)| tool)
}

fn hook_tool(value: &str) -> Option<Tool> {
    let value = value.trim().trim_matches(['"', '\'']);
    HOOKS.iter().find(|(name, _)| *name == value).map(|&(_, tool)| tool)
}

/// A line with its comment cut, for the comment syntax of `file`'s kind.
pub fn without_comment(line: &str, hash_comments: bool) -> &str {
    let marker = if hash_comments { "#" } else { "//" };
    let (mut single, mut double) = (false, false);
    let mut previous: Option<char> = None;
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            // `#` starts a comment at the line's start or after whitespace (YAML, shell, INI).
            _ if !single
                && !double
                && line[i..].starts_with(marker)
                && (!hash_comments || previous.is_none_or(char::is_whitespace)) =>
            {
                return &line[..i];
            }
            _ => {}
        }
        previous = Some(c);
    }
    line
}

/// `session.run("bandit", "-r", "src")` as the command line it runs.
pub fn nox_command(line: &str) -> Option<String> {
    let args = line.split_once(".run(")?.1;
    let words: Vec<&str> = args
        .split(',')
        .map(|a| a.trim().trim_end_matches(')').trim())
        .take_while(|a| a.starts_with(['"', '\'']))
        .map(|a| a.trim_matches(['"', '\'']))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The commands of a Jenkinsfile line: each `sh '...'`/`bat "..."` string, or
/// the line itself (a line inside a multi-line `sh` block).
pub fn jenkins_commands(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for step in ["sh", "bat"] {
        let mut rest = line;
        while let Some(at) = rest.find(step) {
            let after = rest[at + step.len()..]
                .trim_start()
                .trim_start_matches('(')
                .trim_start();
            rest = &rest[at + step.len()..];
            let Some(quote) = after.chars().next().filter(|c| matches!(c, '\'' | '"')) else {
                continue;
            };
            let body = &after[1..];
            if let Some(end) = body.find(quote) {
                out.push(body[..end].to_string());
            }
        }
    }
    if out.is_empty() {
        out.push(line.to_string());
    }
    out
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
    fn only_the_program_of_a_command_runs() {
        assert_eq!(tools_in("\t@pytest -q"), vec![Tool::Pytest]);
        assert_eq!(tools_in("\t-@bandit -r src"), vec![Tool::Bandit]);
        assert_eq!(
            tools_in("sudo -u app /srv/app/venv/bin/pip-audit"),
            vec![Tool::PipAudit]
        );
        assert_eq!(tools_in("  - CI=1 poetry run pytest"), vec![Tool::Pytest]);
        assert_eq!(tools_in("python manage.py test --parallel"), vec![Tool::Unittest]);
        assert_eq!(tools_in("tox run -e py312"), vec![Tool::Tox]);
        assert_eq!(
            tools_in("      - run: pipx run pip-audit --strict"),
            vec![Tool::PipAudit]
        );
        assert_eq!(tools_in("      - run: uvx bandit -r src"), vec![Tool::Bandit]);
        assert!(tools_in("  SKIP: bandit,pip-audit").is_empty());
        assert!(tools_in("    SAST_EXCLUDED_ANALYZERS: \"semgrep\"").is_empty());
        assert!(tools_in("          echo \"pytest is not set up yet\"").is_empty());
        assert!(tools_in("          TODO: run safety check one day").is_empty());
        assert!(tools_in("      - run: ruff format --check .").is_empty());
        assert_eq!(tools_in("      - run: ruff check ."), vec![Tool::Ruff]);
    }

    #[test]
    fn non_ascii_lines_are_cut_at_characters() {
        assert_eq!(without_comment("name: Tests ✅ # done", true), "name: Tests ✅ ");
        assert_eq!(without_comment("author = José García", true), "author = José García");
        assert!(tools_in("name: Tests ✅").is_empty());
    }

    #[test]
    fn a_long_line_is_read_in_linear_time() {
        let line = format!("- run: {}", "x ".repeat(200_000));
        assert!(tools_in(&line).is_empty());
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
