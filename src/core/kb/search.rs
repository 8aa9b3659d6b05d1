//! Ranking knowledge-base entries for a post. Unicode words, Snowball stemming in the
//! entry's language (English, Spanish, French, German, …; others unstemmed), and five
//! signals summed per entry:
//!
//! - BM25F over four fields (title, tags, example questions, body), stop words removed;
//! - the example questions as tf-idf vectors (sublinear tf, unit length; idf by the
//!   entries whose questions have a feature) over stemmed words, stop words at half
//!   weight, and word pairs ("top up", "not working"):
//!   - kNN: cosine with the entry's nearest example questions, the best eight with
//!     decaying weights;
//!   - centroid: cosine with the mean of the entry's example vectors;
//!   - naive Bayes: how much likelier the post's words are under the entry's example
//!     words than under all entries' (a log-likelihood ratio, when positive);
//!   - a linear model learned from the example questions when the index is built
//!     (logistic regression: which words tell an entry apart from the others), for
//!     knowledge bases up to a size (see `learn`).
//!
//! An entry without example questions uses its title as one. A word the index doesn't
//! know counts, at a lower weight, as a known word one typo away ("withdrawl"); @mentions
//! don't count. The thread above a post (parent post, earlier replies) can be given: it is
//! ranked on its own and added at a reduced weight. Entries in the post's language come
//! first; entries agents picked before get a small boost. Each suggestion says which words
//! matched.

use super::{Entry, KnowledgeBase};
use crate::core::text::words::words;
use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const FIELDS: usize = 4;
/// Field weights: a word in the title or tags says more than one in the body.
/// Chosen by hand, not tuned (2f742b4, before any ranking benchmark existed).
const WEIGHT: [f32; FIELDS] = [3.0, 2.5, 2.0, 1.0];
/// Length normalisation per field (short fields barely need it). The body's 0.75 is BM25's
/// usual b (Robertson & Zaragoza 2009); the shorter fields' were chosen by hand, not tuned.
const B: [f32; FIELDS] = [0.4, 0.2, 0.6, 0.75];
/// BM25's usual k1 (Robertson & Zaragoza 2009), not tuned.
const K1: f32 = 1.2;

/// Weights in the example vectors: stop words ("not", "still", "how") say something in a
/// short question, less than other words; a word pair counts on top of its two words.
/// These and the kNN, centroid and naive-Bayes numbers below: tuned on the BANKING77
/// development split (BANKING77_DEV=1, a split of the knowledge-base rows; 16092d3, a864acf).
const STOP_WEIGHT: f32 = 0.5;
const PAIR_WEIGHT: f32 = 0.6;
/// kNN: the best `KNN` example questions per entry, each weighted `KNN_DECAY` times the one
/// before it.
const KNN: usize = 8;
const KNN_DECAY: f32 = 0.8;
/// How the signals add up, next to BM25F (which is about 2–15 for a matching entry).
const KNN_WEIGHT: f32 = 4.0;
const CENTROID_WEIGHT: f32 = 16.0;
const BAYES_WEIGHT: f32 = 0.5;
/// Naive Bayes: additive smoothing.
const BAYES_ALPHA: f32 = 0.02;
/// A learned linear model (see `learn`): how much its score counts, its training (epochs
/// over the example questions, the first step's size, shrinking to none by the last), the
/// features it uses (those in at least `LEARN_MIN_DF` example questions) and the weights it
/// keeps (the rest are near 0 and dropped). Tuned on 5-fold splits of the knowledge-base
/// rows and the BANKING77 development split (d7a7733).
const LEARN_WEIGHT: f32 = 2.0;
const LEARN_EPOCHS: usize = 5;
const LEARN_RATE: f32 = 5.0;
const LEARN_MIN_DF: usize = 3;
const LEARN_PRUNE: f32 = 0.05;
/// The model is learned only for a knowledge base within these: entries × features (the
/// weights while learning, 4 bytes each) and entries × the example questions' features
/// (the work per epoch). Budgets chosen by hand, not tuned: 8 MiB of weights (2^21 × 4
/// bytes) and 2^24 multiply-adds per epoch (d7a7733).
const LEARN_CELLS: usize = 1 << 21;
/// ...and with this many example questions per entry on average: with a handful each (the
/// starter knowledge base has about five) the model learns the questions' accidents and
/// ranks worse (the triage feed's order got worse with it: 21 neighbouring-tier crossings
/// instead of 4, d7a7733).
const LEARN_MIN_EXAMPLES: usize = 8;
const LEARN_WORK: usize = 1 << 24;
/// A typo's correction counts this much of a word. Chosen by hand (16092d3); no tuning recorded.
const TYPO_WEIGHT: f32 = 0.8;
/// The thread's scores count this much of the post's (more when the post itself matches
/// little; see `Index::search_with_thread`). Chosen by hand, not tuned: no benchmark has
/// threads; the thread tests below check what it must do (16092d3).
pub const THREAD_WEIGHT: f32 = 0.35;

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
    "myself", "ours", "ourselves", "you're", "you've", "you'll", "you'd", "yours", "yourself", "yourselves", "him", "himself", "she's", "hers", "herself", "itself",
    "theirs", "themselves", "which", "who", "whom", "that'll", "these", "those", "am", "being", "having", "doing", "because", "until", "while", "about", "against",
    "between", "into", "through", "during", "before", "after", "above", "below", "up", "down", "out", "off", "over", "under", "again", "further", "then", "once", "here",
    "all", "both", "each", "few", "more", "most", "other", "some", "such", "nor", "only", "own", "same", "than", "too", "very", "don", "don't", "should", "should've",
    "now", "ll", "re", "ve", "ain", "aren", "aren't", "couldn", "couldn't", "didn", "didn't", "doesn", "doesn't", "hadn", "hadn't", "hasn", "hasn't", "haven", "haven't",
    "isn", "isn't", "ma", "mightn", "mightn't", "mustn", "mustn't", "needn", "needn't", "shan", "shan't", "shouldn", "shouldn't", "wasn", "wasn't", "weren", "weren't",
    "won", "won't", "wouldn", "wouldn't",
    // indefinite pronouns, function words too
    "nothing", "anything", "something", "everything", "nobody", "anybody", "somebody", "everybody", "noone", "anyone", "someone", "everyone", "none",
    // Spanish
    "el", "la", "los", "las", "un", "una", "y", "o", "de", "del", "en", "que", "es", "mi", "por", "para", "con", "se", "lo", "su", "al", "no", "me", "hola", "nada", "algo", "nadie", "alguien",
    // French
    "le", "les", "des", "et", "ou", "du", "je", "est", "mon", "ma", "mes", "pour", "avec", "pas", "ne", "que", "qui", "sur", "au", "aux", "il", "elle", "bonjour", "rien", "quelque", "chose", "quelqu'un",
    // German
    "der", "die", "das", "und", "ist", "ich", "mein", "meine", "nicht", "mit", "für", "auf", "ein", "eine", "nichts", "etwas", "niemand", "jemand",
];

