//! Salesforce over its REST API (SOQL queries and sObject records), with an OAuth access
//! token.
//!
//! Mapping: a customer is a Contact. Social handles are `network.handle` words in a text
//! field on Contact (`Tactful_Handles__c` unless configured; Salesforce has no standard
//! one); an email is `Email`. Tickets are the contact's Cases. Interactions and notes are
//! completed Tasks on the contact (activities, never emails). Each write's `Subject`
//! carries `[Tactful KEY]` (`Subject` can be filtered in SOQL, `Description` can't); a retry
//! first queries for it, so nothing is written twice.

use super::connector::{check, json, Connector, CrmError};
use super::http::{query_value, Http, Request, Response};
use super::model::*;
use super::text::{filing_name, handle_word, identity_from_word, marker, read_customer, string, Entries, Entry, Stamp, MARK};
use crate::core::clock::parse_iso;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SalesforceConfig {
    /// The org's My Domain URL, e.g. `https://acme.my.salesforce.com`.
    pub instance_url: String,
    /// An OAuth access token (refreshing it is the caller's business).
    pub access_token: String,
    #[serde(default = "default_api_version")]
    pub api_version: String,
    /// API name of a Text(255) Contact field for social handles.
    #[serde(default = "default_handles_field")]
    pub handles_field: String,
    /// `Origin` of new Cases, when the org requires one (its picklist values vary).
    #[serde(default)]
    pub case_origin: Option<String>,
}

fn default_api_version() -> String {
    "v60.0".into()
}
fn default_handles_field() -> String {
    "Tactful_Handles__c".into()
}

pub struct Salesforce {
    cfg: SalesforceConfig,
}

const MAX_CASES: usize = 50;
/// Text fields like `Subject` hold at most 255 characters.
const SUBJECT_MAX: usize = 255;

impl Salesforce {
    pub fn new(cfg: SalesforceConfig) -> Salesforce {
        Salesforce { cfg }
    }

    /// An instance path ("/services/…") as a URL.
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.cfg.instance_url.trim_end_matches('/'))
    }

    fn data(&self, path: &str) -> String {
        self.url(&format!("/services/data/{}/{path}", self.cfg.api_version))
    }

    async fn send(&self, http: &impl Http, r: Request) -> Result<Response, CrmError> {
        let resp = http.send(r.header("Authorization", format!("Bearer {}", self.cfg.access_token))).await?;
        // Salesforce answers an exhausted API allowance with 403, not 429.
        if resp.status == 403 && error_code(&resp.body).as_deref() == Some("REQUEST_LIMIT_EXCEEDED") {
            return Err(CrmError::RateLimited { retry_after_s: resp.header("Retry-After").and_then(|s| s.trim().parse().ok()) });
        }
        check(resp)
    }

    /// A SOQL query's records, following `nextRecordsUrl` until done or `max` records.
    async fn query(&self, http: &impl Http, soql: &str, max: usize) -> Result<Vec<Value>, CrmError> {
        let mut records = Vec::new();
        let mut url = self.data(&format!("query?q={}", query_value(soql)));
        loop {
            let page = json(&self.send(http, Request::get(url)).await?)?;
            records.extend(page.get("records").and_then(Value::as_array).cloned().unwrap_or_default());
            let next = page.get("nextRecordsUrl").and_then(Value::as_str).filter(|_| page.get("done") == Some(&Value::Bool(false)));
            match next {
                Some(n) if records.len() < max => url = self.url(n),
                _ => break,
            }
        }
        records.truncate(max);
        Ok(records)
    }

    async fn create(&self, http: &impl Http, object: &str, record: &Value) -> Result<String, CrmError> {
        let saved = json(&self.send(http, Request::with_json("POST", self.data(&format!("sobjects/{object}/")), record)).await?)?;
        match (saved.get("success"), string(&saved, "id")) {
            (Some(Value::Bool(true)), id) if !id.is_empty() => Ok(id),
            _ => Err(CrmError::BadResponse { detail: format!("Salesforce saved no {object}: {saved}") }),
        }
    }

    fn contact_fields(&self) -> String {
        format!("Id, Name, Email, {}, CreatedDate, LastModifiedDate", self.cfg.handles_field)
    }

    fn customer_from(&self, c: &Value) -> Customer {
        let mut identities: Vec<Identity> = string(c, &self.cfg.handles_field).split_whitespace().filter_map(identity_from_word).collect();
        let email = string(c, "Email");
        if !email.is_empty() {
            identities.push(Identity::email(&email));
        }
        read_customer(string(c, "Id"), string(c, "Name"), identities, &string(c, "CreatedDate"), &string(c, "LastModifiedDate"))
    }

    /// The Contact for a customer, created when new.
    async fn ensure_contact(&self, http: &impl Http, who: &CustomerRef) -> Result<Customer, CrmError> {
        if let Some(c) = self.lookup(http, who).await? {
            return Ok(c);
        }
        let email = who.identities.iter().find(|i| i.network == "email");
        let words: Vec<String> = who.identities.iter().filter(|i| i.is_social()).map(handle_word).collect();
        // LastName is the one field Salesforce requires.
        let name = filing_name(who)?;
        let mut record = serde_json::Map::new();
        record.insert("LastName".into(), name.clone().into());
        if let Some(e) = email {
            record.insert("Email".into(), e.value.clone().into());
        }
        if !words.is_empty() {
            record.insert(self.cfg.handles_field.clone(), words.join(" ").into());
        }
        let id = self.create(http, "Contact", &Value::Object(record)).await?;
        Ok(Customer { id, display_names: vec![name], identities: who.identities.clone(), tags: vec![], created_at: 0, updated_at: 0 })
    }

    fn ticket_from(&self, c: &Value) -> Ticket {
        let id = string(c, "Id");
        Ticket {
            link: Some(self.url(&format!("/lightning/r/Case/{id}/view"))),
            subject: string(c, "Subject"),
            status: string(c, "Status"),
            open: c.get("IsClosed") != Some(&Value::Bool(true)),
            updated_at: parse_iso(&string(c, "LastModifiedDate")),
            id,
        }
    }
}

