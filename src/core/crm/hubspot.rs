//! HubSpot CRM over its v3 object APIs, with a private app's access token.
//!
//! Mapping: a customer is a contact. An X handle is the contact's `twitterhandle` (HubSpot's
//! own property); other handles are `network.handle` words in a custom text property
//! (`tactful_handles` unless configured); an email is `email`. Tickets are the tickets
//! associated with the contact. Interactions and notes are notes on the contact's timeline
//! (never emails, so HubSpot writes nothing to the customer). Each write's first line
//! carries `[Tactful KEY]`; a retry first reads the contact's newest notes (or tickets) for
//! it, so nothing is written twice.

use super::connector::{check, json, Connector, CrmError};
use super::http::{query_value, Http, Request, Response};
use super::model::*;
use super::text::{compose, handle_word, html, identity_from_word, marker, nothing_to_file_under, read_customer, string, Entries, Stamp, Entry, MARK};
use crate::core::clock::parse_iso;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HubSpotConfig {
    /// A private app's access token (Settings → Integrations → Private apps), with the
    /// contacts, tickets and notes scopes.
    pub token: String,
    #[serde(default = "default_api_url")]
    pub api_url: String,
    /// The contact property that holds X handles.
    #[serde(default = "default_x_property")]
    pub x_property: String,
    /// A single-line text contact property for the other handles, space-separated.
    #[serde(default = "default_handles_property")]
    pub handles_property: String,
    /// Pipeline and stage of new tickets ("0" and "1": the default pipeline's "New").
    #[serde(default = "default_pipeline")]
    pub pipeline: String,
    #[serde(default = "default_new_stage")]
    pub new_stage: String,
    /// Stages that count as closed ("4": the default pipeline's "Closed").
    #[serde(default = "default_closed_stages")]
    pub closed_stages: Vec<String>,
    /// The HubSpot account id, for links to tickets.
    #[serde(default)]
    pub portal_id: Option<String>,
}

fn default_api_url() -> String {
    "https://api.hubapi.com".into()
}
fn default_x_property() -> String {
    "twitterhandle".into()
}
fn default_handles_property() -> String {
    "tactful_handles".into()
}
fn default_pipeline() -> String {
    "0".into()
}
fn default_new_stage() -> String {
    "1".into()
}
fn default_closed_stages() -> Vec<String> {
    vec!["4".into()]
}

pub struct HubSpot {
    cfg: HubSpotConfig,
}

/// Results per search page (the search API allows up to 200).
const PAGE: usize = 100;
const MAX_TICKETS: usize = 50;
/// HubSpot-defined association types (note → contact, ticket → contact).
const NOTE_TO_CONTACT: u32 = 202;
const TICKET_TO_CONTACT: u32 = 16;

impl HubSpot {
    pub fn new(cfg: HubSpotConfig) -> HubSpot {
        HubSpot { cfg }
    }

    fn api(&self, path: &str) -> String {
        format!("{}/{path}", self.cfg.api_url.trim_end_matches('/'))
    }

    async fn send(&self, http: &impl Http, r: Request) -> Result<Response, CrmError> {
        check(http.send(r.header("Authorization", format!("Bearer {}", self.cfg.token))).await?)
    }

    async fn post(&self, http: &impl Http, path: &str, body: &Value) -> Result<Value, CrmError> {
        json(&self.send(http, Request::with_json("POST", self.api(path), body)).await?)
    }

    /// One page of a CRM search; the results, the next page's cursor and the server's clock.
    async fn search(&self, http: &impl Http, object: &str, groups: Value, properties: &[&str], sort: Option<&str>, after: Option<&str>) -> Result<(Vec<Value>, Option<String>, Option<i64>), CrmError> {
        let mut body = json!({ "filterGroups": groups, "properties": properties, "limit": PAGE });
        if let Some(s) = sort {
            body["sorts"] = json!([{ "propertyName": s, "direction": "DESCENDING" }]);
        }
        if let Some(a) = after {
            body["after"] = a.into();
        }
        let resp = self.send(http, Request::with_json("POST", self.api(&format!("crm/v3/objects/{object}/search")), &body)).await?;
        let now = resp.header("Date").and_then(http_date);
        let v = json(&resp)?;
        let next = v.pointer("/paging/next/after").and_then(Value::as_str).map(String::from);
        Ok((v.get("results").and_then(Value::as_array).cloned().unwrap_or_default(), next, now))
    }

