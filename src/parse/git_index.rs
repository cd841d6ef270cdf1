//! Git's index file (`.git/index`, the "DIRC" format, versions 2, 3 and 4) read
//! for the one thing vouch needs: the paths it tracks. Read from the bytes,
//! never by running git, whose configuration in a target's repository could run
//! commands. Entries hold a SHA-1 (20 bytes) or, in SHA-256 repositories, a
//! 32-byte object name; the first that reads cleanly wins. Bounded: the entry
//! count is checked against the bytes before anything is allocated.

/// What an index lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub version: u32,
    pub paths: Vec<String>,
}

/// The most bytes of names an index may list.
const MAX_NAME_BYTES: usize = 64 << 20;

/// The fixed part of an entry before its object name: ctime, mtime (8 bytes
/// each), dev, ino, mode, uid, gid, size (4 each).
const STAT: usize = 40;

/// The paths of an index; the error says where the bytes stop making sense.
pub fn paths(bytes: &[u8]) -> Result<Index, String> {
    if bytes.len() < 12 || &bytes[..4] != b"DIRC" {
        return Err("no DIRC signature".into());
    }
    let version = be32(bytes, 4).ok_or("truncated header")?;
    if !(2..=4).contains(&version) {
        return Err(format!("index version {version} is not 2, 3 or 4"));
    }
    let count = be32(bytes, 8).ok_or("truncated header")? as usize;
    // Each entry takes at least 62 bytes (v4: 42 + 2 + 1): a count past that is a lie.
    if count > bytes.len() / 40 {
        return Err(format!("{count} entries cannot fit in {} bytes", bytes.len()));
    }
    // SHA-1's reading is the one to report when neither reads.
    let mut first = None;
    for hash in [20, 32] {
        match entries(bytes, version, count, hash) {
            Ok((paths, end)) => {
                split_index(bytes, end, hash)?;
                return Ok(Index { version, paths });
            }
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    Err(first.unwrap_or_default())
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at + 2)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

/// The entries' names, and where the entries end.
fn entries(bytes: &[u8], version: u32, count: usize, hash: usize) -> Result<(Vec<String>, usize), String> {
    let mut at = 12;
    let mut paths: Vec<String> = Vec::with_capacity(count);
    let mut previous: Vec<u8> = Vec::new();
    let mut names = 0usize;
    for n in 0..count {
        let start = at;
        let flags_at = start + STAT + hash;
        let flags = be16(bytes, flags_at).ok_or_else(|| format!("entry {n} is cut short"))?;
        at = flags_at + 2;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return Err(format!("entry {n} has extended flags in a version 2 index"));
            }
            at += 2;
        }
        let name_len = usize::from(flags & 0x0fff);
        let name: Vec<u8> = if version == 4 {
            // A varint of bytes to drop from the previous name, then the rest, NUL-ended.
            let (strip, used) = varint(bytes, at).ok_or_else(|| format!("entry {n} is cut short"))?;
            at += used;
            let strip = usize::try_from(strip).map_err(|_| format!("entry {n}: bad prefix length"))?;
            if strip > previous.len() {
                return Err(format!("entry {n} strips more than the previous name holds"));
            }
            let end = bytes[at.min(bytes.len())..]
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(|| format!("entry {n}'s name has no end"))?;
            let mut name = previous[..previous.len() - strip].to_vec();
            name.extend_from_slice(&bytes[at..at + end]);
            at += end + 1;
            name
        } else {
            let end = if name_len < 0x0fff {
                at + name_len
            } else {
                at + bytes[at.min(bytes.len())..]
                    .iter()
                    .position(|&b| b == 0)
                    .ok_or_else(|| format!("entry {n}'s name has no end"))?
            };
            let name = bytes
                .get(at..end)
                .ok_or_else(|| format!("entry {n} is cut short"))?
                .to_vec();
            // 1 to 8 NULs pad the entry to a multiple of 8 bytes.
            let padded = start + ((end - start) / 8 + 1) * 8;
            if bytes.get(end..padded).is_none_or(|pad| pad.iter().any(|&b| b != 0)) {
                return Err(format!("entry {n} is not padded as Git pads it"));
            }
            at = padded;
            name
        };
        if name.is_empty() || name.contains(&0) || (version < 4 && name_len < 0x0fff && name.len() != name_len) {
            return Err(format!("entry {n} has no usable name"));
        }
        if name_len < 0x0fff && name.len() != name_len {
            return Err(format!("entry {n}'s name is not the length its flags say"));
        }
        // Version 4 names repeat their predecessor's prefix: a few bytes can
        // claim gigabytes of names. Real indexes stay far below the cap.
        names += name.len();
        if names > MAX_NAME_BYTES {
            return Err(format!(
                "its names add up to more than {} MiB: refused",
                MAX_NAME_BYTES >> 20
            ));
        }
        paths.push(String::from_utf8_lossy(&name).into_owned());
        previous = name;
    }
    Ok((paths, at))
}

