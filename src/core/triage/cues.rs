//! The phrase lists of `cues.json` (urgency categories and spam), parsed once and indexed
//! by first word, so scanning a post is one hash lookup per word.

use crate::core::text::words::{words, Word};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::OnceLock;

#[derive(Deserialize)]
struct File {
    urgency: Vec<CategoryFile>,
    spam: SpamFile,
}

#[derive(Deserialize)]
struct CategoryFile {
    id: String,
    reason: String,
    weight: f32,
    phrases: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    ambiguous: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    context: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct SpamFile {
    threshold: f32,
    link: f32,
    phrases: BTreeMap<String, BTreeMap<String, f32>>,
}

/// One urgency category ("safety", "legal threat", …).
#[derive(Debug)]
pub struct Category {
    /// Stable key ("safety", "fraud", "legal", "outage", "cancellation").
    pub id: String,
    /// The agent's words for it, used in reasons ("legal threat (lawyer)").
    pub reason: String,
    pub weight: f32,
}

/// How a phrase counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// Always.
    Plain,
    /// Only when the post is not positive.
    Ambiguous,
    /// Only beside a plain or ambiguous hit of the same category.
    Context,
}

/// What a phrase points to.
#[derive(Debug, Clone, Copy)]
enum Target {
    Urgency { category: usize, strength: Strength },
    Spam(f32),
}

/// One phrase found in a post.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub category: usize,
    pub strength: Strength,
    /// Byte span in the post.
    pub span: Range<usize>,
}

/// All cues, indexed.
pub struct Cues {
    pub categories: Vec<Category>,
    /// First word -> (all words, target).
    index: HashMap<String, Vec<(Vec<String>, Target)>>,
    spam_threshold: f32,
    spam_link: f32,
}

/// Words that cancel a cue right after them ("no smoke", "not hacked").
const NEGATORS: &[&str] = &["not", "no", "never", "don't", "didn't", "isn't", "wasn't", "aren't", "ain't", "won't", "without", "nothing", "dont", "didnt", "isnt", "wasnt", "nunca", "sin", "pas", "jamais", "sans"];

/// The cues compiled into the binary.
pub fn cues() -> &'static Cues {
    static CUES: OnceLock<Cues> = OnceLock::new();
    CUES.get_or_init(|| {
        let f: File = serde_json::from_str(include_str!("cues.json")).expect("cues.json is checked by tests");
        let mut index: HashMap<String, Vec<(Vec<String>, Target)>> = HashMap::new();
        let mut add = |phrase: &str, target: Target| {
            let ws: Vec<String> = words(phrase).into_iter().map(|w| w.norm).collect();
            if let Some(first) = ws.first() {
                index.entry(first.clone()).or_default().push((ws, target));
            }
        };
        let mut categories = Vec::new();
        for (i, c) in f.urgency.into_iter().enumerate() {
            for (lists, strength) in [(&c.phrases, Strength::Plain), (&c.ambiguous, Strength::Ambiguous), (&c.context, Strength::Context)] {
                for p in lists.values().flatten() {
                    add(p, Target::Urgency { category: i, strength });
                }
            }
            categories.push(Category { id: c.id, reason: c.reason, weight: c.weight });
        }
        for (p, w) in f.spam.phrases.values().flatten() {
            add(p, Target::Spam(*w));
        }
        // Longest first, so "smoke coming" is reported rather than "smoke".
        for list in index.values_mut() {
            list.sort_by_key(|(ws, _)| std::cmp::Reverse(ws.len()));
        }
        Cues { categories, index, spam_threshold: f.spam.threshold, spam_link: f.spam.link }
    })
}

/// What a post's words matched.
#[derive(Debug, Default)]
pub struct Scan {
    pub hits: Vec<Hit>,
    /// Summed spam weight (phrases and links).
    pub spam: f32,
}

impl Cues {
    /// Finds the cues in `text` (already split into `ws`).
    pub fn scan(&self, text: &str, ws: &[Word]) -> Scan {
        let mut scan = Scan::default();
        let mut i = 0;
        while i < ws.len() {
            let found = self.index.get(&ws[i].norm).and_then(|list| list.iter().find(|(p, _)| ws.len() >= i + p.len() && p.iter().zip(&ws[i..]).all(|(a, b)| *a == b.norm)));
            let Some((p, target)) = found else {
                i += 1;
                continue;
            };
            let n = p.len();
            if !negated(text, ws, i) {
                let span = ws[i].span.start..ws[i + n - 1].span.end;
                match *target {
                    Target::Urgency { category, strength } => scan.hits.push(Hit { category, strength, span }),
                    Target::Spam(w) => scan.spam += w,
                }
            }
            i += n;
        }
        scan.spam += self.spam_link * text.split_whitespace().filter(|t| t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www.")).count() as f32;
        scan
    }

    /// Whether a scan's spam weight makes the post spam.
    pub fn is_spam(&self, scan: &Scan) -> bool {
        scan.spam >= self.spam_threshold
    }
}

/// A negator one or two words before word `i`, in the same clause.
fn negated(text: &str, ws: &[Word], i: usize) -> bool {
    (1..=2).any(|d| {
        let Some(j) = i.checked_sub(d) else { return false };
        let gap = &text[ws[j].span.end..ws[i].span.start];
        !gap.contains(['.', ',', ';', '!', '?', ':']) && NEGATORS.contains(&ws[j].norm.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(t: &str) -> Scan {
        cues().scan(t, &words(t))
    }

    fn ids(t: &str) -> Vec<&'static str> {
        scan(t).hits.iter().map(|h| cues().categories[h.category].id.as_str()).collect()
    }

    #[test]
    fn cues_file_parses_and_no_phrase_is_empty() {
        let c = cues();
        assert_eq!(c.categories.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["safety", "fraud", "legal", "outage", "cancellation"]);
        assert!(c.index.values().flatten().all(|(ws, _)| !ws.is_empty() && !ws.contains(&"*".to_string())));
    }

    #[test]
    fn finds_cues_on_word_boundaries_with_spans() {
        let t = "My charger is SMOKING 😱 and there's smoke coming out, I'll call my lawyer";
        let s = scan(t);
        assert_eq!(ids(t), ["safety", "safety", "legal"]);
        assert_eq!(&t[s.hits[1].span.clone()], "smoke coming");
        assert_eq!(s.hits[0].strength, Strength::Ambiguous);
        assert!(ids("a Lawyerly tone").is_empty());
    }

    #[test]
    fn dont_count_negated_cues() {
        assert!(ids("no smoke, no sparks, just a weird noise").is_empty());
        assert!(ids("I was not hacked, I forgot my password").is_empty());
        assert_eq!(ids("not me, someone logged into my account"), ["fraud"]);
    }

    #[test]
    fn spanish_and_french_cues() {
        assert_eq!(ids("Me hackearon la cuenta y hay cargos no autorizados"), ["fraud", "fraud"]);
        assert_eq!(ids("Je vais porter plainte, la box est hors service"), ["legal", "outage"]);
    }

    #[test]
    fn spam_adds_up() {
        let s = scan("Earn $500 a day from home 💰 check my profile https://x.example/abc");
        assert!(cues().is_spam(&s), "{}", s.spam);
        assert!(!cues().is_spam(&scan("DM me please, my order is late")));
    }
}
