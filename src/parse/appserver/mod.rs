//! Where a Python application server listens, read from the command that starts
//! it (a systemd unit's `ExecStart`, with its `Environment`): gunicorn
//! (`-b/--bind`, `GUNICORN_CMD_ARGS`, default 127.0.0.1:8000), uvicorn (`--host`,
//! `--port`, `--uds`, `--fd`; default 127.0.0.1), hypercorn (`-b/--bind`, default
//! 127.0.0.1:8000), waitress-serve (`--listen`, `--host`, `--port`,
//! `--unix-socket`; default 0.0.0.0:8080), daphne (`-b`, `-p`, `-u`; default
//! 127.0.0.1), and Django's `runserver` (a development server; default
//! 127.0.0.1:8000). gunicorn's `-c` configuration file is named for the caller to
//! read; `units::listening` reads it all from a target's systemd units. No
//! verdict here.

mod units;

use crate::parse::nginx::listen::is_loopback;
pub use units::{listening, Listening, UNIT_GLOB};

/// One application server started by a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppServer {
    /// gunicorn, uvicorn, hypercorn, waitress, daphne, runserver.
    pub program: &'static str,
    /// Where it listens: `unix:PATH`, `fd://N`, or `HOST:PORT`.
    pub binds: Vec<Bind>,
    /// gunicorn's configuration file (`-c`), whose `bind` overrides the default.
    pub config: Option<String>,
}

/// One listening address and whether it was written or is the program's default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bind {
    pub address: String,
    pub default: bool,
}

impl Bind {
    fn given(address: impl Into<String>) -> Bind {
        Bind {
            address: address.into(),
            default: false,
        }
    }

    fn default(address: &str) -> Bind {
        Bind {
            address: address.to_string(),
            default: true,
        }
    }

    /// Whether only this machine reaches it: a unix socket, a passed descriptor, loopback.
    pub fn is_local(&self) -> bool {
        local_address(&self.address)
    }
}

/// Whether an address only this machine reaches (`unix:`, `fd://`, loopback).
pub fn local_address(address: &str) -> bool {
    if address.starts_with("unix:") || address.starts_with("fd://") {
        return true;
    }
    let host = match address.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !host.is_empty() => host,
        _ => address,
    };
    is_loopback(host)
}

const PROGRAMS: &[&str] = &["gunicorn", "uvicorn", "hypercorn", "waitress-serve", "daphne"];