    /// Records of `object` associated with a contact, newest first, up to `max`.
    async fn associated(&self, http: &impl Http, object: &str, contact: &str, properties: &[&str], sort: &str, max: usize) -> Result<Vec<Value>, CrmError> {
        let groups = json!([{ "filters": [{ "propertyName": "associations.contact", "operator": "EQ", "value": contact }] }]);
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let (page, next, _) = self.search(http, object, groups.clone(), properties, Some(sort), after.as_deref()).await?;
            all.extend(page);
            match next {
                Some(n) if all.len() < max => after = Some(n),
                _ => break,
            }
        }
        all.truncate(max);
        Ok(all)
    }

    fn contact_properties(&self) -> [&str; 5] {
        ["email", "firstname", "lastname", &self.cfg.x_property, &self.cfg.handles_property]
    }

    /// The contact for a customer, and HubSpot's clock at the time (from the `Date` header).
    async fn find(&self, http: &impl Http, who: &CustomerRef) -> Result<(Option<Customer>, Option<i64>), CrmError> {
        let mut now = None;
        for ident in &who.identities {
            let filter = |property: &str, operator: &str, value: &str| json!({ "filters": [{ "propertyName": property, "operator": operator, "value": value }] });
            let groups = match ident.network.as_str() {
                // People type their handle with or without "@"; filter groups are ORed.
                "x" => json!([filter(&self.cfg.x_property, "EQ", &ident.value), filter(&self.cfg.x_property, "EQ", &format!("@{}", ident.value))]),
                "email" => json!([filter("email", "EQ", &ident.value)]),
                "phone" => continue,
                _ => json!([filter(&self.cfg.handles_property, "CONTAINS_TOKEN", &handle_word(ident))]),
            };
            let (found, _, date) = self.search(http, "contacts", groups, &self.contact_properties(), None, None).await?;
            now = now.or(date);
            // Search matches loosely (case, tokens); the normalised identity decides.
            if let Some(c) = found.iter().map(|c| self.customer_from(c)).find(|c| c.identities.contains(ident)) {
                return Ok((Some(c), now));
            }
        }
        Ok((None, now))
    }

    /// The contact for a customer, created when new; and HubSpot's clock.
    async fn ensure_contact(&self, http: &impl Http, who: &CustomerRef) -> Result<(Customer, Option<i64>), CrmError> {
        if let (Some(c), now) = self.find(http, who).await? {
            return Ok((c, now));
        }
        let mut properties = json!({});
        let mut words = Vec::new();
        for i in &who.identities {
            match i.network.as_str() {
                "email" if properties.get("email").is_none() => properties["email"] = i.value.clone().into(),
                "x" if properties.get(&self.cfg.x_property).is_none() => properties[&self.cfg.x_property] = i.value.clone().into(),
                "email" | "x" | "phone" => {}
                _ => words.push(handle_word(i)),
            }
        }
        if properties.as_object().is_some_and(|p| p.is_empty()) && words.is_empty() {
            return Err(nothing_to_file_under());
        }
        if !words.is_empty() {
            properties[&self.cfg.handles_property] = words.join(" ").into();
        }
        if let Some(name) = &who.display_name {
            properties["firstname"] = name.clone().into();
        }
        let resp = self.send(http, Request::with_json("POST", self.api("crm/v3/objects/contacts"), &json!({ "properties": properties }))).await?;
        let now = resp.header("Date").and_then(http_date);
        // Read back from the answer: a new contact takes a while to show up in search.
        Ok((self.customer_from(&json(&resp)?), now))
    }

    fn customer_from(&self, c: &Value) -> Customer {
        let p = |k: &str| c.get("properties").map(|p| string(p, k)).unwrap_or_default();
        let mut identities = Vec::new();
        let x = p(&self.cfg.x_property);
        if !x.trim().is_empty() {
            identities.push(Identity::new("x", &x));
        }
        identities.extend(p(&self.cfg.handles_property).split_whitespace().filter_map(identity_from_word));
        let email = p("email");
        if !email.is_empty() {
            identities.push(Identity::email(&email));
        }
        let name = format!("{} {}", p("firstname"), p("lastname")).trim().to_string();
        read_customer(string(c, "id"), name, identities, &string(c, "createdAt"), &string(c, "updatedAt"))
    }

    fn ticket_from(&self, t: &Value) -> Ticket {
        let p = |k: &str| t.get("properties").map(|p| string(p, k)).unwrap_or_default();
        let id = string(t, "id");
        let stage = p("hs_pipeline_stage");
        Ticket {
            link: self.cfg.portal_id.as_ref().map(|portal| format!("https://app.hubspot.com/contacts/{portal}/record/0-5/{id}")),
            subject: p("subject"),
            open: !self.cfg.closed_stages.contains(&stage),
            status: stage_name(&p("hs_pipeline"), &stage),
            updated_at: parse_iso(&p("hs_lastmodifieddate")).or_else(|| parse_iso(&string(t, "updatedAt"))),
            id,
        }
    }

    /// Has HubSpot already got the write with this key (on the contact's newest records)?
    async fn has_key(&self, http: &impl Http, contact: &str, key: &str, ticket: bool) -> Result<bool, CrmError> {
        let (object, property, sort) = if ticket { ("tickets", "subject", "createdate") } else { ("notes", "hs_note_body", "hs_createdate") };
        let newest = self.associated(http, object, contact, &[property], sort, PAGE).await?;
        let mark = marker(key);
        Ok(newest.iter().any(|r| r.get("properties").is_some_and(|p| string(p, property).contains(&mark))))
    }
}

