//! The service worker's state and the dispatcher that answers the protocol
//! (`crate::core::protocol`): a request is checked against its sender's tier, then
//! handed to the module for its concern.
//!
//! - [`tabs`]: what each tab showed (posts by key, triage, answered), per tab;
//! - [`queue`]: the triage queue's order;
//! - [`library`]: the knowledge base, its staged re-indexing, learned picks;
//! - [`uploads`]: files arriving in parts;
//! - [`handoffs`]: the composer each prepared hand-off planned;
//! - [`crm`]: who a post's author is, what an action writes, which CRM answers a card;
//! - [`serve`]: runs what needs I/O (storage, `fetch`, tabs) through the glue's [`serve::Io`].
//!
//! Requests answered from memory come back at once ([`Outcome::Answer`]); the rest as a
//! [`Job`] that `serve` finishes.

pub mod crm;
pub mod handoffs;
pub mod library;
pub mod published;
pub mod queue;
pub mod serve;
pub mod tabs;
pub mod uploads;

use crate::core::crm::config::CrmConfig;
use crate::core::crm::{InteractionKind, WriteOp};
use crate::core::handoff::{self, DmRoute};
use crate::core::kb::search::Feedback;
use crate::core::kb::suggest;
use crate::core::kb::Entry;
use crate::core::protocol::{AnyRequest, PageRequest, PanelRequest, Request, Response, Sender};
use crate::core::settings::Settings;
use crate::core::sites;
use crate::core::tone::{Checker, ToneContext};
use crm::{Agent, CardJob, CrmRequestError, Lookup};
use handoffs::{HandoffError, Handoffs};
use crate::core::posts::Post;
use library::Library;
use published::Published;
use tabs::{TabError, TabRef, Tabs};
use uploads::{Part, Uploads};

/// What a request needs done outside the worker's memory.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// Customer cards from the CRM.
    Cards(CardJob),
    /// Writes to the CRM (local, and queued for the connected one), then `ok`.
    Write { ops: Vec<WriteOp> },
    /// A suggestion used: the ranking's feedback to keep (if it changed), then the CRM
    /// writes, then `ok`.
    Used { ops: Vec<WriteOp>, feedback: Option<serde_json::Value> },
    /// Replies seen published: their writes, then the page's overlay.
    Published { ops: Vec<WriteOp>, view: crate::core::overlay::OverlayView },
    /// Carry out a prepared hand-off: open the composer it planned (if any), then log it.
    HandoffDone { url: Option<String>, tab_id: i64, ops: Vec<WriteOp> },
    OpenPanel { tab_id: i64 },
    /// Keep a value across restarts, then answer `then`.
    Keep { key: crate::core::crm::local::Setting, value: serde_json::Value, then: Response },
    SaveSettings(Settings),
    CrmConfigure(Option<CrmConfig>),
    CrmTest(Option<CrmConfig>),
    CrmStatus,
    CrmSendNow,
    CrmResolve { seq: u64, retry: bool },
    CrmCustomerExport { network: String, value: String },
    CrmCustomerDelete { network: String, value: String },
    CrmExport,
    CrmImport(serde_json::Value),
}

/// A request's answer, or the work that makes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Answer(Response),
    Io(Job),
}

impl From<Response> for Outcome {
    fn from(r: Response) -> Outcome {
        Outcome::Answer(r)
    }
}

/// Why a request was refused before it reached its concern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TierError {
    /// A panel request from a web page's content script.
    ExtensionPagesOnly,
    /// A page request from somewhere that isn't a page.
    ContentScriptsOnly,
}

impl std::fmt::Display for TierError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TierError::ExtensionPagesOnly => write!(f, "This request is only answered for Tactful's own pages."),
            TierError::ContentScriptsOnly => write!(f, "This request is only answered for a web page's content script."),
        }
    }
}