/// Whether a word is a stop word (a set: the list is long, and every word is checked).
fn is_stop(word: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| STOP.iter().copied().collect()).contains(word)
}

/// One word of a text for ranking.
struct Token {
    /// Its stem (or, for a typo, the stem it was corrected to).
    term: String,
    /// The word as written (lower-cased).
    surface: String,
    stop: bool,
    /// 1, or less for a typo's correction.
    weight: f32,
}

/// The words of a text, stemmed; single letters dropped (single digits kept), and
/// @mentions too: they name an account, not what the post is about.
fn tokens(text: &str, stem: Option<&Stemmer>) -> Vec<Token> {
    words(text)
        .into_iter()
        .filter(|w| !text[..w.span.start].ends_with('@'))
        .filter(|w| w.norm.chars().count() > 1 || w.norm.chars().all(|c| c.is_ascii_digit()))
        .map(|w| Token { term: stem.map_or_else(|| w.norm.clone(), |s| s.stem(&w.norm).into_owned()), stop: is_stop(&w.norm), surface: w.norm, weight: 1.0 })
        .collect()
}

/// The key of an example-vector feature: a stemmed word, or a pair of them (FNV-1a, then
/// mixed; the same on every platform).
fn feature_key(a: &str, b: Option<&str>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &x in bytes {
            h = (h ^ x as u64).wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(a.as_bytes());
    if let Some(b) = b {
        eat(&[0]);
        eat(b.as_bytes());
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// A hasher for keys that already are hashes.
#[derive(Default)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type FeatureMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<Prehashed>>;

/// Adds a text's vector features to `into`: feature -> weight before idf (its kind's
/// weight × (1 + ln count)); a feature already there keeps the larger weight.
fn add_features(toks: &[Token], into: &mut FeatureMap<f32>) {
    let mut counts: FeatureMap<(f32, f32)> = FeatureMap::default();
    for t in toks {
        let slot = counts.entry(feature_key(&t.term, None)).or_insert((0.0, 0.0));
        slot.0 = slot.0.max(if t.stop { STOP_WEIGHT } else { 1.0 } * t.weight);
        slot.1 += 1.0;
    }
    for p in toks.windows(2) {
        let slot = counts.entry(feature_key(&p[0].term, Some(&p[1].term))).or_insert((0.0, 0.0));
        slot.0 = slot.0.max(PAIR_WEIGHT * p[0].weight.min(p[1].weight));
        slot.1 += 1.0;
    }
    for (f, (w, n)) in counts {
        let w = w * (1.0 + n.ln());
        let slot = into.entry(f).or_insert(0.0);
        *slot = slot.max(w);
    }
}

/// The language whose stop words a text uses most (en, es, fr, de), if it uses any.
fn language_of(text: &str) -> Option<&'static str> {
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
        .filter(|&(_, n)| n > 0)
        .map(|(l, _)| l)
}

/// Guesses a post's language from its stop words (en, es, fr, de), for stemming the query.
pub fn guess_language(text: &str) -> &'static str {
    language_of(text).unwrap_or("en")
}

/// Whether `a` and `b` are at most one edit apart: one letter added, dropped, changed, or
/// two neighbours swapped.
fn one_edit(a: &[char], b: &[char]) -> bool {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if b.len() - a.len() > 1 {
        return false;
    }
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if same == a.len() {
        return true;
    }
    if a.len() < b.len() {
        return a[same..] == b[same + 1..];
    }
    a[same + 1..] == b[same + 1..] || (same + 1 < a.len() && a[same] == b[same + 1] && a[same + 1] == b[same] && a[same + 2..] == b[same + 2..])
}

/// How the vocabulary is sorted for typos: first letter, then length in letters.
fn typo_key(t: &str) -> (char, usize) {
    (t.chars().next().unwrap_or('\0'), t.chars().count())
}

/// The idf of an example-vector feature in the example questions of `df` of `n` entries
/// (entries, not questions: a word all of one entry's questions use says much).
fn idf(n: usize, df: usize) -> f32 {
    ((n as f32 + 1.0) / (df as f32 + 1.0)).ln() + 1.0
}

/// One entry's field statistics.
struct Doc {
    len: [u32; FIELDS],
    /// Index into `Index::languages`: compared per posting, so a number, not a string.
    lang: u16,
    /// Naive Bayes: the entry's example features, summed.
    mass: f32,
    /// 1 / the length of the sum of its example vectors (for the centroid's cosine).
    centroid: f32,
}

/// Where a term occurs: entry, and its frequency per field.
struct Posting {
    doc: u32,
    tf: [u16; FIELDS],
}

/// An example question a feature occurs in, and its weight there before idf.
type Occurrence = (u32, f32);

/// A ranked suggestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub id: String,
    pub score: f32,
    /// The post's words that matched, to show agents why; words only the thread has end
    /// in " (thread)".
    pub matched: Vec<String>,
}

