//! Property tests: no input makes the checklist loader, the glob matcher, the
//! redactor, the nginx and Caddyfile readers, unattended-upgrades' origin entries
//! (and Python's fnmatch beneath them), or the application's readers (PEP 508
//! requirements, requirements files, gitignore rules, Git's index, YAML) panic.
//! Hostile files are what an auditor's tool meets.

use proptest::prelude::*;
use vouch::checklist::{load_catalog, ChecklistText};
use vouch::evidence::glob::component_matches;
use vouch::evidence::redact::redact;
use vouch::evidence::Snapshot;
use vouch::parse::app::gitignore::{IgnoreFile, Rules};
use vouch::parse::app::{pep508, requirements, yaml};
use vouch::parse::apt::origins::{read_entry, Distro, Origin, ALLOWED_ORIGINS, ORIGINS_PATTERN};
use vouch::parse::fnmatch::fnmatch;
use vouch::parse::host::os_release;
use vouch::parse::{caddy, git_index, nginx};

/// Read `text` as nginx.conf and as the Caddyfile, and everything after.
fn read_web_configs(text: &str) {
    let source = Snapshot::new()
        .with_file(nginx::MAIN, text)
        .with_file(caddy::MAIN, text)
        .with_file("/etc/nginx/x.conf", text)
        .with_file("/etc/caddy/x", text);
    if let Ok(config) = nginx::load(&source, nginx::MAIN) {
        let servers = nginx::servers::servers(&config.directives);
        let refs: Vec<_> = servers.iter().collect();
        let _ = nginx::servers::tls_sockets(&refs);
    }
    if let Ok(file) = caddy::load(&source, caddy::MAIN) {
        let _ = caddy::sites::sites(&file);
    }
}

const GOOD: &str = include_str!("fixtures/checklists/good.toml");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn checklist_loader_never_panics_on_any_text(text in "\\PC{0,400}") {
        let _ = load_catalog(&[ChecklistText { origin: "x.toml".into(), text }]);
    }

    #[test]
    fn checklist_loader_never_panics_on_a_damaged_checklist(cut in 0usize..2000, insert in "[\\[\\]{}=\"'#\\n a-z0-9.]{0,12}") {
        let mut text = GOOD.to_string();
        let at = cut.min(text.len());
        let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        text.insert_str(at, &insert);
        let _ = load_catalog(&[ChecklistText { origin: "x.toml".into(), text }]);
    }

    #[test]
    fn glob_matching_never_panics(pattern in "[\\[\\]!^*?a-c.\\\\-]{0,12}", name in "[a-c.\\[\\]-]{0,12}") {
        let _ = component_matches(&pattern, &name);
    }

    #[test]
    fn web_server_configurations_never_panic(text in "[a-z0-9 {};\"'\\$()#:/.*\n\t\\[\\]@,-]{0,400}") {
        read_web_configs(&text);
    }

    #[test]
    fn web_server_configurations_with_their_keywords_never_panic(words in proptest::collection::vec(
        prop_oneof![
            Just("http"), Just("server"), Just("location"), Just("listen"), Just("443"), Just("ssl"),
            Just("include"), Just("x.conf"), Just("import"), Just("x"), Just("{"), Just("}"), Just(";"),
            Just("\n"), Just("(snip)"), Just("reverse_proxy"), Just("header"), Just("tls"), Just("\""),
            Just("if"), Just("($host"), Just("="), Just(")"), Just("return"), Just("301"), Just("{$V}"),
        ], 0..80)) {
        read_web_configs(&words.join(" "));
    }

    #[test]
    fn redaction_never_panics_and_never_grows_a_secret_back(text in "\\PC{0,300}") {
        let once = redact(&text);
        let twice = redact(&once.text);
        prop_assert_eq!(twice.count, 0, "redacting redacted text finds nothing new: {}", once.text);
    }
}

