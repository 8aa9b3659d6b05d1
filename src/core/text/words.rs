//! Words with their byte spans, and phrase lists matched on them.
//!
//! Matching runs on words, not raw characters, so "refund" never matches inside
//! "refunded" by accident and spans always fall on character boundaries.

use std::ops::Range;

/// One word of a text: lower-cased, curly apostrophes straightened, with its byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub norm: String,
    pub span: Range<usize>,
}

/// Splits text into words: runs of letters, digits, and apostrophes inside a word.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let apostrophe_inside = matches!(c, '\'' | '’')
            && start.is_some()
            && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || apostrophe_inside {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push(word(text, s..i));
        }
    }
    if let Some(s) = start {
        out.push(word(text, s..text.len()));
    }
    out
}

fn word(text: &str, span: Range<usize>) -> Word {
    Word { norm: text[span.clone()].to_lowercase().replace('’', "'"), span }
}

/// A phrase as a sequence of normalised words; `*` matches any one word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub words: Vec<String>,
}

impl Phrase {
    pub fn new(s: &str) -> Phrase {
        let mut out = Vec::new();
        for token in s.split_whitespace() {
            if token == "*" {
                out.push("*".to_string());
            } else {
                out.extend(words(token).into_iter().map(|w| w.norm));
            }
        }
        Phrase { words: out }
    }

    /// Spans (bytes) where the phrase occurs in `ws`, as the range from its first word's
    /// start to its last word's end.
    pub fn find(&self, ws: &[Word]) -> Vec<Range<usize>> {
        let n = self.words.len();
        if n == 0 || ws.len() < n {
            return Vec::new();
        }
        (0..=ws.len() - n)
            .filter(|&i| self.words.iter().zip(&ws[i..i + n]).all(|(p, w)| p == "*" || *p == w.norm))
            .map(|i| ws[i].span.start..ws[i + n - 1].span.end)
            .collect()
    }

    /// Like [`Phrase::find`], but only tries positions where the phrase's first word
    /// occurs, using an index of word positions.
    pub fn find_indexed(&self, ws: &[Word], index: &std::collections::HashMap<String, Vec<usize>>) -> Vec<Range<usize>> {
        let n = self.words.len();
        let Some(first) = self.words.first() else { return Vec::new() };
        if first == "*" {
            return self.find(ws);
        }
        let Some(starts) = index.get(first) else { return Vec::new() };
        starts
            .iter()
            .filter(|&&i| i + n <= ws.len() && self.words.iter().zip(&ws[i..i + n]).all(|(p, w)| p == "*" || *p == w.norm))
            .map(|&i| ws[i].span.start..ws[i + n - 1].span.end)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_with_spans_on_non_ascii() {
        let t = "¡Hola, María! Don’t worry 😊 ok";
        let ws = words(t);
        let norms: Vec<&str> = ws.iter().map(|w| w.norm.as_str()).collect();
        assert_eq!(norms, ["hola", "maría", "don't", "worry", "ok"]);
        assert_eq!(&t[ws[1].span.clone()], "María");
        assert_eq!(&t[ws[2].span.clone()], "Don’t");
    }

    #[test]
    fn finds_phrases_on_word_boundaries() {
        let t = "As I ALREADY said, we refunded it. As I said before!";
        let ws = words(t);
        let p = Phrase::new("as I * said");
        let found = p.find(&ws);
        assert_eq!(found.len(), 1);
        assert_eq!(&t[found[0].clone()], "As I ALREADY said");
        assert!(Phrase::new("refund").find(&ws).is_empty());
    }
}