/// The service worker's state.
pub struct Worker {
    pub settings: Settings,
    /// How long the worker took to start (wasm compile + init), reported by `Ping`.
    pub started_ms: f64,
    checker: Checker,
    pub library: Library,
    pub tabs: Tabs,
    uploads: Uploads,
    handoffs: Handoffs,
    published: Published,
    /// The connected CRM, if any (cards come from it; writes are queued for it).
    pub crm: Option<CrmConfig>,
}

impl Default for Worker {
    fn default() -> Self {
        Worker::new(Settings::default())
    }
}

impl Worker {
    pub fn new(settings: Settings) -> Worker {
        let library = Library::starter(&settings.triage);
        Worker { checker: Checker::new(settings.tone.clone()), settings, started_ms: 0.0, library, tabs: Tabs::default(), uploads: Uploads::default(), handoffs: Handoffs::default(), published: Published::default(), crm: None }
    }

    /// Answers one request from memory, or says what I/O it needs. `now_ms` is the wall
    /// clock (Unix ms).
    pub fn handle(&mut self, request: Request, sender: &Sender, now_ms: i64) -> Outcome {
        match (request, sender) {
            (Request::Any(AnyRequest::Ping), _) => Response::Pong { version: env!("CARGO_PKG_VERSION").into(), started_ms: self.started_ms }.into(),
            (Request::Page(r), Sender::ContentScript { tab_id, url }) => self.page(r, *tab_id, url, now_ms),
            (Request::Page(_), Sender::ExtensionPage) => Response::error(TierError::ContentScriptsOnly).into(),
            (Request::Panel(r), Sender::ExtensionPage) => self.panel(r),
            (Request::Panel(_), Sender::ContentScript { .. }) => Response::error(TierError::ExtensionPagesOnly).into(),
        }
    }

    fn page(&mut self, request: PageRequest, tab_id: i64, url: &str, now: i64) -> Outcome {
        if let PageRequest::ProfileFor = request {
            return Response::Profile { profile: TabRef::new(tab_id, url).ok().map(|t| Box::new(t.profile.clone())) }.into();
        }
        let tab = match TabRef::new(tab_id, url) {
            Ok(t) => t,
            Err(e) => return Response::error(e).into(),
        };
        match request {
            PageRequest::ProfileFor => unreachable!("answered above"),
            PageRequest::ReadPage { posts, settled, background } => {
                let brand = self.settings.brand_handle(tab.profile.id);
                let mut view = self.tabs.read_page(tab, &posts, settled, &background, brand, self.library.triage(), now);
                let ops = self.answered_by(tab, &mut view, now);
                if ops.is_empty() {
                    Response::Overlay { view }.into()
                } else {
                    Outcome::Io(Job::Published { ops, view })
                }
            }
            PageRequest::ReplySent { post_key, text } => {
                if let Err(e) = self.tabs.post(tab.id, &post_key) {
                    return Response::error(e).into();
                }
                self.published.sent(tab.id, &post_key, &text, now);
                Response::Ok.into()
            }
            PageRequest::CheckDraft { text, post_key } => self.check_draft(tab, &text, post_key.as_deref()).into(),
            PageRequest::Suggest { post_key, given } => self.suggest(tab, post_key, given).into(),
            PageRequest::SuggestionUsed { post_key, id, given } => self.suggestion_used(tab, post_key, id, given, now),
            PageRequest::CustomerCards { post_keys } => match self.lookups(tab.id, post_keys) {
                Ok((found, failed)) => Outcome::Io(Job::Cards(CardJob::for_page(tab.id, found, failed))),
                Err(e) => Response::error(e).into(),
            },
            PageRequest::Handoff { post_key, dms_closed } => self.handoff(tab, post_key, dms_closed).into(),
            PageRequest::HandoffDone { post_key } => {
                let planned = match self.handoffs.take(tab.id, &post_key) {
                    Ok(p) => p,
                    Err(e) => return Response::error(e).into(),
                };
                match self.log(tab, &post_key, InteractionKind::Handoff, planned.log, planned.tone, now) {
                    Ok(ops) => Outcome::Io(Job::HandoffDone { url: planned.url, tab_id: tab.id, ops }),
                    Err(e) => Response::Error { message: e }.into(),
                }
            }
            PageRequest::RefreshCards { keys, order } => {
                let (cards, order) = self.tabs.refresh(tab.id, &keys, order, self.library.triage(), now);
                Response::Cards { cards, order }.into()
            }
            PageRequest::OpenPanel => Outcome::Io(Job::OpenPanel { tab_id: tab.id }),
        }
    }

