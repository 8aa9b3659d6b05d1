//! The one message protocol between content scripts, extension pages and the service
//! worker, and the worker's state machine that answers it.
//!
//! Requests are tiered (uBlock's habit): anything a content script may ask comes first;
//! requests that read page history or change settings are answered only for the
//! extension's own pages, checked by [`Sender`] before anything else.

use crate::core::crm::card::CardView;
use crate::core::handoff::{self, DmRoute, HandoffPlan};
use crate::core::triage::{PostInput, Triage, TriageReport, TriageSettings};
use crate::core::crm::{CustomerRef, Direction, Identity, Interaction, InteractionKind, WriteOp};
use crate::core::overlay::{self, LayoutStatus, OverlayView, Theme};
use crate::core::posts::{self, Post, RawPost};
use crate::core::settings::Settings;
use crate::core::sites::{self, SiteProfile};
use crate::core::kb::search::{Feedback, Index, IndexBuilder};
use crate::core::kb::suggest::{self, SuggestionView};
use crate::core::kb::{Entry, KnowledgeBase};
use crate::core::tone::{Checker, PageFinding, ToneContext};
use std::collections::BTreeMap;
use crate::core::length::LengthCount;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Most posts kept per tab; a long-scrolled feed drops its oldest reads.
pub const MAX_POSTS_PER_TAB: usize = 5_000;

/// A request, tagged by `kind` in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Request {
    // --- any content script may ask ---
    /// Liveness and version; also carries how long the wasm took to start.
    Ping,
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
    /// The agent inserted suggestion `id` (learned from, to rank it a little higher).
    Picked { id: String },
    /// Who wrote each of posts `post_keys`, for their customer cards (the worker's glue
    /// then reads the CRM and answers with `customer_cards`). One message for many cards:
    /// a 2,000-comment thread sent one per card and kept the worker and page busy for
    /// seconds.
    CustomerCards { post_keys: Vec<String> },
    /// The agent acted on post `post_key` (`text` is what went into the reply box):
    /// logged in the CRM with the customer's post.
    LogInteraction {
        post_key: String,
        action: InteractionKind,
        text: String,
        #[serde(default)]
        tone_findings: Vec<String>,
    },
    /// Move post `post_key` to a private channel: the public acknowledgement, the private
    /// message and how it reaches the customer (`dms_closed`: the agent says the
    /// customer's messages are closed, so use the team's fallback).
    Handoff {
        post_key: String,
        #[serde(default)]
        dms_closed: bool,
    },
    /// Open the direct-message composer the last `handoff` of `post_key` planned (the
    /// URL the core made from the site profile, never one from the page).
    OpenDm { post_key: String },
    /// Post `post_key` has been answered (the CRM says so): it leaves the triage queue.
    MarkAnswered { post_key: String },
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
    // --- extension pages only ---
    /// What Tactful read on a tab (the panel's list).
    PagePosts { tab_id: i64 },
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
}

impl Request {
    fn needs_extension_page(&self) -> bool {
        matches!(self, Request::PagePosts { .. } | Request::CustomerHistory { .. } | Request::GetSettings | Request::SaveSettings { .. } | Request::ImportKb { .. } | Request::ImportKbPart { .. } | Request::KbStatus | Request::ExportKb { .. })
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
    pub handled: std::collections::BTreeSet<String>,
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
    Settings { settings: Settings },
    Suggestions { post_key: String, items: Vec<SuggestionView> },
    /// For the glue, not the page: look these customers up in the CRM (`failed`: the
    /// posts whose author can't be told, with why).
    CrmLookups { found: Vec<Lookup>, failed: Vec<LookupFailed> },
    /// For the glue, not the page: apply these writes to the CRM, in order.
    CrmWrites { ops: Vec<WriteOp> },
    /// The customer card for a post.
    CustomerCard { post_key: String, card: CardView },
    /// An import went in: counts, and every imported entry (for the glue to keep).
    /// `indexing`: the entries are in, and the worker is indexing them in slices (the
    /// previous knowledge base answers until it is done).
    KbImported { added: usize, updated: usize, total: usize, imported: Vec<Entry>, indexing: bool },
    KbStatus { total: usize, imported: usize, indexing: Option<IndexProgress> },
    /// A part of a file arrived; `received` of `parts` so far.
    KbPart { upload: u32, received: u32, parts: u32 },
    KbExport { format: String, text: String, entries: usize },
    /// For the glue, not the page: what agents' picks taught the ranking, to keep.
    Learned { feedback: Feedback },
    /// A prepared hand-off; `log` is what the CRM keeps once the agent has it, `tone` the
    /// tone findings of the public text (normally none).
    Handoff { plan: HandoffPlan, log: String, tone: Vec<String> },
    /// Open this URL in a new tab (the glue does it; content scripts can't).
    OpenTab { url: String },
    Ok,
    /// A request that failed, with words for the agent.
    Error { message: String },
}

/// A post's author to look up in the CRM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lookup {
    pub post_key: String,
    pub who: CustomerRef,
    #[serde(default)]
    pub permalink: Option<String>,
}

/// A post whose author can't be looked up, and why (words for the agent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LookupFailed {
    pub post_key: String,
    pub message: String,
}

/// How far the worker is through indexing a new knowledge base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexProgress {
    pub done: usize,
    pub total: usize,
}

/// A knowledge base being indexed a slice at a time; the current one answers meanwhile.
struct Staged {
    kb: KnowledgeBase,
    imported: std::collections::BTreeSet<String>,
    builder: IndexBuilder,
}

/// Up to this many entries are indexed at once; a larger knowledge base is indexed in
/// slices between messages (10,000 entries take about 2 s to index in wasm).
const INDEX_AT_ONCE: usize = 1_500;

/// Triage over `kb`'s index with the team's settings (validated when saved; the defaults
/// if they somehow aren't valid, rather than no triage).
fn prepared_triage(kb: &KnowledgeBase, index: Index, settings: &TriageSettings) -> Triage {
    let mut triage = Triage::with_index(kb, index, TriageSettings::default()).expect("default triage settings are valid");
    let _ = triage.set_settings(settings.clone());
    triage
}

