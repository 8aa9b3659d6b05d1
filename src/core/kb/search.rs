//! Ranking knowledge-base entries for a post: BM25F over four fields (title, tags, example
//! questions, body), Unicode words, Snowball stemming in the entry's language (English,
//! Spanish, French, German; others unstemmed), stop words removed, plus a small boost for
//! entries agents picked before. Each suggestion says which words matched.

use super::{Entry, KnowledgeBase};
use crate::core::tone::words::words;
use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const FIELDS: usize = 4;
/// Field weights: a word in the title or tags says more than one in the body.
const WEIGHT: [f32; FIELDS] = [3.0, 2.5, 2.0, 1.0];
/// Length normalisation per field (short fields barely need it).
const B: [f32; FIELDS] = [0.4, 0.2, 0.6, 0.75];
const K1: f32 = 1.2;

fn stemmer(lang: &str) -> Option<Stemmer> {
    let alg = match lang.get(..2)? {
        "en" => Algorithm::English,
        "es" => Algorithm::Spanish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "pt" => Algorithm::Portuguese,
        "it" => Algorithm::Italian,
        "nl" => Algorithm::Dutch,
        _ => return None,
    };
    Some(Stemmer::create(alg))
}

const STOP: &[&str] = &[
    // English
    "a", "an", "the", "and", "or", "but", "is", "are", "was", "were", "be", "been", "to", "of", "in", "on", "at", "for", "with", "my", "me", "i", "you", "your", "it", "its",
    "this", "that", "we", "our", "us", "do", "does", "did", "have", "has", "had", "can", "could", "would", "will", "just", "so", "what", "how", "why", "when", "where", "any",
    "im", "i'm", "it's", "from", "by", "as", "if", "not", "no", "still", "there", "they", "them", "their", "he", "she", "his", "her", "hi", "hello", "hey", "please", "thanks",
    // Spanish
    "el", "la", "los", "las", "un", "una", "y", "o", "de", "del", "en", "que", "es", "mi", "por", "para", "con", "se", "lo", "su", "al", "no", "me", "hola",
    // French
    "le", "les", "des", "et", "ou", "du", "je", "est", "mon", "ma", "mes", "pour", "avec", "pas", "ne", "que", "qui", "sur", "au", "aux", "il", "elle", "bonjour",
    // German
    "der", "die", "das", "und", "ist", "ich", "mein", "meine", "nicht", "mit", "für", "auf", "ein", "eine",
];

/// Stemmed terms of a text, each with the word it came from.
fn terms(text: &str, stem: Option<&Stemmer>) -> Vec<(String, String)> {
    words(text)
        .into_iter()
        .filter(|w| !STOP.contains(&w.norm.as_str()) && (w.norm.chars().count() > 1 || w.norm.chars().all(|c| c.is_ascii_digit())))
        .map(|w| {
            let t = stem.map_or_else(|| w.norm.clone(), |s| s.stem(&w.norm).into_owned());
            (t, w.norm)
        })
        .collect()
}

/// Guesses a post's language from its stop words (en, es, fr, de), for stemming the query.
pub fn guess_language(text: &str) -> &'static str {
    const MARKERS: [(&str, &[&str]); 4] = [
        ("en", &["the", "my", "is", "and", "you", "not", "with", "to", "it", "i"]),
        ("es", &["el", "la", "mi", "que", "es", "y", "no", "con", "por", "pedido", "los"]),
        ("fr", &["le", "la", "mon", "est", "et", "pas", "je", "avec", "les", "commande"]),
        ("de", &["der", "die", "das", "ist", "und", "nicht", "ich", "mein", "mit", "bestellung"]),
    ];
    let ws: Vec<String> = words(text).into_iter().map(|w| w.norm).collect();
    MARKERS
        .iter()
        .map(|(lang, m)| (*lang, ws.iter().filter(|w| m.contains(&w.as_str())).count()))
        .max_by_key(|&(lang, n)| (n, lang == "en"))
        .map_or("en", |(l, _)| l)
}

struct Doc {
    /// term -> frequency per field
    tf: HashMap<String, [u16; FIELDS]>,
    len: [u32; FIELDS],
    language: String,
}

/// A ranked suggestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub id: String,
    pub score: f32,
    /// The post's words that matched, to show agents why.
    pub matched: Vec<String>,
}

/// How often agents picked each entry (learned from use).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub picks: HashMap<String, u32>,
}

/// A search index over a knowledge base. Build once per KB change; query per post.
pub struct Index {
    ids: Vec<String>,
    docs: Vec<Doc>,
    df: HashMap<String, u32>,
    avg: [f32; FIELDS],
}

impl Index {
    pub fn new(kb: &KnowledgeBase) -> Index {
        let mut docs = Vec::with_capacity(kb.len());
        let mut df: HashMap<String, u32> = HashMap::new();
        let mut total = [0u64; FIELDS];
        for e in kb.entries() {
            let doc = Self::doc(e);
            for t in doc.tf.keys() {
                *df.entry(t.clone()).or_default() += 1;
            }
            for (f, n) in doc.len.iter().enumerate() {
                total[f] += *n as u64;
            }
            docs.push(doc);
        }
        let n = docs.len().max(1) as f32;
        let avg = std::array::from_fn(|f| (total[f] as f32 / n).max(1.0));
        Index { ids: kb.entries().iter().map(|e| e.id.clone()).collect(), docs, df, avg }
    }