/// The default pipeline's stage names; other pipelines' stage ids are shown as they are.
fn stage_name(pipeline: &str, stage: &str) -> String {
    match (pipeline, stage) {
        ("0", "1") => "New".into(),
        ("0", "2") => "Waiting on contact".into(),
        ("0", "3") => "Waiting on us".into(),
        ("0", "4") => "Closed".into(),
        _ => stage.into(),
    }
}

/// An HTTP `Date` ("Tue, 15 Nov 1994 08:12:31 GMT") as Unix ms.
fn http_date(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let [_, day, month, year, time, "GMT"] = s.split_whitespace().collect::<Vec<_>>()[..] else { return None };
    let month = MONTHS.iter().position(|m| *m == month)? + 1;
    parse_iso(&format!("{year}-{month:02}-{:02}T{time}Z", day.parse::<u32>().ok()?))
}

/// A note body as HubSpot shows it: HTML, one `<br>` per line break.
fn note_html(title: &str, text: &str) -> String {
    html(&format!("{title}\n\n{text}"))
}

/// Reads a note back: an interaction Tactful logged ("Reply on x [Tactful k]" first), a
/// note Tactful added, or a note someone wrote in HubSpot.
fn read_note(customer: &Customer, n: &Value) -> Entry {
    let p = |k: &str| n.get("properties").map(|p| string(p, k)).unwrap_or_default();
    let text = crate::core::kb::import::html_to_text(&p("hs_note_body"));
    let at = parse_iso(&p("hs_timestamp")).or_else(|| p("hs_timestamp").parse().ok()).unwrap_or(0);
    let owner = Some(p("hubspot_owner_id")).filter(|o| !o.is_empty());
    let stamp = Stamp { id: string(n, "id"), customer_id: customer.id.clone(), agent: owner, at };
    let mut lines = text.lines();
    let title = lines.next().unwrap_or("");
    if !title.contains(MARK) {
        return stamp.note(text.clone());
    }
    stamp.logged(title, &lines.collect::<Vec<_>>())
}

impl Connector for HubSpot {
    fn name(&self) -> &str {
        "HubSpot"
    }

    async fn test_connection(&self, http: &impl Http) -> Result<String, CrmError> {
        let path = format!("crm/v3/properties/contacts/{}", query_value(&self.cfg.handles_property));
        let property = json(&self.send(http, Request::get(self.api(&path))).await.map_err(|e| match e {
            CrmError::NotFound { .. } => CrmError::NotFound { what: format!("contact property “{}” (create it as a single-line text property)", self.cfg.handles_property) },
            e => e,
        })?)?;
        Ok(format!("Connected to HubSpot; contact property “{}” found.", string(&property, "label")))
    }

