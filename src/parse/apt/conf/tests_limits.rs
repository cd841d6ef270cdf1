//! Table tests of the bounds vouch puts on reading APT's configuration (nesting,
//! scope names, statements: apt itself has none) and of the directory entries apt
//! skips because they are not regular files.

use super::load::MAX_STATEMENTS;
use super::parse::{MAX_NESTING, MAX_SCOPE_BYTES};
use super::tests::host;
use super::tests::read;
use super::*;
use crate::evidence::{FileKind, FileMeta, FileState};

/// `A { ` nested `depth` times, a value inside, then `};` as often.
fn nested(depth: usize) -> String {
    format!("{}V \"1\";\n{}", "A { ".repeat(depth), "}; ".repeat(depth))
}

#[test]
fn nesting_is_bounded_by_vouch_not_apt() {
    // (depth, Some(line of the error) or None when read in full)
    let cases = [
        (1, None),
        (MAX_NESTING, None),
        (MAX_NESTING + 1, Some(1)),
        (20_000, Some(1)),
    ];
    for (depth, error_line) in cases {
        let (tree, result) = read(&nested(depth));
        match error_line {
            None => {
                assert_eq!(result, Ok(()), "depth {depth}");
                let name = format!("{}V", "A::".repeat(depth));
                assert_eq!(tree.find(&name), "1", "depth {depth}");
            }
            Some(line) => {
                let error = result.expect_err("too deep");
                assert_eq!((error.line, error.kind), (line, ErrorKind::Limit), "depth {depth}");
                assert_eq!(
                    error.message,
                    "nesting deeper than 64 levels; vouch stops reading the file here (apt has no such limit)"
                );
            }
        }
    }
    // A tag holds at most 1024 bytes (apt's word buffer), so two make the scope too long.
    let tag = "L".repeat(MAX_SCOPE_BYTES - 1);
    let long = format!("{tag} {{\n{tag} {{ B \"1\"; }};\n}};\n");
    let error = read(&long).1.expect_err("scope name too long");
    assert_eq!((error.line, error.kind), (2, ErrorKind::Limit));
    assert!(
        error.message.starts_with("a scope name longer than 1024 bytes"),
        "{}",
        error.message
    );
}

#[test]
fn a_file_past_vouchs_limits_is_unknown_not_an_apt_error() {
    let deep = format!("A::Before \"1\";\n{}", nested(100));
    let config = load(&host(&[("/etc/apt/apt.conf.d/99deep", &deep)]));
    assert_eq!(config.apt_errors().count(), 0, "apt itself reads such a file");
    let reasons: Vec<_> = config.unavailable().collect();
    assert_eq!(
        reasons,
        vec![
            "/etc/apt/apt.conf.d/99deep:2: nesting deeper than 64 levels; vouch stops reading the file here \
             (apt has no such limit)"
        ]
    );
    assert_eq!(config.tree.find("A::Before"), "1");
    // Statements are counted across files: the next file stops at its first.
    let many = format!("L {{\n{}}};\n", "x;".repeat(MAX_STATEMENTS + 1));
    let config = load(&host(&[
        ("/etc/apt/apt.conf.d/10many", &many),
        ("/etc/apt/apt.conf.d/20x", "X \"1\";\n"),
    ]));
    let reasons: Vec<_> = config.unavailable().collect();
    let tail = "more than 100000 settings in all; vouch stops reading here (apt has no such limit)";
    assert_eq!(
        reasons,
        vec![
            format!("/etc/apt/apt.conf.d/10many:2: {tail}"),
            format!("/etc/apt/apt.conf.d/20x:1: {tail}")
        ]
    );
    assert_eq!(config.tree.list("L").len(), MAX_STATEMENTS);
}

#[test]
fn deep_names_cost_their_length_not_its_square() {
    // 100 000 tags in one name: a tree keeping each item's full name would hold
    // about 15 GB of names; clear walks it without recursion.
    let name = vec!["A"; 100_000].join("::");
    let mut tree = ConfTree::new();
    tree.set(
        &name,
        "1".into(),
        Origin {
            path: "/f".into(),
            line: 1,
        },
    );
    assert_eq!(tree.find(&name), "1");
    tree.clear(
        "A",
        Origin {
            path: "/f".into(),
            line: 2,
        },
    );
    assert_eq!(tree.find(&name), "");
    assert_eq!(tree.history(&name).len(), 2);
}

fn meta(kind: FileKind) -> FileMeta {
    FileMeta {
        kind,
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: 0,
        mtime: 0,
        link: None,
    }
}

#[test]
fn entries_that_are_not_regular_files_are_skipped_like_apt() {
    // (entry kind, what its read answers): apt's GetListOfFilesInDir skips all of these.
    let fifo = FileState::Unreadable("/etc/apt/apt.conf.d/50x is a named pipe".into());
    let dir = FileState::Unreadable("/etc/apt/apt.conf.d/50x is a directory".into());
    let cases = [
        (FileKind::Other, fifo.clone()),
        (FileKind::Dir, dir),
        (FileKind::Other, FileState::NotCollected),
    ];
    for (kind, state) in cases {
        let snap = host(&[("/etc/apt/apt.conf.d/20auto-upgrades", "A::B \"1\";\n")])
            .with_meta("/etc/apt/apt.conf.d/50x", meta(kind))
            .with_state("/etc/apt/apt.conf.d/50x", state);
        let config = load(&snap);
        assert!(config.problems.is_empty(), "{kind:?}: {:?}", config.problems);
        assert_eq!(config.not_regular, vec!["/etc/apt/apt.conf.d/50x"]);
        assert_eq!(config.tree.find("A::B"), "1");
    }
    // A symlink is followed: to a regular file it is read.
    let link = host(&[("/etc/apt/apt.conf.d/50x", "A::L \"1\";\n")])
        .with_meta("/etc/apt/apt.conf.d/50x", meta(FileKind::Symlink));
    assert_eq!(load(&link).tree.find("A::L"), "1");
}
