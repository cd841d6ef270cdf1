//! The app's data handling, read from its code and configuration:
//! - `data.db-tls`: database URLs (in Python literals, configuration files and
//!   .env.example) and connect arguments (`sslmode=`, `ssl=`, Django's
//!   `DATABASES` OPTIONS) asking for TLS pass; a database only on localhost or
//!   a unix socket is not applicable; anything else is the auditor's to review;
//! - `data.input-validation`: pydantic, marshmallow, WTForms/Flask-WTF, Django
//!   forms or serializers, cerberus or voluptuous used for request data.

use super::{app_files, at, code_of, in_order, resolved};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Outcome};
use crate::parse::app::code::PyFile;
use crate::parse::python::{Call, Expr};

pub fn db_tls() -> EvaluatorDef {
    EvaluatorDef {
        name: "data.db-tls",
        description: "passes when the app's database URLs or connect arguments ask for TLS (sslmode=require|verify-ca|verify-full, ssl options); not applicable when the database is local",
        params: &[],
        needs: super::NEEDS,
        run: run_db_tls,
    }
}

pub fn input_validation() -> EvaluatorDef {
    EvaluatorDef {
        name: "data.input-validation",
        description: "passes when the app validates request data with pydantic, marshmallow, WTForms, Django forms or serializers, cerberus or voluptuous",
        params: &[],
        needs: super::NEEDS,
        run: run_input_validation,
    }
}

// ───────────────────────────── data.db-tls ─────────────────────────────

/// What one place says about a database connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Tls,
    Local,
    /// A remote host, TLS not asked for.
    Clear,
}

const SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "mongodb+srv",
    "cockroachdb",
    "mssql",
];

/// The database URLs in a text, each judged.
fn urls_in(text: &str) -> Vec<(Endpoint, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let before = &rest[..at];
        let scheme_start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '.' || c == '-'))
            .map_or(0, |i| i + 1);
        let scheme = before[scheme_start..].to_ascii_lowercase();
        let base = scheme.split('+').next().unwrap_or("");
        let after = &rest[at + 3..];
        let end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ')' | ','))
            .unwrap_or(after.len());
        let url = &after[..end];
        rest = &after[end..];
        if scheme == "sqlite" || base == "sqlite" {
            out.push((Endpoint::Local, format!("{scheme}://{url}")));
            continue;
        }
        if !SCHEMES.contains(&scheme.as_str()) && !SCHEMES.contains(&base) {
            continue;
        }
        out.push((judge_url(&scheme, url), format!("{scheme}://{url}")));
    }
    out
}

fn judge_url(scheme: &str, url: &str) -> Endpoint {
    let (address, query) = url.split_once('?').unwrap_or((url, ""));
    let authority = address.split('/').next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host_port
        .strip_prefix('[')
        .and_then(|h| h.split_once(']'))
        .map_or_else(|| host_port.split(':').next().unwrap_or(""), |(h, _)| h);
    let params: Vec<(String, String)> = query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_ascii_lowercase()))
        .collect();
    if params.iter().any(|(k, v)| asks_tls(k, v)) || scheme == "mongodb+srv" {
        return Endpoint::Tls;
    }
    let socket_host = params.iter().any(|(k, v)| k == "host" && v.starts_with('/'));
    if is_local(host) || socket_host || host.starts_with('%') {
        Endpoint::Local
    } else {
        Endpoint::Clear
    }
}

fn is_local(host: &str) -> bool {
    host.is_empty() || matches!(host, "localhost" | "127.0.0.1" | "::1") || host.starts_with('/')
}

/// A connection option that asks for TLS.
fn asks_tls(key: &str, value: &str) -> bool {
    let value = value.trim_matches(|c| c == '"' || c == '\'');
    match key {
        "sslmode" | "ssl_mode" | "ssl-mode" => matches!(
            value,
            "require" | "verify-ca" | "verify-full" | "required" | "verify_ca" | "verify_identity"
        ),
        "ssl" | "tls" | "use_ssl" => matches!(value, "true" | "1" | "yes" | "require" | "required"),
        "ssl_ca" | "sslrootcert" | "tlscafile" | "ssl_cert" | "sslcert" | "ssl_context" => !value.is_empty(),
        _ => false,
    }
}

