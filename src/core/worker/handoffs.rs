//! Hand-offs the worker prepared, kept per tab and post until the acknowledgement is in
//! the reply box: then the worker opens the composer it planned and logs what it
//! planned, so a page can only open a URL the core built from the site profile, and the
//! CRM keeps the core's words, not the page's.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandoffError {
    /// Nothing planned for this post (never prepared, or already done).
    NothingPlanned,
    /// The core couldn't plan the hand-off.
    CantPlan(crate::core::handoff::HandoffError),
    /// The browser refused to open the composer.
    NotOpened(String),
}

impl std::fmt::Display for HandoffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HandoffError::NothingPlanned => write!(f, "No hand-off is prepared for this post; press Move to private again."),
            // The planner's reason may end in a sentence of its own: one full stop.
            HandoffError::CantPlan(why) => write!(f, "Can't move this to private: {}.", why.to_string().trim_end_matches('.')),
            HandoffError::NotOpened(why) => write!(f, "Chrome didn't open the private message: {}", why.trim_end_matches('.')),
        }
    }
}

/// A prepared hand-off, until the agent has the acknowledgement in the reply box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The composer to open (none for the fallback: the reply points to the team's contact).
    pub url: Option<String>,
    /// What the CRM keeps of it.
    pub log: String,
    /// Tone findings of the public text.
    pub tone: Vec<String>,
}

/// Prepared hand-offs by (tab, post key).
#[derive(Debug, Default)]
pub struct Handoffs {
    planned: HashMap<(i64, String), Planned>,
}

impl Handoffs {
    /// Keeps a prepared hand-off (a newer one for the same post replaces it).
    pub fn plan(&mut self, tab_id: i64, post_key: String, planned: Planned) {
        self.planned.insert((tab_id, post_key), planned);
    }

    /// The prepared hand-off, once.
    pub fn take(&mut self, tab_id: i64, post_key: &str) -> Result<Planned, HandoffError> {
        self.planned.remove(&(tab_id, post_key.to_string())).ok_or(HandoffError::NothingPlanned)
    }

    pub fn forget_tab(&mut self, tab_id: i64) {
        self.planned.retain(|(tab, _), _| *tab != tab_id);
    }
}
