//! Hand-offs the worker prepared: the composer URL each one planned, kept per tab and
//! post until the agent opens it, so a page can only open a URL the core built from
//! the site profile.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandoffError {
    /// Nothing planned for this post (never prepared, already opened, or the fallback).
    NothingPlanned,
    /// The core couldn't plan the hand-off.
    CantPlan(crate::core::handoff::HandoffError),
    /// The browser refused to open the composer.
    NotOpened(String),
}

impl std::fmt::Display for HandoffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HandoffError::NothingPlanned => write!(f, "No private message is planned for this post; press Move to private again."),
            // The planner's reason may end in a sentence of its own: one full stop.
            HandoffError::CantPlan(why) => write!(f, "Can't move this to private: {}.", why.to_string().trim_end_matches('.')),
            HandoffError::NotOpened(why) => write!(f, "Chrome didn't open the private message: {}", why.trim_end_matches('.')),
        }
    }
}

/// Composer URLs by (tab, post key).
#[derive(Debug, Default)]
pub struct Handoffs {
    planned: HashMap<(i64, String), String>,
}

impl Handoffs {
    pub fn plan(&mut self, tab_id: i64, post_key: String, url: String) {
        self.planned.insert((tab_id, post_key), url);
    }

    /// A hand-off without a composer to open (the fallback): nothing stays planned.
    pub fn unplan(&mut self, tab_id: i64, post_key: &str) {
        self.planned.remove(&(tab_id, post_key.to_string()));
    }

    /// The planned URL, once.
    pub fn take(&mut self, tab_id: i64, post_key: &str) -> Result<String, HandoffError> {
        self.planned.remove(&(tab_id, post_key.to_string())).ok_or(HandoffError::NothingPlanned)
    }

    pub fn forget_tab(&mut self, tab_id: i64) {
        self.planned.retain(|(tab, _), _| *tab != tab_id);
    }
}
