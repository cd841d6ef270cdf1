//! What one term of an OpenSSL cipher string selects: OpenSSL 3's keywords
//! (`HIGH`, `aNULL`, `ECDHE`, `AESGCM`, `TLSv1.2`...) and suite names as masks over
//! a suite's key exchange, authentication, encryption, MAC, version and strength,
//! narrowed as OpenSSL narrows them when a term joins words with `+`
//! (`ssl_cipher_process_rulestr`), and whether a suite matches. `ciphers` applies
//! the terms.

use super::suites::{Au, Enc, Kx, Mac, Suite, Version, SUITES};

// OpenSSL's strength bits (`algo_strength`).
const STRONG_NONE: u8 = 0x01;
const LOW: u8 = 0x02;
const MEDIUM: u8 = 0x04;
const HIGH: u8 = 0x08;
const FIPS: u8 = 0x10;
const STRONG_MASK: u8 = 0x1f;
const NOT_DEFAULT: u8 = 0x20;
/// An encryption no suite of the table has (3DES: a keyword OpenSSL 3 still
/// knows, whose suites are not built).
const ENC_ABSENT: u32 = 1 << 31;

fn kx(k: Kx) -> u32 {
    1 << k as u32
}
fn au(a: Au) -> u32 {
    1 << a as u32
}
fn enc(e: Enc) -> u32 {
    1 << e as u32
}
fn mac(m: Mac) -> u32 {
    1 << m as u32
}

fn strength(s: &Suite) -> u8 {
    let class = if s.enc == Enc::Null { STRONG_NONE } else { HIGH };
    class | if s.fips { FIPS } else { 0 } | if s.not_default { NOT_DEFAULT } else { 0 }
}

/// What a term selects: each field a mask (0: any), as OpenSSL accumulates it.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Pattern {
    kx: u32,
    au: u32,
    enc: u32,
    mac: u32,
    version: Option<Version>,
    strength: u8,
    cipher: Option<usize>,
}

/// A keyword of OpenSSL's alias table (those OpenSSL 3 keeps with the default provider).
struct Keyword {
    name: &'static str,
    pattern: fn() -> Pattern,
}

fn all_enc_but_null() -> u32 {
    !enc(Enc::Null)
}

macro_rules! kw {
    ($name:expr, $($field:ident: $value:expr),* $(,)?) => {
        Keyword { name: $name, pattern: || Pattern { $($field: $value,)* ..Pattern::default() } }
    };
}

fn encs(list: &[Enc]) -> u32 {
    list.iter().fold(0, |m, e| m | enc(*e))
}

const AES: &[Enc] = &[
    Enc::Aes128,
    Enc::Aes256,
    Enc::Aes128Gcm,
    Enc::Aes256Gcm,
    Enc::Aes128Ccm,
    Enc::Aes256Ccm,
    Enc::Aes128Ccm8,
    Enc::Aes256Ccm8,
];

