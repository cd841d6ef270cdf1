//! Makefile targets as make runs them, for "a CI step runs `make test`": each
//! target's recipe lines (tab-indented) and prerequisites, followed through
//! prerequisites and `make X` / `$(MAKE) X` in recipes, each target once.

use super::tools::{tools_in, without_comment, Tool};
use std::collections::BTreeMap;

/// How deep targets are followed.
const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Makefile {
    /// target → (its line, prerequisites, recipe lines with their numbers)
    targets: BTreeMap<String, Target>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Target {
    line: usize,
    prerequisites: Vec<String>,
    recipe: Vec<(usize, String)>,
}

impl Makefile {
    pub fn parse(text: &str) -> Makefile {
        let mut out = Makefile::default();
        let mut current: Vec<String> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            if let Some(recipe) = raw.strip_prefix('\t') {
                for name in &current {
                    if let Some(target) = out.targets.get_mut(name) {
                        target.recipe.push((number, recipe.trim().to_string()));
                    }
                }
                continue;
            }
            let line = without_comment(raw, true);
            if line.trim().is_empty() {
                continue;
            }
            // `a b: c d` (not `x := y`, not `x ::= y`, not `VAR = a:b`).
            current.clear();
            let Some((names, rest)) = line.split_once(':') else {
                continue;
            };
            if rest.starts_with('=')
                || names.contains('=')
                || names.trim_start().starts_with('.') && names.trim() != ".PHONY"
            {
                continue;
            }
            if names.trim() == ".PHONY" {
                continue;
            }
            let prerequisites: Vec<String> = rest
                .trim_start_matches(':')
                .split(';')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .map(str::to_string)
                .collect();
            for name in names.split_whitespace() {
                let target = out.targets.entry(name.to_string()).or_default();
                if target.line == 0 {
                    target.line = number;
                }
                target.prerequisites.extend(prerequisites.iter().cloned());
                current.push(name.to_string());
            }
        }
        out
    }

    pub fn has(&self, target: &str) -> bool {
        self.targets.contains_key(target)
    }

    /// The tools `make target` runs, each with the Makefile line that runs it.
    pub fn runs(&self, target: &str) -> Vec<(Tool, usize)> {
        let mut seen: Vec<String> = Vec::new();
        let mut found = Vec::new();
        self.follow(target, 0, &mut seen, &mut found);
        found
    }

    fn follow(&self, name: &str, depth: usize, seen: &mut Vec<String>, found: &mut Vec<(Tool, usize)>) {
        if depth > MAX_DEPTH || seen.iter().any(|s| s == name) {
            return;
        }
        seen.push(name.to_string());
        let Some(target) = self.targets.get(name) else { return };
        for prerequisite in &target.prerequisites {
            self.follow(prerequisite, depth + 1, seen, found);
        }
        for (line, recipe) in &target.recipe {
            for tool in tools_in(recipe) {
                found.push((tool, *line));
            }
            for called in make_targets(recipe) {
                self.follow(&called, depth + 1, seen, found);
            }
        }
    }
}

/// The targets a command line asks make for: `make test lint`, `$(MAKE) -C . test`.
pub fn make_targets(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for segment in line.split(['&', ';', '|']) {
        let words: Vec<&str> = segment.split_whitespace().collect();
        let Some(start) = words
            .iter()
            .position(|w| matches!(*w, "make" | "$(MAKE)" | "${MAKE}") || w.ends_with("/make"))
        else {
            continue;
        };
        let mut rest = words[start + 1..].iter();
        while let Some(word) = rest.next() {
            if matches!(*word, "-C" | "-f" | "--directory" | "--file" | "-j" | "-I") {
                rest.next();
            } else if word.starts_with('-') || word.contains('=') {
            } else {
                out.push(word.trim_matches(['"', '\'']).to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_followed_through_prerequisites_and_sub_makes() {
        let text = ".PHONY: ci test\nci: lint test\nlint:\n\truff check .\ntest: deps\n\t$(MAKE) unit\nunit:\n\tpytest -q\ndeps:\n\tpip install -r requirements.txt\n";
        let make = Makefile::parse(text);
        assert_eq!(make.runs("ci"), vec![(Tool::Ruff, 4), (Tool::Pytest, 8)]);
        assert_eq!(make.runs("lint"), vec![(Tool::Ruff, 4)]);
        assert!(make.runs("nothing").is_empty());
    }

    #[test]
    fn make_targets_skip_flags_and_variables() {
        assert_eq!(make_targets("make -C backend test PY=3.12"), vec!["test"]);
        assert_eq!(make_targets("cd app && make lint test"), vec!["lint", "test"]);
        assert!(make_targets("makefile-lint").is_empty());
    }

    #[test]
    fn a_cycle_ends() {
        let make = Makefile::parse("a: b\n\tpytest\nb: a\n");
        assert_eq!(make.runs("a"), vec![(Tool::Pytest, 2)]);
    }
}
