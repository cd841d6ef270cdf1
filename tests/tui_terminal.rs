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

/// `vouch sessions show ID --format json`, read back.
fn show(data: &Path, id: &str) -> vouch::results::ScanResults {
    let out = common::vouch()
        .env("VOUCH_DATA_DIR", data)
        .args(["sessions", "show", id, "--format", "json"])
        .output()
        .expect("vouch runs");
    serde_json::from_slice(&out.stdout).expect("results")
}

fn control<'a>(results: &'a vouch::results::ScanResults, id: &str) -> &'a vouch::results::ControlResult {
    results.hosts[0].controls.iter().find(|c| c.id == id).expect("control")
}

impl Tmux {
    /// `/`, the id, Enter: the control's page.
    fn open(&self, id: &str) -> String {
        self.keys(&["/"]);
        self.wait_for("Search");
        self.keys(&["-l", id]);
        self.wait_for(&format!("/{id}"));
        self.keys(&["Enter"]);
        self.wait_for(&format!("{id} —"))
    }

    /// A control's whole page: read while scrolling down it with `j`.
    fn read_page(&self) -> String {
        let mut seen = self.screen();
        for _ in 0..30 {
            self.keys(&["j"]);
            std::thread::sleep(Duration::from_millis(20));
            seen.push_str(&self.screen());
        }
        self.keys(&["g"]);
        seen
    }

