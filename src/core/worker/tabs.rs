//! What each tab showed: its posts (found by key through a map, not a scan), their
//! triage, which are answered, and a version that moves when the panel's list changes.

use super::queue;
use crate::core::overlay::{self, LayoutStatus, OverlayView, Theme};
use crate::core::posts::{self, Post, RawPost};
use crate::core::protocol::{host_and_path, PageSnapshot, QueueView};
use crate::core::sites::{self, SiteProfile};
use crate::core::triage::{PostInput, Triage};
use std::collections::{BTreeMap, HashMap};

/// Most posts kept per tab; a long-scrolled feed drops its oldest reads.
pub const MAX_POSTS_PER_TAB: usize = 5_000;

/// Why a tab's request can't be answered, in the agent's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabError {
    /// The sender's page is not on a site Tactful serves.
    UnsupportedSite,
    /// This post of the page hasn't been read yet.
    PostNotRead,
    /// Nothing of the page has been read yet.
    PageNotRead,
}

impl std::fmt::Display for TabError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TabError::UnsupportedSite => write!(f, "Tactful doesn't work on this site."),
            TabError::PostNotRead => write!(f, "Tactful hasn't read that post yet; try again in a moment."),
            TabError::PageNotRead => write!(f, "Tactful hasn't read this page yet; try again in a moment."),
        }
    }
}

/// The sender's tab, as the browser reported it, with its site's profile.
#[derive(Debug, Clone, Copy)]
pub struct TabRef<'a> {
    pub id: i64,
    pub url: &'a str,
    pub profile: &'static SiteProfile,
    /// The URL's path ("/dana/status/1").
    pub path: &'a str,
}

impl<'a> TabRef<'a> {
    /// The tab at `url`, when Tactful serves its site.
    pub fn new(id: i64, url: &'a str) -> Result<TabRef<'a>, TabError> {
        let (host, path) = host_and_path(url).ok_or(TabError::UnsupportedSite)?;
        let profile = sites::profile_for_host(host).ok_or(TabError::UnsupportedSite)?;
        Ok(TabRef { id, url, profile, path })
    }
}

/// One tab's page.
#[derive(Debug)]
pub struct Page {
    pub snapshot: PageSnapshot,
    /// Post key -> index in `snapshot.posts`.
    at: HashMap<String, usize>,
    /// Moves whenever the panel's list of this tab would change.
    pub version: u64,
    /// How the page has been read, for the diagnostics page.
    pub reading: Reading,
}

/// How a page has been read so far: posts read with each layout, and the fields the
/// posts that could not be read lacked.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Reading {
    pub by_layout: BTreeMap<usize, usize>,
    pub missing: BTreeMap<&'static str, usize>,
    pub unreadable: usize,
}

impl Page {
    fn new(url: &str, site_name: &str) -> Page {
        let snapshot = PageSnapshot { url: url.into(), site_name: site_name.into(), posts: Vec::new(), status: LayoutStatus::Ok, theme: Theme::Light, triage: BTreeMap::new(), handled: Default::default() };
        Page { snapshot, at: HashMap::new(), version: 0, reading: Reading::default() }
    }

    pub fn post(&self, key: &str) -> Option<&Post> {
        self.at.get(key).map(|&i| &self.snapshot.posts[i])
    }

    /// The post a conversation page is about: the one the layout marks focal, else the
    /// first; none off conversation pages.
    pub fn thread_root(&self, profile: &SiteProfile) -> Option<&Post> {
        let on_thread = host_and_path(&self.snapshot.url).is_some_and(|(_, path)| profile.is_thread_path(path));
        if !on_thread {
            return None;
        }
        self.snapshot.posts.iter().find(|p| p.focal).or_else(|| self.snapshot.posts.first())
    }

    /// The thread above a post as the page shows it: on a conversation page (a status and
    /// its replies), the post the page is about, for every reply under it.
    pub fn thread_above(&self, profile: &SiteProfile, post: &Post) -> Vec<String> {
        match self.thread_root(profile) {
            Some(root) if root.key != post.key => vec![root.text.clone()],
            _ => Vec::new(),
        }
    }

