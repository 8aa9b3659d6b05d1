//! Offsets between Rust's UTF-8 byte indices and the page's UTF-16 string indices.
//! The core works in bytes; the DOM (Range, selectionStart) counts UTF-16 code units.
//! Every span crosses the boundary through these two functions.

use std::ops::Range;

/// UTF-16 index of byte offset `byte` in `text` (clamped to the end; a byte inside a
/// character counts from that character's start).
pub fn utf16_index(text: &str, byte: usize) -> usize {
    let mut n = 0;
    for (i, c) in text.char_indices() {
        if i >= byte {
            return n;
        }
        n += c.len_utf16();
    }
    n
}

/// The UTF-16 range of a byte range.
pub fn utf16_range(text: &str, r: &Range<usize>) -> Range<usize> {
    utf16_index(text, r.start)..utf16_index(text, r.end)
}

/// Byte offset of UTF-16 index `unit` (clamped; an index inside a surrogate pair maps to
/// the start of that character).
pub fn byte_index(text: &str, unit: usize) -> usize {
    let mut n = 0;
    for (i, c) in text.char_indices() {
        if n + c.len_utf16() > unit {
            return i;
        }
        n += c.len_utf16();
    }
    text.len()
}

/// Byte-to-UTF-16 conversion for many spans of one text: built once in O(n), then each
/// lookup is O(1) (a draft with a hundred findings would otherwise rescan it a hundred times).
pub struct Utf16Map {
    at: Vec<u32>,
}

impl Utf16Map {
    pub fn new(text: &str) -> Utf16Map {
        let mut at = vec![0u32; text.len() + 1];
        let mut n = 0u32;
        let mut last = 0;
        for (i, c) in text.char_indices() {
            // Bytes inside a character map to its start, as `utf16_index` does.
            for slot in &mut at[last..=i] {
                *slot = n;
            }
            n += c.len_utf16() as u32;
            last = i + 1;
        }
        for slot in &mut at[last..] {
            *slot = n;
        }
        Utf16Map { at }
    }

    pub fn index(&self, byte: usize) -> usize {
        self.at[byte.min(self.at.len() - 1)] as usize
    }

    pub fn range(&self, r: &Range<usize>) -> Range<usize> {
        self.index(r.start)..self.index(r.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_through_emoji_and_accents() {
        let t = "Zoë 👩‍💻 sorry";
        let b = t.find("sorry").unwrap();
        let u = utf16_index(t, b);
        assert_eq!(u, t.encode_utf16().count() - 5);
        assert_eq!(byte_index(t, u), b);
        assert_eq!(utf16_range(t, &(b..t.len())), u..u + 5);
    }

    #[test]
    fn map_agrees_with_scan() {
        let t = "a😀é日\u{202E}b e\u{301}";
        let m = Utf16Map::new(t);
        for b in 0..=t.len() + 2 {
            assert_eq!(m.index(b), utf16_index(t, b), "byte {b}");
        }
    }

    #[test]
    fn clamps_out_of_range() {
        assert_eq!(utf16_index("ab", 99), 2);
        assert_eq!(byte_index("ab", 99), 2);
        // Inside a surrogate pair: the character's start.
        assert_eq!(byte_index("a😀b", 2), 1);
    }
}