    /// The vouch process in the window (the shell's child).
    fn vouch_pid(&self) -> String {
        let out = self.cmd(&["display", "-p", "#{pane_pid}"]).output().expect("tmux");
        let shell = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let out = Command::new("pgrep")
            .args(["-P", &shell, "vouch"])
            .output()
            .expect("pgrep");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

#[test]
fn an_auditor_answers_attaches_notes_and_overrides_and_finds_it_all_again() {
    let data = tempfile::tempdir().expect("temp dir");
    let docs = tempfile::tempdir().expect("temp dir");
    let plan = docs.path().join("incident-plan-v3.pdf");
    std::fs::write(&plan, b"%PDF-1.4 the plan").expect("plan");
    let tmux = Tmux::start("story", &audit(data.path(), "--organisation Acme"));
    tmux.wait_collected();
    // The CTO is on the call: their answers carry their name and role.
    tmux.keys(&["i"]);
    tmux.wait_for("Who is answering now?");
    tmux.keys(&["-l", "Grace Hopper"]);
    tmux.keys(&["Tab"]);
    tmux.keys(&["-l", "CTO"]);
    tmux.keys(&["C-s"]);
    let header = tmux.wait_for("answering Grace Hopper (CTO)");
    assert!(header.contains("local · Acme"), "{header}");

    // The incident plan: five questions, the document asked for after the first.
    tmux.open("incident.plan");
    tmux.keys(&["a"]);
    tmux.wait_for("Question 1 of 5");
    tmux.keys(&["y"]);
    tmux.wait_for("The document for");
    // The path typed in part, completed with Tab, then saved with Enter.
    tmux.keys(&["-l", &format!("{}/incident-pl", docs.path().display())]);
    tmux.keys(&["Tab"]);
    tmux.wait_for("incident-plan-v3.pdf");
    tmux.keys(&["Enter"]);
    let next = tmux.wait_for("Question 2 of 5");
    assert!(next.contains("saved"), "{next}");
    for n in 3..=5 {
        tmux.keys(&["y"]);
        tmux.wait_for(&format!("Question {n} of 5"));
    }
    // The last is a date, typed; a wrong one is refused with the reason.
    tmux.wait_for("date (YYYY-MM-DD");
    tmux.keys(&["-l", "2026-13-01"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("is not a date");
    for _ in 0.."2026-13-01".len() {
        tmux.keys(&["BSpace"]);
    }
    tmux.keys(&["-l", "2026-06-01"]);
    tmux.keys(&["Enter"]);
    let page = tmux.wait_for("✓ pass");
    assert!(
        page.contains("every answer passes"),
        "answered in full, attached, reviewed this year:\n{page}"
    );
    let page = tmux.read_page();
    for shown in ["→ 2026-06-01", "Documents", "incident-plan-v3.pdf"] {
        assert!(page.contains(shown), "{shown}:\n{page}");
    }

    // A note, two lines, saved with Ctrl-S.
    tmux.keys(&["c"]);
    tmux.wait_for("A note on incident.plan");
    tmux.keys(&["-l", "Walked through it with the CTO."]);
    tmux.keys(&["Enter"]);
    tmux.keys(&["-l", "Next review in June."]);
    tmux.keys(&["C-s"]);
    tmux.wait_for("saved");

    // A failing control overridden: a reason is required.
    tmux.open("firewall.enabled");
    tmux.keys(&["o"]);
    tmux.wait_for("Override firewall.enabled");
    tmux.keys(&["C-s"]);
    tmux.wait_for("reason is required");
    tmux.keys(&["Tab"]);
    tmux.keys(&["-l", "Cloud firewall at the provider covers it"]);
    tmux.keys(&["Tab"]);
    tmux.keys(&["-l", "Grace (CTO)"]);
    tmux.keys(&["C-s"]);
    let overridden = tmux.wait_for("evaluated ✗ fail");
    assert!(overridden.contains("approved by Grace (CTO)"), "{overridden}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    drop(tmux);

    let id = sessions(data.path()).pop().expect("a session");
    let results = show(data.path(), &id);
    let plan_result = control(&results, "incident.plan");
    assert_eq!(plan_result.answers.len(), 5, "{:?}", plan_result.answers);
    assert!(
        plan_result
            .answers
            .iter()
            .all(|a| a.by == "Grace Hopper" && a.role == "CTO"),
        "{:?}",
        plan_result.answers
    );
    assert_eq!(plan_result.status, vouch::model::Status::Pass);
    assert_eq!(plan_result.notes.len(), 1);
    assert_eq!(plan_result.notes[0].by, "Ada", "a note is the auditor's own");
    assert_eq!(
        plan_result.notes[0].text,
        "Walked through it with the CTO.\nNext review in June."
    );
    let attached = results.hosts[0]
        .evidence
        .iter()
        .find(|e| e.kind() == vouch::evidence::record::EvidenceKind::Attachment)
        .expect("the plan is evidence");
    let digest = Command::new("sha256sum").arg(&plan).output().expect("sha256sum");
    let digest = String::from_utf8_lossy(&digest.stdout);
    assert_eq!(Some(digest.split_whitespace().next().unwrap_or("")), attached.sha256());
    let firewall = control(&results, "firewall.enabled");
    let decision = firewall.override_.as_ref().expect("override");
    assert_eq!(decision.reason, "Cloud firewall at the provider covers it");
    assert_eq!(decision.approved_by.as_deref(), Some("Grace (CTO)"));
    assert_eq!(
        decision.by, "Ada",
        "an override is the auditor's, whoever is on the call"
    );
    assert_eq!(decision.evaluated, vouch::model::Status::Fail);
    assert_eq!(firewall.status, vouch::model::Status::Pass);

    // Reopened: all of it is there on the page.
    let tmux = Tmux::start("story-again", &audit(data.path(), ""));
    tmux.wait_for("Overview");
    tmux.open("incident.plan");
    let page = tmux.read_page();
    for shown in [
        "✓ pass",
        "Documents",
        "incident-plan-v3.pdf",
        "Walked through it with the CTO.",
    ] {
        assert!(page.contains(shown), "{shown}:\n{page}");
    }
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}

#[test]
fn killed_right_after_saved_the_answer_and_the_draft_being_typed_survive() {
    let data = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start("kill", &audit(data.path(), ""));
    tmux.wait_collected();
    tmux.open("firewall.cloud-firewall");
    tmux.keys(&["a"]);
    tmux.wait_for("Question 1 of 5");
    tmux.keys(&["y"]);
    let asked = tmux.wait_for("The document for");
    assert!(asked.contains("saved"), "{asked}");
    tmux.keys(&["Escape"]);
    // The next question is typed: half an answer, then the process dies.
    tmux.wait_for("Question 2 of 5: Which inbound rules");
    tmux.keys(&["-l", "22 from the office VPN only"]);
    tmux.wait_for("22 from the office VPN only");
    let pid = tmux.vouch_pid();
    assert!(!pid.is_empty(), "vouch is running");
    assert!(Command::new("kill")
        .args(["-9", &pid])
        .status()
        .expect("kill")
        .success());
    tmux.wait_for("EXIT=137");
    drop(tmux);

    let id = sessions(data.path()).pop().expect("a session");
    let results = show(data.path(), &id);
    let answers = &control(&results, "firewall.cloud-firewall").answers;
    assert_eq!(answers.len(), 1, "the answer saved before the kill: {answers:?}");
    assert_eq!(answers[0].question, "attached");

    // Reopened, the interview picks up at the typed question with the draft in it.
    let tmux = Tmux::start("kill-again", &audit(data.path(), ""));
    tmux.wait_for("Overview");
    tmux.open("firewall.cloud-firewall");
    tmux.keys(&["a"]);
    let draft = tmux.wait_for("Question 2 of 5: Which inbound rules");
    assert!(draft.contains("22 from the office VPN only"), "{draft}");
    tmux.keys(&["C-s"]);
    tmux.wait_for("Question 3 of 5");
    tmux.keys(&["Escape"]);
    tmux.wait_for("firewall.cloud-firewall —");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    drop(tmux);
    let results = show(data.path(), &id);
    let answers = &control(&results, "firewall.cloud-firewall").answers;
    assert_eq!(answers.len(), 2, "{answers:?}");
}

#[test]
fn a_finished_session_opens_read_only_and_is_never_written() {
    let data = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start("finish", &audit(data.path(), ""));
    tmux.wait_collected();
    // The export screen says what the bundle will hold; F twice finishes.
    tmux.keys(&["e"]);
    let export = tmux.wait_for("The evidence bundle will hold");
    assert!(export.contains("65 controls"), "{export}");
    tmux.keys(&["F"]);
    tmux.wait_for("press F again to finish");
    tmux.keys(&["F"]);
    tmux.wait_for("finished: read-only");
    tmux.keys(&["Escape"]);
    tmux.wait_for("Overview");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    drop(tmux);
    let id = sessions(data.path()).pop().expect("a session");
    let journal = data.path().join("sessions").join(&id).join("journal.jsonl");
    let before = std::fs::read(&journal).expect("journal");

    let tmux = Tmux::start("readonly", &audit(data.path(), &format!("--session {id}")));
    let shown = tmux.wait_for("read-only");
    assert!(shown.contains("Overview"), "{shown}");
    // An answer is refused, with the reason.
    tmux.open("incident.plan");
    tmux.keys(&["a"]);
    tmux.wait_for("Question 1 of 5");
    tmux.keys(&["y"]);
    tmux.wait_for("not saved: this session is finished");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    // Without --session, the finished one is not resumed: a new one starts.
    drop(tmux);
    let tmux = Tmux::start("after-finish", &audit(data.path(), ""));
    tmux.wait_collected();
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    assert_eq!(sessions(data.path()).len(), 2);
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

#[test]
fn closing_the_terminal_ends_vouch_and_keeps_every_answer() {
    let data = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start("hangup", &audit(data.path(), ""));
    tmux.wait_collected();
    tmux.open("incident.plan");
    tmux.keys(&["a"]);
    tmux.wait_for("Question 1 of 5");
    tmux.keys(&["y"]);
    tmux.wait_for("The document for");
    let pid = tmux.vouch_pid();
    assert!(!pid.is_empty(), "vouch is running");
    // The terminal goes away (a closed window, a dropped SSH connection).
    drop(tmux);
    let proc = std::path::PathBuf::from(format!("/proc/{pid}"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while proc.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let state = std::fs::read_to_string(proc.join("stat")).unwrap_or_default();
    assert!(
        !proc.exists() || state.contains(") Z "),
        "vouch is still running without its terminal: {state}"
    );
    let id = sessions(data.path()).pop().expect("a session");
    let results = show(data.path(), &id);
    let answers = &control(&results, "incident.plan").answers;
    assert_eq!(answers.len(), 1, "{answers:?}");
}

#[test]
fn bare_vouch_opens_on_the_start_screen_once_sessions_exist() {
    let data = tempfile::tempdir().expect("temp dir");
    let bare = format!(
        "VOUCH_DATA_DIR={} VOUCH_CONFIG_DIR={}/config {} ; echo EXIT=$?; sleep 60",
        data.path().display(),
        data.path().display(),
        env!("CARGO_BIN_EXE_vouch"),
    );
    std::fs::create_dir_all(data.path().join("config")).expect("config");
    std::fs::write(data.path().join("config/auditor"), "Ada\n").expect("name");
    // The first time there is nothing to choose from: a session starts.
    let tmux = Tmux::start("home", &bare);
    tmux.wait_collected();
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    drop(tmux);
    let first = sessions(data.path());
    assert_eq!(first.len(), 1);

    // Then the start screen lists it, selected: Enter resumes it.
    let tmux = Tmux::start("home-again", &bare);
    let start = tmux.wait_for("New session on local");
    assert!(start.contains(&first[0]) && start.contains("Ada"), "{start}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Overview");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    drop(tmux);
    assert_eq!(sessions(data.path()), first, "resumed");

    // d twice deletes it; the new-session row starts another.
    let tmux = Tmux::start("home-delete", &bare);
    tmux.wait_for("New session on local");
    tmux.keys(&["d"]);
    tmux.wait_for("press d again");
    tmux.keys(&["d"]);
    tmux.wait_for("deleted session");
    assert!(sessions(data.path()).is_empty());
    tmux.keys(&["Enter"]);
    tmux.wait_collected();
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    assert_eq!(sessions(data.path()).len(), 1);
}

#[test]
fn a_document_that_cannot_be_taken_is_refused_inline_with_the_reason() {
    let data = tempfile::tempdir().expect("temp dir");
    let docs = tempfile::tempdir().expect("temp dir");
    std::fs::write(docs.path().join("big.pdf"), vec![b'x'; 4096]).expect("big");
    std::fs::write(docs.path().join("small.pdf"), b"%PDF small").expect("small");
    let tmux = Tmux::start("refused", &audit(data.path(), "--attachment-cap 1KiB"));
    tmux.wait_collected();
    tmux.open("incident.plan");
    let base = docs.path().display().to_string();
    for (typed, reason) in [
        (format!("{base}/missing.pdf"), "No such file or directory".to_string()),
        (base.clone(), "is a folder, not a file".to_string()),
        (
            format!("{base}/big.pdf"),
            "over the attachment cap of 1.0 KiB".to_string(),
        ),
    ] {
        tmux.keys(&["t"]);
        tmux.wait_for("The document for");
        // Clear what the draft kept from the last try, then type the path.
        tmux.keys(&["Home", "C-k"]);
        tmux.keys(&["-l", &typed]);
        tmux.keys(&["Enter"]);
        let refused = tmux.wait_for(&reason);
        assert!(refused.contains("✗"), "said in the form:\n{refused}");
        tmux.keys(&["Escape"]);
        tmux.wait_for("incident.plan —");
    }
    tmux.keys(&["t"]);
    tmux.wait_for("The document for");
    tmux.keys(&["Home", "C-k"]);
    tmux.keys(&["-l", &format!("{base}/small.pdf")]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("small.pdf (10 bytes, sha256");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    let id = sessions(data.path()).pop().expect("a session");
    let documents = show(data.path(), &id).hosts[0]
        .evidence
        .iter()
        .filter(|e| e.kind() == vouch::evidence::record::EvidenceKind::Attachment)
        .count();
    assert_eq!(documents, 1, "only the one taken");
}

#[test]
fn r_collects_a_control_again_and_the_new_evidence_joins_the_old() {
    let data = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start("recollect", &audit(data.path(), ""));
    tmux.wait_collected();
    drop(tmux);
    let id = sessions(data.path()).pop().expect("a session");
    let journal = data.path().join("sessions").join(&id).join("journal.jsonl");
    let collected = || {
        std::fs::read_to_string(&journal)
            .expect("journal")
            .lines()
            .filter(|l| l.contains("\"type\":\"evidence_collected\""))
            .count()
    };
    let before = collected();
    let tmux = Tmux::start("recollect-again", &audit(data.path(), ""));
    tmux.wait_for("Overview");
    tmux.open("ssh.password-auth");
    tmux.keys(&["r"]);
    tmux.wait_for("collecting ssh.password-auth again");
    let page = tmux.wait_collected();
    assert!(page.contains("✗ fail"), "decided again:\n{page}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    assert!(collected() > before, "the new evidence is recorded beside the old");
}

#[test]
fn the_walkthrough_redraws_cleanly_when_the_terminal_is_resized() {
    let data = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start("resize", &audit(data.path(), ""));
    tmux.wait_collected();
    let resize = |w: &str, h: &str| {
        assert!(tmux
            .cmd(&["resize-window", "-x", w, "-y", h])
            .status()
            .expect("tmux")
            .success());
    };
    resize("60", "20");
    tmux.wait_for("vouch needs at least 80x24");
    resize("120", "40");
    let big = tmux.wait_for("Overview");
    assert!(!big.contains("needs at least"), "{big}");
    assert!(
        big.lines().any(|l| l.chars().count() == 120 && l.ends_with('┐')),
        "the overview fills the new width:\n{big}"
    );
    resize("80", "24");
    let back = tmux.wait_for("Overview");
    assert!(back.lines().all(|l| l.chars().count() <= 80), "{back}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}

#[test]
fn the_export_screen_writes_a_signed_bundle_that_verifies() {
    let data = tempfile::tempdir().expect("temp dir");
    let out = tempfile::tempdir().expect("temp dir");
    let pack = out.path().join("pack");
    let tmux = Tmux::start("export", &audit(data.path(), ""));
    tmux.wait_collected();
    tmux.keys(&["e"]);
    tmux.wait_for("The evidence bundle will hold");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Write the evidence bundle to a new folder or PACK.zip");
    tmux.keys(&["-l", &pack.display().to_string()]);
    tmux.keys(&["Enter"]);
    let written = tmux.wait_for("signed by SHA256:");
    assert!(
        written.contains("finished: read-only") || written.contains("This session is finished"),
        "{written}"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    let verified = common::vouch().arg("verify").arg(&pack).output().expect("vouch runs");
    assert!(
        verified.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verified.stdout),
        String::from_utf8_lossy(&verified.stderr)
    );
    let checked = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&pack)
        .output()
        .expect("sha256sum");
    assert!(checked.status.success());
}

#[test]
fn the_walkthrough_of_a_server_over_ssh_collects_there_and_again_on_r() {
    let client = common::sshd::Client::new();
    let server = common::sshd::Sshd::start(&[&client.key()], "");
    client.trust(&server);
    let data = tempfile::tempdir().expect("temp dir");
    let command = format!(
        "HOME={home} USER={user} VOUCH_DATA_DIR={data} VOUCH_CONFIG_DIR={data}/config SSH_AUTH_SOCK= {bin} audit {target} --as-of {AS_OF} --auditor Ada --new; echo EXIT=$?; sleep 60",
        home = client.home.path().display(),
        user = common::sshd::login(),
        data = data.path().display(),
        bin = env!("CARGO_BIN_EXE_vouch"),
        target = server.target(),
    );
    let tmux = Tmux::start("over-ssh", &command);
    let overview = tmux.wait_collected();
    assert!(
        overview.contains(&format!("127.0.0.1:{}", server.port)) || overview.contains("Overview"),
        "{overview}"
    );
    tmux.open("ssh.password-auth");
    tmux.keys(&["r"]);
    tmux.wait_for("collecting ssh.password-auth again");
    tmux.wait_collected();
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    // The session knows the server by its host key, and its evidence came over SSH.
    let id = sessions(data.path()).pop().expect("a session");
    let results = show(data.path(), &id);
    let host = &results.hosts[0];
    assert_eq!(host.host_key.as_deref(), Some(server.host_fingerprint().as_str()));
    assert!(host.transport.starts_with("ssh "), "{}", host.transport);
    assert_ne!(
        control(&results, "ssh.password-auth").status,
        vouch::model::Status::Error
    );
}