/// The application server a command line starts, if any; `environment` holds the
/// unit's `Environment=` assignments.
pub fn from_command(command: &str, environment: &[(String, String)]) -> Option<AppServer> {
    let words = shlex::split(command)?;
    // The program is the first word naming one (after `python -m`, a venv path, `exec`...).
    let position = words.iter().position(|w| {
        let base = w.rsplit('/').next().unwrap_or(w);
        PROGRAMS.contains(&base) || w == "runserver"
    })?;
    let base = words[position]
        .rsplit('/')
        .next()
        .unwrap_or(&words[position])
        .to_string();
    let args = &words[position + 1..];
    let env = |name: &str| environment.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    Some(match base.as_str() {
        "gunicorn" => {
            let mut all: Vec<String> = env("GUNICORN_CMD_ARGS")
                .and_then(|a| shlex::split(&a))
                .unwrap_or_default();
            all.extend(args.iter().cloned());
            let binds: Vec<Bind> = values(&all, &["-b", "--bind"]).into_iter().map(Bind::given).collect();
            let config = values(&all, &["-c", "--config"]).pop();
            let binds = if binds.is_empty() {
                match env("PORT") {
                    Some(port) => vec![Bind::default(&format!("0.0.0.0:{port}"))],
                    None => vec![Bind::default("127.0.0.1:8000")],
                }
            } else {
                binds
            };
            AppServer {
                program: "gunicorn",
                binds,
                config,
            }
        }
        "hypercorn" => AppServer {
            program: "hypercorn",
            binds: or_default(values(args, &["-b", "--bind"]), "127.0.0.1:8000"),
            config: None,
        },
        "uvicorn" => {
            let binds = if let Some(uds) = values(args, &["--uds"]).pop() {
                vec![Bind::given(format!("unix:{uds}"))]
            } else if let Some(fd) = values(args, &["--fd"]).pop() {
                vec![Bind::given(format!("fd://{fd}"))]
            } else {
                let host = values(args, &["--host"]).pop().or_else(|| env("UVICORN_HOST"));
                let port = values(args, &["--port"]).pop().or_else(|| env("UVICORN_PORT"));
                let default = host.is_none();
                let address = format!(
                    "{}:{}",
                    host.unwrap_or_else(|| "127.0.0.1".into()),
                    port.unwrap_or_else(|| "8000".into())
                );
                vec![Bind { address, default }]
            };
            AppServer {
                program: "uvicorn",
                binds,
                config: None,
            }
        }
        "waitress-serve" => {
            let mut binds: Vec<Bind> = values(args, &["--listen"]).into_iter().map(Bind::given).collect();
            binds.extend(
                values(args, &["--unix-socket"])
                    .into_iter()
                    .map(|p| Bind::given(format!("unix:{p}"))),
            );
            let host = values(args, &["--host"]).pop();
            let port = values(args, &["--port"]).pop();
            if binds.is_empty() || host.is_some() || port.is_some() {
                let default = host.is_none();
                let address = format!(
                    "{}:{}",
                    host.unwrap_or_else(|| "0.0.0.0".into()),
                    port.unwrap_or_else(|| "8080".into())
                );
                binds.push(Bind { address, default });
            }
            AppServer {
                program: "waitress",
                binds,
                config: None,
            }
        }
        "daphne" => {
            let binds = if let Some(path) = values(args, &["-u", "--unix-socket"]).pop() {
                vec![Bind::given(format!("unix:{path}"))]
            } else {
                let host = values(args, &["-b", "--bind"]).pop();
                let port = values(args, &["-p", "--port"]).pop().unwrap_or_else(|| "8000".into());
                let default = host.is_none();
                vec![Bind {
                    address: format!("{}:{port}", host.unwrap_or_else(|| "127.0.0.1".into())),
                    default,
                }]
            };
            AppServer {
                program: "daphne",
                binds,
                config: None,
            }
        }
        _ => {
            // manage.py runserver [addr:port | port]
            let given = args.iter().find(|a| !a.starts_with('-'));
            let binds = match given {
                Some(a) if a.bytes().all(|b| b.is_ascii_digit()) => vec![Bind::given(format!("127.0.0.1:{a}"))],
                Some(a) => vec![Bind::given(a.clone())],
                None => vec![Bind::default("127.0.0.1:8000")],
            };
            AppServer {
                program: "runserver",
                binds,
                config: None,
            }
        }
    })
}

fn or_default(given: Vec<String>, default: &str) -> Vec<Bind> {
    if given.is_empty() {
        vec![Bind::default(default)]
    } else {
        given.into_iter().map(Bind::given).collect()
    }
}

/// Every value of the options `names` (`-b X`, `-bX`, `--bind X`, `--bind=X`), in order.
fn values(args: &[String], names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        for name in names {
            if word == name {
                if let Some(value) = words.next() {
                    out.push(value.clone());
                }
                break;
            }
            if let Some(value) = word.strip_prefix(&format!("{name}=")) {
                out.push(value.to_string());
                break;
            }
            if name.len() == 2
                && !name.starts_with("--")
                && word.len() > 2
                && word.starts_with(name)
                && !word.starts_with("--")
            {
                out.push(word[2..].to_string());
                break;
            }
        }
    }
    out
}

/// One `bind` of a gunicorn configuration file and its line; None when code sets it.
pub type ConfigBind = (Option<String>, u32);

