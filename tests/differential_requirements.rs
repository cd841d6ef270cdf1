//! Python's own readers are the judges of vouch's requirements readers:
//! `packaging.requirements.Requirement` (packaging 26.4; pip vendors this parser)
//! judges `vouch::parse::app::pep508::parse`, and pip's own
//! `pip._internal.req.req_file.preprocess` (pip 26.3) judges
//! `requirements::logical_lines`; pip's `parse_requirements` judges how
//! `requirements::read` follows `-r` and `-c` files.
//!
//! Requirement lines, hand-written (names, extras, every operator, `===`,
//! wildcards, local, pre, post and dev versions, `v` prefixes, parentheses,
//! `name @ URL`, markers with `and`/`or`/parentheses/`not in`, odd whitespace,
//! refused lines) and seeded random ones built from grammar pieces, go to ONE
//! Python process as JSON; for each, vouch must agree on accepted or refused,
//! the name, the extras in order, the (operator, version) specifiers in order,
//! the URL, whether a marker is there, and whether the line is pinned. Every
//! disagreement is reported with the line and both answers; the ones accepted on
//! purpose are in KNOWN with the reason, and one that stops disagreeing fails too.
//!
//! The judges live under VOUCH_JUDGES (default /opt/vouch-judges), installed by
//! `bash .ci/judges`; a missing judge fails the test, it never skips it.

mod common;

use common::differential::{installed_judge, XorShift};
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use vouch::evidence::Snapshot;
use vouch::parse::app::{pep508, requirements};

/// The judges' Python, with packaging and pip at the versions `.ci/judges` pins.
fn python() -> PathBuf {
    installed_judge("py/bin/python")
}

/// Run `script` in the judges' Python with `input` as JSON on stdin: its JSON
/// answer. The environment is emptied, so pip expands no `${VAR}` and no user
/// configuration is read.
fn ask_python(script: &str, input: &Value) -> Value {
    let mut child = Command::new(python())
        .args(["-I", "-c", script])
        .env_clear()
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the judges' python runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let text = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()).expect("python reads its input"));
    let out = child.wait_with_output().expect("python ends");
    writer.join().expect("the writer ends");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the judge failed ({}); is packaging installed? run `bash .ci/judges`:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&said).unwrap_or_else(|e| panic!("the judge's answer is not JSON ({e}): {said}"))
}

// ---------------------------------------------------------------- PEP 508 lines

/// packaging's answer for each line, in the shape `vouch_says` gives.
const PACKAGING: &str = r#"
import json, sys
import packaging
from packaging.requirements import Requirement, InvalidRequirement
from packaging._parser import parse_requirement
assert packaging.__version__ == "26.4", packaging.__version__
out = []
for line in json.load(sys.stdin):
    try:
        r = Requirement(line)
    except InvalidRequirement as e:
        out.append({"ok": False, "error": str(e).splitlines()[0]})
        continue
    specs = [[s.operator, s.version] for s in r.specifier]
    out.append({
        "ok": True,
        "name": r.name,
        # Requirement keeps a set; the parser it runs has them in order.
        "extras": parse_requirement(line).extras,
        "specifiers": specs,
        "url": r.url,
        "marker": r.marker is not None,
        "pinned": any(op == "===" or (op == "==" and not v.endswith(".*")) for op, v in specs),
    })
print(json.dumps(out))
"#;

fn vouch_says(line: &str) -> Value {
    match pep508::parse(line) {
        Err(error) => json!({"ok": false, "error": error}),
        Ok(r) => json!({
            "ok": true,
            "name": r.name,
            "extras": r.extras,
            "specifiers": r.specifiers.iter().map(|s| json!([s.op, s.version])).collect::<Vec<_>>(),
            "url": r.url,
            "marker": r.marker.is_some(),
            "pinned": r.pinned_by_version(),
        }),
    }
}