    fn panel(&mut self, request: PanelRequest) -> Outcome {
        match request {
            PanelRequest::PagePosts { tab_id } => Response::PagePosts { page: self.tabs.snapshot(tab_id).cloned() }.into(),
            PanelRequest::Queue { tab_id, known } => match self.tabs.queue_view(tab_id) {
                None => Response::Queue { version: 0, changed: known != Some(0), view: None }.into(),
                Some((version, _)) if known == Some(version) => Response::Queue { version, changed: false, view: None }.into(),
                Some((version, view)) => Response::Queue { version, changed: true, view: Some(view) }.into(),
            },
            PanelRequest::CustomerHistory { tab_id, post_key } => match self.lookups(tab_id, vec![post_key]) {
                Ok((found, failed)) => Outcome::Io(Job::Cards(CardJob::for_panel(tab_id, found, failed))),
                Err(e) => Response::error(e).into(),
            },
            PanelRequest::GetSettings => Response::Settings { settings: self.settings.clone() }.into(),
            // Kept first, then used: settings the browser didn't keep would be lost at the
            // next restart, so they don't take effect.
            PanelRequest::SaveSettings { mut settings } => {
                // The agent's id is Tactful's, not the form's: a save without it keeps it.
                if settings.agent_id.is_empty() {
                    settings.agent_id = self.settings.agent_id.clone();
                }
                match settings.validated() {
                    Ok(s) => Outcome::Io(Job::SaveSettings(s)),
                    Err(e) => Response::error(e).into(),
                }
            }
            PanelRequest::ImportKb { text } => self.import_kb(&text),
            PanelRequest::ImportKbPart { upload, part, parts, text } => match self.uploads.add(upload, part, parts, text) {
                Ok(Part::Waiting { received }) => Response::KbPart { upload, received, parts }.into(),
                Ok(Part::Whole(text)) => self.import_kb(&text),
                Err(e) => Response::error(e).into(),
            },
            PanelRequest::KbStatus => {
                let (total, imported) = self.library.sizes();
                Response::KbStatus { total, imported, indexing: self.library.progress() }.into()
            }
            PanelRequest::ExportKb { format } => match self.library.export(&format) {
                Ok((text, entries)) => Response::KbExport { format, text, entries }.into(),
                Err(e) => Response::error(e).into(),
            },
            PanelRequest::CrmConfig => Response::CrmConfig { config: self.crm.as_ref().map(CrmConfig::public) }.into(),
            PanelRequest::CrmConfigure { config } => Outcome::Io(Job::CrmConfigure(config)),
            PanelRequest::CrmTest { config } => Outcome::Io(Job::CrmTest(config)),
            PanelRequest::CrmStatus => Outcome::Io(Job::CrmStatus),
            PanelRequest::CrmSendNow => Outcome::Io(Job::CrmSendNow),
            PanelRequest::CrmResolve { seq, retry } => Outcome::Io(Job::CrmResolve { seq, retry }),
            PanelRequest::CrmCustomerExport { network, value } => Outcome::Io(Job::CrmCustomerExport { network, value }),
            PanelRequest::CrmCustomerDelete { network, value } => Outcome::Io(Job::CrmCustomerDelete { network, value }),
            PanelRequest::CrmExport => Outcome::Io(Job::CrmExport),
            PanelRequest::CrmImport { snapshot } => Outcome::Io(Job::CrmImport(snapshot)),
            PanelRequest::Diagnostics => Response::Diagnostics { pages: self.diagnostics() }.into(),
            PanelRequest::SiteProfiles { json } => {
                let team = match json.as_deref().map(sites::team_profiles_from_json).transpose() {
                    Ok(team) => team.unwrap_or_default(),
                    Err(e) => return Response::Error { message: format!("The profile file wasn't used: {e}.") }.into(),
                };
                sites::use_team_profiles(team);
                // Kept as the file was, read again at the next start.
                Outcome::Io(Job::Keep { key: crate::core::crm::local::Setting::Profiles, value: json.map(serde_json::Value::String).unwrap_or_default(), then: Response::SiteProfilesUsed { sites: sites::team_profile_sites() } })
            }
        }
    }

