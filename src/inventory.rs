//! Targets from an inventory, as Ansible reads one: INI (hosts, `[group]`,
//! `[group:vars]`, `[group:children]`, `key=value` host variables, ranges such as
//! `web[01:20].example.com`) or YAML (`hosts`, `vars`, `children`, nested), or a
//! plain list of targets one per line. A host's variables are its own, then its
//! groups' from the nearest out to `all`, as Ansible ranks them; vouch reads
//! `ansible_host`, `ansible_user`, `ansible_port` and
//! `ansible_ssh_private_key_file` (and their `ansible_ssh_*` older names).
//! Each host once, in the order first written. Pure: text in, hosts out.

use serde_json::Value;
use std::collections::BTreeMap;

/// The largest inventory read.
pub const CAP: u64 = 8 << 20;
/// The most hosts one inventory (ranges included) may name.
const MAX_HOSTS: usize = 100_000;

/// One host of the inventory, with what vouch needs of its variables.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InventoryHost {
    /// The inventory name (what results call the host).
    pub name: String,
    /// `ansible_host`: the address to connect to.
    pub address: Option<String>,
    pub user: Option<String>,
    pub port: Option<u16>,
    pub key_file: Option<String>,
}

impl InventoryHost {
    /// The target text ssh resolution starts from: `[user@]address[:port]`.
    pub fn target(&self) -> String {
        let address = self.address.as_deref().unwrap_or(&self.name);
        let address = match (address.contains(':'), self.port) {
            (true, Some(_)) => format!("[{address}]"),
            _ => address.to_string(),
        };
        let user = self.user.as_ref().map(|u| format!("{u}@")).unwrap_or_default();
        let port = self.port.map(|p| format!(":{p}")).unwrap_or_default();
        format!("{user}{address}{port}")
    }
}

type Vars = BTreeMap<String, String>;

/// Groups as read: their hosts (with host variables), vars and children.
#[derive(Default)]
struct Groups {
    /// Host names in first-seen order.
    order: Vec<String>,
    host_vars: BTreeMap<String, Vars>,
    /// Group → its hosts.
    members: BTreeMap<String, Vec<String>>,
    vars: BTreeMap<String, Vars>,
    /// Group → its child groups.
    children: BTreeMap<String, Vec<String>>,
}

impl Groups {
    fn add_host(&mut self, group: &str, name: &str, vars: Vars) -> Result<(), String> {
        if !self.host_vars.contains_key(name) {
            if self.order.len() >= MAX_HOSTS {
                return Err(format!("more than {MAX_HOSTS} hosts"));
            }
            self.order.push(name.to_string());
        }
        self.host_vars.entry(name.to_string()).or_default().extend(vars);
        let members = self.members.entry(group.to_string()).or_default();
        if !members.iter().any(|m| m == name) {
            members.push(name.to_string());
        }
        Ok(())
    }