/// The extensions after the entries: a `link` one makes this a split index,
/// whose other entries live in a shared index file vouch does not read.
fn split_index(bytes: &[u8], mut at: usize, hash: usize) -> Result<(), String> {
    let end = bytes.len().saturating_sub(hash);
    while at + 8 <= end {
        let signature = &bytes[at..at + 4];
        if signature == b"link" {
            return Err("a split index (core.splitIndex): the entries of its shared index are not read".into());
        }
        let size = be32(bytes, at + 4).unwrap_or(u32::MAX) as usize;
        at = at.saturating_add(8).saturating_add(size);
    }
    Ok(())
}

/// Git's offset varint (`decode_varint`): 7 bits a byte, each continuation adding one.
fn varint(bytes: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut i = at;
    let mut byte = *bytes.get(i)?;
    let mut value = u64::from(byte & 0x7f);
    while byte & 0x80 != 0 {
        i += 1;
        if i - at > 9 {
            return None;
        }
        byte = *bytes.get(i)?;
        value = value.checked_add(1)?.checked_shl(7)? | u64::from(byte & 0x7f);
    }
    Some((value, i - at + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index as Git writes version 2 or 3 (no extended flags).
    pub fn index_v2(names: &[&str]) -> Vec<u8> {
        let mut out = b"DIRC".to_vec();
        out.extend_from_slice(&2u32.to_be_bytes());
        out.extend_from_slice(&(names.len() as u32).to_be_bytes());
        for name in names {
            let start = out.len();
            out.extend_from_slice(&[0u8; STAT + 20]);
            out.extend_from_slice(&(name.len() as u16).to_be_bytes());
            out.extend_from_slice(name.as_bytes());
            let padded = start + ((out.len() - start) / 8 + 1) * 8;
            out.resize(padded, 0);
        }
        out
    }

    #[test]
    fn version_2_names_in_order() {
        let index = paths(&index_v2(&[".env", "app/main.py", "requirements.txt"])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(index.version, 2);
        assert_eq!(index.paths, vec![".env", "app/main.py", "requirements.txt"]);
    }

    #[test]
    fn hostile_counts_and_cut_files_are_refused() {
        let mut lie = index_v2(&["a"]);
        lie[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(paths(&lie).is_err());
        let whole = index_v2(&["abc", "def"]);
        for cut in 0..whole.len() {
            assert!(paths(&whole[..cut]).is_err(), "cut at {cut}");
        }
        assert!(paths(b"DIRC\x00\x00\x00\x09\x00\x00\x00\x00").is_err());
    }

    #[test]
    fn varints_are_gits() {
        assert_eq!(varint(&[0x05], 0), Some((5, 1)));
        // 0x80 0x00 is 128 in Git's offset encoding.
        assert_eq!(varint(&[0x80, 0x00], 0), Some((128, 2)));
        assert_eq!(varint(&[0xff; 20], 0), None);
    }

    #[test]
    fn a_version_4_prefix_bomb_is_refused_before_it_grows() {
        let mut out = b"DIRC".to_vec();
        out.extend_from_slice(&4u32.to_be_bytes());
        let count = 1_000u32;
        out.extend_from_slice(&count.to_be_bytes());
        for n in 0..count {
            out.extend_from_slice(&[0u8; STAT + 20]);
            out.extend_from_slice(&0x0fffu16.to_be_bytes());
            out.push(0); // strip nothing from the previous name
            if n == 0 {
                out.extend(std::iter::repeat_n(b'a', 100_000));
            }
            out.push(0);
        }
        let refused = paths(&out);
        assert!(refused.as_ref().is_err_and(|e| e.contains("MiB")), "{refused:?}");
    }

    #[test]
    fn a_split_index_is_named_not_half_read() {
        let mut index = index_v2(&["a"]);
        index.extend_from_slice(b"link");
        index.extend_from_slice(&20u32.to_be_bytes());
        index.extend_from_slice(&[0u8; 20]);
        index.extend_from_slice(&[0u8; 20]); // the trailing checksum
        assert!(paths(&index).is_err_and(|e| e.contains("split index")));
    }
}
