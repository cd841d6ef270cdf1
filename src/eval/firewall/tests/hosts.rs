use super::*;

const SS: &str = "\
LISTEN 0      4096   127.0.0.53%lo:53        0.0.0.0:*
LISTEN 0      244          0.0.0.0:5432      0.0.0.0:*
LISTEN 0      128          0.0.0.0:22        0.0.0.0:*
LISTEN 0      511                *:80              *:*
LISTEN 0      128             [::]:22           [::]:*
";

#[test]
fn no_firewall_uses_listeners_when_collected() {
    let out = run(ALLOWED_PORTS, &with_ss(bare_host(), SS));
    assert_eq!(out.status, Status::Fail);
    assert_eq!(out.summary, "5432/tcp (PostgreSQL) is open to anywhere: ss -tlnH:2");
    let safe = SS.replace("0.0.0.0:5432", "127.0.0.1:5432");
    let out = run(ALLOWED_PORTS, &with_ss(bare_host(), &safe));
    assert_eq!(out.status, Status::Pass, "{}", out.summary);
    assert_eq!(out.summary, "Only expected ports are open to anywhere: 22/tcp, 80/tcp");
    let app = SS.replace("0.0.0.0:5432", "0.0.0.0:8000");
    assert_eq!(status(ALLOWED_PORTS, &with_ss(bare_host(), &app)), Status::Warn);
}

#[test]
fn listener_findings_say_what_listens_where() {
    let with_process = format!("{SS}LISTEN 0 5 0.0.0.0:2024 0.0.0.0:* users:((\"python3\",pid=9,fd=3))\n");
    let out = run(ALLOWED_PORTS, &with_ss(bare_host(), &with_process));
    let messages: Vec<&str> = out.findings.iter().map(|f| f.message.as_str()).collect();
    for expected in [
        "5432/tcp listens on 0.0.0.0 with no firewall in front — datastore/admin port open to anywhere: \
         5432/tcp (PostgreSQL)",
        "80/tcp listens on * with no firewall in front — expected",
        "22/tcp listens on :: with no firewall in front — expected",
        "2024/tcp listens on 0.0.0.0 with no firewall in front (python3) — open to anywhere, and not SSH (22), \
         80 or 443",
    ] {
        assert!(messages.contains(&expected), "{expected}: {messages:#?}");
    }
    assert!(!messages.iter().any(|m| m.starts_with("allow ")), "{messages:#?}");
}

#[test]
fn no_firewall_and_no_listeners_fails() {
    let out = run(ALLOWED_PORTS, &bare_host());
    assert_eq!(out.status, Status::Fail);
    assert_eq!(
        out.summary,
        "No host firewall filters incoming traffic: ufw is not installed, and there is no /etc/nftables.conf; \
         nothing limits which ports are exposed"
    );
    assert_eq!(status(ENABLED, &bare_host()), Status::Fail);
    assert_eq!(status(DEFAULT_DENY, &bare_host()), Status::Fail);
}

#[test]
fn a_disabled_ufw_is_no_firewall_even_with_listeners() {
    let rules = rules_file(false, &["allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in"]);
    let host = with_ss(ufw_host(false, "DROP", &rules, &rules), SS);
    assert_eq!(
        run(ALLOWED_PORTS, &host).summary,
        "5432/tcp (PostgreSQL) is open to anywhere: ss -tlnH:2"
    );
}

#[test]
fn listening_services() {
    let cases: Vec<(&str, &str, Status, &str)> = vec![
        (
            "gunicorn on every address",
            "LISTEN 0 2048 0.0.0.0:8000 0.0.0.0:* users:((\"gunicorn\",pid=9,fd=5))",
            Status::Warn,
            "the app server (gunicorn) listens on 0.0.0.0:8000 instead of loopback: ss -tlnH:1",
        ),
        (
            "gunicorn on loopback",
            "LISTEN 0 2048 127.0.0.1:8000 0.0.0.0:* users:((\"gunicorn\",pid=9,fd=5))",
            Status::Pass,
            "No app server or datastore listens on 0.0.0.0 or :: (1 listening sockets checked)",
        ),
        (
            "postgres on :: without process names",
            "LISTEN 0 244 [::]:5432 [::]:*\nLISTEN 0 244 0.0.0.0:6379 0.0.0.0:*",
            Status::Warn,
            "PostgreSQL (port 5432) listens on [::]:5432 instead of loopback: ss -tlnH:1 (and 1 more)",
        ),
        (
            "uvicorn on a python process name",
            "LISTEN 0 2048 *:9000 *:* users:((\"python3\",pid=9,fd=5))",
            Status::Warn,
            "the app server (python3) listens on *:9000",
        ),
        (
            "nginx and sshd are expected",
            "LISTEN 0 511 0.0.0.0:80 0.0.0.0:*\nLISTEN 0 128 [::]:22 [::]:*",
            Status::Pass,
            "No app",
        ),
        (
            "a datastore on a private address",
            "LISTEN 0 244 10.0.0.5:5432 0.0.0.0:*",
            Status::Pass,
            "No app",
        ),
    ];
    for (name, ss, expected, summary) in cases {
        let out = run(LISTENING, &with_ss(bare_host(), ss));
        assert_eq!(out.status, expected, "{name}: {}", out.summary);
        assert!(out.summary.starts_with(summary), "{name}: {}", out.summary);
    }
}

#[test]
fn listening_services_without_ss_needs_review() {
    assert_eq!(status(LISTENING, &bare_host()), Status::NeedsReview);
    let failed = bare_host().with_command(&["ss", "-tlnH"], CommandState::NotRun("ss: not found".into()));
    assert_eq!(status(LISTENING, &failed), Status::NeedsReview);
    let with_p = bare_host().with_command(
        &["ss", "-tlnpH"],
        ran("LISTEN 0 2048 0.0.0.0:8000 0.0.0.0:* users:((\"uvicorn\",pid=9,fd=5))"),
    );
    assert_eq!(
        run(LISTENING, &with_p).summary,
        "the app server (uvicorn) listens on 0.0.0.0:8000 instead of loopback: ss -tlnpH:1"
    );
}

#[test]
fn a_disabled_ufw_lists_its_dormant_rules() {
    let rules = rules_file(false, &["allow tcp 8000 0.0.0.0/0 any 0.0.0.0/0 in"]);
    let out = run(ALLOWED_PORTS, &ufw_host(false, "DROP", &rules, &rules_file(true, &[])));
    assert_eq!(out.status, Status::Fail);
    assert!(out
        .findings
        .iter()
        .any(|f| f.message == "allow 8000/tcp from anywhere — not in force while ufw is disabled"));
}
