//! Ranking knowledge-base entries for a post: BM25F over four fields (title, tags, example
//! questions, body), Unicode words, Snowball stemming in the entry's language (English,
//! Spanish, French, German; others unstemmed), stop words removed, plus a small boost for
//! entries agents picked before. Each suggestion says which words matched.

use super::KnowledgeBase;
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

/// One entry's field statistics.
struct Doc {
    len: [u32; FIELDS],
    /// Index into `Index::languages`: compared per posting, so a number, not a string.
    lang: u16,
}

/// Where a term occurs: entry, and its frequency per field.
struct Posting {
    doc: u32,
    tf: [u16; FIELDS],
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

/// How much the best-matching single example question counts next to the whole entry.
/// An entry with a hundred example questions is long; one of them phrased like the post
/// is the strongest evidence, so each example is also scored on its own (BM25 over
/// examples) and the best one is added.
const EXAMPLE_WEIGHT: f32 = 0.5;

/// A search index over a knowledge base: inverted lists per term for the entries' fields
/// and for each example question. Build once per KB change; query per post.
pub struct Index {
    ids: Vec<String>,
    docs: Vec<Doc>,
    /// The entries' languages, each once ("en", "es", …).
    languages: Vec<String>,
    postings: HashMap<String, Vec<Posting>>,
    avg: [f32; FIELDS],
    /// Example questions: owning entry and length; and term -> (example, tf).
    examples: Vec<(u32, u32)>,
    example_postings: HashMap<String, Vec<(u32, u16)>>,
    avg_example: f32,
}

impl Index {
    pub fn new(kb: &KnowledgeBase) -> Index {
        let mut docs = Vec::with_capacity(kb.len());
        let mut languages: Vec<String> = Vec::new();
        let mut postings: HashMap<String, Vec<Posting>> = HashMap::new();
        let mut examples = Vec::new();
        let mut example_postings: HashMap<String, Vec<(u32, u16)>> = HashMap::new();
        let mut total = [0u64; FIELDS];
        let mut total_example = 0u64;
        for (i, e) in kb.entries().iter().enumerate() {
            let stem = stemmer(&e.language);
            let fields = [e.title.clone(), e.tags.join(" ").replace(['_', '-'], " "), e.examples.join("\n"), e.body.clone()];
            let mut tf: HashMap<String, [u16; FIELDS]> = HashMap::new();
            let mut len = [0u32; FIELDS];
            for (f, text) in fields.iter().enumerate() {
                let ts = terms(text, stem.as_ref());
                len[f] = ts.len() as u32;
                total[f] += ts.len() as u64;
                for (t, _) in ts {
                    let slot = &mut tf.entry(t).or_insert([0; FIELDS])[f];
                    *slot = slot.saturating_add(1);
                }
            }
            for (t, counts) in tf {
                postings.entry(t).or_default().push(Posting { doc: i as u32, tf: counts });
            }
            for ex in &e.examples {
                let ts = terms(ex, stem.as_ref());
                let id = examples.len() as u32;
                examples.push((i as u32, ts.len() as u32));
                total_example += ts.len() as u64;
                let mut counts: HashMap<String, u16> = HashMap::new();
                for (t, _) in ts {
                    *counts.entry(t).or_default() += 1;
                }
                for (t, c) in counts {
                    example_postings.entry(t).or_default().push((id, c));
                }
            }
            let lang = match languages.iter().position(|l| *l == e.language) {
                Some(i) => i,
                None => {
                    languages.push(e.language.clone());
                    languages.len() - 1
                }
            } as u16;
            docs.push(Doc { len, lang });
        }
        let n = docs.len().max(1) as f32;
        let avg = std::array::from_fn(|f| (total[f] as f32 / n).max(1.0));
        let avg_example = (total_example as f32 / examples.len().max(1) as f32).max(1.0);
        Index { ids: kb.entries().iter().map(|e| e.id.clone()).collect(), docs, languages, postings, avg, examples, example_postings, avg_example }
    }

    /// Bytes the index holds (approximate: terms, postings and ids).
    pub fn memory_bytes(&self) -> usize {
        let post: usize = self.postings.iter().map(|(t, p)| t.len() + 24 + p.len() * std::mem::size_of::<Posting>()).sum();
        let ex: usize = self.example_postings.iter().map(|(t, p)| t.len() + 24 + p.len() * 8).sum();
        post + ex + self.ids.iter().map(|i| i.len() + 24).sum::<usize>() + self.docs.len() * (std::mem::size_of::<Doc>() + 4) + self.examples.len() * 8
    }

