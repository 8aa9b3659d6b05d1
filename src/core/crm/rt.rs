//! Request Tracker 5 over its REST 2 API.
//!
//! Mapping: a customer is an RT user; a social identity is the user's Name,
//! `{network}.{handle}` ("x.dana_reyes": RT reads "x:…" as a group, and "/" breaks its
//! URLs), an email is the user's EmailAddress. Tickets are tickets the user requested;
//! interactions and notes are comments on the customer's newest active ticket (or a new
//! ticket when there is none). Comments, not correspondence, so RT never emails the
//! customer behind the agent's back. Each write's subject carries `[Tactful KEY]`; a
//! retry first searches attachments for that key, so nothing is written twice.

use super::connector::{check, json, Connector, CrmError};
use super::http::{basic_auth, query_value, Http, Request, Response};
use super::model::*;
use super::text::{compose as comment_for, handle_word, kind_from_title as kind_from_subject, nothing_to_file_under, read_customer, string, Entries, Entry};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RtAuth {
    /// An RT auth token (Settings → Auth Tokens): `Authorization: token …`.
    Token { token: String },
    Basic { user: String, password: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RtConfig {
    /// RT's web root, e.g. `https://rt.example.com` or `http://127.0.0.1:8080/rt`.
    pub url: String,
    pub auth: RtAuth,
    /// The queue new tickets go to.
    #[serde(default = "default_queue")]
    pub queue: String,
}

fn default_queue() -> String {
    "General".into()
}

pub struct Rt {
    cfg: RtConfig,
}

const ACTIVE: &[&str] = &["new", "open", "stalled"];

impl Rt {
    pub fn new(cfg: RtConfig) -> Rt {
        Rt { cfg }
    }

    fn api(&self, path: &str) -> String {
        format!("{}/REST/2.0/{path}", self.cfg.url.trim_end_matches('/'))
    }

    fn authed(&self, r: Request) -> Request {
        let value = match &self.cfg.auth {
            RtAuth::Token { token } => format!("token {token}"),
            RtAuth::Basic { user, password } => basic_auth(user, password),
        };
        // Without `Accept: application/json` RT sends browsers that fail to sign in to its
        // HTML login page (a 200) instead of a 401.
        r.header("Authorization", value).header("Accept", "application/json")
    }

    async fn send(&self, http: &impl Http, r: Request) -> Result<Response, CrmError> {
        check(http.send(self.authed(r)).await?)
    }

    async fn get(&self, http: &impl Http, path: &str) -> Result<Value, CrmError> {
        json(&self.send(http, Request::get(self.api(path))).await?)
    }

    async fn post(&self, http: &impl Http, path: &str, body: &Value) -> Result<Value, CrmError> {
        json(&self.send(http, Request::with_json("POST", self.api(path), body)).await?)
    }

    /// TicketSQL search; returns the items with the given fields.
    async fn tickets(&self, http: &impl Http, query: &str, fields: &str, per_page: usize) -> Result<Vec<Value>, CrmError> {
        let path = format!("tickets?query={}&fields={fields}&orderby=LastUpdated&order=DESC&per_page={per_page}", query_value(query));
        Ok(items(&self.get(http, &path).await?))
    }

    /// Does RT already hold the write with this key (an attachment whose subject has it)?
    async fn has_key(&self, http: &impl Http, key: &str) -> Result<bool, CrmError> {
        let found = self.post(http, "attachments?fields=Subject", &json!([{ "field": "Subject", "operator": "LIKE", "value": format!("Tactful {key}]") }])).await?;
        Ok(!items(&found).is_empty())
    }

    /// The RT user for a customer, created when new.
    async fn ensure_user(&self, http: &impl Http, who: &CustomerRef) -> Result<Customer, CrmError> {
        if let Some(c) = self.lookup(http, who).await? {
            return Ok(c);
        }
        let email = who.identities.iter().find(|i| i.network == "email");
        let name = who.identities.iter().find(|i| i.is_social()).map(user_name).or_else(|| email.map(|e| e.value.clone()));
        let Some(name) = name else { return Err(nothing_to_file_under()) };
        let mut body = json!({ "Name": name, "RealName": who.display_name.clone().unwrap_or_default() });
        if let Some(e) = email {
            body["EmailAddress"] = e.value.clone().into();
        }
        self.post(http, "user", &body).await?;
        self.lookup(http, who).await?.ok_or_else(|| CrmError::BadResponse { detail: format!("user {name} was created but can't be read back") })
    }

    fn ticket_link(&self, id: &str) -> String {
        format!("{}/Ticket/Display.html?id={id}", self.cfg.url.trim_end_matches('/'))
    }
}

/// `{network}.{handle}`: how a social identity is an RT user name.
pub fn user_name(i: &Identity) -> String {
    handle_word(i)
}

fn items(v: &Value) -> Vec<Value> {
    v.get("items").and_then(Value::as_array).cloned().unwrap_or_default()
}

/// RT's times ("2026-11-23T16:15:20Z") as Unix ms.
fn rt_time(s: &str) -> Option<i64> {
    crate::core::clock::parse_iso(s)
}

fn customer_from_user(u: &Value) -> Customer {
    let name = string(u, "Name");
    let mut identities = Vec::new();
    if let Some((net, handle)) = name.split_once('.') {
        if crate::core::sites::SiteId::ALL.iter().any(|s| serde_json::to_value(s).ok().and_then(|v| v.as_str().map(|n| n == net)) == Some(true)) {
            identities.push(Identity::new(net, handle));
        }
    }
    let email = string(u, "EmailAddress");
    if !email.is_empty() {
        identities.push(Identity::email(&email));
    }
    read_customer(string(u, "id"), string(u, "RealName"), identities, &string(u, "Created"), &string(u, "LastUpdated"))
}

impl Connector for Rt {
    fn name(&self) -> &str {
        "Request Tracker"
    }

    async fn test_connection(&self, http: &impl Http) -> Result<String, CrmError> {
        self.get(http, "queues/all").await?;
        let q = self.get(http, &format!("queue/{}", query_value(&self.cfg.queue))).await.map_err(|e| match e {
            CrmError::NotFound { .. } => CrmError::NotFound { what: format!("queue “{}”", self.cfg.queue) },
            e => e,
        })?;
        Ok(format!("Connected to Request Tracker; queue “{}” found.", string(&q, "Name")))
    }

    async fn lookup(&self, http: &impl Http, who: &CustomerRef) -> Result<Option<Customer>, CrmError> {
        for ident in &who.identities {
            let user = if ident.is_social() {
                match self.get(http, &format!("user/{}", query_value(&user_name(ident)))).await {
                    Ok(u) => Some(u),
                    Err(CrmError::NotFound { .. }) => None,
                    Err(e) => return Err(e),
                }
            } else if ident.network == "email" {
                let found = self.post(http, "users", &json!([{ "field": "EmailAddress", "operator": "=", "value": ident.value }])).await?;
                match items(&found).first() {
                    Some(u) => Some(self.get(http, &format!("user/{}", string(u, "id"))).await?),
                    None => None,
                }
            } else {
                None
            };
            if let Some(u) = user {
                return Ok(Some(customer_from_user(&u)));
            }
        }
        Ok(None)
    }

    async fn history(&self, http: &impl Http, customer: &Customer, limit: usize) -> Result<CustomerHistory, CrmError> {
        let found = self.tickets(http, &format!("Requestor.id = {}", customer.id.parse::<u64>().unwrap_or(0)), "Subject,Status,LastUpdated", 20).await?;
        let tickets: Vec<Ticket> = found
            .iter()
            .map(|t| {
                let id = string(t, "id");
                let status = string(t, "Status");
                Ticket { link: Some(self.ticket_link(&id)), subject: string(t, "Subject"), open: ACTIVE.contains(&status.as_str()), status, updated_at: rt_time(&string(t, "LastUpdated")), id }
            })
            .collect();
        // The newest tickets' messages and comments are the interactions.
        let mut interactions = Vec::new();
        for t in tickets.iter().take(3) {
            // Only what people wrote: not RT's own autoreplies and notifications
            // (EmailRecord transactions) or field changes.
            let txns = items(&self.get(http, &format!("ticket/{}/history?fields=Type&per_page=100", t.id)).await?);
            let written: Vec<String> = txns.iter().filter(|x| matches!(string(x, "Type").as_str(), "Create" | "Correspond" | "Comment")).map(|x| string(x, "id")).collect();
            let atts = items(&self.get(http, &format!("ticket/{}/attachments?fields=Subject,Content,ContentType,TransactionId,Created,Creator&per_page=100", t.id)).await?);
            for a in atts.into_iter().filter(|a| written.contains(&string(a, "TransactionId"))) {
                let content = string(&a, "Content");
                if !string(&a, "ContentType").starts_with("text/plain") || content.trim().is_empty() {
                    continue;
                }
                let subject = string(&a, "Subject");
                let creator = a.get("Creator").map(|c| string(c, "id")).unwrap_or_default();
                let (kind, channel) = kind_from_subject(&subject).unwrap_or((InteractionKind::Post, "rt".into()));
                let from_customer = customer.identities.iter().any(|i| i.is_social() && user_name(i) == creator) || creator == customer.id;
                let text = content.split("\n\n--\nTactful: ").next().unwrap_or(&content).trim().to_string();
                interactions.push(Interaction {
                    id: string(&a, "TransactionId"),
                    customer_id: customer.id.clone(),
                    channel,
                    kind,
                    direction: if from_customer || content.contains("(from the customer)") { Direction::Inbound } else { Direction::Outbound },
                    permalink: content.lines().find_map(|l| l.strip_prefix("Link: ")).map(String::from),
                    sentiment: None,
                    text,
                    agent: Some(creator),
                    agent_id: content.lines().find_map(|l| l.strip_prefix("Agent id: ")).map(String::from),
                    at: rt_time(&string(&a, "Created")).unwrap_or(0),
                    tone_findings: vec![],
                });
            }
        }
        Ok(interactions.into_iter().map(Entry::Interaction).collect::<Entries>().newest_first().history(customer, tickets, limit))
    }

    async fn deliver(&self, http: &impl Http, key: &str, op: &WriteOp, maybe_done: bool) -> Result<(), CrmError> {
        if maybe_done && self.has_key(http, key).await? {
            return Ok(());
        }
        let user = self.ensure_user(http, op.customer()).await?;
        let (subject, body) = comment_for(key, op);
        let requestor = user.identities.iter().find(|i| i.is_social()).map(user_name).or_else(|| user.identities.iter().find(|i| i.network == "email").map(|e| e.value.clone())).unwrap_or_default();
        let active = if matches!(op, WriteOp::CreateTicket { .. }) {
            None
        } else {
            let q = format!("Requestor.id = {} AND Status = '__Active__'", user.id.parse::<u64>().unwrap_or(0));
            self.tickets(http, &q, "Subject", 1).await?.first().map(|t| string(t, "id"))
        };
        match active {
            Some(id) => {
                self.post(http, &format!("ticket/{id}/comment"), &json!({ "Subject": subject, "Content": body, "ContentType": "text/plain" })).await?;
            }
            None => {
                let subject = match op {
                    WriteOp::CreateTicket { .. } => subject,
                    _ => format!("{} — {} [Tactful {key}]", op.customer().display_name.as_deref().unwrap_or(&requestor), subject.split(" [Tactful ").next().unwrap_or("")),
                };
                let created = self.post(http, "ticket", &json!({ "Queue": self.cfg.queue, "Subject": subject, "Requestor": requestor, "Content": body, "ContentType": "text/plain" })).await?;
                if string(&created, "id").is_empty() {
                    return Err(CrmError::BadResponse { detail: "RT created no ticket id".into() });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_avoid_rts_role_syntax() {
        assert_eq!(user_name(&Identity::new("x", "@Dana")), "x.dana");
        let c = customer_from_user(&json!({"id": 27, "Name": "instagram.dana.ig", "EmailAddress": "d@example.com", "RealName": "Dana", "Created": "2026-11-23T16:15:19Z"}));
        assert_eq!(c.identities, [Identity::new("instagram", "dana.ig"), Identity::email("d@example.com")]);
        assert_eq!(c.id, "27");
        assert_eq!(c.display_names, ["Dana"]);
    }

    #[test]
    fn comment_subjects_carry_the_key_and_read_back() {
        let i = Interaction { id: "i".into(), customer_id: "c".into(), channel: "x".into(), kind: InteractionKind::Reply, direction: Direction::Outbound, permalink: Some("https://x.com/a/status/1".into()), text: "Hi Dana".into(), agent: Some("sam".into()), agent_id: None, at: 0, tone_findings: vec![], sentiment: None };
        let op = WriteOp::LogInteraction { customer: CustomerRef { identities: vec![Identity::new("x", "dana")], display_name: None }, interaction: i };
        let (s, b) = comment_for("dev-7", &op);
        assert_eq!(s, "Reply on x [Tactful dev-7]");
        assert!(b.starts_with("Hi Dana\n\n--\nTactful: reply on x (from us)\nLink: https://x.com/a/status/1"));
        assert_eq!(kind_from_subject(&s), Some((InteractionKind::Reply, "x".into())));
    }
}
