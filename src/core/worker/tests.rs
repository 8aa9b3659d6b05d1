//! The worker through the protocol, natively: each test asks as a page or the panel
//! would, with [`TestIo`] standing in for the browser.

use super::serve::{serve, Io};
use super::*;
use crate::core::crm::config::CrmConfig;
use crate::core::crm::local::{LocalCrm, Setting, SCHEMA};
use crate::core::crm::store::MemoryStore;
use crate::core::crm::{CustomerRef, Direction, Identity, InteractionKind};
use crate::core::handoff::DmRoute;
use crate::core::kb::search::Feedback;
use crate::core::overlay::{LayoutStatus, Theme};
use crate::core::posts::RawPost;
use crate::core::protocol::{CustomerCardResult, IndexProgress};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// The browser as the worker sees it: the real local CRM rules over an in-memory store,
/// and a record of what it was asked to do.
pub(super) struct TestIo {
    pub local: LocalCrm<MemoryStore>,
    pub opened: RefCell<Vec<(String, i64)>>,
    /// Writes queued for the connected CRM.
    pub queued: RefCell<Vec<WriteOp>>,
}

impl Default for TestIo {
    fn default() -> TestIo {
        let next = std::cell::Cell::new(0);
        TestIo {
            local: LocalCrm::new(MemoryStore::new(&SCHEMA), move || {
                next.set(next.get() + 1);
                format!("id{}", next.get())
            }),
            opened: RefCell::default(),
            queued: RefCell::default(),
        }
    }
}

impl TestIo {
    fn kept<T: serde::de::DeserializeOwned>(&self, key: Setting) -> Option<T> {
        crate::native::block_on(self.local.setting(key)).unwrap()
    }

    fn interactions(&self) -> Vec<crate::core::crm::Interaction> {
        crate::native::block_on(self.local.export_all()).unwrap().interactions
    }
}

/// No connected CRM in these tests: any HTTP is a mistake.
pub(super) struct NoHttp;

impl crate::core::crm::http::Http for NoHttp {
    async fn send(&self, _: crate::core::crm::http::Request) -> Result<crate::core::crm::http::Response, crate::core::crm::http::Transport> {
        Err(crate::core::crm::http::Transport::Connect("no CRM in this test".into()))
    }
}

impl Io for TestIo {
    type Http = NoHttp;
    type Store = MemoryStore;
    fn http(&self) -> &NoHttp {
        &NoHttp
    }
    fn local(&self) -> &LocalCrm<MemoryStore> {
        &self.local
    }
    fn keep_counts_later(&self) {
        crate::native::block_on(self.local.keep_counts()).unwrap();
    }
    async fn open_tab(&self, url: &str, opener: i64) -> Result<(), String> {
        self.opened.borrow_mut().push((url.into(), opener));
        Ok(())
    }
    async fn open_panel(&self, _: i64) -> Result<(), String> {
        Err("no panel here".into())
    }
    async fn save_settings(&self, _: &Settings) -> Result<(), String> {
        Ok(())
    }
    async fn may_reach(&self, _: &str) -> bool {
        false
    }
    async fn keep_crm(&self, _: Option<&CrmConfig>) -> Result<(), String> {
        Ok(())
    }
    async fn enqueue(&self, ops: &[WriteOp], _: i64) -> Result<(), String> {
        self.queued.borrow_mut().extend(ops.iter().cloned());
        Ok(())
    }
    async fn send_now(&self) -> Result<(), String> {
        Ok(())
    }
    async fn resolve(&self, _: u64, _: bool) -> Result<(), String> {
        Ok(())
    }
}

/// Asks the worker as the browser would, through `serve`, with `io`.
pub(super) fn ask_with(w: &mut Worker, io: &TestIo, req: impl Into<Request>, sender: &Sender, now: i64) -> Response {
    let cell = RefCell::new(w);
    crate::native::block_on(serve(&cell, io, req.into(), sender, now))
}

pub(super) fn ask(w: &mut Worker, req: impl Into<Request>, sender: &Sender, now: i64) -> Response {
    ask_with(w, &TestIo::default(), req, sender, now)
}

/// The demo team's settings (the product ships with none): the file the demo and the
/// end-to-end tests save.
fn demo() -> Worker {
    Worker::new(crate::core::settings::testing::demo())
}


fn tab(url: &str) -> Sender {
    Sender::ContentScript { tab_id: 7, url: url.into() }
}

/// Inserts the first filled suggestion for post `key` as the page would report it: the
/// answer, and the text Tactful filled.
fn use_first_suggestion(w: &mut Worker, io: &TestIo, key: &str, page: &Sender, now: i64) -> (Response, String) {
    let Response::Suggestions { items, .. } = ask_with(w, io, PageRequest::Suggest { post_key: key.into(), given: BTreeMap::new() }, page, now) else { panic!("no suggestions") };
    let item = items.into_iter().find(|i| i.text.is_some()).expect("a filled suggestion");
    (ask_with(w, io, PageRequest::SuggestionUsed { post_key: key.into(), id: item.id, given: BTreeMap::new() }, page, now), item.text.unwrap())
}

fn raw(key: &str, name: &str) -> RawPost {
    RawPost {
        key: key.into(),
        author_name: Some(name.into()),
        handle: Some(format!("/{name}")),
        text: Some("hello".into()),
        time: Some("2026-11-23T11:00:00Z".into()),
        permalink: Some(format!("/{name}/status/1")),
        ..Default::default()
    }
}