    fn doc(e: &Entry) -> Doc {
        let stem = stemmer(&e.language);
        let fields = [e.title.clone(), e.tags.join(" ").replace(['_', '-'], " "), e.examples.join("\n"), e.body.clone()];
        let mut tf: HashMap<String, [u16; FIELDS]> = HashMap::new();
        let mut len = [0u32; FIELDS];
        for (f, text) in fields.iter().enumerate() {
            let ts = terms(text, stem.as_ref());
            len[f] = ts.len() as u32;
            for (t, _) in ts {
                let slot = &mut tf.entry(t).or_insert([0; FIELDS])[f];
                *slot = slot.saturating_add(1);
            }
        }
        Doc { tf, len, language: e.language.clone() }
    }

    /// The `k` best entries for `post` (and the thread above it, if the page shows it).
    pub fn search(&self, post: &str, k: usize, feedback: &Feedback) -> Vec<Suggestion> {
        let lang = guess_language(post);
        let n = self.docs.len() as f32;
        // Query terms per stemming language, computed once per language in the KB.
        let mut by_lang: HashMap<&str, Vec<(String, String)>> = HashMap::new();
        let mut scored: Vec<Suggestion> = Vec::new();
        for (i, d) in self.docs.iter().enumerate() {
            let q = by_lang.entry(d.language.as_str()).or_insert_with(|| {
                // Stem the post as the entry's language would, so "refunds" meets "refund".
                let mut ts = terms(post, stemmer(&d.language).as_ref());
                ts.sort();
                ts.dedup_by(|a, b| a.0 == b.0);
                ts
            });
            let mut score = 0.0;
            let mut matched = Vec::new();
            for (t, surface) in q.iter() {
                let Some(tf) = d.tf.get(t) else { continue };
                let df = *self.df.get(t).unwrap_or(&0) as f32;
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                let w: f32 = (0..FIELDS)
                    .map(|f| WEIGHT[f] * tf[f] as f32 / (1.0 - B[f] + B[f] * d.len[f] as f32 / self.avg[f]))
                    .sum();
                score += idf * w / (K1 + w);
                matched.push(surface.clone());
            }
            if score <= 0.0 {
                continue;
            }
            // Entries in the post's language first; picks nudge, they never dominate.
            if d.language.starts_with(lang) {
                score *= 1.15;
            }
            let picks = feedback.picks.get(&self.ids[i]).copied().unwrap_or(0) as f32;
            score *= 1.0 + 0.15 * (1.0 + picks).ln();
            scored.push(Suggestion { id: self.ids[i].clone(), score, matched });
        }
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        scored.truncate(k);
        scored
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::kb::{Kind, Need};
    use std::collections::BTreeMap;

    fn entry(id: &str, title: &str, body: &str, tags: &[&str], examples: &[&str], lang: &str) -> Entry {
        Entry {
            id: id.into(),
            kind: Kind::Reply,
            title: title.into(),
            body: body.into(),
            variants: BTreeMap::new(),
            tags: tags.iter().map(|s| s.to_string()).collect(),
            examples: examples.iter().map(|s| s.to_string()).collect(),
            url: None,
            intent: None,
            language: lang.into(),
            owner: String::new(),
            updated_at: String::new(),
            variables: BTreeMap::from([("customer.first_name".to_string(), Need::Optional)]),
        }
    }

    fn kb() -> KnowledgeBase {
        let mut kb = KnowledgeBase::default();
        kb.upsert(entry("refund", "Refund status", "Refunds reach your card in 5-10 days.", &["refund"], &["where is my refund", "I want my money back"], "en"));
        kb.upsert(entry("track", "Where is my order", "Send us your order number and we'll track it.", &["order_status", "tracking"], &["where is my order", "package not arrived"], "en"));
        kb.upsert(entry("hacked", "Hacked account", "Reset your password from the login page.", &["account_access"], &["my account was hacked", "can't log in"], "en"));
        kb.upsert(entry("reembolso", "Estado del reembolso", "Los reembolsos llegan en 5-10 días.", &["refund"], &["¿dónde está mi reembolso?"], "es"));
        kb
    }

    #[test]
    fn ranks_the_entry_that_answers_first_with_stemming() {
        let idx = Index::new(&kb());
        let r = idx.search("Still waiting on my REFUNDS 😡 where are they??", 3, &Feedback::default());
        assert_eq!(r[0].id, "refund");
        assert!(r[0].matched.contains(&"refunds".to_string()), "{:?}", r[0].matched);
    }

    #[test]
    fn spanish_post_gets_spanish_entry() {
        let idx = Index::new(&kb());
        let r = idx.search("Hola, ¿dónde está mi reembolso? Ya pasaron dos semanas", 2, &Feedback::default());
        assert_eq!(r[0].id, "reembolso");
    }

    #[test]
    fn picks_break_ties_without_taking_over() {
        let idx = Index::new(&kb());
        let mut fb = Feedback::default();
        fb.picks.insert("hacked".into(), 50);
        let r = idx.search("where is my order, package not arrived", 2, &fb);
        assert_eq!(r[0].id, "track", "a popular but unrelated entry does not win");
    }

    #[test]
    fn unrelated_post_gets_nothing() {
        assert!(Index::new(&kb()).search("lovely weather today", 3, &Feedback::default()).is_empty());
    }

    #[test]
    fn guesses_languages() {
        assert_eq!(guess_language("mi pedido no llega y es urgente"), "es");
        assert_eq!(guess_language("ma commande n'est pas arrivée et je suis déçu"), "fr");
        assert_eq!(guess_language("where is my order"), "en");
    }
}