/// The `bind` of a gunicorn configuration file (`bind = "..."` or a list of
/// them); a `bind` set by code (`os.environ[...]`) is an address None.
pub fn config_binds(text: &str) -> Vec<ConfigBind> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("bind") else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let before = out.len();
        for part in value.split(',') {
            let item = part
                .trim()
                .trim_matches(|c| c == '[' || c == ']' || c == '(' || c == ')')
                .trim();
            let quoted = item
                .strip_prefix('"')
                .and_then(|i| i.strip_suffix('"'))
                .or_else(|| item.strip_prefix('\'').and_then(|i| i.strip_suffix('\'')));
            if let Some(address) = quoted {
                out.push((Some(address.to_string()), index as u32 + 1));
            }
        }
        if out.len() == before {
            out.push((None, index as u32 + 1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binds(command: &str) -> Vec<(String, bool)> {
        from_command(command, &[])
            .unwrap()
            .binds
            .into_iter()
            .map(|b| (b.address, b.default))
            .collect()
    }

    #[test]
    fn each_server_reads_its_own_flags_and_defaults() {
        assert_eq!(
            binds("/srv/app/venv/bin/gunicorn --bind unix:/run/app.sock app.wsgi"),
            [("unix:/run/app.sock".into(), false)]
        );
        assert_eq!(
            binds("gunicorn -b 0.0.0.0:8000 -w 3 app:app"),
            [("0.0.0.0:8000".into(), false)]
        );
        assert_eq!(
            binds("gunicorn -b127.0.0.1:9000 app:app"),
            [("127.0.0.1:9000".into(), false)]
        );
        assert_eq!(binds("gunicorn app:app"), [("127.0.0.1:8000".into(), true)]);
        assert_eq!(
            binds("python -m uvicorn main:app --host 0.0.0.0 --port 80"),
            [("0.0.0.0:80".into(), false)]
        );
        assert_eq!(
            binds("uvicorn main:app --uds /run/app.sock"),
            [("unix:/run/app.sock".into(), false)]
        );
        assert_eq!(binds("uvicorn main:app"), [("127.0.0.1:8000".into(), true)]);
        assert_eq!(binds("waitress-serve app:app"), [("0.0.0.0:8080".into(), true)]);
        assert_eq!(
            binds("waitress-serve --listen=127.0.0.1:8080 app:app"),
            [("127.0.0.1:8080".into(), false)]
        );
        assert_eq!(
            binds("daphne -b 0.0.0.0 -p 8001 proj.asgi:application"),
            [("0.0.0.0:8001".into(), false)]
        );
        assert_eq!(
            binds("hypercorn --bind [::1]:8000 app:app"),
            [("[::1]:8000".into(), false)]
        );
        assert_eq!(
            binds("/srv/app/venv/bin/python manage.py runserver 0.0.0.0:8000"),
            [("0.0.0.0:8000".into(), false)]
        );
        assert!(from_command("/usr/bin/redis-server /etc/redis.conf", &[]).is_none());
    }

    #[test]
    fn the_environment_adds_to_the_command() {
        let env = [(
            "GUNICORN_CMD_ARGS".to_string(),
            "--bind=0.0.0.0:5000 --workers=3".to_string(),
        )];
        let server = from_command("gunicorn app:app", &env).unwrap();
        assert_eq!(server.binds[0].address, "0.0.0.0:5000");
        let port = [("PORT".to_string(), "5000".to_string())];
        assert_eq!(
            from_command("gunicorn app:app", &port).unwrap().binds[0].address,
            "0.0.0.0:5000"
        );
        assert_eq!(
            from_command("gunicorn -c /etc/app/gunicorn.conf.py app:app", &[])
                .unwrap()
                .config
                .as_deref(),
            Some("/etc/app/gunicorn.conf.py")
        );
    }

    #[test]
    fn loopback_sockets_and_descriptors_are_local() {
        for local in [
            "127.0.0.1:8000",
            "localhost:8000",
            "[::1]:8000",
            "unix:/run/a.sock",
            "fd://3",
            "127.0.0.2:1",
        ] {
            assert!(local_address(local), "{local}");
        }
        for public in ["0.0.0.0:8000", "[::]:8000", "10.0.0.5:8000", "203.0.113.9:80", ":8000"] {
            assert!(!local_address(public), "{public}");
        }
    }

    #[test]
    fn gunicorn_config_files_give_their_binds_and_lines() {
        let text = "workers = 3\nbind = \"0.0.0.0:8000\"\n# bind = 'x'\nbind = ['unix:/run/a.sock', \"127.0.0.1:9\"]\n";
        let some = |a: &str, l| (Some(a.to_string()), l);
        assert_eq!(
            config_binds(text),
            [
                some("0.0.0.0:8000", 2),
                some("unix:/run/a.sock", 4),
                some("127.0.0.1:9", 4)
            ]
        );
        assert_eq!(config_binds("bind = os.environ['BIND']\n"), [(None, 1)]);
    }
}
