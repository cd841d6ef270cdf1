//! Git is the judge of `vouch::parse::app::gitignore`: for seeded trees of
//! `.gitignore` files (the root's and nested ones, with negations `!`, anchors
//! `/x`, `**`, directory-only `x/`, character classes, escaped `\#` and `\!`,
//! trailing spaces kept by `\ ` or dropped) and `.git/info/exclude`, made in a
//! temporary repository with `git init`, `git check-ignore --no-index -v -n -z
//! --stdin` says for each path (files, folders, and paths under folders) whether
//! Git ignores it and which rule decided; `Rules::decide` must say the same:
//! ignored or not, and when Git names a rule, the same file, line and pattern.
//! A path under an excluded folder is decided by the folder's rule (Git never
//! looks inside, so no negation re-includes it), in both.
//!
//! Git runs with HOME in the case's temporary folder, no system or global
//! configuration and `core.excludesFile=/dev/null`, so nothing of the machine's
//! configuration leaks in. Git is on every machine that checks the repository
//! out; a missing git fails the test, never skips it.

mod common;

use common::differential::XorShift;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use vouch::parse::app::gitignore::{IgnoreFile, Rules};

/// Disagreements accepted on purpose: a pattern line, and why vouch reads it its
/// way. None: Git matches names byte by byte (`?` and `[é]` take one byte of
/// `é`), and so does the matcher vouch builds on (globset matches bytes).
const KNOWN: &[(&str, &str)] = &[];

/// Lines of ignore files: every rule of gitignore(5), and lines Git reads oddly.
const PATTERNS: &[&str] = &[
    "*.env",
    ".env",
    ".env*",
    "!.env.example",
    "!.env",
    "/config/.env",
    "config/",
    "secrets/",
    "!secrets/",
    "!secrets/keep",
    "**/cache",
    "cache/",
    "build/**",
    "!build/keep",
    "a/**/b",
    "**/x/b",
    "logs/*.log",
    "!logs/keep.log",
    "*.log",
    "!x.log",
    "[abc].txt",
    "[!a]x.txt",
    "[^a]x.txt",
    "[a-c]*.py",
    "*.[tT][xX][tT]",
    "\\#hash",
    "#hash",
    "\\!bang",
    "!bang",
    "trailing  ",
    "trailing\\ ",
    "trailing\\  ",
    "tab\t",
    "?.md",
    "a?c",
    "deep/file",
    "/file",
    "file",
    "/root-only",
    "dir/",
    "!dir/",
    "!*.py",
    "*",
    "!*/",
    "!/sub",
    "sub/deep/",
    "deep",
    "**",
    "**/",
    "foo/**/",
    "sub/**/keep",
    "!**/keep",
    "k*p",
    "ke\\ep",
    "*/b",
    "b/",
    "\\ lead",
    " lead",
    "x[",
    "\\",
    "/",
    "",
    "   ",
    "# a comment",
    "**/*.env",
    "sub/",
    "/sub/deep",
    "!sub/deep/",
    "a/x/",
    "a/*/b",
    "**/**/b",
    "a/**",
    "build",
    "!build",
    "/build/",
    "sub/*",
    "*.TXT",
    "[[:alpha:]].txt",
    "[[:digit:][:upper:]].TXT",
    "\\*",
    "*\\*",
    "ke[e]p",
    "[]]",
    "[!]]",
    "k**p",
    "**e*",
    "a[/]b",
    "a[!x]b",
    "[!a]",
    "{a,b}.txt",
    "[[:punct:]]hash",
    "[[:space:]]lead",
    "[[:foo:]]",
    "[[:alpha:]-z]x.txt",
    "[z-a].txt",
    "x[!]]",
    "[\\]]",
    "\\[abc].txt",
    "[[:]x.txt",
    "?x.txt",
    "[é]x.txt",
    "é*",
    "[[:alpha:]]?.txt",
];