/// How often agents picked each entry (learned from use).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub picks: HashMap<String, u32>,
}

/// A search index over a knowledge base: inverted lists per term for the entries' fields
/// and for the example questions' vectors. Build once per KB change; query per post.
pub struct Index {
    ids: Vec<String>,
    docs: Vec<Doc>,
    /// The entries' languages, each once ("en", "es", …).
    languages: Vec<String>,
    postings: HashMap<String, Vec<Posting>>,
    avg: [f32; FIELDS],
    /// Each example question's entry, and 1 / the length of its tf-idf vector.
    examples: Vec<(u32, f32)>,
    /// Example-vector features -> their range in `occurrences`, and their idf.
    features: FeatureMap<(u32, u32, f32)>,
    /// Per feature, in example order.
    occurrences: Vec<Occurrence>,
    /// Naive Bayes: all entries' example features, summed.
    mass: f32,
    /// Per language, its entries' terms sorted by first letter and length, for typos.
    vocab: Vec<Vec<String>>,
    /// The learned model: example-vector features -> their range in `weights` (entry,
    /// weight); empty when the knowledge base was too large to learn it.
    learned: FeatureMap<(u32, u32)>,
    weights: Vec<(u32, f32)>,
}

/// Builds an index a slice of entries at a time, so a large knowledge base can be indexed
/// between other work (the worker answers the page while the old index serves).
#[derive(Default)]
pub struct IndexBuilder {
    ids: Vec<String>,
    docs: Vec<Doc>,
    languages: Vec<String>,
    vocab: Vec<Vec<String>>,
    postings: HashMap<String, Vec<Posting>>,
    examples: Vec<(u32, f32)>,
    lists: FeatureMap<Vec<(u32, f32)>>,
    total: [u64; FIELDS],
}

impl IndexBuilder {
    pub fn new() -> IndexBuilder {
        IndexBuilder::default()
    }

    /// Entries added so far.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Reads the next entries (tokenising and stemming: most of the build's cost).
    pub fn add(&mut self, entries: &[Entry]) {
        let IndexBuilder { ids, docs, languages, vocab, postings, examples, lists, total } = self;
        for e in entries {
            let i = docs.len();
            ids.push(e.id.clone());
            let lang = match languages.iter().position(|l| *l == e.language) {
                Some(i) => i,
                None => {
                    languages.push(e.language.clone());
                    vocab.push(Vec::new());
                    languages.len() - 1
                }
            };
            let stem = stemmer(&e.language);
            // Each example question is read once, for the examples field and its vector.
            let asked: Vec<Vec<Token>> = e.examples.iter().map(|x| tokens(x, stem.as_ref())).collect();
            let fields = [tokens(&e.title, stem.as_ref()), tokens(&e.tags.join(" ").replace(['_', '-'], " "), stem.as_ref()), Vec::new(), tokens(&e.body, stem.as_ref())];
            let mut tf: HashMap<String, [u16; FIELDS]> = HashMap::new();
            let mut len = [0u32; FIELDS];
            for (f, ts) in fields.iter().enumerate() {
                let ts: Vec<&Token> = if f == 2 { asked.iter().flatten().collect() } else { ts.iter().collect() };
                for t in ts.into_iter().filter(|t| !t.stop) {
                    len[f] += 1;
                    let slot = &mut tf.entry(t.term.clone()).or_insert([0; FIELDS])[f];
                    *slot = slot.saturating_add(1);
                }
                total[f] += len[f] as u64;
            }
            for (t, counts) in tf {
                postings.entry(t).or_default().push(Posting { doc: i as u32, tf: counts });
            }
            // Example questions' vectors; the title stands in for an entry without any.
            let title = if asked.is_empty() { vec![tokens(&e.title, stem.as_ref())] } else { Vec::new() };
            for ex in if asked.is_empty() { &title } else { &asked } {
                let id = examples.len() as u32;
                examples.push((i as u32, 0.0));
                let mut fs = FeatureMap::default();
                add_features(ex, &mut fs);
                for (f, w) in fs {
                    lists.entry(f).or_default().push((id, w));
                }
            }
            docs.push(Doc { len, lang: lang as u16, mass: 0.0, centroid: 0.0 });
                }
    }

