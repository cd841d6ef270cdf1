//! `vouch checklists lint`: an organisation writing its own checklist gets every
//! mistake at file:line:column, and a good file passes.

use assert_cmd::Command;
use predicates::prelude::*;

fn vouch() -> Command {
    let mut cmd = Command::cargo_bin("vouch").unwrap_or_else(|e| panic!("binary: {e}"));
    cmd.env_remove("NO_COLOR");
    cmd
}

const DIR: &str = "tests/fixtures/checklists";

#[test]
fn a_good_custom_checklist_passes_lint() {
    vouch()
        .args(["checklists", "lint", &format!("{DIR}/good.toml")])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 file(s) ok: 3 controls in 1 sections"));
}

#[test]
fn a_syntax_error_points_at_its_line_and_column() {
    vouch()
        .args(["checklists", "lint", &format!("{DIR}/syntax-error.toml")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "tests/fixtures/checklists/syntax-error.toml:12:",
        ))
        .stderr(predicate::str::contains("invalid basic string"));
}

#[test]
fn semantic_errors_are_all_reported_in_file_order() {
    let out = vouch()
        .args(["checklists", "lint", &format!("{DIR}/semantic-errors.toml")])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let file = "tests/fixtures/checklists/semantic-errors.toml";
    let expected = [
        format!("{file}:13:8: error: probe `wipe`: `rm` is not on vouch's list of read-only commands"),
        format!("{file}:17:8: error: unknown probe kind `registry`"),
        format!("{file}:32:13: error: unknown evaluator `file.matchez`, did you mean `file.matches`?"),
        format!("{file}:36:6: error: duplicate control id `acme.banner` (first defined in {file}:25)"),
        format!("{file}:42:19: error: control `acme.banner` names probe `nosuch`"),
        format!(
            "{file}:44:42: error: evaluator `file.matches`: `pattern` is not a valid regex: unclosed character class"
        ),
    ];
    let lines: Vec<&str> = stderr.lines().collect();
    for (line, want) in lines.iter().zip(&expected) {
        assert!(
            line.starts_with(want.as_str()),
            "got:\n{stderr}\nwanted a line starting:\n{want}"
        );
    }
    assert!(stderr.contains("6 error(s)"), "{stderr}");
}

#[test]
fn an_unknown_value_names_the_accepted_ones() {
    vouch()
        .args(["checklists", "lint", &format!("{DIR}/unknown-field.toml")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "unknown-field.toml:14:12: error: unknown variant `urgent`, expected one of `low`, `medium`, `high`, `critical`",
        ));
}

#[test]
fn a_duplicate_id_across_files_names_the_first_definition() {
    let good = format!("{DIR}/good.toml");
    vouch()
        .args(["checklists", "lint", &good, &good])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("duplicate checklist id `acme.baseline`"))
        .stderr(predicate::str::contains(format!(
            "duplicate control id `acme.banner` (first defined in {good}:"
        )));
}

