//! The text Tactful writes into a CRM and reads back out, the same for every connector.
//!
//! A write has a title line carrying the `[Tactful KEY]` marker ("Reply on x [Tactful k]")
//! and a text: what was said, then `--` and a footer ("Tactful: reply on x (from us)",
//! "Link: …", "Agent: …", "Tone findings: …", or "Note by …" for a note). Connectors put
//! the title where their CRM has one (a subject) or as the first line, and read both back
//! into the card's interactions and notes.

use super::connector::CrmError;
use super::model::*;
use crate::core::clock::parse_iso;
use serde_json::Value;

/// What every marker starts with: a title holding it was written by Tactful.
pub(super) const MARK: &str = "[Tactful ";

/// `[Tactful KEY]`: the marker a write carries, so a retry can find it.
pub(super) fn marker(key: &str) -> String {
    format!("{MARK}{key}]")
}

/// The title line and text of a write. The title carries the key.
pub(super) fn compose(key: &str, op: &WriteOp) -> (String, String) {
    let mark = marker(key);
    match op {
        WriteOp::LogInteraction { interaction: i, .. } => {
            let from = if i.direction == Direction::Inbound { "from the customer" } else { "from us" };
            let mut text = format!("{}\n\n--\nTactful: {} ({from})", i.text, op.describe());
            for (label, value) in [("Link", i.permalink.clone()), ("Agent", i.agent.clone()), ("Agent id", i.agent_id.clone()), ("Tone findings", Some(i.tone_findings.join(", ")).filter(|t| !t.is_empty()))] {
                if let Some(v) = value {
                    text.push_str(&format!("\n{label}: {v}"));
                }
            }
            (format!("{} {mark}", capitalise(&op.describe())), text)
        }
        WriteOp::AddNote { text, agent, .. } => (format!("Note {mark}"), format!("{text}{}", agent.as_deref().map(|a| format!("\n\n--\nNote by {a}")).unwrap_or_default())),
        WriteOp::CreateTicket { subject, text, .. } => (format!("{subject} {mark}"), text.clone()),
    }
}

/// The first letter in upper case.
pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// What a Tactful title says was logged, and where ("Reply on x [Tactful k]").
pub(super) fn kind_from_title(title: &str) -> Option<(InteractionKind, String)> {
    let head = title.split(" [Tactful ").next()?;
    let (what, channel) = head.split_once(" on ")?;
    let kind = match what.to_lowercase().as_str() {
        "post" => InteractionKind::Post,
        "reply" => InteractionKind::Reply,
        "published reply" => InteractionKind::Replied,
        "suggestion used" => InteractionKind::SuggestionUsed,
        "move to private" => InteractionKind::Handoff,
        _ => return None,
    };
    Some((kind, channel.to_string()))
}

/// A JSON field as text: a string as it is, a number written out, anything else empty.
pub(super) fn string(v: &Value, k: &str) -> String {
    match v.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// `network.handle`: how a social handle is one word of a CRM's text field or tags.
pub(super) fn handle_word(i: &Identity) -> String {
    format!("{}.{}", i.network, i.value)
}

/// The identity a `network.handle` word stands for (split at the first dot).
pub(super) fn identity_from_word(word: &str) -> Option<Identity> {
    word.split_once('.').map(|(net, handle)| Identity::new(net, handle))
}

/// Plain text as an HTML body: escaped, one `<br>` per line break.
pub(super) fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('\n', "<br>")
}

/// A customer as a CRM's record has them: named when the record has a name; times are
/// ISO 8601, and a record never updated was last updated when it was created.
pub(super) fn read_customer(id: String, name: String, identities: Vec<Identity>, created: &str, updated: &str) -> Customer {
    let created = parse_iso(created).unwrap_or(0);
    Customer { id, display_names: if name.is_empty() { vec![] } else { vec![name] }, identities, tags: vec![], created_at: created, updated_at: parse_iso(updated).unwrap_or(created) }
}

/// Why a customer with no handle or email can't be written to a CRM.
pub(super) fn nothing_to_file_under() -> CrmError {
    CrmError::Rejected { status: 400, reason: "the customer has no handle or email to file them under".into() }
}

