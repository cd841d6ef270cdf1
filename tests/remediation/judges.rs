//! The programs that judge a block by its file: which one, and what it objects to.

use super::blocks::Block;
use super::common::differential::{require_program, self_signed_certificate, write_tree};
use std::path::{Path, PathBuf};
use std::process::Command;

/// How a file block is judged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Judge {
    Sshd,
    NginxHttp,
    NginxServer,
    Sudoers,
    Systemd,
    Nftables,
    Apt,
    Logrotate,
    Python,
    Bash,
    Yaml,
    Toml,
    Json,
    /// Files no installed program checks (cron.d, journald, needrestart, fail2ban...):
    /// the harm lints still read them.
    Unjudged,
}

pub fn judge_for(path: &str) -> Option<Judge> {
    let name = path.rsplit('/').next().unwrap_or(path);
    Some(if path.starts_with("/etc/ssh/sshd_config") {
        Judge::Sshd
    } else if path.starts_with("/etc/nginx/snippets/") {
        Judge::NginxServer
    } else if path.starts_with("/etc/nginx/") {
        Judge::NginxHttp
    } else if path.starts_with("/etc/sudoers") {
        Judge::Sudoers
    } else if path.starts_with("/etc/systemd/system/") {
        Judge::Systemd
    } else if name.ends_with(".nft") || path == "/etc/nftables.conf" {
        Judge::Nftables
    } else if path.starts_with("/etc/apt/apt.conf.d/") {
        Judge::Apt
    } else if path.starts_with("/etc/logrotate.d/") {
        Judge::Logrotate
    } else if name.ends_with(".py") {
        Judge::Python
    } else if name.ends_with(".sh")
        || path.starts_with("/usr/local/sbin/")
        || path.starts_with("/usr/local/bin/")
        || path.starts_with("/etc/letsencrypt/renewal-hooks/")
    {
        Judge::Bash
    } else if name.ends_with(".yml") || name.ends_with(".yaml") {
        Judge::Yaml
    } else if name.ends_with(".toml") {
        Judge::Toml
    } else if name.ends_with(".json") {
        Judge::Json
    } else if path.starts_with("/etc/cron.d/")
        || path.starts_with("/etc/systemd/journald.conf.d/")
        || path.starts_with("/etc/needrestart/")
        || path.starts_with("/etc/fail2ban/")
        || path.starts_with("/etc/rsyslog.d/")
        || path.starts_with("/etc/myapp/")
        || name == ".env.example"
        || name == "Caddyfile"
        || name.ends_with(".txt")
        || name.ends_with(".in")
        || name == ".gitignore"
        || name == "CODEOWNERS"
        || name == ".pre-commit-config.yaml"
    {
        Judge::Unjudged
    } else {
        return None;
    })
}

fn program(name: &str, package: &str) -> PathBuf {
    let sbin = ["/usr/sbin", "/sbin", "/usr/bin"];
    require_program(name, &sbin, package)
        .unwrap_or_else(|| panic!("{name} ({package}) judges remediation snippets: install it"))
}

