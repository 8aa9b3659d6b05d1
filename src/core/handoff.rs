//! Moving a public conversation to a private channel in one step: a short public
//! acknowledgement for the reply box, the platform's direct-message composer with a
//! prefilled message, and the record the CRM keeps of the hand-off.
//!
//! The templates are knowledge-base entries tagged `handoff_public`, `handoff_dm` and
//! `handoff_fallback` (a team edits them like any saved reply); how each site opens a
//! private conversation is its profile's `dm` data. Nothing here posts anything: the agent
//! still presses the site's own send buttons.

use crate::core::kb::search::{Feedback, Index};
use crate::core::kb::suggest::{self, Context};
use crate::core::kb::{Entry, KnowledgeBase};
use crate::core::length::{self, LengthCount};
use crate::core::posts::Post;
use crate::core::settings::Settings;
use crate::core::sites::{self, SiteProfile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const PUBLIC_TAG: &str = "handoff_public";
pub const DM_TAG: &str = "handoff_dm";
pub const FALLBACK_TAG: &str = "handoff_fallback";

/// How the private message reaches the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum DmRoute {
    /// The composer link carries the message (X, LinkedIn, Reddit).
    Prefilled { url: String },
    /// The composer opens on the customer but its link can't carry text (Messenger's
    /// m.me, Instagram's ig.me): the message is copied for the agent to paste.
    Paste { url: String },
    /// No private messages to this customer here: the public reply points them to the
    /// team's email or contact form instead.
    Fallback { reason: String, contact: String },
}

/// Everything one click does, decided before anything touches the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoffPlan {
    pub post_key: String,
    /// Knowledge-base entry the public text came from.
    pub public_entry: String,
    pub public_text: String,
    /// The public text's length as the platform counts it.
    pub length: LengthCount,
    pub route: DmRoute,
    /// The private message (empty on the fallback route).
    pub dm_text: String,
    pub dm_entry: Option<String>,
}

/// Why a hand-off can't be prepared, in the agent's words.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HandoffError {
    /// The knowledge base has no template with this tag.
    NoTemplate { tag: &'static str },
    /// The platform (or this customer) has no private messages and the team set no
    /// fallback email or contact form.
    NoFallback { reason: String },
    /// A template needs values the page doesn't give (labels, e.g. "order number").
    MissingValues { entry: String, labels: Vec<String> },
    /// The filled public text is over the platform's limit.
    TooLong { used: u32, max: u32 },
    /// Only customers' posts are handed off, not the brand's own replies.
    BrandPost,
}

impl std::fmt::Display for HandoffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HandoffError::NoTemplate { tag } => write!(f, "the knowledge base has no “{tag}” template; import one or restore the starter entries"),
            HandoffError::NoFallback { reason } => write!(f, "{reason} Set an email address or contact form under Options → Private channel fallback."),
            HandoffError::MissingValues { entry, labels } => write!(f, "the template {entry} needs {} first", labels.join(", ")),
            HandoffError::TooLong { used, max } => write!(f, "the public acknowledgement is {used} characters, over the platform's {max}; shorten its template"),
            HandoffError::BrandPost => write!(f, "this is your brand's own post; move the customer's post instead"),
        }
    }
}

impl std::error::Error for HandoffError {}

/// What a hand-off needs to know.
pub struct HandoffInput<'a> {
    pub kb: &'a KnowledgeBase,
    pub index: &'a Index,
    pub post: &'a Post,
    pub profile: &'a SiteProfile,
    pub settings: &'a Settings,
    /// The agent said the customer's messages are closed: use the fallback.
    pub dms_closed: bool,
}

/// The intent the post most likely has (from the entries that rank best for it), used to
/// pick an intent-specific template over the generic one.
fn post_intent(input: &HandoffInput) -> Option<String> {
    let hits = input.index.search(&input.post.text, 3, &Feedback::default());
    hits.iter().find_map(|s| input.kb.get(&s.id)?.intent.clone())
}

/// The template with `tag` for this intent, else the generic one (no intent).
fn template<'a>(kb: &'a KnowledgeBase, tag: &'static str, intent: Option<&str>) -> Result<&'a Entry, HandoffError> {
    let tagged = || kb.entries().iter().filter(move |e| e.tags.iter().any(|t| t == tag));
    tagged()
        .find(|e| intent.is_some() && e.intent.as_deref() == intent)
        .or_else(|| tagged().find(|e| e.intent.is_none()))
        .or_else(|| tagged().next())
        .ok_or(HandoffError::NoTemplate { tag })
}

