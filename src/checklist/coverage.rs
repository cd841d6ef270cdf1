//! Lint's check that an evaluator reads only what its control collects: a `path`
//! parameter must be covered by a `files` or `dir` probe of the control, and an
//! `argv` parameter must be the argv of one of its `command` probes. Otherwise the
//! scan could only answer "not collected".

use crate::evidence::glob::{component_matches, has_magic};
use crate::model::{Params, ProbeType};
use crate::probe::{ProbeKind, ProbeSpec};

/// Problems, one sentence each; empty when the parameters are covered. Only
/// evaluators that read `files` or `command` evidence by parameter are checked.
pub fn uncovered(needs: &[ProbeType], params: &Params, probes: &[&ProbeSpec]) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(path) = params.str("path").filter(|_| needs.contains(&ProbeType::Files)) {
        if !probes.iter().any(|p| collects(&p.kind, path)) {
            problems.push(format!(
                "reads `{path}`, which no `files` or `dir` probe of this control collects"
            ));
        }
    }
    if params.get("argv").is_some() && needs.contains(&ProbeType::Command) {
        let argv = params.str_list("argv");
        let run = probes
            .iter()
            .any(|p| matches!(&p.kind, ProbeKind::Command { argv: a, .. } if *a == argv));
        if !run {
            problems.push(format!(
                "looks up `{}`, which no `command` probe of this control runs",
                argv.join(" ")
            ));
        }
    }
    problems
}

fn collects(kind: &ProbeKind, path: &str) -> bool {
    match kind {
        ProbeKind::Files { paths } => paths.iter().any(|pattern| pattern_matches(pattern, path)),
        ProbeKind::Dir { path: dir } => path
            .rsplit_once('/')
            .is_some_and(|(parent, _)| parent == dir.trim_end_matches('/')),
        _ => false,
    }
}

/// Does a probe's path or glob pattern cover `path`?
fn pattern_matches(pattern: &str, path: &str) -> bool {
    if !has_magic(pattern) {
        return pattern == path;
    }
    let want: Vec<&str> = pattern.split('/').collect();
    let have: Vec<&str> = path.split('/').collect();
    want.len() == have.len() && want.iter().zip(&have).all(|(p, n)| component_matches(p, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> ProbeSpec {
        ProbeSpec {
            kind: ProbeKind::Files {
                paths: paths.iter().map(|s| s.to_string()).collect(),
            },
            description: String::new(),
        }
    }

    #[test]
    fn paths_must_be_collected_literally_or_by_a_glob() {
        let probe = files(&["/etc/motd", "/etc/cron.d/*"]);
        for path in ["/etc/motd", "/etc/cron.d/backup"] {
            assert!(
                uncovered(&[ProbeType::Files], &Params::default().with("path", path), &[&probe]).is_empty(),
                "{path}"
            );
        }
        let missing = uncovered(
            &[ProbeType::Files],
            &Params::default().with("path", "/etc/issue"),
            &[&probe],
        );
        assert_eq!(
            missing,
            ["reads `/etc/issue`, which no `files` or `dir` probe of this control collects"]
        );
    }
}
