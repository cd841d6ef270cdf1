//! What a parsed sudoers policy grants: User_Alias and Cmnd_Alias expanded,
//! `NOPASSWD`/`PASSWD` tags and `Defaults !authenticate` (global or per user) applied,
//! so each user specification becomes a `Grant` saying who may run what and who of
//! them may run everything without a password. sudo follows alias chains to any
//! depth, so expansion does too (each alias once per expansion, without recursion);
//! alias cycles, which sudo's checks reject, are reported by `alias_cycles`.

use super::syntax::{Alias, AliasKind, CmndSpec, DefaultsScope, Entry, UserSpec};
use crate::model::Location;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

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

/// Alias name (by kind) → the leaves it reaches.
type Expansions = RefCell<HashMap<(AliasKind, String), Rc<Vec<String>>>>;

struct Policy<'a> {
    aliases: HashMap<(AliasKind, &'a str), &'a [String]>,
    /// `authenticate` set (true) or cleared (false) by a global Defaults line.
    global_auth: Option<bool>,
    /// The same, per user (aliases expanded), applied after the global value.
    user_auth: HashMap<String, bool>,
    /// The same, per run-as target (`Defaults>root`), applied after user defaults,
    /// as sudo applies runas Defaults after generic, host and user ones.
    runas_auth: HashMap<String, bool>,
    /// Each alias expanded once: rules that name the same alias reuse it, so a long
    /// alias chain used by thousands of rules costs its length once, not per rule.
    expanded: Expansions,
}

impl<'a> Policy<'a> {
    fn new(entries: &'a [Entry]) -> Self {
        let mut policy = Policy {
            aliases: HashMap::new(),
            global_auth: None,
            user_auth: HashMap::new(),
            runas_auth: HashMap::new(),
            expanded: RefCell::new(HashMap::new()),
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
                    DefaultsScope::Runas(targets) => {
                        for target in policy.expand(AliasKind::Runas, targets) {
                            policy.runas_auth.insert(target, value);
                        }
                    }
                    _ => {}
                }
            }
        }
        policy
    }

    /// Members of a list with aliases of `kind` expanded, in order and each once;
    /// negated members are dropped.
    fn expand(&self, kind: AliasKind, items: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for item in items.iter().map(String::as_str).filter(|i| !i.starts_with('!')) {
            let Some(&members) = self.aliases.get(&(kind, item)) else {
                if seen.insert(item.to_string()) {
                    out.push(item.to_string());
                }
                continue;
            };
            let key = (kind, item.to_string());
            let cached = self.expanded.borrow().get(&key).cloned();
            let leaves = cached.unwrap_or_else(|| {
                let leaves = Rc::new(self.expand_walk(kind, members));
                self.expanded.borrow_mut().insert(key, leaves.clone());
                leaves
            });
            out.extend(leaves.iter().filter(|leaf| seen.insert((*leaf).clone())).cloned());
        }
        out
    }

    /// The leaves reached from `items`. An alias met again (a diamond or a cycle)
    /// adds nothing new, so this ends on any input and costs the size of the aliases.
    fn expand_walk(&self, kind: AliasKind, items: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        let mut leaves: HashSet<&str> = HashSet::new();
        let mut expanded: HashSet<&str> = HashSet::new();
        let mut pending: Vec<&str> = items.iter().rev().map(String::as_str).collect();
        while let Some(item) = pending.pop() {
            if item.starts_with('!') {
                continue;
            }
            match self.aliases.get(&(kind, item)) {
                Some(members) => {
                    if expanded.insert(item) {
                        pending.extend(members.iter().rev().map(String::as_str));
                    }
                }
                None => {
                    if leaves.insert(item) {
                        out.push(item.to_string());
                    }
                }
            }
        }
        out
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
                .runas_setting(cmnd)
                .or_else(|| self.user_auth.get(principal).copied())
                .or(self.global_auth)
                .unwrap_or(true),
        }
    }

    /// A `Defaults>TARGET` authenticate setting for a target this spec may run as
    /// (no Runas list means root; `ALL` includes root).
    fn runas_setting(&self, cmnd: &CmndSpec) -> Option<bool> {
        let users = cmnd
            .runas
            .as_deref()
            .map_or("root", |r| r.split(':').next().unwrap_or(""));
        let targets: Vec<String> = users
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        let targets = if targets.is_empty() {
            vec!["root".to_string()]
        } else {
            targets
        };
        self.expand(AliasKind::Runas, &targets).iter().find_map(|target| {
            let target = if target == "ALL" { "root" } else { target.as_str() };
            self.runas_auth.get(target).copied()
        })
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

/// An alias that reaches itself through its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasCycle {
    pub kind: AliasKind,
    /// The aliases around the cycle, the first repeated at the end: `A0, A1, A0`.
    pub path: Vec<String>,
    /// Where the first alias of the path is defined.
    pub location: Location,
}

impl AliasCycle {
    /// `User_Alias A0 refers back to itself (A0 -> A1 -> A0); visudo rejects ...`.
    pub fn describe(&self) -> String {
        let kind = match self.kind {
            AliasKind::User => "User_Alias",
            AliasKind::Runas => "Runas_Alias",
            AliasKind::Host => "Host_Alias",
            AliasKind::Cmnd => "Cmnd_Alias",
        };
        format!(
            "{kind} {} refers back to itself ({}); visudo rejects an alias cycle, and what it grants is unclear",
            self.path.first().map_or("", String::as_str),
            self.path.join(" -> ")
        )
    }
}

/// Every alias cycle of a policy, each found once, by walking the alias graph
/// depth first (without recursion) in definition order.
pub fn alias_cycles(entries: &[Entry]) -> Vec<AliasCycle> {
    type Key<'a> = (AliasKind, &'a str);
    let defs: HashMap<Key<'_>, &Alias> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Alias(alias) => Some(((alias.kind, alias.name.as_str()), alias)),
            _ => None,
        })
        .collect();
    let mut done: HashSet<Key<'_>> = HashSet::new();
    let mut out = Vec::new();
    for entry in entries {
        let Entry::Alias(root) = entry else {
            continue;
        };
        let root = (root.kind, root.name.as_str());
        if done.contains(&root) {
            continue;
        }
        // The path from `root`: each alias with the index of its next member.
        let mut stack: Vec<(Key<'_>, usize)> = vec![(root, 0)];
        while let Some(&(node, at)) = stack.last() {
            let members = defs.get(&node).map_or(&[][..], |a| a.members.as_slice());
            let Some(member) = members.get(at) else {
                done.insert(node);
                stack.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            let next = (node.0, member.trim_start_matches('!'));
            let Some(def) = defs.get(&next) else {
                continue;
            };
            if let Some(start) = stack.iter().position(|(k, _)| *k == next) {
                let mut path: Vec<String> = stack[start..].iter().map(|(k, _)| k.1.to_string()).collect();
                path.push(next.1.to_string());
                out.push(AliasCycle {
                    kind: next.0,
                    path,
                    location: def.location.clone(),
                });
            } else if !done.contains(&next) {
                stack.push((next, 0));
            }
        }
    }
    out
}
