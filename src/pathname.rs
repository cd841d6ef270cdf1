//! Names that are not UTF-8, carried in strings without loss. A Linux file name is
//! bytes; vouch's paths are strings. Every byte that is not part of valid UTF-8 —
//! and every byte of a character in the last 256 code points of Unicode (private
//! use, U+10FF00..U+10FFFF), so the mapping stays one-to-one — becomes the
//! character U+10FF00 + byte. The transport turns such a string back into the very
//! bytes before asking the kernel, and every output shows those characters as
//! `\xNN`. So a file named `00-\xffweak.conf` is listed, read and judged like any
//! other, never taken for absent. Imports nothing of the crate.

use std::borrow::Cow;

const BASE: u32 = 0x10_FF00;

/// Whether `c` stands for one raw byte of a name.
pub fn is_byte(c: char) -> bool {
    (BASE..=BASE + 0xFF).contains(&u32::from(c))
}

fn byte_char(byte: u8) -> char {
    char::from_u32(BASE + u32::from(byte)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// A name's bytes as a string, losslessly.
pub fn from_bytes(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        if !text.chars().any(is_byte) {
            return Cow::Borrowed(text);
        }
    }
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if is_byte(c) {
                let mut buf = [0u8; 4];
                out.extend(c.encode_utf8(&mut buf).bytes().map(byte_char));
            } else {
                out.push(c);
            }
        }
        out.extend(chunk.invalid().iter().copied().map(byte_char));
    }
    Cow::Owned(out)
}

/// The bytes a string made by [`from_bytes`] stands for.
pub fn to_bytes(name: &str) -> Cow<'_, [u8]> {
    if !name.chars().any(is_byte) {
        return Cow::Borrowed(name.as_bytes());
    }
    let mut out = Vec::with_capacity(name.len());
    for c in name.chars() {
        if is_byte(c) {
            out.push(u8::try_from(u32::from(c) - BASE).unwrap_or(b'?'));
        } else {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    Cow::Owned(out)
}

/// A path as people read it: raw bytes shown as `\xNN`, and a backslash as `\\`,
/// so a file literally named `a\xffb` and one holding the byte 0xff never read
/// alike.
pub fn display(name: &str) -> Cow<'_, str> {
    if !name.chars().any(|c| is_byte(c) || c == '\\') {
        return Cow::Borrowed(name);
    }
    escaped(name)
}

/// Text that may quote paths (a summary, a finding): shown as [`display`] shows
/// paths when it holds a raw byte, left as written otherwise.
pub fn display_in_text(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_byte) {
        return Cow::Borrowed(text);
    }
    escaped(text)
}

fn escaped(text: &str) -> Cow<'_, str> {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_byte(c) {
            out.push_str(&format!("\\x{:02x}", u32::from(c) - BASE));
        } else if c == '\\' {
            out.push_str("\\\\");
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_that_are_not_utf8_survive_and_show_escaped() {
        let raw = b"00-\xffweak.conf";
        let name = from_bytes(raw);
        assert_eq!(&*to_bytes(&name), raw);
        assert_eq!(display(&name), r"00-\xffweak.conf");
        assert_eq!(
            display(r"00-\xffweak.conf"),
            r"00-\\xffweak.conf",
            "a literal backslash is not a byte"
        );
        let both = format!("{name} and 00-\\xffweak.conf");
        assert_eq!(display_in_text(&both), r"00-\xffweak.conf and 00-\\xffweak.conf");
        assert_eq!(
            display_in_text(r"regex ^a\s+b$"),
            r"regex ^a\s+b$",
            "prose without raw bytes is left alone"
        );
        assert_eq!(from_bytes(b"plain.conf"), "plain.conf");
    }

    proptest! {
        #[test]
        fn every_byte_string_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let name = from_bytes(&bytes);
            prop_assert_eq!(&*to_bytes(&name), &bytes[..]);
        }

        #[test]
        fn the_mapping_is_one_to_one(a in proptest::collection::vec(any::<u8>(), 0..12), b in proptest::collection::vec(any::<u8>(), 0..12)) {
            prop_assert_eq!(from_bytes(&a) == from_bytes(&b), a == b);
        }
    }
}
