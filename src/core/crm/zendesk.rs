//! Zendesk Support over its v2 API, with an agent's API token.
//!
//! Mapping: a customer is an end user. Social handles are `network.handle` words in a text
//! user field (`tactful_handles` unless configured); an email is the user's email. Tickets
//! are the tickets the user requested. Interactions and notes are private comments
//! (`public: false`) on the user's most recently updated unsolved ticket, or on a new
//! ticket when there is none, so Zendesk never emails the customer behind the agent's back.
//! Each write's first line carries `[Tactful KEY]`; a retry first looks for it on the
//! user's tickets, and new tickets also send the key as Zendesk's `Idempotency-Key`.

use super::connector::{check, json, Connector, CrmError};
use super::http::{basic_auth, query_value, Http, Request, Response};
use super::model::*;
use super::text::{compose, filing_name, handle_word, holding_ticket_subject, identity_from_word, marker, read_customer, string, Entries, Entry, Stamp, MARK};
use crate::core::clock::parse_iso;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZendeskConfig {
    /// `https://{subdomain}.zendesk.com`.
    pub url: String,
    /// The agent's sign-in email; with the API token it makes `{email}/token:{api_token}`.
    pub email: String,
    pub api_token: String,
    /// Key of a text user field for social handles (Admin Center → People → User fields).
    #[serde(default = "default_handles_field")]
    pub handles_field: String,
}

fn default_handles_field() -> String {
    "tactful_handles".into()
}

pub struct Zendesk {
    cfg: ZendeskConfig,
}

/// Ticket statuses agents still work on.
const UNSOLVED: &[&str] = &["new", "open", "pending", "hold"];
/// At most this many pages of a user's tickets (100 each).
const MAX_PAGES: usize = 5;

impl Zendesk {
    pub fn new(cfg: ZendeskConfig) -> Zendesk {
        Zendesk { cfg }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("https://") || path.starts_with("http://") {
            return path.to_string();
        }
        format!("{}/{path}", self.cfg.url.trim_end_matches('/'))
    }

    async fn send(&self, http: &impl Http, r: Request) -> Result<Response, CrmError> {
        let resp = http.send(r.header("Authorization", basic_auth(&format!("{}/token", self.cfg.email), &self.cfg.api_token))).await?;
        let details = error_details(&resp.body);
        // Zendesk's top-level description ("Record validation errors") says too little;
        // its details name the field.
        check(resp).map_err(|e| match e {
            CrmError::Rejected { status, reason } if !details.is_empty() => CrmError::Rejected { status, reason: format!("{reason}: {details}") },
            e => e,
        })
    }

    async fn get(&self, http: &impl Http, path: &str) -> Result<Value, CrmError> {
        json(&self.send(http, Request::get(self.url(path))).await?)
    }

    fn customer_from(&self, u: &Value) -> Customer {
        let mut identities: Vec<Identity> = u
            .get("user_fields")
            .map(|f| string(f, &self.cfg.handles_field))
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(identity_from_word)
            .collect();
        let email = string(u, "email");
        if !email.is_empty() {
            identities.push(Identity::email(&email));
        }
        Customer {
            tags: u.get("tags").and_then(Value::as_array).map(|t| t.iter().filter_map(Value::as_str).map(String::from).collect()).unwrap_or_default(),
            ..read_customer(string(u, "id"), string(u, "name"), identities, &string(u, "created_at"), &string(u, "updated_at"))
        }
    }

    /// The user's requested tickets, most recently updated first.
    async fn tickets(&self, http: &impl Http, user: &str) -> Result<Vec<Value>, CrmError> {
        let mut all = Vec::new();
        let mut next = Some(format!("api/v2/users/{user}/tickets/requested.json?page[size]=100"));
        for _ in 0..MAX_PAGES {
            let Some(path) = next.take() else { break };
            let page = self.get(http, &path).await?;
            all.extend(page.get("tickets").and_then(Value::as_array).cloned().unwrap_or_default());
            if page.pointer("/meta/has_more").and_then(Value::as_bool) == Some(true) {
                next = page.pointer("/links/next").and_then(Value::as_str).map(String::from);
            }
        }
        all.sort_by_key(|t| std::cmp::Reverse(parse_iso(&string(t, "updated_at")).unwrap_or(0)));
        Ok(all)
    }

    async fn comments(&self, http: &impl Http, ticket: &str) -> Result<Vec<Value>, CrmError> {
        Ok(self.get(http, &format!("api/v2/tickets/{ticket}/comments.json")).await?.get("comments").and_then(Value::as_array).cloned().unwrap_or_default())
    }