/// Read `value` as an entry of both lists, on the distribution the os-release
/// text names, and match what it becomes.
fn read_origin_entry(value: &str, release: &str) {
    let distro = Distro::from_os_release(&os_release(release));
    let origin = Origin {
        origin: "Debian".into(),
        label: "Debian-Security".into(),
        archive: "oldstable-security".into(),
        codename: "bookworm-security".into(),
        component: "main".into(),
        site: "security.debian.org".into(),
    };
    for list in [ALLOWED_ORIGINS, ORIGINS_PATTERN] {
        if let Ok(pattern) = read_entry(list, value, &distro) {
            let _ = pattern.matches(&origin);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn origin_entries_never_panic(value in "\\PC{0,80}", release in "(?s).{0,120}") {
        read_origin_entry(&value, &release);
    }

    #[test]
    fn origin_entries_of_their_grammar_never_panic(parts in proptest::collection::vec(
        "[ox]|origin|suite|n|site|=|,|\\\\,|:|\\\\:|\\$|\\$\\$|\\$\\{|\\}|distro_id|distro_codename|\\*|\\[|\\]|!|-|é| ", 0..24)) {
        read_origin_entry(&parts.concat(), "ID=debian\nVERSION_CODENAME=bookworm\n");
    }

    #[test]
    fn fnmatch_never_panics(pattern in "[\\[\\]!^*?a-c\\\\-é]{0,16}", name in "[a-c\\[\\]^!\\\\-é]{0,12}") {
        let _ = fnmatch(&pattern, &name);
    }
}

/// An entry as long as apt lets a value be, full of wildcards, is read and matched
/// in linear time (the matcher backtracks to one star only).
#[test]
fn a_megabyte_origin_entry_is_read_and_matched() {
    let value = format!("o={},a=*-security", "*a".repeat(500_000));
    read_origin_entry(&value, "ID=debian\nVERSION_CODENAME=bookworm\n");
    let many = "${distro_id},".repeat(100_000);
    read_origin_entry(&many, "ID=ubuntu\nVERSION_CODENAME=noble\n");
    assert!(!fnmatch(&"*a".repeat(100_000), &"a".repeat(50_000)));
}

#[test]
fn web_server_configurations_over_1_mib_are_refused_unread() {
    let big = "#".repeat(1024 * 1024 + 1);
    let source = Snapshot::new()
        .with_file(nginx::MAIN, &big)
        .with_file(caddy::MAIN, &big);
    let nginx_error = nginx::load(&source, nginx::MAIN).unwrap_err().to_string();
    assert!(nginx_error.contains("over the 1.0 MiB read cap"), "{nginx_error}");
    let caddy_error = caddy::load(&source, caddy::MAIN).unwrap_err().to_string();
    assert!(caddy_error.contains("over the 1.0 MiB read cap"), "{caddy_error}");
}

/// Ignore files at the root, in `dir`, and `.git/info/exclude`, all asked about `path`.
fn decide_ignored(root: &str, nested: &str, exclude: &str, dir: &str, path: &str, is_dir: bool) {
    let file = |dir: &str, text: &str| IgnoreFile {
        dir: dir.to_string(),
        path: format!("{dir}/.gitignore"),
        text: text.to_string(),
    };
    let rules = Rules::new(&[file("", root), file(dir, nested)], Some(&file("", exclude)));
    let _ = rules.decide(path, is_dir);
    let _ = rules.decide(&format!("{dir}/{path}"), is_dir);
}

/// An index as Git writes it (zeroed stat data and object names), version 2, 3
/// or 4, with extended flags on every other entry past version 2.
fn index_bytes(version: u32, names: &[String], hash: usize) -> Vec<u8> {
    let mut out = b"DIRC".to_vec();
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&u32::try_from(names.len()).unwrap_or(0).to_be_bytes());
    let mut previous: &[u8] = b"";
    for (n, name) in names.iter().enumerate() {
        let start = out.len();
        out.extend_from_slice(&vec![0u8; 40 + hash]);
        let extended = version > 2 && n % 2 == 1;
        let flags = u16::try_from(name.len().min(0xfff)).unwrap_or(0xfff) | if extended { 0x4000 } else { 0 };
        out.extend_from_slice(&flags.to_be_bytes());
        if extended {
            out.extend_from_slice(&0x2000u16.to_be_bytes());
        }
        if version == 4 {
            let common = previous.iter().zip(name.as_bytes()).take_while(|(a, b)| a == b).count();
            out.push(u8::try_from((previous.len() - common).min(127)).unwrap_or(0));
            out.extend_from_slice(&name.as_bytes()[common..]);
            out.push(0);
        } else {
            out.extend_from_slice(name.as_bytes());
            let padded = start + ((out.len() - start) / 8 + 1) * 8;
            out.resize(padded, 0);
        }
        previous = name.as_bytes();
    }
    out.extend_from_slice(&vec![0u8; hash]);
    out
}

const IGNORE_LINES: &str = "([a-c*?!/#\\\\\\[\\]{}:^, \t-]{0,8}\n){0,6}";
const IGNORE_PATH: &str = "[a-c*.!#\\[\\] ]{0,4}(/[a-c*.!#\\[\\] ]{0,4}){0,3}";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn requirement_lines_never_panic(text in "(?s).{0,200}") {
        let _ = pep508::parse(&text);
    }

    #[test]
    fn requirement_lines_of_their_grammar_never_panic(words in proptest::collection::vec(
        prop_oneof![
            Just("requests"), Just("a.b-c_d"), Just("["), Just("]"), Just(","), Just("("), Just(")"),
            Just("=="), Just("==="), Just("~="), Just(">="), Just("<"), Just("!="), Just("1.0"), Just("v1!2.*"),
            Just("1.0a1.post2.dev3+l.1"), Just("@"), Just("https://x/y"), Just(";"), Just("python_version"),
            Just("os.name"), Just("and"), Just("or"), Just("not"), Just("in"), Just("'3.8'"), Just("\"'\\x4'"),
            Just("'\\N{A"), Just("'\\U0011ffff'"), Just("'\\"), Just(" "), Just("\t"), Just("\u{a0}"), Just("é"),
        ], 0..40)) {
        let _ = pep508::parse(&words.concat());
        let _ = pep508::parse(&words.join(" "));
    }

    #[test]
    fn requirements_files_never_panic(text in "(?s).{0,300}") {
        let _ = requirements::logical_lines(&text);
    }

    #[test]
    fn requirements_files_and_their_includes_never_panic(lines in proptest::collection::vec(
        prop_oneof![
            Just("-r other.txt"), Just("-rother.txt"), Just("--requirement=../app/requirements.txt"),
            Just("-c c.txt"), Just("-e ."), Just("--editable"), Just("-r"), Just("flask==2.3.2 \\"),
            Just("--hash=sha256:ab"), Just("# comment \\"), Just("git+https://h/o/r@v1#egg=r"), Just("\\"),
            Just("a ; os_name == 'x'"), Just("-r https://x/r.txt"), Just("\r"), Just("\u{85}"), Just(""),
        ], 0..20)) {
        let text = lines.join("\n");
        let source = Snapshot::new()
            .with_file("/app/requirements.txt", &text)
            .with_file("/app/other.txt", &text)
            .with_file("/app/c.txt", &text);
        let _ = requirements::read(&source, "/app/requirements.txt", "/app");
    }

    #[test]
    fn gitignore_rules_never_panic(
        root in IGNORE_LINES, nested in IGNORE_LINES, exclude in IGNORE_LINES,
        dir in "[a-c]{1,2}(/[a-c]{1,2})?", path in IGNORE_PATH, is_dir in any::<bool>(),
    ) {
        decide_ignored(&root, &nested, &exclude, &dir, &path, is_dir);
    }

    #[test]
    fn gitignore_rules_of_any_text_never_panic(text in "(?s).{0,200}", path in "(?s).{0,40}", is_dir in any::<bool>()) {
        decide_ignored(&text, &text, &text, "a", &path, is_dir);
    }

    #[test]
    fn git_index_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = git_index::paths(&bytes);
        let mut headed = b"DIRC\x00\x00\x00\x04\x00\x00\x00\x03".to_vec();
        headed.extend_from_slice(&bytes);
        let _ = git_index::paths(&headed);
    }

    #[test]
    fn damaged_git_indexes_never_panic(
        version in 2u32..=4,
        names in proptest::collection::vec("[a-c/é]{1,6}", 1..6),
        sha256 in any::<bool>(),
        damage in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in any::<usize>(),
    ) {
        let mut bytes = index_bytes(version, &names, if sha256 { 32 } else { 20 });
        let whole = git_index::paths(&bytes);
        prop_assert!(whole.is_ok_and(|index| index.paths == names), "an undamaged index reads");
        for (at, byte) in damage {
            let len = bytes.len();
            bytes[at % len] = byte;
        }
        let _ = git_index::paths(&bytes);
        let _ = git_index::paths(&bytes[..cut % (bytes.len() + 1)]);
    }

    #[test]
    fn yaml_never_panics(text in "(?s).{0,400}") {
        let _ = yaml::from_str::<serde_json::Value>(&text);
    }

    #[test]
    fn yaml_of_its_syntax_never_panics(words in proptest::collection::vec(
        prop_oneof![
            Just("a:"), Just(" b"), Just("- "), Just("\n"), Just("  "), Just("&x "), Just("*x"), Just("<<: *x"),
            Just("{"), Just("}"), Just("["), Just("]"), Just(", "), Just("'q'"), Just("\"\\u00e9\""), Just("|"),
            Just(">-"), Just("? "), Just("!!str "), Just("!tag "), Just("%YAML 1.2\n---"), Just("..."), Just("#c"),
        ], 0..60)) {
        let _ = yaml::from_str::<serde_json::Value>(&words.concat());
    }
}
