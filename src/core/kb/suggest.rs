//! Suggestions for a post, ready for the overlay: ranked entries with their text for the
//! platform filled in from the post, the page and the team settings, and the variables
//! still missing (with a guess where there is one) for the agent to confirm.

use super::search::{Feedback, Index};
use super::template::{self, FillError, Values};
use super::{Entry, KnowledgeBase};
use crate::core::pii::{self, PiiKind};
use crate::core::posts::Post;
use crate::core::sites::SiteId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A variable the agent must give before inserting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingVar {
    pub name: String,
    /// The agent's word for it ("order number").
    pub label: String,
    /// A prefill, when the page suggests one.
    pub guess: Option<String>,
}

/// One suggestion as the overlay shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestionView {
    pub id: String,
    pub kind: super::Kind,
    pub title: String,
    pub url: Option<String>,
    /// Words of the post that matched.
    pub matched: Vec<String>,
    /// The filled text, when nothing required is missing.
    pub text: Option<String>,
    pub missing: Vec<MissingVar>,
}

/// What the variables can be filled from.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    pub site: Option<SiteId>,
    pub post: Option<&'a Post>,
    pub agent_name: Option<&'a str>,
    pub brand_name: Option<&'a str>,
    pub order_patterns: &'a [String],
    /// Values the agent typed in the inline form.
    pub given: BTreeMap<String, String>,
}

/// The first name in a display name, when it looks like one ("Dana Reyes" -> "Dana";
/// "dana_reyes", "@DanaReyes" and "🌿" give none).
pub fn first_name(display: &str) -> Option<String> {
    let first = display.split_whitespace().next()?;
    let mut chars = first.chars();
    let cap = chars.next().is_some_and(char::is_uppercase);
    (cap && first.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'') && first.chars().count() >= 2).then(|| first.to_string())
}

/// Values for the variables from the context, and guesses for what only looks likely.
pub fn values(ctx: &Context) -> (Values, BTreeMap<String, String>) {
    let mut v = Values::default();
    let mut guesses = BTreeMap::new();
    if let Some(p) = ctx.post.filter(|p| !p.is_brand) {
        if let Some(n) = first_name(&p.author_name) {
            v.set("customer.first_name", &n);
        }
        if let Some(h) = &p.handle {
            v.set("customer.handle", &format!("@{h}"));
        }
        // An order number in the customer's own post is a guess the agent confirms.
        if let Some(hit) = pii::find(&p.text, ctx.order_patterns).into_iter().find(|h| h.kind == PiiKind::OrderNumber) {
            guesses.insert("order.id".to_string(), p.text[hit.span].to_string());
        }
    }
    if let Some(a) = ctx.agent_name.and_then(first_name) {
        v.set("agent.first_name", &a);
    }
    if let Some(b) = ctx.brand_name {
        v.set("brand.name", b);
    }
    for (k, val) in &ctx.given {
        v.set(k, val);
    }
    (v, guesses)
}

fn label(name: &str) -> String {
    match name {
        "order.id" => "order number".into(),
        "ticket.id" => "ticket number".into(),
        "customer.first_name" => "customer's first name".into(),
        "customer.handle" => "customer's handle".into(),
        "agent.first_name" => "your first name".into(),
        "brand.name" => "brand name".into(),
        other => other.replace(['.', '_'], " "),
    }
}

/// Fills one entry for the context.
pub fn view(entry: &Entry, matched: Vec<String>, ctx: &Context) -> SuggestionView {
    let (values, guesses) = values(ctx);
    let text = ctx.site.map_or(entry.body.as_str(), |s| entry.text_for(s));
    let need = |name: &str| entry.need(name);
    let (text, missing) = match template::fill(text, &values, &need) {
        Ok(f) => (Some(f.text), Vec::new()),
        Err(FillError::Missing(names)) => (None, names.into_iter().map(|n| MissingVar { label: label(&n), guess: guesses.get(&n).cloned(), name: n }).collect()),
        // A malformed template can't be imported, but never insert raw braces regardless.
        Err(_) => (None, Vec::new()),
    };
    SuggestionView { id: entry.id.clone(), kind: entry.kind, title: entry.title.clone(), url: entry.url.clone(), matched, text, missing }
}

/// Entries tagged `dm` are written for the private conversation (they carry order numbers
/// and account details); they are never suggested as a public reply.
pub const PRIVATE_TAG: &str = "dm";

/// The best `k` public replies and articles for a post, filled.
pub fn suggest(kb: &KnowledgeBase, index: &Index, ctx: &Context, k: usize, feedback: &Feedback) -> Vec<SuggestionView> {
    suggest_with_thread(kb, index, ctx, &[], k, feedback)
}