    /// The Zendesk user for a customer, created when new.
    async fn ensure_user(&self, http: &impl Http, who: &CustomerRef) -> Result<Customer, CrmError> {
        if let Some(c) = self.lookup(http, who).await? {
            return Ok(c);
        }
        let email = who.identities.iter().find(|i| i.network == "email");
        let words: Vec<String> = who.identities.iter().filter(|i| i.is_social()).map(handle_word).collect();
        let name = filing_name(who)?;
        // No verification email: the customer hasn't asked to hear from us by email.
        let mut fields = serde_json::Map::new();
        fields.insert(self.cfg.handles_field.clone(), words.join(" ").into());
        let mut user = json!({ "name": name, "skip_verify_email": true, "user_fields": fields });
        if let Some(e) = email {
            user["email"] = e.value.clone().into();
        }
        let created = json(&self.send(http, Request::with_json("POST", self.url("api/v2/users.json"), &json!({ "user": user }))).await?)?;
        created.get("user").map(|u| self.customer_from(u)).filter(|c| !c.id.is_empty()).ok_or_else(|| CrmError::BadResponse { detail: "Zendesk created no user id".into() })
    }

    fn ticket_from(&self, t: &Value) -> Ticket {
        let id = string(t, "id");
        let status = string(t, "status");
        Ticket {
            link: Some(format!("{}/agent/tickets/{id}", self.cfg.url.trim_end_matches('/'))),
            subject: string(t, "subject"),
            open: UNSOLVED.contains(&status.as_str()),
            status,
            updated_at: parse_iso(&string(t, "updated_at")),
            id,
        }
    }
}

/// "field: why" for each entry of a validation error's `details`.
fn error_details(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(body) else { return String::new() };
    let Some(details) = v.get("details").and_then(Value::as_object) else { return String::new() };
    details.values().filter_map(Value::as_array).flatten().filter_map(|d| d.get("description").and_then(Value::as_str)).collect::<Vec<_>>().join("; ")
}

/// Reads a comment back: what Tactful logged ("Reply on x [Tactful k]" first), a note, or
/// what the customer and agents wrote in Zendesk (public comments are the conversation,
/// private ones are notes).
fn read_comment(customer: &Customer, c: &Value) -> Entry {
    let body = string(c, "body");
    let author = string(c, "author_id");
    let stamp = Stamp { id: string(c, "id"), customer_id: customer.id.clone(), agent: Some(author.clone()), at: parse_iso(&string(c, "created_at")).unwrap_or(0) };
    let mut lines = body.lines();
    let title = lines.next().unwrap_or("");
    if !title.contains(MARK) {
        if c.get("public") == Some(&Value::Bool(false)) {
            return stamp.note(body.trim().to_string());
        }
        let channel = c.pointer("/via/channel").and_then(Value::as_str).unwrap_or("zendesk").to_string();
        return stamp.written(channel, author == customer.id, body.trim().to_string());
    }
    stamp.logged(title, &lines.collect::<Vec<_>>())
}

impl Connector for Zendesk {
    fn name(&self) -> &str {
        "Zendesk"
    }

    async fn test_connection(&self, http: &impl Http) -> Result<String, CrmError> {
        let me = self.get(http, "api/v2/users/me.json").await?;
        let user = me.get("user").cloned().unwrap_or_default();
        // Zendesk answers bad credentials on some accounts with the anonymous user.
        if string(&user, "id").is_empty() || string(&user, "role") == "end-user" {
            return Err(CrmError::Auth { reason: "Zendesk signed us in as an anonymous or end user, not an agent; check the email and API token".into() });
        }
        Ok(format!("Connected to Zendesk as {} ({}).", string(&user, "name"), string(&user, "role")))
    }

