//! The read-only command policy: vouch runs only commands known not to change the
//! target. A checklist's `command` probe must match one of these rules, or lint
//! rejects it; the rules name a program, the subcommand words it must start with,
//! and arguments that would make it write (which are refused anywhere).

struct Rule {
    program: &'static str,
    /// The first arguments must be exactly these (empty: any).
    leading: &'static [&'static str],
    /// Arguments that are refused anywhere (write, kill, delete...).
    refused: &'static [&'static str],
}

const RULES: &[Rule] = &[
    Rule {
        program: "sshd",
        leading: &["-T"],
        refused: &[],
    },
    Rule {
        program: "ufw",
        leading: &["status"],
        refused: &[],
    },
    Rule {
        program: "ss",
        leading: &[],
        refused: &["-K", "--kill", "-D", "--diag"],
    },
    Rule {
        program: "nft",
        leading: &["list"],
        refused: &[],
    },
    Rule {
        program: "iptables",
        leading: &["-S"],
        refused: &[],
    },
    Rule {
        program: "ip6tables",
        leading: &["-S"],
        refused: &[],
    },
    Rule {
        program: "iptables-save",
        leading: &[],
        refused: &["-f", "--file"],
    },
    Rule {
        program: "apt-config",
        leading: &["dump"],
        refused: &[],
    },
    Rule {
        program: "dpkg-query",
        leading: &[],
        refused: &[],
    },
    Rule {
        program: "dpkg",
        leading: &["-l"],
        refused: &[],
    },
    Rule {
        program: "systemctl",
        leading: &["is-enabled"],
        refused: &[],
    },
    Rule {
        program: "systemctl",
        leading: &["is-active"],
        refused: &[],
    },
    Rule {
        program: "systemctl",
        leading: &["list-unit-files"],
        refused: &[],
    },
    Rule {
        program: "systemctl",
        leading: &["list-timers"],
        refused: &[],
    },
    Rule {
        program: "systemctl",
        leading: &["show"],
        refused: &[],
    },
    Rule {
        program: "systemctl",
        leading: &["cat"],
        refused: &[],
    },
    Rule {
        program: "nginx",
        leading: &["-T"],
        refused: &[],
    },
    Rule {
        program: "nginx",
        leading: &["-v"],
        refused: &[],
    },
    Rule {
        program: "nginx",
        leading: &["-V"],
        refused: &[],
    },
    Rule {
        program: "git",
        leading: &["ls-files"],
        refused: &[],
    },
    Rule {
        program: "crontab",
        leading: &["-l"],
        refused: &["-r", "-e"],
    },
    Rule {
        program: "uname",
        leading: &[],
        refused: &[],
    },
    Rule {
        program: "hostname",
        leading: &[],
        refused: &["-b", "-F", "--file", "--boot"],
    },
    Rule {
        program: "id",
        leading: &[],
        refused: &[],
    },
    Rule {
        program: "getent",
        leading: &[],
        refused: &[],
    },
    Rule {
        program: "lsb_release",
        leading: &[],
        refused: &[],
    },
    Rule {
        program: "journalctl",
        leading: &[],
        refused: &[
            "--rotate",
            "--flush",
            "--sync",
            "--relinquish-var",
            "--smart-relinquish-var",
            "--setup-keys",
            "--update-catalog",
        ],
    },
    Rule {
        program: "python3",
        leading: &["--version"],
        refused: &[],
    },
];

/// Arguments that change state whatever the program (prefix match for `--vacuum-*`).
const REFUSED_PREFIXES: &[&str] = &["--vacuum"];

/// Ok when `argv` is a read-only command vouch may run; Err says why not.
pub fn check(argv: &[String]) -> Result<(), String> {
    let Some((program, args)) = argv.split_first() else {
        return Err("the command is empty".into());
    };
    let name = program.rsplit('/').next().unwrap_or(program);
    if args.iter().any(|a| REFUSED_PREFIXES.iter().any(|p| a.starts_with(p))) {
        return Err(format!("`{}` would change the target", argv.join(" ")));
    }
    let matching: Vec<&Rule> = RULES.iter().filter(|r| r.program == name).collect();
    if matching.is_empty() {
        let known: std::collections::BTreeSet<&str> = RULES.iter().map(|r| r.program).collect();
        return Err(format!(
            "`{name}` is not on vouch's list of read-only commands ({})",
            known.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    for rule in matching {
        let leading_ok =
            args.len() >= rule.leading.len() && rule.leading.iter().zip(args).all(|(want, got)| want == got);
        if !leading_ok {
            continue;
        }
        if let Some(bad) = args.iter().find(|a| rule.refused.contains(&a.as_str())) {
            return Err(format!(
                "`{name} {bad}` would change the target; vouch runs only read-only commands"
            ));
        }
        return Ok(());
    }
    Err(format!(
        "`{}` is not a read-only form vouch runs for `{name}`",
        argv.join(" ")
    ))
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
            "ss -tlnH",
            "nft list ruleset",
            "systemctl is-enabled ssh",
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
            "crontab -l -r",
            "systemctl restart ssh",
            "journalctl --vacuum-time=1s",
            "sh -c id",
        ] {
            assert!(check(&argv(bad)).is_err(), "{bad} should be refused");
        }
    }
}
