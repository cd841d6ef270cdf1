//! OpenSSL cipher strings (nginx's `ssl_ciphers`) expanded as OpenSSL 3 expands
//! them (`ssl_create_cipher_list`): keywords, cipher names, `+` to combine
//! keywords in one term, `-` to drop, `!` to drop for good, `+` in front to move to
//! the end, `@STRENGTH`, `@SECLEVEL=n`, a leading `DEFAULT` and `SUITEB*`; an
//! unknown keyword is ignored, a character OpenSSL cannot read refuses the whole
//! string, and a string that selects no TLS 1.2 suite is refused ("no cipher
//! match"), so nginx would not start. Over the table of `suites`; the judge is
//! `OPENSSL_CONF=/dev/null openssl ciphers -v STRING`.

use super::pattern::{combine, lookup, matches, Pattern};
use super::suites::{Au, Enc, Kx, Mac, Suite, SUITES};

/// nginx's value when `ssl_ciphers` is not set.
pub const NGINX_DEFAULT: &str = "HIGH:!aNULL:!MD5";
/// What `DEFAULT` stands for in OpenSSL 3.
const OPENSSL_DEFAULT: &str = "ALL:!COMPLEMENTOFDEFAULT:!eNULL";
/// Longer strings are refused before any work (nginx's own lines are far shorter).
pub const MAX_LEN: usize = 16 * 1024;

/// Why OpenSSL refuses a cipher string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CipherError {
    #[error("OpenSSL cannot read the cipher string at character {at} (\"invalid command\")")]
    InvalidCommand { at: usize },
    #[error("the cipher string selects no TLS 1.2 suite (\"no cipher match\")")]
    NoMatch,
    #[error("the cipher string is over {MAX_LEN} bytes")]
    TooLong,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Rule {
    Add,
    Delete,
    Kill,
    MoveToEnd,
}

/// OpenSSL's ordered list of suites, each active or not; killed ones are gone.
struct List {
    order: Vec<usize>,
    active: Vec<bool>,
}

impl List {
    fn new() -> List {
        List {
            order: (0..SUITES.len()).collect(),
            active: vec![false; SUITES.len()],
        }
    }

    /// A stable partition: the suites `pick` takes go to the end (or the front).
    fn shift(&mut self, mut pick: impl FnMut(usize) -> bool, to_front: bool) -> Vec<usize> {
        let (moved, rest): (Vec<usize>, Vec<usize>) = self.order.iter().partition(|i| pick(**i));
        self.order = if to_front {
            moved.iter().chain(&rest).copied().collect()
        } else {
            rest.iter().chain(&moved).copied().collect()
        };
        moved
    }

    fn apply(&mut self, p: &Pattern, rule: Rule) {
        let hit = |i: usize| matches(p, i, &SUITES[i]);
        match rule {
            Rule::Add => {
                let active = self.active.clone();
                for i in self.shift(|i| hit(i) && !active[i], false) {
                    self.active[i] = true;
                }
            }
            Rule::MoveToEnd => {
                let active = self.active.clone();
                self.shift(|i| hit(i) && active[i], false);
            }
            Rule::Delete => {
                let active = self.active.clone();
                for i in self.shift(|i| hit(i) && active[i], true) {
                    self.active[i] = false;
                }
            }
            Rule::Kill => {
                self.order.retain(|i| !hit(*i));
                for i in 0..SUITES.len() {
                    if hit(i) {
                        self.active[i] = false;
                    }
                }
            }
        }
    }

    /// `@STRENGTH`: the active suites by key length, longest first, order kept within.
    fn sort_by_strength(&mut self) {
        let active = self.active.clone();
        for bits in [256, 128, 0] {
            self.shift(|i| active[i] && SUITES[i].enc.bits() == bits, false);
        }
    }

    fn selected(&self) -> Vec<&'static Suite> {
        self.order
            .iter()
            .filter(|i| self.active[**i])
            .map(|i| &SUITES[*i])
            .collect()
    }
}

fn is_separator(b: u8) -> bool {
    matches!(b, b':' | b' ' | b',' | b';')
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'=')
}

