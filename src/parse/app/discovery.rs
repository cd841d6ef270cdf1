//! Where the Python application lives on a server, found as the CLI contract
//! says: the WorkingDirectory of a systemd service under /etc/systemd/system whose
//! ExecStart runs gunicorn, uvicorn, hypercorn, daphne, waitress, flask or python;
//! else the first of /srv/*, /var/www/*, /opt/*, /home/*/* holding
//! requirements.txt, pyproject.toml, setup.py or manage.py. The result says how it
//! was found; folders that could not be listed on the way are named, since the app
//! may be in one of them. No verdict here.

use crate::evidence::{FileState, Source};
use crate::parse::systemd::{self, exec_command, parse_unit, ETC_SERVICES};

/// Where units are looked for (the contract names /etc/systemd/system only).
pub const UNITS: &str = ETC_SERVICES;
/// The folders searched for a project, in order.
pub const BASES: &[&str] = &["/srv/*", "/var/www/*", "/opt/*", "/home/*/*"];
/// The files that make a folder a Python project.
pub const MARKERS: &[&str] = &["requirements.txt", "pyproject.toml", "setup.py", "manage.py"];
/// Programs whose service names the app's folder.
const PROGRAMS: &[&str] = &[
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "waitress",
    "waitress-serve",
    "flask",
];

/// The application's folder and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    pub dir: String,
    /// `systemd unit gunicorn.service`, `requirements.txt under /srv/*`.
    pub how: String,
}

/// What discovery found, and what it could not look into.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub app: Option<Discovery>,
    /// Folders or units that could not be read on the way (one line each).
    pub unread: Vec<String>,
}

fn runs_python(command: &str) -> bool {
    let Some(words) = shlex::split(command) else {
        return false;
    };
    let Some(first) = words.first() else { return false };
    let program = first.rsplit('/').next().unwrap_or(first);
    let python = program == "python"
        || program
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'));
    // `/usr/bin/env gunicorn ...`
    let via_env = program == "env"
        && words
            .get(1)
            .is_some_and(|w| PROGRAMS.contains(&w.as_str()) || w.starts_with("python"));
    python || via_env || PROGRAMS.contains(&program)
}

/// `a, b or c`.
fn or_list(items: &[&str]) -> String {
    match items.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

impl Found {
    /// Why no application was found: where discovery looked, and what it could not read.
    pub fn reason(&self) -> String {
        let mut why = format!(
            "no systemd unit in {} runs gunicorn, uvicorn, hypercorn, daphne, waitress, flask or python with a WorkingDirectory, and none of {} holds {} (name it with --app-dir)",
            UNITS.trim_end_matches("/*.service"),
            BASES.join(", "),
            or_list(MARKERS),
        );
        if let Some(first) = self.unread.first() {
            why.push_str(&format!("; could not read {first}"));
            if self.unread.len() > 1 {
                why.push_str(&format!(" (and {} more)", self.unread.len() - 1));
            }
        }
        why
    }
}

/// Find the application as the contract says.
pub fn discover(source: &dyn Source) -> Found {
    let mut found = Found::default();
    let units = source.glob(UNITS);
    found.unread.extend(units.problem());
    for path in &units.paths {
        let text = match source.read(path) {
            FileState::Text(text) => text,
            other => {
                found.unread.extend(other.problem(path));
                continue;
            }
        };
        let directives = parse_unit(&text);
        let runs = systemd::values(&directives, "Service", "ExecStart").any(|d| runs_python(exec_command(&d.value)));
        let workdir = systemd::values(&directives, "Service", "WorkingDirectory")
            .last()
            .map(|d| d.value.trim_start_matches('-').trim_end_matches('/').to_string())
            .filter(|dir| dir.starts_with('/'));
        if let (true, Some(dir)) = (runs, workdir) {
            let unit = path.rsplit('/').next().unwrap_or(path);
            found.app = Some(Discovery {
                dir,
                how: format!("systemd unit {unit}"),
            });
            return found;
        }
    }
    for base in BASES {
        let mut holding: Vec<(String, &str)> = Vec::new();
        for marker in MARKERS {
            let globbed = source.glob(&format!("{base}/{marker}"));
            found.unread.extend(globbed.problem());
            for path in globbed.paths {
                if let Some(dir) = path.strip_suffix(&format!("/{marker}")) {
                    if !holding.iter().any(|(d, _)| d == dir) {
                        holding.push((dir.to_string(), marker));
                    }
                }
            }
        }
        holding.sort();
        if let Some((dir, marker)) = holding.into_iter().next() {
            found.app = Some(Discovery {
                dir,
                how: format!("{marker} under {base}"),
            });
            return found;
        }
    }
    found.unread.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Snapshot;

    #[test]
    fn a_service_running_the_app_names_its_working_directory() {
        let source = Snapshot::new()
            .with_file(
                "/etc/systemd/system/redis.service",
                "[Service]\nWorkingDirectory=/var/lib/redis\nExecStart=/usr/bin/redis-server\n",
            )
            .with_file(
                "/etc/systemd/system/shop.service",
                "[Service]\nWorkingDirectory=/srv/shop/\nExecStart=/srv/shop/venv/bin/gunicorn shop.wsgi\n",
            )
            .with_file("/opt/other/manage.py", "");
        let found = discover(&source);
        assert_eq!(
            found.app,
            Some(Discovery {
                dir: "/srv/shop".into(),
                how: "systemd unit shop.service".into()
            })
        );
    }

    #[test]
    fn python_itself_and_env_count_as_running_the_app() {
        for exec in [
            "/usr/bin/python3.11 -m app",
            "python manage.py runserver",
            "/usr/bin/env uvicorn main:app",
        ] {
            assert!(runs_python(exec), "{exec}");
        }
        for exec in ["/usr/bin/node server.js", "/usr/bin/pythonic", "/usr/bin/env node x"] {
            assert!(!runs_python(exec), "{exec}");
        }
    }

    #[test]
    fn without_a_service_the_first_folder_holding_a_project_is_the_app() {
        let source = Snapshot::new()
            .with_file("/var/www/site/requirements.txt", "flask\n")
            .with_file("/srv/b/pyproject.toml", "[project]\n")
            .with_file("/srv/a/manage.py", "")
            .with_file("/home/deploy/app/setup.py", "");
        assert_eq!(
            discover(&source).app,
            Some(Discovery {
                dir: "/srv/a".into(),
                how: "manage.py under /srv/*".into()
            })
        );
        let none = discover(&Snapshot::new().with_file("/etc/hostname", "web\n"));
        assert_eq!(none.app, None);
    }
}
