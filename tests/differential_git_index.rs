//! Git is the judge of `vouch::parse::git_index`: repositories built with git in
//! temporary folders — a plain version 2 index, long and deep names (past the
//! 12-bit name length, which only `--cacheinfo` can add on Linux), names in
//! UTF-8 and with spaces, tabs and newlines, an intent-to-add entry (`git add
//! -N`, extended flags: version 3), a skip-worktree entry, a sparse index with
//! its folder entries, `--index-version 4` (prefix-compressed names), a merge
//! conflict's three stages, and `git init --object-format=sha256` — and for each,
//! `paths` of the bytes of `.git/index` must list exactly the names of `git
//! ls-files --stage -z` (in order, duplicates included; `--sparse` where the
//! index is sparse), and the version `git update-index --show-index-version` says.
//!
//! Git runs with HOME in the case's temporary folder and no system or global
//! configuration. A missing git fails the test, never skips it.

use std::path::PathBuf;
use std::process::Command;
use vouch::parse::git_index::{paths, Index};

/// A repository made by git in a temporary folder.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn init(args: &[&str]) -> Repo {
        let dir = tempfile::tempdir().expect("a temp dir");
        std::fs::create_dir_all(dir.path().join("home")).expect("home made");
        std::fs::create_dir_all(dir.path().join("repo")).expect("repo made");
        let repo = Repo { dir };
        repo.git(&[&["init", "-q"], args].concat());
        repo
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    /// Run git in the repository; its stdout, or a panic with what it said.
    fn git(&self, args: &[&str]) -> Vec<u8> {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new("git")
            .current_dir(self.root())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path().join("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .args([
                "-c",
                "user.name=Test",
                "-c",
                "user.email=test@example.com",
                "-c",
                "init.defaultBranch=main",
                "-c",
                "core.excludesFile=/dev/null",
            ])
            .args(args)
            .output()
            .expect("git runs: install git")
    }

    /// Write files (relative paths) and `git add` them.
    fn add(&self, files: &[&str]) {
        for file in files {
            let path = self.root().join(file);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders made");
            std::fs::write(&path, format!("# {file}\n")).expect("a file written");
        }
        self.git(&[&["add", "--"], files].concat());
    }

    /// Add an index entry for `path` without a file (paths Linux cannot hold).
    fn add_cacheinfo(&self, path: &str) {
        let blob = String::from_utf8(self.git(&["hash-object", "-w", "--stdin"])).expect("a hash");
        self.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("100644,{},{path}", blob.trim()),
        ]);
    }

    /// Assert vouch reads `.git/index` as git lists it; what it read.
    fn agrees(&self, sparse: bool) -> Index {
        let bytes = std::fs::read(self.root().join(".git/index")).expect("the index reads");
        let index = paths(&bytes).unwrap_or_else(|e| panic!("vouch refuses the index git wrote: {e}"));
        let listed = self.git(if sparse {
            &["ls-files", "--sparse", "--stage", "-z"]
        } else {
            &["ls-files", "--stage", "-z"]
        });
        let names: Vec<String> = listed
            .split(|&b| b == 0)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                let tab = entry
                    .iter()
                    .position(|&b| b == b'\t')
                    .expect("`mode hash stage\\tpath`");
                String::from_utf8_lossy(&entry[tab + 1..]).into_owned()
            })
            .collect();
        assert_eq!(index.paths, names, "the paths vouch reads are the ones git lists");
        let version = String::from_utf8(self.git(&["update-index", "--show-index-version"])).expect("a version");
        assert_eq!(index.version.to_string(), version.trim(), "the index version");
        index
    }
}

fn commit(repo: &Repo, message: &str) {
    repo.git(&["commit", "-q", "-m", message]);
}

const PLAIN: &[&str] = &[
    ".env",
    ".gitignore",
    "app/main.py",
    "app/templates/index.html",
    "requirements.txt",
    "z",
];

#[test]
fn a_plain_version_2_index_lists_what_git_lists() {
    let repo = Repo::init(&[]);
    repo.add(PLAIN);
    assert_eq!(repo.agrees(false).version, 2);
    commit(&repo, "first");
    // After a commit the index also holds the cache-tree extension.
    assert_eq!(repo.agrees(false).version, 2);
}