    async fn lookup(&self, http: &impl Http, who: &CustomerRef) -> Result<Option<Customer>, CrmError> {
        for ident in &who.identities {
            let query = match ident.network.as_str() {
                "email" => format!("email:{}", ident.value),
                "phone" => continue,
                _ => format!("{}:{}", self.cfg.handles_field, handle_word(ident)),
            };
            let found = self.get(http, &format!("api/v2/users/search.json?query={}", query_value(&query))).await?;
            let users = found.get("users").and_then(Value::as_array).cloned().unwrap_or_default();
            // Search matches loosely (words, prefixes); the normalised identity decides.
            if let Some(c) = users.iter().map(|u| self.customer_from(u)).find(|c| c.identities.contains(ident)) {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    async fn history(&self, http: &impl Http, customer: &Customer, limit: usize) -> Result<CustomerHistory, CrmError> {
        let tickets: Vec<Ticket> = self.tickets(http, &customer.id).await?.iter().map(|t| self.ticket_from(t)).collect();
        let mut read = Entries::default();
        for t in tickets.iter().take(3) {
            read.extend(self.comments(http, &t.id).await?.iter().map(|c| read_comment(customer, c)));
        }
        Ok(read.newest_first().history(customer, tickets, limit))
    }

    async fn deliver(&self, http: &impl Http, key: &str, op: &WriteOp, maybe_done: bool) -> Result<(), CrmError> {
        let user = self.ensure_user(http, op.customer()).await?;
        let new_ticket = matches!(op, WriteOp::CreateTicket { .. });
        let tickets = if maybe_done || !new_ticket { self.tickets(http, &user.id).await? } else { vec![] };
        let mark = marker(key);
        let active = if new_ticket { None } else { tickets.iter().find(|t| UNSOLVED.contains(&string(t, "status").as_str())).map(|t| string(t, "id")) };
        if maybe_done {
            // An earlier attempt either opened a ticket (its subject has the key) or
            // commented on the ticket we would comment on now.
            if tickets.iter().any(|t| string(t, "subject").contains(&mark)) {
                return Ok(());
            }
            if let Some(id) = &active {
                if self.comments(http, id).await?.iter().any(|c| string(c, "body").contains(&mark)) {
                    return Ok(());
                }
            }
        }
        let (title, text) = compose(key, op);
        let comment = json!({ "body": format!("{title}\n\n{text}"), "public": false });
        let saved = match active {
            Some(id) => json(&self.send(http, Request::with_json("PUT", self.url(&format!("api/v2/tickets/{id}.json")), &json!({ "ticket": { "comment": comment } }))).await?)?,
            None => {
                let subject = match op {
                    WriteOp::CreateTicket { .. } => title,
                    _ => holding_ticket_subject(op, &user, &title),
                };
                let ticket = json!({ "subject": subject, "comment": comment, "requester_id": user.id.parse::<u64>().unwrap_or(0) });
                // Zendesk answers a repeated key with the first ticket instead of a new one.
                json(&self.send(http, Request::with_json("POST", self.url("api/v2/tickets.json"), &json!({ "ticket": ticket })).header("Idempotency-Key", key)).await?)?
            }
        };
        if saved.pointer("/ticket/id").is_none() {
            return Err(CrmError::BadResponse { detail: "Zendesk saved no ticket".into() });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fake_http::*;
    use super::*;

    const URL: &str = "https://acme.zendesk.com";
    const REQUESTED: &str = "/api/v2/users/35436/tickets/requested.json?page[size]=100";

    fn zendesk() -> Zendesk {
        Zendesk::new(ZendeskConfig { url: format!("{URL}/"), email: "sam@acme.example".into(), api_token: "6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv".into(), handles_field: default_handles_field() })
    }

    fn fake() -> FakeHttp {
        FakeHttp::new(URL).auth(&basic_auth("sam@acme.example/token", "6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv"))
    }

    fn who(identities: &[Identity]) -> CustomerRef {
        CustomerRef { identities: identities.to_vec(), display_name: Some("Dana Reyes".into()) }
    }

    fn dana() -> Customer {
        zendesk().customer_from(&serde_json::from_str::<Value>(&fixture("zendesk/users_search.json")).unwrap()["users"][0])
    }

    fn reply_on_x(text: &str) -> WriteOp {
        let i = Interaction { id: "i1".into(), customer_id: String::new(), channel: "x".into(), kind: InteractionKind::Reply, direction: Direction::Outbound, permalink: Some("https://x.com/acme/status/1843".into()), text: text.into(), agent: Some("sam".into()), agent_id: None, at: 1_727_942_400_000, tone_findings: vec!["sarcasm".into()], sentiment: None };
        WriteOp::LogInteraction { customer: who(&[Identity::new("x", "dana_reyes")]), interaction: i }
    }

    #[test]
    fn documented_user_search_is_parsed_for_a_handle() {
        let http = fake().on("GET", "/api/v2/users/search.json?query=tactful_handles%3Ax.dana_reyes", reply(200, &fixture("zendesk/users_search.json")));
        let c = run(zendesk().lookup(&http, &who(&[Identity::new("x", "@Dana_Reyes")]))).unwrap().expect("found");
        http.assert_done();
        assert_eq!(c.id, "35436");
        assert_eq!(c.display_names, ["Dana Reyes"]);
        assert_eq!(c.identities, [Identity::new("x", "dana_reyes"), Identity::new("instagram", "dana.ig"), Identity::email("dana.reyes@example.com")]);
        assert_eq!(c.created_at, parse_iso("2024-01-17T19:55:04Z").unwrap());
    }

    #[test]
    fn documented_user_search_falls_back_to_email() {
        let http = fake()
            .on("GET", "/api/v2/users/search.json?query=tactful_handles%3Afacebook.dana.r", reply(200, &fixture("zendesk/users_search_empty.json")))
            .on("GET", "/api/v2/users/search.json?query=email%3Adana.reyes%40example.com", reply(200, &fixture("zendesk/users_search.json")));
        let c = run(zendesk().lookup(&http, &who(&[Identity::new("facebook", "dana.r"), Identity::email("Dana.Reyes@example.com")]))).unwrap();
        http.assert_done();
        assert_eq!(c.map(|c| c.id).as_deref(), Some("35436"));
    }

    #[test]
    fn documented_cursor_pages_and_comments_make_the_history() {
        let http = fake()
            .on("GET", REQUESTED, reply(200, &fixture("zendesk/requested_page1.json")))
            .on("GET", "https://acme.zendesk.com/api/v2/users/35436/tickets/requested.json?page[size]=100&page[after]=xxx", reply(200, &fixture("zendesk/requested_page2.json")))
            .on("GET", "/api/v2/tickets/4051/comments.json", reply(200, &fixture("zendesk/comments.json")))
            .on("GET", "/api/v2/tickets/3877/comments.json", reply(200, r#"{"comments":[],"next_page":null,"previous_page":null,"count":0}"#));
        let h = run(zendesk().history(&http, &dana(), 10)).unwrap();
        http.assert_done();
        assert_eq!(h.tickets.iter().map(|t| (t.id.as_str(), t.status.as_str(), t.open)).collect::<Vec<_>>(), [("4051", "open", true), ("3877", "solved", false)]);
        assert_eq!(h.tickets[0].link.as_deref(), Some("https://acme.zendesk.com/agent/tickets/4051"));
        let summary: Vec<_> = h.interactions.iter().map(|i| (i.kind, i.channel.as_str(), i.direction, i.text.as_str())).collect();
        assert_eq!(summary, [(InteractionKind::Reply, "x", Direction::Outbound, "Sorry about the box, Dana. A replacement ships today."), (InteractionKind::Post, "web", Direction::Inbound, "The box was crushed.")]);
        assert_eq!(h.interactions[0].agent.as_deref(), Some("sam"));
        assert_eq!(h.interactions[0].permalink.as_deref(), Some("https://x.com/acme/status/1843"));
        assert_eq!(h.notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["Asked the warehouse to double-box the replacement."]);
    }

    #[test]
    fn documented_private_comment_goes_on_the_open_ticket() {
        let http = fake()
            .on("GET", "/api/v2/users/search.json?query=tactful_handles%3Ax.dana_reyes", reply(200, &fixture("zendesk/users_search.json")))
            .on("GET", REQUESTED, reply(200, &fixture("zendesk/requested_page2.json").replace("\"solved\"", "\"pending\"")))
            .on("PUT", "/api/v2/tickets/3877.json", reply(200, &fixture("zendesk/ticket_saved.json")))
            .check(|r| {
                let comment = &body(r)["ticket"]["comment"];
                assert_eq!(comment["public"], false);
                assert_eq!(comment["body"], "Reply on x [Tactful dev-7]\n\nThanks!\n\n--\nTactful: reply on x (from us)\nLink: https://x.com/acme/status/1843\nAgent: sam\nTone findings: sarcasm");
                assert_eq!(header(r, "Idempotency-Key"), None, "comments have no idempotency key");
            });
        run(zendesk().deliver(&http, "dev-7", &reply_on_x("Thanks!"), false)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_retry_finds_its_key_and_writes_nothing() {
        let http = fake()
            .on("GET", "/api/v2/users/search.json?query=tactful_handles%3Ax.dana_reyes", reply(200, &fixture("zendesk/users_search.json")))
            .on("GET", REQUESTED, reply(200, &fixture("zendesk/requested_page2.json").replace("\"solved\"", "\"open\"")))
            .on("GET", "/api/v2/tickets/3877/comments.json", reply(200, &fixture("zendesk/comments.json")));
        run(zendesk().deliver(&http, "dev-3", &reply_on_x("Sorry about the box"), true)).unwrap();
        http.assert_done();
        assert!(http.sent().iter().all(|r| r.method == "GET"), "nothing written");
    }

    #[test]
    fn documented_ticket_creation_sends_the_idempotency_key() {
        let op = WriteOp::CreateTicket { customer: who(&[Identity::new("x", "dana_reyes")]), subject: "Replacement damaged".into(), text: "Customer reports the replacement is also damaged.".into() };
        let http = fake()
            .on("GET", "/api/v2/users/search.json?query=tactful_handles%3Ax.dana_reyes", reply(200, &fixture("zendesk/users_search.json")))
            .on("POST", "/api/v2/tickets.json", reply(201, &fixture("zendesk/ticket_created.json")))
            .check(|r| {
                assert_eq!(header(r, "Idempotency-Key"), Some("dev-9"));
                assert_eq!(body(r), json!({ "ticket": { "subject": "Replacement damaged [Tactful dev-9]", "comment": { "body": "Replacement damaged [Tactful dev-9]\n\nCustomer reports the replacement is also damaged.", "public": false }, "requester_id": 35436 } }));
            });
        run(zendesk().deliver(&http, "dev-9", &op, false)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_retry_of_a_created_ticket_finds_its_subject() {
        let op = WriteOp::CreateTicket { customer: who(&[Identity::new("x", "dana_reyes")]), subject: "Replacement damaged".into(), text: "…".into() };
        let page = fixture("zendesk/requested_page2.json").replace("Refund for order 1002", "Replacement damaged [Tactful dev-9]");
        let http = fake()
            .on("GET", "/api/v2/users/search.json?query=tactful_handles%3Ax.dana_reyes", reply(200, &fixture("zendesk/users_search.json")))
            .on("GET", REQUESTED, reply(200, &page));
        run(zendesk().deliver(&http, "dev-9", &op, true)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_new_user_gets_a_ticket_for_an_interaction() {
        let http = fake()
            .on("GET", "/api/v2/users/search.json?query=tactful_handles%3Ax.dana_reyes", reply(200, &fixture("zendesk/users_search_empty.json")))
            .on("POST", "/api/v2/users.json", reply(201, &fixture("zendesk/user_created.json")))
            .check(|r| assert_eq!(body(r), json!({ "user": { "name": "Dana Reyes", "skip_verify_email": true, "user_fields": { "tactful_handles": "x.dana_reyes" } } })))
            .on("GET", "/api/v2/users/9873843/tickets/requested.json?page[size]=100", reply(200, r#"{"tickets":[],"meta":{"has_more":false,"after_cursor":null,"before_cursor":null},"links":{"next":null,"prev":null}}"#))
            .on("POST", "/api/v2/tickets.json", reply(201, &fixture("zendesk/ticket_created.json")))
            .check(|r| {
                assert_eq!(body(r)["ticket"]["subject"], "Dana Reyes — Reply on x [Tactful dev-7]");
                assert_eq!(body(r)["ticket"]["requester_id"], 9873843);
                assert_eq!(header(r, "Idempotency-Key"), Some("dev-7"));
            });
        run(zendesk().deliver(&http, "dev-7", &reply_on_x("Hi"), false)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_rate_limit_waits_as_told() {
        let http = fake().on("GET", "/api/v2/users/search.json?query=email%3Aa%40b.c", reply_with(429, &[("Retry-After", "93")], ""));
        assert_eq!(run(zendesk().lookup(&http, &who(&[Identity::email("a@b.c")]))), Err(CrmError::RateLimited { retry_after_s: Some(93) }));
    }

    #[test]
    fn documented_record_invalid_is_a_refusal_naming_the_field() {
        let op = WriteOp::CreateTicket { customer: who(&[Identity::new("x", "dana_reyes")]), subject: "S".into(), text: "T".into() };
        let http = fake()
            .on("GET", "/api/v2/users/search.json?query=tactful_handles%3Ax.dana_reyes", reply(200, &fixture("zendesk/users_search.json")))
            .on("POST", "/api/v2/tickets.json", reply(422, &fixture("zendesk/error_record_invalid.json")));
        let err = run(zendesk().deliver(&http, "dev-11", &op, false)).unwrap_err();
        assert_eq!(err, CrmError::Rejected { status: 422, reason: "Record validation errors: Requester: Name is too short (minimum is 1 character)".into() });
    }

    #[test]
    fn documented_me_answers_the_connection_test() {
        let http = fake().on("GET", "/api/v2/users/me.json", reply(200, &fixture("zendesk/me.json")));
        assert_eq!(run(zendesk().test_connection(&http)).unwrap(), "Connected to Zendesk as Sam Agent (agent).");
        let bad = fake().on("GET", "/api/v2/users/me.json", reply(401, r#"{"error":"Couldn't authenticate you"}"#));
        assert_eq!(run(zendesk().test_connection(&bad)), Err(CrmError::Auth { reason: "Couldn't authenticate you".into() }));
    }
}