/// Whether two answers agree: both refuse, or both accept with the same parts
/// (packaging's and vouch's error messages are not compared).
fn same(packaging: &Value, vouch: &Value) -> bool {
    if packaging["ok"] != vouch["ok"] {
        return false;
    }
    packaging["ok"] == false
        || ["name", "extras", "specifiers", "url", "marker", "pinned"]
            .iter()
            .all(|key| packaging[*key] == vouch[*key])
}

/// Disagreements accepted on purpose: the line, and why vouch reads it its way.
const KNOWN: &[(&str, &str)] = &[(
    "a ; os_name == '\\N{NO SUCH CHARACTER}'",
    "packaging evaluates a quoted string with `\\` as a Python literal, and \\N{NAME} needs \
     Unicode's name table, which vouch does not carry: any \\N{...} reads as valid (the \
     marker is kept as text, and it never decides whether a line is pinned)",
)];

/// Hand-written lines: each rule of the grammar, and the lines packaging refuses.
const LINES: &[&str] = &[
    // names
    "requests",
    "Flask",
    "zope.interface",
    "py_crypto==1.0",
    "A1-b_c.d",
    "1password",
    "a",
    "-bad",
    "bad-",
    "_x",
    "a.",
    "naïve",
    "  leading-spaces==1",
    "\ttab>=1",
    // extras
    "requests[security]",
    "requests[security,socks]==2.31.0",
    "requests [ security , socks ] >= 2",
    "requests[]",
    "requests[ ]",
    "requests[a b]",
    "requests[a,]",
    "requests[,a]",
    "requests[a",
    "requests[a-b.c_d]",
    "requests[a,a]",
    // every operator, and their versions
    "a==1.0",
    "a!=1.0",
    "a~=1.0",
    "a~=1",
    "a>=1.0",
    "a<=1.0",
    "a>1.0",
    "a<1.0",
    "a===1.0",
    "a===anything-goes+here",
    "a=== 1.0",
    "a===1.0,<2",
    "a=1.0",
    "a=>1.0",
    "a==1.*",
    "a!=1.0.*",
    "a>=1.*",
    "a~=1.0.*",
    "a==1.0a1.*",
    "a==1.0+local",
    "a==1.0+abc.def-1_2",
    "a==1.0+LOCAL",
    "a>=1.0+local",
    "a>=1.0+LOCAL",
    "a==1.0a1",
    "a==1.0-alpha.2",
    "a==1.0.b3",
    "a==1.0rc1",
    "a==1.0c1",
    "a==1.0preview2",
    "a==1.0.post1",
    "a==1.0-1",
    "a==1.0_r2",
    "a==1.0.dev0",
    "a==1.0a1.post2.dev3",
    "a==1!2.0",
    "a==v1.0",
    "a==V1.0",
    "a>=v1",
    "a==01.00",
    "a==1..0",
    "a==1.0.",
    "a==",
    "a==abc",
    // several specifiers, parentheses
    "a>=1,<2",
    "a >= 1 , < 2 , != 1.5",
    "a>=1,",
    "a>=1,,<2",
    "a,>=1",
    "a (>=1,<2)",
    "a(==1.0)",
    "a ( == 1.0 )",
    "a (==1.0",
    "a ==1.0)",
    "a ()",
    "a==1.0 ==2.0",
    // URLs
    "a @ https://x.org/a-1.0.tar.gz",
    "a@https://x.org/a.whl",
    "a @ git+https://github.com/o/r@0123456789abcdef0123456789abcdef01234567",
    "a @ https://x.org/a.tgz ; python_version >= '3.8'",
    "a @ https://x.org/a.tgz; python_version >= '3.8'",
    "a @ https://x.org/a.tgz ",
    "a @",
    "a @ ",
    "a[x] @ file:///tmp/a",
    "a @ https://x.org/a.tgz extra",
    // markers
    "a ; python_version >= '3.8'",
    "a; python_version>='3.8'",
    "a>=1 ; sys_platform == 'linux' and python_version < '3.12'",
    "a ; os_name == 'nt' or (sys_platform == 'linux' and platform_machine == 'x86_64')",
    "a ; (os_name == 'nt')",
    "a ; 'linux' not in sys_platform",
    "a ; 'linux' not  in sys_platform",
    "a ; 'linux' notin sys_platform",
    "a ; 'linux' in sys_platform",
    "a ; extra == 'test'",
    "a ; os.name == 'posix'",
    "a ; platform.python_implementation == 'CPython'",
    "a ; python_version ~= '3.8'",
    "a ; python_version === '3.8'",
    "a ; python_version = '3.8'",
    "a ; python_version >= \"3.8\"",
    "a ; python_version >= '3.8",
    "a ; unknown_var == '1'",
    "a ; python_version",
    "a ;",
    "a ; os_name == 'a' and",
    "a ; (os_name == 'a'",
    "a ; os_name == 'it\\'s'",
    "a ; os_name == 'tab\\tin'",
    "a ; os_name == 'bad\\x'",
    "a ; os_name == '\\N{BULLET}'",
    "a ; os_name == '\\N{NO SUCH CHARACTER}'",
    "a ; os_name=='a'or os_name=='b'",
    "a ; os_name == 'a' andos_name == 'b'",
    "a >=1 ; ",
    // whitespace oddities
    "a >=1 ",
    "a\t>=\t1",
    "a == 1.0",
    "a==\u{a0}1.0",
    "a ==1.0\u{a0}",
    "a\u{a0}==1.0",
    "a @ https://x.org/a\u{a0}b",
    "a==\n1.0",
    "a===1.0\u{3000}",
    "",
    " ",
    // refused outright
    "==1.0",
    "a b",
    "a; os_name =",
    "a[x y]",
    "a ~=1",
    "a >=1.0 extra",
];