    /// The whole-index statistics (idf-weighted norms, centroids, typo vocabulary).
    pub fn finish(self) -> Index {
        let IndexBuilder { ids, mut docs, languages, mut vocab, postings, mut examples, lists, total } = self;
        let lists: Vec<(u64, Vec<Occurrence>)> = lists.into_iter().collect();
        // Each feature's idf, by the entries whose questions have it. Lists are in example
        // order, so an entry's occurrences are together.
        let idfs: Vec<f32> = lists
            .iter()
            .map(|(_, list)| {
                let entries = list.iter().fold((0, u32::MAX), |(n, at), &(ex, _)| match examples[ex as usize].0 {
                    d if d == at => (n, at),
                    d => (n + 1, d),
                });
                idf(docs.len(), entries.0)
            })
            .collect();
        // Lengths of the example vectors (tf-idf), then of the entries' centroids (sums of
        // unit example vectors).
        let mut norm = vec![0f32; examples.len()];
        for ((_, list), &idf) in lists.iter().zip(&idfs) {
            for &(ex, w) in list {
                docs[examples[ex as usize].0 as usize].mass += w;
                norm[ex as usize] += (w * idf).powi(2);
            }
        }
        for (ex, n) in examples.iter_mut().zip(norm) {
            ex.1 = 1.0 / n.sqrt().max(1e-6);
        }
        let mut centroid = vec![0f32; docs.len()];
        for ((_, list), &idf) in lists.iter().zip(&idfs) {
            let mut at = (u32::MAX, 0f32);
            for &(ex, w) in list {
                let (d, inv) = examples[ex as usize];
                if d != at.0 {
                    if at.0 != u32::MAX {
                        centroid[at.0 as usize] += at.1 * at.1;
                    }
                    at = (d, 0.0);
                }
                at.1 += w * idf * inv;
            }
            if at.0 != u32::MAX {
                centroid[at.0 as usize] += at.1 * at.1;
            }
        }
        for (d, c) in docs.iter_mut().zip(centroid) {
            d.centroid = 1.0 / c.sqrt().max(1e-6);
        }
        let (learned, weights) = learn(&lists, &idfs, &examples, docs.len(), LEARN_CELLS, LEARN_WORK);
        let mut features = FeatureMap::default();
        features.reserve(lists.len());
        let mut occurrences = Vec::with_capacity(lists.iter().map(|(_, l)| l.len()).sum());
        for ((f, list), idf) in lists.into_iter().zip(idfs) {
            features.insert(f, (occurrences.len() as u32, list.len() as u32, idf));
            occurrences.extend(list);
        }
        let mut seen = vec![false; vocab.len()];
        for (t, list) in &postings {
            seen.iter_mut().for_each(|s| *s = false);
            for p in list {
                let l = docs[p.doc as usize].lang as usize;
                if !seen[l] {
                    seen[l] = true;
                    vocab[l].push(t.clone());
                }
            }
        }
        for v in &mut vocab {
            v.sort_unstable_by(|a, b| (typo_key(a), a).cmp(&(typo_key(b), b)));
        }
        let n = docs.len().max(1) as f32;
        let avg = std::array::from_fn(|f| (total[f] as f32 / n).max(1.0));
        let mass = docs.iter().map(|d| d.mass).sum();
        Index { ids, docs, languages, postings, avg, examples, features, occurrences, mass, vocab, learned, weights }
    }
}

/// Features -> their range in the weights, and the weights: (entry, weight).
type Learned = (FeatureMap<(u32, u32)>, Vec<(u32, f32)>);

