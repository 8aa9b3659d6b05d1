//! The worker's CRM decisions: who wrote a post (as the CRM knows people), what an
//! agent's action writes, which CRM answers a card (the connected one, else the local
//! one, saying why), how much history a card carries, and asking once per customer.
//! The I/O itself is done by `serve` through [`super::serve::Io`].

use crate::core::crm::card::{CardView, CARD_RECENT};
use crate::core::crm::{CustomerRef, Direction, Identity, Interaction, InteractionKind, WriteOp};
use crate::core::posts::Post;
use crate::core::protocol::CustomerCardResult;
use crate::core::sites::SiteId;

/// Lines of history in the panel's full view of one customer.
pub const HISTORY_LINES: usize = 100;

/// A card from the connected CRM is asked for this many customers at a time (more
/// opened enough connections to RT to slow every other request of the page).
pub const REMOTE_AT_ONCE: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrmRequestError {
    /// The post shows no handle, so the CRM can't tell who the customer is.
    NoHandle,
    /// The local CRM (the browser's database) failed.
    Local(String),
    /// No CRM is connected, for a request about the connected one.
    NotConnected,
    /// The browser doesn't let Tactful reach the CRM's address.
    NoPermission { origin: String },
    /// The CRM settings are incomplete or wrong.
    BadConfig(String),
}

impl std::fmt::Display for CrmRequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CrmRequestError::NoHandle => write!(f, "Tactful can't tell who wrote this post (no handle on the page)."),
            CrmRequestError::Local(why) => write!(f, "The local CRM failed: {}", why.trim_end_matches('.')),
            CrmRequestError::NotConnected => write!(f, "No CRM is connected; customer history is kept in the local CRM."),
            CrmRequestError::NoPermission { origin } => write!(f, "Tactful may not reach {origin} yet: allow it when the browser asks."),
            CrmRequestError::BadConfig(why) => write!(f, "{why}"),
        }
    }
}

/// "x", "facebook", …: a site as the CRM names channels.
pub fn site_slug(site: SiteId) -> String {
    serde_json::to_value(site).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

/// Who wrote `post`, as the CRM knows people: the site's handle, and the name shown.
pub fn author(post: &Post) -> Result<CustomerRef, CrmRequestError> {
    let handle = post.handle.as_deref().filter(|h| !h.is_empty()).ok_or(CrmRequestError::NoHandle)?;
    Ok(CustomerRef { identities: vec![Identity::new(&site_slug(post.site), handle)], display_name: Some(post.author_name.clone()).filter(|n| !n.is_empty()) })
}

/// Who acted: the agent's name (or label) and stable id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub label: String,
    pub id: Option<String>,
}

/// The customer's post (once, keyed by its permalink) and the agent's action on it.
pub fn log_ops(post: &Post, who: CustomerRef, kind: InteractionKind, text: String, tone_findings: Vec<String>, agent: Agent, now: i64) -> Vec<WriteOp> {
    let channel = site_slug(post.site);
    let base = |kind, direction, text: String, at, id: String, sentiment| Interaction { id, customer_id: String::new(), channel: channel.clone(), kind, direction, permalink: post.permalink.clone(), text, agent: None, agent_id: None, at, tone_findings: vec![], sentiment };
    let post_id = format!("post:{}", post.permalink.clone().unwrap_or_else(|| format!("{channel}:{}", post.key)));
    let theirs = base(InteractionKind::Post, Direction::Inbound, post.text.clone(), post.created_ms.unwrap_or(now), post_id, Some(crate::core::sentiment::score(&post.text).score));
    let mut ours = base(kind, Direction::Outbound, text, now, String::new(), None);
    ours.agent = Some(agent.label);
    ours.agent_id = agent.id;
    ours.tone_findings = tone_findings;
    vec![WriteOp::LogInteraction { customer: who.clone(), interaction: theirs }, WriteOp::LogInteraction { customer: who, interaction: ours }]
}

/// A post whose author is to be looked up.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    pub post_key: String,
    pub permalink: Option<String>,
    pub who: CustomerRef,
}

/// Cards wanted for a page (or the panel's one customer).
#[derive(Debug, Clone, PartialEq)]
pub struct CardJob {
    /// The tab the posts are on (answered ones leave its queue).
    pub tab_id: i64,
    pub found: Vec<Lookup>,
    /// Posts that can't be looked up, with why.
    pub failed: Vec<(String, String)>,
    /// Lines of history on each card.
    pub lines: usize,
    /// The panel's full history of one customer, not a page's cards.
    pub history: bool,
}

