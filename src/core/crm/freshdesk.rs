//! Freshdesk over its v2 API, with an agent's API key.
//!
//! Mapping: a customer is a contact. An X handle is the contact's `twitter_id`; other
//! handles are `network.handle` tags; emails are `email` and `other_emails`. Tickets are
//! the tickets the contact requested. Interactions and notes are private notes on the
//! contact's most recently updated unresolved ticket. When there is none, Tactful opens a
//! ticket whose description says only what was logged (Freshdesk may acknowledge a new
//! ticket to the requester by email) and puts the details in a private note. Each write's
//! first line carries `[Tactful KEY]`; a retry first looks for it on the contact's tickets.
//!
//! Since October 2020 Freshdesk fills `twitter_id` of contacts it creates from X with the
//! numeric user id, not the handle; those contacts are found by email or tag only.

use super::connector::{check, json, Connector, CrmError};
use super::http::{basic_auth, query_value, Http, Request, Response};
use super::model::*;
use super::text::{capitalise, compose, filing_name, handle_word, holding_ticket_subject, html, identity_from_word, marker, read_customer, string, Entries, Entry, Stamp, MARK};
use crate::core::clock::parse_iso;
use crate::core::kb::import::html_to_text;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FreshdeskConfig {
    /// `https://{domain}.freshdesk.com`.
    pub url: String,
    /// The agent's API key (Profile settings); sent as `apikey:X`.
    pub api_key: String,
}

pub struct Freshdesk {
    cfg: FreshdeskConfig,
}

/// Resolved and Closed; every other status is still being worked on.
const DONE_STATUSES: &[u64] = &[4, 5];
const MAX_PAGES: usize = 3;

impl Freshdesk {
    pub fn new(cfg: FreshdeskConfig) -> Freshdesk {
        Freshdesk { cfg }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("https://") || path.starts_with("http://") {
            return path.to_string();
        }
        format!("{}/{path}", self.cfg.url.trim_end_matches('/'))
    }

    async fn send(&self, http: &impl Http, r: Request) -> Result<Response, CrmError> {
        let resp = http.send(r.header("Authorization", basic_auth(&self.cfg.api_key, "X"))).await?;
        let fields = field_errors(&resp.body);
        // "Validation failed" alone doesn't say what to fix; the field errors do.
        check(resp).map_err(|e| match e {
            CrmError::Rejected { status, reason } if !fields.is_empty() => CrmError::Rejected { status, reason: format!("{reason}: {fields}") },
            e => e,
        })
    }

    async fn get(&self, http: &impl Http, path: &str) -> Result<Value, CrmError> {
        json(&self.send(http, Request::get(self.url(path))).await?)
    }

    async fn post(&self, http: &impl Http, path: &str, body: &Value) -> Result<Value, CrmError> {
        json(&self.send(http, Request::with_json("POST", self.url(path), body)).await?)
    }

    /// Every page of a list, following the `link: <…>; rel="next"` header.
    async fn pages(&self, http: &impl Http, path: &str) -> Result<Vec<Value>, CrmError> {
        let mut all = Vec::new();
        let mut next = Some(path.to_string());
        for _ in 0..MAX_PAGES {
            let Some(path) = next.take() else { break };
            let resp = self.send(http, Request::get(self.url(&path))).await?;
            next = next_link(&resp);
            all.extend(json(&resp)?.as_array().cloned().unwrap_or_default());
        }
        Ok(all)
    }

    /// The contact's tickets, most recently updated first.
    async fn tickets(&self, http: &impl Http, contact: &str) -> Result<Vec<Value>, CrmError> {
        self.pages(http, &format!("api/v2/tickets?requester_id={contact}&order_by=updated_at&order_type=desc&per_page=100")).await
    }

    async fn conversations(&self, http: &impl Http, ticket: &str) -> Result<Vec<Value>, CrmError> {
        self.pages(http, &format!("api/v2/tickets/{ticket}/conversations?per_page=100")).await
    }