/// What the connect arguments of a call say.
fn in_call(file: &PyFile, call: &Call) -> Option<Endpoint> {
    let mut tls = false;
    for (key, value) in &call.kwargs {
        let key = key.to_ascii_lowercase();
        match value {
            Expr::Str(v) if asks_tls(&key, &v.to_ascii_lowercase()) => tls = true,
            Expr::Bool(true) if asks_tls(&key, "true") => tls = true,
            Expr::Name(_) | Expr::Call(_) if matches!(key.as_str(), "ssl" | "ssl_context" | "tls") => tls = true,
            Expr::Dict(entries) if matches!(key.as_str(), "connect_args" | "ssl" | "options") => {
                tls |= !entries.is_empty() && key == "ssl"
                    || entries.iter().any(|(k, v)| {
                        k.as_deref().is_some_and(|k| {
                            asks_tls(
                                &k.to_ascii_lowercase(),
                                v.as_str().unwrap_or(if *v == Expr::Bool(true) { "true" } else { "" }),
                            )
                        })
                    });
            }
            _ => {}
        }
    }
    if tls {
        return Some(Endpoint::Tls);
    }
    let connects = matches!(
        call.method(),
        "connect" | "create_engine" | "create_async_engine" | "create_pool" | "MongoClient"
    );
    let host = call.kwarg("host").and_then(Expr::as_str)?;
    (connects || resolved(file, call).contains("connect")).then(|| {
        if is_local(host) {
            Endpoint::Local
        } else {
            Endpoint::Clear
        }
    })
}

/// Django's `DATABASES = {"default": {"HOST": ..., "OPTIONS": {"sslmode": ...}}}`.
fn in_django(value: &Expr, found: &mut Vec<Endpoint>) {
    let Expr::Dict(aliases) = value else { return };
    for (_, database) in aliases {
        let Expr::Dict(settings) = database else { continue };
        let get = |name: &str| {
            settings
                .iter()
                .find(|(k, _)| k.as_deref() == Some(name))
                .map(|(_, v)| v)
        };
        let engine = get("ENGINE").and_then(Expr::as_str).unwrap_or("");
        if engine.contains("sqlite") {
            found.push(Endpoint::Local);
            continue;
        }
        let tls = matches!(get("OPTIONS"), Some(Expr::Dict(options)) if options.iter().any(|(k, v)| {
            k.as_deref().is_some_and(|k| asks_tls(&k.to_ascii_lowercase(), &v.as_str().unwrap_or(if *v == Expr::Bool(true) { "true" } else { "" }).to_ascii_lowercase()))
        }));
        match (tls, get("HOST").and_then(Expr::as_str)) {
            (true, _) => found.push(Endpoint::Tls),
            (false, Some(host)) if is_local(host) => found.push(Endpoint::Local),
            (false, Some(_)) => found.push(Endpoint::Clear),
            (false, None) => {}
        }
    }
}

fn run_db_tls(ctx: &EvalContext) -> Outcome {
    let code = match code_of(ctx) {
        Ok(code) => code,
        Err(outcome) => return outcome,
    };
    let mut seen: Vec<(Endpoint, Finding)> = Vec::new();
    let describe = |e: Endpoint| match e {
        Endpoint::Tls => "asks for TLS",
        Endpoint::Local => "is local (localhost or a unix socket)",
        Endpoint::Clear => "is a remote database with no TLS asked for",
    };
    for file in app_files(&code) {
        // A URL handed to a call whose own arguments ask for TLS
        // (`create_engine(url, connect_args={"sslmode": "require"})`) has it.
        let mut tls_calls: Vec<(usize, usize)> = file
            .module
            .scopes
            .iter()
            .flat_map(|s| &s.calls)
            .filter(|c| in_call(file, c) == Some(Endpoint::Tls))
            .map(|c| (c.span.start, c.span.end))
            .collect();
        tls_calls.sort_unstable();
        for literal in &file.module.literals {
            let text = file.text.get(literal.start..literal.end).unwrap_or("");
            // The nearest call starting before the literal (the calls are sorted).
            let nearest = tls_calls.partition_point(|(start, _)| *start <= literal.start);
            let in_tls_call = nearest > 0 && literal.end <= tls_calls[nearest - 1].1;
            for (endpoint, url) in urls_in(text) {
                let endpoint = if in_tls_call { Endpoint::Tls } else { endpoint };
                seen.push((
                    endpoint,
                    at(format!("{url} {}", describe(endpoint)), &file.path, literal.line),
                ));
            }
        }
        for scope in &file.module.scopes {
            for call in &scope.calls {
                if let Some(endpoint) = in_call(file, call) {
                    let shown = super::quote(&file.text, call.span);
                    seen.push((
                        endpoint,
                        at(format!("`{shown}` {}", describe(endpoint)), &file.path, call.span.line),
                    ));
                }
            }
            for assign in &scope.assigns {
                if assign.target.last_name() == Some("DATABASES") {
                    let mut found = Vec::new();
                    in_django(&assign.value, &mut found);
                    for endpoint in found {
                        seen.push((
                            endpoint,
                            at(
                                format!("DATABASES {}", describe(endpoint)),
                                &file.path,
                                assign.span.line,
                            ),
                        ));
                    }
                }
            }
        }
    }
    for config in &code.configs {
        for (n, line) in config.text.lines().enumerate() {
            let line_number = u32::try_from(n + 1).unwrap_or(u32::MAX);
            for (endpoint, url) in urls_in(line) {
                seen.push((
                    endpoint,
                    at(format!("{url} {}", describe(endpoint)), &config.path, line_number),
                ));
            }
        }
    }
    let (tls, rest): (Vec<_>, Vec<_>) = seen.into_iter().partition(|(e, _)| *e == Endpoint::Tls);
    let (local, clear): (Vec<_>, Vec<_>) = rest.into_iter().partition(|(e, _)| *e == Endpoint::Local);
    let findings = |items: Vec<(Endpoint, Finding)>| in_order(items.into_iter().map(|(_, f)| f).collect());
    match (tls.is_empty(), clear.is_empty(), local.is_empty()) {
        (false, true, _) => Outcome::pass("the app's database connections ask for TLS").with_all(findings(tls)),
        (_, false, _) => Outcome::needs_review(
            "a remote database is named with no TLS asked for in the app's configuration: the auditor confirms the connection is encrypted (the server may require it)",
        )
        .with_all(findings(clear))
        .with_all(findings(tls)),
        (true, true, false) => Outcome::not_applicable("the app's database is on this host (localhost or a unix socket)")
            .with_all(findings(local)),
        (true, true, true) => Outcome::needs_review(
            "no database URL or connect argument was found in the app's code, configuration or .env.example (it may come from the environment): the auditor confirms how it connects",
        ),
    }
}

