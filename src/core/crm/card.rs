//! What the customer card beside a post shows, from a customer's history. Text is made
//! safe and short here; the page still sets it as text, never HTML.

use super::model::*;
use crate::core::clock::age_label;
use crate::core::display::clean;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketLine {
    pub subject: String,
    pub status: String,
    /// Only http(s) links: a CRM record can't smuggle `javascript:` into the page.
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentLine {
    /// "3h", "2d".
    pub age: String,
    /// "Reply on x", "Post on instagram".
    pub what: String,
    pub text: String,
    pub from_customer: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardView {
    pub known: bool,
    pub name: String,
    /// "@dana_reyes on x", "dana@example.com".
    pub identities: Vec<String>,
    /// "2 open tickets · 14 interactions", or "New customer — no history yet".
    pub summary: String,
    pub open_tickets: Vec<TicketLine>,
    pub recent: Vec<RecentLine>,
    /// Sentiment scores in [-1, 1], oldest first (at most 20), for the sparkline.
    pub sentiment: Vec<f32>,
    /// Posts already moved to a private channel (among the history read), so a second
    /// agent sees it before doing it again.
    #[serde(default)]
    pub moved: Vec<MovedMark>,
    /// Permalinks of posts the team has answered (a reply seen published), among the
    /// history read: they leave the triage queue. A suggestion put in the reply box, or
    /// a private message opened, answers nothing until the reply is published.
    #[serde(default)]
    pub answered: Vec<String>,
}

/// A post moved to a private channel: which, and "Moved to private by Jo · 3h".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedMark {
    pub permalink: String,
    pub label: String,
}

/// Lines of history on the in-page card; the panel asks for more.
pub const CARD_RECENT: usize = 3;

fn safe_link(l: &Option<String>) -> Option<String> {
    l.as_ref().filter(|u| u.starts_with("https://") || u.starts_with("http://")).cloned()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The card for a customer; `total` is how many interactions the CRM holds for them
/// (the history carries only the newest).
pub fn card(h: &CustomerHistory, total: usize, now: i64) -> CardView {
    card_with(h, total, now, CARD_RECENT)
}

/// The card with up to `recent` lines of history (the panel's full history).
pub fn card_with(h: &CustomerHistory, total: usize, now: i64, recent: usize) -> CardView {
    let c = &h.customer;
    let identities = c
        .identities
        .iter()
        .map(|i| if i.is_social() { format!("@{} on {}", i.value, i.network) } else { i.value.clone() })
        .map(|s| clean(&s, 80))
        .collect();
    let open: Vec<TicketLine> = h.open_tickets().map(|t| TicketLine { subject: clean(&t.subject, 80), status: clean(&t.status, 20), link: safe_link(&t.link) }).collect();
    let summary = format!("{} · {}", plural(open.len(), "open ticket", "open tickets"), plural(total, "interaction", "interactions"));
    let recent = h
        .interactions
        .iter()
        .take(recent)
        .map(|i| {
            let what = match i.kind {
                InteractionKind::Post => "Post",
                InteractionKind::Reply => "Reply",
                InteractionKind::Replied => "Published reply",
                InteractionKind::SuggestionUsed => "Suggested reply",
                InteractionKind::Handoff => "Moved to private",
            };
            let text = if recent > CARD_RECENT { clean(&i.text, 1000) } else { clean(&i.text, 140) };
            RecentLine { age: age_label((now - i.at).max(0)), what: format!("{what} on {}", clean(&i.channel, 20)), text, from_customer: i.direction == Direction::Inbound }
        })
        .collect();
    let skip = h.sentiment.len().saturating_sub(20);
    // Replies to posts: published ones, and (in logs from before Tactful saw replies
    // published) ones logged as they were put in the reply box.
    let answered: Vec<String> = h
        .interactions
        .iter()
        .filter(|i| i.direction == Direction::Outbound && matches!(i.kind, InteractionKind::Replied | InteractionKind::Reply))
        .filter_map(|i| i.permalink.clone())
        .collect();
    // Moved once the public acknowledgement is published, not when the DM was opened.
    let moved = h
        .interactions
        .iter()
        .filter(|i| i.kind == InteractionKind::Handoff && i.permalink.as_ref().is_some_and(|p| answered.contains(p)))
        .filter_map(|i| {
            let by = i.agent.as_deref().map(|a| format!(" by {}", clean(a, 40))).unwrap_or_default();
            let age = age_label((now - i.at).max(0));
            let when = if age == "just now" { age } else { format!("{age} ago") };
            Some(MovedMark { permalink: i.permalink.clone()?, label: format!("Moved to private{by} · {when}") })
        })
        .collect();
    CardView { known: true, name: clean(c.name(), 60), identities, summary, open_tickets: open, recent, sentiment: h.sentiment[skip..].iter().map(|&(_, s)| s.clamp(-1.0, 1.0)).collect(), moved, answered }
}

/// The card for someone the CRM doesn't know yet.
pub fn unknown(who: &CustomerRef) -> CardView {
    CardView {
        known: false,
        name: clean(who.display_name.as_deref().unwrap_or(""), 60),
        identities: who.identities.iter().map(|i| clean(&format!("@{} on {}", i.value, i.network), 80)).collect(),
        summary: "New customer — no history yet".into(),
        open_tickets: vec![],
        recent: vec![],
        sentiment: vec![],
        moved: vec![],
        answered: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history() -> CustomerHistory {
        let c = Customer { id: "c1".into(), display_names: vec!["Dana\u{202E}Reyes".into()], identities: vec![Identity::new("x", "dana"), Identity::email("d@example.com")], tags: vec![], created_at: 0, updated_at: 0 };
        let i = |at: i64, text: &str, dir| Interaction { id: at.to_string(), customer_id: "c1".into(), channel: "x".into(), kind: InteractionKind::Reply, direction: dir, permalink: None, text: text.into(), agent: None, agent_id: None, at, tone_findings: vec![], sentiment: None };
        CustomerHistory {
            customer: c,
            interactions: vec![i(3_600_000, "newest <b>bold</b>", Direction::Inbound), i(2, "older", Direction::Outbound)],
            tickets: vec![
                Ticket { id: "1".into(), subject: "Late order".into(), status: "open".into(), open: true, link: Some("javascript:alert(1)".into()), updated_at: None },
                Ticket { id: "2".into(), subject: "Old".into(), status: "resolved".into(), open: false, link: None, updated_at: None },
            ],
            notes: vec![],
            sentiment: vec![(1, -0.8), (2, 0.3)],
        }
    }

    #[test]
    fn card_summarises_and_sanitises() {
        let v = card(&history(), 14, 2 * 3_600_000);
        assert_eq!(v.name, "DanaReyes", "bidi override removed");
        assert_eq!(v.identities, ["@dana on x", "d@example.com"]);
        assert_eq!(v.summary, "1 open ticket · 14 interactions");
        assert_eq!(v.open_tickets.len(), 1);
        assert_eq!(v.open_tickets[0].link, None, "javascript: links are dropped");
        assert_eq!(v.recent[0].text, "newest <b>bold</b>", "kept as text; the page sets it as text");
        assert!(v.recent[0].from_customer);
        assert_eq!(v.recent[0].age, age_label(3_600_000));
        assert_eq!(v.sentiment, [-0.8, 0.3]);
    }

    #[test]
    fn unknown_customer_says_so() {
        let v = unknown(&CustomerRef { identities: vec![Identity::new("x", "sam")], display_name: Some("Sam".into()) });
        assert!(!v.known);
        assert_eq!(v.summary, "New customer — no history yet");
    }
    #[test]
    fn marks_posts_moved_to_private_once_the_acknowledgement_is_published() {
        let mut h = history();
        let link = Some("https://x.com/dana/status/9".to_string());
        let out = |kind, text: &str, at| Interaction { id: text.into(), customer_id: "c1".into(), channel: "x".into(), kind, direction: Direction::Outbound, permalink: link.clone(), text: text.into(), agent: Some("Jo <b>".into()), agent_id: None, at, tone_findings: vec![], sentiment: None };
        h.interactions.insert(0, out(InteractionKind::Handoff, "Moved to private.", 0));
        h.interactions.insert(0, out(InteractionKind::SuggestionUsed, "Sorry Dana", 0));
        let c = card(&h, 3, 2 * 3_600_000);
        assert!(c.moved.is_empty() && c.answered.is_empty(), "a DM opened and a suggestion inserted answer nothing");
        h.interactions.insert(0, out(InteractionKind::Replied, "We've sent you a DM", 10));
        let c = card(&h, 3, 2 * 3_600_000);
        assert_eq!(c.moved, [MovedMark { permalink: "https://x.com/dana/status/9".into(), label: "Moved to private by Jo <b> · 2 h ago".into() }]);
        assert_eq!(c.answered, ["https://x.com/dana/status/9"], "the published reply answers it");
    }
}