    /// The Freshdesk contact for a customer, created when new.
    async fn ensure_contact(&self, http: &impl Http, who: &CustomerRef) -> Result<Customer, CrmError> {
        if let Some(c) = self.lookup(http, who).await? {
            return Ok(c);
        }
        let email = who.identities.iter().find(|i| i.network == "email");
        let x = who.identities.iter().find(|i| i.network == "x");
        let tags: Vec<String> = who.identities.iter().filter(|i| i.is_social() && i.network != "x").map(handle_word).collect();
        let name = filing_name(who)?;
        let mut contact = json!({ "name": name, "tags": tags });
        if let Some(e) = email {
            contact["email"] = e.value.clone().into();
        }
        if let Some(x) = x {
            contact["twitter_id"] = x.value.clone().into();
        }
        // Freshdesk needs an email, phone, X handle or external id; a handle word is unique.
        if email.is_none() && x.is_none() {
            contact["unique_external_id"] = tags.first().cloned().unwrap_or_default().into();
        }
        Ok(customer_from(&self.post(http, "api/v2/contacts", &contact).await?))
    }

    fn ticket_from(&self, t: &Value) -> Ticket {
        let id = string(t, "id");
        let status = t.get("status").and_then(Value::as_u64).unwrap_or(0);
        Ticket {
            link: Some(format!("{}/a/tickets/{id}", self.cfg.url.trim_end_matches('/'))),
            subject: string(t, "subject"),
            status: status_name(status),
            open: !DONE_STATUSES.contains(&status),
            updated_at: parse_iso(&string(t, "updated_at")),
            id,
        }
    }
}

fn customer_from(c: &Value) -> Customer {
    let mut identities = Vec::new();
    let x = string(c, "twitter_id");
    if !x.is_empty() {
        identities.push(Identity::new("x", &x));
    }
    let strings = |k: &str| c.get(k).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect::<Vec<_>>()).unwrap_or_default();
    let tags = strings("tags");
    identities.extend(tags.iter().map(String::as_str).filter_map(identity_from_word));
    let email = string(c, "email");
    identities.extend(Some(email).filter(|e| !e.is_empty()).into_iter().chain(strings("other_emails")).map(|e| Identity::email(&e)));
    Customer { tags: tags.into_iter().filter(|t| !t.contains('.')).collect(), ..read_customer(string(c, "id"), string(c, "name"), identities, &string(c, "created_at"), &string(c, "updated_at")) }
}

fn status_name(status: u64) -> String {
    match status {
        2 => "Open",
        3 => "Pending",
        4 => "Resolved",
        5 => "Closed",
        6 => "Waiting on Customer",
        7 => "Waiting on Third Party",
        _ => return status.to_string(),
    }
    .into()
}

/// The URL in `link: < https://…&page=2>;rel="next"`.
fn next_link(resp: &Response) -> Option<String> {
    let next = resp.header("link")?.split(',').find(|l| l.contains("rel=\"next\""))?;
    Some(next.split(['<', '>']).nth(1)?.trim().to_string())
}

/// "field: message" for each entry of a validation error's `errors`.
fn field_errors(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(body) else { return String::new() };
    let Some(errors) = v.get("errors").and_then(Value::as_array) else { return String::new() };
    errors.iter().map(|e| [string(e, "field"), string(e, "message")].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(": ")).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("; ")
}

/// Reads a conversation back: what Tactful logged ("Reply on x [Tactful k]" first), a
/// note, or what the customer and agents wrote in Freshdesk (private notes are notes).
fn read_conversation(customer: &Customer, c: &Value) -> Entry {
    let text = html_to_text(&string(c, "body"));
    let author = Some(string(c, "user_id")).filter(|a| !a.is_empty());
    let inbound = c.get("incoming") == Some(&Value::Bool(true)) || author.as_deref() == Some(customer.id.as_str());
    let stamp = Stamp { id: string(c, "id"), customer_id: customer.id.clone(), agent: author, at: parse_iso(&string(c, "created_at")).unwrap_or(0) };
    let mut lines = text.lines();
    let title = lines.next().unwrap_or("");
    if !title.contains(MARK) {
        if c.get("private") == Some(&Value::Bool(true)) {
            return stamp.note(text.clone());
        }
        // Conversation sources: 0 email reply, 5 tweet, 7 Facebook post.
        let channel = match c.get("source").and_then(Value::as_u64) {
            Some(5) => "x",
            Some(7) => "facebook",
            Some(0) => "email",
            _ => "freshdesk",
        };
        return stamp.written(channel.into(), inbound, text.clone());
    }
    stamp.logged(title, &lines.collect::<Vec<_>>())
}

