//! The knowledge base: saved replies and articles, their import and export, search ranked
//! for a post, and filling in their variables.
//!
//! - [`Entry`]: one saved reply or article, with per-channel variants and declared variables.
//! - [`KnowledgeBase`]: the entries by id; [`KnowledgeBase::upsert`] updates in place.
//! - [`search::Index`]: BM25F ranking over title, tags, example questions and body.
//! - [`template`]: `{{customer.first_name | there}}` and friends.
//! - [`import`]: CSV, JSON, Zendesk Help Center and Freshdesk exports, all-or-nothing.

pub mod import;
pub mod search;
pub mod suggest;
pub mod synthetic;
pub mod template;

use crate::core::sites::SiteId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A saved reply (short, postable) or an article (help-centre text with a link).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Reply,
    Article,
}

/// Whether a template variable must have a value before the reply can be inserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    /// The agent is asked for it.
    Required,
    /// Without a value its fallback is used, or its sentence is dropped.
    Optional,
}

/// One knowledge-base entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub body: String,
    /// Shorter or adapted versions per channel (an X version within 280).
    #[serde(default)]
    pub variants: BTreeMap<SiteId, String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Example customer questions this entry answers.
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub intent: Option<String>,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub updated_at: String,
    /// Declared variables; undeclared ones found in the text count as required.
    #[serde(default)]
    pub variables: BTreeMap<String, Need>,
}

fn default_language() -> String {
    "en".to_string()
}

impl Entry {
    /// The text to post on `site`: its variant if it has one, else the body.
    pub fn text_for(&self, site: SiteId) -> &str {
        self.variants.get(&site).map_or(self.body.as_str(), String::as_str)
    }

    /// How a variable in this entry is needed.
    pub fn need(&self, variable: &str) -> Need {
        self.variables.get(variable).copied().unwrap_or(Need::Required)
    }
}

/// The starter knowledge base's file shape (also accepted by JSON import).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct KbFile {
    #[serde(default)]
    pub replies: Vec<FileEntry>,
    #[serde(default)]
    pub articles: Vec<FileEntry>,
}

/// An entry as written in a KB file, where `kind` comes from the list it is in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub id: String,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub variants: BTreeMap<SiteId, String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub intent: Option<String>,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default)]
    pub variables: BTreeMap<String, Need>,
}

impl FileEntry {
    pub fn into_entry(self, kind: Kind) -> Entry {
        Entry {
            id: self.id,
            kind,
            title: self.title,
            body: self.body,
            variants: self.variants,
            tags: self.tags,
            examples: self.examples,
            url: self.url,
            intent: self.intent,
            language: self.language,
            owner: self.owner,
            updated_at: self.updated_at,
            variables: self.variables,
        }
    }
}

/// Entries by id, in insertion order, with an id -> position table so lookups inside
/// loops (an import's "is this id new?", picks) don't scan the knowledge base.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Entries", into = "Entries")]
pub struct KnowledgeBase {
    entries: Vec<Entry>,
    at: std::collections::HashMap<String, usize>,
}

/// How a knowledge base is stored: its entries only.
#[derive(Serialize, Deserialize)]
struct Entries {
    entries: Vec<Entry>,
}

impl From<Entries> for KnowledgeBase {
    fn from(e: Entries) -> KnowledgeBase {
        let mut kb = KnowledgeBase::default();
        kb.upsert_all(e.entries);
        kb
    }
}

impl From<KnowledgeBase> for Entries {
    fn from(kb: KnowledgeBase) -> Entries {
        Entries { entries: kb.entries }
    }
}

impl KnowledgeBase {
    /// The starter knowledge base shipped with Tactful.
    pub fn starter() -> KnowledgeBase {
        let file: KbFile = serde_json::from_str(include_str!("starter_kb.json")).expect("starter_kb.json is checked by tests");
        let mut kb = KnowledgeBase::default();
        kb.upsert_all(file.replies.into_iter().map(|e| e.into_entry(Kind::Reply)).chain(file.articles.into_iter().map(|e| e.into_entry(Kind::Article))));
        kb
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.at.get(id).map(|&i| &self.entries[i])
    }

    /// Adds an entry, or replaces the one with the same id in place.
    pub fn upsert(&mut self, entry: Entry) {
        self.upsert_all([entry]);
    }

    /// Adds or replaces many entries (linear: one table lookup per entry).
    pub fn upsert_all(&mut self, entries: impl IntoIterator<Item = Entry>) {
        for e in entries {
            match self.at.get(&e.id) {
                Some(&i) => self.entries[i] = e,
                None => {
                    self.at.insert(e.id.clone(), self.entries.len());
                    self.entries.push(e);
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::length;
    use crate::core::sites;

    #[test]
    fn starter_has_enough_replies_and_articles() {
        let kb = KnowledgeBase::starter();
        let replies = kb.entries().iter().filter(|e| e.kind == Kind::Reply).count();
        let articles = kb.entries().iter().filter(|e| e.kind == Kind::Article).count();
        assert!(replies >= 60 && articles >= 20, "{replies} replies, {articles} articles");
    }

    #[test]
    fn starter_variants_fit_their_platform() {
        let sample = |t: &str| {
            let values = template::Values::from_pairs([("customer.first_name", "Dana"), ("customer.handle", "dana_reyes"), ("agent.first_name", "Jo"), ("order.id", "AC-20431"), ("ticket.id", "48213"), ("brand.name", "Acme")]);
            template::fill(t, &values, &|_| Need::Optional).map(|f| f.text).unwrap_or_default()
        };
        for e in KnowledgeBase::starter().entries() {
            for (site, text) in &e.variants {
                let c = length::count(sites::profile(*site).length, &sample(text));
                assert!(!c.is_over(), "{} variant for {site:?} is {} of {}", e.id, c.used, c.max);
            }
        }
    }

    #[test]
    fn starter_declares_every_variable_it_uses() {
        for e in KnowledgeBase::starter().entries() {
            for text in std::iter::once(&e.body).chain(e.variants.values()) {
                for v in template::variables(text) {
                    assert!(e.variables.contains_key(&v), "{}: {{{{{v}}}}} is not declared", e.id);
                }
            }
        }
    }

    #[test]
    fn upsert_replaces_by_id() {
        let mut kb = KnowledgeBase::starter();
        let n = kb.len();
        let mut e = kb.entries()[0].clone();
        e.title = "Changed".into();
        kb.upsert(e.clone());
        assert_eq!(kb.len(), n);
        assert_eq!(kb.get(&e.id).map(|x| x.title.as_str()), Some("Changed"));
    }
}