/// Pieces of the grammar: mostly good ones, and one in `one_in` a bad one.
struct Pieces {
    good: &'static [&'static str],
    bad: &'static [&'static str],
    one_in: usize,
}

/// How often a line is damaged, or a marker's parentheses left open.
const BAD: usize = 8;

impl Pieces {
    fn pick(&self, rng: &mut XorShift) -> &'static str {
        if !self.bad.is_empty() && rng.below(self.one_in) == 0 {
            self.bad[rng.below(self.bad.len())]
        } else {
            self.good[rng.below(self.good.len())]
        }
    }
}

const NAMES: Pieces = Pieces {
    good: &[
        "requests",
        "Flask",
        "zope.interface",
        "py_crypto",
        "a",
        "A1",
        "x-y",
        "1abc",
    ],
    bad: &["-bad", "_x", "a.", "é", "a b"],
    one_in: BAD,
};
const WS: Pieces = Pieces {
    good: &["", "", " ", "  ", "\t"],
    bad: &["\u{a0}", "\n", "\x0b"],
    one_in: 40,
};
const EXTRAS: Pieces = Pieces {
    good: &[
        "",
        "",
        "",
        "[security]",
        "[a,b]",
        "[ a , b ]",
        "[a,]",
        "[]",
        "[a-b.c_d]",
    ],
    bad: &["[a b]", "[,a]", "[a", "[a.]"],
    one_in: BAD,
};
const OPS: Pieces = Pieces {
    good: &["==", "!=", "~=", ">=", "<=", ">", "<", "==="],
    bad: &["=", "=>", "~", "<>"],
    one_in: BAD * 2,
};
const VERSIONS: Pieces = Pieces {
    good: &[
        "1",
        "1.0",
        "2.31.0",
        "1.*",
        "1.0.*",
        "v1.0",
        "V2",
        "1!2.0",
        "1.0a1",
        "1.0-alpha.2",
        "1.0.b3",
        "1.0rc1",
        "1.0c1",
        "1.0pre",
        "1.0.post1",
        "1.0-1",
        "1.0_r2",
        "1.0rev",
        "1.0.dev0",
        "1.0dev",
        "1.0+local",
        "1.0+abc.def-1",
        "1.0a1.post2.dev3",
        "2024.10",
        "1.0a",
    ],
    bad: &[
        "1.0.dev1.*",
        "1.*.0",
        "abc",
        "1..0",
        "1.0.",
        "",
        "1.0-",
        "1.0+",
        "1.0+UP",
        "1,0",
    ],
    one_in: BAD * 2,
};
const SEPARATORS: Pieces = Pieces {
    good: &[",", ", ", " ,", " , "],
    bad: &[",,", " ", ";"],
    one_in: BAD,
};
const URLS: Pieces = Pieces {
    good: &[
        "https://x.org/a-1.0.tar.gz",
        "git+https://github.com/o/r@v1",
        "file:///tmp/a",
        "https://h/p#egg=a&sha256=ab",
        "./local",
    ],
    bad: &["", "https://x.org/a\u{a0}b"],
    one_in: BAD,
};
const VARIABLES: Pieces = Pieces {
    good: &[
        "python_version",
        "sys_platform",
        "os.name",
        "extra",
        "platform_machine",
        "implementation_name",
        "'3.8'",
    ],
    bad: &["bogus", "python-version"],
    one_in: BAD * 2,
};
const MARKER_OPS: Pieces = Pieces {
    good: &["==", "!=", ">=", "<", "~=", "===", " in ", " not in "],
    bad: &["in", "not in", " notin ", "=", " not  in "],
    one_in: BAD * 2,
};
const VALUES: Pieces = Pieces {
    good: &[
        "'3.8'",
        "\"linux\"",
        "'x86_64'",
        "''",
        "'\\t'",
        "'a\\nb'",
        "'\\x41'",
        "python_version",
    ],
    bad: &["'a\\'b'", "'unclosed", "'\\x4'", "'\\u12'", "3.8"],
    one_in: BAD * 2,
};
const BOOLOPS: Pieces = Pieces {
    good: &[" and ", " or ", "and ", " or"],
    bad: &["and", " xor ", " && "],
    one_in: BAD,
};
const DAMAGE: &[&str] = &[
    "(", ")", "[", "]", ",", ";", "@", " ", "*", "+", "!", "'", "\\", "é", "\u{a0}", "\t", "#",
];

