//! One authorized_keys line as sshd reads it (auth2-pubkeyfile.c): blank lines and
//! `#` comments are skipped; a line is a key, or options (comma-separated, with
//! `"..."` quoting and `\"` escapes, ending at the first unquoted blank) followed
//! by a key. Keys are decoded with the `ssh-key` crate for type, size and the
//! `SHA256:` fingerprint ssh-keygen prints.

use ssh_key::public::KeyData;
use ssh_key::{HashAlg, PublicKey};

/// A decoded key line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// The algorithm name as written: `ssh-rsa`, `ssh-ed25519`, `sk-ssh-ed25519@openssh.com`...
    pub algorithm: String,
    /// Key size as `ssh-keygen -l` prints it (RSA/DSA modulus, curve size).
    pub bits: Option<u32>,
    /// `SHA256:...`, as `ssh-keygen -lf` prints it.
    pub fingerprint: String,
    pub comment: String,
    /// The options field split at its commas (`from="10.0.0.1"`, `no-pty`).
    pub options: Vec<String>,
    pub strength: Strength,
}

/// How the key's type and size rate against ssh.authorized-keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    Strong,
    /// RSA 2048..3071 bits.
    Acceptable,
    /// A type vouch does not rate (not ed25519, ecdsa, sk-* or RSA).
    Unknown,
    /// ssh-dss, or RSA below 2048 bits.
    Weak,
}

/// Parse one line: Ok(None) for blank and comment lines, Err(reason) for a line
/// that holds no key sshd could use.
pub fn parse_line(line: &str) -> Result<Option<KeyInfo>, String> {
    let line = line.trim_start_matches([' ', '\t']).trim_end_matches(['\r', '\n']);
    if line.trim_end().is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    if let Ok(key) = parse_key(line) {
        return Ok(Some(describe(&key, Vec::new())));
    }
    let (options, rest) = split_options(line).ok_or("unterminated quote in the key options")?;
    let key = parse_key(rest.trim_start_matches([' ', '\t']))?;
    Ok(Some(describe(&key, split_option_list(options))))
}

/// sshkey_advance_past_options: the options field and the rest of the line.
fn split_options(line: &str) -> Option<(&str, &str)> {
    let mut quoted = false;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = line[at + 1..].starts_with('"'),
            '"' => quoted = !quoted,
            ' ' | '\t' if !quoted => return Some((&line[..at], &line[at..])),
            _ => {}
        }
    }
    (!quoted).then_some((line, ""))
}

/// Split `a,b="x,y",c` at the commas outside quotes.
fn split_option_list(options: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = options.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'"') => {
                current.push(c);
                current.extend(chars.next());
            }
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out.retain(|o| !o.is_empty());
    out
}

/// `type base64 [comment]`, with any run of blanks between the fields.
fn parse_key(text: &str) -> Result<PublicKey, String> {
    let mut fields = text.splitn(2, [' ', '\t']);
    let algorithm = fields.next().unwrap_or_default();
    let rest = fields.next().unwrap_or_default().trim_start_matches([' ', '\t']);
    let (blob, comment) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
    if algorithm.is_empty() || blob.is_empty() {
        return Err("not a public key: expected `<type> <base64 key> [comment]`".into());
    }
    let normalized = format!("{algorithm} {blob} {}", comment.trim());
    PublicKey::from_openssh(normalized.trim_end()).map_err(|e| format!("not a valid {algorithm} public key: {e}"))
}

fn describe(key: &PublicKey, options: Vec<String>) -> KeyInfo {
    let data = key.key_data();
    let bits = key_bits(data);
    KeyInfo {
        algorithm: key.algorithm().as_str().to_string(),
        bits,
        fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
        comment: key.comment().to_string(),
        options,
        strength: strength(data, bits),
    }
}

fn key_bits(data: &KeyData) -> Option<u32> {
    match data {
        KeyData::Rsa(rsa) => rsa.n.as_positive_bytes().map(bit_length),
        KeyData::Dsa(dsa) => dsa.p.as_positive_bytes().map(bit_length),
        KeyData::Ecdsa(ecdsa) => Some(curve_bits(ecdsa.curve().as_str())),
        KeyData::SkEcdsaSha2NistP256(_) => Some(256),
        KeyData::Ed25519(_) | KeyData::SkEd25519(_) => Some(256),
        _ => None,
    }
}

fn curve_bits(curve: &str) -> u32 {
    match curve {
        "nistp384" => 384,
        "nistp521" => 521,
        _ => 256,
    }
}

/// Bits of a big-endian unsigned integer (BN_num_bits).
fn bit_length(bytes: &[u8]) -> u32 {
    let Some(at) = bytes.iter().position(|b| *b != 0) else {
        return 0;
    };
    let significant = u32::try_from(bytes.len() - at).unwrap_or(u32::MAX / 8);
    (significant - 1) * 8 + (8 - bytes[at].leading_zeros())
}

fn strength(data: &KeyData, bits: Option<u32>) -> Strength {
    match data {
        KeyData::Dsa(_) => Strength::Weak,
        KeyData::Rsa(_) => match bits.unwrap_or(0) {
            0..=2047 => Strength::Weak,
            2048..=3071 => Strength::Acceptable,
            _ => Strength::Strong,
        },
        KeyData::Ecdsa(_) | KeyData::Ed25519(_) | KeyData::SkEcdsaSha2NistP256(_) | KeyData::SkEd25519(_) => {
            Strength::Strong
        }
        _ => Strength::Unknown,
    }
}
