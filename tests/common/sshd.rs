//! Real OpenSSH servers for the SSH tests: each `Sshd` is an `sshd -D` on a
//! free 127.0.0.1 port with its own host key, config and authorized_keys, run
//! as whoever runs the tests (root in CI, to log in as root); and a `Client`
//! home holding the user's keys, known_hosts and ssh_config, so nothing of the
//! real ~/.ssh is read or written.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The user the tests log in as: whoever runs them.
pub fn login() -> String {
    String::from_utf8(Command::new("id").arg("-un").output().expect("id runs").stdout)
        .expect("a user name")
        .trim()
        .to_string()
}

/// Make a key pair (`ssh-keygen -t KIND`), with a passphrase or none.
pub fn keygen(path: &Path, kind: &str, passphrase: &str, comment: &str) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", kind, "-N", passphrase, "-C", comment, "-f"])
        .arg(path)
        .status()
        .expect("ssh-keygen runs (openssh-client is installed by .ci/run)");
    assert!(status.success(), "ssh-keygen -t {kind} failed");
}

/// The SHA256 fingerprint ssh-keygen prints for a public key file.
pub fn fingerprint(public: &Path) -> String {
    let out = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(public)
        .output()
        .expect("ssh-keygen runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.split_whitespace()
        .nth(1)
        .expect("ssh-keygen -l prints a fingerprint")
        .to_string()
}

/// A running sshd.
pub struct Sshd {
    pub dir: tempfile::TempDir,
    pub port: u16,
    child: Child,
}

impl Sshd {
    /// An sshd accepting `authorized` keys, with `extra` lines of sshd_config.
    pub fn start(authorized: &[&Path], extra: &str) -> Sshd {
        let dir = tempfile::tempdir().expect("a temp dir");
        keygen(&dir.path().join("host_ed25519"), "ed25519", "", "host");
        let mut keys = String::new();
        for key in authorized {
            keys.push_str(&std::fs::read_to_string(key).expect("a public key"));
        }
        std::fs::write(dir.path().join("authorized_keys"), keys).expect("authorized_keys written");
        // sshd reads authorized_keys as the user logging in, who may not be the tests' own.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::fs::set_permissions(
            dir.path().join("authorized_keys"),
            std::fs::Permissions::from_mode(0o644),
        )
        .expect("chmod");
        // Privilege separation wants this folder when sshd runs as root.
        let _ = std::fs::create_dir_all("/run/sshd");
        for _ in 0..20 {
            let port = free_port();
            let config = format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {dir}/host_ed25519\n\
                 AuthorizedKeysFile {dir}/authorized_keys\nPasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\nUsePAM no\nPermitRootLogin prohibit-password\n\
                 StrictModes no\nPidFile none\n{sftp}{extra}\n",
                dir = dir.path().display(),
                // A test may name its own (or no) SFTP subsystem.
                sftp = if extra.contains("Subsystem") {
                    ""
                } else {
                    "Subsystem sftp /usr/lib/openssh/sftp-server\n"
                }
            );
            std::fs::write(dir.path().join("sshd_config"), config).expect("sshd_config written");
            let mut child = Command::new("/usr/sbin/sshd")
                .args(["-D", "-e", "-f"])
                .arg(dir.path().join("sshd_config"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(dir.path().join("log")).expect("a log file"))
                .spawn()
                .expect("sshd starts (openssh-server is installed by .ci/run)");
            if ready(&mut child, port) {
                return Sshd { dir, port, child };
            }
            // The port was taken between choosing it and sshd binding it: again.
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("sshd did not start on any of 20 ports");
    }

    pub fn host_public_key(&self) -> PathBuf {
        self.dir.path().join("host_ed25519.pub")
    }

    pub fn host_fingerprint(&self) -> String {
        fingerprint(&self.host_public_key())
    }

    /// `user@127.0.0.1:PORT`.
    pub fn target(&self) -> String {
        self.target_as(&login())
    }

    /// `USER@127.0.0.1:PORT`.
    pub fn target_as(&self, user: &str) -> String {
        format!("{user}@127.0.0.1:{}", self.port)
    }

    /// The known_hosts line for this server, as ssh writes it (plain).
    pub fn known_hosts_line(&self) -> String {
        let key = std::fs::read_to_string(self.host_public_key()).expect("the host key");
        let mut parts = key.split_whitespace();
        let (kind, blob) = (parts.next().expect("a type"), parts.next().expect("a key"));
        format!("[127.0.0.1]:{} {kind} {blob}\n", self.port)
    }

    /// End every session the server holds (its per-connection processes), as a
    /// dropped network would; the listener itself goes too.
    pub fn kill_connections(&mut self) {
        let _ = Command::new("pkill")
            .args(["-KILL", "-P", &self.child.id().to_string()])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
    }
}

/// Wait for the server's banner (it answers once it listens).
fn ready(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let mut banner = [0u8; 4];
            if stream.read_exact(&mut banner).is_ok() && &banner == b"SSH-" {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The auditor's side: a home with `.ssh/id_ed25519` and an empty known_hosts.
pub struct Client {
    pub home: tempfile::TempDir,
}

impl Client {
    pub fn new() -> Client {
        let home = tempfile::tempdir().expect("a temp home");
        std::fs::create_dir_all(home.path().join(".ssh")).expect(".ssh made");
        keygen(&home.path().join(".ssh/id_ed25519"), "ed25519", "", "auditor@test");
        Client { home }
    }

    pub fn ssh_dir(&self) -> PathBuf {
        self.home.path().join(".ssh")
    }

    pub fn key(&self) -> PathBuf {
        self.ssh_dir().join("id_ed25519.pub")
    }

    pub fn known_hosts(&self) -> PathBuf {
        self.ssh_dir().join("known_hosts")
    }

    /// Trust `server`'s key, as a user who checked it would.
    pub fn trust(&self, server: &Sshd) {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.known_hosts())
            .expect("known_hosts opened");
        file.write_all(server.known_hosts_line().as_bytes())
            .expect("known_hosts written");
    }

    /// `vouch` run as this user (HOME here, no agent unless given).
    pub fn vouch(&self) -> assert_cmd::Command {
        let mut cmd = super::vouch();
        cmd.env("HOME", self.home.path())
            .env("USER", login())
            .env_remove("SSH_ASKPASS");
        cmd
    }
}

/// A real ssh-agent, killed when dropped.
pub struct Agent {
    pub socket: PathBuf,
    pid: String,
    _dir: tempfile::TempDir,
}

impl Agent {
    pub fn start() -> Agent {
        let dir = tempfile::tempdir().expect("a temp dir");
        let socket = dir.path().join("agent.sock");
        let out = Command::new("ssh-agent")
            .arg("-a")
            .arg(&socket)
            .output()
            .expect("ssh-agent runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let pid = text
            .split("SSH_AGENT_PID=")
            .nth(1)
            .and_then(|rest| rest.split(';').next())
            .expect("ssh-agent prints its pid")
            .to_string();
        Agent { socket, pid, _dir: dir }
    }

    /// `ssh-add` these private keys, in order.
    pub fn add(&self, keys: &[PathBuf]) {
        let status = Command::new("ssh-add")
            .args(keys)
            .env("SSH_AUTH_SOCK", &self.socket)
            .stderr(Stdio::null())
            .status()
            .expect("ssh-add runs");
        assert!(status.success(), "ssh-add failed");
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(&self.pid).status();
    }
}