    /// The CRM writes for the agent's action on a post (the post itself once, and the
    /// action).
    fn log(&mut self, tab: TabRef, post_key: &str, action: InteractionKind, text: String, tone_findings: Vec<String>, now: i64) -> Result<Vec<WriteOp>, String> {
        let post = self.tabs.post(tab.id, post_key).map_err(|e| e.to_string())?;
        let who = crm::author(post).map_err(|e| e.to_string())?;
        let agent = Agent { label: self.settings.agent_label(), id: Some(self.settings.agent_id.clone()).filter(|a| !a.is_empty()) };
        Ok(crm::log_ops(post, who, action, text, tone_findings, agent, now))
    }

    /// The brand's posts the page just showed that are replies the agent sent: each
    /// answers its post (out of the queue) and is logged as a published reply at its
    /// publish time, with the tone findings of the published text.
    fn answered_by(&mut self, tab: TabRef, view: &mut crate::core::overlay::OverlayView, now: i64) -> Vec<WriteOp> {
        let brand: Vec<Post> = view.cards.iter().filter(|c| c.is_brand).filter_map(|c| self.tabs.post(tab.id, &c.key).ok().cloned()).collect();
        if brand.is_empty() {
            return Vec::new();
        }
        let matches = self.published.seen(tab.id, &brand.iter().collect::<Vec<_>>(), now);
        let mut ops = Vec::new();
        for m in matches {
            let Ok(post) = self.tabs.post(tab.id, &m.post_key) else { continue };
            let ctx = ToneContext {
                site: tab.profile.id,
                post: Some(post.text.clone()),
                customer_name: Some(post.author_name.clone()).filter(|_| !post.is_brand),
                customer_handle: post.handle.clone(),
            };
            let mut tone: Vec<String> = self.checker.check(&m.reply.text, &ctx).findings.iter().map(|f| f.rule.clone()).collect();
            tone.dedup();
            // The page's own time when it gives an exact one; else when Tactful saw it.
            let at = m.reply.created_ms.filter(|_| !m.reply.time_approx).unwrap_or(now);
            self.tabs.mark_answered(tab.id, [m.post_key.as_str()]);
            view.answered.push(m.post_key.clone());
            if let Ok(mut more) = self.log(tab, &m.post_key, InteractionKind::Replied, m.reply.text.clone(), tone, at) {
                ops.append(&mut more);
            }
        }
        ops
    }

    /// How each open page is being read, for the diagnostics.
    fn diagnostics(&self) -> Vec<crate::core::protocol::LayoutReport> {
        use crate::core::protocol::{FieldMissing, LayoutReport, LayoutUse};
        let team = sites::team_profile_sites();
        let mut out: Vec<LayoutReport> = self
            .tabs
            .pages()
            .filter_map(|(tab_id, page)| {
                let profile = TabRef::new(tab_id, &page.snapshot.url).ok()?.profile;
                Some(LayoutReport {
                    tab_id,
                    url: page.snapshot.url.clone(),
                    site_name: profile.name.clone(),
                    team_profile: team.contains(&profile.id),
                    layouts: profile.layouts.iter().enumerate().map(|(i, l)| LayoutUse { name: l.name.clone(), posts: page.reading.by_layout.get(&i).copied().unwrap_or(0) }).collect(),
                    missing: page.reading.missing.iter().map(|(f, &n)| FieldMissing { field: f.to_string(), posts: n }).collect(),
                    unreadable: page.reading.unreadable,
                    status: page.snapshot.status.clone(),
                })
            })
            .collect();
        out.sort_by_key(|r| r.tab_id);
        out
    }