/// The service worker's state: settings, the prepared tone checker, and what each tab showed.
pub struct Worker {
    pub settings: Settings,
    /// How long the worker took to start (wasm compile + init), reported by `Ping`.
    pub started_ms: f64,
    checker: Checker,
    kb: KnowledgeBase,
    /// Ids of entries that came from the team's imports (not the starter KB).
    imported: std::collections::BTreeSet<String>,
    feedback: Feedback,
    pages: HashMap<i64, PageSnapshot>,
    /// Knowledge-base files arriving in parts: upload id -> parts so far.
    uploads: HashMap<u32, Vec<String>>,
    /// Intent model (with the knowledge base's search index), weights and targets.
    triage: Triage,
    /// The composer URL each prepared hand-off planned, by (tab, post key), until opened.
    planned_dm: HashMap<(i64, String), String>,
    /// A new knowledge base still being indexed.
    staged: Option<Staged>,
}

impl Default for Worker {
    fn default() -> Self {
        Worker::new(Settings::default())
    }
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

impl Worker {
    pub fn new(settings: Settings) -> Worker {
        let kb = KnowledgeBase::starter();
        // The knowledge base's one search index.
        let triage = prepared_triage(&kb, Index::new(&kb), &settings.triage);
        Worker { checker: Checker::new(settings.tone.clone()), settings, started_ms: 0.0, kb, imported: Default::default(), feedback: Feedback::default(), pages: HashMap::new(), uploads: HashMap::new(), triage, planned_dm: HashMap::new(), staged: None }
    }

    /// Answers one request. `now_ms` is the wall clock (Unix ms).
    pub fn handle(&mut self, request: Request, sender: &Sender, now_ms: i64) -> Response {
        if request.needs_extension_page() && *sender != Sender::ExtensionPage {
            return Response::Error { message: "this request is only answered for Tactful's own pages".into() };
        }
        match request {
            Request::Ping => Response::Pong { version: env!("CARGO_PKG_VERSION").into(), started_ms: self.started_ms },
            Request::ProfileFor => Response::Profile { profile: sender_profile(sender).map(|(p, _)| Box::new(p.clone())) },
            Request::ReadPage { posts, settled, background } => self.read_page(sender, posts, settled, &background, now_ms),
            Request::CheckDraft { text, post_key } => self.check_draft(sender, &text, post_key.as_deref()),
            Request::Suggest { post_key, given } => self.suggest(sender, post_key, given),
            Request::Picked { id } => {
                if self.kb.get(&id).is_some() {
                    *self.feedback.picks.entry(id).or_default() += 1;
                }
                Response::Learned { feedback: self.feedback.clone() }
            }
            Request::CustomerCards { post_keys } => match sender {
                Sender::ContentScript { tab_id, .. } => self.lookups(*tab_id, post_keys),
                Sender::ExtensionPage => Response::Error { message: "only a page's posts have authors".into() },
            },
            Request::Handoff { post_key, dms_closed } => match self.handoff(sender, &post_key, dms_closed) {
                Ok(plan) => {
                    let tone = self.tone_of(sender, &plan.public_text, &post_key);
                    if let (Sender::ContentScript { tab_id, .. }, DmRoute::Prefilled { url } | DmRoute::Paste { url }) = (sender, &plan.route) {
                        self.planned_dm.insert((*tab_id, post_key), url.clone());
                    }
                    Response::Handoff { log: handoff::log_text(&plan), plan, tone }
                }
                Err(message) => Response::Error { message },
            },
            Request::OpenDm { post_key } => {
                let planned = match sender {
                    Sender::ContentScript { tab_id, .. } => self.planned_dm.remove(&(*tab_id, post_key)),
                    Sender::ExtensionPage => None,
                };
                match planned {
                    Some(url) => Response::OpenTab { url },
                    None => Response::Error { message: "No private message is planned for this post; press Move to private again.".into() },
                }
            }
            Request::RefreshCards { keys, order } => self.refresh_cards(sender, &keys, order, now_ms),
            Request::MarkAnswered { post_key } => {
                self.mark_answered(sender, post_key);
                Response::Ok
            }
            Request::LogInteraction { post_key, action, text, tone_findings } => {
                let r = self.log_interaction(sender, &post_key, action, text, tone_findings, now_ms);
                if matches!(r, Response::CrmWrites { .. }) {
                    self.mark_answered(sender, post_key);
                }
                r
            }
            Request::CustomerHistory { tab_id, post_key } => self.lookups(tab_id, vec![post_key]),
            Request::ImportKb { text } => self.import_kb(&text),
            Request::ImportKbPart { upload, part, parts, text } => {
                let got = self.uploads.entry(upload).or_default();
                // Parts come in order from one page; anything else starts the upload over.
                if part as usize != got.len() || part >= parts {
                    self.uploads.remove(&upload);
                    return Response::Error { message: "Part of the file went missing on the way; choose the file again.".into() };
                }
                got.push(text);
                if part + 1 < parts {
                    return Response::KbPart { upload, received: part + 1, parts };
                }
                let whole = self.uploads.remove(&upload).unwrap_or_default().concat();
                self.import_kb(&whole)
            }
            Request::KbStatus => {
                let (kb, imported) = self.newest_kb();
                Response::KbStatus { total: kb.len(), imported: imported.len(), indexing: self.index_progress() }
            }
            Request::ExportKb { format } => {
                // The newest knowledge base, even while it is still being indexed.
                let kb = self.newest_kb().0;
                match format.as_str() {
                    "csv" => Response::KbExport { text: crate::core::kb::import::to_csv(kb.entries()), format, entries: kb.len() },
                    "json" => Response::KbExport { text: crate::core::kb::import::to_json(kb.entries()), format, entries: kb.len() },
                    other => Response::Error { message: format!("Tactful exports CSV or JSON, not “{other}”.") },
                }
            }
            Request::PagePosts { tab_id } => Response::PagePosts { page: self.pages.get(&tab_id).cloned() },
            Request::GetSettings => Response::Settings { settings: self.settings.clone() },
            Request::SaveSettings { settings } => match settings.validated() {
                Ok(s) => {
                    self.checker = Checker::new(s.tone.clone());
                    // Validated with the settings above.
                    let _ = self.triage.set_settings(s.triage.clone());
                    self.settings = s.clone();
                    Response::Settings { settings: s }
                }
                Err(e) => Response::Error { message: e.to_string() },
            },
        }
    }