/// A linear model over the example vectors, learned from the example questions: for each
/// entry, a weight per feature (multinomial logistic regression, by stochastic gradient
/// descent). Where the centroid says which words an entry's questions use, this learns
/// which words tell it apart from the others ("pending" from a top-up that failed, "card"
/// counting little where every entry has it, less than nothing where it points elsewhere).
/// Only for a knowledge base within `LEARN_CELLS` and `LEARN_WORK` (the work grows with
/// entries × questions); larger ones rank without it. Weights near 0 are left out.
fn learn(lists: &[(u64, Vec<Occurrence>)], idfs: &[f32], examples: &[(u32, f32)], n_docs: usize, cells: usize, work: usize) -> Learned {
    let used: Vec<usize> = (0..lists.len()).filter(|&i| lists[i].1.len() >= LEARN_MIN_DF).collect();
    let nnz: usize = used.iter().map(|&i| lists[i].1.len()).sum();
    if n_docs < 2 || examples.len() < n_docs * LEARN_MIN_EXAMPLES || used.is_empty() || n_docs.saturating_mul(used.len()) > cells || n_docs.saturating_mul(nnz) > work {
        return (FeatureMap::default(), Vec::new());
    }
    // The example vectors as rows: (column, value), unit length as the ranking's.
    let mut start = vec![0usize; examples.len() + 1];
    for &i in &used {
        for &(ex, _) in &lists[i].1 {
            start[ex as usize + 1] += 1;
        }
    }
    for e in 0..examples.len() {
        start[e + 1] += start[e];
    }
    let mut fill = start.clone();
    let mut rows = vec![(0u32, 0f32); nnz];
    for (col, &i) in used.iter().enumerate() {
        for &(ex, w) in &lists[i].1 {
            rows[fill[ex as usize]] = (col as u32, w * idfs[i] * examples[ex as usize].1);
            fill[ex as usize] += 1;
        }
    }
    // Weights by feature, then entry: a row's scores add whole columns.
    let mut w = vec![0f32; used.len() * n_docs];
    let mut z = vec![0f32; n_docs];
    let mut grad: Vec<(usize, f32)> = Vec::new();
    let mut order: Vec<u32> = (0..examples.len() as u32).collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let steps = (LEARN_EPOCHS * examples.len()) as f32;
    let mut step = 0f32;
    for _ in 0..LEARN_EPOCHS {
        // A fixed shuffle (xorshift), the same on every platform.
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        for &ex in &order {
            let row = &rows[start[ex as usize]..start[ex as usize + 1]];
            let rate = LEARN_RATE * (1.0 - step / steps);
            step += 1.0;
            z.fill(0.0);
            for &(col, v) in row {
                // Four at a time: the build optimises for size, which doesn't unroll.
                let column = &w[col as usize * n_docs..][..n_docs];
                let mut zs = z.chunks_exact_mut(4);
                let mut cs = column.chunks_exact(4);
                for (x, c) in (&mut zs).zip(&mut cs) {
                    x[0] += v * c[0];
                    x[1] += v * c[1];
                    x[2] += v * c[2];
                    x[3] += v * c[3];
                }
                for (x, c) in zs.into_remainder().iter_mut().zip(cs.remainder()) {
                    *x += v * c;
                }
            }
            // The gradient of the log-loss: probability, less 1 for the right entry.
            let max = z.iter().copied().fold(f32::MIN, f32::max);
            let mut sum = 0.0;
            for x in z.iter_mut() {
                // exp(-12) is below what counts (see below): no need to compute it.
                *x = if *x > max - 12.0 { (*x - max).exp() } else { 0.0 };
                sum += *x;
            }
            // Only entries with a say in the gradient are updated (most are near 0).
            let y = examples[ex as usize].0 as usize;
            grad.clear();
            grad.extend(z.iter().enumerate().filter(|&(d, &p)| p > sum * 1e-4 || d == y).map(|(d, &p)| (d, -rate * p / sum + if d == y { rate } else { 0.0 })));
            for &(col, v) in row {
                let column = &mut w[col as usize * n_docs..][..n_docs];
                for &(d, g) in &grad {
                    column[d] += v * g;
                }
            }
        }
    }
    let mut learned = FeatureMap::default();
    let mut weights = Vec::new();
    for (col, &i) in used.iter().enumerate() {
        let at = weights.len();
        weights.extend(w[col * n_docs..][..n_docs].iter().enumerate().filter(|(_, c)| c.abs() >= LEARN_PRUNE).map(|(d, &c)| (d as u32, c)));
        if weights.len() > at {
            learned.insert(lists[i].0, (at as u32, (weights.len() - at) as u32));
        }
    }
    (learned, weights)
}

impl Index {
    pub fn new(kb: &KnowledgeBase) -> Index {
        let mut b = IndexBuilder::new();
        b.add(kb.entries());
        b.finish()
    }

    /// Bytes the index holds (approximate: terms, postings, features and ids).
    pub fn memory_bytes(&self) -> usize {
        let post: usize = self.postings.iter().map(|(t, p)| t.len() + 24 + p.len() * std::mem::size_of::<Posting>()).sum();
        let feat = self.features.len() * 24 + self.occurrences.len() * 8 + self.learned.len() * 16 + self.weights.len() * 8;
        let vocab: usize = self.vocab.iter().flatten().map(|t| t.len() + 24).sum();
        post + feat + vocab + self.ids.iter().map(|i| i.len() + 24).sum::<usize>() + self.docs.len() * (std::mem::size_of::<Doc>() + 4) + self.examples.len() * 8
    }

    /// The commonest term of language `lang` one edit away from `term`, sharing its first
    /// letter (typos rarely hit the first one).
    fn correct(&self, lang: usize, term: &str) -> Option<&str> {
        let a: Vec<char> = term.chars().collect();
        let first = *a.first()?;
        // The vocabulary is sorted by first letter and length: only lengths ±1 are read.
        let vocab = &self.vocab[lang];
        let from = vocab.partition_point(|t| typo_key(t) < (first, a.len().saturating_sub(1)));
        let to = vocab.partition_point(|t| typo_key(t) <= (first, a.len() + 1));
        let mut b: Vec<char> = Vec::new();
        let mut best: Option<(usize, &str)> = None;
        for t in &vocab[from..to.max(from)] {
            b.clear();
            b.extend(t.chars());
            if b.len() < 3 || !one_edit(&a, &b) {
                continue;
            }
            let df = self.postings.get(t.as_str()).map_or(0, Vec::len);
            if best.is_none_or(|(d, _)| df > d) {
                best = Some((df, t));
            }
        }
        best.map(|(_, t)| t)
    }

    /// The `k` best entries for `post`.
    pub fn search(&self, post: &str, k: usize, feedback: &Feedback) -> Vec<Suggestion> {
        self.search_with_thread(post, &[], k, feedback)
    }

