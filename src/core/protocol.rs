//! The one message protocol between content scripts, extension pages and the service
//! worker: every message and every answer is a variant here, and nowhere else.
//!
//! Requests are tiered by type (uBlock's habit): [`PageRequest`]s come from a content
//! script in a tab, [`PanelRequest`]s only from the extension's own pages (panel,
//! options), [`AnyRequest`]s from either. The browser, not the message, says who sent it
//! ([`Sender`]); a request of the wrong tier is refused before anything else
//! (`crate::core::worker`). The glue only carries these: it never invents, renames or
//! reshapes an answer (tests/wasm/protocol.test.mjs checks the JS side's kinds against
//! [`kinds_via`]).

use crate::core::crm::card::CardView;
use crate::core::crm::config::{CrmConfig, PublicConfig};
use crate::core::crm::local::Snapshot;
use crate::core::handoff::HandoffPlan;
use crate::core::length::LengthCount;
use crate::core::overlay::{self, LayoutStatus, OverlayView, Theme};
use crate::core::posts::{Post, RawPost};
use crate::core::settings::Settings;
use crate::core::sites::SiteProfile;
use crate::core::tone::PageFinding;
use crate::core::triage::TriageReport;
use crate::core::kb::suggest::SuggestionView;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Requests either tier may send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnyRequest {
    /// Liveness and version; also carries how long the wasm took to start.
    Ping,
}

/// Requests from a content script, about the page in its tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PageRequest {
    /// The profile for the sender's page, or none when Tactful doesn't serve it.
    ProfileFor,
    /// Posts read from the sender's page (only new ones), and the page background colour.
    ReadPage {
        posts: Vec<RawPost>,
        /// The page has been quiet long enough that "no posts" means "can't read".
        #[serde(default)]
        settled: bool,
        #[serde(default)]
        background: String,
    },
    /// Check the reply draft typed in the sender's page, replying to post `post_key`
    /// (a key from `read_page`) when the content script knows it.
    CheckDraft {
        text: String,
        #[serde(default)]
        post_key: Option<String>,
    },
    /// Suggested replies for post `post_key`, filled; `given` holds values the agent typed
    /// for missing variables.
    Suggest {
        post_key: String,
        #[serde(default)]
        given: BTreeMap<String, String>,
    },
    /// The agent inserted suggestion `id` into post `post_key`'s reply box (filled with
    /// `given` for what the post didn't say): learned from, to rank it a little higher, and
    /// logged in the CRM with the text Tactful fills itself, never text from the page.
    SuggestionUsed {
        post_key: String,
        id: String,
        #[serde(default)]
        given: BTreeMap<String, String>,
    },
    /// The customer cards of posts `post_keys`, with their CRM history. One message for
    /// many cards: a 2,000-comment thread sent one per card and kept the worker and page
    /// busy for seconds.
    CustomerCards { post_keys: Vec<String> },
    /// The agent used the site's send action in post `post_key`'s composer with `text` in
    /// it. Nothing is answered yet: the post is, once the brand's reply with this text
    /// appears on the page.
    ReplySent { post_key: String, text: String },
    /// Move post `post_key` to a private channel: the public acknowledgement, the private
    /// message and how it reaches the customer (`dms_closed`: the agent says the
    /// customer's messages are closed, so use the team's fallback).
    Handoff {
        post_key: String,
        #[serde(default)]
        dms_closed: bool,
    },
    /// The acknowledgement of the last `handoff` of `post_key` is in the reply box: open
    /// the direct-message composer it planned (the URL the core made from the site
    /// profile, never one from the page) and log the hand-off in the CRM.
    HandoffDone { post_key: String },
    /// The page's cards as they stand now: ages, and priorities with the current weights
    /// (the content script asks every minute while the page is open, and again for a card
    /// that comes into view after that). `keys`: the cards wanted, those near the
    /// viewport; `order`: also every post's priority, for Alt+N. All posts are repriced
    /// (for the panel's queue); only the wanted cards travel: thousands each minute made
    /// garbage that cost the page a 0.4 s collection.
    RefreshCards {
        #[serde(default)]
        keys: Vec<String>,
        #[serde(default)]
        order: bool,
    },
    /// Open Tactful's side panel on the sender's tab (a card's "Open Tactful").
    OpenPanel,
}