    fn read_page(&mut self, sender: &Sender, raw: Vec<RawPost>, settled: bool, background: &str, now_ms: i64) -> Response {
        let Sender::ContentScript { tab_id, url } = sender else {
            return Response::Error { message: "only a web page's content script can report its posts".into() };
        };
        let Some((profile, path)) = sender_profile(sender) else {
            return Response::Error { message: "Tactful doesn't work on this site".into() };
        };
        let brand = self.settings.brand_handle(profile.id);
        let mut read = Vec::with_capacity(raw.len());
        let mut failed = Vec::new();
        for r in &raw {
            match posts::read_post(profile, r, now_ms, brand) {
                Ok(p) => read.push(p),
                Err(missing) => failed.push(missing),
            }
        }
        let status = overlay::layout_status(profile, path, read.len(), &failed, settled);
        let mut cards: Vec<overlay::Card> = read.iter().map(|p| overlay::card(p, now_ms)).collect();

        let page = self.pages.entry(*tab_id).or_insert_with(|| PageSnapshot {
            url: url.clone(),
            site_name: profile.name.clone(),
            posts: Vec::new(),
            status: LayoutStatus::Ok,
            theme: Theme::Light,
            triage: BTreeMap::new(),
            handled: Default::default(),
        });
        if page.url != *url {
            // The SPA navigated: what the tab shows now is a new page.
            *page = PageSnapshot { url: url.clone(), site_name: profile.name.clone(), posts: Vec::new(), status: LayoutStatus::Ok, theme: Theme::Light, triage: BTreeMap::new(), handled: Default::default() };
        }
        // Where each post is and how many each author has, once per batch: a 2,000-post
        // thread must not cost a scan of the page per post.
        let mut at: HashMap<String, usize> = page.posts.iter().enumerate().map(|(i, p)| (p.key.clone(), i)).collect();
        let mut by_author: HashMap<String, u32> = HashMap::new();
        for h in page.posts.iter().filter_map(|p| p.handle.clone()) {
            *by_author.entry(h).or_default() += 1;
        }
        for (p, card) in read.into_iter().zip(cards.iter_mut()) {
            // Scored once as it is read (incremental: a long thread costs per new post).
            if !p.is_brand && !page.triage.contains_key(&p.key) {
                let earlier = p.handle.as_ref().and_then(|h| by_author.get(h)).copied().unwrap_or(0);
                let report = self.triage.score(&PostInput { earlier_posts_by_author: earlier, ..PostInput::from_post(&p) }, now_ms);
                page.triage.insert(p.key.clone(), report);
            }
            card.triage = page.triage.get(&p.key).map(overlay::TriageBadge::from);
            match at.get(&p.key) {
                Some(&i) => page.posts[i] = p,
                None => {
                    if let Some(h) = &p.handle {
                        *by_author.entry(h.clone()).or_default() += 1;
                    }
                    at.insert(p.key.clone(), page.posts.len());
                    page.posts.push(p);
                }
            }
        }
        if page.posts.len() > MAX_POSTS_PER_TAB {
            let extra = page.posts.len() - MAX_POSTS_PER_TAB;
            for p in page.posts.drain(..extra) {
                page.triage.remove(&p.key);
            }
        }
        // A page that once read fine stays fine for a batch that carries nothing new.
        if !raw.is_empty() || page.posts.is_empty() {
            page.status = status.clone();
        }
        page.theme = Theme::from_css_color(background);
        Response::Overlay { view: OverlayView { site_name: profile.name.clone(), cards, status: page.status.clone(), theme: page.theme } }
    }

    /// Every card of the sender's page again at `now_ms`: ages move on, and priorities are
    /// repriced (age and the current weights; the post is not read again).
    fn refresh_cards(&mut self, sender: &Sender, keys: &[String], order: bool, now_ms: i64) -> Response {
        let Sender::ContentScript { tab_id, .. } = sender else {
            return Response::Error { message: "only a web page's content script has cards".into() };
        };
        let Some(page) = self.pages.get_mut(tab_id) else { return Response::Cards { cards: Vec::new(), order: Vec::new() } };
        for p in &page.posts {
            if let Some(r) = page.triage.get_mut(&p.key) {
                *r = self.triage.reprice(r, p.created_ms, Some(p.site), now_ms);
            }
        }
        let wanted: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
        let cards = page
            .posts
            .iter()
            .filter(|p| wanted.contains(p.key.as_str()))
            .map(|p| overlay::Card { triage: page.triage.get(&p.key).map(overlay::TriageBadge::from), ..overlay::card(p, now_ms) })
            .collect();
        let order = if order { page.posts.iter().filter_map(|p| Some((p.key.clone(), page.triage.get(&p.key)?.priority))).collect() } else { Vec::new() };
        Response::Cards { cards, order }
    }

    /// Takes a post out of its tab's triage queue.
    fn mark_answered(&mut self, sender: &Sender, post_key: String) {
        if let Sender::ContentScript { tab_id, .. } = sender {
            if let Some(page) = self.pages.get_mut(tab_id) {
                page.handled.insert(post_key);
            }
        }
    }

    /// The triage queue of a tab: unanswered customer posts, most urgent first.
    pub fn queue(page: &PageSnapshot) -> Vec<(&Post, &TriageReport)> {
        let mut q: Vec<(&Post, &TriageReport)> = page.posts.iter().filter(|p| !page.handled.contains(&p.key)).filter_map(|p| Some((p, page.triage.get(&p.key)?))).collect();
        // Ties: the older post first (it has waited longer).
        q.sort_by(|a, b| b.1.priority.cmp(&a.1.priority).then(a.0.created_ms.unwrap_or(i64::MAX).cmp(&b.0.created_ms.unwrap_or(i64::MAX))));
        q
    }

    /// The hand-off of a post the sender's page showed.
    fn handoff(&self, sender: &Sender, post_key: &str, dms_closed: bool) -> Result<HandoffPlan, String> {
        let (Some((profile, _)), Sender::ContentScript { tab_id, .. }) = (sender_profile(sender), sender) else {
            return Err("Tactful moves conversations to private only on the sites it supports".into());
        };
        let post = self.pages.get(tab_id).and_then(|p| p.posts.iter().find(|p| p.key == post_key)).ok_or("Tactful hasn't read that post yet; try again in a moment")?;
        let input = handoff::HandoffInput { kb: &self.kb, index: self.triage.index(), post, profile, settings: &self.settings, dms_closed };
        handoff::plan(&input).map_err(|e| format!("Can't move this to private: {e}."))
    }

