//! The app's logging, read from its code:
//! - `logging.configured`: rotated handlers, dictConfig/fileConfig (Django's
//!   `LOGGING` setting is one), or a stream under systemd pass; a plain
//!   FileHandler / basicConfig(filename=...) that no logrotate entry covers
//!   warns; no configuration at all fails;
//! - `logging.auth-events`: a function whose name or route says login, signin,
//!   auth or token calls a logger;
//! - `logging.no-sensitive-data`: no logging or print call interpolates a name
//!   matching password|passwd|secret|token|api_key.

mod auth;
mod configured;
mod sensitive;

use crate::eval::EvaluatorDef;
use crate::model::ProbeType;
use crate::parse::app::code::PyFile;
use crate::parse::python::{Call, Expr};

pub use auth::says_authentication;

pub fn configured() -> EvaluatorDef {
    EvaluatorDef {
        name: "logging.configured",
        description: "passes when the app configures rotated log files, dictConfig/fileConfig, or a stream under systemd (or logrotate covers its file); warns on a plain log file; fails with no logging configuration",
        params: &[],
        needs: &[ProbeType::AppCode, ProbeType::Files],
        run: configured::run,
    }
}

pub fn auth_events() -> EvaluatorDef {
    EvaluatorDef {
        name: "logging.auth-events",
        description: "passes when a function named or routed for login, signin, auth or token calls a logger; fails when such functions exist and none does",
        params: &[],
        needs: super::NEEDS,
        run: auth::run,
    }
}

pub fn no_sensitive_data() -> EvaluatorDef {
    EvaluatorDef {
        name: "logging.no-sensitive-data",
        description: "fails when a logging or print call interpolates or concatenates a name matching password, passwd, secret, token or api_key",
        params: &[],
        needs: super::NEEDS,
        run: sensitive::run,
    }
}

const LEVELS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
];

/// A call to a logger: a level method of `logging`, structlog or loguru, or of
/// something named like a logger (`log`, `logger`, `app.logger`, `self._log`).
pub fn is_log_call(file: &PyFile, call: &Call) -> bool {
    if !LEVELS.contains(&call.method()) {
        return false;
    }
    // `logging.getLogger(__name__).info(...)`
    let from_get_logger = call
        .receiver
        .as_deref()
        .and_then(Expr::as_call)
        .is_some_and(|r| matches!(r.method(), "getLogger" | "get_logger"));
    if from_get_logger {
        return true;
    }
    let full = super::resolved(file, call);
    let receiver = call.callee.rsplit_once('.').map_or("", |(r, _)| r);
    let last = receiver.rsplit('.').next().unwrap_or(receiver).to_ascii_lowercase();
    ["logging.", "structlog.", "loguru."]
        .iter()
        .any(|p| full.starts_with(p))
        || last.contains("log")
}