/// Requests only the extension's own pages may send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PanelRequest {
    /// What Tactful read on a tab.
    PagePosts { tab_id: i64 },
    /// The panel's list of a tab: unanswered customer posts most urgent first, then the
    /// rest in page order. `known`: the version the panel already shows; the answer
    /// carries no posts when nothing changed since.
    Queue {
        tab_id: i64,
        #[serde(default)]
        known: Option<u64>,
    },
    /// The full CRM history of the author of post `post_key` on tab `tab_id` (the panel).
    CustomerHistory { tab_id: i64, post_key: String },
    GetSettings,
    SaveSettings { settings: Settings },
    /// A knowledge-base file (CSV, Tactful JSON, Zendesk or Freshdesk export), merged by
    /// id into the knowledge base if the whole file is valid.
    ImportKb { text: String },
    /// Part `part` (from 0) of `parts` of a knowledge-base file sent in pieces, so a large
    /// file never blocks the options page; the last part imports the whole as `ImportKb`.
    ImportKbPart { upload: u32, part: u32, parts: u32, text: String },
    /// How big the knowledge base is.
    KbStatus,
    /// The whole knowledge base as a file: `format` is "csv" or "json".
    ExportKb { format: String },
    /// The connected CRM, as pages may see it (never its credentials).
    CrmConfig,
    /// Connect a CRM (checked, and reachable under the browser's host permission), or
    /// with `null` go back to the local CRM only.
    CrmConfigure { config: Option<CrmConfig> },
    /// Test a CRM config, or with `null` the connected one.
    CrmTest {
        #[serde(default)]
        config: Option<CrmConfig>,
    },
    /// What waits to be sent to the connected CRM, and what it refused.
    CrmStatus,
    /// Send the waiting writes now instead of at their next retry.
    CrmSendNow,
    /// Retry (`retry`) or discard a write the CRM refused.
    CrmResolve { seq: u64, retry: bool },
    /// Everything the local CRM holds about one customer (a privacy request).
    CrmCustomerExport { network: String, value: String },
    /// Erase one customer from the local CRM (a privacy request).
    CrmCustomerDelete { network: String, value: String },
    /// The whole local CRM as a backup file.
    CrmExport,
    /// Replace the local CRM with a backup, if the whole file is valid.
    CrmImport { snapshot: serde_json::Value },
    /// How each open page is being read: the layouts tried and used, posts read, fields
    /// missing (the diagnostics on the options page).
    Diagnostics,
    /// Use the team's site profiles from a file in place of the built-in ones (`None`: go
    /// back to the built-in profiles). The whole file is checked first; a bad one changes
    /// nothing.
    SiteProfiles { json: Option<String> },
}

/// A request of any tier.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Any(AnyRequest),
    Page(PageRequest),
    Panel(PanelRequest),
}

impl From<AnyRequest> for Request {
    fn from(r: AnyRequest) -> Request {
        Request::Any(r)
    }
}
impl From<PageRequest> for Request {
    fn from(r: PageRequest) -> Request {
        Request::Page(r)
    }
}
impl From<PanelRequest> for Request {
    fn from(r: PanelRequest) -> Request {
        Request::Panel(r)
    }
}

impl Serialize for Request {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Request::Any(r) => r.serialize(s),
            Request::Page(r) => r.serialize(s),
            Request::Panel(r) => r.serialize(s),
        }
    }
}

impl Request {
    /// Decodes a message with `decode` (serde_json natively, serde_wasm_bindgen in the
    /// browser), as a page's request first (the busy path), then a panel's, then either's.
    /// Only the decoder the glue already uses is instantiated: a second one for every
    /// request type cost the wasm 76 KiB gzipped.
    pub fn decode(decode: &impl DecodeAs) -> Result<Request, ProtocolError> {
        // Another tier may know the kind; any other error is the message's.
        let next = |e: String| if e.starts_with("unknown variant") { Ok(()) } else if e.starts_with("missing field `kind`") { Err(ProtocolError::NoKind) } else { Err(ProtocolError::Malformed(e)) };
        match decode.into::<PageRequest>() {
            Ok(r) => return Ok(Request::Page(r)),
            Err(e) => next(e)?,
        }
        match decode.into::<PanelRequest>() {
            Ok(r) => return Ok(Request::Panel(r)),
            Err(e) => next(e)?,
        }
        match decode.into::<AnyRequest>() {
            Ok(r) => Ok(Request::Any(r)),
            Err(e) => next(e).and(Err(ProtocolError::UnknownKind(decode.kind().unwrap_or_default()))),
        }
    }