/// A random requirement line from the grammar's pieces, sometimes damaged.
fn random_line(rng: &mut XorShift) -> String {
    let mut line = String::new();
    for pieces in [&WS, &NAMES, &WS, &EXTRAS, &WS] {
        line.push_str(pieces.pick(rng));
    }
    if rng.below(5) == 0 {
        line.push('@');
        for pieces in [&WS, &URLS] {
            line.push_str(pieces.pick(rng));
        }
        if rng.below(3) != 0 {
            line.push(' ');
        }
    } else {
        let parens = rng.below(5) == 0;
        if parens {
            line.push('(');
        }
        for n in 0..rng.below(4) {
            if n > 0 {
                line.push_str(SEPARATORS.pick(rng));
            }
            for pieces in [&OPS, &WS, &VERSIONS] {
                line.push_str(pieces.pick(rng));
            }
        }
        if parens {
            line.push(')');
        }
        line.push_str(WS.pick(rng));
    }
    if rng.below(3) == 0 {
        line.push(';');
        let mut open = 0;
        for n in 0..=rng.below(3) {
            if n > 0 {
                line.push_str(BOOLOPS.pick(rng));
            }
            if rng.below(4) == 0 {
                line.push('(');
                open += 1;
            }
            for pieces in [&WS, &VARIABLES, &WS, &MARKER_OPS, &WS, &VALUES, &WS] {
                line.push_str(pieces.pick(rng));
            }
            if open > 0 && rng.below(3) != 0 {
                line.push(')');
                open -= 1;
            }
        }
        if rng.below(BAD) != 0 {
            line.push_str(&")".repeat(open));
        }
        line.push_str(WS.pick(rng));
    }
    if rng.below(BAD) == 0 {
        let boundaries: Vec<usize> = (0..=line.len()).filter(|i| line.is_char_boundary(*i)).collect();
        let at = boundaries[rng.below(boundaries.len())];
        line.insert_str(at, DAMAGE[rng.below(DAMAGE.len())]);
    }
    line
}

