//! `vouch collector --sudoers`: the sudoers grant that lets `vouch scan --sudo`
//! read what the checklists need as root and nothing else — each command in
//! the exact read-only form vouch runs, each file through `cat --`/`stat` by
//! its path, a glob's or a listed directory's entries through an anchored
//! regular expression (sudo 1.9.10+) that admits one name without `/` or space,
//! so no extra argument can ride along. Never NOPASSWD ALL. `visudo -c` checks it.

use crate::engine::plan::{is_glob, ReadPlan};
use crate::transport::ssh::fallback;

/// Where the programs vouch runs live on Debian and Ubuntu (with merged /usr,
/// sudo also accepts the /bin and /sbin names: it compares the files).
fn program_path(name: &str) -> String {
    if name.starts_with('/') {
        return name.to_string();
    }
    let sbin = ["sshd", "ufw", "nft", "iptables", "ip6tables", "iptables-save", "nginx"];
    if sbin.contains(&name) {
        format!("/usr/sbin/{name}")
    } else {
        format!("/usr/bin/{name}")
    }
}

/// A word as sudoers wants it: `,` `:` `=` `\` escaped.
fn word(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, ',' | ':' | '=' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A glob as a regex over one path: `*` and `?` never cross `/` or space. sudoers
/// takes a `^...$` argument as written (no sudoers escaping inside it).
fn glob_regex(pattern: &str) -> String {
    let mut out = String::new();
    let mut start = true;
    for c in pattern.chars() {
        let at_start = std::mem::replace(&mut start, c == '/');
        match c {
            // As glob(7): a name's leading `.` is never matched by a wildcard (no `..`).
            '*' if at_start => out.push_str("([^./[:space:]][^/[:space:]]*)?"),
            '?' if at_start => out.push_str("[^./[:space:]]"),
            '*' => out.push_str("[^/[:space:]]*"),
            '?' => out.push_str("[^/[:space:]]"),
            '.' | '+' | '(' | ')' | '|' | '^' | '$' | '{' | '}' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A word a grant can hold as it is: no blank or control character (a newline in
/// a checklist's path would start a rule of its own) and none of sudoers' own
/// separators or quotes.
fn plain(word: &str) -> bool {
    !word.is_empty()
        && !word
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | ':' | '=' | '\\' | '"' | '#'))
}

/// The plan without what no grant line can hold safely (those reads stay
/// "not readable without root").
fn writable(plan: &ReadPlan) -> ReadPlan {
    let keep = |set: &std::collections::BTreeSet<String>| set.iter().filter(|p| plain(p)).cloned().collect();
    ReadPlan {
        files: keep(&plan.files),
        dirs: keep(&plan.dirs),
        stats: keep(&plan.stats),
        commands: plan
            .commands
            .iter()
            .filter(|argv| argv.iter().all(|w| plain(w)))
            .cloned()
            .collect(),
        follows: plan.follows.clone(),
        homes: plan.homes.clone(),
    }
}

/// The commands of the grant, one per line, as sudoers reads them.
pub fn commands(plan: &ReadPlan) -> Vec<String> {
    let plan = &writable(plan);
    let cat = program_path("cat");
    let stat = program_path("stat");
    let find = program_path("find");
    let readlink = program_path("readlink");
    let format = word(fallback::STAT_FORMAT);
    let mut out: Vec<String> = plan
        .commands
        .iter()
        .filter_map(|argv| argv.split_first())
        .map(|(program, args)| {
            // sudoers takes a command written without arguments to allow any: `""`
            // says none (`hostname` must not become `hostname evil`).
            let args: Vec<String> = args.iter().map(|a| word(a)).collect();
            let args = if args.is_empty() {
                "\"\"".to_string()
            } else {
                args.join(" ")
            };
            format!("{} {args}", program_path(program))
        })
        .collect();
    // A pattern's arguments as one anchored regex: `PREFIX -- PATH`.
    let regex_args = |prefix: &str, pattern: &str| -> String {
        let prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix} ")
        };
        format!("^{prefix}-- {}$", glob_regex(pattern))
    };
    // A pattern in a listed directory becomes a regex too: sudoers' own `*` would
    // match any arguments, `-delete` included.
    let listing = |dir: &str| {
        if is_glob(dir) {
            format!("{find} ^{} -mindepth 1 -maxdepth 1 -print0$", glob_regex(dir))
        } else {
            format!("{find} {} -mindepth 1 -maxdepth 1 -print0", word(dir))
        }
    };
    // A user's own home is theirs to fill with links (`~/.ssh/authorized_keys` ->
    // /etc/shadow): nothing under /home is read as root.
    for file in plan.files.iter().filter(|f| !f.starts_with("/home/")) {
        if is_glob(file) {
            out.push(format!("{cat} {}", regex_args("", file)));
            out.push(format!(
                "{stat} {}",
                regex_args(&format!("-L -c {}", fallback::STAT_FORMAT), file)
            ));
            if let Some((dir, _)) = file.rsplit_once('/') {
                out.push(listing(dir));
            }
        } else {
            out.push(format!("{cat} -- {}", word(file)));
            out.push(format!("{stat} -L -c {format} -- {}", word(file)));
        }
    }
    for dir in &plan.dirs {
        out.push(listing(dir));
        out.push(format!("{cat} {}", regex_args("", &format!("{dir}/*"))));
        out.push(format!(
            "{stat} {}",
            regex_args(&format!("-L -c {}", fallback::STAT_FORMAT), &format!("{dir}/*"))
        ));
    }
    for path in &plan.stats {
        if is_glob(path) {
            out.push(format!(
                "{stat} {}",
                regex_args(&format!("-c {}", fallback::STAT_FORMAT), path)
            ));
            out.push(format!("{readlink} {}", regex_args("", path)));
            if let Some((dir, _)) = path.rsplit_once('/') {
                out.push(listing(dir));
            }
        } else {
            out.push(format!("{stat} -c {format} -- {}", word(path)));
            out.push(format!("{readlink} -- {}", word(path)));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|line| seen.insert(line.clone()));
    out
}

/// The whole snippet for `user`.
pub fn render(plan: &ReadPlan, user: &str, version: &str) -> String {
    let mut out = format!(
        "# vouch {version}: read-only access for `vouch scan --sudo`, as {user}.\n\
         # Exactly the commands and reads the checklists in use need; nothing that writes.\n\
         # Install: visudo -f /etc/sudoers.d/vouch   (sudo 1.9.10 or later reads the ^...$ forms)\n\
         # Files a configuration includes from elsewhere are read only if listed here;\n\
         # nothing under /home is read as root (a user's own links could lead anywhere).\n"
    );
    let (ufw, lines): (Vec<String>, Vec<String>) = commands(plan)
        .into_iter()
        .partition(|l| l.starts_with("/usr/sbin/ufw "));
    let alias = |name: &str, lines: &[String], out: &mut String| {
        out.push_str(&format!("Cmnd_Alias {name} = \\\n"));
        for (n, line) in lines.iter().enumerate() {
            let more = if n + 1 < lines.len() { ", \\" } else { "" };
            out.push_str(&format!("    {line}{more}\n"));
        }
    };
    alias("VOUCH", &lines, &mut out);
    if !ufw.is_empty() {
        alias("VOUCH_UFW", &ufw, &mut out);
    }
    let ufw = !ufw.is_empty();
    out.push_str(&format!(
        "Defaults!VOUCH !requiretty\n{} ALL=(root) NOPASSWD: {} VOUCH\n",
        word(user),
        // None of these needs to start another program (a pager, a shell): NOEXEC
        // keeps them from it. ufw's `status` runs iptables, so it may.
        if ufw { "EXEC: VOUCH_UFW, NOEXEC:" } else { "NOEXEC:" }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_admit_one_name_and_no_extra_argument() {
        assert_eq!(
            glob_regex("/etc/sudoers.d/*"),
            "/etc/sudoers\\.d/([^./[:space:]][^/[:space:]]*)?"
        );
        assert_eq!(glob_regex("/etc/x/a*.conf"), "/etc/x/a[^/[:space:]]*\\.conf");
        let mut plan = ReadPlan::default();
        plan.files.insert("/etc/sudoers".into());
        plan.files.insert("/etc/ssh/sshd_config.d/*.conf".into());
        plan.commands.insert(vec!["sshd".into(), "-T".into()]);
        plan.commands.insert(vec!["hostname".into()]);
        plan.files.insert("/home/*/.ssh/authorized_keys".into());
        let lines = commands(&plan);
        assert!(
            lines.contains(&"/usr/bin/hostname \"\"".to_string()),
            "no argument may be added: {lines:?}"
        );
        assert!(
            !lines.iter().any(|l| l.contains("/home")),
            "nothing under /home as root: {lines:?}"
        );
        // A hostile checklist's path cannot start a rule of its own.
        plan.files.insert("/etc/x\nALL ALL=(ALL) NOPASSWD: ALL".into());
        plan.commands.insert(vec!["id".into(), "a,b".into()]);
        let lines = commands(&plan);
        assert!(
            !lines
                .iter()
                .any(|l| l.contains("ALL") || l.contains('\n') || l.contains("a,b")),
            "{lines:?}"
        );
        assert!(lines.contains(&"/usr/sbin/sshd -T".to_string()), "{lines:?}");
        assert!(lines.contains(&"/usr/bin/cat -- /etc/sudoers".to_string()), "{lines:?}");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("/usr/bin/cat ^-- /etc/ssh/sshd_config\\.d/")),
            "{lines:?}"
        );
        assert!(!lines.iter().any(|l| l.contains("ALL")));
    }
}