// ───────────────────────────── data.input-validation ─────────────────────────────

/// The bases a validating class derives from, as their modules name them.
const SCHEMA_BASES: &[&str] = &[
    "pydantic.BaseModel",
    "pydantic.main.BaseModel",
    "sqlmodel.SQLModel",
    "marshmallow.Schema",
    "wtforms.Form",
    "flask_wtf.FlaskForm",
    "flask_wtf.Form",
    "django.forms.Form",
    "django.forms.ModelForm",
    "django.forms.forms.Form",
    "django.forms.models.ModelForm",
    "rest_framework.serializers.Serializer",
    "rest_framework.serializers.ModelSerializer",
    "rest_framework.serializers.HyperlinkedModelSerializer",
];

fn run_input_validation(ctx: &EvalContext) -> Outcome {
    let code = match code_of(ctx) {
        Ok(code) => code,
        Err(outcome) => return outcome,
    };
    let mut found = Vec::new();
    for file in app_files(&code) {
        for scope in &file.module.scopes {
            for base in &scope.bases {
                let full = file.module.resolve(base);
                if SCHEMA_BASES.contains(&full.as_str()) {
                    found.push(at(
                        format!("class {} validates data ({full})", scope.name),
                        &file.path,
                        scope.span.line,
                    ));
                }
            }
            for call in &scope.calls {
                let full = resolved(file, call);
                if matches!(full.as_str(), "cerberus.Validator" | "voluptuous.Schema") {
                    found.push(at(format!("{full} validates data"), &file.path, call.span.line));
                }
            }
        }
    }
    if found.is_empty() {
        return Outcome::needs_review(
            "no schema library (pydantic, marshmallow, WTForms, Django forms or serializers, cerberus, voluptuous) validates data in the app's code: the auditor confirms how request data is checked",
        );
    }
    Outcome::pass(format!(
        "request data is validated with a schema library ({})",
        super::count(found.len(), "schema")
    ))
    .with_all(in_order(found))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_are_judged_by_host_and_options() {
        let judged = |text: &str| urls_in(text).into_iter().map(|(e, _)| e).collect::<Vec<_>>();
        assert_eq!(
            judged("postgresql://u:p@db.example:5432/app?sslmode=require"),
            [Endpoint::Tls]
        );
        assert_eq!(judged("postgres://u@db.example/app"), [Endpoint::Clear]);
        assert_eq!(judged("postgresql+psycopg2://u:p@localhost/app"), [Endpoint::Local]);
        assert_eq!(judged("postgresql:///app?host=/var/run/postgresql"), [Endpoint::Local]);
        assert_eq!(
            judged("mysql+pymysql://u:p@db.example/app?ssl_ca=/etc/ca.pem"),
            [Endpoint::Tls]
        );
        assert_eq!(judged("mongodb+srv://u:p@cluster0.example.net/db"), [Endpoint::Tls]);
        assert_eq!(judged("sqlite:///app.db"), [Endpoint::Local]);
        assert_eq!(judged("https://example.com redis://cache:6379"), []);
    }
}
