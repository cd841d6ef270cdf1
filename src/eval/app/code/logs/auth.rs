//! `logging.auth-events`: a function whose name or route says login, signin,
//! auth or token calls a logger.

use super::super::{app_files, at, code_of, count, in_order, quote};
use super::is_log_call;
use crate::eval::EvalContext;
use crate::model::Outcome;
use crate::parse::python::Expr;

/// Whether a name or route says authentication: login, signin, auth or token
/// as words (`log_in`, `sign_in`, `authenticate`, `/api/token`; not `author`).
pub fn says_authentication(name: &str) -> bool {
    let words = words(name);
    words.iter().enumerate().any(|(i, w)| {
        let next = words.get(i + 1).map(String::as_str);
        matches!(
            w.as_str(),
            "login"
                | "logon"
                | "signin"
                | "auth"
                | "authenticate"
                | "authentication"
                | "oauth"
                | "oauth2"
                | "token"
                | "tokens"
                | "jwt"
        ) || (matches!(w.as_str(), "log" | "sign") && next == Some("in"))
    })
}

fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut lower_before = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            lower_before = false;
            continue;
        }
        if c.is_ascii_uppercase() && lower_before {
            out.push(std::mem::take(&mut word));
        }
        lower_before = c.is_ascii_lowercase();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The route a decorator gives a function (`@app.post("/token")`), if any.
fn route_of(decorator: &Expr) -> Option<&str> {
    let call = decorator.as_call()?;
    let routes = [
        "route",
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "api_route",
        "websocket",
    ];
    routes
        .contains(&call.method())
        .then(|| call.args.first().and_then(Expr::as_str))?
}

pub fn run(ctx: &EvalContext) -> Outcome {
    let code = match code_of(ctx) {
        Ok(code) => code,
        Err(outcome) => return outcome,
    };
    let (mut logging, mut silent) = (Vec::new(), Vec::new());
    for file in app_files(&code) {
        for function in file.module.functions() {
            let route = function.decorators.iter().find_map(route_of);
            if !says_authentication(&function.name) && !route.is_some_and(says_authentication) {
                continue;
            }
            let named = match route {
                Some(route) => format!("{} ({route})", function.name),
                None => function.name.clone(),
            };
            match function.calls.iter().find(|c| is_log_call(file, c)) {
                Some(call) => logging.push(at(
                    format!("{named} logs: `{}`", quote(&file.text, call.span)),
                    &file.path,
                    call.span.line,
                )),
                None => silent.push(at(
                    format!("{named} handles authentication and logs nothing"),
                    &file.path,
                    function.span.line,
                )),
            }
        }
    }
    if !logging.is_empty() {
        return Outcome::pass(format!(
            "{} of the app's authentication code log{}",
            count(logging.len(), "function"),
            if logging.len() == 1 { "s" } else { "" }
        ))
        .with_all(in_order(logging))
        .with_all(in_order(silent));
    }
    if !silent.is_empty() {
        return Outcome::fail(format!(
            "none of the app's {} handling authentication logs: failed sign-ins, password guessing and token abuse leave no trace",
            count(silent.len(), "function")
        ))
        .with_all(in_order(silent));
    }
    let outcome = Outcome::needs_review(
        "no function named or routed for login, signin, auth or token was found in the app: the auditor confirms where sign-ins are handled and logged",
    );
    outcome.with_all(crate::eval::app::problems(
        code.gaps().iter().filter(|(at, _)| !at.is_empty()),
    ))
}

#[cfg(test)]
mod tests {
    use super::says_authentication;

    #[test]
    fn authentication_is_known_by_its_words() {
        for yes in [
            "login",
            "login_view",
            "signIn",
            "sign_in",
            "log_in",
            "authenticate_user",
            "/api/token",
            "/auth/callback",
            "refresh_tokens",
            "LoginView",
        ] {
            assert!(says_authentication(yes), "{yes}");
        }
        for no in [
            "author_detail",
            "authors",
            "logout",
            "catalog",
            "tokenize_text",
            "signal",
        ] {
            assert!(!says_authentication(no), "{no}");
        }
    }
}