    /// The `k` best entries for `post`, given the thread above it (parent post, earlier
    /// replies; any order). The post and the thread are ranked each on its own and the
    /// thread's scores added at `THREAD_WEIGHT`, or more when the thread matches far more
    /// strongly than the post (a vague reply: "same here, still nothing"), up to as much as
    /// the post's. A specific post keeps its own answer; a vague one gets the thread's.
    /// Words only the thread matched are marked " (thread)" in `matched`.
    pub fn search_with_thread(&self, post: &str, thread: &[String], k: usize, feedback: &Feedback) -> Vec<Suggestion> {
        let lang = language_of(post).or_else(|| language_of(&thread.join("\n"))).unwrap_or("en");
        let mut own = self.scores(&[post]);
        let thread: Vec<&str> = thread.iter().map(String::as_str).filter(|t| !t.trim().is_empty()).collect();
        if !thread.is_empty() {
            let context = self.scores(&thread);
            let best = |s: &Scores| s.score.iter().copied().fold(0f32, f32::max);
            let (mine, theirs) = (best(&own), best(&context));
            let weight = if mine > 0.0 { (THREAD_WEIGHT * theirs / mine).clamp(THREAD_WEIGHT, 1.0) } else { 1.0 };
            // Thread words get bits after the post's (at most 64 in all).
            let mut map = Vec::with_capacity(context.surfaces.len());
            for s in context.surfaces {
                let bit = match own.surfaces.iter().position(|(o, _)| *o == s.0) {
                    Some(b) => b,
                    None => {
                        own.surfaces.push((s.0, true));
                        own.surfaces.len() - 1
                    }
                };
                map.push(bit.min(63));
            }
            for i in 0..own.score.len() {
                own.score[i] += weight * context.score[i];
                let h = context.hits[i];
                if h != 0 {
                    own.hits[i] |= map.iter().take(64).enumerate().filter(|(b, _)| h & (1 << b) != 0).fold(0, |acc, (_, &to)| acc | 1u64 << to);
                }
            }
        }
        let Scores { score, hits, surfaces } = own;
        let preferred: Vec<bool> = self.languages.iter().map(|l| l.starts_with(lang)).collect();
        let mut ranked: Vec<(f32, usize)> = Vec::new();
        for (i, d) in self.docs.iter().enumerate() {
            let mut s = score[i];
            if s <= 0.0 {
                continue;
            }
            // Entries in the post's language first; picks nudge, they never dominate.
            // (1.15 and 0.15: chosen by hand, not tuned, 2f742b4.)
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
                let matched = (0..surfaces.len().min(64))
                    .filter(|b| hits[i] & (1 << b) != 0)
                    .map(|b| if surfaces[b].1 { format!("{} (thread)", surfaces[b].0) } else { surfaces[b].0.clone() })
                    .collect();
                Suggestion { id: self.ids[i].clone(), score: s, matched }
            })
            .collect()
    }

    /// Every entry's score for a text (given in parts, as a thread is), 0 for entries none of
    /// its words matched; which of its words matched each entry, as bits into `surfaces`.
    fn scores(&self, texts: &[&str]) -> Scores {
        let n = self.docs.len() as f32;
        let mut score = vec![0f32; self.docs.len()];
        let mut hits = vec![0u64; self.docs.len()];
        let mut surfaces: Vec<(String, bool)> = Vec::new();
        // Per entry: centroid cosine, naive-Bayes log-likelihood (its sparse part), and a
        // slot in `nearest` once one of its example questions matched.
        let mut centroid = vec![0f32; self.docs.len()];
        let mut bayes = vec![0f32; self.docs.len()];
        // (Only when there is a learned model.)
        let mut learned = vec![0f32; if self.weights.is_empty() { 0 } else { self.docs.len() }];
        let mut slot = vec![u32::MAX; self.docs.len()];
        let mut nearest: Vec<[f32; KNN]> = Vec::new();
        let mut ex_score = vec![0f32; self.examples.len()];
        let mut touched: Vec<u32> = Vec::new();
        // Naive Bayes: the query's feature mass, per language.
        let mut bayes_mass = vec![0f32; self.languages.len()];
        let mut background = vec![0f32; self.languages.len()];
        // Stem the text as each entry language would, so "refunds" meets "refund" in
        // English and "reembolsos" meets "reembolso" in Spanish.
        for (li, l) in self.languages.iter().enumerate() {
            let stem = stemmer(l);
            let mut query: Vec<(String, String, f32)> = Vec::new();
            let mut vector: FeatureMap<f32> = FeatureMap::default();
            for text in texts {
                let mut toks = tokens(text, stem.as_ref());
                for t in &mut toks {
                    let typo = !t.stop && t.surface.chars().count() >= 4 && t.surface.chars().all(char::is_alphabetic);
                    if typo && !self.postings.contains_key(&t.term) && !self.features.contains_key(&feature_key(&t.term, None)) {
                        if let Some(c) = self.correct(li, &t.term) {
                            t.term = c.to_string();
                            t.weight = TYPO_WEIGHT;
                        }
                    }
                }
                for t in toks.iter().filter(|t| !t.stop) {
                    match query.iter_mut().find(|q| q.0 == t.term) {
                        Some(q) => q.2 = q.2.max(t.weight),
                        None => query.push((t.term.clone(), t.surface.clone(), t.weight)),
                    }
                }
                add_features(&toks, &mut vector);
            }
            let li = li as u16;
            for (term, surface, weight) in &query {
                let bit = match surfaces.iter().position(|s| s.0 == *surface) {
                    Some(i) => i,
                    None => {
                        surfaces.push((surface.clone(), false));
                        surfaces.len() - 1
                    }
                }
                .min(63);
                if let Some(list) = self.postings.get(term) {
                    let idf = (1.0 + (n - list.len() as f32 + 0.5) / (list.len() as f32 + 0.5)).ln();
                    for p in list {
                        let d = &self.docs[p.doc as usize];
                        if d.lang != li {
                            continue;
                        }
                        let w: f32 = (0..FIELDS).map(|f| WEIGHT[f] * p.tf[f] as f32 / (1.0 - B[f] + B[f] * d.len[f] as f32 / self.avg[f])).sum();
                        score[p.doc as usize] += weight * idf * w / (K1 + w);
                        hits[p.doc as usize] |= 1 << bit;
                    }
                }
            }
            // The query as a unit tf-idf vector over the features the examples have.
            // (feature, occurrences, weight before idf, idf)
            let known: Vec<(u64, &[Occurrence], f32, f32)> = vector
                .iter()
                .filter_map(|(&f, &w)| self.features.get(&f).map(|&(at, len, idf)| (f, &self.occurrences[at as usize..(at + len) as usize], w, idf)))
                .collect();
            let norm = known.iter().map(|(_, _, w, idf)| (w * idf).powi(2)).sum::<f32>().sqrt().max(1e-6);
            for (f, list, w, idf) in known {
                bayes_mass[li as usize] += w;
                let q = w * idf / norm;
                if let Some(&(at, len)) = self.learned.get(&f) {
                    for &(d, c) in &self.weights[at as usize..(at + len) as usize] {
                        if self.docs[d as usize].lang == li {
                            learned[d as usize] += q * c;
                        }
                    }
                }
                // Naive Bayes counts per entry (an entry's occurrences are together).
                let mut count = 0f32;
                let mut at = (u32::MAX, 0f32);
                for &(ex, raw) in list {
                    count += raw;
                    let (d, inv) = self.examples[ex as usize];
                    let doc = &self.docs[d as usize];
                    if doc.lang != li {
                        continue;
                    }
                    let v = q * raw * idf * inv;
                    if ex_score[ex as usize] == 0.0 {
                        touched.push(ex);
                    }
                    ex_score[ex as usize] += v;
                    centroid[d as usize] += v * doc.centroid;
                    if d != at.0 {
                        if at.0 != u32::MAX {
                            bayes[at.0 as usize] += w * (1.0 + at.1 / BAYES_ALPHA).ln();
                        }
                        at = (d, 0.0);
                    }
                    at.1 += raw;
                }
                if at.0 != u32::MAX {
                    bayes[at.0 as usize] += w * (1.0 + at.1 / BAYES_ALPHA).ln();
                }
                background[li as usize] += w * (1.0 + count / BAYES_ALPHA).ln();
            }
            for ex in touched.drain(..) {
                let s = std::mem::take(&mut ex_score[ex as usize]);
                let d = self.examples[ex as usize].0 as usize;
                if slot[d] == u32::MAX {
                    slot[d] = nearest.len() as u32;
                    nearest.push([0.0; KNN]);
                }
                let top = &mut nearest[slot[d] as usize];
                if s > top[KNN - 1] {
                    let mut j = KNN - 1;
                    while j > 0 && top[j - 1] < s {
                        top[j] = top[j - 1];
                        j -= 1;
                    }
                    top[j] = s;
                }
            }
        }
        // Naive Bayes: how much likelier the text is under the entry's example words than
        // under all entries' (log-likelihood ratio, smoothed; a feature the entry lacks
        // costs it the smoothed share). Counts only when positive, and only for entries
        // a word of the text matched (BM25F).
        let vocab = self.features.len() as f32;
        let all = (self.mass + BAYES_ALPHA * vocab).ln();
        for (i, d) in self.docs.iter().enumerate() {
            if score[i] <= 0.0 {
                continue;
            }
            let l = d.lang as usize;
            let ratio = bayes[i] - background[l] - bayes_mass[l] * ((d.mass + BAYES_ALPHA * vocab).ln() - all);
            let knn = match slot[i] {
                u32::MAX => 0.0,
                s => nearest[s as usize].iter().fold((0.0, 1.0), |(sum, w), s| (sum + w * s, w * KNN_DECAY)).0,
            };
            // The learned score may be below 0; an entry a word matched still counts.
            let total = score[i] + KNN_WEIGHT * knn + CENTROID_WEIGHT * centroid[i] + BAYES_WEIGHT * ratio.max(0.0) + LEARN_WEIGHT * learned.get(i).copied().unwrap_or(0.0);
            score[i] = total.max(score[i] * 1e-3);
        }
        Scores { score, hits, surfaces }
    }
}