    fn reindex(&mut self) {
        self.at = self.snapshot.posts.iter().enumerate().map(|(i, p)| (p.key.clone(), i)).collect();
    }
}

/// Every open tab's page.
#[derive(Debug, Default)]
pub struct Tabs {
    pages: HashMap<i64, Page>,
    /// Versions only grow, also across a tab's navigations, so a panel never mistakes a
    /// new page for the one it shows.
    clock: u64,
    /// Tabs whose list changed since the panel was last told.
    changed: std::collections::BTreeSet<i64>,
}

impl Tabs {
    pub fn page(&self, tab_id: i64) -> Option<&Page> {
        self.pages.get(&tab_id)
    }

    /// Every page Tactful is reading, by tab.
    pub fn pages(&self) -> impl Iterator<Item = (i64, &Page)> {
        self.pages.iter().map(|(&id, p)| (id, p))
    }

    pub fn snapshot(&self, tab_id: i64) -> Option<&PageSnapshot> {
        self.pages.get(&tab_id).map(|p| &p.snapshot)
    }

    /// Post `key` of tab `tab_id`.
    pub fn post(&self, tab_id: i64, key: &str) -> Result<&Post, TabError> {
        self.pages.get(&tab_id).and_then(|p| p.post(key)).ok_or(TabError::PostNotRead)
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// Posts read from a tab's page: each new customer post is scored once, and the
    /// cards to draw come back.
    pub fn read_page(&mut self, tab: TabRef, raw: &[RawPost], settled: bool, background: &str, brand: Option<&str>, triage: &Triage, now_ms: i64) -> OverlayView {
        let profile = tab.profile;
        let mut read = Vec::with_capacity(raw.len());
        let mut failed = Vec::new();
        let mut reading = Reading::default();
        for r in raw {
            match posts::read_post(profile, r, now_ms, brand) {
                Ok(p) => {
                    *reading.by_layout.entry(r.layout).or_default() += 1;
                    read.push(p)
                }
                Err(missing) => {
                    reading.unreadable += 1;
                    for f in &missing {
                        *reading.missing.entry(f.label()).or_default() += 1;
                    }
                    failed.push(missing)
                }
            }
        }
        let status = overlay::layout_status(profile, tab.path, read.len(), &failed, settled);
        let mut cards: Vec<overlay::Card> = read.iter().map(|p| overlay::card(p, now_ms)).collect();

        let version = self.tick();
        let page = self.pages.entry(tab.id).or_insert_with(|| Page::new(tab.url, &profile.name));
        let mut changed = page.version == 0;
        if page.snapshot.url != tab.url {
            // The SPA navigated: what the tab shows now is a new page.
            *page = Page::new(tab.url, &profile.name);
            changed = true;
        }
        // How many posts each author has, once per batch: a 2,000-post thread must not
        // cost a scan of the page per post.
        let mut by_author: HashMap<String, u32> = HashMap::new();
        for h in page.snapshot.posts.iter().filter_map(|p| p.handle.clone()) {
            *by_author.entry(h).or_default() += 1;
        }
        changed |= !read.is_empty();
        for (l, n) in reading.by_layout {
            *page.reading.by_layout.entry(l).or_default() += n;
        }
        for (f, n) in reading.missing {
            *page.reading.missing.entry(f).or_default() += n;
        }
        page.reading.unreadable += reading.unreadable;
        for (p, card) in read.into_iter().zip(cards.iter_mut()) {
            let snap = &mut page.snapshot;
            // Scored once as it is read (incremental: a long thread costs per new post).
            if !p.is_brand && !snap.triage.contains_key(&p.key) {
                let earlier = p.handle.as_ref().and_then(|h| by_author.get(h)).copied().unwrap_or(0);
                let report = triage.score(&PostInput { earlier_posts_by_author: earlier, ..PostInput::from_post(&p) }, now_ms);
                snap.triage.insert(p.key.clone(), report);
            }
            card.triage = snap.triage.get(&p.key).map(overlay::TriageBadge::from);
            match page.at.get(&p.key) {
                Some(&i) => snap.posts[i] = p,
                None => {
                    if let Some(h) = &p.handle {
                        *by_author.entry(h.clone()).or_default() += 1;
                    }
                    page.at.insert(p.key.clone(), snap.posts.len());
                    snap.posts.push(p);
                }
            }
        }
        if page.snapshot.posts.len() > MAX_POSTS_PER_TAB {
            let extra = page.snapshot.posts.len() - MAX_POSTS_PER_TAB;
            for p in page.snapshot.posts.drain(..extra) {
                page.snapshot.triage.remove(&p.key);
                page.snapshot.handled.remove(&p.key);
            }
            page.reindex();
        }
        // A page that once read fine stays fine for a batch that carries nothing new.
        if (!raw.is_empty() || page.snapshot.posts.is_empty()) && page.snapshot.status != status {
            page.snapshot.status = status;
            changed = true;
        }
        let theme = Theme::from_css_color(background);
        if changed || theme != page.snapshot.theme {
            page.version = version;
            self.changed.insert(tab.id);
        }
        page.snapshot.theme = theme;
        let thread_root = page.thread_root(profile).map(|p| p.key.clone());
        OverlayView { site_name: profile.name.clone(), cards, thread_root, answered: Vec::new(), status: page.snapshot.status.clone(), theme: page.snapshot.theme }
    }

    /// Every card of a tab at `now_ms`: ages move on, and priorities are repriced (age and
    /// the current weights; the post is not read again). Returns the wanted cards, and
    /// every triaged post's priority when `order`.
    pub fn refresh(&mut self, tab_id: i64, keys: &[String], order: bool, triage: &Triage, now_ms: i64) -> (Vec<overlay::Card>, Vec<(String, u8)>) {
        let version = self.tick();
        let Some(page) = self.pages.get_mut(&tab_id) else { return (Vec::new(), Vec::new()) };
        let snap = &mut page.snapshot;
        let mut moved = false;
        for p in &snap.posts {
            if let Some(r) = snap.triage.get_mut(&p.key) {
                let fresh = triage.reprice(r, p.created_ms, Some(p.site), now_ms);
                moved |= fresh.priority != r.priority || fresh.why != r.why;
                *r = fresh;
            }
        }
        if moved {
            page.version = version;
            self.changed.insert(tab_id);
        }
        let snap = &page.snapshot;
        let cards = keys
            .iter()
            .filter_map(|k| page.post(k))
            .map(|p| overlay::Card { triage: snap.triage.get(&p.key).map(overlay::TriageBadge::from), ..overlay::card(p, now_ms) })
            .collect();
        let order = if order { snap.posts.iter().filter_map(|p| Some((p.key.clone(), snap.triage.get(&p.key)?.priority))).collect() } else { Vec::new() };
        (cards, order)
    }

    /// Takes posts out of their tab's triage queue (answered, or moved to private).
    pub fn mark_answered<'k>(&mut self, tab_id: i64, keys: impl IntoIterator<Item = &'k str>) {
        let version = self.tick();
        if let Some(page) = self.pages.get_mut(&tab_id) {
            let mut changed = false;
            for k in keys {
                if page.at.contains_key(k) {
                    changed |= page.snapshot.handled.insert(k.to_string());
                }
            }
            if changed {
                page.version = version;
                self.changed.insert(tab_id);
            }
        }
    }

    /// The panel's list of a tab.
    pub fn queue_view(&self, tab_id: i64) -> Option<(u64, QueueView)> {
        let page = self.pages.get(&tab_id)?;
        Some((page.version, queue::view(&page.snapshot)))
    }

    /// The tabs whose list changed since the last call, with their versions.
    pub fn take_changed(&mut self) -> Vec<(i64, u64)> {
        let changed = std::mem::take(&mut self.changed);
        changed.into_iter().filter_map(|id| Some((id, self.pages.get(&id)?.version))).collect()
    }

    /// Forgets a closed tab.
    pub fn forget(&mut self, tab_id: i64) {
        self.pages.remove(&tab_id);
        self.changed.remove(&tab_id);
    }
}
