//! The CRM's records. Times are Unix milliseconds (UTC).

use serde::{Deserialize, Serialize};

/// One way to recognise a customer: a handle on a network, an email, a phone.
/// Values are normalised (lower case, no leading "@", phones as digits with "+"), so two
/// spellings of one handle are one identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Identity {
    /// "x", "facebook", "instagram", "linkedin", "reddit", "youtube", "email" or "phone".
    pub network: String,
    pub value: String,
}

impl Identity {
    pub fn new(network: &str, value: &str) -> Identity {
        let network = network.trim().to_lowercase();
        let v = value.trim();
        let value = match network.as_str() {
            "phone" => v.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect(),
            "email" => v.to_lowercase(),
            _ => v.trim_start_matches('@').to_lowercase(),
        };
        Identity { network, value }
    }

    pub fn email(e: &str) -> Identity {
        Identity::new("email", e)
    }

    /// A handle on a social network (not an email or phone).
    pub fn is_social(&self) -> bool {
        !matches!(self.network.as_str(), "email" | "phone")
    }

    /// "x:dana_reyes": how identities are keyed in storage and shown in exports.
    pub fn key(&self) -> String {
        format!("{}:{}", self.network, self.value)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: String,
    /// Names seen for this customer, most recent first. Shown, never used to match.
    #[serde(default)]
    pub display_names: Vec<String>,
    pub identities: Vec<Identity>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Customer {
    pub fn name(&self) -> &str {
        self.display_names.first().map_or_else(|| self.identities.first().map_or("", |i| i.value.as_str()), String::as_str)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the customer (their post or message).
    Inbound,
    /// From the brand (a reply, a hand-off message).
    Outbound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InteractionKind {
    Post,
    /// A reply logged when it was put in the reply box (before replies were observed
    /// being published); kept so older logs still read.
    Reply,
    /// The brand's reply as published on the page, at its publish time: what time to
    /// first response and handling time count.
    Replied,
    SuggestionUsed,
    Handoff,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    pub id: String,
    pub customer_id: String,
    /// The network ("x", …) or "email", "phone", "chat".
    pub channel: String,
    pub kind: InteractionKind,
    pub direction: Direction,
    #[serde(default)]
    pub permalink: Option<String>,
    pub text: String,
    #[serde(default)]
    pub agent: Option<String>,
    /// The agent's stable id (their name can change, or be shared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    pub at: i64,
    /// Ids of the tone rules that fired on the reply, for the supervisors' dashboard.
    #[serde(default)]
    pub tone_findings: Vec<String>,
    /// Sentiment score in [-1, 1] of the customer's words, when known.
    #[serde(default, serialize_with = "shortest_f32")]
    pub sentiment: Option<f32>,
}

/// An f32 written as the shortest decimal that reads back as it ("-0.7", not
/// "-0.699999988079071"): a stored -0.7 exported and imported again stays -0.7.
fn shortest_f32<S: serde::Serializer>(v: &Option<f32>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) => s.serialize_some(&x.to_string().parse::<f64>().unwrap_or(*x as f64)),
        None => s.serialize_none(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: String,
    pub subject: String,
    pub status: String,
    pub open: bool,
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub updated_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub id: String,
    pub customer_id: String,
    pub text: String,
    #[serde(default)]
    pub agent: Option<String>,
    pub at: i64,
}

/// Who a write is about: what the page knows of the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerRef {
    pub identities: Vec<Identity>,
    #[serde(default)]
    pub display_name: Option<String>,
}

impl CustomerRef {
    /// The key writes are ordered by: the first identity (a post's author handle).
    pub fn order_key(&self) -> String {
        self.identities.first().map_or_else(String::new, Identity::key)
    }
}

/// A write to the CRM, as queued in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WriteOp {
    LogInteraction { customer: CustomerRef, interaction: Interaction },
    AddNote { customer: CustomerRef, text: String, agent: Option<String> },
    CreateTicket { customer: CustomerRef, subject: String, text: String },
}

impl WriteOp {
    pub fn customer(&self) -> &CustomerRef {
        match self {
            WriteOp::LogInteraction { customer, .. } | WriteOp::AddNote { customer, .. } | WriteOp::CreateTicket { customer, .. } => customer,
        }
    }

    /// Words for the panel: "reply on x", "note", "ticket".
    pub fn describe(&self) -> String {
        match self {
            WriteOp::LogInteraction { interaction, .. } => {
                let what = match interaction.kind {
                    InteractionKind::Post => "post",
                    InteractionKind::Reply => "reply",
                    InteractionKind::Replied => "published reply",
                    InteractionKind::SuggestionUsed => "suggestion used",
                    InteractionKind::Handoff => "move to private",
                };
                format!("{what} on {}", interaction.channel)
            }
            WriteOp::AddNote { .. } => "note".into(),
            WriteOp::CreateTicket { subject, .. } => format!("ticket “{subject}”"),
        }
    }
}

/// What the customer card shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerHistory {
    pub customer: Customer,
    /// Newest first.
    pub interactions: Vec<Interaction>,
    pub tickets: Vec<Ticket>,
    pub notes: Vec<Note>,
    /// (time, score) of the customer's own words, oldest first, for the sparkline.
    pub sentiment: Vec<(i64, f32)>,
}

impl CustomerHistory {
    pub fn open_tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.tickets.iter().filter(|t| t.open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_normalise() {
        assert_eq!(Identity::new("X", "@Dana_Reyes"), Identity::new("x", "dana_reyes"));
        assert_eq!(Identity::new("phone", "+44 (0)7911-123 456").value, "+4407911123456");
        assert_eq!(Identity::email(" Dana@Example.COM ").key(), "email:dana@example.com");
        assert!(!Identity::email("a@b.c").is_social());
    }
}