/// OpenSSL 3's aliases, less those whose algorithms its default provider lacks
/// (RC4, RC2, IDEA, SEED, GOST: OpenSSL leaves them out, so they read as unknown).
fn keywords() -> &'static [Keyword] {
    use Enc::*;
    const TABLE: &[Keyword] = &[
        kw!("ALL", enc: all_enc_but_null()),
        kw!("COMPLEMENTOFALL", enc: enc(Null)),
        kw!("COMPLEMENTOFDEFAULT", strength: NOT_DEFAULT),
        kw!("kRSA", kx: kx(Kx::Rsa)),
        kw!("kEDH", kx: kx(Kx::Dhe)),
        kw!("kDHE", kx: kx(Kx::Dhe)),
        kw!("DH", kx: kx(Kx::Dhe)),
        kw!("kEECDH", kx: kx(Kx::Ecdhe)),
        kw!("kECDHE", kx: kx(Kx::Ecdhe)),
        kw!("ECDH", kx: kx(Kx::Ecdhe)),
        kw!("kPSK", kx: kx(Kx::Psk)),
        kw!("kRSAPSK", kx: kx(Kx::RsaPsk)),
        kw!("kECDHEPSK", kx: kx(Kx::EcdhePsk)),
        kw!("kDHEPSK", kx: kx(Kx::DhePsk)),
        kw!("kSRP", kx: kx(Kx::Srp)),
        kw!("aRSA", au: au(Au::Rsa)),
        kw!("aDSS", au: au(Au::Dss)),
        kw!("DSS", au: au(Au::Dss)),
        kw!("aNULL", au: au(Au::Null)),
        kw!("aECDSA", au: au(Au::Ecdsa)),
        kw!("ECDSA", au: au(Au::Ecdsa)),
        kw!("aPSK", au: au(Au::Psk)),
        kw!("aSRP", au: au(Au::Srp)),
        kw!("EDH", kx: kx(Kx::Dhe), au: !au(Au::Null)),
        kw!("DHE", kx: kx(Kx::Dhe), au: !au(Au::Null)),
        kw!("EECDH", kx: kx(Kx::Ecdhe), au: !au(Au::Null)),
        kw!("ECDHE", kx: kx(Kx::Ecdhe), au: !au(Au::Null)),
        kw!("NULL", enc: enc(Null)),
        kw!("RSA", kx: kx(Kx::Rsa), au: au(Au::Rsa)),
        kw!("ADH", kx: kx(Kx::Dhe), au: au(Au::Null)),
        kw!("AECDH", kx: kx(Kx::Ecdhe), au: au(Au::Null)),
        kw!("PSK", kx: kx(Kx::Psk) | kx(Kx::RsaPsk) | kx(Kx::EcdhePsk) | kx(Kx::DhePsk)),
        kw!("SRP", kx: kx(Kx::Srp)),
        kw!("3DES", enc: ENC_ABSENT),
        kw!("eNULL", enc: enc(Null)),
        kw!("AES128", enc: encs(&[Aes128, Aes128Gcm, Aes128Ccm, Aes128Ccm8])),
        kw!("AES256", enc: encs(&[Aes256, Aes256Gcm, Aes256Ccm, Aes256Ccm8])),
        kw!("AES", enc: encs(AES)),
        kw!("AESGCM", enc: encs(&[Aes128Gcm, Aes256Gcm])),
        kw!("AESCCM", enc: encs(&[Aes128Ccm, Aes256Ccm, Aes128Ccm8, Aes256Ccm8])),
        kw!("AESCCM8", enc: encs(&[Aes128Ccm8, Aes256Ccm8])),
        kw!("CAMELLIA128", enc: enc(Camellia128)),
        kw!("CAMELLIA256", enc: enc(Camellia256)),
        kw!("CAMELLIA", enc: encs(&[Camellia128, Camellia256])),
        kw!("CHACHA20", enc: enc(Chacha20Poly1305)),
        kw!("ARIA", enc: encs(&[Aria128Gcm, Aria256Gcm])),
        kw!("ARIAGCM", enc: encs(&[Aria128Gcm, Aria256Gcm])),
        kw!("ARIA128", enc: enc(Aria128Gcm)),
        kw!("ARIA256", enc: enc(Aria256Gcm)),
        kw!("CBC", enc: encs(&[Aes128, Aes256, Camellia128, Camellia256]) | ENC_ABSENT),
        kw!("MD5", mac: mac(Mac::Md5)),
        kw!("SHA1", mac: mac(Mac::Sha1)),
        kw!("SHA", mac: mac(Mac::Sha1)),
        kw!("SHA256", mac: mac(Mac::Sha256)),
        kw!("SHA384", mac: mac(Mac::Sha384)),
        kw!("SSLv3", version: Some(Version::Ssl3)),
        kw!("TLSv1", version: Some(Version::Tls1)),
        kw!("TLSv1.0", version: Some(Version::Tls1)),
        kw!("TLSv1.2", version: Some(Version::Tls12)),
        kw!("LOW", strength: LOW),
        kw!("MEDIUM", strength: MEDIUM),
        kw!("HIGH", strength: HIGH),
        kw!("FIPS", enc: all_enc_but_null(), strength: FIPS),
        kw!("EDH-DSS-DES-CBC3-SHA", kx: kx(Kx::Dhe), au: au(Au::Dss), enc: ENC_ABSENT, mac: mac(Mac::Sha1), strength: HIGH | FIPS),
        kw!("EDH-RSA-DES-CBC3-SHA", kx: kx(Kx::Dhe), au: au(Au::Rsa), enc: ENC_ABSENT, mac: mac(Mac::Sha1), strength: HIGH | FIPS),
    ];
    TABLE
}

/// A suite's own pattern, as OpenSSL lists a cipher name among its aliases.
fn suite_pattern(index: usize, s: &Suite) -> Pattern {
    Pattern {
        kx: kx(s.kx),
        au: au(s.au),
        enc: enc(s.enc),
        mac: mac(s.mac),
        version: None,
        strength: strength(s),
        cipher: Some(index),
    }
}

pub(super) fn lookup(word: &str) -> Option<Pattern> {
    if let Some(i) = SUITES.iter().position(|s| s.name == word) {
        return Some(suite_pattern(i, &SUITES[i]));
    }
    keywords().iter().find(|k| k.name == word).map(|k| (k.pattern)())
}

/// Narrow `acc` by `next` as OpenSSL does; None when a field empties (the term is ignored).
pub(super) fn combine(acc: Pattern, next: &Pattern) -> Option<Pattern> {
    fn field(a: u32, b: u32) -> Option<u32> {
        match (a, b) {
            (_, 0) => Some(a),
            (0, _) => Some(b),
            _ => Some(a & b).filter(|m| *m != 0),
        }
    }
    let mut out = Pattern {
        kx: field(acc.kx, next.kx)?,
        au: field(acc.au, next.au)?,
        enc: field(acc.enc, next.enc)?,
        mac: field(acc.mac, next.mac)?,
        ..acc
    };
    let (strong, default) = (next.strength & STRONG_MASK, next.strength & NOT_DEFAULT);
    if strong != 0 {
        if out.strength & STRONG_MASK != 0 {
            out.strength &= strong | !STRONG_MASK;
            if out.strength & STRONG_MASK == 0 {
                return None;
            }
        } else {
            out.strength = (out.strength & !STRONG_MASK) | strong;
        }
    }
    out.strength |= default;
    match next.cipher {
        Some(c) => out.cipher = Some(c),
        None => {
            if let Some(v) = next.version {
                if out.version.is_some_and(|have| have != v) {
                    return None;
                }
                out.version = Some(v);
            }
        }
    }
    Some(out)
}

pub(super) fn matches(p: &Pattern, index: usize, s: &Suite) -> bool {
    let fits = |mask: u32, bit: u32| mask == 0 || mask & bit != 0;
    p.cipher.is_none_or(|c| c == index)
        && fits(p.kx, kx(s.kx))
        && fits(p.au, au(s.au))
        && fits(p.enc, enc(s.enc))
        && fits(p.mac, mac(s.mac))
        && p.version.is_none_or(|v| v == s.version)
        && (p.strength & STRONG_MASK == 0 || p.strength & STRONG_MASK & strength(s) != 0)
        && (p.strength & NOT_DEFAULT == 0 || strength(s) & NOT_DEFAULT != 0)
}