fn fill(entry: &Entry, ctx: &Context) -> Result<String, HandoffError> {
    let v = suggest::view(entry, Vec::new(), ctx);
    v.text.ok_or_else(|| HandoffError::MissingValues { entry: entry.id.clone(), labels: v.missing.into_iter().map(|m| m.label).collect() })
}

/// Prepares the hand-off for a customer's post.
pub fn plan(input: &HandoffInput) -> Result<HandoffPlan, HandoffError> {
    let post = input.post;
    if post.is_brand {
        return Err(HandoffError::BrandPost);
    }
    let s = input.settings;
    // The team's contact and the post's link are values templates may use.
    let mut given = BTreeMap::new();
    if !s.private_fallback.is_empty() {
        given.insert("team.contact".to_string(), s.private_fallback.clone());
    }
    if let Some(url) = &post.permalink {
        given.insert("post.url".to_string(), url.clone());
    }
    let ctx = Context {
        site: Some(input.profile.id),
        post: Some(post),
        agent_name: Some(s.agent_name.as_str()).filter(|a| !a.is_empty()),
        brand_name: Some(s.brand_name.as_str()).filter(|b| !b.is_empty()),
        order_patterns: &s.tone.order_patterns,
        given,
    };
    let intent = post_intent(input);
    let handle = post.handle.as_deref().filter(|h| !h.is_empty());
    // Why this customer can't get a private message here, if they can't.
    // Where the customer's messages are closed, a chat by their stable id, where the site
    // has one (Reddit's chat takes the author-id its markup carries).
    let closed_chat = input.dms_closed.then(|| sites::closed_chat_link(input.profile, post.author_id.as_deref()?)).flatten();
    let no_dm = match (&input.profile.dm.template, handle) {
        _ if closed_chat.is_some() => None,
        _ if input.dms_closed => Some(format!("{}'s private messages are closed.", post.author_name)),
        (None, _) => Some(input.profile.dm.unavailable_reason.clone().unwrap_or_else(|| format!("{} has no private messages.", input.profile.name))),
        (Some(t), None) if t.contains("{handle}") => Some("Tactful can't tell who wrote this post, so it can't open a private message.".to_string()),
        _ => None,
    };
    let (public_entry, route, dm_text, dm_entry) = match no_dm {
        Some(reason) => {
            if s.private_fallback.is_empty() {
                return Err(HandoffError::NoFallback { reason });
            }
            let e = template(input.kb, FALLBACK_TAG, intent.as_deref())?;
            (e, DmRoute::Fallback { reason, contact: s.private_fallback.clone() }, String::new(), None)
        }
        None => {
            let dm = template(input.kb, DM_TAG, intent.as_deref())?;
            let text = fill(dm, &ctx)?;
            // A team that hasn't named its brand gets a subject without one.
            let subject = if s.brand_name.is_empty() { "Following up on your post".to_string() } else { format!("{}: following up on your post", s.brand_name) };
            let link = input.profile.dm.template.as_deref().unwrap_or_default();
            let route = match closed_chat {
                // A chat link carries no text: the message is copied to paste.
                Some(url) => DmRoute::Paste { url },
                None => {
                    let url = sites::dm_link(input.profile, handle.unwrap_or_default(), &subject, &text).unwrap_or_default();
                    if link.contains("{text}") { DmRoute::Prefilled { url } } else { DmRoute::Paste { url } }
                }
            };
            (template(input.kb, PUBLIC_TAG, intent.as_deref())?, route, text, Some(dm.id.clone()))
        }
    };
    let public_text = fill(public_entry, &ctx)?;
    let length = length::count(input.profile.length, &public_text);
    if length.is_over() {
        return Err(HandoffError::TooLong { used: length.used, max: length.max });
    }
    Ok(HandoffPlan { post_key: post.key.clone(), public_entry: public_entry.id.clone(), public_text, length, route, dm_text, dm_entry })
}

