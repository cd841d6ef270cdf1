//! `auth.password-hashing`: passwords stored with a slow, salted hash. Fails on
//! hashlib's fast digests (md5, sha1, sha224, sha256, sha384, sha512, or
//! `hashlib.new` of one) applied to a value named password or passwd —
//! directly, or through `.update()` of a digest made in the same function —
//! and on Django's PASSWORD_HASHERS led by an unsalted or fast hasher. Passes
//! when bcrypt, argon2, passlib, werkzeug's generate_password_hash, Django's
//! hashers, scrypt or pbkdf2_hmac are used and nothing fails. Needs review when
//! the app handles no password.

use super::{app_files, assigned, at, code_of, in_order, quote, resolved, unless_gaps, NEEDS};
use crate::eval::{EvalContext, EvaluatorDef};
use crate::model::{Finding, Outcome};
use crate::parse::app::code::PyFile;
use crate::parse::python::{Call, Expr, ScopeKind, Target};

pub fn password_hashing() -> EvaluatorDef {
    EvaluatorDef {
        name: "auth.password-hashing",
        description: "fails when hashlib's fast digests are applied to a password; passes when bcrypt, argon2, passlib, werkzeug, Django's hashers, scrypt or pbkdf2_hmac hash them",
        params: &[],
        needs: NEEDS,
        run,
    }
}

const FAST: &[&str] = &["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

/// Django hashers that are fast or unsalted.
const WEAK_HASHERS: &[&str] = &[
    "MD5PasswordHasher",
    "UnsaltedMD5PasswordHasher",
    "SHA1PasswordHasher",
    "UnsaltedSHA1PasswordHasher",
    "CryptPasswordHasher",
];

fn names_a_password(expr: &Expr) -> Option<String> {
    expr.names().into_iter().find(|n| {
        let lower = n.to_ascii_lowercase();
        lower.contains("password") || lower.contains("passwd")
    })
}

/// The fast digest a call makes, if it is one: `hashlib.sha256(...)`,
/// `hashlib.new("md5", ...)`.
fn fast_digest(file: &PyFile, call: &Call) -> Option<String> {
    let full = resolved(file, call);
    let name = full.strip_prefix("hashlib.")?;
    if FAST.contains(&name) {
        return Some(name.to_string());
    }
    let algorithm = call
        .args
        .first()
        .or_else(|| call.kwarg("name"))?
        .as_str()?
        .to_ascii_lowercase();
    (name == "new" && FAST.contains(&algorithm.as_str())).then_some(algorithm)
}

/// Whether a call hashes passwords the slow way.
fn slow_hash(file: &PyFile, call: &Call) -> bool {
    let full = resolved(file, call);
    let imported = full != call.callee;
    // A user model's own `user.set_password(...)` (Django's), not a function
    // of the app's that happens to share the name.
    let model_method =
        !imported && call.callee.contains('.') && matches!(call.method(), "set_password" | "check_password");
    [
        "bcrypt.",
        "argon2.",
        "passlib.",
        "werkzeug.security.",
        "django.contrib.auth.",
    ]
    .iter()
    .any(|p| full.starts_with(p))
        || model_method
        || full == "hashlib.scrypt"
        || full == "hashlib.pbkdf2_hmac"
}

fn run(ctx: &EvalContext) -> Outcome {
    let code = match code_of(ctx) {
        Ok(code) => code,
        Err(outcome) => return outcome,
    };
    let (mut weak, mut strong): (Vec<Finding>, Vec<Finding>) = (Vec::new(), Vec::new());
    for file in app_files(&code) {
        let text = &file.text;
        for import in &file.module.imports {
            let path = import.path.as_str();
            let known = ["bcrypt", "argon2", "passlib", "django.contrib.auth.hashers"];
            if known.iter().any(|k| path == *k || path.starts_with(&format!("{k}."))) {
                strong.push(at(format!("{path} is imported"), &file.path, import.line));
            }
        }
        for scope in &file.module.scopes {
            for call in &scope.calls {
                let shown = || quote(text, call.span);
                if let Some(digest) = fast_digest(file, call) {
                    if let Some(name) = call.arguments().find_map(names_a_password) {
                        weak.push(at(
                            format!(
                                "{digest} hashes `{name}`: a fast digest, guessed by the billion per second: `{}`",
                                shown()
                            ),
                            &file.path,
                            call.span.line,
                        ));
                    }
                } else if call.method() == "update" {
                    // `h = hashlib.sha256(); h.update(password)`
                    let receiver = call.callee.rsplit_once('.').map(|(r, _)| r).unwrap_or("");
                    let digest = assigned(scope, receiver)
                        .into_iter()
                        .find_map(|a| a.value.as_call().and_then(|c| fast_digest(file, c)));
                    if let (Some(digest), Some(name)) = (digest, call.args.iter().find_map(names_a_password)) {
                        weak.push(at(
                            format!("{digest} hashes `{name}`: a fast digest: `{}`", shown()),
                            &file.path,
                            call.span.line,
                        ));
                    }
                } else if slow_hash(file, call) {
                    strong.push(at(
                        format!("passwords are hashed slowly: `{}`", shown()),
                        &file.path,
                        call.span.line,
                    ));
                }
            }
            if scope.kind != ScopeKind::Module {
                continue;
            }
            for assign in &scope.assigns {
                let Target::Name(name) = &assign.target else { continue };
                let Expr::Seq(items) = &assign.value else { continue };
                let first = items.first().and_then(Expr::as_str).unwrap_or("");
                if name == "PASSWORD_HASHERS" {
                    let hasher = first.rsplit('.').next().unwrap_or(first);
                    let finding = at(
                        format!("PASSWORD_HASHERS starts with {hasher}"),
                        &file.path,
                        assign.span.line,
                    );
                    if WEAK_HASHERS.contains(&hasher) {
                        weak.push(finding);
                    } else {
                        strong.push(finding);
                    }
                } else if name == "INSTALLED_APPS" && items.iter().any(|i| i.as_str() == Some("django.contrib.auth")) {
                    strong.push(at(
                        "django.contrib.auth is installed: Django hashes passwords with PBKDF2 unless PASSWORD_HASHERS says otherwise",
                        &file.path,
                        assign.span.line,
                    ));
                }
            }
        }
    }
    if !weak.is_empty() {
        return Outcome::fail(format!(
            "passwords are hashed with a fast digest in {}: a leaked table is cracked in hours",
            super::count(weak.len(), "place")
        ))
        .with_all(in_order(weak))
        .with_all(in_order(strong));
    }
    let mut strong = in_order(strong);
    strong.dedup_by(|a, b| a.location == b.location);
    if !strong.is_empty() {
        return unless_gaps(
            Outcome::pass("passwords are hashed with a slow, salted algorithm and no fast digest touches one")
                .with_all(strong),
            &code,
        );
    }
    Outcome::needs_review(
        "no password hashing was found in the app: the auditor confirms how (and whether) it stores passwords",
    )
}