    fn import_kb(&mut self, text: &str) -> Outcome {
        match self.library.import(text, &self.settings.triage) {
            // The team's entries are kept across restarts (they can be large: the
            // extension's database, not chrome.storage).
            Ok(i) => Outcome::Io(Job::Keep {
                key: crate::core::crm::local::Setting::Kb,
                value: serde_json::to_value(self.library.imported_entries()).unwrap_or_default(),
                then: Response::KbImported { added: i.added, updated: i.updated, total: i.total, imported: i.imported, indexing: i.indexing },
            }),
            Err(e) => Response::error(e).into(),
        }
    }

    /// The authors of tab `tab_id`'s posts `post_keys`, and the posts whose author can't
    /// be told, with why.
    fn lookups(&self, tab_id: i64, post_keys: Vec<String>) -> Result<(Vec<Lookup>, Vec<(String, String)>), TabError> {
        let page = self.tabs.page(tab_id).ok_or(TabError::PageNotRead)?;
        // (A post of a page that was read but isn't this one says PostNotRead, below.)
        let (mut found, mut failed) = (vec![], vec![]);
        for post_key in post_keys {
            let who = page.post(&post_key).ok_or_else(|| TabError::PostNotRead.to_string()).and_then(|post| Ok((crm::author(post).map_err(|e| e.to_string())?, post)));
            match who {
                Ok((who, post)) => found.push(Lookup { permalink: post.permalink.clone(), post_key, who }),
                Err(message) => failed.push((post_key, message)),
            }
        }
        Ok((found, failed))
    }

    /// Moves a post the page showed to a private channel: the plan, its CRM log text and
    /// the tone findings of its public text. The composer it plans is kept to be opened.
    fn handoff(&mut self, tab: TabRef, post_key: String, dms_closed: bool) -> Response {
        let post = match self.tabs.post(tab.id, &post_key) {
            Ok(p) => p,
            Err(e) => return Response::error(e),
        };
        let input = handoff::HandoffInput { kb: self.library.kb(), index: self.library.index(), post, profile: tab.profile, settings: &self.settings, dms_closed };
        let plan = match handoff::plan(&input) {
            Ok(p) => p,
            Err(e) => return Response::error(HandoffError::CantPlan(e)),
        };
        let tone = match self.check_draft(tab, &plan.public_text, Some(&post_key)) {
            Response::Tone { findings, .. } => findings.into_iter().map(|f| f.finding.message).collect(),
            _ => Vec::new(),
        };
        let url = match &plan.route {
            DmRoute::Prefilled { url } | DmRoute::Paste { url } => Some(url.clone()),
            DmRoute::Fallback { .. } => None,
        };
        self.handoffs.plan(tab.id, post_key, handoffs::Planned { url, log: handoff::log_text(&plan), tone: tone.clone() });
        Response::Handoff { plan, tone }
    }

    fn check_draft(&self, tab: TabRef, text: &str, post_key: Option<&str>) -> Response {
        // The customer's post, when the page told us which one the draft answers.
        let post = post_key.and_then(|k| self.tabs.post(tab.id, k).ok());
        let ctx = ToneContext {
            site: tab.profile.id,
            post: post.map(|p| p.text.clone()),
            customer_name: post.filter(|p| !p.is_brand).map(|p| p.author_name.clone()),
            customer_handle: post.and_then(|p| p.handle.clone()),
        };
        let report = self.checker.check(text, &ctx);
        Response::Tone { findings: report.for_page(text), length: report.length, platform: tab.profile.name.clone() }
    }

    /// What a reply for `post` is filled from: the post, the team's names and patterns,
    /// and the details the agent typed (`given`).
    fn fill_context<'a>(&'a self, tab: TabRef, post: &'a crate::core::posts::Post, given: std::collections::BTreeMap<String, String>) -> suggest::Context<'a> {
        suggest::Context {
            site: Some(tab.profile.id),
            post: Some(post),
            agent_name: Some(self.settings.agent_name.as_str()).filter(|a| !a.is_empty()),
            brand_name: Some(self.settings.brand_name.as_str()).filter(|b| !b.is_empty()),
            order_patterns: &self.settings.tone.order_patterns,
            given,
        }
    }