/// One text's scores for every entry (see `Index::scores`).
struct Scores {
    score: Vec<f32>,
    hits: Vec<u64>,
    /// The words that matched, each once; `true` for the thread's.
    surfaces: Vec<(String, bool)>,
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
    fn stop_words_alone_match_nothing() {
        assert!(Index::new(&kb()).search("is it the one you have?", 3, &Feedback::default()).is_empty());
    }

    #[test]
    fn a_vague_reply_ranks_by_its_thread() {
        let idx = Index::new(&kb());
        let thread = vec!["my refund still hasn't arrived after 3 weeks".to_string()];
        let r = idx.search_with_thread("same here, still nothing", &thread, 3, &Feedback::default());
        assert_eq!(r[0].id, "refund", "{r:?}");
        assert!(r[0].matched.contains(&"refund (thread)".to_string()), "{:?}", r[0].matched);
        assert!(idx.search("same here, still nothing", 3, &Feedback::default()).is_empty(), "without the thread there's nothing to go on");
    }

    #[test]
    fn a_specific_post_keeps_its_answer_under_an_unrelated_thread() {
        let idx = Index::new(&kb());
        let thread = vec!["where is my refund? I want my money back".to_string(), "refund please, it's been weeks".to_string()];
        let r = idx.search_with_thread("my account was hacked and I can't log in", &thread, 3, &Feedback::default());
        assert_eq!(r[0].id, "hacked", "{r:?}");
        assert!(r[0].matched.iter().all(|m| !m.ends_with("(thread)")), "{:?}", r[0].matched);
        // The thread's own entry still shows, below.
        assert!(r.iter().any(|s| s.id == "refund"), "{r:?}");
    }

