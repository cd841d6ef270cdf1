//! The walkthrough as a person uses it: the real binary in a real terminal
//! (tmux), driven by keys, read from the screen.

mod common;

use common::{fixture, AS_OF};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of its own (its own socket), one 80x24 window.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, command: &str) -> Tmux {
        let tmux = Tmux {
            socket: format!("vouch-{name}-{}", std::process::id()),
        };
        let status = tmux
            .cmd(&["new-session", "-d", "-x", "80", "-y", "24", command])
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux starts");
        tmux
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &self.socket, "-f", "/dev/null"]).args(args);
        cmd
    }

    fn screen(&self) -> String {
        let out = self.cmd(&["capture-pane", "-p"]).output().expect("capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Wait until the screen shows `text` (the program is collecting and drawing
    /// on its own time); fails with the screen as it is.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(Instant::now() < deadline, "never showed {text:?}:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait until collection is over: the header counts what is still collecting.
    fn wait_collected(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            let header = screen.lines().next().unwrap_or_default().to_string();
            if header.contains(" final") && !header.contains("collecting") {
                return screen;
            }
            assert!(Instant::now() < deadline, "collection never ended:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status().expect("send-keys").success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]).status();
    }
}

fn audit(data: &Path, extra: &str) -> String {
    format!(
        "VOUCH_DATA_DIR={} VOUCH_CONFIG_DIR={}/config {} audit --root {} --as-of {AS_OF} --auditor Ada {extra}; echo EXIT=$?; sleep 60",
        data.display(),
        data.display(),
        env!("CARGO_BIN_EXE_vouch"),
        fixture("weak"),
    )
}

fn sessions(data: &Path) -> Vec<String> {
    std::fs::read_dir(data.join("sessions"))
        .map(|dir| {
            dir.filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn an_auditor_opens_the_walkthrough_browses_quits_and_comes_back_to_the_same_session() {
    let data = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start("walk", &audit(data.path(), ""));
    let collecting = tmux.wait_for("final");
    assert!(collecting.contains("Overview"), "{collecting}");
    let overview = tmux.wait_collected();
    assert!(
        overview.contains("Overview") && overview.contains("SSH access control"),
        "{overview}"
    );
    assert!(overview.contains("auditor Ada"), "{overview}");
    tmux.keys(&["j", "Enter"]);
    let section = tmux.wait_for("firewall.enabled");
    assert!(section.contains("✗ firewall.enabled"), "{section}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Findings");
    tmux.keys(&["?"]);
    tmux.wait_for("Keys");
    // One key at a time, as a person types: Esc then q at once is Alt-q.
    tmux.keys(&["Escape"]);
    tmux.wait_for("Findings");
    tmux.keys(&["Escape"]);
    tmux.wait_for("firewall.default-deny");
    tmux.keys(&["Escape"]);
    tmux.wait_for("Overview");
    tmux.keys(&["q"]);
    let left = tmux.wait_for("EXIT=");
    assert!(left.contains("EXIT=0") && left.contains("saved"), "{left}");
    drop(tmux);
    let first = sessions(data.path());
    assert_eq!(first.len(), 1, "one session saved");

    // Coming back resumes it: no second session, the decisions are still there.
    let tmux = Tmux::start("back", &audit(data.path(), ""));
    let again = tmux.wait_for("Overview");
    assert!(
        again.contains("✗3"),
        "the statuses came back from the journal:\n{again}"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    assert_eq!(sessions(data.path()), first, "resumed, not started again");

    // --new starts another.
    let tmux = Tmux::start("new", &audit(data.path(), "--new"));
    tmux.wait_collected();
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    assert_eq!(sessions(data.path()).len(), 2);
}

#[test]
fn without_a_terminal_the_walkthrough_says_so() {
    let data = tempfile::tempdir().expect("temp dir");
    let out = common::vouch()
        .env("VOUCH_DATA_DIR", data.path())
        .args(["audit", "--root"])
        .arg(fixture("weak"))
        .output()
        .expect("vouch runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal"));
    assert!(sessions(data.path()).is_empty(), "nothing started");
}

#[test]
fn an_answer_given_in_the_walkthrough_is_in_the_session_at_once() {
    let data = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start("answer", &audit(data.path(), ""));
    tmux.wait_collected();
    // Space walks to the first control that needs the auditor; find incident.plan
    // through its section instead, as a person scanning the overview would.
    let incident = tmux
        .screen()
        .lines()
        .position(|l| l.contains("Incident response"))
        .expect("row");
    let header_rows = 3; // the title line, the border, the table heading
    for _ in 0..(incident - header_rows) {
        tmux.keys(&["j"]);
    }
    tmux.keys(&["Enter"]);
    tmux.wait_for("incident.plan");
    tmux.keys(&["Enter"]);
    tmux.wait_for("incident.plan —");
    tmux.keys(&["a"]);
    tmux.wait_for("Question 1 of");
    tmux.keys(&["y"]);
    let saved = tmux.wait_for("Question 2 of");
    assert!(saved.contains("saved"), "{saved}");
    // The process is still running: the answer is already on disk.
    let id = sessions(data.path()).pop().expect("a session");
    let show = common::vouch()
        .env("VOUCH_DATA_DIR", data.path())
        .args(["sessions", "show", &id, "--format", "json"])
        .output()
        .expect("vouch runs");
    let results: vouch::results::ScanResults = serde_json::from_slice(&show.stdout).expect("results");
    let plan = results.hosts[0]
        .controls
        .iter()
        .find(|c| c.id == "incident.plan")
        .expect("plan");
    assert_eq!(plan.answers.len(), 1, "{:?}", plan.answers);
    assert_eq!(plan.answers[0].question, "exists");
    assert_eq!(plan.answers[0].by, "Ada");
    tmux.keys(&["Escape"]);
    tmux.wait_for("incident.plan —");
}

#[test]
fn a_finished_session_opens_read_only_and_is_never_written() {
    let data = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start("finish", &audit(data.path(), ""));
    tmux.wait_collected();
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    drop(tmux);
    let id = sessions(data.path()).pop().expect("a session");
    let store = vouch::session::Store::at(data.path().join("sessions"));
    let mut recording = vouch::session::Recording::resume(&store, &id).expect("resumed");
    assert!(recording.finish(), "the auditor marks it finished");
    drop(recording);
    let journal = data.path().join("sessions").join(&id).join("journal.jsonl");
    let before = std::fs::read(&journal).expect("journal");

    let tmux = Tmux::start("readonly", &audit(data.path(), &format!("--session {id}")));
    let shown = tmux.wait_for("read-only");
    assert!(shown.contains("Overview"), "{shown}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    assert_eq!(
        std::fs::read(&journal).expect("journal"),
        before,
        "not one byte written"
    );
}

#[test]
fn the_auditor_is_asked_their_name_once_and_it_is_remembered() {
    let data = tempfile::tempdir().expect("temp dir");
    let without_name = |extra: &str| audit(data.path(), extra).replace(" --auditor Ada", "");
    let tmux = Tmux::start("name", &without_name(""));
    tmux.wait_for("Your name, as the auditor of record");
    tmux.keys(&["Grace Hopper", "Enter"]);
    let shown = tmux.wait_for("auditor Grace Hopper");
    assert!(shown.contains("Overview"), "{shown}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    drop(tmux);

    let tmux = Tmux::start("name-again", &without_name("--new"));
    let again = tmux.wait_for("Overview");
    assert!(
        again.contains("auditor Grace Hopper"),
        "remembered, not asked:\n{again}"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}