/// Run a command; why it failed (stderr and stdout), or None.
fn refused(command: &mut Command) -> Option<String> {
    let shown = format!("{command:?}");
    let out = command.output().unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    (!out.status.success()).then(|| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The judge's objection to one block, or None when it accepts it.
pub fn objection(block: &Block, judge: Judge, work: &Path) -> Option<String> {
    let file = work.join("snippet");
    std::fs::write(&file, &block.text).expect("writing the snippet");
    match judge {
        Judge::Bash => refused(Command::new("bash").arg("-n").arg(&file)),
        Judge::Python => refused(
            Command::new("python3")
                .args(["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())"])
                .arg(&file),
        ),
        Judge::Sudoers => refused(
            Command::new(program("visudo", "sudo"))
                .args(["-c", "-q", "-f"])
                .arg(&file),
        ),
        Judge::Sshd => sshd_objection(block, work),
        Judge::NginxHttp | Judge::NginxServer => nginx_objection(block, judge, work),
        Judge::Systemd => systemd_objection(block, work),
        Judge::Nftables => refused(
            Command::new("unshare")
                .args(["--net", "--"])
                .arg(program("nft", "nftables"))
                .args(["-c", "-f"])
                .arg(&file),
        ),
        Judge::Apt => apt_objection(block, work),
        Judge::Logrotate => logrotate_objection(block, work),
        Judge::Yaml => serde_saphyr::from_str::<serde_json::Value>(&block.text)
            .err()
            .map(|e| e.to_string()),
        Judge::Toml => toml::from_str::<toml::Value>(&block.text).err().map(|e| e.to_string()),
        Judge::Json => serde_json::from_str::<serde_json::Value>(&block.text)
            .err()
            .map(|e| e.to_string()),
        Judge::Unjudged => None,
    }
}

/// `logrotate -d` (which reads and plans, rotating nothing). The owners `su` and
/// `create` name are the client's (the app's user); here they become root, which
/// exists everywhere, so logrotate checks everything else.
fn logrotate_objection(block: &Block, work: &Path) -> Option<String> {
    let owners = regex::Regex::new(r"(?m)^(\s*(?:su|create(?:\s+0?[0-7]{3})?))\s+\S+\s+\S+\s*$").expect("regex");
    let text = owners.replace_all(&block.text, "$1 root root");
    let file = work.join("logrotate.conf");
    std::fs::write(&file, text.as_bytes()).expect("writing the logrotate file");
    let out = Command::new(program("logrotate", "logrotate"))
        .arg("-d")
        .arg("-s")
        .arg(work.join("logrotate.state"))
        .arg(&file)
        .output()
        .expect("logrotate runs");
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    let errors: Vec<&str> = said.lines().filter(|l| l.starts_with("error:")).collect();
    (!out.status.success() || !errors.is_empty()).then(|| format!("{}\n{said}", errors.join("\n")))
}

/// `sshd -t` on a configuration that includes the drop-in, with a throwaway host key.
fn sshd_objection(block: &Block, work: &Path) -> Option<String> {
    let key = work.join("host_key");
    if !key.exists() {
        let made = refused(
            Command::new(program("ssh-keygen", "openssh-client"))
                .args(["-q", "-t", "ed25519", "-N", "", "-C", "", "-f"])
                .arg(&key),
        );
        assert!(made.is_none(), "ssh-keygen: {made:?}");
    }
    let privsep = Path::new("/run/sshd");
    if !privsep.is_dir() {
        std::fs::create_dir_all(privsep).unwrap_or_else(|e| panic!("sshd -t needs /run/sshd ({e}): run as root"));
    }
    let dropin = work.join("dropin.conf");
    std::fs::write(&dropin, &block.text).expect("writing the drop-in");
    let main = work.join("sshd_config");
    let whole = block.file.as_deref() == Some("/etc/ssh/sshd_config");
    let text = if whole {
        format!("HostKey {}\n{}", key.display(), block.text)
    } else {
        format!("Include {}\nHostKey {}\n", dropin.display(), key.display())
    };
    std::fs::write(&main, text).expect("writing sshd_config");
    refused(
        Command::new(program("sshd", "openssh-server"))
            .arg("-t")
            .arg("-f")
            .arg(&main),
    )
}

/// `nginx -t` on a configuration holding the site (http level) or the snippet (in a
/// TLS server). Certificate paths are the host's (Let's Encrypt's): they are pointed
/// at a throwaway certificate so nginx checks everything else.
fn nginx_objection(block: &Block, judge: Judge, work: &Path) -> Option<String> {
    let (cert, key) = throwaway_certificate(work);
    let certificate = regex::Regex::new(r"(?m)^(\s*ssl_certificate(?:_key)?)\s+\S+;").expect("regex");
    let text = certificate.replace_all(&block.text, |caps: &regex::Captures| {
        let which = if caps[1].trim_end().ends_with("_key") {
            &key
        } else {
            &cert
        };
        format!("{} {};", &caps[1], which.display())
    });
    let snippet = work.join("nginx-snippet.conf");
    std::fs::write(&snippet, text.as_bytes()).expect("writing the snippet");
    let inner = match judge {
        Judge::NginxServer => format!(
            "server {{ listen 127.0.0.1:8443 ssl; server_name example.com; ssl_certificate {}; ssl_certificate_key {}; include {}; }}",
            cert.display(),
            key.display(),
            snippet.display()
        ),
        _ => format!("include {};", snippet.display()),
    };
    let conf = work.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "pid {0}/nginx.pid;\nerror_log {0}/error.log;\nevents {{}}\nhttp {{\n  access_log off;\n  upstream app {{ server 127.0.0.1:8000; }}\n  {inner}\n}}\n",
            work.display()
        ),
    )
    .expect("writing nginx.conf");
    refused(
        Command::new(program("nginx", "nginx"))
            .arg("-t")
            .arg("-q")
            .arg("-p")
            .arg(work)
            .arg("-c")
            .arg(&conf),
    )
}