    async fn lookup(&self, http: &impl Http, who: &CustomerRef) -> Result<Option<Customer>, CrmError> {
        Ok(self.find(http, who).await?.0)
    }

    async fn history(&self, http: &impl Http, customer: &Customer, limit: usize) -> Result<CustomerHistory, CrmError> {
        let found = self.associated(http, "tickets", &customer.id, &["subject", "hs_pipeline", "hs_pipeline_stage", "hs_lastmodifieddate"], "hs_lastmodifieddate", MAX_TICKETS).await?;
        let tickets = found.iter().map(|t| self.ticket_from(t)).collect();
        let notes_found = self.associated(http, "notes", &customer.id, &["hs_note_body", "hs_timestamp", "hubspot_owner_id"], "hs_timestamp", limit.max(1)).await?;
        Ok(notes_found.iter().map(|n| read_note(customer, n)).collect::<Entries>().history(customer, tickets, limit))
    }

    async fn deliver(&self, http: &impl Http, key: &str, op: &WriteOp, maybe_done: bool) -> Result<(), CrmError> {
        let (contact, now) = self.ensure_contact(http, op.customer()).await?;
        let ticket = matches!(op, WriteOp::CreateTicket { .. });
        if maybe_done && self.has_key(http, &contact.id, key, ticket).await? {
            return Ok(());
        }
        let (title, text) = compose(key, op);
        let association = |type_id: u32| json!([{ "to": { "id": contact.id }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id }] }]);
        let created = if ticket {
            let properties = json!({ "subject": title, "content": text, "hs_pipeline": self.cfg.pipeline, "hs_pipeline_stage": self.cfg.new_stage });
            self.post(http, "crm/v3/objects/tickets", &json!({ "properties": properties, "associations": association(TICKET_TO_CONTACT) })).await?
        } else {
            // A note needs a time: the interaction's, or for a plain note HubSpot's own clock
            // (the core has none of its own).
            let at = match op {
                WriteOp::LogInteraction { interaction, .. } => interaction.at,
                _ => now.unwrap_or(contact.updated_at),
            };
            let properties = json!({ "hs_timestamp": at.to_string(), "hs_note_body": note_html(&title, &text) });
            self.post(http, "crm/v3/objects/notes", &json!({ "properties": properties, "associations": association(NOTE_TO_CONTACT) })).await?
        };
        if string(&created, "id").is_empty() {
            return Err(CrmError::BadResponse { detail: "HubSpot created no record id".into() });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fake_http::*;
    use super::*;

    const API: &str = "https://api.hubapi.com";

    fn hubspot() -> HubSpot {
        HubSpot::new(serde_json::from_value(json!({ "token": "pat-na1-123", "portal_id": "62515" })).unwrap())
    }

    fn fake() -> FakeHttp {
        FakeHttp::new(API).auth("Bearer pat-na1-123")
    }

    fn who(identities: &[Identity]) -> CustomerRef {
        CustomerRef { identities: identities.to_vec(), display_name: Some("Dana Reyes".into()) }
    }

    fn filters(req: &Request) -> Value {
        body(req)["filterGroups"].clone()
    }

    fn reply_on_x(key_text: &str) -> WriteOp {
        let i = Interaction { id: "i1".into(), customer_id: String::new(), channel: "x".into(), kind: InteractionKind::Reply, direction: Direction::Outbound, permalink: Some("https://x.com/acme/status/1843".into()), text: key_text.into(), agent: Some("sam".into()), agent_id: None, at: 1_727_942_400_000, tone_findings: vec![], sentiment: None };
        WriteOp::LogInteraction { customer: who(&[Identity::new("x", "@Dana_Reyes")]), interaction: i }
    }

    fn dana() -> Customer {
        hubspot().customer_from(&serde_json::from_str::<Value>(&fixture("hubspot/contacts_search.json")).unwrap()["results"][0])
    }

    #[test]
    fn documented_search_response_is_parsed_for_a_handle() {
        let http = fake().on("POST", "/crm/v3/objects/contacts/search", reply(200, &fixture("hubspot/contacts_search.json"))).check(|r| {
            assert_eq!(filters(r)[0]["filters"][0], json!({ "propertyName": "twitterhandle", "operator": "EQ", "value": "dana_reyes" }));
            assert_eq!(filters(r)[1]["filters"][0]["value"], "@dana_reyes");
            assert!(body(r)["properties"].as_array().unwrap().contains(&json!("tactful_handles")));
        });
        let c = run(hubspot().lookup(&http, &who(&[Identity::new("x", "Dana_Reyes")]))).unwrap().expect("found");
        http.assert_done();
        assert_eq!(c.id, "100451");
        assert_eq!(c.display_names, ["Dana Reyes"]);
        assert_eq!(c.identities, [Identity::new("x", "dana_reyes"), Identity::new("instagram", "dana.ig"), Identity::email("dana.reyes@example.com")]);
        assert_eq!(c.created_at, parse_iso("2024-01-17T19:55:04.281Z").unwrap());
    }

    #[test]
    fn documented_search_finds_other_networks_by_token_and_then_email() {
        let http = fake()
            .on("POST", "/crm/v3/objects/contacts/search", reply(200, &fixture("hubspot/contacts_search_empty.json")))
            .check(|r| assert_eq!(filters(r), json!([{ "filters": [{ "propertyName": "tactful_handles", "operator": "CONTAINS_TOKEN", "value": "facebook.dana.r" }] }])))
            .on("POST", "/crm/v3/objects/contacts/search", reply(200, &fixture("hubspot/contacts_search.json")))
            .check(|r| assert_eq!(filters(r), json!([{ "filters": [{ "propertyName": "email", "operator": "EQ", "value": "dana.reyes@example.com" }] }])));
        let c = run(hubspot().lookup(&http, &who(&[Identity::new("facebook", "dana.r"), Identity::email("Dana.Reyes@example.com")]))).unwrap();
        http.assert_done();
        assert_eq!(c.map(|c| c.id).as_deref(), Some("100451"));
    }

    #[test]
    fn documented_search_match_on_another_handle_is_not_this_customer() {
        // A token search may match "instagram.dana.ig.old"; only the exact identity counts.
        let http = fake().on("POST", "/crm/v3/objects/contacts/search", reply(200, &fixture("hubspot/contacts_search.json")));
        assert_eq!(run(hubspot().lookup(&http, &who(&[Identity::new("instagram", "dana")]))).unwrap(), None);
    }

    #[test]
    fn documented_paged_tickets_and_notes_make_the_history() {
        let http = fake()
            .on("POST", "/crm/v3/objects/tickets/search", reply(200, &fixture("hubspot/tickets_search_page1.json")))
            .check(|r| {
                assert_eq!(filters(r)[0]["filters"][0], json!({ "propertyName": "associations.contact", "operator": "EQ", "value": "100451" }));
                assert_eq!(body(r)["sorts"][0], json!({ "propertyName": "hs_lastmodifieddate", "direction": "DESCENDING" }));
                assert!(body(r).get("after").is_none());
            })
            .on("POST", "/crm/v3/objects/tickets/search", reply(200, &fixture("hubspot/tickets_search_page2.json")))
            .check(|r| assert_eq!(body(r)["after"], "NTI1Cg%3D%3D"))
            .on("POST", "/crm/v3/objects/notes/search", reply(200, &fixture("hubspot/notes_search.json")))
            .check(|r| assert_eq!(body(r)["properties"], json!(["hs_note_body", "hs_timestamp", "hubspot_owner_id"])));
        let h = run(hubspot().history(&http, &dana(), 10)).unwrap();
        http.assert_done();
        assert_eq!(h.tickets.iter().map(|t| (t.id.as_str(), t.status.as_str(), t.open)).collect::<Vec<_>>(), [("4051", "New", true), ("3877", "Closed", false)]);
        assert_eq!(h.tickets[0].link.as_deref(), Some("https://app.hubspot.com/contacts/62515/record/0-5/4051"));
        assert_eq!(h.tickets[0].updated_at, parse_iso("2024-10-02T16:40:03.517Z"));
        let i = &h.interactions[0];
        assert_eq!((i.kind, i.channel.as_str(), i.direction), (InteractionKind::Reply, "x", Direction::Outbound));
        assert_eq!(i.text, "Sorry about the box, Dana. A replacement ships today.");
        assert_eq!(i.permalink.as_deref(), Some("https://x.com/acme/status/1843"));
        assert_eq!(i.at, parse_iso("2024-10-02T16:40:58.000Z").unwrap());
        assert_eq!(h.notes.len(), 1);
        assert_eq!(h.notes[0].text, "Called Dana about the delayed order; she prefers DMs.");
        assert_eq!(h.notes[0].agent.as_deref(), Some("12345"));
    }

    #[test]
    fn documented_note_is_created_on_the_contact_timeline() {
        let http = fake()
            .on("POST", "/crm/v3/objects/contacts/search", reply(200, &fixture("hubspot/contacts_search.json")))
            .on("POST", "/crm/v3/objects/notes", reply(201, &fixture("hubspot/note_created.json")))
            .check(|r| {
                let b = body(r);
                assert_eq!(b["properties"]["hs_timestamp"], "1727942400000");
                let note = b["properties"]["hs_note_body"].as_str().unwrap();
                assert!(note.starts_with("Reply on x [Tactful dev-7]<br><br>Thanks &lt;3<br><br>--<br>Tactful: reply on x (from us)<br>Link: https://x.com/acme/status/1843"), "{note}");
                assert_eq!(b["associations"], json!([{ "to": { "id": "100451" }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202 }] }]));
            });
        run(hubspot().deliver(&http, "dev-7", &reply_on_x("Thanks <3"), false)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_plain_note_takes_hubspots_clock() {
        let op = WriteOp::AddNote { customer: who(&[Identity::email("dana.reyes@example.com")]), text: "VIP".into(), agent: Some("sam".into()) };
        let http = fake()
            .on("POST", "/crm/v3/objects/contacts/search", reply_with(200, &[("Date", "Thu, 03 Oct 2024 08:00:00 GMT")], &fixture("hubspot/contacts_search.json")))
            .on("POST", "/crm/v3/objects/notes", reply(201, &fixture("hubspot/note_created.json")))
            .check(|r| {
                assert_eq!(body(r)["properties"]["hs_timestamp"], parse_iso("2024-10-03T08:00:00Z").unwrap().to_string());
                assert_eq!(body(r)["properties"]["hs_note_body"], "Note [Tactful dev-8]<br><br>VIP<br><br>--<br>Note by sam");
            });
        run(hubspot().deliver(&http, "dev-8", &op, false)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_retry_finds_its_key_and_writes_nothing() {
        let http = fake()
            .on("POST", "/crm/v3/objects/contacts/search", reply(200, &fixture("hubspot/contacts_search.json")))
            .on("POST", "/crm/v3/objects/notes/search", reply(200, &fixture("hubspot/notes_search.json")))
            .check(|r| assert_eq!(body(r)["sorts"][0]["propertyName"], "hs_createdate"));
        run(hubspot().deliver(&http, "dev-3", &reply_on_x("Sorry about the box"), true)).unwrap();
        http.assert_done();
        assert!(http.sent().iter().all(|r| r.url.ends_with("/search")), "nothing written");
    }

    #[test]
    fn documented_retry_without_its_key_writes_once() {
        let http = fake()
            .on("POST", "/crm/v3/objects/contacts/search", reply(200, &fixture("hubspot/contacts_search.json")))
            .on("POST", "/crm/v3/objects/notes/search", reply(200, &fixture("hubspot/notes_search.json")))
            .on("POST", "/crm/v3/objects/notes", reply(201, &fixture("hubspot/note_created.json")));
        run(hubspot().deliver(&http, "dev-7", &reply_on_x("Thanks"), true)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_ticket_is_created_in_the_pipeline_for_the_contact() {
        let op = WriteOp::CreateTicket { customer: who(&[Identity::new("x", "dana_reyes")]), subject: "Replacement damaged".into(), text: "Customer reports the replacement is also damaged.".into() };
        let http = fake()
            .on("POST", "/crm/v3/objects/contacts/search", reply(200, &fixture("hubspot/contacts_search.json")))
            .on("POST", "/crm/v3/objects/tickets", reply(201, &fixture("hubspot/ticket_created.json")))
            .check(|r| {
                let b = body(r);
                assert_eq!(b["properties"], json!({ "subject": "Replacement damaged [Tactful dev-9]", "content": "Customer reports the replacement is also damaged.", "hs_pipeline": "0", "hs_pipeline_stage": "1" }));
                assert_eq!(b["associations"][0]["types"][0]["associationTypeId"], 16);
            });
        run(hubspot().deliver(&http, "dev-9", &op, false)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_unknown_customer_becomes_a_contact() {
        let op = WriteOp::CreateTicket { customer: CustomerRef { identities: vec![Identity::new("x", "dana_reyes"), Identity::new("instagram", "dana.ig")], display_name: Some("Dana".into()) }, subject: "Hi".into(), text: "Hello".into() };
        let created = serde_json::to_string(&serde_json::from_str::<Value>(&fixture("hubspot/contacts_search.json")).unwrap()["results"][0]).unwrap();
        let http = fake()
            .on("POST", "/crm/v3/objects/contacts/search", reply(200, &fixture("hubspot/contacts_search_empty.json")))
            .on("POST", "/crm/v3/objects/contacts/search", reply(200, &fixture("hubspot/contacts_search_empty.json")))
            .on("POST", "/crm/v3/objects/contacts", reply(201, &created))
            .check(|r| assert_eq!(body(r), json!({ "properties": { "twitterhandle": "dana_reyes", "tactful_handles": "instagram.dana.ig", "firstname": "Dana" } })))
            .on("POST", "/crm/v3/objects/tickets", reply(201, &fixture("hubspot/ticket_created.json")))
            .check(|r| assert_eq!(body(r)["associations"][0]["to"]["id"], "100451"));
        run(hubspot().deliver(&http, "dev-10", &op, false)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_rate_limit_waits_as_told() {
        let http = fake().on("POST", "/crm/v3/objects/contacts/search", reply_with(429, &[("Retry-After", "10")], &fixture("hubspot/error_rate_limit.json")));
        assert_eq!(run(hubspot().lookup(&http, &who(&[Identity::email("a@b.c")]))), Err(CrmError::RateLimited { retry_after_s: Some(10) }));
    }

    #[test]
    fn documented_validation_error_is_a_refusal_with_hubspots_message() {
        let op = WriteOp::CreateTicket { customer: who(&[Identity::new("x", "dana_reyes")]), subject: "S".into(), text: "T".into() };
        let http = fake()
            .on("POST", "/crm/v3/objects/contacts/search", reply(200, &fixture("hubspot/contacts_search.json")))
            .on("POST", "/crm/v3/objects/tickets", reply(400, &fixture("hubspot/error_validation.json")));
        let err = run(hubspot().deliver(&http, "dev-11", &op, false)).unwrap_err();
        let CrmError::Rejected { status: 400, reason } = &err else { panic!("{err:?}") };
        assert!(reason.starts_with("Property values were not valid") && reason.contains("1 was not a valid pipeline stage ID"), "{reason}");
        assert!(!err.is_transient());
    }

    #[test]
    fn documented_property_answers_the_connection_test() {
        let http = fake().on("GET", "/crm/v3/properties/contacts/tactful_handles", reply(200, &fixture("hubspot/contact_property.json")));
        assert!(run(hubspot().test_connection(&http)).unwrap().contains("“Tactful handles”"));
        let missing = fake().on("GET", "/crm/v3/properties/contacts/tactful_handles", reply(404, r#"{"status":"error","message":"resource not found","correlationId":"x","category":"OBJECT_NOT_FOUND"}"#));
        assert!(matches!(run(hubspot().test_connection(&missing)), Err(CrmError::NotFound { what }) if what.contains("tactful_handles")));
    }

    #[test]
    fn http_dates_parse() {
        assert_eq!(http_date("Tue, 15 Nov 1994 08:12:31 GMT"), parse_iso("1994-11-15T08:12:31Z"));
        assert_eq!(http_date("yesterday"), None);
    }
}
