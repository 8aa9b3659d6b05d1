//! The team's knowledge base in the worker: the one in use (with its search index and
//! the triage built on it), a newer one being indexed a slice at a time, what agents'
//! picks taught the ranking, and import/export.

use crate::core::kb::import::{self, ImportError};
use crate::core::kb::search::{Feedback, Index, IndexBuilder};
use crate::core::kb::{Entry, KnowledgeBase};
use crate::core::protocol::IndexProgress;
use crate::core::triage::{Triage, TriageSettings};
use std::collections::BTreeSet;

/// Up to this many entries are indexed at once; a larger knowledge base is indexed in
/// slices between messages (10,000 entries take about 2 s to index in wasm: stop 11's
/// kb_import e2e, where the worker's slowest ping while indexing was 70-119 ms).
pub const INDEX_AT_ONCE: usize = 1_500;

/// Why a knowledge-base request failed, in the admin's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LibraryError {
    /// A file with any error imports nothing.
    BadFile(ImportError),
    UnknownFormat(String),
}

impl std::fmt::Display for LibraryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LibraryError::BadFile(e) => write!(f, "That file can't be imported: {e}."),
            LibraryError::UnknownFormat(other) => write!(f, "Tactful exports CSV or JSON, not “{other}”."),
        }
    }
}

/// A knowledge base being indexed a slice at a time; the current one answers meanwhile.
struct Staged {
    kb: KnowledgeBase,
    imported: BTreeSet<String>,
    builder: IndexBuilder,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub added: usize,
    pub updated: usize,
    pub total: usize,
    pub imported: usize,
    pub indexing: bool,
}

pub struct Library {
    kb: KnowledgeBase,
    /// Ids of entries that came from the team's imports (not the starter KB).
    imported: BTreeSet<String>,
    pub feedback: Feedback,
    /// Intent model (with the knowledge base's one search index), weights and targets.
    triage: Triage,
    staged: Option<Staged>,
}

/// Triage over `kb`'s index with the team's settings (validated when saved; the defaults
/// if they somehow aren't valid, rather than no triage).
fn prepared_triage(kb: &KnowledgeBase, index: Index, settings: &TriageSettings) -> Triage {
    let mut triage = Triage::with_index(kb, index, TriageSettings::default()).expect("default triage settings are valid");
    let _ = triage.set_settings(settings.clone());
    triage
}

impl Library {
    /// The starter knowledge base, indexed, with the team's triage settings.
    pub fn starter(settings: &TriageSettings) -> Library {
        let kb = KnowledgeBase::starter();
        let triage = prepared_triage(&kb, Index::new(&kb), settings);
        Library { kb, imported: BTreeSet::new(), feedback: Feedback::default(), triage, staged: None }
    }

    pub fn kb(&self) -> &KnowledgeBase {
        &self.kb
    }

    pub fn triage(&self) -> &Triage {
        &self.triage
    }

    pub fn index(&self) -> &Index {
        self.triage.index()
    }

    /// New triage settings (already validated with the team's settings).
    pub fn set_triage(&mut self, settings: TriageSettings) {
        let _ = self.triage.set_settings(settings);
    }

    /// The agent inserted suggestion `id`: learned from, when it is an entry we have (in
    /// the knowledge base being indexed too).
    pub fn picked(&mut self, id: String) -> bool {
        if self.newest().0.get(&id).is_none() {
            return false;
        }
        *self.feedback.picks.entry(id).or_default() += 1;
        true
    }

    /// The knowledge base as of the last import (being indexed, or current) and its
    /// imported ids.
    fn newest(&self) -> (&KnowledgeBase, &BTreeSet<String>) {
        match &self.staged {
            Some(s) => (&s.kb, &s.imported),
            None => (&self.kb, &self.imported),
        }
    }

    /// Imports a file (all or nothing).
    pub fn import(&mut self, text: &str, settings: &TriageSettings) -> Result<Imported, LibraryError> {
        let entries = import::parse(text).map_err(LibraryError::BadFile)?;
        let (added, updated) = self.add(entries, settings);
        let (kb, imported) = self.newest();
        Ok(Imported { added, updated, total: kb.len(), imported: imported.len(), indexing: self.staged.is_some() })
    }

    /// Merges entries by id into the newest knowledge base and starts indexing it:
    /// (added, updated). A small one is indexed at once; a large one a slice per
    /// `index_step`, while the current one keeps answering.
    pub fn add(&mut self, entries: Vec<Entry>, settings: &TriageSettings) -> (usize, usize) {
        let (base, imported) = self.newest();
        let updated = entries.iter().filter(|e| base.get(&e.id).is_some()).count();
        let added = entries.len() - updated;
        let (mut kb, mut imported) = (base.clone(), imported.clone());
        imported.extend(entries.iter().map(|e| e.id.clone()));
        kb.upsert_all(entries);
        self.staged = Some(Staged { kb, imported, builder: IndexBuilder::new() });
        if self.newest().0.len() <= INDEX_AT_ONCE {
            while self.index_step(INDEX_AT_ONCE, settings).is_some() {}
        }
        (added, updated)
    }

    /// Indexes up to `budget` more entries of the staged knowledge base; when it is all
    /// in, it replaces the current one. Progress while there is work, else none.
    pub fn index_step(&mut self, budget: usize, settings: &TriageSettings) -> Option<IndexProgress> {
        let staged = self.staged.as_mut()?;
        let from = staged.builder.len();
        let to = (from + budget.max(1)).min(staged.kb.len());
        staged.builder.add(&staged.kb.entries()[from..to]);
        if to < staged.kb.len() {
            return Some(IndexProgress { done: to, total: staged.kb.len() });
        }
        let Staged { kb, imported, builder } = self.staged.take()?;
        self.triage = prepared_triage(&kb, builder.finish(), settings);
        (self.kb, self.imported) = (kb, imported);
        Some(IndexProgress { done: to, total: to })
    }

    /// How far indexing a new knowledge base has got, if it is under way.
    pub fn progress(&self) -> Option<IndexProgress> {
        self.staged.as_ref().map(|s| IndexProgress { done: s.builder.len(), total: s.kb.len() })
    }

    /// (entries, imported entries) of the newest knowledge base.
    pub fn sizes(&self) -> (usize, usize) {
        let (kb, imported) = self.newest();
        (kb.len(), imported.len())
    }

    /// Every entry that came from an import (kept across restarts).
    pub fn imported_entries(&self) -> Vec<Entry> {
        let (kb, imported) = self.newest();
        imported.iter().filter_map(|id| kb.get(id)).cloned().collect()
    }

    /// The newest knowledge base as a file, even while it is still being indexed:
    /// (text, entries).
    pub fn export(&self, format: &str) -> Result<(String, usize), LibraryError> {
        let kb = self.newest().0;
        match format {
            "csv" => Ok((import::to_csv(kb.entries()), kb.len())),
            "json" => Ok((import::to_json(kb.entries()), kb.len())),
            other => Err(LibraryError::UnknownFormat(other.to_string())),
        }
    }
}