/// The name to file a new customer under: the name they go by, else their first handle or
/// email.
pub(super) fn filing_name(who: &CustomerRef) -> Result<String, CrmError> {
    who.display_name.clone().or_else(|| who.identities.iter().find(|i| i.network != "phone").map(|i| i.value.clone())).ok_or_else(nothing_to_file_under)
}

/// The subject of a ticket opened only to hold a write: "Dana Reyes — Reply on x [Tactful k]".
pub(super) fn holding_ticket_subject(op: &WriteOp, known: &Customer, title: &str) -> String {
    let name = op.customer().display_name.as_deref().or(known.display_names.first().map(String::as_str)).unwrap_or("Customer");
    format!("{name} — {title}")
}

/// A record read back from a CRM, as the card shows it.
pub(super) enum Entry {
    Interaction(Interaction),
    Note(Note),
}

/// Where a record read back came from: its id, the customer, who wrote it (as the CRM
/// says) and when.
pub(super) struct Stamp {
    pub id: String,
    pub customer_id: String,
    pub agent: Option<String>,
    pub at: i64,
}

impl Stamp {
    pub fn note(self, text: String) -> Entry {
        Entry::Note(Note { id: self.id, customer_id: self.customer_id, text, agent: self.agent, at: self.at })
    }

    /// Something the customer or an agent wrote in the CRM itself (not through Tactful).
    pub fn written(self, channel: String, inbound: bool, text: String) -> Entry {
        Entry::Interaction(Interaction {
            id: self.id,
            customer_id: self.customer_id,
            channel,
            kind: if inbound { InteractionKind::Post } else { InteractionKind::Reply },
            direction: if inbound { Direction::Inbound } else { Direction::Outbound },
            permalink: None,
            text,
            agent: if inbound { None } else { self.agent },
            agent_id: None,
            at: self.at,
            tone_findings: vec![],
            sentiment: None,
        })
    }

    /// Reads back what Tactful wrote: `title` has the marker, `lines` are the text under
    /// it. An interaction when the title says what was logged, else a note; the footer's
    /// agent wins over the CRM's.
    pub fn logged(self, title: &str, lines: &[&str]) -> Entry {
        let footer_at = lines.iter().position(|l| *l == "--").unwrap_or(lines.len());
        let footer = &lines[(footer_at + 1).min(lines.len())..];
        let field = |label: &str| footer.iter().find_map(|l| l.strip_prefix(label)).map(str::to_string);
        let text = lines[..footer_at].join("\n").trim().to_string();
        let Some((kind, channel)) = kind_from_title(title) else {
            return Stamp { agent: field("Note by ").or(self.agent), ..self }.note(text);
        };
        Entry::Interaction(Interaction {
            id: self.id,
            customer_id: self.customer_id,
            channel,
            kind,
            direction: if field("Tactful: ").is_some_and(|t| t.ends_with("(from the customer)")) { Direction::Inbound } else { Direction::Outbound },
            permalink: field("Link: "),
            text,
            agent: field("Agent: ").or(self.agent),
            agent_id: field("Agent id: "),
            at: self.at,
            tone_findings: field("Tone findings: ").map(|t| t.split(", ").map(String::from).collect()).unwrap_or_default(),
            sentiment: None,
        })
    }
}

/// Records read back, sorted into interactions and notes in the order read.
#[derive(Default)]
pub(super) struct Entries {
    interactions: Vec<Interaction>,
    notes: Vec<Note>,
}

impl Extend<Entry> for Entries {
    fn extend<I: IntoIterator<Item = Entry>>(&mut self, entries: I) {
        for e in entries {
            match e {
                Entry::Interaction(i) => self.interactions.push(i),
                Entry::Note(n) => self.notes.push(n),
            }
        }
    }
}

impl FromIterator<Entry> for Entries {
    fn from_iter<I: IntoIterator<Item = Entry>>(entries: I) -> Entries {
        let mut all = Entries::default();
        all.extend(entries);
        all
    }
}

impl Entries {
    /// Newest first; records of the same time keep the order they were read in.
    pub fn newest_first(mut self) -> Entries {
        self.interactions.sort_by_key(|i| std::cmp::Reverse(i.at));
        self.notes.sort_by_key(|n| std::cmp::Reverse(n.at));
        self
    }

