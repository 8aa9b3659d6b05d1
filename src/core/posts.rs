//! Reading posts: from the raw strings a content script pulled out of the page with a
//! site profile's selectors, to a normalised [`Post`] (handle, absolute permalink, time).

use crate::core::clock;
use crate::core::sites::{SiteId, SiteProfile, TimeFormat};
use serde::{Deserialize, Serialize};

/// Upper bound on stored post text; longer text is cut (a post is at most a few thousand
/// characters on every supported site; anything longer is abuse).
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Upper bound on a stored author name.
pub const MAX_NAME_CHARS: usize = 500;

/// What the content script read for one post: each field as the page had it, or `None`
/// when the profile's selector found nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawPost {
    /// Key the content script gave this post element (unique within the page).
    pub key: String,
    #[serde(default)]
    pub author_name: Option<String>,
    #[serde(default)]
    pub handle: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub time: Option<String>,
    #[serde(default)]
    pub permalink: Option<String>,
    /// The author's stable id, where the layout reads one.
    #[serde(default)]
    pub author_id: Option<String>,
    /// Which of the profile's layouts read it (its index).
    #[serde(default)]
    pub layout: usize,
    /// The post the conversation page is about (the layout's `focal` selector matched).
    #[serde(default)]
    pub focal: bool,
}

/// A post as Tactful understands it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    pub key: String,
    pub site: SiteId,
    /// Display name as the page shows it (may be the handle where the site shows no name).
    pub author_name: String,
    /// Handle without "@" or URL parts.
    pub handle: Option<String>,
    pub text: String,
    /// Unix ms, when the page showed a readable time.
    pub created_ms: Option<i64>,
    /// The time was read from a relative phrase ("3 h"): right to its unit, not exact.
    #[serde(default)]
    pub time_approx: bool,
    /// The author's stable id where the page gives one (Reddit's `author-id`).
    #[serde(default)]
    pub author_id: Option<String>,
    /// The post the conversation page is about.
    #[serde(default)]
    pub focal: bool,
    /// Absolute https URL on the site's own origin.
    pub permalink: Option<String>,
    /// Posted by the team's own account on this site.
    pub is_brand: bool,
}

/// A part of a post the profile's selectors could not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostField {
    Author,
    Text,
}

impl PostField {
    /// The word the agent sees.
    pub fn label(self) -> &'static str {
        match self {
            PostField::Author => "author",
            PostField::Text => "text",
        }
    }
}

/// Reads one raw post. Fails with the fields that are missing when the post can't be
/// understood (no author, or no text): the site's markup has likely changed.
pub fn read_post(
    profile: &SiteProfile,
    raw: &RawPost,
    now_ms: i64,
    brand_handle: Option<&str>,
) -> Result<Post, Vec<PostField>> {
    let handle = raw.handle.as_deref().and_then(|h| parse_handle(profile, h));
    let name = raw
        .author_name
        .as_deref()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| truncate(s, MAX_NAME_CHARS))
        .or_else(|| handle.clone());
    // A post's text may legitimately be empty (an image-only post) but the text element
    // must exist; `None` means the selector matched nothing.
    let text = raw.text.as_deref().map(|s| truncate(s.trim(), MAX_TEXT_CHARS));
    let mut missing = Vec::new();
    if name.is_none() {
        missing.push(PostField::Author);
    }
    if text.is_none() {
        missing.push(PostField::Text);
    }
    let (Some(author_name), Some(text)) = (name, text) else {
        return Err(missing);
    };
    let format = profile.layout(raw.layout).post.time.format;
    let created_ms = raw.time.as_deref().and_then(|t| match format {
        TimeFormat::Iso => clock::parse_iso(t),
        TimeFormat::Relative => clock::parse_relative(t, now_ms),
    });
    let author_id = raw
        .author_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 100 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map(String::from);
    let is_brand = match (&handle, brand_handle) {
        (Some(h), Some(b)) => h.eq_ignore_ascii_case(b.trim_start_matches('@')),
        _ => false,
    };
    Ok(Post {
        key: raw.key.clone(),
        site: profile.id,
        author_name,
        handle,
        text,
        created_ms,
        time_approx: created_ms.is_some() && format == TimeFormat::Relative,
        author_id,
        focal: raw.focal,
        permalink: raw.permalink.as_deref().and_then(|p| absolute_url(profile, p)),
        is_brand,
    })
}

fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// Extracts a handle from what the page shows ("@maria_l", "/maria_l", a profile URL)
/// using the profile's patterns. Returns `None` if nothing matches.
pub fn parse_handle(profile: &SiteProfile, raw: &str) -> Option<String> {
    let raw = raw.trim();
    let with_query = strip_own_origin(profile, raw).unwrap_or(raw).split('#').next().unwrap_or("");
    let path = with_query.split('?').next().unwrap_or("");
    let patterns = profile.layouts.iter().flat_map(|l| l.post.handle.patterns.iter());
    patterns.into_iter().find_map(|pattern| {
        let (prefix, suffix) = pattern.split_once("{handle}")?;
        // A pattern with a query ("/profile.php?id={handle}") matches against the query too.
        let in_query = prefix.contains('?');
        let rest = (if in_query { with_query } else { path }).strip_prefix(prefix)?;
        let end = rest.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))).unwrap_or(rest.len());
        let (handle, after) = rest.split_at(end);
        let fits = if suffix.is_empty() {
            after.is_empty() || after == "/" || (in_query && after.starts_with('&'))
        } else {
            after.trim_end_matches('/') == suffix.trim_end_matches('/')
        };
        (fits && !handle.is_empty() && handle.len() <= 100).then(|| handle.to_string())
    })
}

/// Returns the path part of `url` if it is on one of the profile's hosts (https only).
fn strip_own_origin<'a>(profile: &SiteProfile, url: &'a str) -> Option<&'a str> {
    let rest = url.strip_prefix("https://")?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    profile.serves(host).then_some(path)
}

/// Makes a permalink absolute on the site's origin and drops tracking parameters (only
/// the profile's `permalink_params` are kept). Links to other hosts or other schemes
/// (`javascript:`) are dropped: a permalink we show must lead to the post.
pub fn absolute_url(profile: &SiteProfile, raw: &str) -> Option<String> {
    let raw = raw.trim();
    let from_urn;
    let raw = match urn_path(profile, raw) {
        Some(p) => {
            from_urn = p;
            from_urn.as_str()
        }
        None => raw,
    };
    let path = match strip_own_origin(profile, raw) {
        Some(path) => path,
        None if raw.starts_with('/') && !raw.starts_with("//") => raw,
        None => return None,
    };
    let path = path.split('#').next().unwrap_or("");
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| profile.permalink_params.iter().any(|p| kv.split('=').next() == Some(p.as_str())))
        .collect();
    let query = if kept.is_empty() { String::new() } else { format!("?{}", kept.join("&")) };
    Some(format!("{}{}{}", profile.origin, path, query))
}