    /// A request from JSON (the CLI and native tests).
    pub fn from_json(v: serde_json::Value) -> Result<Request, ProtocolError> {
        Request::decode(&JsonDecode(v))
    }

    /// The message as it travels (`{kind, ...}`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// One way of turning a message into a typed enum.
pub trait DecodeAs {
    fn into<T: DeserializeOwned>(&self) -> Result<T, String>;
    /// The message's `kind`, if it has one that is a string.
    fn kind(&self) -> Option<String>;
}

pub struct JsonDecode(pub serde_json::Value);

impl DecodeAs for JsonDecode {
    fn into<T: DeserializeOwned>(&self) -> Result<T, String> {
        T::deserialize(&self.0).map_err(|e| e.to_string())
    }
    fn kind(&self) -> Option<String> {
        self.0.get("kind")?.as_str().map(String::from)
    }
}

/// Why a message could not be read as a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    NoKind,
    UnknownKind(String),
    Malformed(String),
    UnknownSender(String),
}

impl std::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProtocolError::NoKind => write!(f, "Tactful received a message it doesn't understand: it has no kind."),
            ProtocolError::UnknownKind(k) => write!(f, "Tactful received a message it doesn't understand: no request is called “{k}”."),
            ProtocolError::Malformed(e) => write!(f, "Tactful received a message it doesn't understand: {e}."),
            ProtocolError::UnknownSender(e) => write!(f, "Tactful couldn't tell who sent a message: {e}."),
        }
    }
}

/// Who sent a request, as the browser (not the message) reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Sender {
    /// A content script in a tab, with the tab's URL.
    ContentScript { tab_id: i64, url: String },
    /// One of the extension's own pages (panel, options).
    ExtensionPage,
}

/// What a tab's page showed, as last read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageSnapshot {
    pub url: String,
    pub site_name: String,
    pub posts: Vec<Post>,
    pub status: LayoutStatus,
    /// The page's colour scheme, so the panel can follow it.
    pub theme: Theme,
    /// Each customer post's triage, by post key (scored once, as the post is read).
    #[serde(default)]
    pub triage: BTreeMap<String, TriageReport>,
    /// Posts already answered (per the CRM or this agent's own actions): out of the queue.
    #[serde(default)]
    pub handled: BTreeSet<String>,
}

/// How one open page is being read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutReport {
    pub tab_id: i64,
    pub url: String,
    pub site_name: String,
    /// Whether the team's own profile (a file) reads this site.
    pub team_profile: bool,
    /// Each of the profile's layouts, in the order tried, with the posts it read here.
    pub layouts: Vec<LayoutUse>,
    /// Fields the unreadable posts lacked, with how many lacked each.
    pub missing: Vec<FieldMissing>,
    /// Posts found but not readable.
    pub unreadable: usize,
    pub status: LayoutStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutUse {
    pub name: String,
    pub posts: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldMissing {
    pub field: String,
    pub posts: usize,
}

/// One row of the panel's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueRow {
    pub post: Post,
    /// The post's triage while it waits for an answer (none for the brand's own posts
    /// and answered ones).
    pub triage: Option<TriageReport>,
    pub answered: bool,
}

/// The panel's list of one tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueView {
    pub url: String,
    pub site_name: String,
    pub status: LayoutStatus,
    pub theme: Theme,
    /// Unanswered customer posts most urgent first, then the rest in page order.
    pub rows: Vec<QueueRow>,
}

