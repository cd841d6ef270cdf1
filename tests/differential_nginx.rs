//! nginx is the judge of how its configuration is read: for each fixture tree,
//! `nginx -T` (run in a private mount namespace where the tree is /etc/nginx)
//! lists the files it reads, in its order; vouch's loader must read the same files
//! in the same order. Generated trees add include orders nginx sorts by name.

mod common;

use common::differential::{require_program, run_with_etc};
use common::fixture;
use std::path::Path;
use vouch::parse::nginx;
use vouch::probe::collector::Collector;
use vouch::probe::ProbeScope;
use vouch::transport::fs::FsTransport;
use vouch::transport::Limits;

/// The files vouch reads for the tree under `root`, in order.
fn vouch_files(root: &Path) -> Result<Vec<String>, String> {
    let transport = FsTransport::rooted(root);
    let collector = Collector::new(&transport, Limits::default());
    let scope = ProbeScope::new(&collector);
    nginx::load(&scope, nginx::MAIN)
        .map(|config| config.files)
        .map_err(|e| e.to_string())
}

/// The files `nginx -T` reads for the tree under `root`, in order; Err with what nginx said.
fn nginx_files(nginx: &Path, root: &Path) -> Result<Vec<String>, String> {
    let stdout = run_with_etc(root, "nginx", nginx, &["-T"])?;
    let dump = nginx::dump::parse(&String::from_utf8_lossy(&stdout)).unwrap_or_default();
    Ok(dump.files.into_iter().map(|(path, _)| path).collect())
}

#[test]
fn vouch_reads_the_files_nginx_reads_in_its_order() {
    let Some(nginx) = require_program("nginx", &["/usr/sbin"], "nginx") else {
        return;
    };
    for tree in ["nginx/stock", "nginx/includes"] {
        let root = std::path::PathBuf::from(fixture(tree));
        let theirs = nginx_files(&nginx, &root).unwrap_or_else(|why| panic!("{tree}: nginx -T refuses it: {why}"));
        let ours = vouch_files(&root).unwrap_or_else(|why| panic!("{tree}: {why}"));
        assert_eq!(ours, theirs, "{tree}");
    }
}

#[test]
fn generated_include_trees_are_read_in_nginx_order() {
    let Some(nginx) = require_program("nginx", &["/usr/sbin"], "nginx") else {
        return;
    };
    let mut rng = common::differential::XorShift(0x006e_6769_6e78);
    for case in 0..12 {
        let dir = tempfile::tempdir().expect("a temp dir");
        let etc = dir.path().join("etc/nginx");
        std::fs::create_dir_all(etc.join("inc")).expect("made");
        // Names nginx sorts bytewise: digits, capitals, dashes, dots.
        let names = [
            "a.conf",
            "B.conf",
            "10-x.conf",
            "9.conf",
            "a-b.conf",
            "a.b.conf",
            "_z.conf",
            "Z.conf",
        ];
        let mut main = String::from("events {}\nhttp {\n");
        for _ in 0..(1 + rng.below(3)) {
            main.push_str(match rng.below(3) {
                0 => "  include inc/*.conf;\n",
                1 => "  include /etc/nginx/inc/a*.conf;\n",
                _ => "  server { listen 127.0.0.1:8080; include inc/[0-9]*.conf; }\n",
            });
        }
        main.push_str("}\n");
        std::fs::write(etc.join("nginx.conf"), main).expect("written");
        for name in names.iter().filter(|_| rng.below(4) != 0) {
            std::fs::write(etc.join("inc").join(name), "# nothing\n").expect("written");
        }
        let theirs = nginx_files(&nginx, dir.path()).unwrap_or_else(|why| panic!("case {case}: {why}"));
        let ours = vouch_files(dir.path()).unwrap_or_else(|why| panic!("case {case}: {why}"));
        assert_eq!(ours, theirs, "case {case}");
    }
}

#[test]
fn a_missing_plain_include_is_refused_as_nginx_refuses_it() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let etc = dir.path().join("etc/nginx");
    std::fs::create_dir_all(&etc).expect("made");
    std::fs::write(
        etc.join("nginx.conf"),
        "events {}\nhttp {\n  include missing.conf;\n}\n",
    )
    .expect("written");
    let why = vouch_files(dir.path()).unwrap_err();
    assert!(why.contains("/etc/nginx/nginx.conf:3"), "{why}");
    assert!(why.contains("missing.conf"), "{why}");
    if let Some(nginx) = require_program("nginx", &["/usr/sbin"], "nginx") {
        let theirs = nginx_files(&nginx, dir.path()).unwrap_err();
        assert!(theirs.contains("nginx.conf:3"), "{theirs}");
    }
}

#[test]
fn the_nginx_config_probe_collects_exactly_what_nginx_reads() {
    let Some(nginx) = require_program("nginx", &["/usr/sbin"], "nginx") else {
        return;
    };
    let root = std::path::PathBuf::from(fixture("nginx/includes"));
    let theirs = nginx_files(&nginx, &root).expect("nginx -T reads it");
    let snapshot = common::differential::snapshot_of(&root, vouch::model::ProbeType::NginxConfig);
    for file in &theirs {
        assert!(
            matches!(
                vouch::evidence::Source::read(&snapshot, file),
                vouch::evidence::FileState::Text(_)
            ),
            "{file} was not collected"
        );
    }
    // Nothing that nginx does not read: sites-available/old, conf.d/readme.txt.
    for never in ["/etc/nginx/sites-available/old", "/etc/nginx/conf.d/readme.txt"] {
        assert!(
            !matches!(
                vouch::evidence::Source::read(&snapshot, never),
                vouch::evidence::FileState::Text(_)
            ),
            "{never} was collected"
        );
    }
}