#[test]
fn request_json_shape_is_kind_tagged() {
    let r = Request::from_json(serde_json::from_str(r#"{"kind":"read_page","posts":[{"key":"a","author_name":"A"}]}"#).unwrap()).unwrap();
    assert!(matches!(r, Request::Page(PageRequest::ReadPage { ref posts, settled: false, .. }) if posts.len() == 1));
    let json = serde_json::to_string(&Response::Error { message: "m".into() }).unwrap();
    assert_eq!(json, r#"{"kind":"error","message":"m"}"#);
}

#[test]
fn content_scripts_cannot_read_settings_or_history() {
    let mut w = demo();
    for req in [PanelRequest::GetSettings, PanelRequest::PagePosts { tab_id: 7 }, PanelRequest::SaveSettings { settings: Settings::default() }, PanelRequest::CrmExport, PanelRequest::CrmStatus] {
        let r = ask(&mut w, req, &tab("https://x.com/home"), 0);
        assert_eq!(r, Response::Error { message: "This request is only answered for Tactful's own pages.".into() });
    }
    // And a page's requests need a page.
    let r = ask(&mut w, PageRequest::RefreshCards { keys: vec![], order: true }, &Sender::ExtensionPage, 0);
    assert_eq!(r, Response::Error { message: "This request is only answered for a web page's content script.".into() });
}

#[test]
fn profile_comes_from_sender_url_not_message() {
    let mut w = demo();
    let Response::Profile { profile: Some(p) } = ask(&mut w, PageRequest::ProfileFor, &tab("https://www.reddit.com/r/a"), 0) else {
        panic!("reddit profile expected")
    };
    assert_eq!(p.name, "Reddit");
    assert_eq!(ask(&mut w, PageRequest::ProfileFor, &tab("https://example.org/"), 0), Response::Profile { profile: None });
    assert!(matches!(ask(&mut w, PageRequest::ProfileFor, &Sender::ExtensionPage, 0), Response::Error { .. }));
}

#[test]
fn reads_posts_incrementally_and_resets_on_navigation() {
    let mut w = demo();
    let now = crate::core::clock::parse_iso("2026-11-23T12:00:00Z").unwrap();
    let send = |w: &mut Worker, url: &str, posts| ask(w, PageRequest::ReadPage { posts, settled: false, background: "rgb(0,0,0)".into() }, &tab(url), now);
    let Response::Overlay { view } = send(&mut w, "https://x.com/home", vec![raw("a", "ann"), raw("b", "AcmeCare")]) else { panic!() };
    assert_eq!(view.cards.len(), 2);
    assert_eq!(view.theme, Theme::Dark);
    assert!(view.cards[1].is_brand);
    assert_eq!(view.cards[0].age.as_deref(), Some("1 h"));
    send(&mut w, "https://x.com/home", vec![raw("c", "cat"), raw("a", "ann")]);
    let Response::PagePosts { page: Some(p) } = ask(&mut w, PanelRequest::PagePosts { tab_id: 7 }, &Sender::ExtensionPage, now) else { panic!() };
    assert_eq!(p.posts.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    send(&mut w, "https://x.com/other", vec![raw("z", "zed")]);
    let Response::PagePosts { page: Some(p) } = ask(&mut w, PanelRequest::PagePosts { tab_id: 7 }, &Sender::ExtensionPage, now) else { panic!() };
    assert_eq!(p.posts.len(), 1);
}

#[test]
fn reports_unreadable_layout_with_site_name() {
    let mut w = demo();
    let broken = RawPost { key: "a".into(), ..Default::default() };
    let Response::Overlay { view } = ask(&mut w, PageRequest::ReadPage { posts: vec![broken], settled: false, background: String::new() }, &tab("https://www.youtube.com/watch?v=1"), 0) else { panic!() };
    assert!(matches!(view.status, LayoutStatus::Unreadable { ref message } if message.starts_with("Tactful can't read this page's layout (YouTube, layouts tried: ")));
}

#[test]
fn save_settings_validates() {
    let mut w = demo();
    let before = w.settings.clone();
    let mut s = before.clone();
    s.brand_handles.insert(crate::core::sites::SiteId::X, "bad handle".into());
    assert!(matches!(ask(&mut w, PanelRequest::SaveSettings { settings: s }, &Sender::ExtensionPage, 0), Response::Error { .. }));
    assert_eq!(w.settings, before);
}

#[test]
fn checks_draft_against_the_post_it_answers() {
    let mut w = demo();
    let mut upset = raw("a", "dana");
    upset.text = Some("My order is STILL missing 😡".into());
    ask(&mut w, PageRequest::ReadPage { posts: vec![upset], settled: false, background: String::new() }, &tab("https://x.com/dana/status/1"), 0);
    let r = ask(&mut w, PageRequest::CheckDraft { text: "Hi Sarah, send us your order number.".into(), post_key: Some("a".into()) }, &tab("https://x.com/dana/status/1"), 0);
    let Response::Tone { findings, length, platform } = r else { panic!("{r:?}") };
    let rules: Vec<&str> = findings.iter().map(|f| f.finding.rule.as_str()).collect();
    assert!(rules.contains(&"wrong_name") && rules.contains(&"missing_empathy"), "{rules:?}");
    assert_eq!((length.used, length.max, platform.as_str()), (36, 280, "X"));
    let Response::Tone { findings, .. } = ask(&mut w, PageRequest::CheckDraft { text: "Hi Sarah, send us your order number.".into(), post_key: None }, &tab("https://x.com/dana/status/1"), 0) else { panic!() };
    assert!(findings.iter().all(|f| f.finding.rule != "wrong_name" && f.finding.rule != "missing_empathy"));
}

#[test]
fn suggests_for_a_read_post_and_learns_picks() {
    let mut w = demo();
    let mut p = raw("a", "dana");
    p.author_name = Some("Dana Reyes".into());
    p.text = Some("where is my order? it still hasn't arrived".into());
    ask(&mut w, PageRequest::ReadPage { posts: vec![p], settled: false, background: String::new() }, &tab("https://x.com/dana/status/1"), 0);
    let r = ask(&mut w, PageRequest::Suggest { post_key: "a".into(), given: BTreeMap::new() }, &tab("https://x.com/dana/status/1"), 0);
    let Response::Suggestions { items, .. } = r else { panic!("{r:?}") };
    assert!(!items.is_empty() && items.len() <= 3);
    let io = TestIo::default();
    let filled = items.iter().find(|i| i.text.is_some()).expect("a filled suggestion");
    let used = |id: &str| PageRequest::SuggestionUsed { post_key: "a".into(), id: id.into(), given: BTreeMap::new() };
    assert_eq!(ask_with(&mut w, &io, used(&filled.id), &tab("https://x.com/dana/status/1"), 0), Response::Ok);
    let feedback: Feedback = io.kept(Setting::Feedback).expect("the pick is kept across restarts");
    assert_eq!(feedback.picks[&filled.id], 1);
    // The CRM logs the text Tactful filled, not anything the page says.
    let logged: Vec<String> = io.interactions().into_iter().filter(|i| i.kind == InteractionKind::SuggestionUsed).map(|i| i.text).collect();
    assert_eq!(logged, [filled.text.clone().unwrap()]);
    assert_eq!(ask_with(&mut w, &io, used("no-such-entry"), &tab("https://x.com/dana/status/1"), 0), Response::Error { message: "That reply isn't in the knowledge base any more; nothing was logged.".into() });
    let again: Feedback = io.kept(Setting::Feedback).unwrap();
    assert_eq!(again, feedback, "an unknown id teaches nothing");
    let unknown = ask(&mut w, PageRequest::Suggest { post_key: "zzz".into(), given: BTreeMap::new() }, &tab("https://x.com/dana/status/1"), 0);
    assert!(matches!(unknown, Response::Error { .. }));
}

#[test]
fn hands_off_a_read_post_opens_only_the_planned_composer_and_logs_the_plan() {
    let mut w = demo();
    let mut p = raw("a", "dana");
    p.author_name = Some("Dana Reyes".into());
    p.text = Some("charged twice for the same order, fix this".into());
    let x = tab("https://x.com/dana/status/1");
    ask(&mut w, PageRequest::ReadPage { posts: vec![p.clone()], settled: false, background: String::new() }, &x, 0);
    let r = ask(&mut w, PageRequest::Handoff { post_key: "a".into(), dms_closed: false }, &x, 0);
    let Response::Handoff { plan, tone } = r else { panic!("{r:?}") };
    assert!(plan.public_text.starts_with("Hi Dana"), "{}", plan.public_text);
    assert!(tone.is_empty(), "the starter acknowledgement passes the tone checks: {tone:?}");
    let io = TestIo::default();
    assert_eq!(ask_with(&mut w, &io, PageRequest::HandoffDone { post_key: "a".into() }, &x, 5), Response::HandedOff { dm_error: None, log_error: None });
    let opened = io.opened.borrow().clone();
    assert_eq!(opened, [("https://x.com/i/chat".to_string(), 7)]);
    // The CRM keeps the core's record of the plan: both texts.
    let logged = io.interactions();
    let ours = logged.iter().find(|i| i.kind == InteractionKind::Handoff).expect("the hand-off is logged");
    assert!(ours.text.contains(&plan.public_text) && ours.text.contains(&plan.dm_text), "{}", ours.text);
    assert_eq!(
        ask_with(&mut w, &io, PageRequest::HandoffDone { post_key: "a".into() }, &x, 0),
        Response::Error { message: "No hand-off is prepared for this post; press Move to private again.".into() },
        "done once per hand-off"
    );
    assert_eq!(io.opened.borrow().len(), 1);
    // The agent says the customer's messages are closed: the fallback, nothing to open,
    // and still logged.
    let Response::Handoff { plan, .. } = ask(&mut w, PageRequest::Handoff { post_key: "a".into(), dms_closed: true }, &x, 0) else { panic!() };
    assert!(matches!(plan.route, DmRoute::Fallback { .. }));
    assert_eq!(ask_with(&mut w, &io, PageRequest::HandoffDone { post_key: "a".into() }, &x, 9), Response::HandedOff { dm_error: None, log_error: None });
    assert_eq!((io.opened.borrow().len(), io.interactions().iter().filter(|i| i.kind == InteractionKind::Handoff).count()), (1, 2));
    // YouTube has no private messages.
    let yt = tab("https://www.youtube.com/watch?v=abc");
    ask(&mut w, PageRequest::ReadPage { posts: vec![p], settled: false, background: String::new() }, &yt, 0);
    let Response::Handoff { plan, .. } = ask(&mut w, PageRequest::Handoff { post_key: "a".into(), dms_closed: false }, &yt, 0) else { panic!() };
    assert!(matches!(plan.route, DmRoute::Fallback { .. }));
    assert!(matches!(ask(&mut w, PageRequest::Handoff { post_key: "zzz".into(), dms_closed: false }, &x, 0), Response::Error { .. }));
}

#[test]
fn customer_card_and_logging_name_the_author_by_handle() {
    let mut w = demo();
    let mut p = raw("a", "Dana_Reyes");
    p.author_name = Some("Dana Reyes".into());
    p.text = Some("My order is STILL missing 😡".into());
    let mut anon = raw("b", "Someone");
    anon.handle = None;
    ask(&mut w, PageRequest::ReadPage { posts: vec![p, anon], settled: false, background: String::new() }, &tab("https://x.com/dana/status/1"), 0);
    let keys = ["a", "b", "zzz"].map(String::from).to_vec();
    let io = TestIo::default();
    // Dana is known by her handle in another spelling, with a note from an earlier chat.
    let dana = CustomerRef { identities: vec![Identity::new("x", "@DANA_reyes")], display_name: Some("Dana R.".into()) };
    crate::native::block_on(io.local.apply(&[WriteOp::AddNote { customer: dana, text: "prefers email".into(), agent: None }], 0)).unwrap();
    let Response::CustomerCards { cards } = ask_with(&mut w, &io, PageRequest::CustomerCards { post_keys: keys.clone() }, &tab("https://x.com/dana/status/1"), 0) else { panic!() };
    let CustomerCardResult::Card { card, .. } = &cards[0] else { panic!("{cards:?}") };
    assert!(card.known && card.identities == ["@dana_reyes on x"], "{card:?}");
    let card = card.clone();
    // The author by handle (any spelling), their history; each post that can't be looked
    // up says why, and the others still are.
    assert_eq!(
        cards,
        [
            CustomerCardResult::Card { post_key: "a".into(), permalink: Some("https://x.com/Dana_Reyes/status/1".into()), card, note: None, answered: false, moved: None },
            CustomerCardResult::Failed { post_key: "b".into(), error: "Tactful can't tell who wrote this post (no handle on the page).".into() },
            CustomerCardResult::Failed { post_key: "zzz".into(), error: "Tactful hasn't read that post yet; try again in a moment.".into() },
        ]
    );
    let (r, said) = use_first_suggestion(&mut w, &io, "a", &tab("https://x.com/dana/status/1"), 42);
    assert_eq!(r, Response::Ok);
    let mut logged = io.interactions();
    logged.sort_by_key(|i| i.direction != Direction::Inbound);
    let [theirs, ours] = &logged[..] else { panic!("{logged:?}") };
    assert_eq!((theirs.direction, ours.direction), (Direction::Inbound, Direction::Outbound));
    assert!(theirs.sentiment.unwrap() < 0.0 && theirs.id.starts_with("post:"));
    assert_eq!((ours.text.as_str(), ours.at), (said.as_str(), 42));
    assert!(matches!(ask(&mut w, PageRequest::CustomerCards { post_keys: keys }, &Sender::ExtensionPage, 0), Response::Error { .. }));
}

#[test]
fn kb_import_is_all_or_nothing_and_from_extension_pages_only() {
    let mut w = demo();
    let before = w.library.kb().len();
    let good = "id,kind,title,body,tags,examples\nr-new,reply,New reply,Hello there,greeting,\"hi\nhello\"\n";
    assert!(matches!(ask(&mut w, PanelRequest::ImportKb { text: good.into() }, &tab("https://x.com/a/status/1"), 0), Response::Error { .. }), "not from a page");
    let Response::KbImported { added, updated, total, imported, indexing: false } = ask(&mut w, PanelRequest::ImportKb { text: good.into() }, &Sender::ExtensionPage, 0) else { panic!() };
    assert_eq!((added, updated, total, imported), (1, 0, before + 1, 1));
    let bad = "id,kind,title,body\nr-x,reply,Ok,Fine\nr-y,nonsense,Bad,Row\n";
    let Response::Error { message } = ask(&mut w, PanelRequest::ImportKb { text: bad.into() }, &Sender::ExtensionPage, 0) else { panic!() };
    assert!(message.contains("line 3") && message.contains("nothing was imported"), "{message}");
    assert!(matches!(ask(&mut w, PanelRequest::KbStatus, &Sender::ExtensionPage, 0), Response::KbStatus { total, imported: 1, indexing: None } if total == before + 1));
    let Response::KbExport { text, entries, .. } = ask(&mut w, PanelRequest::ExportKb { format: "csv".into() }, &Sender::ExtensionPage, 0) else { panic!() };
    assert_eq!(entries, before + 1);
    assert_eq!(crate::core::kb::import::parse(&text).unwrap().len(), before + 1, "an export imports back whole");
}

#[test]
fn posts_are_triaged_as_read_and_answered_ones_leave_the_queue() {
    let mut w = demo();
    let now = crate::core::clock::parse_iso("2026-11-23T12:00:00Z").unwrap();
    let post = |key: &str, handle: &str, text: &str, at: &str| RawPost { key: key.into(), author_name: Some(handle.into()), handle: Some(format!("/{handle}")), text: Some(text.into()), time: Some(at.into()), permalink: Some(format!("/{handle}/status/{key}")), ..Default::default() };
    let page = tab("https://x.com/search?q=acme");
    let r = ask(&mut w, PageRequest::ReadPage { posts: vec![post("1", "pia", "you guys are killing it, love the new router!", "2026-11-23T11:30:00Z")], settled: false, background: String::new() }, &page, now);
    let Response::Overlay { view } = r else { panic!() };
    let praise = view.cards[0].triage.clone().expect("a customer post gets a badge");
    // Incremental: a later batch is scored without rescoring the first.
    ask(&mut w, PageRequest::ReadPage { posts: vec![post("2", "dan", "still waiting for my refund after three weeks, this is ridiculous", "2026-11-23T10:25:00Z"), post("3", "ana", "my charger is smoking and sparking, what do I do??", "2026-11-23T11:55:00Z")], settled: false, background: String::new() }, &page, now);
    let snap = w.tabs.snapshot(7).unwrap().clone();
    let order: Vec<&str> = queue::waiting(&snap).iter().map(|(p, _)| p.key.as_str()).collect();
    assert_eq!(order, ["3", "2", "1"], "safety, then an overdue refund, then praise");
    assert!(snap.triage["2"].why.contains("refund") && snap.triage["2"].why.contains("of 60"), "{}", snap.triage["2"].why);
    assert!(praise.priority < snap.triage["2"].priority);
    w.tabs.mark_answered(7, ["3"]);
    // Dan's reply published: the brand's post with its text appears on the page.
    assert_eq!(ask(&mut w, PageRequest::ReplySent { post_key: "2".into(), text: "Sorry Dan".into() }, &page, now), Response::Ok);
    ask(&mut w, PageRequest::ReadPage { posts: vec![post("4", "AcmeCare", "Sorry Dan", "2026-11-23T12:00:00Z")], settled: false, background: String::new() }, &page, now);
    let order: Vec<String> = queue::waiting(&w.tabs.snapshot(7).unwrap()).iter().map(|(p, _)| p.key.clone()).collect();
    assert_eq!(order, ["1"]);
}

#[test]
fn open_pages_get_fresh_ages_and_priorities() {
    let mut w = demo();
    let mut p = raw("a", "dana");
    p.text = Some("Still waiting for my refund, three weeks now".into());
    let page = tab("https://x.com/home");
    let t0 = crate::core::clock::parse_iso("2026-11-23T11:10:00Z").unwrap();
    let Response::Overlay { view } = ask(&mut w, PageRequest::ReadPage { posts: vec![p], settled: false, background: String::new() }, &page, t0) else { panic!() };
    let before = view.cards[0].triage.clone().unwrap();
    // Repriced whether or not its card is wanted: the panel's queue follows.
    let Response::Cards { cards, order } = ask(&mut w, PageRequest::RefreshCards { keys: vec![], order: false }, &page, t0 + 120 * 60_000) else { panic!() };
    assert!(cards.is_empty() && order.is_empty());
    let queued = queue::waiting(&w.tabs.snapshot(7).unwrap())[0].1.priority;
    assert!(queued > before.priority, "{} -> {queued}", before.priority);
    let Response::Cards { cards, order } = ask(&mut w, PageRequest::RefreshCards { keys: vec!["a".into(), "gone".into()], order: true }, &page, t0 + 120 * 60_000) else { panic!() };
    let after = cards[0].triage.clone().unwrap();
    assert_eq!((view.cards[0].age.as_deref(), cards[0].age.as_deref()), (Some("10 min"), Some("2 h")));
    assert_eq!((cards.len(), after.priority), (1, queued));
    assert_eq!(order, [("a".to_string(), queued)]);
    assert!(matches!(ask(&mut w, PageRequest::RefreshCards { keys: vec![], order: true }, &Sender::ExtensionPage, 0), Response::Error { .. }));
}

#[test]
fn a_reply_on_a_conversation_page_is_ranked_with_the_post_above_it() {
    let mut w = demo();
    let mut root = raw("a", "dana");
    root.text = Some("@AcmeCare my refund still hasn't arrived after 3 weeks".into());
    let mut reply = raw("b", "marco");
    reply.text = Some("same here, still nothing".into());
    let page = tab("https://x.com/dana/status/1");
    ask(&mut w, PageRequest::ReadPage { posts: vec![root, reply], settled: false, background: String::new() }, &page, 0);
    let Response::Suggestions { items, .. } = ask(&mut w, PageRequest::Suggest { post_key: "b".into(), given: BTreeMap::new() }, &page, 0) else { panic!() };
    assert!(items.first().is_some_and(|s| s.id.contains("refund")), "{:?}", items.iter().map(|s| &s.id).collect::<Vec<_>>());
    // A timeline is not a conversation: no thread, so the vague reply finds nothing specific.
    let home = Sender::ContentScript { tab_id: 8, url: "https://x.com/home".into() };
    let mut reply = raw("b", "marco");
    reply.text = Some("same here, still nothing".into());
    ask(&mut w, PageRequest::ReadPage { posts: vec![raw("a", "dana"), reply], settled: false, background: String::new() }, &home, 0);
    let Response::Suggestions { items, .. } = ask(&mut w, PageRequest::Suggest { post_key: "b".into(), given: BTreeMap::new() }, &home, 0) else { panic!() };
    assert!(!items.first().is_some_and(|s| s.id.contains("refund")));
}

#[test]
fn a_large_import_is_indexed_in_slices_while_the_old_knowledge_base_answers() {
    let mut w = demo();
    let starter = w.library.kb().len();
    let mut big: Vec<Entry> = crate::core::kb::synthetic::entries(3_000).collect();
    big[0].title = "Zebra stripes return policy".into();
    w.add_to_kb(big);
    let Response::KbStatus { total, imported, indexing } = ask(&mut w, PanelRequest::KbStatus, &Sender::ExtensionPage, 0) else { panic!() };
    assert_eq!((total, imported, indexing), (starter + 3_000, 3_000, Some(IndexProgress { done: 0, total: starter + 3_000 })));
    // The starter index still answers, and knows nothing of the new entries yet.
    assert!(w.library.index().search("zebra stripes", 1, &Feedback::default()).first().is_none_or(|s| s.id != "e0"));
    let mut steps = 0;
    while let Some(p) = w.index_step(1_000) {
        steps += 1;
        assert!(p.done <= p.total && p.total == starter + 3_000);
    }
    assert_eq!(steps, 4, "three slices and the last one that swaps");
    assert_eq!(w.library.kb().len(), starter + 3_000);
    assert_eq!(w.library.index().search("zebra stripes", 1, &Feedback::default())[0].id, "e0");
    assert_eq!(w.library.progress(), None);
    // A second import during indexing builds on the first.
    w.add_to_kb(crate::core::kb::synthetic::entries(2_000).collect());
    w.add_to_kb(vec![crate::core::kb::synthetic::entries(1).next().unwrap()]);
    assert_eq!(w.library.imported_entries().len(), 3_000);
    while w.index_step(5_000).is_some() {}
    assert_eq!(w.library.kb().len(), starter + 3_000);
}

#[test]
fn kb_file_in_parts_imports_once_whole_and_out_of_order_parts_start_over() {
    let mut w = demo();
    let before = w.library.kb().len();
    let file = "id,kind,title,body\nr-a,reply,A,Alpha é\nr-b,reply,B,Beta\n";
    let (one, two) = file.split_at(file.find("r-b").unwrap());
    let part = |upload, part, parts, text: &str| PanelRequest::ImportKbPart { upload, part, parts, text: text.into() };
    assert!(matches!(ask(&mut w, part(1, 0, 2, one), &tab("https://x.com/a/status/1"), 0), Response::Error { .. }), "not from a page");
    assert!(matches!(ask(&mut w, part(1, 0, 2, one), &Sender::ExtensionPage, 0), Response::KbPart { received: 1, parts: 2, .. }));
    assert_eq!(w.library.kb().len(), before, "nothing before the last part");
    let Response::KbImported { added, .. } = ask(&mut w, part(1, 1, 2, two), &Sender::ExtensionPage, 0) else { panic!() };
    assert_eq!((added, w.library.kb().len()), (2, before + 2));
    assert!(matches!(ask(&mut w, part(2, 1, 2, two), &Sender::ExtensionPage, 0), Response::Error { .. }), "a part without its first");
    assert!(w.uploads.is_empty());
}

#[test]
fn the_panel_gets_the_queue_only_when_it_changed_and_is_told_when() {
    let mut w = demo();
    let page = tab("https://x.com/search?q=acme");
    let now = crate::core::clock::parse_iso("2026-11-23T12:00:00Z").unwrap();
    let post = |key: &str, handle: &str, text: &str| RawPost { key: key.into(), author_name: Some(handle.into()), handle: Some(format!("/{handle}")), text: Some(text.into()), time: Some("2026-11-23T11:30:00Z".into()), permalink: Some(format!("/{handle}/status/{key}")), ..Default::default() };
    let panel = |w: &mut Worker, known| ask(w, PanelRequest::Queue { tab_id: 7, known }, &Sender::ExtensionPage, now);
    assert_eq!(panel(&mut w, None), Response::Queue { version: 0, changed: true, view: None }, "nothing read on that tab yet");
    assert_eq!(panel(&mut w, Some(0)), Response::Queue { version: 0, changed: false, view: None });
    ask(&mut w, PageRequest::ReadPage { posts: vec![post("1", "pia", "love the new router!"), post("2", "ana", "my charger is smoking, help"), post("3", "AcmeCare", "Sorry Ana, DM us")], settled: false, background: String::new() }, &page, now);
    let [crate::core::protocol::Notice::QueueChanged { tab_id: 7, version }] = w.notices()[..] else { panic!() };
    assert!(w.notices().is_empty(), "told once");
    let Response::Queue { version: v, changed: true, view: Some(view) } = panel(&mut w, Some(0)) else { panic!() };
    assert_eq!(v, version);
    let rows: Vec<(&str, bool, bool)> = view.rows.iter().map(|r| (r.post.key.as_str(), r.triage.is_some(), r.answered)).collect();
    assert_eq!(rows, [("2", true, false), ("1", true, false), ("3", false, false)], "urgent first, the brand's own post after the queue");
    assert_eq!(panel(&mut w, Some(version)), Response::Queue { version, changed: false, view: None });
    // An answered post leaves the queue: a new version, and the panel is told.
    w.tabs.mark_answered(7, ["2"]);
    let [crate::core::protocol::Notice::QueueChanged { version: after, .. }] = w.notices()[..] else { panic!() };
    let Response::Queue { changed: true, view: Some(view), .. } = panel(&mut w, Some(version)) else { panic!() };
    assert!(after > version);
    let rows: Vec<(&str, bool)> = view.rows.iter().map(|r| (r.post.key.as_str(), r.answered)).collect();
    assert_eq!(rows, [("1", false), ("2", true), ("3", false)]);
    // Marking it again changes nothing, so nobody is told.
    w.tabs.mark_answered(7, ["2"]);
    assert!(w.notices().is_empty());
}

#[test]
fn a_post_the_crm_shows_answered_leaves_the_queue_when_its_card_is_read() {
    let mut w = demo();
    let page = tab("https://x.com/dana/status/1");
    // Dana's two posts, as the page shows them.
    let read = |w: &mut Worker| {
        let mut first = raw("a", "dana");
        first.text = Some("still no refund".into());
        let mut second = raw("b", "dana");
        second.permalink = Some("/dana/status/2".into());
        second.text = Some("hello??".into());
        ask(w, PageRequest::ReadPage { posts: vec![first, second], settled: false, background: String::new() }, &page, 0);
        w.notices();
    };
    read(&mut w);
    let io = TestIo::default();
    // The team answered post a (the CRM has the published reply to it).
    ask_with(&mut w, &io, PageRequest::ReplySent { post_key: "a".into(), text: "Sorry Dana".into() }, &page, 0);
    let mut reply = raw("r", "AcmeCare");
    reply.text = Some("Sorry Dana".into());
    ask_with(&mut w, &io, PageRequest::ReadPage { posts: vec![reply], settled: false, background: String::new() }, &page, 0);
    assert!(io.interactions().iter().any(|i| i.kind == InteractionKind::Replied), "logged when seen published");
    // This worker forgot the page (a reload): only the CRM remembers.
    w.forget_tab(7);
    read(&mut w);
    let Response::CustomerCards { cards } = ask_with(&mut w, &io, PageRequest::CustomerCards { post_keys: vec!["a".into(), "b".into()] }, &page, 0) else { panic!() };
    let answered: Vec<bool> = cards.iter().map(|c| matches!(c, CustomerCardResult::Card { answered: true, .. })).collect();
    assert_eq!(answered, [true, false], "one card per post, answered only where the CRM has that post");
    let queued: Vec<String> = queue::waiting(w.tabs.snapshot(7).unwrap()).iter().map(|(p, _)| p.key.clone()).collect();
    assert_eq!(queued, ["b"]);
    assert_eq!(w.notices().len(), 1, "the panel is told");
}

#[test]
fn with_a_crm_connected_cards_fall_back_to_the_local_crm_saying_why_and_only_new_writes_are_queued() {
    use crate::core::crm::rt::{RtAuth, RtConfig};
    let mut w = demo();
    let rt = CrmConfig::Rt(RtConfig { url: "https://rt.example.com".into(), auth: RtAuth::Token { token: "t".into() }, queue: "General".into() });
    let page = tab("https://x.com/dana/status/1");
    let mut dana = raw("a", "dana");
    dana.text = Some("my router keeps dropping the connection every evening".into());
    ask(&mut w, PageRequest::ReadPage { posts: vec![dana], settled: false, background: String::new() }, &page, 0);
    let io = TestIo::default();
    // Not connected: writes stay local, nothing is queued.
    let log = |w: &mut Worker| use_first_suggestion(w, &io, "a", &page, 1);
    assert_eq!(log(&mut w).0, Response::Ok);
    assert!(io.queued.borrow().is_empty());
    // Connecting needs the browser's permission for the CRM's address.
    let r = ask_with(&mut w, &io, PanelRequest::CrmConfigure { config: Some(rt.clone()) }, &Sender::ExtensionPage, 0);
    assert_eq!(r, Response::Error { message: "Tactful may not reach https://rt.example.com/* yet: allow it when the browser asks.".into() });
    assert_eq!(ask_with(&mut w, &io, PanelRequest::CrmConfig, &Sender::ExtensionPage, 0), Response::CrmConfig { config: None });
    w.crm = Some(rt);
    // RT doesn't answer (this test's HTTP refuses): the local CRM's card, and why.
    let Response::CustomerCards { cards } = ask_with(&mut w, &io, PageRequest::CustomerCards { post_keys: vec!["a".into()] }, &page, 0) else { panic!() };
    let [CustomerCardResult::Card { card, note: Some(note), .. }] = &cards[..] else { panic!("{cards:?}") };
    assert!(card.known && card.summary.contains("2 interactions"), "{card:?}");
    assert_eq!(note, "Request Tracker isn't answering (is it down, or the URL wrong?). no CRM in this test");
    // The customer's post was logged before: only the new reply is queued for RT.
    let (r, said) = log(&mut w);
    assert_eq!(r, Response::Ok);
    let queued = io.queued.borrow().clone();
    let [WriteOp::LogInteraction { interaction, .. }] = &queued[..] else { panic!("{queued:?}") };
    assert_eq!((interaction.text.as_str(), interaction.direction), (said.as_str(), Direction::Outbound));
    let Response::CrmStatus { connected: true, name, summary: None, waiting: 0, .. } = ask_with(&mut w, &io, PanelRequest::CrmStatus, &Sender::ExtensionPage, 0) else { panic!() };
    assert_eq!(name.as_deref(), Some("Request Tracker"));
}

#[test]
fn a_page_that_cant_be_read_is_news_for_the_panel_too() {
    let mut w = demo();
    let page = tab("https://www.youtube.com/watch?v=1");
    let broken = RawPost { key: "a".into(), ..Default::default() };
    ask(&mut w, PageRequest::ReadPage { posts: vec![broken], settled: false, background: String::new() }, &page, 0);
    let [crate::core::protocol::Notice::QueueChanged { version, .. }] = w.notices()[..] else { panic!("the panel is told") };
    assert!(version > 0, "never the version of a tab with nothing read");
    let Response::Queue { changed: true, view: Some(view), .. } = ask(&mut w, PanelRequest::Queue { tab_id: 7, known: Some(0) }, &Sender::ExtensionPage, 0) else { panic!() };
    assert!(matches!(view.status, LayoutStatus::Unreadable { .. }) && view.rows.is_empty());
}

#[test]
fn inserted_is_not_answered_published_is_and_is_logged_at_its_publish_time_by_the_agent() {
    let mut w = demo();
    let io = TestIo::default();
    let page = tab("https://x.com/dana/status/1");
    let mut dana = raw("a", "dana_reyes");
    dana.text = Some("My router keeps dropping, order AC-20431".into());
    ask_with(&mut w, &io, PageRequest::ReadPage { posts: vec![dana], settled: false, background: String::new() }, &page, 0);
    let queued = |w: &Worker| queue::waiting(w.tabs.snapshot(7).unwrap()).iter().map(|(p, _)| p.key.clone()).collect::<Vec<_>>();
    // A suggestion inserted: logged as used, still in the queue.
    assert_eq!(use_first_suggestion(&mut w, &io, "a", &page, 5).0, Response::Ok);
    assert_eq!(queued(&w), ["a"]);
    // Sent, but another text appears: not this reply.
    ask_with(&mut w, &io, PageRequest::ReplySent { post_key: "a".into(), text: "Sorry Dana, we're on it!".into() }, &page, 10);
    let mut other = raw("b", "AcmeCare");
    other.text = Some("Happy Friday everyone".into());
    ask_with(&mut w, &io, PageRequest::ReadPage { posts: vec![other], settled: false, background: String::new() }, &page, 20);
    assert_eq!(queued(&w), ["a"]);
    assert!(!io.interactions().iter().any(|i| i.kind == InteractionKind::Replied));
    // The brand's reply with that text appears (time on the page 11:00:30): answered.
    let mut reply = raw("c", "AcmeCare");
    reply.text = Some("@dana_reyes Sorry Dana, we're on it!".into());
    reply.time = Some("2026-11-23T11:00:30Z".into());
    let r = ask_with(&mut w, &io, PageRequest::ReadPage { posts: vec![reply], settled: false, background: String::new() }, &page, 30);
    assert!(matches!(r, Response::Overlay { .. }), "{r:?}");
    assert!(queued(&w).is_empty());
    let replied: Vec<_> = io.interactions().into_iter().filter(|i| i.kind == InteractionKind::Replied).collect();
    assert_eq!(replied.len(), 1, "{replied:?}");
    let i = &replied[0];
    assert_eq!((i.text.as_str(), i.at, i.direction), ("@dana_reyes Sorry Dana, we're on it!", crate::core::clock::parse_iso("2026-11-23T11:00:30Z").unwrap(), Direction::Outbound));
    assert_eq!(i.agent.as_deref(), Some(w.settings.agent_label().as_str()), "never an empty author");
    assert_eq!(i.permalink.as_deref(), Some("https://x.com/dana_reyes/status/1"), "logged against the customer's post");
}

#[test]
fn a_reply_for_a_post_the_page_never_showed_is_refused() {
    let mut w = demo();
    let page = tab("https://x.com/dana/status/1");
    ask(&mut w, PageRequest::ReadPage { posts: vec![raw("a", "dana")], settled: false, background: String::new() }, &page, 0);
    assert!(matches!(ask(&mut w, PageRequest::ReplySent { post_key: "nope".into(), text: "hi".into() }, &page, 0), Response::Error { .. }));
}

#[test]
fn diagnostics_say_how_each_page_is_read_and_a_team_profile_file_fixes_a_layout() {
    let mut w = demo();
    let page = tab("https://x.com/dana/status/1");
    let mut no_text = raw("b", "marco");
    no_text.text = None;
    let mut old = raw("c", "eve");
    old.layout = 1;
    ask(&mut w, PageRequest::ReadPage { posts: vec![raw("a", "dana"), no_text, old], settled: true, background: String::new() }, &page, 0);
    let Response::Diagnostics { pages } = ask(&mut w, PanelRequest::Diagnostics, &Sender::ExtensionPage, 0) else { panic!() };
    let [report] = &pages[..] else { panic!("{pages:?}") };
    assert_eq!((report.tab_id, report.site_name.as_str(), report.team_profile, report.unreadable), (7, "X", false, 1));
    let used: Vec<usize> = report.layouts.iter().map(|l| l.posts).collect();
    assert_eq!(used, [1, 1], "one post read with each layout");
    assert_eq!(report.missing, [crate::core::protocol::FieldMissing { field: "text".into(), posts: 1 }]);

    // A bad file changes nothing and names the field.
    let mut x: serde_json::Value = serde_json::from_str(include_str!("../sites/profiles/x.json")).unwrap();
    x["layouts"][0]["reply"]["form"] = "".into();
    let r = ask(&mut w, PanelRequest::SiteProfiles { json: Some(x.to_string()) }, &Sender::ExtensionPage, 0);
    assert_eq!(r, Response::Error { message: "The profile file wasn't used: site profile x: layouts[0].reply.form is empty.".into() });
    // A good one is used for the site, kept, and said so; none goes back to the built-in.
    x["layouts"][0]["reply"]["form"] = "[role=dialog]".into();
    x["layouts"][0]["name"] = "team layout".into();
    let io = TestIo::default();
    let r = ask_with(&mut w, &io, PanelRequest::SiteProfiles { json: Some(x.to_string()) }, &Sender::ExtensionPage, 0);
    assert_eq!(r, Response::SiteProfilesUsed { sites: vec![crate::core::sites::SiteId::X] });
    let Response::Profile { profile: Some(p) } = ask(&mut w, PageRequest::ProfileFor, &page, 0) else { panic!() };
    assert_eq!(p.layouts[0].name, "team layout");
    let kept: Option<serde_json::Value> = crate::native::block_on(io.local.setting(crate::core::crm::local::Setting::Profiles)).unwrap();
    assert_eq!(kept, Some(serde_json::Value::String(x.to_string())));
    let Response::Diagnostics { pages } = ask(&mut w, PanelRequest::Diagnostics, &Sender::ExtensionPage, 0) else { panic!() };
    assert!(pages[0].team_profile);
    assert_eq!(ask(&mut w, PanelRequest::SiteProfiles { json: None }, &Sender::ExtensionPage, 0), Response::SiteProfilesUsed { sites: vec![] });
    assert!(matches!(ask(&mut w, PanelRequest::SiteProfiles { json: None }, &tab("https://x.com/a/status/1"), 0), Response::Error { .. }), "not from a page");
}

#[test]
fn on_a_conversation_page_the_focal_post_is_the_one_replies_answer_even_below_its_parents() {
    let mut w = demo();
    let page = tab("https://x.com/dana/status/2");
    // X renders the post replied to above the one being viewed (tabindex=-1).
    let parent = raw("p", "acme");
    let mut viewed = raw("v", "dana");
    viewed.focal = true;
    viewed.text = Some("my router keeps dropping".into());
    let reply = raw("r", "marco");
    let r = ask(&mut w, PageRequest::ReadPage { posts: vec![parent, viewed, reply], settled: false, background: String::new() }, &page, 0);
    let Response::Overlay { view } = r else { panic!("{r:?}") };
    assert_eq!(view.thread_root.as_deref(), Some("v"));
    let snap = w.tabs.page(7).unwrap();
    let marco = snap.post("r").unwrap();
    assert_eq!(snap.thread_above(crate::core::sites::profile(crate::core::sites::SiteId::X), marco), ["my router keeps dropping"]);
}