/// The permalink path for a URN, by the profile's first matching rule.
fn urn_path(profile: &SiteProfile, urn: &str) -> Option<String> {
    let rule = profile.permalink_urns.iter().find(|r| urn.starts_with(&r.prefix))?;
    let rest = &urn[rule.prefix.len()..];
    let id = &rest[..rest.find([',', ')']).unwrap_or(rest.len())];
    Some(rule.template.replace("{urn_encoded}", &crate::core::sites::uri_component(urn)).replace("{urn}", urn).replace("{id}", id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sites::{profile, SiteId};

    fn raw(name: &str, handle: &str, text: &str) -> RawPost {
        RawPost {
            key: "k1".into(),
            author_name: Some(name.into()),
            handle: Some(handle.into()),
            text: Some(text.into()),
            time: None,
            permalink: None,
            ..Default::default()
        }
    }

    #[test]
    fn reads_x_post_with_iso_time() {
        let mut r = raw("María 🌮", "/maria_l", "My order #123 never arrived 😡");
        r.time = Some("2026-11-23T11:13:00.000Z".into());
        r.permalink = Some("/maria_l/status/1890000000000000002".into());
        let now = clock::parse_iso("2026-11-23T12:00:00Z").unwrap();
        let p = read_post(profile(SiteId::X), &r, now, Some("AcmeCare")).unwrap();
        assert_eq!(p.handle.as_deref(), Some("maria_l"));
        assert_eq!(p.author_name, "María 🌮");
        assert_eq!(now - p.created_ms.unwrap(), 47 * 60_000);
        assert_eq!(p.permalink.as_deref(), Some("https://x.com/maria_l/status/1890000000000000002"));
        assert!(!p.is_brand);
    }

    #[test]
    fn marks_brand_replies_case_insensitively() {
        let p = read_post(profile(SiteId::X), &raw("Acme Care", "/acmecare", "Sorry!"), 0, Some("@AcmeCare")).unwrap();
        assert!(p.is_brand);
    }

    #[test]
    fn handles_from_each_site_link_shape() {
        for (site, link, want) in [
            (SiteId::X, "https://x.com/maria_l", "maria_l"),
            (SiteId::Youtube, "/@MariaL-9", "MariaL-9"),
            (SiteId::Linkedin, "https://www.linkedin.com/in/maria-lopez-12/", "maria-lopez-12"),
            (SiteId::Instagram, "/maria.l/", "maria.l"),
            (SiteId::Reddit, "maria_l", "maria_l"),
        ] {
            assert_eq!(parse_handle(profile(site), link).as_deref(), Some(want), "{site:?} {link}");
        }
    }

    #[test]
    fn dont_take_handles_from_other_hosts_or_paths() {
        assert_eq!(parse_handle(profile(SiteId::X), "https://evil.test/maria_l"), None);
        assert_eq!(parse_handle(profile(SiteId::X), "/maria_l/status/1"), None);
        assert_eq!(parse_handle(profile(SiteId::X), "/<img>"), None);
    }

    #[test]
    fn drops_foreign_and_script_permalinks() {
        let x = profile(SiteId::X);
        assert_eq!(absolute_url(x, "javascript:alert(1)"), None);
        assert_eq!(absolute_url(x, "//evil.test/a"), None);
        assert_eq!(absolute_url(x, "https://evil.test/a"), None);
        assert_eq!(absolute_url(x, "https://www.x.com/a/status/1").as_deref(), Some("https://x.com/a/status/1"));
    }

    #[test]
    fn permalinks_keep_only_identifying_params() {
        let fb = profile(SiteId::Facebook);
        assert_eq!(
            absolute_url(fb, "https://www.facebook.com/AcmeCare/posts/pfbid02?comment_id=11&__cft__[0]=AZX&__tn__=R]-R").as_deref(),
            Some("https://www.facebook.com/AcmeCare/posts/pfbid02?comment_id=11")
        );
        assert_eq!(absolute_url(fb, "/AcmeCare/posts/pfbid02?__tn__=%2CO").as_deref(), Some("https://www.facebook.com/AcmeCare/posts/pfbid02"));
    }

    #[test]
    fn linkedin_permalinks_from_urns() {
        let li = profile(SiteId::Linkedin);
        assert_eq!(absolute_url(li, "urn:li:activity:74001").as_deref(), Some("https://www.linkedin.com/feed/update/urn:li:activity:74001/"));
        assert_eq!(
            absolute_url(li, "urn:li:comment:(activity:74001,74009)").as_deref(),
            Some("https://www.linkedin.com/feed/update/urn:li:activity:74001/?commentUrn=urn%3Ali%3Acomment%3A(activity%3A74001%2C74009)")
        );
        assert_eq!(absolute_url(li, "urn:li:other:1"), None);
    }

    #[test]
    fn facebook_handles_from_numeric_and_vanity_links() {
        let fb = profile(SiteId::Facebook);
        assert_eq!(parse_handle(fb, "https://www.facebook.com/profile.php?id=100087654321001&comment_id=1&__tn__=R").as_deref(), Some("100087654321001"));
        assert_eq!(parse_handle(fb, "https://www.facebook.com/marco.bianchi.77?comment_id=1").as_deref(), Some("marco.bianchi.77"));
        assert_eq!(parse_handle(fb, "https://www.facebook.com/AcmeCare/posts/pfbid02"), None);
    }

    #[test]
    fn rejects_post_without_author_or_text_naming_fields() {
        let r = RawPost { key: "k".into(), ..Default::default() };
        assert_eq!(
            read_post(profile(SiteId::X), &r, 0, None),
            Err(vec![PostField::Author, PostField::Text])
        );
    }

    #[test]
    fn uses_handle_when_site_shows_no_name() {
        let mut r = raw("", "/maria.l/", "hi");
        r.author_name = None;
        let p = read_post(profile(SiteId::Instagram), &r, 0, None).unwrap();
        assert_eq!(p.author_name, "maria.l");
    }

    #[test]
    fn caps_hostile_lengths() {
        let r = raw(&"<img src=x onerror=alert(1)>".repeat(1000), "/eve", &"a".repeat(50_000));
        let p = read_post(profile(SiteId::X), &r, 0, None).unwrap();
        assert_eq!(p.author_name.chars().count(), MAX_NAME_CHARS);
        assert_eq!(p.text.len(), MAX_TEXT_CHARS);
    }
}
