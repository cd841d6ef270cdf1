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
    let direct = match parse_key(line) {
        Ok(key) => return Ok(Some(describe(&key, Vec::new()))),
        Err(reason) => reason,
    };
    // A line that starts with a key type has no options: what is wrong is the key
    // (sshd's second try, past options, fails too).
    if line.split([' ', '\t']).next().is_some_and(is_key_type) {
        return Err(direct);
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
    PublicKey::from_openssh(normalized.trim_end()).map_err(|e| match blob_type(blob) {
        Some(inner) if inner != algorithm => format!(
            "the key data holds a {inner} key but the line labels it `{algorithm}`; sshd skips a key whose \
             type does not match its label"
        ),
        _ => format!("not a valid {algorithm} public key: {e}"),
    })
}

/// A key type name as the first field of a key line (`ssh-ed25519`, `ssh-rsa`,
/// `sk-ssh-ed25519@openssh.com`), not an options field.
fn is_key_type(word: &str) -> bool {
    !word.contains(['=', '"', ',']) && ssh_key::Algorithm::new(word).is_ok()
}

/// The key type named at the start of a base64 key blob (an SSH string: a 4-byte
/// big-endian length, then the name); None when it does not decode to one.
fn blob_type(blob: &str) -> Option<String> {
    // 96 base64 characters are 72 bytes: room for any key type name.
    let head: Vec<u8> = blob.bytes().take(96).collect();
    let bytes = decode_base64(&head[..head.len() - head.len() % 4])?;
    let len = usize::try_from(u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?)).ok()?;
    let name = bytes.get(4..4usize.checked_add(len)?)?;
    let name = std::str::from_utf8(name).ok()?;
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic())).then(|| name.to_string())
}

/// Standard base64 (with `=` padding) of whole 4-character groups.
fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for group in text.chunks_exact(4) {
        let pad = group.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 {
            return None;
        }
        let mut bits = 0u32;
        for &c in &group[..4 - pad] {
            bits = (bits << 6) | value(c)?;
        }
        bits <<= 6 * (pad as u32);
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - pad]);
    }
    Some(out)
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