    /// Every host with its variables resolved: host vars, then the groups
    /// holding it from the nearest out, then `all`.
    fn hosts(&self) -> Result<Vec<InventoryHost>, String> {
        self.order
            .iter()
            .map(|name| {
                let mut vars = self.host_vars.get(name).cloned().unwrap_or_default();
                for group in self.ancestry(name) {
                    for (k, v) in self.vars.get(&group).into_iter().flatten() {
                        vars.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
                let pick = |names: &[&str]| names.iter().find_map(|n| vars.get(*n).cloned());
                // A port that is no number (a template left unrendered) is an error, never port 22.
                let port = match pick(&["ansible_port", "ansible_ssh_port"]) {
                    None => None,
                    Some(text) => match text.parse::<u16>() {
                        Ok(port) if port > 0 => Some(port),
                        _ => return Err(format!("host {name}: ansible_port `{text}` is not a port number")),
                    },
                };
                Ok(InventoryHost {
                    name: name.clone(),
                    address: pick(&["ansible_host", "ansible_ssh_host"]),
                    user: pick(&["ansible_user", "ansible_ssh_user"]),
                    port,
                    key_file: pick(&["ansible_ssh_private_key_file", "ansible_private_key_file"]),
                })
            })
            .collect()
    }

    /// The groups holding `host`, nearest first (its own, then their parents...), `all` last.
    fn ancestry(&self, host: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .members
            .iter()
            .filter(|(group, members)| *group != "all" && members.iter().any(|m| m == host))
            .map(|(group, _)| group.clone())
            .collect();
        let mut at = 0;
        while at < out.len() {
            let child = out[at].clone();
            for (parent, kids) in &self.children {
                if kids.contains(&child) && !out.contains(parent) && parent != "all" {
                    out.push(parent.clone());
                }
            }
            at += 1;
        }
        out.push("all".to_string());
        out
    }
}

/// Parse an inventory; `origin` names it in errors (`FILE:LINE: why`).
pub fn parse(text: &str, origin: &str) -> Result<Vec<InventoryHost>, String> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'));
    let groups = match first {
        None => return Err(format!("{origin}: no host in it")),
        Some(line) if line == "---" || (line.ends_with(':') && !line.starts_with('[')) => yaml(text, origin)?,
        Some(_) => ini(text, origin)?,
    };
    let hosts = groups.hosts().map_err(|e| format!("{origin}: {e}"))?;
    if hosts.is_empty() {
        return Err(format!("{origin}: no host in it"));
    }
    Ok(hosts)
}

fn ini(text: &str, origin: &str) -> Result<Groups, String> {
    let mut groups = Groups::default();
    let mut section = ("ungrouped".to_string(), "hosts");
    for (index, raw) in text.lines().enumerate() {
        let at = |why: String| format!("{origin}:{}: {why}", index + 1);
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let (name, kind) = match header.split_once(':') {
                Some((name, "vars")) => (name, "vars"),
                Some((name, "children")) => (name, "children"),
                Some((_, other)) => return Err(at(format!("`[{header}]`: unknown section kind `{other}`"))),
                None => (header, "hosts"),
            };
            if name.is_empty() || name.chars().any(char::is_whitespace) {
                return Err(at(format!("`[{header}]` is not a group name")));
            }
            section = (name.to_string(), kind);
            continue;
        }
        let words = shlex::split(line).ok_or_else(|| at("unbalanced quotes".into()))?;
        match section.1 {
            "vars" => {
                let (key, value) = line.split_once('=').ok_or_else(|| at("expected `name=value`".into()))?;
                let value = shlex::split(value.trim())
                    .and_then(|w| w.into_iter().next())
                    .unwrap_or_default();
                groups
                    .vars
                    .entry(section.0.clone())
                    .or_default()
                    .insert(key.trim().to_string(), value);
            }
            "children" => {
                let child = words.first().cloned().unwrap_or_default();
                groups.children.entry(section.0.clone()).or_default().push(child);
            }
            _ => {
                let (pattern, rest) = words.split_first().ok_or_else(|| at("no host".into()))?;
                let mut vars = Vars::new();
                for word in rest {
                    let (k, v) = word
                        .split_once('=')
                        .ok_or_else(|| at(format!("`{word}`: host variables are `name=value`")))?;
                    vars.insert(k.to_string(), v.to_string());
                }
                for name in expand(pattern).map_err(at)? {
                    groups.add_host(&section.0, &name, vars.clone()).map_err(at)?;
                }
            }
        }
    }
    Ok(groups)
}

/// `web[01:03].example.com` → web01, web02, web03 (`[a:c]` letters, `[1:9:2]` a stride).
fn expand(pattern: &str) -> Result<Vec<String>, String> {
    let Some(open) = pattern.find('[') else {
        return Ok(vec![pattern.to_string()]);
    };
    let close = pattern[open..]
        .find(']')
        .map(|c| open + c)
        .ok_or_else(|| format!("`{pattern}`: `[` without `]`"))?;
    let (head, range, tail) = (&pattern[..open], &pattern[open + 1..close], &pattern[close + 1..]);
    let parts: Vec<&str> = range.split(':').collect();
    let (start, end, stride) = match parts.as_slice() {
        [a, b] => (*a, *b, 1usize),
        [a, b, s] => (
            *a,
            *b,
            s.parse().map_err(|_| format!("`{pattern}`: the stride is a number"))?,
        ),
        _ => return Err(format!("`{pattern}`: a range is [start:end] or [start:end:stride]")),
    };
    let stride = stride.max(1);
    let mut middles = Vec::new();
    if let (Ok(a), Ok(b)) = (start.parse::<usize>(), end.parse::<usize>()) {
        let width = start.len().min(20);
        for n in (a..=b).step_by(stride) {
            middles.push(format!("{n:0width$}"));
            if middles.len() > MAX_HOSTS {
                return Err(format!("`{pattern}` names more than {MAX_HOSTS} hosts"));
            }
        }
    } else if let (Some(a), Some(b), 1, 1) = (start.chars().next(), end.chars().next(), start.len(), end.len()) {
        middles.extend((a..=b).step_by(stride).map(String::from));
    } else {
        return Err(format!("`{pattern}`: a range is numbers or single letters"));
    }
    let tails = expand(tail)?;
    if middles.len().saturating_mul(tails.len()) > MAX_HOSTS {
        return Err(format!("`{pattern}` names more than {MAX_HOSTS} hosts"));
    }
    let mut out = Vec::new();
    for middle in middles {
        for rest in &tails {
            out.push(format!("{head}{middle}{rest}"));
        }
    }
    Ok(out)
}