/// A post's customer card, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CustomerCardResult {
    Card {
        post_key: String,
        permalink: Option<String>,
        card: CardView,
        /// Why the connected CRM didn't answer, when the local CRM's card is shown instead.
        note: Option<String>,
        /// The CRM shows the team answered this post: it has left the triage queue.
        #[serde(default)]
        answered: bool,
        /// The CRM shows this post was moved to private: "Moved to private by Jo · 3h".
        #[serde(default)]
        moved: Option<String>,
    },
    Failed { post_key: String, error: String },
}

/// How far the worker is through indexing a new knowledge base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexProgress {
    pub done: usize,
    pub total: usize,
}

/// A write the connected CRM refused, for the agent to retry or discard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefusedWrite {
    pub seq: u64,
    pub what: String,
    pub why: String,
}

/// A response, tagged by `kind` in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Response {
    Pong { version: String, started_ms: f64 },
    Profile { profile: Option<Box<SiteProfile>> },
    Overlay { view: OverlayView },
    /// Fresh ages and triage badges of the cards a page already has, by post key.
    /// `order`: each triaged post's key and priority, when asked for.
    Cards {
        cards: Vec<overlay::Card>,
        #[serde(default)]
        order: Vec<(String, u8)>,
    },
    /// Tone findings with UTF-16 spans for the page, and the platform length count.
    Tone { findings: Vec<PageFinding>, length: LengthCount, platform: String },
    PagePosts { page: Option<PageSnapshot> },
    /// The panel's list; no view and `changed` false when the panel's `known` version
    /// is current.
    Queue { version: u64, changed: bool, view: Option<QueueView> },
    Settings { settings: Settings },
    Suggestions { post_key: String, items: Vec<SuggestionView> },
    /// The customer cards a page asked for, each with its history or why there is none.
    CustomerCards { cards: Vec<CustomerCardResult> },
    /// One customer's full history (the panel).
    CustomerCard {
        post_key: String,
        permalink: Option<String>,
        card: CardView,
        note: Option<String>,
    },
    /// An import went in: counts. `indexing`: the entries are in, and the worker is
    /// indexing them in slices (the previous knowledge base answers until it is done).
    KbImported { added: usize, updated: usize, total: usize, imported: usize, indexing: bool },
    KbStatus { total: usize, imported: usize, indexing: Option<IndexProgress> },
    /// A part of a file arrived; `received` of `parts` so far.
    KbPart { upload: u32, received: u32, parts: u32 },
    KbExport { format: String, text: String, entries: usize },
    /// A prepared hand-off, and the tone findings of its public text (normally none).
    Handoff { plan: HandoffPlan, tone: Vec<String> },
    /// A hand-off carried out: what failed, if anything, in words (the composer didn't
    /// open; the CRM didn't take the log).
    HandedOff { dm_error: Option<String>, log_error: Option<String> },
    /// The connected CRM as pages may see it, or none (the local CRM only).
    CrmConfig { config: Option<PublicConfig> },
    /// A connection test: `ok`, and what happened in words.
    CrmTest { ok: bool, message: String },
    /// The connected CRM's queue of writes.
    CrmStatus {
        connected: bool,
        name: Option<String>,
        url: Option<String>,
        /// "3 changes waiting for RT — retrying in 20 s"; none when all is sent.
        summary: Option<String>,
        waiting: usize,
        failed: Vec<RefusedWrite>,
        last_error: Option<String>,
        next_due_at: Option<i64>,
    },
    CrmCustomerExport { snapshot: Snapshot },
    CrmCustomerDeleted { interactions: usize },
    CrmExport { snapshot: Snapshot },
    CrmImported { customers: usize, interactions: usize },
    Diagnostics { pages: Vec<LayoutReport> },
    /// The sites now read with the team's own profiles (empty: all built-in).
    SiteProfilesUsed { sites: Vec<crate::core::sites::SiteId> },
    Ok,
    /// A request that failed, with words for the agent.
    Error { message: String },
}

/// What the worker tells the extension's pages unasked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// Tab `tab_id`'s list changed (new posts, new priorities, a post answered): a panel
    /// showing an older version asks for it again.
    QueueChanged { tab_id: i64, version: u64 },
}