/// The first `errorCode` of Salesforce's `[{"message", "errorCode"}]` error body.
fn error_code(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    v.get(0)?.get("errorCode")?.as_str().map(String::from)
}

/// A SOQL string literal.
fn soql(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A SOQL `LIKE` pattern matching values that contain `s` literally.
fn soql_contains(s: &str) -> String {
    let literal = soql(s);
    format!("'%{}%'", literal[1..literal.len() - 1].replace('%', "\\%").replace('_', "\\_"))
}

/// Unix ms as a date (`2024-10-03`), for `ActivityDate`.
fn date_of(ms: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = ms.div_euclid(86_400_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The `Subject` and `Description` of a write. The subject carries the key, whole even
/// when the agent's subject is cut to fit.
fn compose(key: &str, op: &WriteOp) -> (String, String) {
    match op {
        WriteOp::CreateTicket { subject, text, .. } => {
            let mark = marker(key);
            let room = SUBJECT_MAX.saturating_sub(mark.chars().count() + 1);
            (format!("{} {mark}", subject.chars().take(room).collect::<String>()), text.clone())
        }
        _ => super::text::compose(key, op),
    }
}

/// Reads a Task back: an interaction Tactful logged, a note, or any other activity (shown
/// as a note).
fn read_task(customer: &Customer, t: &Value) -> Entry {
    let (subject, description) = (string(t, "Subject"), string(t, "Description"));
    let owner = t.get("Owner").map(|o| string(o, "Name")).filter(|o| !o.is_empty());
    let stamp = Stamp { id: string(t, "Id"), customer_id: customer.id.clone(), agent: owner, at: parse_iso(&string(t, "CreatedDate")).unwrap_or(0) };
    if !subject.contains(MARK) {
        return stamp.note(format!("{subject}\n{description}").trim().to_string());
    }
    stamp.logged(&subject, &description.lines().collect::<Vec<_>>())
}

impl Connector for Salesforce {
    fn name(&self) -> &str {
        "Salesforce"
    }

    async fn test_connection(&self, http: &impl Http) -> Result<String, CrmError> {
        // Checks the URL, token, API version, read access and the handles field at once
        // (an unknown field is a 400 INVALID_FIELD naming it).
        self.query(http, &format!("SELECT Id, {} FROM Contact LIMIT 1", self.cfg.handles_field), 1).await?;
        Ok(format!("Connected to Salesforce (API {}); Contact field {} found.", self.cfg.api_version, self.cfg.handles_field))
    }

    async fn lookup(&self, http: &impl Http, who: &CustomerRef) -> Result<Option<Customer>, CrmError> {
        for ident in &who.identities {
            let filter = match ident.network.as_str() {
                "email" => format!("Email = {}", soql(&ident.value)),
                "phone" => continue,
                _ => format!("{} LIKE {}", self.cfg.handles_field, soql_contains(&handle_word(ident))),
            };
            let found = self.query(http, &format!("SELECT {} FROM Contact WHERE {filter} LIMIT 10", self.contact_fields()), 10).await?;
            // LIKE matches "x.dana" inside "x.dana_r"; the normalised identity decides.
            if let Some(c) = found.iter().map(|c| self.customer_from(c)).find(|c| c.identities.contains(ident)) {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    async fn history(&self, http: &impl Http, customer: &Customer, limit: usize) -> Result<CustomerHistory, CrmError> {
        let id = soql(&customer.id);
        let cases = self.query(http, &format!("SELECT Id, CaseNumber, Subject, Status, IsClosed, LastModifiedDate FROM Case WHERE ContactId = {id} ORDER BY LastModifiedDate DESC LIMIT {MAX_CASES}"), MAX_CASES).await?;
        let tickets = cases.iter().map(|c| self.ticket_from(c)).collect();
        let max = limit.clamp(1, 200);
        let tasks = self.query(http, &format!("SELECT Id, Subject, Description, CreatedDate, Owner.Name FROM Task WHERE WhoId = {id} ORDER BY CreatedDate DESC LIMIT {max}"), max).await?;
        Ok(tasks.iter().map(|t| read_task(customer, t)).collect::<Entries>().history(customer, tickets, limit))
    }

    async fn deliver(&self, http: &impl Http, key: &str, op: &WriteOp, maybe_done: bool) -> Result<(), CrmError> {
        let object = if matches!(op, WriteOp::CreateTicket { .. }) { "Case" } else { "Task" };
        if maybe_done && !self.query(http, &format!("SELECT Id FROM {object} WHERE Subject LIKE {} LIMIT 1", soql_contains(&marker(key))), 1).await?.is_empty() {
            return Ok(());
        }
        let contact = self.ensure_contact(http, op.customer()).await?;
        let (subject, description) = compose(key, op);
        let mut record = json!({ "Subject": subject, "Description": description });
        match op {
            WriteOp::CreateTicket { .. } => {
                record["ContactId"] = contact.id.into();
                if let Some(origin) = &self.cfg.case_origin {
                    record["Origin"] = origin.clone().into();
                }
            }
            _ => {
                record["WhoId"] = contact.id.into();
                record["Status"] = "Completed".into();
                if let WriteOp::LogInteraction { interaction, .. } = op {
                    record["ActivityDate"] = date_of(interaction.at).into();
                }
            }
        }
        self.create(http, object, &record).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fake_http::*;
    use super::*;

    const URL: &str = "https://acme.my.salesforce.com";

    fn salesforce() -> Salesforce {
        Salesforce::new(serde_json::from_value(json!({ "instance_url": URL, "access_token": "00Dx0000000BV7z!AR8AQP0jITN80ESEsj5EbaZTFG0R" })).unwrap())
    }

    fn fake() -> FakeHttp {
        FakeHttp::new(URL).auth("Bearer 00Dx0000000BV7z!AR8AQP0jITN80ESEsj5EbaZTFG0R")
    }

    /// The query resource's path for a SOQL statement.
    fn q(soql: &str) -> String {
        format!("/services/data/v60.0/query?q={}", query_value(soql))
    }

    const CONTACT: &str = "SELECT Id, Name, Email, Tactful_Handles__c, CreatedDate, LastModifiedDate FROM Contact WHERE";

    fn who(identities: &[Identity]) -> CustomerRef {
        CustomerRef { identities: identities.to_vec(), display_name: Some("Dana Reyes".into()) }
    }

    fn reply_on_x(text: &str) -> WriteOp {
        let i = Interaction { id: "i1".into(), customer_id: String::new(), channel: "x".into(), kind: InteractionKind::Reply, direction: Direction::Outbound, permalink: Some("https://x.com/acme/status/1843".into()), text: text.into(), agent: Some("sam".into()), agent_id: None, at: 1_727_942_400_000, tone_findings: vec![], sentiment: None };
        WriteOp::LogInteraction { customer: who(&[Identity::new("x", "dana_reyes")]), interaction: i }
    }

    fn dana() -> Customer {
        salesforce().customer_from(&serde_json::from_str::<Value>(&fixture("salesforce/query_contacts.json")).unwrap()["records"][0])
    }

    #[test]
    fn documented_query_result_is_parsed_for_a_handle() {
        let http = fake().on("GET", &q(&format!("{CONTACT} Tactful_Handles__c LIKE '%x.dana\\_reyes%' LIMIT 10")), reply(200, &fixture("salesforce/query_contacts.json")));
        let c = run(salesforce().lookup(&http, &who(&[Identity::new("x", "@Dana_Reyes")]))).unwrap().expect("found");
        http.assert_done();
        assert_eq!(c.id, "003RO0000035WQgYAM");
        assert_eq!(c.display_names, ["Dana Reyes"]);
        assert_eq!(c.identities, [Identity::new("x", "dana_reyes"), Identity::new("instagram", "dana.ig"), Identity::email("dana.reyes@example.com")]);
        assert_eq!(c.created_at, parse_iso("2024-01-17T19:55:04Z").unwrap());
    }

    #[test]
    fn documented_query_falls_back_to_email_and_escapes_quotes() {
        let http = fake()
            .on("GET", &q(&format!("{CONTACT} Tactful_Handles__c LIKE '%facebook.o\\'hara%' LIMIT 10")), reply(200, &fixture("salesforce/query_empty.json")))
            .on("GET", &q(&format!("{CONTACT} Email = 'dana.reyes@example.com' LIMIT 10")), reply(200, &fixture("salesforce/query_contacts.json")));
        let c = run(salesforce().lookup(&http, &who(&[Identity::new("facebook", "o'hara"), Identity::email("Dana.Reyes@example.com")]))).unwrap();
        http.assert_done();
        assert_eq!(c.map(|c| c.id).as_deref(), Some("003RO0000035WQgYAM"));
    }

    #[test]
    fn documented_cases_and_paged_tasks_make_the_history() {
        let http = fake()
            .on("GET", &q("SELECT Id, CaseNumber, Subject, Status, IsClosed, LastModifiedDate FROM Case WHERE ContactId = '003RO0000035WQgYAM' ORDER BY LastModifiedDate DESC LIMIT 50"), reply(200, &fixture("salesforce/query_cases.json")))
            .on("GET", &q("SELECT Id, Subject, Description, CreatedDate, Owner.Name FROM Task WHERE WhoId = '003RO0000035WQgYAM' ORDER BY CreatedDate DESC LIMIT 10"), reply(200, &fixture("salesforce/query_tasks_page1.json")))
            .on("GET", "/services/data/v60.0/query/01gRO0000016PIAYA2-1", reply(200, &fixture("salesforce/query_tasks_page2.json")));
        let h = run(salesforce().history(&http, &dana(), 10)).unwrap();
        http.assert_done();
        assert_eq!(h.tickets.iter().map(|t| (t.subject.as_str(), t.status.as_str(), t.open)).collect::<Vec<_>>(), [("Order 1187 arrived damaged", "Working", true), ("Refund for order 1002", "Closed", false)]);
        assert_eq!(h.tickets[0].link.as_deref(), Some("https://acme.my.salesforce.com/lightning/r/Case/500RO000004ZxYqYAK/view"));
        assert_eq!(h.tickets[0].updated_at, parse_iso("2024-10-02T16:40:03Z"));
        let i = &h.interactions[0];
        assert_eq!((i.kind, i.channel.as_str(), i.direction, i.text.as_str()), (InteractionKind::Reply, "x", Direction::Outbound, "Sorry about the box, Dana. A replacement ships today."));
        assert_eq!((i.agent.as_deref(), i.at), (Some("sam"), parse_iso("2024-10-02T16:40:58Z").unwrap()));
        assert_eq!(h.notes.iter().map(|n| (n.text.as_str(), n.agent.as_deref())).collect::<Vec<_>>(), [("Call\nCalled Dana about the delayed order; she prefers DMs.", Some("Sam Agent"))]);
    }

    #[test]
    fn documented_task_is_created_for_an_interaction() {
        let http = fake()
            .on("GET", &q(&format!("{CONTACT} Tactful_Handles__c LIKE '%x.dana\\_reyes%' LIMIT 10")), reply(200, &fixture("salesforce/query_contacts.json")))
            .on("POST", "/services/data/v60.0/sobjects/Task/", reply(201, &fixture("salesforce/created.json")))
            .check(|r| {
                assert_eq!(
                    body(r),
                    json!({ "Subject": "Reply on x [Tactful dev-7]", "Description": "Thanks!\n\n--\nTactful: reply on x (from us)\nLink: https://x.com/acme/status/1843\nAgent: sam", "WhoId": "003RO0000035WQgYAM", "Status": "Completed", "ActivityDate": "2024-10-03" })
                );
            });
        run(salesforce().deliver(&http, "dev-7", &reply_on_x("Thanks!"), false)).unwrap();
        http.assert_done();
    }

    #[test]
    fn documented_retry_finds_its_key_and_writes_nothing() {
        let http = fake().on("GET", &q("SELECT Id FROM Task WHERE Subject LIKE '%[Tactful dev-3]%' LIMIT 1"), reply(200, &fixture("salesforce/query_key_found.json")));
        run(salesforce().deliver(&http, "dev-3", &reply_on_x("Sorry"), true)).unwrap();
        http.assert_done();
        assert_eq!(http.sent().len(), 1, "nothing written");
    }

    #[test]
    fn documented_case_is_created_for_a_ticket_and_a_new_contact() {
        let op = WriteOp::CreateTicket { customer: who(&[Identity::new("x", "dana_reyes"), Identity::email("dana.reyes@example.com")]), subject: "Replacement damaged".into(), text: "Also damaged.".into() };
        let mut sf = salesforce();
        sf.cfg.case_origin = Some("Web".into());
        let http = fake()
            .on("GET", &q("SELECT Id FROM Case WHERE Subject LIKE '%[Tactful dev-9]%' LIMIT 1"), reply(200, &fixture("salesforce/query_empty.json")))
            .on("GET", &q(&format!("{CONTACT} Tactful_Handles__c LIKE '%x.dana\\_reyes%' LIMIT 10")), reply(200, &fixture("salesforce/query_empty.json")))
            .on("GET", &q(&format!("{CONTACT} Email = 'dana.reyes@example.com' LIMIT 10")), reply(200, &fixture("salesforce/query_empty.json")))
            .on("POST", "/services/data/v60.0/sobjects/Contact/", reply(201, r#"{"id":"003RO0000035XyZYAU","errors":[],"success":true}"#))
            .check(|r| assert_eq!(body(r), json!({ "LastName": "Dana Reyes", "Email": "dana.reyes@example.com", "Tactful_Handles__c": "x.dana_reyes" })))
            .on("POST", "/services/data/v60.0/sobjects/Case/", reply(201, &fixture("salesforce/created.json")))
            .check(|r| assert_eq!(body(r), json!({ "Subject": "Replacement damaged [Tactful dev-9]", "Description": "Also damaged.", "ContactId": "003RO0000035XyZYAU", "Origin": "Web" })));
        run(sf.deliver(&http, "dev-9", &op, true)).unwrap();
        http.assert_done();
    }

    #[test]
    fn long_subjects_keep_the_key() {
        let op = WriteOp::CreateTicket { customer: who(&[]), subject: "é".repeat(400), text: String::new() };
        let (subject, _) = compose("dev-12", &op);
        assert_eq!(subject.chars().count(), SUBJECT_MAX);
        assert!(subject.ends_with(" [Tactful dev-12]"));
    }

    #[test]
    fn documented_limit_errors_wait() {
        let http = fake().on("GET", &q(&format!("{CONTACT} Email = 'a@b.c' LIMIT 10")), reply(403, &fixture("salesforce/error_request_limit.json")));
        assert_eq!(run(salesforce().lookup(&http, &who(&[Identity::email("a@b.c")]))), Err(CrmError::RateLimited { retry_after_s: None }));
        let http = fake().on("GET", &q(&format!("{CONTACT} Email = 'a@b.c' LIMIT 10")), reply_with(429, &[("Retry-After", "30")], ""));
        assert_eq!(run(salesforce().lookup(&http, &who(&[Identity::email("a@b.c")]))), Err(CrmError::RateLimited { retry_after_s: Some(30) }));
    }

    #[test]
    fn documented_expired_session_is_an_auth_error() {
        let http = fake().on("GET", &q("SELECT Id, Tactful_Handles__c FROM Contact LIMIT 1"), reply(401, &fixture("salesforce/error_invalid_session.json")));
        let err = run(salesforce().test_connection(&http)).unwrap_err();
        assert_eq!(err, CrmError::Auth { reason: "Session expired or invalid".into() });
        assert!(!err.is_transient());
    }

    #[test]
    fn documented_error_array_is_a_refusal_with_salesforces_message() {
        let http = fake()
            .on("GET", &q(&format!("{CONTACT} Tactful_Handles__c LIKE '%x.dana\\_reyes%' LIMIT 10")), reply(200, &fixture("salesforce/query_empty.json")))
            .on("POST", "/services/data/v60.0/sobjects/Contact/", reply(400, &fixture("salesforce/error_required_field.json")));
        assert_eq!(run(salesforce().deliver(&http, "dev-13", &reply_on_x("Hi"), false)), Err(CrmError::Rejected { status: 400, reason: "Required fields are missing: [LastName]".into() }));
    }

    #[test]
    fn dates_are_civil() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(parse_iso("2024-02-29T23:59:59Z").unwrap()), "2024-02-29");
        assert_eq!(date_of(parse_iso("1969-12-31T12:00:00Z").unwrap()), "1969-12-31");
    }
}