#[test]
fn packaging_and_vouch_read_every_requirement_line_alike() {
    let mut rng = XorShift(0x5eed_0508_2026_0001);
    let mut lines: Vec<String> = LINES.iter().map(|l| l.to_string()).collect();
    lines.extend((0..600).map(|_| random_line(&mut rng)));
    let answers = ask_python(PACKAGING, &json!(lines));
    let answers = answers.as_array().expect("a list of answers");
    assert_eq!(answers.len(), lines.len(), "one answer a line");

    let mut wrong = Vec::new();
    let mut accepted = 0;
    for (line, packaging) in lines.iter().zip(answers) {
        let vouch = vouch_says(line);
        accepted += usize::from(packaging["ok"] == true);
        let agree = same(packaging, &vouch);
        match KNOWN.iter().find(|(known, _)| known == line) {
            Some(_) if agree => wrong.push(format!("{line:?} agrees now: take it out of KNOWN")),
            Some(_) => {}
            None if !agree => wrong.push(format!("{line:?}\n  packaging: {packaging}\n  vouch:     {vouch}")),
            None => {}
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} lines read differently:\n{}",
        wrong.len(),
        lines.len(),
        wrong.join("\n")
    );
    // The random lines must exercise both sides of the grammar.
    assert!(
        accepted > lines.len() / 4 && accepted < lines.len() * 3 / 4,
        "{accepted} of {} accepted",
        lines.len()
    );
}

// ---------------------------------------------------------------- requirements files

/// pip's `preprocess` of each text: `[line number, logical line]` pairs.
const PREPROCESS: &str = r#"
import json, sys
import pip
from pip._internal.req.req_file import preprocess
assert pip.__version__ == "26.3", pip.__version__
print(json.dumps([[[n, line] for n, line in preprocess(text)] for text in json.load(sys.stdin)]))
"#;

/// Requirements files with continuations, comments, `#` in URLs, trailing
/// backslashes, blank lines and line endings of every kind pip splits on.
const FILES: &[&str] = &[
    "flask==2.3.2\nrequests>=2\n",
    "# top comment\n\nflask==2.3.2  # pinned\n\n\n",
    "flask==2.3.2 \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\nrequests\n",
    "flask==2.3.2 \\\n# a comment ends the continuation\nrequests\n",
    "flask==2.3.2 \\\n  # indented comment line\nrequests\n",
    "a \\\n\\\nb\n",
    "a\\\\\nb\n",
    "trailing backslash at the end \\",
    "\\\n\\\n",
    "\\\nflask\n",
    "git+https://github.com/o/r@v1#egg=r\nhttps://x.org/a.tgz#sha256=ab # comment\n",
    "https://x.org/a.tgz#egg=a\t# tab before the comment\n",
    "#only a comment\n   #indented\n\t#tabbed\n",
    "a==1 #c \\\nb==2\n",
    "a==1#not-a-comment\n",
    "a==1 \\\n#c\nb\n",
    "windows==1\r\nline==2\r\n\r\ncontinued \\\r\nhere\r\n",
    "old\rmac\rendings\r",
    "form\x0cfeed\x0bvertical\x1cfile\x1dgroup\x1erecord\u{85}next\u{2028}line\u{2029}para\n",
    "unicode\u{a0}#space before\nem\u{2003}#space\n",
    "${HOME}/a.whl\n-r ${NAME}.txt\n",
    "",
    "\n\n   \n\t\n",
    "last line without newline",
    "x \\\n\n",
];

