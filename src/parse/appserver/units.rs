//! Where the application servers a target's systemd units start listen: each
//! unit's `Environment=` and `EnvironmentFile=`, its ExecStart read by
//! `from_command`, then gunicorn's configuration file; what could not be read
//! leaves the address unknown, never loopback.

use super::{config_binds, from_command, ConfigBind};
use crate::evidence::{FileState, Source};
use crate::parse::systemd::{self, exec_command, parse_unit, ETC_SERVICES, WANTS_GLOB};

/// The units read: those in /etc/systemd/system (and those enabled there).
pub const UNIT_GLOB: &str = ETC_SERVICES;

/// One address an application server listens on, and the line that decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listening {
    pub program: &'static str,
    /// The address, or why it is unknown (set by code vouch cannot evaluate, or
    /// in a file that could not be read).
    pub address: Result<String, String>,
    /// The program's default, no flag or setting naming it.
    pub default: bool,
    pub path: String,
    pub line: u32,
}

/// `KEY=VALUE` lines of a systemd EnvironmentFile.
fn environment_file(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_string(),
                v.trim().trim_matches('"').trim_matches('\'').to_string(),
            )
        })
        .collect()
}

/// Every application server the target's systemd units start (in
/// /etc/systemd/system, or enabled there), with where each listens: the command
/// line and `Environment=`/`EnvironmentFile=` first, then gunicorn's
/// configuration file (`-c`, else gunicorn.conf.py in `WorkingDirectory`), then
/// the program's default.
pub fn listening(source: &dyn Source) -> Vec<Listening> {
    let mut units: Vec<String> = source.glob(UNIT_GLOB).paths;
    for link in source.glob(WANTS_GLOB).paths {
        let name = link.rsplit('/').next();
        if link.ends_with(".service") && !units.iter().any(|u| u.rsplit('/').next() == name) {
            units.push(link);
        }
    }
    let mut out = Vec::new();
    for path in units {
        let FileState::Text(text) = source.read(&path) else {
            continue;
        };
        let directives = parse_unit(&text);
        let mut environment: Vec<(String, String)> = Vec::new();
        // An environment file that could not be read may move a default bind.
        let mut env_unknown: Option<String> = None;
        for file in systemd::values(&directives, "Service", "EnvironmentFile") {
            let optional = file.value.starts_with('-');
            let name = file.value.trim_start_matches('-');
            match source.read(name) {
                FileState::Text(text) => environment.extend(environment_file(&text)),
                FileState::Missing if optional => {}
                other => {
                    let why = other
                        .problem(name)
                        .unwrap_or_else(|| format!("{name} could not be read"));
                    env_unknown.get_or_insert(why);
                }
            }
        }
        environment.extend(
            systemd::values(&directives, "Service", "Environment")
                .flat_map(|d| shlex::split(&d.value).unwrap_or_default())
                .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))),
        );
        let workdir = systemd::values(&directives, "Service", "WorkingDirectory")
            .last()
            .map(|d| d.value.trim_start_matches('-').trim_end_matches('/').to_string());
        for exec in systemd::values(&directives, "Service", "ExecStart") {
            let Some(server) = from_command(exec_command(&exec.value), &environment) else {
                continue;
            };
            let explicit = server.config.is_some();
            let config = server.config.clone().or_else(|| {
                (server.program == "gunicorn").then(|| workdir.as_ref().map(|w| format!("{w}/gunicorn.conf.py")))?
            });
            // The configuration's binds, or why they are unknown.
            let from_config: Option<(String, Result<Vec<ConfigBind>, String>)> = config.and_then(|c| {
                let full = if c.starts_with('/') {
                    c
                } else {
                    format!("{}/{c}", workdir.clone().unwrap_or_default())
                };
                match source.read(&full) {
                    FileState::Text(text) => Some((full, Ok(config_binds(&text)))),
                    FileState::Missing if !explicit => None,
                    other => {
                        let why = other
                            .problem(&full)
                            .unwrap_or_else(|| format!("{full} could not be read"));
                        Some((full, Err(why)))
                    }
                }
            });
            let defaults_only = server.binds.iter().all(|b| b.default);
            match from_config {
                Some((file, Ok(binds))) if defaults_only && !binds.is_empty() => {
                    out.extend(binds.into_iter().map(|(address, line)| Listening {
                        program: server.program,
                        address: address.ok_or_else(|| "a bind set by code vouch cannot evaluate".to_string()),
                        default: false,
                        path: file.clone(),
                        line,
                    }));
                }
                Some((file, Err(why))) if defaults_only => out.push(Listening {
                    program: server.program,
                    address: Err(format!("its configuration {file} is unknown: {why}")),
                    default: false,
                    path: path.clone(),
                    line: exec.line,
                }),
                _ => out.extend(server.binds.iter().map(|bind| Listening {
                    program: server.program,
                    address: match (&env_unknown, bind.default) {
                        (Some(why), true) => Err(format!("its environment is unknown: {why}")),
                        _ => Ok(bind.address.clone()),
                    },
                    default: bind.default,
                    path: path.clone(),
                    line: exec.line,
                })),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_could_not_be_read_leaves_the_bind_unknown() {
        use crate::evidence::{FileState, Snapshot};
        let unit = "[Service]\nEnvironmentFile=/etc/app.env\nWorkingDirectory=/srv/app\nExecStart=/srv/app/venv/bin/gunicorn app:app\n";
        let source = Snapshot::new()
            .with_file("/etc/systemd/system/app.service", unit)
            .with_state("/etc/app.env", FileState::Unreadable("permission denied".into()))
            .with_state("/srv/app/gunicorn.conf.py", FileState::Missing);
        let found = listening(&source);
        assert_eq!(found.len(), 1);
        let why = found[0].address.clone().unwrap_err();
        assert!(
            why.contains("its environment is unknown: /etc/app.env could not be read"),
            "{why}"
        );
        let with_config = Snapshot::new()
            .with_file(
                "/etc/systemd/system/app.service",
                "[Service]\nExecStart=gunicorn -c /etc/app/gunicorn.py app:app\n",
            )
            .with_state(
                "/etc/app/gunicorn.py",
                FileState::Unreadable("permission denied".into()),
            );
        assert!(listening(&with_config)[0].address.is_err());
        let fine = Snapshot::new()
            .with_file(
                "/etc/systemd/system/app.service",
                "[Service]\nEnvironmentFile=-/etc/none.env\nExecStart=uvicorn app:app\n",
            )
            .with_state("/etc/none.env", FileState::Missing);
        assert_eq!(listening(&fine)[0].address, Ok("127.0.0.1:8000".to_string()));
    }
}