/// What the CRM keeps of a hand-off: both texts and where the private message went.
pub fn log_text(plan: &HandoffPlan) -> String {
    let private = match &plan.route {
        DmRoute::Prefilled { url } | DmRoute::Paste { url } => format!("Private message ({}):\n{}", host_of(url), plan.dm_text),
        DmRoute::Fallback { reason, contact } => format!("No private message: {reason} Pointed to {contact}."),
    };
    format!("Moved to private.\nPublic reply:\n{}\n{private}", plan.public_text)
}

fn host_of(url: &str) -> &str {
    url.split("://").nth(1).and_then(|r| r.split('/').next()).unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sites::{profile, SiteId};

    fn post(site: SiteId, name: &str, handle: Option<&str>, text: &str) -> Post {
        Post { key: "p1".into(), site, author_name: name.into(), handle: handle.map(String::from), text: text.into(), created_ms: None, time_approx: false, author_id: None, focal: false, permalink: Some("https://x.com/dana_reyes/status/1".into()), is_brand: false }
    }

    fn run(site: SiteId, p: &Post, closed: bool, settings: &Settings) -> Result<HandoffPlan, HandoffError> {
        let kb = KnowledgeBase::starter();
        let index = Index::new(&kb);
        plan(&HandoffInput { kb: &kb, index: &index, post: p, profile: profile(site), settings, dms_closed: closed })
    }

    fn settings() -> Settings {
        Settings { agent_name: "Jo Park".into(), ..crate::core::settings::testing::demo() }
    }

    #[test]
    fn x_opens_chat_to_paste_into_and_a_short_acknowledgement() {
        let p = post(SiteId::X, "Dana Reyes", Some("dana_reyes"), "my order AC-20431 never arrived and nobody answers");
        let plan = run(SiteId::X, &p, false, &settings()).unwrap();
        assert!(plan.public_text.starts_with("Hi Dana,"), "{}", plan.public_text);
        assert!(plan.public_text.contains("private message") && plan.public_text.ends_with("^Jo"), "{}", plan.public_text);
        assert!(plan.length.used <= 280);
        // X's Chat has no link that carries text (Messages' compose?text= is gone).
        assert_eq!(plan.route, DmRoute::Paste { url: "https://x.com/i/chat".into() });
        assert!(plan.dm_text.contains("Jo here"), "{}", plan.dm_text);
        assert!(!plan.public_text.contains("{{") && !plan.dm_text.contains("{{"));
    }

    #[test]
    fn reddit_messages_closed_opens_a_chat_by_the_author_id_to_paste_into() {
        let mut p = post(SiteId::Reddit, "maria_l", Some("maria_l"), "charged twice for my order");
        p.author_id = Some("t2_abc123".into());
        let plan = run(SiteId::Reddit, &p, true, &settings()).unwrap();
        assert_eq!(plan.route, DmRoute::Paste { url: "https://www.reddit.com/chat/user/t2_abc123".into() });
        assert!(plan.dm_text.contains("following up"), "{}", plan.dm_text);
        // Without the id (a comment whose markup lacks it), the team's fallback.
        p.author_id = None;
        assert!(matches!(run(SiteId::Reddit, &p, true, &settings()).unwrap().route, DmRoute::Fallback { .. }));
    }

    #[test]
    fn reddit_link_carries_recipient_subject_and_body() {
        let p = post(SiteId::Reddit, "maria_l", Some("maria_l"), "charged twice for my order");
        let plan = run(SiteId::Reddit, &p, false, &settings()).unwrap();
        let DmRoute::Prefilled { url } = &plan.route else { panic!() };
        assert!(url.starts_with("https://www.reddit.com/message/compose/?to=maria_l&subject=Acme%3A%20following%20up"), "{url}");
        assert!(url.contains("&message=Hi%20there%2C"), "no first name in a handle-like display name: {url}");
    }

    #[test]
    fn messenger_and_instagram_open_the_thread_and_ask_to_paste() {
        for site in [SiteId::Facebook, SiteId::Instagram] {
            let p = post(site, "Dana Reyes", Some("dana.reyes"), "the app keeps crashing");
            let plan = run(site, &p, false, &settings()).unwrap();
            let DmRoute::Paste { url } = &plan.route else { panic!("{site:?}: {:?}", plan.route) };
            assert!(url.ends_with("/dana.reyes"), "{url}");
            assert!(!plan.dm_text.is_empty());
        }
    }

    #[test]
    fn youtube_points_to_the_fallback_in_the_public_reply() {
        let p = post(SiteId::Youtube, "Sam Lee", Some("samlee"), "my router overheats");
        let plan = run(SiteId::Youtube, &p, false, &settings()).unwrap();
        let DmRoute::Fallback { reason, contact } = &plan.route else { panic!() };
        assert!(reason.contains("YouTube"), "{reason}");
        assert_eq!(contact, "https://help.acme.example/contact");
        assert!(plan.public_text.contains("https://help.acme.example/contact"), "{}", plan.public_text);
        assert!(plan.dm_text.is_empty());
        let log = log_text(&plan);
        assert!(log.contains("Public reply:") && log.contains("Pointed to https://help.acme.example/contact"), "{log}");
    }

    #[test]
    fn closed_messages_use_the_fallback_and_no_fallback_is_a_clear_error() {
        let p = post(SiteId::X, "Dana Reyes", Some("dana_reyes"), "where is my order");
        let plan = run(SiteId::X, &p, true, &settings()).unwrap();
        assert!(matches!(plan.route, DmRoute::Fallback { .. }));
        let none = Settings { private_fallback: String::new(), ..settings() };
        let err = run(SiteId::Youtube, &post(SiteId::Youtube, "Sam", Some("s"), "hi"), false, &none).unwrap_err();
        assert!(matches!(err, HandoffError::NoFallback { .. }));
        assert!(err.to_string().contains("Options"), "{err}");
    }

    #[test]
    fn a_team_with_no_settings_gets_plain_wording_and_is_told_what_to_set() {
        let none = Settings::default();
        let p = post(SiteId::Reddit, "Dana Reyes", Some("dana_reyes"), "charged twice for my order");
        let plan = run(SiteId::Reddit, &p, false, &none).unwrap();
        let DmRoute::Prefilled { url } = &plan.route else { panic!("{:?}", plan.route) };
        assert!(url.contains("&subject=Following%20up%20on%20your%20post&"), "no empty brand before the subject: {url}");
        assert!(plan.dm_text.starts_with("Hi Dana, the care team here, following up on your post."), "{}", plan.dm_text);
        assert!(plan.public_text.starts_with("Hi Dana,") && !plan.public_text.contains('^'), "no sign-off without an agent name: {}", plan.public_text);
        let err = run(SiteId::Youtube, &post(SiteId::Youtube, "Sam Lee", Some("samlee"), "my router overheats"), false, &none).unwrap_err();
        assert_eq!(err.to_string(), "YouTube has no direct messages; reply publicly and offer the team's email or contact form. Set an email address or contact form under Options → Private channel fallback.");
    }

    #[test]
    fn account_problems_get_the_security_wording() {
        let p = post(SiteId::X, "Dana Reyes", Some("dana_reyes"), "my account was hacked and I can't log in, someone changed my password");
        let plan = run(SiteId::X, &p, false, &settings()).unwrap();
        assert_eq!(plan.public_entry, "r-handoff-public-account");
        assert!(plan.dm_text.contains("never your password"), "{}", plan.dm_text);
    }

    #[test]
    fn hostile_names_are_text_and_brand_posts_are_refused() {
        let p = post(SiteId::Reddit, "<img src=x onerror=alert(1)>", Some("evil&to=admin"), "refund please");
        let plan = run(SiteId::Reddit, &p, false, &settings()).unwrap();
        let DmRoute::Prefilled { url } = &plan.route else { panic!() };
        assert!(url.contains("to=evil%26to%3Dadmin&"), "{url}");
        assert!(plan.public_text.starts_with("Hi there,"), "no markup used as a name: {}", plan.public_text);
        let mut brand = post(SiteId::X, "Acme", Some("AcmeCare"), "hello");
        brand.is_brand = true;
        assert_eq!(run(SiteId::X, &brand, false, &settings()).unwrap_err(), HandoffError::BrandPost);
    }

    #[test]
    fn every_site_fits_its_limit() {
        let long = "Dana Reyes-Montgomery-Villanueva";
        for p in sites::profiles() {
            let plan = run(p.id, &post(p.id, long, Some("dana"), "where is my order"), false, &settings()).unwrap();
            assert!(!plan.length.is_over(), "{:?}", p.id);
        }
    }
}
