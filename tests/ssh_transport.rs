//! The SSH transport under load, against real sshd: commands that hang or pour
//! out output, a server allowing two sessions, many probes at once over one
//! connection, a jump host, and a connection cut mid-audit.

mod common;

use common::sshd::{login, Client, Sshd};
use std::sync::Arc;
use std::time::{Duration, Instant};
use vouch::transport::ssh::{SshOptions, SshTransport, UserFiles};
use vouch::transport::{CommandRun, DirList, FileRead, Stat, Transport, TransportError};

fn files_of(client: &Client) -> UserFiles {
    UserFiles {
        home: client.home.path().to_path_buf(),
        config: client.ssh_dir().join("config"),
        login: Some(login()),
    }
}

fn options_of(client: &Client) -> SshOptions {
    SshOptions {
        known_hosts: client.known_hosts(),
        accept_new: false,
        sudo: false,
        connect_timeout: Duration::from_secs(10),
        home: client.home.path().to_path_buf(),
    }
}

fn open(client: &Client, target: &str) -> Result<SshTransport, TransportError> {
    let target = vouch::transport::ssh::target::resolve(target, &[], &files_of(client)).expect("a target");
    SshTransport::open(&target, &options_of(client))
}

fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

fn stdout_of(run: &CommandRun) -> String {
    match run {
        CommandRun::Finished { stdout, .. } => String::from_utf8_lossy(stdout).into_owned(),
        CommandRun::NotRun(why) => panic!("not run: {why}"),
    }
}

fn admit_all(_: &vouch::transport::FileIdentity) -> vouch::transport::Admission {
    vouch::transport::Admission::Read
}

#[test]
fn a_hung_command_times_out_while_the_others_go_on() {
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "");
    client.trust(&server);
    let ssh = Arc::new(open(&client, &server.target()).expect("connected"));
    let hung = {
        let ssh = ssh.clone();
        std::thread::spawn(move || ssh.run(&argv(&["sleep", "30"]), Duration::from_millis(800), 1024))
    };
    // While `sleep` holds its channel, other commands come and go.
    let started = Instant::now();
    for _ in 0..5 {
        let run = ssh
            .run(&argv(&["echo", "alive"]), Duration::from_secs(10), 1024)
            .expect("the session answers");
        assert_eq!(stdout_of(&run), "alive\n");
    }
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the others waited for the hung command"
    );
    let hung = hung.join().expect("no panic").expect("the session answers");
    assert!(
        matches!(
            hung,
            CommandRun::Finished {
                timed_out: true,
                exit_code: None,
                ..
            }
        ),
        "{hung:?}"
    );
    let after = ssh
        .run(&argv(&["echo", "still"]), Duration::from_secs(10), 1024)
        .expect("still connected");
    assert_eq!(stdout_of(&after), "still\n");
}