#[test]
fn long_deep_and_unusual_names_are_read_whole() {
    let repo = Repo::init(&[]);
    let long = "n".repeat(250);
    let deep = (0..12)
        .map(|i| format!("{i:02}{}", "d".repeat(240)))
        .collect::<Vec<_>>()
        .join("/");
    let files = [
        format!("{long}.txt"),
        format!("{deep}/{long}"),
        "café/naïve résumé.txt".to_string(),
        "日本語/ファイル.txt".to_string(),
        "with space".to_string(),
        "with\ttab".to_string(),
        "with\nnewline".to_string(),
        "quote\"and\\backslash".to_string(),
        "a".to_string(),
    ];
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    repo.add(&refs);
    // Past 4095 bytes the name length says 0xFFF and the name ends at its NUL.
    let beyond = format!("{deep}/{deep}/{long}");
    assert!(beyond.len() > 4095, "{}", beyond.len());
    repo.add_cacheinfo(&beyond);
    repo.add_cacheinfo(&format!("{}x", "e/".repeat(2100)));
    let index = repo.agrees(false);
    assert_eq!(index.version, 2);
    assert!(index.paths.contains(&beyond) && index.paths.contains(&"with\nnewline".to_string()));
}

#[test]
fn intent_to_add_and_skip_worktree_entries_make_a_version_3_index() {
    let repo = Repo::init(&[]);
    repo.add(PLAIN);
    std::fs::write(repo.root().join("later.py"), "x\n").expect("a file written");
    repo.git(&["add", "-N", "later.py"]);
    assert_eq!(repo.agrees(false).version, 3);
    commit(&repo, "first");
    repo.git(&["update-index", "--skip-worktree", "app/main.py"]);
    assert_eq!(repo.agrees(false).version, 3);
}

#[test]
fn a_sparse_index_lists_its_folder_entries() {
    let repo = Repo::init(&[]);
    repo.add(&["top.txt", "in/a.txt", "out/b.txt", "out/deeper/c.txt"]);
    commit(&repo, "first");
    repo.git(&["config", "index.sparse", "true"]);
    repo.git(&["sparse-checkout", "set", "--cone", "in"]);
    // `out/` is one entry, with the skip-worktree flag (extended: version 3).
    let index = repo.agrees(true);
    assert_eq!(index.version, 3);
    assert_eq!(index.paths, ["in/a.txt", "out/", "top.txt"]);
}

#[test]
fn a_version_4_index_with_prefix_compressed_names() {
    let repo = Repo::init(&[]);
    repo.add(PLAIN);
    repo.add(&[
        "app/templates/index.html.bak",
        "app/templates/item.html",
        "app/templatez",
        "b",
        "b.txt",
        "café/naïve.txt",
        "café/naïvety.txt",
    ]);
    repo.git(&["update-index", "--index-version", "4"]);
    assert_eq!(repo.agrees(false).version, 4);
    // A new entry written by git into the version 4 index.
    repo.add(&["app/templates/index.htm"]);
    std::fs::write(repo.root().join("app/later.py"), "x\n").expect("a file written");
    repo.git(&["add", "-N", "app/later.py"]);
    assert_eq!(repo.agrees(false).version, 4);
}

#[test]
fn a_merge_conflict_lists_each_stage_of_a_path() {
    let repo = Repo::init(&[]);
    repo.add(&["conflict.txt", "other.txt"]);
    commit(&repo, "base");
    repo.git(&["checkout", "-q", "-b", "theirs"]);
    std::fs::write(repo.root().join("conflict.txt"), "theirs\n").expect("written");
    repo.git(&["commit", "-q", "-am", "theirs"]);
    repo.git(&["checkout", "-q", "main"]);
    std::fs::write(repo.root().join("conflict.txt"), "ours\n").expect("written");
    repo.git(&["commit", "-q", "-am", "ours"]);
    let merge = repo.run(&["merge", "-q", "theirs"]);
    assert!(!merge.status.success(), "the merge conflicts");
    let index = repo.agrees(false);
    assert_eq!(index.version, 2);
    assert_eq!(
        index.paths,
        ["conflict.txt", "conflict.txt", "conflict.txt", "other.txt"]
    );
    // Resolved: the index holds the resolve-undo extension.
    repo.add(&["conflict.txt"]);
    assert_eq!(repo.agrees(false).version, 2);
}

#[test]
fn sha256_repositories_of_every_version() {
    let repo = Repo::init(&["--object-format=sha256"]);
    repo.add(PLAIN);
    repo.add(&["café/naïve.txt", &"x".repeat(200)]);
    assert_eq!(repo.agrees(false).version, 2);
    commit(&repo, "first");
    std::fs::write(repo.root().join("later.py"), "x\n").expect("a file written");
    repo.git(&["add", "-N", "later.py"]);
    assert_eq!(repo.agrees(false).version, 3);
    repo.git(&["update-index", "--index-version", "4"]);
    assert_eq!(repo.agrees(false).version, 4);
}
