//! The phrase lists (`phrases.json`), parsed once.

use crate::core::text::words::Phrase;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Deserialize)]
struct Rewrite {
    phrase: String,
    fix: String,
}

#[derive(Deserialize)]
struct File {
    blame: BTreeMap<String, Vec<Rewrite>>,
    promise: BTreeMap<String, Vec<Rewrite>>,
    empathy: BTreeMap<String, Vec<String>>,
    courtesy: BTreeMap<String, Vec<String>>,
    commands: BTreeMap<String, Vec<String>>,
    greeting: BTreeMap<String, Vec<String>>,
    sarcasm: BTreeMap<String, Vec<String>>,
    honorifics: BTreeMap<String, Vec<String>>,
    not_names: BTreeMap<String, Vec<String>>,
    shout_words: BTreeMap<String, Vec<String>>,
}

/// A phrase and the neutral rewrite offered for it (empty: remove it).
pub struct PhraseFix {
    pub phrase: Phrase,
    pub fix: String,
}

/// All phrase lists, every language merged (a draft may mix languages).
pub struct Lexicon {
    pub blame: Vec<PhraseFix>,
    pub promise: Vec<PhraseFix>,
    pub empathy: Vec<Phrase>,
    pub courtesy: Vec<Phrase>,
    pub commands: Vec<String>,
    pub greeting: Vec<Phrase>,
    pub sarcasm: Vec<Phrase>,
    /// "Mr", "Sra", "Mme": the word after one is a surname.
    pub honorifics: Vec<String>,
    /// Capitalised words that open a reply but are not names ("Done, …", "Sí, …").
    pub not_names: Vec<String>,
    /// Everyday words: in capitals they are shouting, where a short capitalised word
    /// otherwise is most likely an acronym ("HDR", "CET").
    pub shout_words: Vec<String>,
}

pub fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| {
        let f: File = serde_json::from_str(include_str!("phrases.json")).expect("phrases.json is checked by tests");
        let fixes = |m: BTreeMap<String, Vec<Rewrite>>| -> Vec<PhraseFix> {
            let mut v: Vec<PhraseFix> = m.into_values().flatten().map(|r| PhraseFix { phrase: Phrase::new(&r.phrase), fix: r.fix }).collect();
            // Longest phrases first, so "as I already said" wins over "as I * said".
            v.sort_by_key(|p| std::cmp::Reverse(p.phrase.words.len()));
            v
        };
        let lower = |m: BTreeMap<String, Vec<String>>| -> Vec<String> { m.into_values().flatten().map(|s| s.to_lowercase()).collect() };
        let phrases = |m: BTreeMap<String, Vec<String>>| -> Vec<Phrase> { m.into_values().flatten().map(|s| Phrase::new(&s)).collect() };
        Lexicon {
            blame: fixes(f.blame),
            promise: fixes(f.promise),
            empathy: phrases(f.empathy),
            courtesy: phrases(f.courtesy),
            commands: lower(f.commands),
            greeting: phrases(f.greeting),
            sarcasm: phrases(f.sarcasm),
            honorifics: lower(f.honorifics),
            not_names: lower(f.not_names),
            shout_words: lower(f.shout_words),
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn phrases_parse_and_are_non_empty() {
        let l = super::lexicon();
        assert!(l.blame.len() > 20 && l.promise.len() > 20 && !l.empathy.is_empty());
        assert!(l.blame.iter().all(|p| !p.phrase.words.is_empty()));
    }
}
