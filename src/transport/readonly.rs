//! The read-only command policy: vouch runs only commands known not to change the
//! target. Each rule is an allow-list of the whole argv — the program by its bare
//! name or its standard system path, then exactly the argument shapes that only
//! read — so no flag that writes, loads or kills can slip in. A checklist's
//! `command` probe must match a rule or lint rejects it, and the collector checks
//! again before running anything.

/// One argument position.
#[derive(Clone, Copy)]
enum Arg {
    /// Exactly this word.
    Lit(&'static str),
    /// A name (unit, package, user, database): letters, digits and `@._:+-`, not starting with `-`.
    Name,
    /// One `-` followed by any of these single-letter flags.
    Flags(&'static str),
}

/// What may follow the fixed arguments.
#[derive(Clone, Copy)]
enum Rest {
    Nothing,
    /// Any number of names.
    Names,
}

struct Rule {
    program: &'static str,
    args: &'static [Arg],
    rest: Rest,
}

use Arg::{Flags, Lit, Name};

const fn rule(program: &'static str, args: &'static [Arg], rest: Rest) -> Rule {
    Rule { program, args, rest }
}

const RULES: &[Rule] = &[
    rule("sshd", &[Lit("-T")], Rest::Nothing),
    rule("ufw", &[Lit("status")], Rest::Nothing),
    rule("ufw", &[Lit("status"), Lit("verbose")], Rest::Nothing),
    rule("ufw", &[Lit("status"), Lit("numbered")], Rest::Nothing),
    rule("ss", &[Flags("tulnpHaw46x")], Rest::Nothing),
    rule("nft", &[Lit("list"), Lit("ruleset")], Rest::Nothing),
    rule("iptables", &[Lit("-S")], Rest::Nothing),
    rule("ip6tables", &[Lit("-S")], Rest::Nothing),
    rule("iptables", &[Lit("-L"), Flags("nv")], Rest::Nothing),
    rule("ip6tables", &[Lit("-L"), Flags("nv")], Rest::Nothing),
    rule("iptables-save", &[], Rest::Nothing),
    rule("apt-config", &[Lit("dump")], Rest::Nothing),
    rule("dpkg-query", &[Lit("-W")], Rest::Names),
    rule("dpkg-query", &[Lit("-l")], Rest::Names),
    rule("dpkg", &[Lit("-l")], Rest::Names),
    rule("systemctl", &[Lit("is-enabled")], Rest::Names),
    rule("systemctl", &[Lit("is-active")], Rest::Names),
    rule("systemctl", &[Lit("list-unit-files"), Lit("--no-pager")], Rest::Names),
    rule(
        "systemctl",
        &[Lit("list-timers"), Lit("--all"), Lit("--no-pager")],
        Rest::Nothing,
    ),
    rule("systemctl", &[Lit("show")], Rest::Names),
    rule("systemctl", &[Lit("cat")], Rest::Names),
    rule("nginx", &[Lit("-T")], Rest::Nothing),
    rule("nginx", &[Lit("-v")], Rest::Nothing),
    rule("nginx", &[Lit("-V")], Rest::Nothing),
    rule("crontab", &[Lit("-l")], Rest::Nothing),
    rule("crontab", &[Lit("-l"), Lit("-u"), Name], Rest::Nothing),
    rule("uname", &[], Rest::Nothing),
    rule("uname", &[Flags("asnrvmpio")], Rest::Nothing),
    rule("hostname", &[], Rest::Nothing),
    rule("hostname", &[Lit("-f")], Rest::Nothing),
    rule("id", &[], Rest::Names),
    rule("getent", &[Name], Rest::Names),
    rule("lsb_release", &[Flags("aidrcs")], Rest::Nothing),
    rule("python3", &[Lit("--version")], Rest::Nothing),
];

/// Where a program may be named by absolute path.
const SYSTEM_DIRS: &[&str] = &["/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"];

/// The PATH commands run with, so that a user's PATH cannot swap a program.
pub const SAFE_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

fn is_name(word: &str) -> bool {
    !word.is_empty()
        && !word.starts_with('-')
        && word.chars().all(|c| c.is_ascii_alphanumeric() || "@._:+-".contains(c))
}

fn arg_matches(arg: Arg, word: &str) -> bool {
    match arg {
        Lit(want) => word == want,
        Name => is_name(word),
        Flags(allowed) => {
            word.len() > 1
                && word.starts_with('-')
                && !word.starts_with("--")
                && word[1..].chars().all(|c| allowed.contains(c))
        }
    }
}

fn rule_matches(rule: &Rule, args: &[String]) -> bool {
    if args.len() < rule.args.len() {
        return false;
    }
    let (fixed, rest) = args.split_at(rule.args.len());
    let fixed_ok = rule.args.iter().zip(fixed).all(|(arg, word)| arg_matches(*arg, word));
    let rest_ok = match rule.rest {
        Rest::Nothing => rest.is_empty(),
        Rest::Names => rest.iter().all(|w| is_name(w)),
    };
    fixed_ok && rest_ok
}

/// The program's bare name, if it is named bare or by a standard system path.
fn program_name(program: &str) -> Option<&str> {
    if !program.contains('/') {
        return Some(program);
    }
    SYSTEM_DIRS
        .iter()
        .find_map(|dir| program.strip_prefix(dir))
        .filter(|name| !name.contains('/'))
}

/// Ok when `argv` is a read-only command vouch may run; Err says why not.
pub fn check(argv: &[String]) -> Result<(), String> {
    let Some((program, args)) = argv.split_first() else {
        return Err("the command is empty".into());
    };
    let Some(name) = program_name(program) else {
        return Err(format!(
            "`{program}` is not a system program: name it bare (found in {SAFE_PATH}) or under {}",
            SYSTEM_DIRS.join(", ")
        ));
    };
    let forms: Vec<&Rule> = RULES.iter().filter(|r| r.program == name).collect();
    if forms.is_empty() {
        let known: std::collections::BTreeSet<&str> = RULES.iter().map(|r| r.program).collect();
        let known: Vec<&str> = known.into_iter().collect();
        return Err(format!(
            "`{name}` is not on vouch's list of read-only commands ({})",
            known.join(", ")
        ));
    }
    if forms.iter().any(|rule| rule_matches(rule, args)) {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not one of the read-only forms vouch runs for `{name}`",
            argv.join(" ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn read_only_forms_are_allowed() {
        for ok in [
            "sshd -T",
            "/usr/sbin/sshd -T",
            "ufw status verbose",
            "ss -tlnpH",
            "nft list ruleset",
            "systemctl is-enabled ssh.service nginx",
            "crontab -l -u www-data",
            "getent passwd deploy",
            "uname -a",
            "iptables -L -nv",
        ] {
            assert_eq!(check(&argv(ok)), Ok(()), "{ok}");
        }
    }

    #[test]
    fn writing_forms_and_unknown_programs_are_refused() {
        for bad in [
            "rm -rf /",
            "ufw enable",
            "ss -K dst 1.2.3.4",
            "ss -tK",
            "ss --diag=/tmp/x",
            "ss -D/tmp/x",
            "sshd -T -E /etc/nologin",
            "crontab -l -r",
            "crontab -r",
            "systemctl restart ssh",
            "systemctl show --property=x;reboot",
            "hostname pwned-host",
            "iptables-save --file=/x",
            "nft list ruleset -f /x.nft",
            "nginx -T -c /evil.conf",
            "journalctl --vacuum-time=1s",
            "sh -c id",
        ] {
            assert!(check(&argv(bad)).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn programs_are_named_bare_or_by_their_system_path() {
        assert!(check(&argv("/tmp/evil/uname")).is_err());
        assert!(check(&argv("/usr/bin/../../tmp/uname")).is_err());
        assert!(check(&argv("./uname")).is_err());
        assert!(check(&argv("/usr/bin/uname")).is_ok());
    }
}