#[test]
fn pip_and_vouch_join_and_cut_requirements_files_alike() {
    let answers = ask_python(PREPROCESS, &json!(FILES));
    let answers = answers.as_array().expect("a list of answers");
    assert_eq!(answers.len(), FILES.len(), "one answer a file");
    let mut wrong = Vec::new();
    for (text, pip) in FILES.iter().zip(answers) {
        let vouch = json!(requirements::logical_lines(text));
        if *pip != vouch {
            wrong.push(format!("{text:?}\n  pip:   {pip}\n  vouch: {vouch}"));
        }
    }
    assert!(wrong.is_empty(), "files read differently:\n{}", wrong.join("\n"));
}

/// pip's `parse_requirements` of `requirements.txt` in the folder named on
/// stdin: each line it yields, with the file and line it came from.
const PARSE_REQUIREMENTS: &str = r#"
import json, os, re, sys
from pip._internal.network.session import PipSession
from pip._internal.req.req_file import parse_requirements
root = json.load(sys.stdin)
os.chdir(root)
out = []
for req in parse_requirements("requirements.txt", PipSession()):
    where = re.fullmatch(r"-[rc] (.*) \(line (\d+)\)", req.comes_from)
    # pip keeps the spaces before the options it split off (`flask>=2  --hash=...`).
    out.append([os.path.relpath(where[1], root), int(where[2]), req.requirement.strip(), req.constraint, req.is_editable])
print(json.dumps(out))
"#;

/// The requirement of a line as pip gives it: without `-e` and the options after it.
fn requirement_of(line: &str) -> &str {
    let line = line
        .strip_prefix("-e ")
        .or_else(|| line.strip_prefix("--editable="))
        .unwrap_or(line);
    line.split(" --").next().unwrap_or(line).trim()
}

/// pip reads a file included twice twice and stops at a cycle, where vouch reads
/// each file once and reports the cycle (a reader of evidence never gives up):
/// the tree has neither.
#[test]
fn pip_and_vouch_follow_the_same_included_files() {
    let files: &[(&str, &str)] = &[
        (
            "requirements.txt",
            "-r requirements/base.txt\n-c constraints.txt\nflask>=2 \\\n  --hash=sha256:abc\n\
             --requirement=requirements/dev.txt\n-e ./libs/shared\n-i https://pypi.org/simple\n\
             --extra-index-url https://example.org/simple\n--pre\n--editable=git+https://h/o/r#egg=r\n\
             ./libs/other\nrequests[socks] ; python_version > '3'\n",
        ),
        ("requirements/base.txt", "requests==2.31.0  # pinned\n-rcommon.txt\n"),
        ("requirements/common.txt", "idna==3.6\n"),
        ("requirements/dev.txt", "pytest\n-r ../more/dev-extra.txt\n"),
        ("more/dev-extra.txt", "coverage[toml]>=7\n"),
        ("constraints.txt", "flask==2.3.2\n-r more/pinned.txt\nurllib3<3\n"),
        ("more/pinned.txt", "certifi==2024.2.2\n"),
    ];
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut source = Snapshot::new();
    for (path, text) in files {
        common::differential::write_tree(dir.path(), &[(path, text)]);
        source = source.with_file(&format!("/app/{path}"), text);
    }
    let pip = ask_python(PARSE_REQUIREMENTS, &json!(dir.path()));
    let read = requirements::read(&source, "/app/requirements.txt", "/app");
    let vouch: Vec<Value> = read
        .lines
        .iter()
        .map(|l| {
            let file = l.file.strip_prefix("/app/").unwrap_or(&l.file);
            json!([file, l.line, requirement_of(&l.text), l.constraint, l.editable])
        })
        .collect();
    assert_eq!(pip, json!(vouch), "pip and vouch read these lines differently");
}