impl Response {
    pub fn error(e: impl std::fmt::Display) -> Response {
        Response::Error { message: e.to_string() }
    }
}

/// Every message kind, by tier, and every answer's kind: read off the enums themselves
/// (serde names them when asked for a kind that doesn't exist), so the list can't drift
/// from the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kinds {
    pub any: Vec<String>,
    pub page: Vec<String>,
    pub panel: Vec<String>,
    pub responses: Vec<String>,
    pub notices: Vec<String>,
}

fn kinds_of<T: DeserializeOwned>(probe: &impl DecodeAs) -> Vec<String> {
    // "unknown variant `?`, expected one of `a`, `b`" (or "expected `a`" for one).
    let err = match probe.into::<T>() {
        Err(e) => e,
        Ok(_) => return Vec::new(),
    };
    let list = err.split_once("expected").map(|(_, l)| l).unwrap_or("");
    list.split('`').skip(1).step_by(2).map(String::from).collect()
}

/// The protocol's kinds, read with `probe`: a decoder of the message `{"kind": "\u{1}"}`,
/// a kind no enum has.
pub fn kinds_via(probe: &impl DecodeAs) -> Kinds {
    Kinds { any: kinds_of::<AnyRequest>(probe), page: kinds_of::<PageRequest>(probe), panel: kinds_of::<PanelRequest>(probe), responses: kinds_of::<Response>(probe), notices: kinds_of::<Notice>(probe) }
}

/// Splits an https URL into host and path ("https://x.com:443/a?b" -> ("x.com", "/a")).
pub fn host_and_path(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("https://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit('@').next()?.split(':').next()?;
    let path = rest[end..].split(['?', '#']).next().unwrap_or("");
    Some((host, if path.is_empty() { "/" } else { path }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_read_off_the_enums_and_unique_across_tiers() {
        let k = &kinds_via(&JsonDecode(serde_json::json!({ "kind": "\u{1}" })));
        assert_eq!(k.any, ["ping"]);
        assert!(k.page.contains(&"read_page".to_string()) && k.page.contains(&"open_panel".to_string()), "{:?}", k.page);
        assert!(k.panel.contains(&"crm_status".to_string()) && k.panel.contains(&"queue".to_string()), "{:?}", k.panel);
        assert!(k.responses.contains(&"customer_cards".to_string()) && k.responses.contains(&"ok".to_string()));
        let mut all: Vec<&String> = k.any.iter().chain(&k.page).chain(&k.panel).collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "a kind in two tiers");
        assert_eq!(k.page.len(), 11);
        assert_eq!(k.panel.len(), 21);
    }

    #[test]
    fn requests_decode_by_tier_and_say_what_is_wrong() {
        assert_eq!(Request::from_json(serde_json::json!({ "kind": "ping" })), Ok(Request::Any(AnyRequest::Ping)));
        assert!(matches!(Request::from_json(serde_json::json!({ "kind": "crm_resolve", "seq": 3, "retry": true })), Ok(Request::Panel(PanelRequest::CrmResolve { seq: 3, retry: true }))));
        assert_eq!(Request::from_json(serde_json::json!({ "kind": "nope" })), Err(ProtocolError::UnknownKind("nope".into())));
        assert_eq!(Request::from_json(serde_json::json!({ "posts": [] })), Err(ProtocolError::NoKind));
        assert!(matches!(Request::from_json(serde_json::json!({ "kind": 3 })), Err(ProtocolError::Malformed(_))));
        let Err(e) = Request::from_json(serde_json::json!({ "kind": "read_page", "posts": "x" })) else { panic!() };
        assert!(e.to_string().starts_with("Tactful received a message it doesn't understand: invalid type"), "{e}");
        let r = Request::Page(PageRequest::HandoffDone { post_key: "a".into() });
        assert_eq!(Request::from_json(r.to_json()), Ok(r));
    }

    #[test]
    fn splits_urls() {
        assert_eq!(host_and_path("https://x.com:443/a/b?c#d"), Some(("x.com", "/a/b")));
        assert_eq!(host_and_path("https://user@www.reddit.com"), Some(("www.reddit.com", "/")));
        assert_eq!(host_and_path("http://x.com/"), None);
    }
}
