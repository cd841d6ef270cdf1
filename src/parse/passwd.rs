//! /etc/passwd: the accounts whose authorized_keys sshd would consult (name, uid,
//! home directory).

/// The account database path.
pub const PASSWD: &str = "/etc/passwd";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub uid: String,
    pub home: String,
}

/// Accounts with a name and a home; malformed lines, comments and NIS `+` lines are skipped.
pub fn parse(text: &str) -> Vec<User> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<User> {
    if line.starts_with('#') || line.starts_with('+') || line.starts_with('-') {
        return None;
    }
    let fields: Vec<&str> = line.split(':').collect();
    let [name, _, uid, _, _, home, ..] = fields.as_slice() else {
        return None;
    };
    if name.is_empty() || home.is_empty() {
        return None;
    }
    Some(User {
        name: name.to_string(),
        uid: uid.to_string(),
        home: home.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_with_homes() {
        let users = parse("root:x:0:0:root:/root:/bin/bash\n# c\nbad line\nnohome:x:5:5::::\ndeploy:x:1000:1000:,,,:/home/deploy:/bin/bash\n");
        let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["root", "deploy"]);
        assert_eq!(users[1].home, "/home/deploy");
        assert_eq!(users[1].uid, "1000");
    }
}
