//! sshd_config keyword names: the canonical (lower-case) name each spelling maps
//! to, including sshd's aliases (servconf.c `keywords[]`), and which keywords sshd
//! refuses inside a Match block.

/// Lower-case spelling -> canonical keyword, for the aliases sshd accepts.
const ALIASES: &[(&str, &str)] = &[
    ("challengeresponseauthentication", "kbdinteractiveauthentication"),
    ("skeyauthentication", "kbdinteractiveauthentication"),
    ("dsaauthentication", "pubkeyauthentication"),
    ("hostdsakey", "hostkey"),
    ("keepalive", "tcpkeepalive"),
    ("pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms"),
    ("hostbasedacceptedkeytypes", "hostbasedacceptedalgorithms"),
];

/// Keywords that are SSHCFG_GLOBAL only in every OpenSSH from 8.x to 9.x: sshd
/// exits with "Directive '...' is not allowed within a Match block".
const GLOBAL_ONLY: &[&str] = &[
    "addressfamily",
    "ciphers",
    "compression",
    "hostcertificate",
    "hostkey",
    "hostkeyalgorithms",
    "kexalgorithms",
    "listenaddress",
    "logingracetime",
    "macs",
    "maxstartups",
    "permituserenvironment",
    "pidfile",
    "port",
    "printmotd",
    "strictmodes",
    "syslogfacility",
    "tcpkeepalive",
    "usedns",
    "usepam",
    "versionaddendum",
    "xauthlocation",
];

/// The canonical keyword for a spelling as written (case-insensitive, aliases resolved).
pub fn canonical(spelled: &str) -> String {
    let lower = spelled.to_ascii_lowercase();
    match ALIASES.iter().find(|(alias, _)| *alias == lower) {
        Some((_, target)) => (*target).to_string(),
        None => lower,
    }
}

/// True when sshd refuses this (canonical) keyword inside a Match block.
pub fn global_only(canonical: &str) -> bool {
    GLOBAL_ONLY.contains(&canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_case_fold_to_one_keyword() {
        assert_eq!(
            canonical("ChallengeResponseAuthentication"),
            "kbdinteractiveauthentication"
        );
        assert_eq!(
            canonical("KBDINTERACTIVEAUTHENTICATION"),
            "kbdinteractiveauthentication"
        );
        assert_eq!(canonical("passwordAuthentication"), "passwordauthentication");
        assert!(global_only("port"));
        assert!(!global_only("passwordauthentication"));
    }
}