impl Connector for Freshdesk {
    fn name(&self) -> &str {
        "Freshdesk"
    }

    async fn test_connection(&self, http: &impl Http) -> Result<String, CrmError> {
        let me = self.get(http, "api/v2/agents/me").await?;
        let contact = me.get("contact").cloned().unwrap_or_default();
        Ok(format!("Connected to Freshdesk as {} ({}).", string(&contact, "name"), string(&contact, "email")))
    }

    async fn lookup(&self, http: &impl Http, who: &CustomerRef) -> Result<Option<Customer>, CrmError> {
        for ident in &who.identities {
            let found = match ident.network.as_str() {
                "email" => self.get(http, &format!("api/v2/contacts?email={}", query_value(&ident.value))).await?.as_array().cloned().unwrap_or_default(),
                "phone" => continue,
                // The filter syntax has no escape for quotes; no handle needs one.
                _ if ident.value.contains(['\'', '"']) => continue,
                net => {
                    let query = if net == "x" { format!("\"twitter_id:'{}'\"", ident.value) } else { format!("\"tag:'{}'\"", handle_word(ident)) };
                    let found = self.get(http, &format!("api/v2/search/contacts?query={}", query_value(&query))).await?;
                    found.get("results").and_then(Value::as_array).cloned().unwrap_or_default()
                }
            };
            // Filters match case-insensitively; the normalised identity decides.
            if let Some(c) = found.iter().map(customer_from).find(|c| c.identities.contains(ident)) {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    async fn history(&self, http: &impl Http, customer: &Customer, limit: usize) -> Result<CustomerHistory, CrmError> {
        let tickets: Vec<Ticket> = self.tickets(http, &customer.id).await?.iter().map(|t| self.ticket_from(t)).collect();
        let mut read = Entries::default();
        for t in tickets.iter().take(3) {
            read.extend(self.conversations(http, &t.id).await?.iter().map(|c| read_conversation(customer, c)));
        }
        Ok(read.newest_first().history(customer, tickets, limit))
    }

    async fn deliver(&self, http: &impl Http, key: &str, op: &WriteOp, maybe_done: bool) -> Result<(), CrmError> {
        let contact = self.ensure_contact(http, op.customer()).await?;
        let mark = marker(key);
        let (title, text) = compose(key, op);
        let requester = contact.id.parse::<u64>().unwrap_or(0);
        if let WriteOp::CreateTicket { .. } = op {
            if maybe_done && self.tickets(http, &contact.id).await?.iter().any(|t| string(t, "subject").contains(&mark)) {
                return Ok(());
            }
            let created = self.post(http, "api/v2/tickets", &json!({ "requester_id": requester, "subject": title, "description": html(&text), "status": 2, "priority": 1 })).await?;
            return if string(&created, "id").is_empty() { Err(CrmError::BadResponse { detail: "Freshdesk created no ticket id".into() }) } else { Ok(()) };
        }
        let tickets = self.tickets(http, &contact.id).await?;
        // A ticket an earlier attempt opened for this write, else the one being worked on.
        let target = tickets.iter().find(|t| string(t, "subject").contains(&mark)).or_else(|| tickets.iter().find(|t| !DONE_STATUSES.contains(&t.get("status").and_then(Value::as_u64).unwrap_or(0)))).map(|t| string(t, "id"));
        let ticket = match target {
            Some(id) => {
                if maybe_done && self.conversations(http, &id).await?.iter().any(|c| string(c, "body").contains(&mark)) {
                    return Ok(());
                }
                id
            }
            None => {
                let description = format!("{} (logged by Tactful)", capitalise(&op.describe()));
                let created = self.post(http, "api/v2/tickets", &json!({ "requester_id": requester, "subject": holding_ticket_subject(op, &contact, &title), "description": html(&description), "status": 2, "priority": 1 })).await?;
                Some(string(&created, "id")).filter(|id| !id.is_empty()).ok_or_else(|| CrmError::BadResponse { detail: "Freshdesk created no ticket id".into() })?
            }
        };
        let note = self.post(http, &format!("api/v2/tickets/{ticket}/notes"), &json!({ "body": html(&format!("{title}\n\n{text}")), "private": true })).await?;
        if string(&note, "id").is_empty() {
            return Err(CrmError::BadResponse { detail: "Freshdesk created no note id".into() });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fake_http::*;
    use super::*;

    const URL: &str = "https://acme.freshdesk.com";
    const TICKETS: &str = "/api/v2/tickets?requester_id=432&order_by=updated_at&order_type=desc&per_page=100";
    const BY_X: &str = "/api/v2/search/contacts?query=%22twitter_id%3A'dana_reyes'%22";

    fn freshdesk() -> Freshdesk {
        Freshdesk::new(FreshdeskConfig { url: URL.into(), api_key: "abcdefghij1234567890".into() })
    }

    fn fake() -> FakeHttp {
        FakeHttp::new(URL).auth("Basic YWJjZGVmZ2hpajEyMzQ1Njc4OTA6WA==")
    }

    fn who(identities: &[Identity]) -> CustomerRef {
        CustomerRef { identities: identities.to_vec(), display_name: Some("Dana Reyes".into()) }
    }

    fn dana() -> Customer {
        customer_from(&serde_json::from_str::<Value>(&fixture("freshdesk/contacts_by_email.json")).unwrap()[0])
    }

    fn reply_on_x(text: &str) -> WriteOp {
        let i = Interaction { id: "i1".into(), customer_id: String::new(), channel: "x".into(), kind: InteractionKind::Reply, direction: Direction::Outbound, permalink: Some("https://x.com/acme/status/1843".into()), text: text.into(), agent: Some("sam".into()), agent_id: None, at: 1_727_942_400_000, tone_findings: vec![], sentiment: None };
        WriteOp::LogInteraction { customer: who(&[Identity::new("x", "dana_reyes")]), interaction: i }
    }

    #[test]
    fn auth_is_the_api_key_with_x() {
        assert_eq!(basic_auth("abcdefghij1234567890", "X"), "Basic YWJjZGVmZ2hpajEyMzQ1Njc4OTA6WA==");
    }

    #[test]
    fn documented_filter_finds_an_x_handle() {
        let http = fake().on("GET", BY_X, reply(200, &fixture("freshdesk/contacts_search.json")));
        let c = run(freshdesk().lookup(&http, &who(&[Identity::new("x", "@Dana_Reyes")]))).unwrap().expect("found");
        http.assert_done();
        assert_eq!(c.id, "432");
        assert_eq!(c.display_names, ["Dana Reyes"]);
        assert_eq!(c.identities, [Identity::new("x", "dana_reyes"), Identity::new("instagram", "dana.ig"), Identity::email("dana.reyes@example.com")]);
        assert_eq!(c.tags, ["vip"]);
    }

    #[test]
    fn documented_list_finds_by_email_after_a_tag_miss() {
        let http = fake()
            .on("GET", "/api/v2/search/contacts?query=%22tag%3A'facebook.dana.r'%22", reply(200, &fixture("freshdesk/contacts_search_empty.json")))
            .on("GET", "/api/v2/contacts?email=dana.reyes%40example.com", reply(200, &fixture("freshdesk/contacts_by_email.json")));
        let c = run(freshdesk().lookup(&http, &who(&[Identity::new("facebook", "dana.r"), Identity::email("Dana.Reyes@example.com")]))).unwrap();
        http.assert_done();
        assert_eq!(c.map(|c| c.id).as_deref(), Some("432"));
    }

    #[test]
    fn documented_link_pages_and_conversations_make_the_history() {
        let http = fake()
            .on("GET", TICKETS, reply_with(200, &[("link", "< https://acme.freshdesk.com/api/v2/tickets?requester_id=432&order_by=updated_at&order_type=desc&per_page=100&page=2>;rel=\"next\"")], &fixture("freshdesk/tickets_page1.json")))
            .on("GET", "https://acme.freshdesk.com/api/v2/tickets?requester_id=432&order_by=updated_at&order_type=desc&per_page=100&page=2", reply(200, &fixture("freshdesk/tickets_page2.json")))
            .on("GET", "/api/v2/tickets/18/conversations?per_page=100", reply(200, &fixture("freshdesk/conversations.json")))
            .on("GET", "/api/v2/tickets/17/conversations?per_page=100", reply(200, "[]"));
        let h = run(freshdesk().history(&http, &dana(), 10)).unwrap();
        http.assert_done();
        assert_eq!(h.tickets.iter().map(|t| (t.id.as_str(), t.status.as_str(), t.open)).collect::<Vec<_>>(), [("18", "Open", true), ("17", "Closed", false)]);
        assert_eq!(h.tickets[0].link.as_deref(), Some("https://acme.freshdesk.com/a/tickets/18"));
        let summary: Vec<_> = h.interactions.iter().map(|i| (i.kind, i.channel.as_str(), i.direction, i.text.as_str())).collect();
        assert_eq!(summary, [(InteractionKind::Reply, "x", Direction::Outbound, "Sorry about the box, Dana. A replacement ships today."), (InteractionKind::Post, "x", Direction::Inbound, "The replacement arrived damaged too.")]);
        assert_eq!(h.interactions[0].permalink.as_deref(), Some("https://x.com/acme/status/1843"));
        assert_eq!(h.notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["Asked the warehouse to double-box the replacement."]);
    }

    #[test]
    fn documented_private_note_goes_on_the_open_ticket() {
        let http = fake()
            .on("GET", BY_X, reply(200, &fixture("freshdesk/contacts_search.json")))
            .on("GET", TICKETS, reply(200, &fixture("freshdesk/tickets_page1.json")))
            .on("POST", "/api/v2/tickets/18/notes", reply(201, &fixture("freshdesk/note_created.json")))
            .check(|r| assert_eq!(body(r), json!({ "body": "Reply on x [Tactful dev-7]<br><br>Fixed &amp; shipped<br><br>--<br>Tactful: reply on x (from us)<br>Link: https://x.com/acme/status/1843<br>Agent: sam", "private": true })));
        run(freshdesk().deliver(&http, "dev-7", &reply_on_x("Fixed & shipped"), false)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_retry_finds_its_key_and_writes_nothing() {
        let http = fake()
            .on("GET", BY_X, reply(200, &fixture("freshdesk/contacts_search.json")))
            .on("GET", TICKETS, reply(200, &fixture("freshdesk/tickets_page1.json")))
            .on("GET", "/api/v2/tickets/18/conversations?per_page=100", reply(200, &fixture("freshdesk/conversations.json")));
        run(freshdesk().deliver(&http, "dev-3", &reply_on_x("Sorry"), true)).unwrap();
        http.assert_done();
        assert!(http.sent().iter().all(|r| r.method == "GET"), "nothing written");
    }

    #[test]
    fn documented_retry_finishes_a_half_done_write() {
        // The earlier attempt opened the ticket but died before its note.
        let page = fixture("freshdesk/tickets_page2.json").replace("Refund for order 1002", "Dana Reyes — Reply on x [Tactful dev-7]");
        let http = fake()
            .on("GET", BY_X, reply(200, &fixture("freshdesk/contacts_search.json")))
            .on("GET", TICKETS, reply(200, &page))
            .on("GET", "/api/v2/tickets/17/conversations?per_page=100", reply(200, "[]"))
            .on("POST", "/api/v2/tickets/17/notes", reply(201, &fixture("freshdesk/note_created.json")));
        run(freshdesk().deliver(&http, "dev-7", &reply_on_x("Thanks"), true)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_new_contact_gets_a_neutral_ticket_and_a_private_note() {
        let op = WriteOp::AddNote { customer: who(&[Identity::new("instagram", "dana.ig")]), text: "Prefers DMs".into(), agent: None };
        let http = fake()
            .on("GET", "/api/v2/search/contacts?query=%22tag%3A'instagram.dana.ig'%22", reply(200, &fixture("freshdesk/contacts_search_empty.json")))
            .on("POST", "/api/v2/contacts", reply(201, &fixture("freshdesk/contact_created.json")))
            .check(|r| assert_eq!(body(r), json!({ "name": "Dana Reyes", "tags": ["instagram.dana.ig"], "unique_external_id": "instagram.dana.ig" })))
            .on("GET", "/api/v2/tickets?requester_id=434&order_by=updated_at&order_type=desc&per_page=100", reply(200, "[]"))
            .on("POST", "/api/v2/tickets", reply(201, &fixture("freshdesk/ticket_created.json")))
            .check(|r| assert_eq!(body(r), json!({ "requester_id": 434, "subject": "Dana Reyes — Note [Tactful dev-8]", "description": "Note (logged by Tactful)", "status": 2, "priority": 1 })))
            .on("POST", "/api/v2/tickets/19/notes", reply(201, &fixture("freshdesk/note_created.json")))
            .check(|r| assert_eq!(body(r)["body"], "Note [Tactful dev-8]<br><br>Prefers DMs"));
        run(freshdesk().deliver(&http, "dev-8", &op, false)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_ticket_is_created_for_the_requester() {
        let op = WriteOp::CreateTicket { customer: who(&[Identity::new("x", "dana_reyes")]), subject: "Replacement damaged".into(), text: "Customer reports the replacement is also damaged.".into() };
        let http = fake()
            .on("GET", BY_X, reply(200, &fixture("freshdesk/contacts_search.json")))
            .on("POST", "/api/v2/tickets", reply(201, &fixture("freshdesk/ticket_created.json")))
            .check(|r| assert_eq!(body(r), json!({ "requester_id": 432, "subject": "Replacement damaged [Tactful dev-9]", "description": "Customer reports the replacement is also damaged.", "status": 2, "priority": 1 })));
        run(freshdesk().deliver(&http, "dev-9", &op, false)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_retry_of_a_created_ticket_finds_its_subject() {
        let op = WriteOp::CreateTicket { customer: who(&[Identity::new("x", "dana_reyes")]), subject: "Replacement damaged".into(), text: "…".into() };
        let page = fixture("freshdesk/tickets_page2.json").replace("Refund for order 1002", "Replacement damaged [Tactful dev-9]");
        let http = fake().on("GET", BY_X, reply(200, &fixture("freshdesk/contacts_search.json"))).on("GET", TICKETS, reply(200, &page));
        run(freshdesk().deliver(&http, "dev-9", &op, true)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_rate_limit_waits_as_told() {
        let http = fake().on("GET", BY_X, reply_with(429, &[("Retry-After", "34")], ""));
        assert_eq!(run(freshdesk().lookup(&http, &who(&[Identity::new("x", "dana_reyes")]))), Err(CrmError::RateLimited { retry_after_s: Some(34) }));
    }

    #[test]
    fn documented_validation_error_is_a_refusal_naming_the_field() {
        let op = WriteOp::CreateTicket { customer: who(&[Identity::new("x", "dana_reyes")]), subject: "S".into(), text: "T".into() };
        let http = fake()
            .on("GET", BY_X, reply(200, &fixture("freshdesk/contacts_search.json")))
            .on("POST", "/api/v2/tickets", reply(400, &fixture("freshdesk/error_validation.json")));
        assert_eq!(run(freshdesk().deliver(&http, "dev-11", &op, false)), Err(CrmError::Rejected { status: 400, reason: "Validation failed: email: It should be a valid email address.".into() }));
    }

    #[test]
    fn documented_agent_answers_the_connection_test() {
        let http = fake().on("GET", "/api/v2/agents/me", reply(200, &fixture("freshdesk/agent_me.json")));
        assert_eq!(run(freshdesk().test_connection(&http)).unwrap(), "Connected to Freshdesk as Sam Agent (sam@acme.example).");
    }
}
