//! The one ZIP layout vouch writes, checked byte for byte before a ZIP pack is
//! read: local entries back to back from the first byte, each matching its
//! central directory record (name, method, sizes, no data descriptor), the
//! central directory right after them, and one end record closing the file
//! with no comment (Zip64 records only where sizes need them). Every byte of
//! the file is then accounted for, so no second central directory, hidden
//! entry, prepended or appended data can make `unzip` (which reads from the
//! end) or a streaming reader (which reads from the start) see other files
//! than those verified; a name given twice is refused too.

use std::collections::BTreeSet;
use std::io::{Read, Seek, SeekFrom};

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const END64: u32 = 0x0606_4b50;
const LOCATOR64: u32 = 0x0706_4b50;
/// The largest central directory read (a pack of a few thousand files is far below).
const CENTRAL_CAP: u64 = 64 << 20;

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(bytes)
}

fn read_at(file: &mut std::fs::File, at: u64, len: usize) -> Result<Vec<u8>, String> {
    let mut buf = vec![0u8; len];
    file.seek(SeekFrom::Start(at))
        .and_then(|_| file.read_exact(&mut buf))
        .map_err(|_| format!("truncated at byte {at}"))?;
    Ok(buf)
}

/// One central directory record, as far as the layout check needs it.
struct Record {
    name: Vec<u8>,
    flags: u16,
    method: u16,
    compressed: u64,
    uncompressed: u64,
    offset: u64,
}

/// The Zip64 extra field's values for those of `fields` that are 0xFFFFFFFF,
/// in the order the format gives them.
fn zip64(extra: &[u8], wanted: usize) -> Option<Vec<u64>> {
    let mut at = 0;
    while at + 4 <= extra.len() {
        let (id, size) = (u16_at(extra, at), usize::from(u16_at(extra, at + 2)));
        let body = extra.get(at + 4..at + 4 + size)?;
        if id == 1 {
            if body.len() < wanted * 8 {
                return None;
            }
            return Some((0..wanted).map(|i| u64_at(body, i * 8)).collect());
        }
        at += 4 + size;
    }
    None
}

