//! What a parsed sudoers policy grants: User_Alias and Cmnd_Alias expanded,
//! `NOPASSWD`/`PASSWD` tags and `Defaults !authenticate` (global or per user) applied,
//! so each user specification becomes a `Grant` saying who may run what and who of
//! them may run everything without a password.

use super::sudoers_syntax::{AliasKind, CmndSpec, DefaultsScope, Entry, UserSpec};
use crate::model::Location;
use std::collections::HashMap;

/// Alias expansion stops at this depth (sudo rejects alias cycles).
const MAX_ALIAS_DEPTH: usize = 32;

/// One user specification, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The user list as written, e.g. `deploy`, `%sudo`, `ADMINS`.
    pub users: String,
    /// The user list with User_Aliases expanded and negated entries dropped.
    pub principals: Vec<String>,
    /// Whether the user list names a User_Alias.
    pub via_alias: bool,
    /// What may be run, e.g. `(ALL:ALL) ALL` or `(root) NOPASSWD: /usr/bin/systemctl`.
    pub commands: String,
    /// Principals other than root that may run ALL without a password.
    pub nopasswd_all: Vec<String>,
    pub location: Location,
}

/// Is this sudoers principal root (by name or uid)?
pub fn is_root(principal: &str) -> bool {
    principal == "root" || principal == "#0"
}

/// Resolve every user specification of a policy.
pub fn grants(entries: &[Entry]) -> Vec<Grant> {
    let policy = Policy::new(entries);
    entries
        .iter()
        .filter_map(|entry| match entry {
            Entry::Spec(spec) => Some(policy.grant(spec)),
            _ => None,
        })
        .collect()
}

struct Policy<'a> {
    aliases: HashMap<(AliasKind, &'a str), &'a [String]>,
    /// `authenticate` set (true) or cleared (false) by a global Defaults line.
    global_auth: Option<bool>,
    /// The same, per user (aliases expanded), applied after the global value.
    user_auth: HashMap<String, bool>,
}

impl<'a> Policy<'a> {
    fn new(entries: &'a [Entry]) -> Self {
        let mut policy = Policy {
            aliases: HashMap::new(),
            global_auth: None,
            user_auth: HashMap::new(),
        };
        for entry in entries {
            if let Entry::Alias(alias) = entry {
                policy.aliases.insert((alias.kind, alias.name.as_str()), &alias.members);
            }
        }
        for entry in entries {
            if let Entry::Defaults(defaults) = entry {
                let Some(value) = authenticate_setting(&defaults.settings) else {
                    continue;
                };
                match &defaults.scope {
                    DefaultsScope::Global => policy.global_auth = Some(value),
                    DefaultsScope::User(users) => {
                        for user in policy.expand(AliasKind::User, users) {
                            policy.user_auth.insert(user, value);
                        }
                    }
                    _ => {}
                }
            }
        }
        policy
    }

    /// Members of a list with aliases of `kind` expanded; negated members are dropped.
    fn expand(&self, kind: AliasKind, items: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        self.expand_into(kind, items, 0, &mut out);
        out
    }

    fn expand_into(&self, kind: AliasKind, items: &[String], depth: usize, out: &mut Vec<String>) {
        for item in items {
            if item.starts_with('!') {
                continue;
            }
            match self.aliases.get(&(kind, item.as_str())) {
                Some(members) if depth < MAX_ALIAS_DEPTH => self.expand_into(kind, members, depth + 1, out),
                Some(_) => {}
                None if !out.contains(item) => out.push(item.clone()),
                None => {}
            }
        }
    }

    /// Does this command (`ALL` or a Cmnd_Alias reaching `ALL`) allow everything?
    fn allows_all(&self, command: &str) -> bool {
        !command.starts_with('!')
            && self
                .expand(AliasKind::Cmnd, &[command.to_string()])
                .iter()
                .any(|c| c == "ALL")
    }

    fn needs_password(&self, principal: &str, cmnd: &CmndSpec) -> bool {
        match cmnd.tags.nopasswd {
            Some(nopasswd) => !nopasswd,
            None => self
                .user_auth
                .get(principal)
                .or(self.global_auth.as_ref())
                .copied()
                .unwrap_or(true),
        }
    }

    fn grant(&self, spec: &UserSpec) -> Grant {
        let principals = self.expand(AliasKind::User, &spec.users);
        let cmnds: Vec<&CmndSpec> = spec.privileges.iter().flat_map(|p| &p.cmnds).collect();
        let nopasswd_all = principals
            .iter()
            .filter(|who| !is_root(who))
            .filter(|who| {
                cmnds
                    .iter()
                    .any(|c| self.allows_all(&c.command) && !self.needs_password(who, c))
            })
            .cloned()
            .collect();
        let via_alias = spec
            .users
            .iter()
            .any(|u| self.aliases.contains_key(&(AliasKind::User, u.as_str())));
        Grant {
            users: spec.users.join(", "),
            principals,
            via_alias,
            commands: cmnds.iter().map(|c| self.describe(c)).collect::<Vec<_>>().join(", "),
            nopasswd_all,
            location: spec.location.clone(),
        }
    }
}

/// The last `authenticate` / `!authenticate` among one Defaults line's settings.
fn authenticate_setting(settings: &[String]) -> Option<bool> {
    settings.iter().rev().find_map(|s| match s.as_str() {
        "authenticate" => Some(true),
        "!authenticate" => Some(false),
        _ => None,
    })
}

impl Policy<'_> {
    /// `(runas) NOPASSWD: command`; a Cmnd_Alias is followed by its expansion in brackets.
    fn describe(&self, cmnd: &CmndSpec) -> String {
        let runas = cmnd.runas.as_ref().map(|r| format!("({r}) ")).unwrap_or_default();
        let tag = if cmnd.tags.nopasswd == Some(true) {
            "NOPASSWD: "
        } else {
            ""
        };
        let command = &cmnd.command;
        let expansion = if self.aliases.contains_key(&(AliasKind::Cmnd, command.as_str())) {
            format!(
                " [{}]",
                self.expand(AliasKind::Cmnd, std::slice::from_ref(command)).join(", ")
            )
        } else {
            String::new()
        };
        format!("{runas}{tag}{command}{expansion}")
    }
}