fn throwaway_certificate(work: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (work.join("cert.pem"), work.join("key.pem"));
    if !cert.exists() {
        self_signed_certificate(&program("openssl", "openssl"), "/CN=example.com", &cert, &key);
    }
    (cert, key)
}

/// `systemd-analyze verify` of a unit (or of a stand-in unit carrying a drop-in).
/// What it says about the host rather than the unit — a program that is not
/// installed here, targets a container lacks — is not an objection.
fn systemd_objection(block: &Block, work: &Path) -> Option<String> {
    let path = block.file.as_deref().unwrap_or_default();
    let units = work.join("units");
    let _ = std::fs::remove_dir_all(&units);
    let (unit, verify) = match path.rsplit_once(".d/") {
        Some((owner, dropin)) => {
            let owner = owner.rsplit('/').next().unwrap_or(owner);
            write_tree(
                &units,
                &[
                    (owner, "[Unit]\nDescription=stand-in\n[Service]\nExecStart=/bin/true\n"),
                    (&format!("{owner}.d/{dropin}"), &block.text),
                ],
            );
            (owner.to_string(), units.join(owner))
        }
        None => {
            let name = path.rsplit('/').next().unwrap_or(path);
            write_tree(&units, &[(name, &block.text)]);
            (name.to_string(), units.join(name))
        }
    };
    // A timer needs its service beside it: a stand-in when the remediation does not give it.
    if let Some(stem) = unit.strip_suffix(".timer") {
        let service = units.join(format!("{stem}.service"));
        if !service.exists() {
            std::fs::write(&service, "[Service]\nType=oneshot\nExecStart=/bin/true\n").expect("stand-in");
        }
    }
    let out = Command::new("systemd-analyze")
        .args(["verify", "--recursive-errors=no", "--man=no"])
        .arg(&verify)
        .output()
        .expect("systemd-analyze runs (systemd)");
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    let host_only = |line: &str| {
        line.contains("is not executable: No such file or directory")
            || line.contains("not found.")
            || line.contains("Failed to create")
            || line.trim().is_empty()
    };
    let said: Vec<&str> = text.lines().filter(|l| !host_only(l)).collect();
    (!said.is_empty()).then(|| said.join("\n"))
}

/// apt reads the file (from a tree of its own) without a syntax error.
fn apt_objection(block: &Block, work: &Path) -> Option<String> {
    let root = work.join("apt-root");
    let _ = std::fs::remove_dir_all(&root);
    let name = block
        .file
        .as_deref()
        .and_then(|p| p.rsplit('/').next())
        .unwrap_or("50x");
    write_tree(&root, &[(&format!("etc/apt/apt.conf.d/{name}"), &block.text)]);
    let pointer = work.join("apt-pointer.conf");
    std::fs::write(&pointer, format!("Dir \"{}/\";\n", root.display())).expect("APT_CONFIG");
    refused(
        Command::new(program("apt-config", "apt"))
            .arg("dump")
            .env("APT_CONFIG", &pointer)
            .current_dir(&root),
    )
}