    /// The customer's history with the first `limit` interactions.
    pub fn history(mut self, customer: &Customer, tickets: Vec<Ticket>, limit: usize) -> CustomerHistory {
        self.interactions.truncate(limit);
        CustomerHistory { customer: customer.clone(), interactions: self.interactions, tickets, notes: self.notes, sentiment: vec![] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn who(display_name: Option<&str>, identities: &[Identity]) -> CustomerRef {
        CustomerRef { identities: identities.to_vec(), display_name: display_name.map(String::from) }
    }

    fn logged(direction: Direction, tone_findings: &[&str]) -> WriteOp {
        let i = Interaction { id: "i".into(), customer_id: "c".into(), channel: "x".into(), kind: InteractionKind::Reply, direction, permalink: Some("https://x.com/a/status/1".into()), text: "Hi Dana".into(), agent: Some("sam".into()), agent_id: None, at: 0, tone_findings: tone_findings.iter().map(|t| t.to_string()).collect(), sentiment: None };
        WriteOp::LogInteraction { customer: who(None, &[Identity::new("x", "dana")]), interaction: i }
    }

    fn stamp(agent: Option<&str>, at: i64) -> Stamp {
        Stamp { id: "n1".into(), customer_id: "c1".into(), agent: agent.map(String::from), at }
    }

    #[test]
    fn writes_carry_the_marker_and_a_footer() {
        assert_eq!(marker("dev-7"), "[Tactful dev-7]");
        assert_eq!(compose("dev-7", &logged(Direction::Outbound, &[])), ("Reply on x [Tactful dev-7]".into(), "Hi Dana\n\n--\nTactful: reply on x (from us)\nLink: https://x.com/a/status/1\nAgent: sam".into()));
        let (_, text) = compose("k", &logged(Direction::Inbound, &["sarcasm", "shouting"]));
        assert!(text.ends_with("Tactful: reply on x (from the customer)\nLink: https://x.com/a/status/1\nAgent: sam\nTone findings: sarcasm, shouting"), "{text}");
        let note = WriteOp::AddNote { customer: who(None, &[]), text: "VIP".into(), agent: Some("sam".into()) };
        assert_eq!(compose("k", &note), ("Note [Tactful k]".into(), "VIP\n\n--\nNote by sam".into()));
        let note = WriteOp::AddNote { customer: who(None, &[]), text: "VIP".into(), agent: None };
        assert_eq!(compose("k", &note).1, "VIP");
        let ticket = WriteOp::CreateTicket { customer: who(None, &[]), subject: "Damaged".into(), text: "Again".into() };
        assert_eq!(compose("k", &ticket), ("Damaged [Tactful k]".into(), "Again".into()));
    }

    #[test]
    fn titles_read_back() {
        assert_eq!(kind_from_title("Reply on x [Tactful k]"), Some((InteractionKind::Reply, "x".into())));
        assert_eq!(kind_from_title("Move to private on instagram [Tactful k]"), Some((InteractionKind::Handoff, "instagram".into())));
        assert_eq!(kind_from_title("Suggestion used on reddit"), Some((InteractionKind::SuggestionUsed, "reddit".into())));
        assert_eq!(kind_from_title("Note [Tactful k]"), None);
        assert_eq!(kind_from_title("Lunch on Friday [Tactful k]"), None);
    }

    #[test]
    fn small_helpers() {
        assert_eq!(capitalise("reply on x"), "Reply on x");
        assert_eq!(capitalise("élan"), "Élan");
        assert_eq!(capitalise(""), "");
        let v = json!({ "s": "a", "n": 27, "b": true });
        assert_eq!((string(&v, "s"), string(&v, "n"), string(&v, "b"), string(&v, "missing")), ("a".into(), "27".into(), String::new(), String::new()));
        assert_eq!(handle_word(&Identity::new("instagram", "@Dana.IG")), "instagram.dana.ig");
        assert_eq!(identity_from_word("instagram.dana.ig"), Some(Identity::new("instagram", "dana.ig")));
        assert_eq!(identity_from_word("vip"), None);
        assert_eq!(html("a & <b>\nc"), "a &amp; &lt;b&gt;<br>c");
    }

    #[test]
    fn customers_read_back() {
        let c = read_customer("7".into(), "Dana".into(), vec![Identity::email("d@example.com")], "2024-01-17T19:55:04Z", "");
        assert_eq!((c.id.as_str(), c.display_names.as_slice(), c.identities.len()), ("7", &["Dana".to_string()][..], 1));
        assert_eq!((c.created_at, c.updated_at), (parse_iso("2024-01-17T19:55:04Z").unwrap(), c.created_at));
        let c = read_customer("8".into(), String::new(), vec![], "", "2024-10-02T16:40:03Z");
        assert_eq!((c.display_names.len(), c.created_at, c.updated_at), (0, 0, parse_iso("2024-10-02T16:40:03Z").unwrap()));
    }

    #[test]
    fn new_customers_are_filed_by_name_or_handle() {
        assert_eq!(filing_name(&who(Some("Dana"), &[Identity::new("x", "dana")])), Ok("Dana".into()));
        assert_eq!(filing_name(&who(None, &[Identity::new("phone", "+1 555"), Identity::email("d@example.com")])), Ok("d@example.com".into()));
        assert_eq!(filing_name(&who(None, &[Identity::new("phone", "+1 555")])), Err(nothing_to_file_under()));
        let known = Customer { id: "1".into(), display_names: vec!["Dana R".into()], identities: vec![], tags: vec![], created_at: 0, updated_at: 0 };
        let op = |name: Option<&str>| WriteOp::AddNote { customer: who(name, &[]), text: String::new(), agent: None };
        assert_eq!(holding_ticket_subject(&op(Some("Dana Reyes")), &known, "Note [Tactful k]"), "Dana Reyes — Note [Tactful k]");
        assert_eq!(holding_ticket_subject(&op(None), &known, "T"), "Dana R — T");
        assert_eq!(holding_ticket_subject(&op(None), &Customer { display_names: vec![], ..known }, "T"), "Customer — T");
    }

    #[test]
    fn logged_writes_read_back() {
        let (title, text) = compose("k", &logged(Direction::Inbound, &["sarcasm"]));
        let Entry::Interaction(i) = stamp(Some("crm-user"), 5).logged(&title, &text.lines().collect::<Vec<_>>()) else { panic!("an interaction") };
        assert_eq!((i.kind, i.channel.as_str(), i.direction, i.text.as_str()), (InteractionKind::Reply, "x", Direction::Inbound, "Hi Dana"));
        assert_eq!((i.permalink.as_deref(), i.agent.as_deref(), i.tone_findings.as_slice(), i.at), (Some("https://x.com/a/status/1"), Some("sam"), &["sarcasm".to_string()][..], 5));
        let Entry::Note(n) = stamp(Some("crm-user"), 5).logged("Note [Tactful k]", &["VIP", "", "--", "Note by sam"]) else { panic!("a note") };
        assert_eq!((n.text.as_str(), n.agent.as_deref(), n.id.as_str()), ("VIP", Some("sam"), "n1"));
        let Entry::Note(n) = stamp(Some("crm-user"), 5).logged("Note [Tactful k]", &["VIP"]) else { panic!("a note") };
        assert_eq!(n.agent.as_deref(), Some("crm-user"));
    }

    #[test]
    fn entries_sort_and_limit() {
        let written = |at: i64, inbound: bool| stamp(Some("sam"), at).written("web".into(), inbound, "t".into());
        let Entry::Interaction(i) = written(1, true) else { panic!() };
        assert_eq!((i.kind, i.direction, i.agent), (InteractionKind::Post, Direction::Inbound, None));
        let entries: Entries = [written(1, false), stamp(None, 1).note("a".into()), written(3, true), stamp(None, 2).note("b".into()), written(2, false)].into_iter().collect();
        let customer = Customer { id: "c1".into(), display_names: vec![], identities: vec![], tags: vec![], created_at: 0, updated_at: 0 };
        let h = entries.newest_first().history(&customer, vec![], 2);
        assert_eq!(h.interactions.iter().map(|i| i.at).collect::<Vec<_>>(), [3, 2]);
        assert_eq!(h.notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["b", "a"]);
        let kept: Entries = [written(1, false), written(3, false)].into_iter().collect();
        assert_eq!(kept.history(&customer, vec![], 5).interactions.iter().map(|i| i.at).collect::<Vec<_>>(), [1, 3]);
    }
}