#[test]
fn fifty_megabytes_of_output_are_capped_and_the_session_goes_on() {
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "");
    client.trust(&server);
    let ssh = open(&client, &server.target()).expect("connected");
    let run = ssh
        .run(
            &argv(&["head", "-c", "50000000", "/dev/zero"]),
            Duration::from_secs(60),
            1 << 20,
        )
        .expect("the session answers");
    match run {
        CommandRun::Finished { stdout, truncated, .. } => {
            assert_eq!(stdout.len(), 1 << 20);
            assert!(truncated);
        }
        other => panic!("{other:?}"),
    }
    let run = ssh
        .run(&argv(&["uname", "-s"]), Duration::from_secs(10), 1024)
        .expect("still connected");
    assert_eq!(stdout_of(&run), "Linux\n");
    // stderr and the exit status come back too.
    let run = ssh
        .run(&argv(&["ls", "/no/such/dir"]), Duration::from_secs(10), 1024)
        .expect("answers");
    match run {
        CommandRun::Finished { stderr, exit_code, .. } => {
            assert_eq!(exit_code, Some(2));
            assert!(String::from_utf8_lossy(&stderr).contains("No such file"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn with_max_sessions_2_every_command_still_runs() {
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "MaxSessions 2");
    client.trust(&server);
    let ssh = Arc::new(open(&client, &server.target()).expect("connected"));
    // SFTP takes one of the two sessions.
    assert!(matches!(
        ssh.read_file("/etc/hostname", 1 << 20, &admit_all),
        Ok(FileRead::Bytes(_))
    ));
    let threads: Vec<_> = (0..8)
        .map(|n| {
            let ssh = ssh.clone();
            std::thread::spawn(move || {
                let text = format!("job {n}");
                ssh.run(&argv(&["echo", &text]), Duration::from_secs(30), 1024)
                    .map(|run| (stdout_of(&run), text))
            })
        })
        .collect();
    for thread in threads {
        let (said, asked) = thread.join().expect("no panic").expect("the session answers");
        assert_eq!(said.trim(), asked);
    }
    assert_eq!(ssh.channel_limit(), 1, "vouch settled on what the server allows");
}

#[test]
fn files_directories_and_links_read_as_the_server_has_them() {
    let client = Client::new();
    let server = Sshd::start(&[&client.key()], "");
    client.trust(&server);
    let tree = tempfile::tempdir().expect("a temp dir");
    std::fs::write(tree.path().join("plain.conf"), "PasswordAuthentication no\n").expect("written");
    std::os::unix::fs::symlink("plain.conf", tree.path().join("link.conf")).expect("linked");
    std::fs::create_dir(tree.path().join("sub")).expect("made");
    std::fs::write(tree.path().join(std::ffi::OsStr::new(&String::from("b.conf"))), "x").expect("written");
    let ssh = open(&client, &server.target()).expect("connected");
    let root = tree.path().display().to_string();

    match ssh
        .read_file(&format!("{root}/link.conf"), 1 << 20, &admit_all)
        .expect("answers")
    {
        FileRead::Bytes(bytes) => assert_eq!(bytes, b"PasswordAuthentication no\n"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        ssh.read_file(&format!("{root}/none"), 1024, &admit_all)
            .expect("answers"),
        FileRead::Missing
    );
    assert!(matches!(
        ssh.read_file(&format!("{root}/plain.conf"), 4, &admit_all),
        Ok(FileRead::TooLarge { bytes: 26 })
    ));
    assert!(
        matches!(ssh.read_file(&format!("{root}/sub"), 1024, &admit_all), Ok(FileRead::Failed(why)) if why.contains("a directory"))
    );
    assert_eq!(
        ssh.list_dir(&root).expect("answers"),
        DirList::Names(vec![
            "b.conf".into(),
            "link.conf".into(),
            "plain.conf".into(),
            "sub".into()
        ])
    );
    match ssh.stat(&format!("{root}/link.conf")).expect("answers") {
        Stat::Meta(meta) => assert_eq!(meta.link.as_deref(), Some("plain.conf")),
        other => panic!("{other:?}"),
    }
    assert_eq!(ssh.stat(&format!("{root}/none")).expect("answers"), Stat::Missing);
    // A link and its target read alike.
    let read = |p: &str| {
        ssh.read_file(&format!("{root}/{p}"), 1024, &admit_all)
            .expect("answers")
    };
    assert_eq!(read("link.conf"), read("plain.conf"));
}

#[test]
fn proxy_jump_reaches_a_server_through_a_second_sshd() {
    let client = Client::new();
    let jump = Sshd::start(&[&client.key()], "");
    let inner = Sshd::start(&[&client.key()], "");
    client.trust(&jump);
    client.trust(&inner);
    std::fs::write(
        client.ssh_dir().join("config"),
        format!(
            "Host bastion\n  HostName 127.0.0.1\n  Port {}\n  User {user}\n\nHost app\n  HostName 127.0.0.1\n  Port {}\n  User {user}\n  ProxyJump bastion\n",
            jump.port,
            inner.port,
            user = login()
        ),
    )
    .expect("config written");
    let ssh = open(&client, "app").expect("connected through the jump host");
    assert!(
        ssh.describe()
            .contains(&format!("via {}@127.0.0.1:{}", login(), jump.port)),
        "{}",
        ssh.describe()
    );
    let run = ssh
        .run(&argv(&["echo", "inside"]), Duration::from_secs(10), 1024)
        .expect("answers");
    assert_eq!(stdout_of(&run), "inside\n");
    assert!(matches!(
        ssh.read_file("/etc/hostname", 1 << 20, &admit_all),
        Ok(FileRead::Bytes(_))
    ));
    // The inner server saw the connection come from the jump host's forwarding.
    assert!(jump.log().contains("direct-tcpip") || !jump.log().is_empty());
}

#[test]
fn a_connection_cut_mid_audit_is_lost_once_for_every_probe() {
    let client = Client::new();
    let mut server = Sshd::start(&[&client.key()], "");
    client.trust(&server);
    let ssh = open(&client, &server.target()).expect("connected");
    assert!(ssh.run(&argv(&["true"]), Duration::from_secs(10), 16).is_ok());
    server.kill_connections();
    let lost = ssh.run(&argv(&["true"]), Duration::from_secs(10), 16);
    assert!(matches!(lost, Err(TransportError::ConnectionLost { .. })), "{lost:?}");
    let again = ssh.read_file("/etc/hostname", 1024, &admit_all);
    assert!(matches!(again, Err(TransportError::ConnectionLost { .. })), "{again:?}");
}

#[test]
fn a_proxy_jump_chain_goes_through_each_hop_in_turn() {
    let client = Client::new();
    let (first, second, inner) = (
        Sshd::start(&[&client.key()], ""),
        Sshd::start(&[&client.key()], ""),
        Sshd::start(&[&client.key()], ""),
    );
    for server in [&first, &second, &inner] {
        client.trust(server);
    }
    std::fs::write(
        client.ssh_dir().join("config"),
        format!(
            "Host app\n  HostName 127.0.0.1\n  Port {}\n  ProxyJump {user}@127.0.0.1:{},{user}@127.0.0.1:{}\n",
            inner.port,
            first.port,
            second.port,
            user = login()
        ),
    )
    .expect("config written");
    let ssh = open(&client, "app").expect("connected through both hops");
    let via = format!(
        "via {u}@127.0.0.1:{}, {u}@127.0.0.1:{}",
        first.port,
        second.port,
        u = login()
    );
    assert!(ssh.describe().contains(&via), "{}", ssh.describe());
    let run = ssh
        .run(&argv(&["echo", "deep"]), Duration::from_secs(10), 1024)
        .expect("answers");
    assert_eq!(stdout_of(&run), "deep\n");
}