#[test]
fn scanning_with_broken_checklists_is_a_usage_error() {
    vouch()
        .args([
            "scan",
            "--checklists",
            &format!("{DIR}/semantic-errors.toml"),
            "--root",
            DIR,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("vouch: the checklists have errors:"))
        .stderr(predicate::str::contains("unknown evaluator `file.matchez`"));
}

#[test]
fn a_binary_file_given_as_checklist_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("blob.toml");
    std::fs::write(&path, [0xff, 0xfe, 0x00, 0x01]).unwrap_or_else(|e| panic!("{e}"));
    vouch()
        .args(["checklists", "lint"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not UTF-8 text (is it a checklist?)"));
}

#[test]
fn evaluators_must_read_what_their_probes_collect_and_words_must_be_known() {
    let out = vouch()
        .args(["checklists", "lint", &format!("{DIR}/coverage-errors.toml")])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let file = "tests/fixtures/checklists/coverage-errors.toml";
    for want in [
        format!("{file}:29:57: error: evaluator `file.matches`: `expect` must be one of: match, no-match"),
        format!("{file}:40:10: error: evaluator `command.exits-zero` looks up `uname -a`, which no `command` probe of this control runs"),
        format!("{file}:51:10: error: evaluator `file.matches` reads `/etc/issue.net`, which no `files` or `dir` probe of this control collects"),
    ] {
        assert!(stderr.contains(&want), "wanted {want}\ngot:\n{stderr}");
    }
}

#[test]
fn a_missing_field_points_at_its_table() {
    vouch()
        .args(["checklists", "lint", &format!("{DIR}/missing-field.toml")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "missing-field.toml:10:1: error: missing field `severity`",
        ));
}

#[test]
fn a_regex_too_costly_to_run_is_refused_where_it_is_written() {
    let file = format!("{DIR}/costly.toml");
    vouch()
        .args(["checklists", "lint", &file])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{file}:24:49: error: evaluator `file.matches`: `pattern` is not a valid regex: too costly: \
             compiled, it exceeds the 2 MiB vouch allows"
        )));
}

#[test]
fn timeouts_outside_one_to_300_seconds_and_relative_probe_paths_are_refused() {
    let file = format!("{DIR}/costly.toml");
    let out = vouch().args(["checklists", "lint", &file]).assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for want in [
        format!("{file}:29:16: error: probe `forever`: `timeout_secs` is 86400: it must be between 1 and 300 seconds"),
        format!("{file}:35:16: error: probe `backwards`: `timeout_secs` is -5: it must be between 1 and 300 seconds"),
        format!("{file}:40:9: error: probe `here`: `paths`: `etc/issue` is not an absolute path"),
        format!("{file}:45:8: error: probe `config`: `path`: `sshd_config` is not an absolute path"),
    ] {
        assert!(stderr.contains(&want), "got:\n{stderr}\nwanted:\n{want}");
    }
    assert!(stderr.contains("5 error(s)"), "{stderr}");
}

#[test]
fn answer_rules_are_checked_where_they_are_written() {
    let out = vouch()
        .args(["checklists", "lint", &format!("{DIR}/answer-rules.toml")])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let file = "tests/fixtures/checklists/answer-rules.toml";
    for want in [
        format!("{file}:23:11: error: `decides` names the answer `maybe`; this question's answers are `yes` or `no`"),
        format!("{file}:29:21: error: `failed` is not a status"),
        format!("{file}:30:22: error: `stale_after_months` must be between 1 and 120"),
        format!("{file}:36:22: error: `stale_after_months` only applies to answer = \"date\""),
        format!("{file}:37:12: error: `excludes` names the answer `text`"),
        format!("{file}:43:12: error: `acme.plan` cannot rule itself out"),
        format!("{file}:49:12: error: `excludes` names `acme.ghost`, which no checklist defines"),
        format!("{file}:54:10: error: a `choice` question takes at most nine `choices`"),
    ] {
        assert!(stderr.contains(&want), "got:\n{stderr}\nwanted:\n{want}");
    }
}

#[test]
fn prefill_names_a_fact_the_evaluator_gives_and_answers_the_question_takes() {
    let out = vouch()
        .args(["checklists", "lint", &format!("{DIR}/prefill.toml")])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let file = "tests/fixtures/checklists/prefill.toml";
    for want in [
        format!(
            "{file}:30:11: error: fact `frequency` is never `fortnightly`; it is one of hourly, daily, weekly, monthly"
        ),
        format!("{file}:30:11: error: `prefill` answers `sometimes` for `weekly`, which the question does not take"),
        format!("{file}:36:11: error: evaluator `backup.schedule` gives no fact `size`; it gives job, frequency"),
        format!("{file}:51:11: error: `prefill` needs the control's `evaluator`, which gives the facts"),
    ] {
        assert!(stderr.contains(&want), "got:\n{stderr}\nwanted:\n{want}");
    }
    assert!(stderr.contains("4 error(s)"), "{stderr}");
}