    #[test]
    fn a_long_thread_is_fine() {
        let idx = Index::new(&kb());
        let long: Vec<String> = (0..40).map(|i| format!("word{i} other{i} refund thing{i}")).collect();
        let r = idx.search_with_thread("where is my order", &long, 3, &Feedback::default());
        assert_eq!(r[0].id, "track", "{r:?}");
    }

    #[test]
    fn the_thread_sets_the_language_of_a_post_without_stop_words() {
        let idx = Index::new(&kb());
        let thread = vec!["¿dónde está mi reembolso? ya pasaron dos semanas".to_string()];
        let r = idx.search_with_thread("+1", &thread, 3, &Feedback::default());
        assert_eq!(r[0].id, "reembolso", "{r:?}");
    }

    #[test]
    fn tolerates_a_typo() {
        let idx = Index::new(&kb());
        let r = idx.search("my acount was hackked", 3, &Feedback::default());
        assert_eq!(r[0].id, "hacked", "{r:?}");
        assert!(r[0].matched.contains(&"acount".to_string()), "{:?}", r[0].matched);
    }

    #[test]
    fn entries_without_examples_rank_by_their_title() {
        let mut kb = kb();
        kb.upsert(entry("warranty", "Warranty claim for a broken device", "Send us the serial number.", &[], &[], "en"));
        let r = Index::new(&kb).search("my device is broken, can I claim the warranty?", 3, &Feedback::default());
        assert_eq!(r[0].id, "warranty", "{r:?}");
    }

    #[test]
    fn learns_which_words_tell_entries_apart() {
        let mut kb = KnowledgeBase::default();
        let arrival = ["when will my card arrive", "my card has not arrived yet", "has my new card arrived", "the card still hasn't arrived", "how long until my card arrives", "card not arrived after a week", "is my card going to arrive soon", "waiting for my card to arrive"];
        let fee = ["why is there a fee on my card", "what is this card fee", "I was charged a fee for my card", "how much is the card fee", "the fee on my new card", "card fee taken twice", "is there a monthly card fee", "what fee do you charge for the card"];
        kb.upsert(entry("arrival", "Card arrival", "Cards arrive in 5 days.", &[], &arrival, "en"));
        kb.upsert(entry("fee", "Card fees", "Our fees.", &[], &fee, "en"));
        let idx = Index::new(&kb);
        let weight = |term: &str, id: &str| {
            let d = idx.ids.iter().position(|i| i == id).unwrap() as u32;
            // A weight near 0 is left out.
            let Some(&(at, len)) = idx.learned.get(&feature_key(term, None)) else { return 0.0 };
            idx.weights[at as usize..(at + len) as usize].iter().find(|w| w.0 == d).map_or(0.0, |w| w.1)
        };
        assert!(weight("arriv", "arrival") > 0.0 && weight("arriv", "fee") < 0.0);
        assert!(weight("fee", "fee") > 0.0 && weight("fee", "arrival") < 0.0);
        // "card" is in every question of both: it tells them apart less than either word.
        assert!(weight("card", "arrival").abs() < weight("arriv", "arrival"));
        assert_eq!(idx.search("is there a fee when the card arrives?", 2, &Feedback::default()).len(), 2);
    }

    #[test]
    fn a_few_questions_per_entry_are_too_few_to_learn_from() {
        let idx = Index::new(&KnowledgeBase::starter());
        assert!(idx.learned.is_empty(), "about five questions per entry");
    }

    #[test]
    fn large_knowledge_bases_rank_without_learning() {
        let idx = Index::new(&crate::core::kb::synthetic::knowledge_base(1_000));
        assert!(idx.learned.is_empty() && idx.weights.is_empty());
        assert!(!idx.search(crate::core::kb::synthetic::POST, 3, &Feedback::default()).is_empty());
    }

    #[test]
    fn one_edit_apart() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert!(one_edit(&c("withdrawl"), &c("withdraw")));
        assert!(one_edit(&c("reciept"), &c("receipt")));
        assert!(one_edit(&c("acount"), &c("account")));
        assert!(one_edit(&c("card"), &c("cart")));
        assert!(!one_edit(&c("card"), &c("cash")));
        assert!(!one_edit(&c("refund"), &c("fund")));
    }

    #[test]
    fn guesses_languages() {
        assert_eq!(guess_language("mi pedido no llega y es urgente"), "es");
        assert_eq!(guess_language("ma commande n'est pas arrivée et je suis déçu"), "fr");
        assert_eq!(guess_language("where is my order"), "en");
    }
}