    fn suggest(&self, tab: TabRef, post_key: String, given: std::collections::BTreeMap<String, String>) -> Response {
        let Some(page) = self.tabs.page(tab.id) else { return Response::error(TabError::PostNotRead) };
        let Some(post) = page.post(&post_key) else { return Response::error(TabError::PostNotRead) };
        let ctx = self.fill_context(tab, post, given);
        let thread = page.thread_above(tab.profile, post);
        let lib = &self.library;
        Response::Suggestions { post_key, items: suggest::suggest_with_thread(lib.kb(), lib.index(), &ctx, &thread, 3, &lib.feedback) }
    }

    /// Suggestion `id`, filled for post `post_key` as Tactful fills it, was inserted: the
    /// pick teaches the ranking (kept across restarts) and the CRM logs the text Tactful
    /// made. Inserted is not answered: the post stays in the queue until its reply is
    /// published.
    fn suggestion_used(&mut self, tab: TabRef, post_key: String, id: String, given: std::collections::BTreeMap<String, String>, now: i64) -> Outcome {
        let text = {
            let Some(page) = self.tabs.page(tab.id) else { return Response::error(TabError::PostNotRead).into() };
            let Some(post) = page.post(&post_key) else { return Response::error(TabError::PostNotRead).into() };
            let Some(entry) = self.library.kb().get(&id).filter(|e| !e.tags.iter().any(|t| t == suggest::PRIVATE_TAG)) else {
                return Response::Error { message: "That reply isn't in the knowledge base any more; nothing was logged.".into() }.into();
            };
            let ctx = self.fill_context(tab, post, given);
            match suggest::view(entry, Vec::new(), &ctx).text {
                Some(t) => t,
                None => return Response::Error { message: "That reply still needs details the post doesn't give; nothing was logged.".into() }.into(),
            }
        };
        let ops = match self.log(tab, &post_key, InteractionKind::SuggestionUsed, text, Vec::new(), now) {
            Ok(ops) => ops,
            Err(e) => return Response::Error { message: e }.into(),
        };
        // What agents' picks taught the ranking, kept across restarts.
        let feedback = self.library.picked(id).then(|| serde_json::to_value(&self.library.feedback).unwrap_or_default());
        Outcome::Io(Job::Used { ops, feedback })
    }

    /// Puts validated settings to use.
    pub fn use_settings(&mut self, s: Settings) {
        self.checker = Checker::new(s.tone.clone());
        self.library.set_triage(s.triage.clone());
        self.settings = s;
    }

    /// Restores what agents' picks taught the ranking (kept by the glue).
    pub fn restore_feedback(&mut self, feedback: Feedback) {
        self.library.feedback = feedback;
    }

    /// The team's imported entries, kept by the glue: a large set is indexed in slices.
    pub fn add_to_kb(&mut self, entries: Vec<Entry>) -> (usize, usize) {
        self.library.add(entries, &self.settings.triage)
    }

    /// Indexes up to `budget` more entries of a staged knowledge base.
    pub fn index_step(&mut self, budget: usize) -> Option<crate::core::protocol::IndexProgress> {
        self.library.index_step(budget, &self.settings.triage)
    }

    /// What the extension's pages should be told since the last call.
    pub fn notices(&mut self) -> Vec<crate::core::protocol::Notice> {
        self.tabs.take_changed().into_iter().map(|(tab_id, version)| crate::core::protocol::Notice::QueueChanged { tab_id, version }).collect()
    }

    /// Forgets a closed tab.
    pub fn forget_tab(&mut self, tab_id: i64) {
        self.tabs.forget(tab_id);
        self.handoffs.forget_tab(tab_id);
    }
}

impl From<CrmRequestError> for Response {
    fn from(e: CrmRequestError) -> Response {
        Response::error(e)
    }
}

#[cfg(test)]
mod tests;