fn yaml(text: &str, origin: &str) -> Result<Groups, String> {
    let top: BTreeMap<String, Value> =
        serde_saphyr::from_str(text).map_err(|e| format!("{origin}: not an Ansible YAML inventory: {e}"))?;
    let mut groups = Groups::default();
    // Top-level keys are groups (usually `all`), in the file's order where it matters
    // little: hosts keep the order they are first met within each group.
    for (name, body) in &top {
        yaml_group(&mut groups, name, body, 0, origin)?;
    }
    Ok(groups)
}

fn yaml_group(groups: &mut Groups, name: &str, body: &Value, depth: usize, origin: &str) -> Result<(), String> {
    if depth > 64 {
        return Err(format!("{origin}: groups nested more than 64 deep"));
    }
    let Some(body) = body.as_object() else {
        return Ok(()); // `group:` with nothing under it
    };
    for key in body.keys() {
        if !["hosts", "vars", "children"].contains(&key.as_str()) {
            return Err(format!(
                "{origin}: group `{name}` has `{key}`: only hosts, vars and children belong there"
            ));
        }
    }
    if let Some(hosts) = body.get("hosts").and_then(Value::as_object) {
        for (pattern, vars) in hosts {
            let vars = scalars(vars);
            for host in expand(pattern).map_err(|e| format!("{origin}: {e}"))? {
                groups
                    .add_host(name, &host, vars.clone())
                    .map_err(|e| format!("{origin}: {e}"))?;
            }
        }
    }
    if let Some(vars) = body.get("vars") {
        groups.vars.entry(name.to_string()).or_default().extend(scalars(vars));
    }
    if let Some(children) = body.get("children").and_then(Value::as_object) {
        for (child, child_body) in children {
            groups.children.entry(name.to_string()).or_default().push(child.clone());
            yaml_group(groups, child, child_body, depth + 1, origin)?;
        }
    }
    Ok(())
}

/// A mapping's scalar values as text (numbers and booleans as written).
fn scalars(value: &Value) -> Vars {
    value
        .as_object()
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => return None,
                    };
                    Some((k.clone(), text))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(text: &str) -> Vec<String> {
        parse(text, "inv").unwrap().iter().map(InventoryHost::target).collect()
    }

    #[test]
    fn ini_groups_vars_children_and_ranges() {
        let text = "mail.example.com\n\n[web]\nweb[01:02].example.com\nbar ansible_host=10.0.0.5 ansible_port=2222\n\n\
                    [db]\ndb1 ansible_user=postgres\n\n[prod:children]\nweb\ndb\n\n[prod:vars]\nansible_user=deploy\n\n\
                    [all:vars]\nansible_user=admin\nansible_ssh_private_key_file=~/.ssh/fleet\n";
        assert_eq!(
            targets(text),
            [
                "admin@mail.example.com",
                "deploy@web01.example.com",
                "deploy@web02.example.com",
                "deploy@10.0.0.5:2222",
                "postgres@db1",
            ]
        );
        let hosts = parse(text, "inv").unwrap();
        assert_eq!(hosts[3].name, "bar");
        assert!(hosts.iter().all(|h| h.key_file.as_deref() == Some("~/.ssh/fleet")));
    }

    #[test]
    fn yaml_inventories_nest_groups() {
        let text = "all:\n  hosts:\n    mail.example.com:\n  children:\n    web:\n      hosts:\n        web1:\n          ansible_port: 2201\n        web2:\n      vars:\n        ansible_user: deploy\n  vars:\n    ansible_user: admin\n";
        assert_eq!(
            targets(text),
            ["admin@mail.example.com", "deploy@web1:2201", "deploy@web2"]
        );
    }

    #[test]
    fn a_plain_list_is_one_target_per_line() {
        assert_eq!(
            targets("# fleet\nroot@a.example.com\nb.example.com:2222\n"),
            ["root@a.example.com", "b.example.com:2222"]
        );
    }

    #[test]
    fn mistakes_say_where() {
        assert!(parse("[web:stuff]\na\n", "inv").unwrap_err().starts_with("inv:1:"));
        assert!(parse("a ansible_port\n", "inv").unwrap_err().starts_with("inv:1:"));
        assert!(parse("web[1:999999999]\n", "inv").unwrap_err().contains("more than"));
        assert!(parse("a[0:99999]b[0:99999]\n", "inv")
            .unwrap_err()
            .contains("more than"));
        assert!(parse("a ansible_port={{port}}\n", "inv")
            .unwrap_err()
            .contains("not a port number"));
        assert!(parse("\n# nothing\n", "inv").unwrap_err().contains("no host"));
    }
}