/// Apply one rule string (`ssl_cipher_process_rulestr`).
fn process(rules: &[u8], offset: usize, list: &mut List) -> Result<(), CipherError> {
    let mut failed = None;
    let mut l = 0;
    while l < rules.len() {
        let ch = rules[l];
        let rule = match ch {
            b'-' => Some(Rule::Delete),
            b'+' => Some(Rule::MoveToEnd),
            b'!' => Some(Rule::Kill),
            b'@' => None,
            _ => Some(Rule::Add),
        };
        if matches!(ch, b'-' | b'+' | b'!' | b'@') {
            l += 1;
        }
        if is_separator(ch) {
            l += 1;
            continue;
        }
        let mut pattern = Some(Pattern::default());
        let mut word: &[u8];
        loop {
            let start = l;
            while l < rules.len() && is_word(rules[l]) {
                l += 1;
            }
            word = &rules[start..l];
            if word.is_empty() {
                failed.get_or_insert(CipherError::InvalidCommand { at: offset + l });
                pattern = None;
                l += 1;
                break;
            }
            if rule.is_none() {
                break;
            }
            let multi = rules.get(l) == Some(&b'+');
            if multi {
                l += 1;
            }
            let found = std::str::from_utf8(word).ok().and_then(lookup);
            pattern = match (pattern, found) {
                (Some(acc), Some(next)) => combine(acc, &next),
                _ => None,
            };
            if pattern.is_none() || !multi {
                break;
            }
        }
        match rule {
            None if !word.is_empty() => {
                if word == b"STRENGTH" {
                    list.sort_by_strength();
                } else if !(word.len() == 10 && word.starts_with(b"SECLEVEL=") && (b'0'..=b'5').contains(&word[9])) {
                    failed.get_or_insert(CipherError::InvalidCommand {
                        at: offset + l - word.len(),
                    });
                }
                while l < rules.len() && !is_separator(rules[l]) {
                    l += 1;
                }
            }
            Some(rule) if pattern.is_some() => {
                if let Some(p) = pattern {
                    list.apply(&p, rule);
                }
            }
            _ => {
                while l < rules.len() && !is_separator(rules[l]) {
                    l += 1;
                }
            }
        }
    }
    failed.map_or(Ok(()), Err)
}

/// The TLS 1.2-and-older suites `rules` enables, in OpenSSL's order (exact among
/// suites that encrypt, and among those that do not; where those two groups
/// interleave may differ from OpenSSL's).
pub fn expand(rules: &str) -> Result<Vec<&'static Suite>, CipherError> {
    if rules.len() > MAX_LEN {
        return Err(CipherError::TooLong);
    }
    let mut rules = rules;
    // Suite B modes replace the whole string (`check_suiteb_cipher_list`).
    for (prefix, replacement) in [
        ("SUITEB128ONLY", "ECDHE-ECDSA-AES128-GCM-SHA256"),
        ("SUITEB128C2", "ECDHE-ECDSA-AES256-GCM-SHA384"),
        (
            "SUITEB128",
            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384",
        ),
        ("SUITEB192", "ECDHE-ECDSA-AES256-GCM-SHA384"),
    ] {
        if rules.starts_with(prefix) {
            rules = replacement;
            break;
        }
    }
    let mut list = List::new();
    let mut rest = rules.as_bytes();
    let mut offset = 0;
    if let Some(after) = rest.strip_prefix(b"DEFAULT") {
        process(OPENSSL_DEFAULT.as_bytes(), 0, &mut list)?;
        offset = rules.len() - after.len();
        rest = after;
        if rest.first() == Some(&b':') {
            rest = &rest[1..];
            offset += 1;
        }
    }
    process(rest, offset, &mut list)?;
    let selected = list.selected();
    if selected.is_empty() {
        return Err(CipherError::NoMatch);
    }
    Ok(selected)
}