/// Folders of the generated trees; the first ones may hold a `.gitignore`.
const DIRS: &[&str] = &[
    "sub",
    "sub/deep",
    "a/x",
    "secrets",
    "build",
    "config",
    "a",
    "a/x/b",
    "logs",
    "cache",
    "dir",
    "sub/cache",
    "deep",
    "other",
];
const NESTED: usize = 5;

/// File names placed in the folders (and at the root).
const FILES: &[&str] = &[
    ".env",
    ".env.example",
    "x.env",
    "a.txt",
    "b.txt",
    "ax.txt",
    "bx.txt",
    "A.TXT",
    "z.py",
    "#hash",
    "!bang",
    "trailing",
    "trailing ",
    "tab\t",
    "tab",
    "r.md",
    "abc",
    "file",
    "root-only",
    "keep",
    "x.log",
    "keep.log",
    " lead",
    "kep",
    "ke\\ep",
    "kep.log",
    "*",
    "]",
    "1.TXT",
    "{a,b}.txt",
    "[abc].txt",
    "a b",
    "ab",
    "x]",
    ":x.txt",
    "zx.txt",
    "-x.txt",
    "éx.txt",
];

/// A generated repository: its ignore files, the exclude file, and the paths
/// asked about (with whether each is a folder).
struct Case {
    gitignores: Vec<IgnoreFile>,
    exclude: IgnoreFile,
    paths: Vec<(String, bool)>,
}

/// Up to `max` + 1 lines of patterns; now and then with a byte order mark (Git
/// skips it), CRLF line ends (Git drops the CR), or no newline at the end.
fn lines(rng: &mut XorShift, max: usize) -> String {
    let mut text = String::new();
    if rng.below(10) == 0 {
        text.push('\u{feff}');
    }
    let end = if rng.below(10) == 0 { "\r\n" } else { "\n" };
    for _ in 0..=rng.below(max) {
        text.push_str(PATTERNS[rng.below(PATTERNS.len())]);
        text.push_str(end);
    }
    if rng.below(10) == 0 {
        text.truncate(text.trim_end_matches(['\r', '\n']).len());
    }
    text
}

fn case(rng: &mut XorShift) -> Case {
    let mut gitignores = vec![IgnoreFile {
        dir: String::new(),
        path: ".gitignore".into(),
        text: lines(rng, 8),
    }];
    for dir in &DIRS[..NESTED] {
        if rng.below(3) == 0 {
            gitignores.push(IgnoreFile {
                dir: dir.to_string(),
                path: format!("{dir}/.gitignore"),
                text: lines(rng, 4),
            });
        }
    }
    let exclude = IgnoreFile {
        dir: String::new(),
        path: ".git/info/exclude".into(),
        text: if rng.below(2) == 0 {
            lines(rng, 3)
        } else {
            String::new()
        },
    };
    let mut paths = BTreeSet::new();
    for _ in 0..24 {
        let dir = if rng.below(4) == 0 {
            ""
        } else {
            DIRS[rng.below(DIRS.len())]
        };
        if rng.below(5) == 0 && !dir.is_empty() {
            paths.insert((dir.to_string(), true));
        } else {
            let file = FILES[rng.below(FILES.len())];
            let path = if dir.is_empty() {
                file.to_string()
            } else {
                format!("{dir}/{file}")
            };
            paths.insert((path, false));
        }
    }
    Case {
        gitignores,
        exclude,
        paths: paths.into_iter().collect(),
    }
}

/// `git` in `repo`, with no configuration but the test's own.
fn git(home: &Path, repo: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(repo)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["-c", "core.excludesFile=/dev/null"]);
    command
}

