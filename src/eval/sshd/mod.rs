//! The `ssh.*` evaluators: sshd's effective settings (read by `parse::sshd` with
//! sshd's own semantics) and the authorized keys judged against each control.

mod eval_access;
mod eval_auth;
mod eval_keys;
mod report;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_controls;
#[cfg(test)]
mod tests_fixtures;
#[cfg(test)]
mod tests_keys;

use super::EvaluatorDef;
use crate::model::ProbeType;
use report::CONFIG_PARAMS;

const NEEDS_CONFIG: &[ProbeType] = &[ProbeType::SshdConfig];

pub fn evaluators() -> Vec<EvaluatorDef> {
    vec![
        EvaluatorDef {
            name: "ssh.password-auth",
            description: "effective global PasswordAuthentication is `no` (warn if a Match block sets yes)",
            params: &CONFIG_PARAMS,
            needs: NEEDS_CONFIG,
            run: eval_auth::password_auth,
        },
        EvaluatorDef {
            name: "ssh.kbd-interactive",
            description: "KbdInteractiveAuthentication is `no` (fail with UsePAM yes, warn with UsePAM no)",
            params: &CONFIG_PARAMS,
            needs: NEEDS_CONFIG,
            run: eval_auth::kbd_interactive,
        },
        EvaluatorDef {
            name: "ssh.root-login",
            description: "effective PermitRootLogin is `no` (warn if a Match block lets root in)",
            params: &CONFIG_PARAMS,
            needs: NEEDS_CONFIG,
            run: eval_access::root_login,
        },
        EvaluatorDef {
            name: "ssh.allow-users",
            description: "a global AllowUsers or AllowGroups limits who may log in",
            params: &CONFIG_PARAMS,
            needs: NEEDS_CONFIG,
            run: eval_access::allow_users,
        },
        EvaluatorDef {
            name: "ssh.empty-passwords",
            description: "effective PermitEmptyPasswords is not `yes`",
            params: &CONFIG_PARAMS,
            needs: NEEDS_CONFIG,
            run: eval_auth::empty_passwords,
        },
        EvaluatorDef {
            name: "ssh.authorized-keys",
            description: "every authorized key is ed25519, ecdsa, sk-* or RSA >= 3072 (fail on DSA or RSA < 2048)",
            params: &[],
            needs: &[ProbeType::AuthorizedKeys],
            run: eval_keys::authorized_keys,
        },
    ]
}
