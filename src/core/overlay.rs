//! What the in-page overlay shows: one card per post, and a page-level status that tells
//! the agent when Tactful can't read the page (never a silent nothing).

use crate::core::clock;
use crate::core::display;
use crate::core::posts::{Post, PostField};
use crate::core::sites::SiteProfile;
use serde::{Deserialize, Serialize};

/// Longest author name shown on a card.
pub const CARD_NAME_CHARS: usize = 60;

/// The overlay card for one post. Every string is plain text, to be set with `textContent`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub key: String,
    pub author: String,
    /// "@maria_l", when the handle was read.
    pub handle: Option<String>,
    /// "47 min", when the time was read.
    pub age: Option<String>,
    pub is_brand: bool,
    /// Full sentence for screen readers and the tooltip.
    pub label: String,
    /// How urgently the post needs an answer (customer posts).
    #[serde(default)]
    pub triage: Option<TriageBadge>,
}

/// A post's triage as its badge shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriageBadge {
    /// 0–100; the queue's order.
    pub priority: u8,
    pub urgent: bool,
    /// "negative, refund, 47 min of 60".
    pub why: String,
}

impl From<&crate::core::triage::TriageReport> for TriageBadge {
    fn from(r: &crate::core::triage::TriageReport) -> Self {
        TriageBadge { priority: r.priority, urgent: r.urgent, why: r.why.clone() }
    }
}

/// Whether the site profile still matches the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LayoutStatus {
    Ok,
    /// The profile no longer matches the page's markup.
    Unreadable { message: String },
}

/// The page's colour scheme, followed by the overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    /// Picks the theme from the page background as CSS reports it (`rgb(21, 32, 43)`).
    /// Unknown or transparent backgrounds count as light, the sites' default.
    pub fn from_css_color(color: &str) -> Theme {
        let inner = color
            .trim()
            .strip_prefix("rgba(")
            .or_else(|| color.trim().strip_prefix("rgb("))
            .and_then(|s| s.strip_suffix(')'));
        let Some(inner) = inner else { return Theme::Light };
        let parts: Vec<f64> = inner
            .split([',', ' ', '/'])
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.parse().ok())
            .collect();
        if parts.len() < 3 || parts.get(3) == Some(&0.0) {
            return Theme::Light;
        }
        // Relative luminance (WCAG), dark below the midpoint.
        let lin = |c: f64| {
            let c = c / 255.0;
            if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        let l = 0.2126 * lin(parts[0]) + 0.7152 * lin(parts[1]) + 0.0722 * lin(parts[2]);
        if l < 0.18 { Theme::Dark } else { Theme::Light }
    }
}

/// Everything the content script needs to draw for a batch of posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverlayView {
    pub site_name: String,
    pub cards: Vec<Card>,
    /// On a conversation page, the key of the post the others answer (a reply box under
    /// no post answers it, by the profile's `thread` rule).
    #[serde(default)]
    pub thread_root: Option<String>,
    /// Posts answered by replies this batch showed published (their cards are read again).
    #[serde(default)]
    pub answered: Vec<String>,
    pub status: LayoutStatus,
    pub theme: Theme,
}

/// Builds the card for one post.
pub fn card(post: &Post, now_ms: i64) -> Card {
    let author = display::clean(&post.author_name, CARD_NAME_CHARS);
    let handle = post.handle.as_ref().map(|h| format!("@{h}"));
    let age = post.created_ms.map(|t| clock::age_label(now_ms - t));
    let mut label = format!("{}{}", if post.is_brand { "Your brand's reply: " } else { "Post by " }, author);
    if let Some(h) = &handle {
        label.push_str(&format!(" ({h})"));
    }
    if let Some(a) = &age {
        label.push_str(&format!(", {a} ago"));
    }
    Card { key: post.key.clone(), author, handle, age, is_brand: post.is_brand, label, triage: None }
}