impl CardJob {
    pub fn for_page(tab_id: i64, found: Vec<Lookup>, failed: Vec<(String, String)>) -> CardJob {
        CardJob { tab_id, found, failed, lines: CARD_RECENT, history: false }
    }

    pub fn for_panel(tab_id: i64, found: Vec<Lookup>, failed: Vec<(String, String)>) -> CardJob {
        CardJob { tab_id, found, failed, lines: HISTORY_LINES, history: true }
    }

    /// Each customer once, in first-seen order: someone who posted several times on a
    /// thread is one lookup.
    pub fn customers(&self) -> Vec<CustomerRef> {
        let mut seen = std::collections::HashSet::new();
        self.found.iter().filter(|l| seen.insert(same_customer(&l.who))).map(|l| l.who.clone()).collect()
    }
}

/// A customer's card and, when the connected CRM couldn't give it, why.
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    pub card: CardView,
    pub note: Option<String>,
}

/// Two lookups that are the same question to a CRM (identities and name shown).
fn same_customer(who: &CustomerRef) -> String {
    serde_json::to_string(who).unwrap_or_default()
}

/// Each post's card from the answers per customer (`answers[i]` for `customers()[i]`).
pub fn cards_for_posts(job: CardJob, customers: &[CustomerRef], answers: Vec<Answered>) -> Vec<CustomerCardResult> {
    let by_who: std::collections::HashMap<String, &Answered> = customers.iter().map(same_customer).zip(&answers).collect();
    let mut out: Vec<CustomerCardResult> = job
        .found
        .iter()
        .map(|l| match by_who.get(&same_customer(&l.who)) {
            Some(a) => CustomerCardResult::Card {
                post_key: l.post_key.clone(),
                permalink: l.permalink.clone(),
                // Answered means the CRM holds the team's answer to this very post.
                answered: l.permalink.as_ref().is_some_and(|p| a.card.answered.contains(p)),
                moved: a.card.moved.iter().find(|m| l.permalink.as_ref() == Some(&m.permalink)).map(|m| m.label.clone()),
                card: a.card.clone(),
                note: a.note.clone(),
            },
            None => CustomerCardResult::Failed { post_key: l.post_key.clone(), error: "Tactful lost this customer's history on the way; reload the page.".into() },
        })
        .collect();
    out.extend(job.failed.into_iter().map(|(post_key, error)| CustomerCardResult::Failed { post_key, error }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::crm::card::unknown;

    fn who(h: &str) -> CustomerRef {
        CustomerRef { identities: vec![Identity::new("x", h)], display_name: None }
    }

    #[test]
    fn a_customer_who_posted_twice_is_asked_for_once_and_every_post_gets_the_card() {
        let l = |k: &str, h: &str| Lookup { post_key: k.into(), permalink: Some(format!("/{k}")), who: who(h) };
        let job = CardJob::for_page(7, vec![l("1", "dana"), l("2", "marco"), l("3", "Dana")], vec![("4".into(), "no handle".into())]);
        let customers = job.customers();
        assert_eq!(customers, [who("dana"), who("marco")], "handles compare case-insensitively");
        let mut answers: Vec<Answered> = customers.iter().enumerate().map(|(i, c)| Answered { card: unknown(c), note: (i == 1).then(|| "RT is down".to_string()) }).collect();
        answers[0].card.answered = vec!["/3".into()];
        answers[0].card.moved = vec![crate::core::crm::card::MovedMark { permalink: "/1".into(), label: "Moved to private by Jo · 3h".into() }];
        let cards = cards_for_posts(job, &customers, answers);
        let keys: Vec<(&str, Option<&str>, bool)> = cards
            .iter()
            .map(|c| match c {
                CustomerCardResult::Card { post_key, note, answered, .. } => (post_key.as_str(), note.as_deref(), *answered),
                CustomerCardResult::Failed { post_key, .. } => (post_key.as_str(), Some("failed"), false),
            })
            .collect();
        // Dana's card says her post /3 was answered: that post, not her other one.
        assert_eq!(keys, [("1", None, false), ("2", Some("RT is down"), false), ("3", None, true), ("4", Some("failed"), false)]);
        let moved: Vec<Option<&str>> = cards.iter().map(|c| if let CustomerCardResult::Card { moved, .. } = c { moved.as_deref() } else { None }).collect();
        assert_eq!(moved, [Some("Moved to private by Jo · 3h"), None, None, None]);
    }
}