/// Why a suite is weak, if it is: the verdict tls.ciphers gives each suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    /// No encryption, no authentication, or an MD5 MAC (RC4, DES, 3DES and export
    /// suites are unknown to OpenSSL 3 and cannot be enabled).
    Broken(&'static str),
    /// No forward secrecy, or not AEAD.
    Dated(&'static str),
}

pub fn weakness(s: &Suite) -> Option<Weakness> {
    if s.enc == Enc::Null {
        return Some(Weakness::Broken("no encryption"));
    }
    if s.au == Au::Null {
        return Some(Weakness::Broken("no authentication (anonymous)"));
    }
    if s.mac == Mac::Md5 {
        return Some(Weakness::Broken("an MD5 MAC"));
    }
    match s.kx {
        Kx::Ecdhe | Kx::Dhe => {}
        Kx::DhePsk | Kx::EcdhePsk => return Some(Weakness::Dated("a pre-shared key exchange")),
        Kx::Rsa | Kx::Psk | Kx::RsaPsk | Kx::Srp => return Some(Weakness::Dated("no forward secrecy")),
    }
    if s.mac != Mac::Aead {
        return Some(Weakness::Dated("CBC, not AEAD"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(rules: &str) -> Vec<&'static str> {
        expand(rules).unwrap().iter().map(|s| s.name).collect()
    }

    #[test]
    fn nginx_default_allows_no_anonymous_or_md5_suite() {
        let suites = expand(NGINX_DEFAULT).unwrap();
        assert!(suites
            .iter()
            .all(|s| s.au != Au::Null && s.mac != Mac::Md5 && s.enc != Enc::Null));
        assert!(suites.iter().any(|s| s.name == "AES128-SHA"), "kRSA CBC suites stay in");
    }

    #[test]
    fn mozilla_intermediate_is_exactly_its_six_suites() {
        let list = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
        assert_eq!(names(list).len(), 6);
        assert!(expand(list).unwrap().iter().all(|s| weakness(s).is_none()));
    }

    #[test]
    fn kill_is_final_and_delete_is_not() {
        assert!(!names("ALL:!aNULL:ADH").iter().any(|n| n.starts_with("ADH-")));
        assert!(names("ALL:-aNULL:ADH").iter().any(|n| n.starts_with("ADH-")));
    }

    #[test]
    fn combined_keywords_narrow_and_an_unknown_one_voids_the_term() {
        assert!(names("ECDHE+AESGCM")
            .iter()
            .all(|n| n.starts_with("ECDHE-") && n.contains("GCM")));
        assert_eq!(expand("ECDHE+NOPE"), Err(CipherError::NoMatch));
        assert_eq!(expand("AES128-SHA+ECDHE"), Err(CipherError::NoMatch));
    }

    #[test]
    fn unreadable_strings_are_refused_as_openssl_refuses_them() {
        assert!(matches!(
            expand("HIGH:!!aNULL"),
            Err(CipherError::InvalidCommand { .. })
        ));
        assert!(matches!(expand("HIGH+"), Err(CipherError::InvalidCommand { .. })));
        assert!(matches!(
            expand("HIGH:@SECLEVEL=9"),
            Err(CipherError::InvalidCommand { .. })
        ));
        assert_eq!(expand("nope"), Err(CipherError::NoMatch));
        assert_eq!(expand(&"A".repeat(MAX_LEN + 1)), Err(CipherError::TooLong));
    }

    #[test]
    fn weak_suites_are_named_for_what_breaks_them() {
        let by = |n: &str| SUITES.iter().find(|s| s.name == n).unwrap();
        assert_eq!(weakness(by("NULL-SHA")), Some(Weakness::Broken("no encryption")));
        assert!(matches!(weakness(by("ADH-AES128-SHA")), Some(Weakness::Broken(_))));
        assert_eq!(
            weakness(by("AES128-GCM-SHA256")),
            Some(Weakness::Dated("no forward secrecy"))
        );
        assert_eq!(
            weakness(by("ECDHE-RSA-AES128-SHA")),
            Some(Weakness::Dated("CBC, not AEAD"))
        );
        assert_eq!(weakness(by("DHE-RSA-AES128-CCM")), None);
    }
}
