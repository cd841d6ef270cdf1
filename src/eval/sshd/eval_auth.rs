//! Evaluators for how users may authenticate: `ssh.password-auth`,
//! `ssh.kbd-interactive` and `ssh.empty-passwords`.

use super::report::{
    bad_value_summary, blocked, match_phrase, origin_phrase, setting_findings, view, with_config_problems,
};
use crate::eval::EvalContext;
use crate::model::{Finding, Outcome};
use crate::parse::sshd::settings::{Setting, View, KBD_INTERACTIVE, PASSWORD_AUTH, PERMIT_EMPTY, USE_PAM};

/// ssh.password-auth: effective PasswordAuthentication must be `no`.
pub fn password_auth(ctx: &EvalContext) -> Outcome {
    let view = view(ctx);
    with_config_problems(decide_password_auth(&view), &view)
}

fn decide_password_auth(view: &View) -> Outcome {
    let s = match view.setting(&PASSWORD_AUTH) {
        Ok(s) => s,
        Err(b) => return blocked(b),
    };
    let outcome = if s.value == "yes" {
        Outcome::fail(bad_value_summary(&s, "no", "password logins are accepted"))
    } else {
        must_stay_no(&s, "password logins are allowed for matching connections")
    };
    outcome.with_all(setting_findings(&s))
}

/// A global `no`: warn when a Match block turns it back on, needs_review when
/// Match blocks could not be read, pass otherwise.
fn must_stay_no(s: &Setting, consequence: &str) -> Outcome {
    if let Some(line) = s.match_lines_not("no").first() {
        return Outcome::warn(format!(
            "{} no globally ({}), but {}: {consequence}",
            s.spelled,
            origin_phrase(s),
            match_phrase(line)
        ));
    }
    if let Some(reason) = &s.match_unknown {
        return Outcome::needs_review(format!(
            "{} no per sshd -T, but Match blocks could not be checked: {reason}",
            s.keyword.name
        ));
    }
    Outcome::pass(format!("{} no ({})", s.spelled, origin_phrase(s)))
}

/// ssh.kbd-interactive: pass `no`; fail `yes` with UsePAM yes; warn `yes` with UsePAM no.
pub fn kbd_interactive(ctx: &EvalContext) -> Outcome {
    let view = view(ctx);
    with_config_problems(decide_kbd_interactive(&view), &view)
}

fn decide_kbd_interactive(view: &View) -> Outcome {
    let (kbd, pam) = match (view.setting(&KBD_INTERACTIVE), view.setting(&USE_PAM)) {
        (Ok(kbd), Ok(pam)) => (kbd, pam),
        (Err(b), _) | (_, Err(b)) => return blocked(b),
    };
    let outcome = if kbd.value == "no" {
        must_stay_no(
            &kbd,
            "keyboard-interactive (PAM) logins are allowed for matching connections",
        )
    } else if pam.value == "yes" {
        let consequence = format!(
            "with UsePAM yes ({}) PAM can prompt for a password",
            origin_phrase(&pam)
        );
        Outcome::fail(bad_value_summary(&kbd, "no", &consequence))
    } else {
        Outcome::warn(format!(
            "{} {} ({}) but UsePAM {} ({}): no PAM password prompt today; set `{} no` before PAM is enabled",
            kbd.spelled,
            kbd.value,
            origin_phrase(&kbd),
            pam.value,
            origin_phrase(&pam),
            KBD_INTERACTIVE.name
        ))
    };
    outcome
        .with_all(setting_findings(&kbd))
        .with_all(setting_findings(&pam))
}

/// ssh.empty-passwords: fail on effective PermitEmptyPasswords `yes`, pass otherwise.
pub fn empty_passwords(ctx: &EvalContext) -> Outcome {
    let view = view(ctx);
    with_config_problems(decide_empty_passwords(&view), &view)
}

fn decide_empty_passwords(view: &View) -> Outcome {
    let s = match view.setting(&PERMIT_EMPTY) {
        Ok(s) => s,
        Err(b) => return blocked(b),
    };
    let outcome = if s.value == "yes" {
        Outcome::fail(bad_value_summary(
            &s,
            "no",
            "accounts with an empty password can log in",
        ))
    } else {
        Outcome::pass(format!(
            "{} {} ({}): accounts with an empty password cannot log in",
            s.spelled,
            s.value,
            origin_phrase(&s)
        ))
    };
    let notes = s.match_lines_not("no").into_iter().map(|d| {
        Finding::at(
            format!(
                "{}: empty passwords accepted for connections it matches",
                match_phrase(d)
            ),
            d.at.clone(),
        )
    });
    let notes: Vec<Finding> = notes.collect();
    outcome.with_all(setting_findings(&s)).with_all(notes)
}