    /// The `k` best entries for `post` (and the thread above it, if the page shows it).
    pub fn search(&self, post: &str, k: usize, feedback: &Feedback) -> Vec<Suggestion> {
        let lang = guess_language(post);
        let n = self.docs.len() as f32;
        let n_ex = self.examples.len() as f32;
        let mut score = vec![0f32; self.docs.len()];
        // Which query words matched each entry, as a bit set (strings only for the winners).
        let mut hits = vec![0u64; self.docs.len()];
        let mut surfaces: Vec<String> = Vec::new();
        // The best three example questions per entry (kNN voting over examples).
        let mut best_example = vec![[0f32; 3]; self.docs.len()];
        let mut ex_score = vec![0f32; self.examples.len()];
        let mut touched: Vec<u32> = Vec::new();
        // Stem the post as each entry language would, so "refunds" meets "refund" in
        // English and "reembolsos" meets "reembolso" in Spanish.
        for (li, l) in self.languages.iter().enumerate() {
            let li = li as u16;
            let mut q = terms(post, stemmer(l).as_ref());
            q.sort();
            q.dedup_by(|a, b| a.0 == b.0);
            for (t, surface) in &q {
                let bit = match surfaces.iter().position(|s| s == surface) {
                    Some(i) => i,
                    None => {
                        surfaces.push(surface.clone());
                        surfaces.len() - 1
                    }
                }
                .min(63);
                if let Some(list) = self.postings.get(t) {
                    let idf = (1.0 + (n - list.len() as f32 + 0.5) / (list.len() as f32 + 0.5)).ln();
                    for p in list {
                        let d = &self.docs[p.doc as usize];
                        if d.lang != li {
                            continue;
                        }
                        let w: f32 = (0..FIELDS).map(|f| WEIGHT[f] * p.tf[f] as f32 / (1.0 - B[f] + B[f] * d.len[f] as f32 / self.avg[f])).sum();
                        score[p.doc as usize] += idf * w / (K1 + w);
                        hits[p.doc as usize] |= 1 << bit;
                    }
                }
                if let Some(list) = self.example_postings.get(t) {
                    let idf = (1.0 + (n_ex - list.len() as f32 + 0.5) / (list.len() as f32 + 0.5)).ln();
                    for &(ex, tf) in list {
                        let (doc, len) = self.examples[ex as usize];
                        if self.docs[doc as usize].lang != li {
                            continue;
                        }
                        let tf = tf as f32;
                        if ex_score[ex as usize] == 0.0 {
                            touched.push(ex);
                        }
                        ex_score[ex as usize] += idf * tf * (K1 + 1.0) / (tf + K1 * (0.25 + 0.75 * len as f32 / self.avg_example));
                    }
                }
            }
            for ex in touched.drain(..) {
                let s = std::mem::take(&mut ex_score[ex as usize]);
                let top = &mut best_example[self.examples[ex as usize].0 as usize];
                if s > top[2] {
                    top[2] = s;
                    top.sort_by(|a, b| b.total_cmp(a));
                }
            }
        }
        let preferred: Vec<bool> = self.languages.iter().map(|l| l.starts_with(lang)).collect();
        let mut ranked: Vec<(f32, usize)> = Vec::new();
        for (i, d) in self.docs.iter().enumerate() {
            let [a, b, c] = best_example[i];
            let mut s = score[i] + EXAMPLE_WEIGHT * (a + 0.5 * b + 0.25 * c);
            if s <= 0.0 {
                continue;
            }
            // Entries in the post's language first; picks nudge, they never dominate.
            if preferred[d.lang as usize] {
                s *= 1.15;
            }
            if let Some(&picks) = feedback.picks.get(&self.ids[i]) {
                s *= 1.0 + 0.15 * (1.0 + picks as f32).ln();
            }
            ranked.push((s, i));
        }
        let order = |a: &(f32, usize), b: &(f32, usize)| b.0.total_cmp(&a.0).then_with(|| self.ids[a.1].cmp(&self.ids[b.1]));
        let k = k.min(ranked.len());
        if k > 0 && k < ranked.len() {
            ranked.select_nth_unstable_by(k - 1, order);
            ranked.truncate(k);
        }
        ranked.sort_by(order);
        ranked
            .into_iter()
            .map(|(s, i)| {
                let matched = (0..surfaces.len().min(64)).filter(|b| hits[i] & (1 << b) != 0).map(|b| surfaces[b].clone()).collect();
                Suggestion { id: self.ids[i].clone(), score: s, matched }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::kb::{Entry, Kind, Need};
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