    /// Tone findings (their messages) of a text Tactful is about to put in a reply box.
    fn tone_of(&self, sender: &Sender, text: &str, post_key: &str) -> Vec<String> {
        match self.check_draft(sender, text, Some(post_key)) {
            Response::Tone { findings, .. } => findings.into_iter().map(|f| f.finding.message).collect(),
            _ => Vec::new(),
        }
    }

    fn check_draft(&self, sender: &Sender, text: &str, post_key: Option<&str>) -> Response {
        let (Some((profile, _)), Sender::ContentScript { tab_id, .. }) = (sender_profile(sender), sender) else {
            return Response::Error { message: "Tactful checks drafts only on the sites it supports".into() };
        };
        // The customer's post, when the page told us which one the draft answers.
        let post = post_key.and_then(|k| self.pages.get(tab_id)?.posts.iter().find(|p| p.key == k));
        let ctx = ToneContext {
            site: profile.id,
            post: post.map(|p| p.text.clone()),
            customer_name: post.filter(|p| !p.is_brand).map(|p| p.author_name.clone()),
            customer_handle: post.and_then(|p| p.handle.clone()),
        };
        let report = self.checker.check(text, &ctx);
        Response::Tone { findings: report.for_page(text), length: report.length, platform: profile.name.clone() }
    }

    fn suggest(&self, sender: &Sender, post_key: String, given: BTreeMap<String, String>) -> Response {
        let (Some((profile, _)), Sender::ContentScript { tab_id, .. }) = (sender_profile(sender), sender) else {
            return Response::Error { message: "Tactful suggests replies only on the sites it supports".into() };
        };
        let Some(post) = self.pages.get(tab_id).and_then(|p| p.posts.iter().find(|p| p.key == post_key)) else {
            return Response::Error { message: "Tactful hasn't read that post yet; try again in a moment".into() };
        };
        let ctx = suggest::Context {
            site: Some(profile.id),
            post: Some(post),
            agent_name: Some(self.settings.agent_name.as_str()).filter(|a| !a.is_empty()),
            brand_name: Some(self.settings.brand_name.as_str()).filter(|b| !b.is_empty()),
            order_patterns: &self.settings.tone.order_patterns,
            given,
        };
        let thread = self.thread_above(*tab_id, profile, post);
        Response::Suggestions { post_key, items: suggest::suggest_with_thread(&self.kb, self.triage.index(), &ctx, &thread, 3, &self.feedback) }
    }

    /// The thread above a post as the page shows it: on a conversation page (a status and
    /// its replies), the first post, for every reply under it.
    fn thread_above(&self, tab_id: i64, profile: &SiteProfile, post: &Post) -> Vec<String> {
        let Some(page) = self.pages.get(&tab_id) else { return Vec::new() };
        let on_thread = host_and_path(&page.url).is_some_and(|(_, path)| profile.is_thread_path(path));
        match page.posts.first() {
            Some(root) if on_thread && root.key != post.key => vec![root.text.clone()],
            _ => Vec::new(),
        }
    }

    fn import_kb(&mut self, text: &str) -> Response {
        match crate::core::kb::import::parse(text) {
            Ok(entries) => {
                let (added, updated) = self.add_to_kb(entries);
                Response::KbImported { added, updated, total: self.newest_kb().0.len(), imported: self.imported_entries(), indexing: self.staged.is_some() }
            }
            Err(e) => Response::Error { message: format!("That file can't be imported: {e}.") },
        }
    }

    /// Restores what agents' picks taught the ranking (kept by the glue).
    pub fn restore_feedback(&mut self, feedback: Feedback) {
        self.feedback = feedback;
    }

    /// The knowledge base as of the last import (being indexed, or current) and its
    /// imported ids.
    fn newest_kb(&self) -> (&KnowledgeBase, &std::collections::BTreeSet<String>) {
        match &self.staged {
            Some(s) => (&s.kb, &s.imported),
            None => (&self.kb, &self.imported),
        }
    }

    /// Merges entries by id into the newest knowledge base and starts indexing it:
    /// (added, updated). A small one is indexed at once; a large one a slice per
    /// `index_step`, while the current one keeps answering.
    pub fn add_to_kb(&mut self, entries: Vec<Entry>) -> (usize, usize) {
        let (base, imported) = self.newest_kb();
        let updated = entries.iter().filter(|e| base.get(&e.id).is_some()).count();
        let added = entries.len() - updated;
        let (mut kb, mut imported) = (base.clone(), imported.clone());
        imported.extend(entries.iter().map(|e| e.id.clone()));
        kb.upsert_all(entries);
        self.staged = Some(Staged { kb, imported, builder: IndexBuilder::new() });
        if self.newest_kb().0.len() <= INDEX_AT_ONCE {
            while self.index_step(INDEX_AT_ONCE).is_some() {}
        }
        (added, updated)
    }

    /// Indexes up to `budget` more entries of the staged knowledge base; when it is all
    /// in, it replaces the current one. Progress while there is work, else none.
    pub fn index_step(&mut self, budget: usize) -> Option<IndexProgress> {
        let staged = self.staged.as_mut()?;
        let from = staged.builder.len();
        let to = (from + budget.max(1)).min(staged.kb.len());
        staged.builder.add(&staged.kb.entries()[from..to]);
        if to < staged.kb.len() {
            return Some(IndexProgress { done: to, total: staged.kb.len() });
        }
        let Staged { kb, imported, builder } = self.staged.take()?;
        let triage = prepared_triage(&kb, builder.finish(), &self.settings.triage);
        (self.kb, self.imported, self.triage) = (kb, imported, triage);
        Some(IndexProgress { done: to, total: to })
    }

    /// How far indexing a new knowledge base has got, if it is under way.
    pub fn index_progress(&self) -> Option<IndexProgress> {
        self.staged.as_ref().map(|s| IndexProgress { done: s.builder.len(), total: s.kb.len() })
    }

    /// Every entry that came from an import (the glue keeps them across restarts).
    pub fn imported_entries(&self) -> Vec<Entry> {
        let (kb, imported) = self.newest_kb();
        imported.iter().filter_map(|id| kb.get(id)).cloned().collect()
    }

    /// The customer behind a post the sender's page showed: their handle on this site.
    fn author_of_sender(&self, sender: &Sender, post_key: &str) -> Result<(CustomerRef, &Post), String> {
        let Sender::ContentScript { tab_id, .. } = sender else { return Err("only a page's posts have authors".into()) };
        self.author_of(*tab_id, post_key)
    }

