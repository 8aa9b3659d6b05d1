//! Knowledge-base files that arrive in parts (so a large file never blocks the options
//! page), put back together before they are imported.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadError {
    /// A part came out of order, or one went missing: the upload starts over.
    PartMissing,
}

impl std::fmt::Display for UploadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UploadError::PartMissing => write!(f, "Part of the file went missing on the way; choose the file again."),
        }
    }
}

/// Uploads under way: upload id -> parts so far.
#[derive(Debug, Default)]
pub struct Uploads {
    parts: HashMap<u32, Vec<String>>,
}

/// What a part did.
#[derive(Debug, PartialEq, Eq)]
pub enum Part {
    /// More parts to come: `received` so far.
    Waiting { received: u32 },
    /// That was the last: the whole file.
    Whole(String),
}

impl Uploads {
    /// Part `part` (from 0) of `parts` of upload `upload`.
    pub fn add(&mut self, upload: u32, part: u32, parts: u32, text: String) -> Result<Part, UploadError> {
        let got = self.parts.entry(upload).or_default();
        // Parts come in order from one page; anything else starts the upload over.
        if part as usize != got.len() || part >= parts {
            self.parts.remove(&upload);
            return Err(UploadError::PartMissing);
        }
        got.push(text);
        if part + 1 < parts {
            return Ok(Part::Waiting { received: part + 1 });
        }
        Ok(Part::Whole(self.parts.remove(&upload).unwrap_or_default().concat()))
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_in_order_make_the_file_and_anything_else_starts_over() {
        let mut u = Uploads::default();
        assert_eq!(u.add(1, 0, 2, "ab".into()), Ok(Part::Waiting { received: 1 }));
        assert_eq!(u.add(1, 1, 2, "cé".into()), Ok(Part::Whole("abcé".into())));
        assert!(u.is_empty());
        assert_eq!(u.add(2, 1, 2, "x".into()), Err(UploadError::PartMissing));
        assert_eq!(u.add(3, 0, 1, "whole".into()), Ok(Part::Whole("whole".into())));
        assert_eq!(u.add(4, 2, 2, "x".into()), Err(UploadError::PartMissing));
        assert!(u.is_empty());
    }
}
