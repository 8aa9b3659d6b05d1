//! Published, not inserted: a post counts as answered when the agent used the site's send
//! action in that post's composer **and** the brand's reply with that text then appears
//! on the page. Inserting a suggestion, or preparing a move to private, answers nothing:
//! a discarded draft leaves the post in the queue.

use crate::core::posts::Post;

/// How long a sent reply waits for the page to show it. Sites render a published reply
/// within seconds; a slow network or a rate-limit retry can take a minute or more, and
/// past a quarter of an hour the agent has moved on (a later match would be a guess).
pub const SENT_TTL_MS: i64 = 15 * 60_000;

/// Most replies waiting at once per tab (an agent sends a handful a minute).
const MAX_WAITING: usize = 50;

/// A reply the agent sent from a post's composer, waiting to be seen published.
#[derive(Debug, Clone, PartialEq)]
struct Sent {
    tab_id: i64,
    post_key: String,
    text: String,
    at: i64,
}

/// A sent reply seen published: the post it answers and the brand's post that is it.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub post_key: String,
    pub reply: Post,
}

/// Replies sent and not yet seen on the page.
#[derive(Debug, Default)]
pub struct Published {
    waiting: Vec<Sent>,
}

impl Published {
    /// The agent used the send action in post `post_key`'s composer with `text` in it.
    pub fn sent(&mut self, tab_id: i64, post_key: &str, text: &str, now_ms: i64) {
        self.waiting.retain(|s| now_ms - s.at <= SENT_TTL_MS && !(s.tab_id == tab_id && s.post_key == post_key));
        let text = normalise(text);
        if text.is_empty() {
            return;
        }
        if self.waiting.iter().filter(|s| s.tab_id == tab_id).count() >= MAX_WAITING {
            if let Some(i) = self.waiting.iter().position(|s| s.tab_id == tab_id) {
                self.waiting.remove(i);
            }
        }
        self.waiting.push(Sent { tab_id, post_key: post_key.to_string(), text, at: now_ms });
    }

    /// The brand's posts just read on tab `tab_id` that are replies the agent sent: each
    /// answers the post it was sent for. A brand post matches a sent reply when their
    /// words are the same (spacing, and the "@handle" a site puts before a reply, aside).
    pub fn seen(&mut self, tab_id: i64, new_brand_posts: &[&Post], now_ms: i64) -> Vec<Match> {
        self.waiting.retain(|s| now_ms - s.at <= SENT_TTL_MS);
        let mut out = Vec::new();
        for post in new_brand_posts {
            let text = normalise(&post.text);
            let Some(i) = self.waiting.iter().position(|s| s.tab_id == tab_id && s.text == text) else { continue };
            let sent = self.waiting.remove(i);
            out.push(Match { post_key: sent.post_key, reply: (*post).clone() });
        }
        out
    }

    /// A tab showing a new page drops what waited on the old one.
    pub fn forget_tab(&mut self, tab_id: i64) {
        self.waiting.retain(|s| s.tab_id != tab_id);
    }
}

/// Words of a reply for matching: leading "@handle" mentions dropped (YouTube, Instagram
/// and Reddit show a reply with the handle it answers), whitespace collapsed.
fn normalise(text: &str) -> String {
    let mut words = text.split_whitespace().peekable();
    while words.peek().is_some_and(|w| w.starts_with('@') && w.len() > 1) {
        words.next();
    }
    words.collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sites::SiteId;

    fn brand(key: &str, text: &str) -> Post {
        Post { key: key.into(), site: SiteId::Youtube, author_name: "Acme".into(), handle: Some("AcmeCare".into()), text: text.into(), created_ms: Some(5), time_approx: false, author_id: None, focal: false, permalink: None, is_brand: true }
    }

    #[test]
    fn a_sent_reply_seen_published_answers_its_post() {
        let mut p = Published::default();
        p.sent(1, "a", "Sorry Dana,  we're on it.", 0);
        let r = brand("r1", "@dana_reyes Sorry Dana, we're on it.");
        let got = p.seen(1, &[&r], 1000);
        assert_eq!(got, vec![Match { post_key: "a".into(), reply: r.clone() }]);
        assert!(p.seen(1, &[&r], 2000).is_empty(), "matched once");
    }

    #[test]
    fn other_text_other_tab_or_too_late_answers_nothing() {
        let mut p = Published::default();
        p.sent(1, "a", "Sorry Dana", 0);
        assert!(p.seen(1, &[&brand("r", "Thanks Marco")], 10).is_empty());
        assert!(p.seen(2, &[&brand("r", "Sorry Dana")], 10).is_empty());
        assert!(p.seen(1, &[&brand("r", "Sorry Dana")], SENT_TTL_MS + 1).is_empty());
    }

    #[test]
    fn sending_again_for_a_post_replaces_what_waited() {
        let mut p = Published::default();
        p.sent(1, "a", "first draft", 0);
        p.sent(1, "a", "final text", 5);
        assert!(p.seen(1, &[&brand("r", "first draft")], 10).is_empty());
        assert_eq!(p.seen(1, &[&brand("r", "final text")], 10).len(), 1);
    }

    #[test]
    fn a_new_page_forgets_what_waited() {
        let mut p = Published::default();
        p.sent(1, "a", "Sorry Dana", 0);
        p.forget_tab(1);
        assert!(p.seen(1, &[&brand("r", "Sorry Dana")], 10).is_empty());
    }
}