/// Check that `file` has exactly the layout vouch writes; the reason if not.
pub fn check(file: &mut std::fs::File) -> Result<(), String> {
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    if len < 22 {
        return Err("too short to be a ZIP archive".into());
    }
    let end_at = len - 22;
    let end = read_at(file, end_at, 22)?;
    if u32_at(&end, 0) != END {
        return Err("the file does not end with a ZIP end record (data after it, or a comment)".into());
    }
    if u16_at(&end, 20) != 0 {
        return Err("the end record carries a comment (vouch writes none)".into());
    }
    let (disk, cd_disk) = (u16_at(&end, 4), u16_at(&end, 6));
    if disk != 0 || cd_disk != 0 {
        return Err("a multi-disk archive".into());
    }
    let mut entries = u64::from(u16_at(&end, 10));
    let mut cd_size = u64::from(u32_at(&end, 12));
    let mut cd_offset = u64::from(u32_at(&end, 16));
    let mut cd_end = end_at;
    let needs64 = entries == 0xFFFF || cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF;
    if end_at >= 20 && u32_at(&read_at(file, end_at - 20, 4)?, 0) == LOCATOR64 {
        let locator = read_at(file, end_at - 20, 20)?;
        let record_at = u64_at(&locator, 8);
        if record_at.checked_add(56) != Some(end_at - 20) {
            return Err("the Zip64 end record is not right before its locator".into());
        }
        let record = read_at(file, record_at, 56)?;
        if u32_at(&record, 0) != END64 || u64_at(&record, 4) != 44 {
            return Err("a malformed Zip64 end record".into());
        }
        entries = u64_at(&record, 32);
        cd_size = u64_at(&record, 40);
        cd_offset = u64_at(&record, 48);
        cd_end = record_at;
    } else if needs64 {
        return Err("the end record needs a Zip64 record that is missing".into());
    }
    if cd_offset.checked_add(cd_size) != Some(cd_end) {
        return Err(
            "the central directory does not end where the end record begins (data prepended, or hidden between them)"
                .into(),
        );
    }
    if cd_size > CENTRAL_CAP {
        return Err(format!("a central directory of {cd_size} bytes (over {CENTRAL_CAP})"));
    }
    let cd = read_at(file, cd_offset, cd_size as usize)?;
    let mut records = Vec::new();
    let mut at = 0usize;
    while at < cd.len() {
        if at + 46 > cd.len() || u32_at(&cd, at) != CENTRAL {
            return Err(format!("central directory record {} is malformed", records.len() + 1));
        }
        let (n, e, c) = (
            usize::from(u16_at(&cd, at + 28)),
            usize::from(u16_at(&cd, at + 30)),
            usize::from(u16_at(&cd, at + 32)),
        );
        let name = cd
            .get(at + 46..at + 46 + n)
            .ok_or("a central directory name runs past its end")?;
        let extra = cd
            .get(at + 46 + n..at + 46 + n + e)
            .ok_or("a central directory extra field runs past its end")?;
        let (mut compressed, mut uncompressed, mut offset) = (
            u64::from(u32_at(&cd, at + 20)),
            u64::from(u32_at(&cd, at + 24)),
            u64::from(u32_at(&cd, at + 42)),
        );
        let wide = [uncompressed, compressed, offset]
            .iter()
            .filter(|v| **v == 0xFFFF_FFFF)
            .count();
        if wide > 0 {
            let values = zip64(extra, wide).ok_or("a Zip64 size without its extra field")?;
            let mut next = values.into_iter();
            for field in [&mut uncompressed, &mut compressed, &mut offset] {
                if *field == 0xFFFF_FFFF {
                    *field = next.next().ok_or("a short Zip64 extra field")?;
                }
            }
        }
        records.push(Record {
            name: name.to_vec(),
            flags: u16_at(&cd, at + 8),
            method: u16_at(&cd, at + 10),
            compressed,
            uncompressed,
            offset,
        });
        at += 46 + n + e + c;
    }
    if records.len() as u64 != entries {
        return Err(format!(
            "the end record counts {entries} entries, the central directory holds {}",
            records.len()
        ));
    }
    let mut names = BTreeSet::new();
    let mut expected = 0u64;
    for record in &records {
        let shown = String::from_utf8_lossy(&record.name).into_owned();
        let shown = crate::sanitize::terminal(&shown);
        if !names.insert(record.name.clone()) {
            return Err(format!("{shown}: given twice"));
        }
        if record.flags & 0x0008 != 0 || record.flags & 0x0001 != 0 {
            return Err(format!(
                "{shown}: a data descriptor or encryption (vouch writes neither)"
            ));
        }
        if record.offset != expected {
            return Err(format!(
                "{shown}: its entry is at byte {} where the one before ends at {expected} (hidden data between entries)",
                record.offset
            ));
        }
        let local = read_at(file, record.offset, 30)?;
        if u32_at(&local, 0) != LOCAL {
            return Err(format!("{shown}: no local header where the central directory points"));
        }
        let (n, e) = (u64::from(u16_at(&local, 26)), u64::from(u16_at(&local, 28)));
        let local_name = read_at(file, record.offset + 30, n as usize)?;
        if local_name != record.name {
            return Err(format!("{shown}: its local header names another file"));
        }
        let mut compressed = u64::from(u32_at(&local, 18));
        let mut uncompressed = u64::from(u32_at(&local, 22));
        if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF {
            let extra = read_at(file, record.offset + 30 + n, e as usize)?;
            let values = zip64(&extra, 2).ok_or("a local Zip64 size without its extra field")?;
            (uncompressed, compressed) = (values[0], values[1]);
        }
        if u16_at(&local, 8) != record.method
            || u16_at(&local, 6) != record.flags
            || compressed != record.compressed
            || uncompressed != record.uncompressed
        {
            return Err(format!("{shown}: its local header and the central directory disagree"));
        }
        expected = record.offset + 30 + n + e + record.compressed;
    }
    if expected != cd_offset {
        return Err(format!(
            "{} bytes between the last entry and the central directory",
            cd_offset.saturating_sub(expected)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn archive(large: bool) -> std::fs::File {
        let mut file = anonymous_file();
        {
            let mut zip = zip::ZipWriter::new(&mut file);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored)
                .large_file(large);
            zip.start_file("attachments/a", options).unwrap();
            zip.write_all(b"a document").unwrap();
            zip.start_file("results.json", zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(b"{}").unwrap();
            zip.finish().unwrap();
        }
        file
    }

    fn anonymous_file() -> std::fs::File {
        let mut nonce = [0u8; 8];
        let _ = rustix::rand::getrandom(&mut nonce, rustix::rand::GetRandomFlags::empty());
        let path = std::env::temp_dir().join(format!("vouch-layout-{}", hex::encode(nonce)));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .unwrap();
        let _ = std::fs::remove_file(&path);
        file
    }

    #[test]
    fn the_layout_vouch_writes_passes_with_and_without_zip64_fields() {
        for large in [false, true] {
            let mut file = archive(large);
            assert_eq!(check(&mut file), Ok(()), "large_file({large})");
        }
    }

    #[test]
    fn a_byte_after_the_end_record_is_refused() {
        let mut file = archive(false);
        file.seek(SeekFrom::End(0)).unwrap();
        file.write_all(b"x").unwrap();
        assert!(check(&mut file).is_err());
    }
}