/// What Git says of each path: None when no pattern matches, else
/// (`source:line`, pattern as Git prints it).
fn git_says(case: &Case) -> Vec<Option<(String, String)>> {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (home, repo) = (dir.path().join("home"), dir.path().join("repo"));
    std::fs::create_dir_all(&home).expect("home made");
    std::fs::create_dir_all(&repo).expect("repo made");
    let init = git(&home, &repo)
        .args(["init", "-q"])
        .output()
        .expect("git runs: install git");
    assert!(
        init.status.success(),
        "git init: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    for d in DIRS {
        std::fs::create_dir_all(repo.join(d)).expect("a folder made");
    }
    for (path, is_dir) in &case.paths {
        if !is_dir && !repo.join(path).is_dir() {
            std::fs::write(repo.join(path), "x").expect("a file written");
        }
    }
    for file in case.gitignores.iter().chain([&case.exclude]) {
        std::fs::write(repo.join(&file.path), &file.text).expect("an ignore file written");
    }
    let mut child = git(&home, &repo)
        .args(["check-ignore", "--no-index", "-v", "-n", "-z", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("git check-ignore runs");
    let mut input = Vec::new();
    for (path, _) in &case.paths {
        // `./`: a path starting with `:` is not pathspec magic.
        input.extend_from_slice(b"./");
        input.extend_from_slice(path.as_bytes());
        input.push(0);
    }
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("git reads the paths");
    let out = child.wait_with_output().expect("git check-ignore ends");
    // 0: some path ignored, 1: none.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "git check-ignore failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8 from git");
    let fields: Vec<&str> = text.split('\0').collect();
    let answers: Vec<Option<(String, String)>> = fields
        .chunks(4)
        .filter(|chunk| chunk.len() == 4)
        .map(|chunk| (!chunk[0].is_empty()).then(|| (format!("{}:{}", chunk[0], chunk[1]), chunk[2].to_string())))
        .collect();
    let named: Vec<&str> = fields.chunks(4).filter(|c| c.len() == 4).map(|c| c[3]).collect();
    let asked: Vec<String> = case.paths.iter().map(|(p, _)| format!("./{p}")).collect();
    assert_eq!(named, asked, "git answers each path in order");
    answers
}

/// The case as a reader needs it to reproduce a disagreement.
fn shown(case: &Case) -> String {
    let mut out = String::new();
    for file in case.gitignores.iter().chain([&case.exclude]) {
        out.push_str(&format!("    {}: {:?}\n", file.path, file.text));
    }
    out
}

#[test]
fn git_and_vouch_ignore_the_same_paths_for_the_same_reasons() {
    let mut rng = XorShift(0x5eed_0917_2026_0001);
    let mut wrong = Vec::new();
    let (mut compared, mut ignored, mut negated, mut via_folder) = (0, 0, 0, 0);
    for number in 0..240 {
        let case = case(&mut rng);
        let rules = Rules::new(&case.gitignores, Some(&case.exclude));
        for ((path, is_dir), git) in case.paths.iter().zip(git_says(&case)) {
            compared += 1;
            let git_ignored = git.as_ref().is_some_and(|(_, pattern)| !pattern.starts_with('!'));
            ignored += usize::from(git_ignored);
            negated += usize::from(git.is_some() && !git_ignored);
            let vouch = rules.decide(path, *is_dir);
            via_folder += usize::from(vouch.via_folder.is_some());
            let agree = vouch.ignored == git_ignored && vouch.by == git;
            let known = git
                .iter()
                .chain(vouch.by.iter())
                .find_map(|(_, pattern)| KNOWN.iter().find(|(line, _)| line.trim_end() == pattern.as_str()));
            if !agree && known.is_none() {
                wrong.push(format!(
                    "case {number}, {path:?}{}:\n  git:   {git:?}\n  vouch: ignored {} by {:?}\n{}",
                    if *is_dir { " (a folder)" } else { "" },
                    vouch.ignored,
                    vouch.by,
                    shown(&case)
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {compared} paths decided differently:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // The trees exercise ignoring, re-including and ignored folders alike.
    assert!(compared >= 4000, "{compared} paths compared");
    assert!(
        ignored > compared / 5 && ignored < compared * 4 / 5,
        "{ignored} of {compared} ignored"
    );
    assert!(negated > 50, "{negated} re-included by a negation");
    assert!(via_folder > 100, "{via_folder} under an ignored folder");
}