/// Decides whether the profile still reads this page.
///
/// - Posts were found but most could not be read: the markup of their parts changed.
/// - No post was found on a page that always shows posts, once the page has settled:
///   the container markup changed.
pub fn layout_status(
    profile: &SiteProfile,
    path: &str,
    read: usize,
    failed: &[Vec<PostField>],
    settled: bool,
) -> LayoutStatus {
    // Which markups were tried, so a report (or a profile file that fixes it) can say
    // which one the page no longer matches.
    let tried: Vec<&str> = profile.layouts.iter().map(|l| l.name.as_str()).collect();
    let unreadable = |detail: String| LayoutStatus::Unreadable {
        message: format!("Tactful can't read this page's layout ({}, layouts tried: {}): {detail}", profile.name, tried.join(", ")),
    };
    if !failed.is_empty() && failed.len() >= read {
        let mut fields: Vec<&str> = failed.iter().flatten().map(|f| f.label()).collect();
        fields.sort_unstable();
        fields.dedup();
        return unreadable(format!("the post {} could not be found.", fields.join(" and ")));
    }
    if settled && read == 0 && failed.is_empty() && profile.is_content_path(path) {
        return unreadable("no posts were found.".to_string());
    }
    LayoutStatus::Ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sites::{profile, SiteId};

    fn post(name: &str) -> Post {
        Post {
            key: "k".into(),
            site: SiteId::X,
            author_name: name.into(),
            handle: Some("eve".into()),
            text: "t".into(),
            created_ms: Some(0),
            time_approx: false,
            author_id: None,
            focal: false,
            permalink: None,
            is_brand: false,
        }
    }

    #[test]
    fn card_keeps_hostile_name_as_short_text() {
        let name = format!("<img src=x onerror=\"window.__pwned=1\">Eve</style>\u{202E}{}", "A".repeat(10_000));
        let c = card(&post(&name), 47 * 60_000);
        assert!(c.author.starts_with("<img src=x onerror="));
        assert!(!c.author.contains('\u{202E}'));
        assert_eq!(c.author.chars().count(), CARD_NAME_CHARS);
        assert_eq!(c.age.as_deref(), Some("47 min"));
        assert!(c.label.starts_with("Post by <img"), "{}", c.label);
    }

    #[test]
    fn brand_card_says_so() {
        let mut p = post("Acme Care");
        p.is_brand = true;
        assert!(card(&p, 0).label.starts_with("Your brand's reply: Acme Care"));
    }

    #[test]
    fn unreadable_when_every_post_lacks_parts() {
        let s = layout_status(profile(SiteId::X), "/home", 0, &[vec![PostField::Text], vec![PostField::Author, PostField::Text]], false);
        assert_eq!(
            s,
            LayoutStatus::Unreadable {
                message: format!("Tactful can't read this page's layout (X, layouts tried: {}): the post author and text could not be found.", profile(SiteId::X).layouts.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", "))
            }
        );
    }

    #[test]
    fn unreadable_when_settled_content_page_has_no_posts() {
        let s = layout_status(profile(SiteId::Facebook), "/", 0, &[], true);
        assert!(matches!(s, LayoutStatus::Unreadable { ref message } if message.starts_with("Tactful can't read this page's layout (Facebook, layouts tried: ") && message.ends_with("no posts were found.")));
    }

    #[test]
    fn dont_flag_pages_without_posts_or_still_loading() {
        assert_eq!(layout_status(profile(SiteId::X), "/settings/account", 0, &[], true), LayoutStatus::Ok);
        assert_eq!(layout_status(profile(SiteId::X), "/home", 0, &[], false), LayoutStatus::Ok);
        assert_eq!(layout_status(profile(SiteId::X), "/home", 5, &[vec![PostField::Text]], true), LayoutStatus::Ok);
    }

    #[test]
    fn theme_follows_page_background() {
        assert_eq!(Theme::from_css_color("rgb(0, 0, 0)"), Theme::Dark);
        assert_eq!(Theme::from_css_color("rgb(21, 32, 43)"), Theme::Dark);
        assert_eq!(Theme::from_css_color("rgb(255, 255, 255)"), Theme::Light);
        assert_eq!(Theme::from_css_color("rgba(0, 0, 0, 0)"), Theme::Light);
        assert_eq!(Theme::from_css_color("rgb(24 25 26)"), Theme::Dark);
        assert_eq!(Theme::from_css_color("garbage"), Theme::Light);
    }
}