    /// The authors of tab `tab_id`'s posts `post_keys`, for their customer cards.
    fn lookups(&self, tab_id: i64, post_keys: Vec<String>) -> Response {
        let Some(page) = self.pages.get(&tab_id) else { return Response::Error { message: "Tactful hasn't read this page yet; try again in a moment".into() } };
        let by_key: HashMap<&str, &Post> = page.posts.iter().map(|p| (p.key.as_str(), p)).collect();
        let (mut found, mut failed) = (vec![], vec![]);
        for post_key in post_keys {
            match by_key.get(post_key.as_str()).ok_or_else(not_read).and_then(|post| Ok((author(post)?, *post))) {
                Ok((who, post)) => found.push(Lookup { permalink: post.permalink.clone(), post_key, who }),
                Err(message) => failed.push(LookupFailed { post_key, message }),
            }
        }
        Response::CrmLookups { found, failed }
    }

    /// The customer behind post `post_key` as tab `tab_id` last showed it.
    fn author_of(&self, tab_id: i64, post_key: &str) -> Result<(CustomerRef, &Post), String> {
        let post = self.pages.get(&tab_id).and_then(|p| p.posts.iter().find(|p| p.key == post_key)).ok_or_else(not_read)?;
        Ok((author(post)?, post))
    }

    /// The customer's post (once, keyed by its permalink) and the agent's action on it.
    fn log_interaction(&self, sender: &Sender, post_key: &str, kind: InteractionKind, text: String, tone_findings: Vec<String>, now: i64) -> Response {
        let (who, post) = match self.author_of_sender(sender, post_key) {
            Ok(x) => x,
            Err(message) => return Response::Error { message },
        };
        let channel = site_slug(post.site);
        let agent = Some(self.settings.agent_name.clone()).filter(|a| !a.is_empty());
        let base = |kind, direction, text: String, at, id: String, sentiment| Interaction { id, customer_id: String::new(), channel: channel.clone(), kind, direction, permalink: post.permalink.clone(), text, agent: None, at, tone_findings: vec![], sentiment };
        let post_id = format!("post:{}", post.permalink.clone().unwrap_or_else(|| format!("{channel}:{}", post.key)));
        let theirs = base(InteractionKind::Post, Direction::Inbound, post.text.clone(), post.created_ms.unwrap_or(now), post_id, Some(crate::core::sentiment::score(&post.text).score));
        let mut ours = base(kind, Direction::Outbound, text, now, String::new(), None);
        ours.agent = agent;
        ours.tone_findings = tone_findings;
        Response::CrmWrites { ops: vec![WriteOp::LogInteraction { customer: who.clone(), interaction: theirs }, WriteOp::LogInteraction { customer: who, interaction: ours }] }
    }