/// The best `k` public replies and articles for a post given the thread above it (the
/// parent post and earlier replies the page shows), filled. The thread's words count at a
/// reduced weight ([`super::search::THREAD_WEIGHT`]): a vague reply ("same here, still
/// nothing") gets the thread's answer, a specific one keeps its own.
pub fn suggest_with_thread(kb: &KnowledgeBase, index: &Index, ctx: &Context, thread: &[String], k: usize, feedback: &Feedback) -> Vec<SuggestionView> {
    let Some(post) = ctx.post else { return Vec::new() };
    index
        .search_with_thread(&post.text, thread, k + 8, feedback)
        .into_iter()
        .filter_map(|s| kb.get(&s.id).filter(|e| !e.tags.iter().any(|t| t == PRIVATE_TAG)).map(|e| view(e, s.matched, ctx)))
        .take(k)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(name: &str, text: &str) -> Post {
        Post { key: "k".into(), site: SiteId::X, author_name: name.into(), handle: Some("dana_reyes".into()), text: text.into(), created_ms: None, time_approx: false, author_id: None, focal: false, permalink: None, is_brand: false }
    }

    #[test]
    fn signs_with_the_agents_first_name_or_drops_the_signature() {
        let kb = KnowledgeBase::starter();
        let e = kb.entries().iter().find(|e| e.body.contains("^{{agent.first_name}}") && e.need("agent.first_name") == crate::core::kb::Need::Optional).expect("a signed starter reply");
        let p = post("Dana Reyes", "hi");
        let with = Context { site: Some(SiteId::Facebook), post: Some(&p), agent_name: Some("Jo Park"), ..Context::default() };
        assert!(view(e, vec![], &with).text.unwrap().ends_with("^Jo"));
        let without = Context { site: Some(SiteId::Facebook), post: Some(&p), ..Context::default() };
        let text = view(e, vec![], &without).text.unwrap();
        assert!(!text.contains('^') && !text.contains("{{"), "{text}");
    }

    #[test]
    fn first_names_only_when_they_look_like_names() {
        assert_eq!(first_name("Dana Reyes").as_deref(), Some("Dana"));
        assert_eq!(first_name("María José").as_deref(), Some("María"));
        assert_eq!(first_name("dana_reyes"), None);
        assert_eq!(first_name("@DanaReyes"), None);
        assert_eq!(first_name("<img src=x>"), None);
    }

    #[test]
    fn fills_from_post_and_guesses_order_number() {
        let kb = KnowledgeBase::starter();
        let p = post("Dana Reyes", "Where is my order AC-20431?? still nothing");
        let patterns = vec!["AC-#####".to_string()];
        let ctx = Context { site: Some(SiteId::X), post: Some(&p), agent_name: Some("Jo Park"), brand_name: Some("Acme"), order_patterns: &patterns, given: BTreeMap::new() };
        let index = Index::new(&kb);
        let s = suggest(&kb, &index, &ctx, 5, &Feedback::default());
        assert!(!s.is_empty());
        for v in &s {
            if let Some(t) = &v.text {
                assert!(!t.contains("{{"), "{}: {t}", v.id);
            }
            for m in &v.missing {
                if m.name == "order.id" {
                    assert_eq!(m.guess.as_deref(), Some("AC-20431"));
                }
            }
        }
        let mut given = BTreeMap::new();
        given.insert("order.id".to_string(), "AC-20431".to_string());
        let ctx = Context { given, ..ctx };
        let s = suggest(&kb, &index, &ctx, 5, &Feedback::default());
        assert!(s.iter().all(|v| v.missing.iter().all(|m| m.name != "order.id")));
        assert!(s.iter().all(|v| kb.get(&v.id).is_some_and(|e| !e.tags.iter().any(|t| t == PRIVATE_TAG))), "no private-message entries for a public post");
    }

    #[test]
    fn a_vague_reply_gets_the_threads_answer() {
        let kb = KnowledgeBase::starter();
        let index = Index::new(&kb);
        let p = post("Dana Reyes", "same here, still nothing");
        let ctx = Context { site: Some(SiteId::Facebook), post: Some(&p), ..Context::default() };
        let thread = vec!["my refund still hasn't arrived after 3 weeks".to_string()];
        let s = suggest_with_thread(&kb, &index, &ctx, &thread, 3, &Feedback::default());
        let first = kb.get(&s.first().expect("a suggestion from the thread").id).unwrap();
        assert_eq!(first.intent.as_deref(), Some("refund"), "{}: {:?}", first.id, s.iter().map(|v| (&v.id, &v.matched)).collect::<Vec<_>>());
        assert!(s[0].matched.iter().any(|m| m == "refund (thread)"), "{:?}", s[0].matched);
    }
}
