//! /etc/group: `name:password:gid:member,member` lines, so sudo rules naming `%group`
//! or `%#gid` can be expanded to people, and the members of the conventional admin
//! groups (sudo, admin, wheel) can be listed.

use crate::parse::text::line_number;

/// The group database.
pub const GROUP_PATH: &str = "/etc/group";
/// Groups whose members conventionally administer the host.
pub const ADMIN_GROUPS: &[&str] = &["sudo", "admin", "wheel"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub gid: Option<u32>,
    pub members: Vec<String>,
    /// 1-based line in /etc/group.
    pub line: u32,
}

/// Parse /etc/group text; malformed lines and `+`/`-` NIS entries are skipped.
pub fn parse_groups(text: &str) -> Vec<Group> {
    text.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let fields: Vec<&str> = line.trim_end_matches('\r').split(':').collect();
            let [name, _password, gid, members] = fields.as_slice() else {
                return None;
            };
            if name.is_empty() || name.starts_with(['#', '+', '-']) {
                return None;
            }
            Some(Group {
                name: name.to_string(),
                gid: gid.trim().parse().ok(),
                members: members
                    .split(',')
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(str::to_string)
                    .collect(),
                line: line_number(index),
            })
        })
        .collect()
}

/// The group a sudoers `%name` or `%#gid` reference names (without the `%`).
pub fn find<'a>(groups: &'a [Group], reference: &str) -> Option<&'a Group> {
    match reference.strip_prefix('#') {
        Some(gid) => {
            let gid: u32 = gid.parse().ok()?;
            groups.iter().find(|g| g.gid == Some(gid))
        }
        None => groups.iter().find(|g| g.name == reference),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_members_and_finds_by_name_or_gid() {
        let groups = parse_groups("root:x:0:\nsudo:x:27:alice,bob\nbad line\nwheel:x:10:\n");
        assert_eq!(groups.len(), 3);
        let sudo = find(&groups, "sudo").map(|g| g.members.clone());
        assert_eq!(sudo, Some(vec!["alice".to_string(), "bob".to_string()]));
        assert_eq!(find(&groups, "#27").map(|g| g.line), Some(2));
        assert!(find(&groups, "#x").is_none());
    }
}