    /// Forgets a closed tab.
    pub fn forget_tab(&mut self, tab_id: i64) {
        self.pages.remove(&tab_id);
        self.planned_dm.retain(|(tab, _), _| *tab != tab_id);
    }
}

/// "x", "facebook", …: a site as the CRM names channels.
pub fn site_slug(site: crate::core::sites::SiteId) -> String {
    serde_json::to_value(site).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

fn not_read() -> String {
    "Tactful hasn't read that post yet; try again in a moment".into()
}

/// Who wrote `post`, as the CRM knows people: the site's handle, and the name shown.
fn author(post: &Post) -> Result<CustomerRef, String> {
    let handle = post.handle.as_deref().filter(|h| !h.is_empty()).ok_or("Tactful can't tell who wrote this post (no handle on the page)")?;
    Ok(CustomerRef { identities: vec![Identity::new(&site_slug(post.site), handle)], display_name: Some(post.author_name.clone()).filter(|n| !n.is_empty()) })
}

fn sender_profile(sender: &Sender) -> Option<(&'static SiteProfile, &str)> {
    let Sender::ContentScript { url, .. } = sender else { return None };
    let (host, path) = host_and_path(url)?;
    Some((sites::profile_for_host(host)?, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tab(url: &str) -> Sender {
        Sender::ContentScript { tab_id: 7, url: url.into() }
    }

    fn raw(key: &str, name: &str) -> RawPost {
        RawPost {
            key: key.into(),
            author_name: Some(name.into()),
            handle: Some(format!("/{name}")),
            text: Some("hello".into()),
            time: Some("2026-11-23T11:00:00Z".into()),
            permalink: Some(format!("/{name}/status/1")),
        }
    }

    #[test]
    fn request_json_shape_is_kind_tagged() {
        let r: Request = serde_json::from_str(r#"{"kind":"read_page","posts":[{"key":"a","author_name":"A"}]}"#).unwrap();
        assert!(matches!(r, Request::ReadPage { ref posts, settled: false, .. } if posts.len() == 1));
        let json = serde_json::to_string(&Response::Error { message: "m".into() }).unwrap();
        assert_eq!(json, r#"{"kind":"error","message":"m"}"#);
    }

    #[test]
    fn content_scripts_cannot_read_settings_or_history() {
        let mut w = Worker::default();
        for req in [Request::GetSettings, Request::PagePosts { tab_id: 7 }, Request::SaveSettings { settings: Settings::default() }] {
            let r = w.handle(req, &tab("https://x.com/home"), 0);
            assert!(matches!(r, Response::Error { .. }), "{r:?}");
        }
    }

    #[test]
    fn profile_comes_from_sender_url_not_message() {
        let mut w = Worker::default();
        let Response::Profile { profile: Some(p) } = w.handle(Request::ProfileFor, &tab("https://www.reddit.com/r/a"), 0) else {
            panic!("reddit profile expected")
        };
        assert_eq!(p.name, "Reddit");
        assert_eq!(w.handle(Request::ProfileFor, &tab("https://example.org/"), 0), Response::Profile { profile: None });
        assert_eq!(w.handle(Request::ProfileFor, &Sender::ExtensionPage, 0), Response::Profile { profile: None });
    }

    #[test]
    fn reads_posts_incrementally_and_resets_on_navigation() {
        let mut w = Worker::new(crate::core::settings::testing::demo()); // the demo brand's handles and contact form
        let now = crate::core::clock::parse_iso("2026-11-23T12:00:00Z").unwrap();
        let send = |w: &mut Worker, url: &str, posts| w.handle(Request::ReadPage { posts, settled: false, background: "rgb(0,0,0)".into() }, &tab(url), now);
        let Response::Overlay { view } = send(&mut w, "https://x.com/home", vec![raw("a", "ann"), raw("b", "AcmeCare")]) else { panic!() };
        assert_eq!(view.cards.len(), 2);
        assert_eq!(view.theme, Theme::Dark);
        assert!(view.cards[1].is_brand);
        assert_eq!(view.cards[0].age.as_deref(), Some("1 h"));
        send(&mut w, "https://x.com/home", vec![raw("c", "cat"), raw("a", "ann")]);
        let Response::PagePosts { page: Some(p) } = w.handle(Request::PagePosts { tab_id: 7 }, &Sender::ExtensionPage, now) else { panic!() };
        assert_eq!(p.posts.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
        send(&mut w, "https://x.com/other", vec![raw("z", "zed")]);
        let Response::PagePosts { page: Some(p) } = w.handle(Request::PagePosts { tab_id: 7 }, &Sender::ExtensionPage, now) else { panic!() };
        assert_eq!(p.posts.len(), 1);
    }

    #[test]
    fn reports_unreadable_layout_with_site_name() {
        let mut w = Worker::default();
        let broken = RawPost { key: "a".into(), ..Default::default() };
        let Response::Overlay { view } = w.handle(Request::ReadPage { posts: vec![broken], settled: false, background: String::new() }, &tab("https://www.youtube.com/watch?v=1"), 0) else { panic!() };
        assert!(matches!(view.status, LayoutStatus::Unreadable { ref message } if message.starts_with("Tactful can't read this page layout on YouTube")));
    }

    #[test]
    fn save_settings_validates() {
        let mut w = Worker::default();
        let mut s = Settings::default();
        s.brand_handles.insert(crate::core::sites::SiteId::X, "bad handle".into());
        assert!(matches!(w.handle(Request::SaveSettings { settings: s }, &Sender::ExtensionPage, 0), Response::Error { .. }));
        assert_eq!(w.settings, Settings::default());
    }

    #[test]
    fn checks_draft_against_the_post_it_answers() {
        let mut w = Worker::default();
        let mut upset = raw("a", "dana");
        upset.text = Some("My order is STILL missing 😡".into());
        w.handle(Request::ReadPage { posts: vec![upset], settled: false, background: String::new() }, &tab("https://x.com/dana/status/1"), 0);
        let r = w.handle(Request::CheckDraft { text: "Hi Sarah, send us your order number.".into(), post_key: Some("a".into()) }, &tab("https://x.com/dana/status/1"), 0);
        let Response::Tone { findings, length, platform } = r else { panic!("{r:?}") };
        let rules: Vec<&str> = findings.iter().map(|f| f.finding.rule.as_str()).collect();
        assert!(rules.contains(&"wrong_name") && rules.contains(&"missing_empathy"), "{rules:?}");
        assert_eq!((length.used, length.max, platform.as_str()), (36, 280, "X"));
        let Response::Tone { findings, .. } = w.handle(Request::CheckDraft { text: "Hi Sarah, send us your order number.".into(), post_key: None }, &tab("https://x.com/dana/status/1"), 0) else { panic!() };
        assert!(findings.iter().all(|f| f.finding.rule != "wrong_name" && f.finding.rule != "missing_empathy"));
    }

    #[test]
    fn suggests_for_a_read_post_and_learns_picks() {
        let mut w = Worker::default();
        let mut p = raw("a", "dana");
        p.author_name = Some("Dana Reyes".into());
        p.text = Some("where is my order? it still hasn't arrived".into());
        w.handle(Request::ReadPage { posts: vec![p], settled: false, background: String::new() }, &tab("https://x.com/dana/status/1"), 0);
        let r = w.handle(Request::Suggest { post_key: "a".into(), given: BTreeMap::new() }, &tab("https://x.com/dana/status/1"), 0);
        let Response::Suggestions { items, .. } = r else { panic!("{r:?}") };
        assert!(!items.is_empty() && items.len() <= 3);
        assert!(matches!(w.handle(Request::Picked { id: items[0].id.clone() }, &tab("https://x.com/dana/status/1"), 0), Response::Learned { feedback } if feedback.picks[&items[0].id] == 1));
        let unknown = w.handle(Request::Suggest { post_key: "zzz".into(), given: BTreeMap::new() }, &tab("https://x.com/dana/status/1"), 0);
        assert!(matches!(unknown, Response::Error { .. }));
    }

    #[test]
    fn hands_off_a_read_post_and_opens_only_the_planned_composer() {
        let mut w = Worker::new(crate::core::settings::testing::demo()); // the demo brand's handles and contact form
        let mut p = raw("a", "dana");
        p.author_name = Some("Dana Reyes".into());
        p.text = Some("charged twice for the same order, fix this".into());
        let x = tab("https://x.com/dana/status/1");
        w.handle(Request::ReadPage { posts: vec![p.clone()], settled: false, background: String::new() }, &x, 0);
        let r = w.handle(Request::Handoff { post_key: "a".into(), dms_closed: false }, &x, 0);
        let Response::Handoff { plan, log, tone } = r else { panic!("{r:?}") };
        assert!(plan.public_text.starts_with("Hi Dana"), "{}", plan.public_text);
        assert!(tone.is_empty(), "the starter acknowledgement passes the tone checks: {tone:?}");
        assert!(log.contains(&plan.public_text) && log.contains(&plan.dm_text));
        let r = w.handle(Request::OpenDm { post_key: "a".into() }, &x, 0);
        assert!(matches!(&r, Response::OpenTab { url } if url.starts_with("https://x.com/messages/compose?text=")), "{r:?}");
        assert!(matches!(w.handle(Request::OpenDm { post_key: "a".into() }, &x, 0), Response::Error { .. }), "opened once per hand-off");
        // The agent says the customer's messages are closed: the fallback, nothing to open.
        let Response::Handoff { plan, .. } = w.handle(Request::Handoff { post_key: "a".into(), dms_closed: true }, &x, 0) else { panic!() };
        assert!(matches!(plan.route, DmRoute::Fallback { .. }));
        assert!(matches!(w.handle(Request::OpenDm { post_key: "a".into() }, &x, 0), Response::Error { .. }));
        // YouTube has no private messages.
        let yt = tab("https://www.youtube.com/watch?v=abc");
        w.handle(Request::ReadPage { posts: vec![p], settled: false, background: String::new() }, &yt, 0);
        let Response::Handoff { plan, .. } = w.handle(Request::Handoff { post_key: "a".into(), dms_closed: false }, &yt, 0) else { panic!() };
        assert!(matches!(plan.route, DmRoute::Fallback { .. }));
        assert!(matches!(w.handle(Request::Handoff { post_key: "zzz".into(), dms_closed: false }, &x, 0), Response::Error { .. }));
    }

    #[test]
    fn customer_card_and_logging_name_the_author_by_handle() {
        let mut w = Worker::default();
        let mut p = raw("a", "Dana_Reyes");
        p.author_name = Some("Dana Reyes".into());
        p.text = Some("My order is STILL missing 😡".into());
        let mut anon = raw("b", "Someone");
        anon.handle = None;
        w.handle(Request::ReadPage { posts: vec![p, anon], settled: false, background: String::new() }, &tab("https://x.com/dana/status/1"), 0);
        let keys = ["a", "b", "zzz"].map(String::from).to_vec();
        let Response::CrmLookups { found, failed } = w.handle(Request::CustomerCards { post_keys: keys.clone() }, &tab("https://x.com/dana/status/1"), 0) else { panic!() };
        let [Lookup { post_key, who, .. }] = &found[..] else { panic!("{found:?}") };
        assert_eq!((post_key.as_str(), &who.identities[..]), ("a", &[Identity::new("x", "dana_reyes")][..]));
        assert_eq!(who.display_name.as_deref(), Some("Dana Reyes"));
        // Each post that can't be looked up says why, and the others still are.
        let why: Vec<_> = failed.iter().map(|f| (f.post_key.as_str(), f.message.contains("no handle"), f.message.contains("hasn't read"))).collect();
        assert_eq!(why, [("b", true, false), ("zzz", false, true)]);
        let r = w.handle(Request::LogInteraction { post_key: "a".into(), action: InteractionKind::SuggestionUsed, text: "Sorry Dana".into(), tone_findings: vec![] }, &tab("https://x.com/dana/status/1"), 42);
        let Response::CrmWrites { ops } = r else { panic!("{r:?}") };
        let [WriteOp::LogInteraction { interaction: theirs, .. }, WriteOp::LogInteraction { interaction: ours, .. }] = &ops[..] else { panic!() };
        assert_eq!((theirs.direction, ours.direction), (Direction::Inbound, Direction::Outbound));
        assert!(theirs.sentiment.unwrap() < 0.0 && theirs.id.starts_with("post:"));
        assert_eq!((ours.text.as_str(), ours.at), ("Sorry Dana", 42));
        assert!(matches!(w.handle(Request::CustomerCards { post_keys: keys }, &Sender::ExtensionPage, 0), Response::Error { .. }));
    }

    #[test]
    fn kb_import_is_all_or_nothing_and_from_extension_pages_only() {
        let mut w = Worker::default();
        let before = w.kb.len();
        let good = "id,kind,title,body,tags,examples\nr-new,reply,New reply,Hello there,greeting,\"hi\nhello\"\n";
        assert!(matches!(w.handle(Request::ImportKb { text: good.into() }, &tab("https://x.com/a/status/1"), 0), Response::Error { .. }), "not from a page");
        let Response::KbImported { added, updated, total, imported, indexing: false } = w.handle(Request::ImportKb { text: good.into() }, &Sender::ExtensionPage, 0) else { panic!() };
        assert_eq!((added, updated, total, imported.len()), (1, 0, before + 1, 1));
        let bad = "id,kind,title,body\nr-x,reply,Ok,Fine\nr-y,nonsense,Bad,Row\n";
        let Response::Error { message } = w.handle(Request::ImportKb { text: bad.into() }, &Sender::ExtensionPage, 0) else { panic!() };
        assert!(message.contains("line 3") && message.contains("nothing was imported"), "{message}");
        assert!(matches!(w.handle(Request::KbStatus, &Sender::ExtensionPage, 0), Response::KbStatus { total, imported: 1, indexing: None } if total == before + 1));
        let Response::KbExport { text, entries, .. } = w.handle(Request::ExportKb { format: "csv".into() }, &Sender::ExtensionPage, 0) else { panic!() };
        assert_eq!(entries, before + 1);
        assert_eq!(crate::core::kb::import::parse(&text).unwrap().len(), before + 1, "an export imports back whole");
    }

    #[test]
    fn posts_are_triaged_as_read_and_answered_ones_leave_the_queue() {
        let mut w = Worker::default();
        let now = crate::core::clock::parse_iso("2026-11-23T12:00:00Z").unwrap();
        let post = |key: &str, handle: &str, text: &str, at: &str| RawPost { key: key.into(), author_name: Some(handle.into()), handle: Some(format!("/{handle}")), text: Some(text.into()), time: Some(at.into()), permalink: Some(format!("/{handle}/status/{key}")) };
        let page = tab("https://x.com/search?q=acme");
        let r = w.handle(Request::ReadPage { posts: vec![post("1", "pia", "you guys are killing it, love the new router!", "2026-11-23T11:30:00Z")], settled: false, background: String::new() }, &page, now);
        let Response::Overlay { view } = r else { panic!() };
        let praise = view.cards[0].triage.clone().expect("a customer post gets a badge");
        // Incremental: a later batch is scored without rescoring the first.
        w.handle(Request::ReadPage { posts: vec![post("2", "dan", "still waiting for my refund after three weeks, this is ridiculous", "2026-11-23T10:25:00Z"), post("3", "ana", "my charger is smoking and sparking, what do I do??", "2026-11-23T11:55:00Z")], settled: false, background: String::new() }, &page, now);
        let snap = w.pages[&7].clone();
        let order: Vec<&str> = Worker::queue(&snap).iter().map(|(p, _)| p.key.as_str()).collect();
        assert_eq!(order, ["3", "2", "1"], "safety, then an overdue refund, then praise");
        assert!(snap.triage["2"].why.contains("refund") && snap.triage["2"].why.contains("of 60"), "{}", snap.triage["2"].why);
        assert!(praise.priority < snap.triage["2"].priority);
        w.handle(Request::MarkAnswered { post_key: "3".into() }, &page, now);
        w.handle(Request::LogInteraction { post_key: "2".into(), action: InteractionKind::Reply, text: "Sorry Dan".into(), tone_findings: vec![] }, &page, now);
        let order: Vec<String> = Worker::queue(&w.pages[&7]).iter().map(|(p, _)| p.key.clone()).collect();
        assert_eq!(order, ["1"]);
    }

    #[test]
    fn open_pages_get_fresh_ages_and_priorities() {
        let mut w = Worker::default();
        let mut p = raw("a", "dana");
        p.text = Some("Still waiting for my refund, three weeks now".into());
        let page = tab("https://x.com/home");
        let t0 = crate::core::clock::parse_iso("2026-11-23T11:10:00Z").unwrap();
        let Response::Overlay { view } = w.handle(Request::ReadPage { posts: vec![p], settled: false, background: String::new() }, &page, t0) else { panic!() };
        let before = view.cards[0].triage.clone().unwrap();
        // Repriced whether or not its card is wanted: the panel's queue follows.
        let Response::Cards { cards, order } = w.handle(Request::RefreshCards { keys: vec![], order: false }, &page, t0 + 120 * 60_000) else { panic!() };
        assert!(cards.is_empty() && order.is_empty());
        let queued = Worker::queue(&w.pages[&7])[0].1.priority;
        assert!(queued > before.priority, "{} -> {queued}", before.priority);
        let Response::Cards { cards, order } = w.handle(Request::RefreshCards { keys: vec!["a".into(), "gone".into()], order: true }, &page, t0 + 120 * 60_000) else { panic!() };
        let after = cards[0].triage.clone().unwrap();
        assert_eq!((view.cards[0].age.as_deref(), cards[0].age.as_deref()), (Some("10 min"), Some("2 h")));
        assert_eq!((cards.len(), after.priority), (1, queued));
        assert_eq!(order, [("a".to_string(), queued)]);
        assert!(matches!(w.handle(Request::RefreshCards { keys: vec![], order: true }, &Sender::ExtensionPage, 0), Response::Error { .. }));
    }

    #[test]
    fn a_reply_on_a_conversation_page_is_ranked_with_the_post_above_it() {
        let mut w = Worker::default();
        let mut root = raw("a", "dana");
        root.text = Some("@AcmeCare my refund still hasn't arrived after 3 weeks".into());
        let mut reply = raw("b", "marco");
        reply.text = Some("same here, still nothing".into());
        let page = tab("https://x.com/dana/status/1");
        w.handle(Request::ReadPage { posts: vec![root, reply], settled: false, background: String::new() }, &page, 0);
        let Response::Suggestions { items, .. } = w.handle(Request::Suggest { post_key: "b".into(), given: BTreeMap::new() }, &page, 0) else { panic!() };
        assert!(items.first().is_some_and(|s| s.id.contains("refund")), "{:?}", items.iter().map(|s| &s.id).collect::<Vec<_>>());
        // A timeline is not a conversation: no thread, so the vague reply finds nothing specific.
        let home = Sender::ContentScript { tab_id: 8, url: "https://x.com/home".into() };
        let mut reply = raw("b", "marco");
        reply.text = Some("same here, still nothing".into());
        w.handle(Request::ReadPage { posts: vec![raw("a", "dana"), reply], settled: false, background: String::new() }, &home, 0);
        let Response::Suggestions { items, .. } = w.handle(Request::Suggest { post_key: "b".into(), given: BTreeMap::new() }, &home, 0) else { panic!() };
        assert!(!items.first().is_some_and(|s| s.id.contains("refund")));
    }

    #[test]
    fn a_large_import_is_indexed_in_slices_while_the_old_knowledge_base_answers() {
        let mut w = Worker::default();
        let starter = w.kb.len();
        let mut big: Vec<Entry> = crate::core::kb::synthetic::entries(3_000).collect();
        big[0].title = "Zebra stripes return policy".into();
        w.add_to_kb(big);
        let Response::KbStatus { total, imported, indexing } = w.handle(Request::KbStatus, &Sender::ExtensionPage, 0) else { panic!() };
        assert_eq!((total, imported, indexing), (starter + 3_000, 3_000, Some(IndexProgress { done: 0, total: starter + 3_000 })));
        // The starter index still answers, and knows nothing of the new entries yet.
        assert!(w.triage.index().search("zebra stripes", 1, &Feedback::default()).first().is_none_or(|s| s.id != "e0"));
        let mut steps = 0;
        while let Some(p) = w.index_step(1_000) {
            steps += 1;
            assert!(p.done <= p.total && p.total == starter + 3_000);
        }
        assert_eq!(steps, 4, "three slices and the last one that swaps");
        assert_eq!(w.kb.len(), starter + 3_000);
        assert_eq!(w.triage.index().search("zebra stripes", 1, &Feedback::default())[0].id, "e0");
        assert_eq!(w.index_progress(), None);
        // A second import during indexing builds on the first.
        w.add_to_kb(crate::core::kb::synthetic::entries(2_000).collect());
        w.add_to_kb(vec![crate::core::kb::synthetic::entries(1).next().unwrap()]);
        assert_eq!(w.imported_entries().len(), 3_000);
        while w.index_step(5_000).is_some() {}
        assert_eq!(w.kb.len(), starter + 3_000);
    }

    #[test]
    fn kb_file_in_parts_imports_once_whole_and_out_of_order_parts_start_over() {
        let mut w = Worker::default();
        let before = w.kb.len();
        let file = "id,kind,title,body\nr-a,reply,A,Alpha é\nr-b,reply,B,Beta\n";
        let (one, two) = file.split_at(file.find("r-b").unwrap());
        let part = |upload, part, parts, text: &str| Request::ImportKbPart { upload, part, parts, text: text.into() };
        assert!(matches!(w.handle(part(1, 0, 2, one), &tab("https://x.com/a/status/1"), 0), Response::Error { .. }), "not from a page");
        assert!(matches!(w.handle(part(1, 0, 2, one), &Sender::ExtensionPage, 0), Response::KbPart { received: 1, parts: 2, .. }));
        assert_eq!(w.kb.len(), before, "nothing before the last part");
        let Response::KbImported { added, .. } = w.handle(part(1, 1, 2, two), &Sender::ExtensionPage, 0) else { panic!() };
        assert_eq!((added, w.kb.len()), (2, before + 2));
        assert!(matches!(w.handle(part(2, 1, 2, two), &Sender::ExtensionPage, 0), Response::Error { .. }), "a part without its first");
        assert!(w.uploads.is_empty());
    }

    #[test]
    fn splits_urls() {
        assert_eq!(host_and_path("https://x.com:443/a/b?c#d"), Some(("x.com", "/a/b")));
        assert_eq!(host_and_path("https://user@www.reddit.com"), Some(("www.reddit.com", "/")));
        assert_eq!(host_and_path("http://x.com/"), None);
    }
}
