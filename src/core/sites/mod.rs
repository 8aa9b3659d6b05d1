//! Site profiles: how Tactful reads each social network, as data.
//!
//! One JSON file per site under `profiles/` is compiled in and parsed once. Code asks a
//! [`SiteProfile`] for selectors, editor kind, DM link and limits; it never branches on a
//! host name. The same JSON travels to the content script, which only runs the selectors.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Stable identifier of a supported site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SiteId {
    X,
    Facebook,
    Instagram,
    Linkedin,
    Reddit,
    Youtube,
}

impl SiteId {
    pub const ALL: [SiteId; 6] = [
        SiteId::X,
        SiteId::Facebook,
        SiteId::Instagram,
        SiteId::Linkedin,
        SiteId::Reddit,
        SiteId::Youtube,
    ];
}

/// The kind of editor a site's reply box is; insertion code picks its strategy from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EditorKind {
    /// Draft.js (React) contenteditable, as on X.
    Draft,
    /// Meta's Lexical contenteditable, as on Facebook and Reddit.
    Lexical,
    /// Quill-style `.ql-editor`, as on LinkedIn's earlier layout.
    Quill,
    /// ProseMirror (TipTap) contenteditable, as on LinkedIn today.
    Prosemirror,
    /// A plain `<textarea>`, as on Instagram.
    Textarea,
    /// A plain contenteditable with no framework model, as on YouTube.
    Contenteditable,
}

/// Where to read one field of a post, relative to the post's container element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// CSS selector inside the container; empty means the container itself.
    #[serde(default)]
    pub selector: String,
    /// Attribute to read; `None` reads the element's text.
    #[serde(default)]
    pub attr: Option<String>,
}

/// How a post's timestamp is written on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeFormat {
    /// An ISO 8601 / RFC 3339 instant, e.g. `<time datetime>`.
    Iso,
    /// A relative phrase, e.g. "47m", "2 hours ago", "Just now".
    Relative,
}

/// How a post's timestamp is found and read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeField {
    #[serde(flatten)]
    pub field: Field,
    pub format: TimeFormat,
}

/// How the author's handle is found: a field, then a pattern such as `/@{handle}` that the
/// raw value (usually a profile link) must match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandleField {
    #[serde(flatten)]
    pub field: Field,
    /// Patterns tried in order; `{handle}` captures the handle.
    pub patterns: Vec<String>,
}

/// Selectors for one post (a top-level post or a comment) and its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSelectors {
    /// Selector matching each post container on the page.
    pub container: String,
    /// Posts embedded in a post that are not it (a quoted tweet, a shared post): nothing
    /// inside an element matching this selector is read as the enclosing post's field.
    #[serde(default)]
    pub embedded: Option<String>,
    pub author_name: Field,
    pub handle: HandleField,
    pub text: Field,
    pub time: TimeField,
    pub permalink: Field,
    /// The author's stable id where the page gives one (Reddit's `author-id`), for DM
    /// routes that need it.
    #[serde(default)]
    pub author_id: Option<Field>,
    /// On a conversation page, the post being viewed matches this (X: the article with
    /// tabindex=-1, with the posts it replies to rendered above it); it is the post the
    /// page's own reply box answers. Without it, the page's first post is.
    #[serde(default)]
    pub focal: Option<String>,
}

/// Turns a URN into a permalink path: `{urn}` is the URN, `{urn_encoded}` the URN
/// encoded as a query value, `{id}` what follows `prefix` up to "," or ")".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrnRule {
    pub prefix: String,
    pub template: String,
}

/// The reply box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorProfile {
    pub selector: String,
    pub kind: EditorKind,
}

/// How to tell which post a reply box answers. A layout lists its rules in the order they
/// are tried; a box no rule attributes to exactly one post answers none (Tactful then
/// offers Copy instead of inserting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum OwnerRule {
    /// The box sits in the post's region: the nearest ancestor of the post (or the post
    /// itself) matching `selector`. The box answers the post whose region is its nearest
    /// enclosing one; a region shared by two posts attributes nothing. (Inline reply
    /// boxes under a comment: Facebook, YouTube, Reddit, LinkedIn.)
    Region { selector: String },
    /// The box sits in a dialog (matching `selector`) opened by a post's reply action: it
    /// answers the post whose reply action was used last before the dialog appeared (X).
    Dialog { selector: String },
    /// One shared box whose text starts with "@handle ": it answers the post whose reply
    /// action put the mention there (Instagram's comment box after "Reply").
    Mention,
    /// A box outside every post's region and every dialog answers the conversation's
    /// first post on a thread page (X's inline "Post your reply" under the focal post).
    Thread,
}

/// How a layout's reply composers are found, opened and sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyProfile {
    /// The post's own reply action (inside the post), which opens its composer; `None`
    /// where the composer is always shown.
    #[serde(default)]
    pub action: Option<String>,
    /// A control outside every post that opens the conversation's own composer, for the
    /// thread's first post (Reddit's collapsed "Join the conversation" box).
    #[serde(default)]
    pub thread_action: Option<String>,
    pub editor: EditorProfile,
    /// Which post a box answers, tried in order.
    pub owner: Vec<OwnerRule>,
    /// The composer around the editor (its nearest ancestor matching this), which holds
    /// the send button.
    pub form: String,
    /// The send button inside the composer. Its trusted use, then the brand's reply
    /// appearing under the post, is what "published" means.
    pub send: String,
}

/// A public source a selector rests on: a maintained extension or userscript that targets
/// the site, or documentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// What it supports ("post.container", "reply.editor", "dm").
    pub about: String,
    /// "owner/repo path" (with commit where known) or a documentation URL.
    pub source: String,
    /// When the source was last seen to hold this (YYYY-MM or YYYY-MM-DD).
    pub date: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// One markup a site serves (today's, and the one before it): a page is read with the
/// first layout whose post containers it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// Shown in diagnostics ("2026 feed", "2024 feed").
    pub name: String,
    pub post: PostSelectors,
    pub reply: ReplyProfile,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// How the platform opens a private conversation with a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DmProfile {
    /// URL template; `{handle}`, `{text}`, `{subject}` are filled, URL-encoded.
    pub template: Option<String>,
    /// Why there is no template, in the agent's words (e.g. YouTube has no DMs).
    #[serde(default)]
    pub unavailable_reason: Option<String>,
    /// Where the customer's messages are closed: a chat link by the author's stable id
    /// (`{author_id}`, read by the layout's `author_id`), which carries no text.
    #[serde(default)]
    pub closed_chat: Option<String>,
}

/// How reply length is counted and limited on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "count", rename_all = "snake_case")]
pub enum LengthRule {
    /// twitter-text v3 weighted counting (X).
    Weighted { max: u32 },
    /// Plain character (code point) count.
    Chars { max: u32 },
}

/// Everything Tactful knows about one site, loaded from `profiles/<id>.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteProfile {
    pub id: SiteId,
    /// Name shown to the agent ("X", "Facebook").
    pub name: String,
    /// Host names this profile serves (what the manifest matches).
    pub hosts: Vec<String>,
    /// Origin used to make relative links absolute.
    pub origin: String,
    /// Markups the site serves, tried in order (today's first).
    pub layouts: Vec<Layout>,
    /// Query parameters that identify a post in its permalink (YouTube's `v` and `lc`,
    /// Facebook's `comment_id`); every other parameter is tracking and is dropped.
    #[serde(default)]
    pub permalink_params: Vec<String>,
    /// Sites that identify posts by URN rather than link (LinkedIn) turn the URN into a
    /// permalink path with these rules.
    #[serde(default)]
    pub permalink_urns: Vec<UrnRule>,
    pub dm: DmProfile,
    pub length: LengthRule,
    /// Path prefixes of pages that always show posts; finding none there means the
    /// site's markup changed and the agent must be told.
    pub content_paths: Vec<String>,
    /// Path prefixes of conversation pages, where the first post is the one the others
    /// answer (a status and its replies): it is the thread above each reply.
    #[serde(default)]
    pub thread_paths: Vec<String>,
    /// What the real site uses today, with the date it was checked (documentation).
    pub notes: String,
}

/// A profile file that does not describe a usable site.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileError {
    /// The JSON did not parse into a profile.
    Malformed { site: String, reason: String },
    /// A handle pattern lacks the `{handle}` placeholder.
    HandlePattern { site: String, field: String, pattern: String },
    /// A required selector or name is empty.
    Empty { site: String, field: String },
    /// A selector is not valid CSS.
    Selector { site: String, field: String, reason: String },
    /// The profile lists no layout.
    NoLayouts { site: String },
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProfileError::Malformed { site, reason } => {
                write!(f, "site profile {site} is malformed: {reason}")
            }
            ProfileError::HandlePattern { site, field, pattern } => write!(
                f,
                "site profile {site}: {field}: the handle pattern {pattern:?} needs a {{handle}} placeholder"
            ),
            ProfileError::Empty { site, field } => {
                write!(f, "site profile {site}: {field} is empty")
            }
            ProfileError::Selector { site, field, reason } => {
                write!(f, "site profile {site}: {field} is not a valid selector ({reason})")
            }
            ProfileError::NoLayouts { site } => {
                write!(f, "site profile {site} lists no layout")
            }
        }
    }
}

impl std::error::Error for ProfileError {}

/// A cheap syntax check of a CSS selector: brackets, parentheses and quotes balance and
/// no combinator dangles. The browser compiles each selector too (the options page does,
/// before applying a profile file); this catches what a hand-edited file gets wrong
/// without a browser (the CLI, tests).
pub fn check_selector(sel: &str) -> Result<(), String> {
    let mut stack: Vec<char> = Vec::new();
    let mut quote: Option<char> = None;
    let mut chars = sel.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            match c {
                '\\' => {
                    chars.next();
                }
                c if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            '\\' => {
                chars.next();
            }
            '"' | '\'' => quote = Some(c),
            '[' | '(' => stack.push(c),
            ']' | ')' => {
                let open = if c == ']' { '[' } else { '(' };
                if stack.pop() != Some(open) {
                    return Err(format!("unexpected {c:?}"));
                }
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return Err("a quote is not closed".into());
    }
    if let Some(open) = stack.pop() {
        return Err(format!("{open:?} is not closed"));
    }
    for part in sel.split(',') {
        let part = part.trim();
        if part.is_empty() {
            return Err("an empty selector in a list".into());
        }
        if part.ends_with(['>', '+', '~']) {
            return Err(format!("{part:?} ends with a combinator"));
        }
    }
    Ok(())
}

const SOURCES: [(&str, &str); 6] = [
    ("x", include_str!("profiles/x.json")),
    ("facebook", include_str!("profiles/facebook.json")),
    ("instagram", include_str!("profiles/instagram.json")),
    ("linkedin", include_str!("profiles/linkedin.json")),
    ("reddit", include_str!("profiles/reddit.json")),
    ("youtube", include_str!("profiles/youtube.json")),
];

impl SiteProfile {
    /// Parses and checks one profile: every layout's selectors present and well formed,
    /// every handle pattern with its placeholder. The error names the field.
    pub fn from_json(site: &str, json: &str) -> Result<SiteProfile, ProfileError> {
        let p: SiteProfile = serde_json::from_str(json).map_err(|e| ProfileError::Malformed {
            site: site.to_string(),
            reason: e.to_string(),
        })?;
        if p.layouts.is_empty() {
            return Err(ProfileError::NoLayouts { site: site.to_string() });
        }
        for (i, layout) in p.layouts.iter().enumerate() {
            if layout.name.trim().is_empty() {
                return Err(ProfileError::Empty { site: site.to_string(), field: format!("layouts[{i}].name") });
            }
            for pattern in &layout.post.handle.patterns {
                if !pattern.contains("{handle}") {
                    return Err(ProfileError::HandlePattern {
                        site: site.to_string(),
                        field: format!("layouts[{i}].post.handle.patterns"),
                        pattern: pattern.clone(),
                    });
                }
            }
            if layout.reply.owner.is_empty() {
                return Err(ProfileError::Empty { site: site.to_string(), field: format!("layouts[{i}].reply.owner") });
            }
        }
        for (field, sel, required) in p.selectors() {
            if sel.trim().is_empty() {
                if required {
                    return Err(ProfileError::Empty { site: site.to_string(), field });
                }
                continue;
            }
            check_selector(sel).map_err(|reason| ProfileError::Selector { site: site.to_string(), field, reason })?;
        }
        Ok(p)
    }

    /// Every selector the profile holds, named by its place in the file, and whether it
    /// must be non-empty (a field's selector may be empty: it reads the post itself).
    pub fn selectors(&self) -> Vec<(String, &str, bool)> {
        let mut out = Vec::new();
        for (i, l) in self.layouts.iter().enumerate() {
            let at = |f: &str| format!("layouts[{i}].{f}");
            out.push((at("post.container"), l.post.container.as_str(), true));
            if let Some(e) = &l.post.embedded {
                out.push((at("post.embedded"), e.as_str(), true));
            }
            let fields = [
                ("post.author_name", &l.post.author_name),
                ("post.handle", &l.post.handle.field),
                ("post.text", &l.post.text),
                ("post.time", &l.post.time.field),
                ("post.permalink", &l.post.permalink),
            ];
            for (name, f) in fields {
                out.push((at(name), f.selector.as_str(), false));
            }
            if let Some(f) = &l.post.author_id {
                out.push((at("post.author_id"), f.selector.as_str(), false));
            }
            if let Some(f) = &l.post.focal {
                out.push((at("post.focal"), f.as_str(), true));
            }
            if let Some(a) = &l.reply.action {
                out.push((at("reply.action"), a.as_str(), true));
            }
            if let Some(a) = &l.reply.thread_action {
                out.push((at("reply.thread_action"), a.as_str(), true));
            }
            out.push((at("reply.editor"), l.reply.editor.selector.as_str(), true));
            out.push((at("reply.form"), l.reply.form.as_str(), true));
            out.push((at("reply.send"), l.reply.send.as_str(), true));
            for (j, rule) in l.reply.owner.iter().enumerate() {
                if let OwnerRule::Region { selector } | OwnerRule::Dialog { selector } = rule {
                    out.push((at(&format!("reply.owner[{j}]")), selector.as_str(), true));
                }
            }
        }
        out
    }

    /// The layout a raw post was read with (the first when the index is out of range).
    pub fn layout(&self, index: usize) -> &Layout {
        self.layouts.get(index).unwrap_or(&self.layouts[0])
    }

    /// Whether `host` (e.g. "www.x.com") is served by this profile.
    pub fn serves(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.contains(&host)
    }

    /// Whether `path` is a page that must show posts. Patterns are path prefixes whose
    /// `*` segments match any one segment ("/*/status/" matches "/maria/status/1").
    pub fn is_content_path(&self, path: &str) -> bool {
        path_matches(&self.content_paths, path)
    }

    /// Whether `path` is a conversation page (see `thread_paths`).
    pub fn is_thread_path(&self, path: &str) -> bool {
        path_matches(&self.thread_paths, path)
    }
}

/// Whether `path` matches one of `patterns`: path prefixes whose `*` segments match any
/// one segment ("/*/status/" matches "/maria/status/1").
fn path_matches(patterns: &[String], path: &str) -> bool {
    let segs: Vec<&str> = path.split('/').collect();
    patterns.iter().any(|pattern| {
        let pat: Vec<&str> = pattern.split('/').collect();
        // "/home" must match "/home" and "/home/…"; "/" only the root page itself.
        if pattern == "/" {
            return path == "/";
        }
        pat.len() <= segs.len()
            && pat.iter().zip(&segs).enumerate().all(|(i, (p, s))| {
                *p == "*" && !s.is_empty() || p == s || (i == pat.len() - 1 && p.is_empty())
            })
    })
}

/// All built-in profiles, parsed once.
pub fn profiles() -> &'static [SiteProfile] {
    static PROFILES: OnceLock<Vec<SiteProfile>> = OnceLock::new();
    PROFILES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(site, json)| {
                SiteProfile::from_json(site, json)
                    .unwrap_or_else(|e| panic!("built-in profile is checked by tests: {e}"))
            })
            .collect()
    })
}

thread_local! {
    /// Profiles the team loaded from a file (options page) in place of the built-in ones,
    /// without a release. Leaked on purpose: a team replaces them a few times a year, and
    /// tabs hold `&'static` profiles. Per thread, so native tests don't see each other's.
    static TEAM: std::cell::RefCell<Vec<&'static SiteProfile>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Puts the team's profiles in place of the built-in ones for their sites (an empty list
/// goes back to the built-in profiles).
pub fn use_team_profiles(team: Vec<SiteProfile>) {
    let leaked: Vec<&'static SiteProfile> = team.into_iter().map(|p| &*Box::leak(Box::new(p))).collect();
    TEAM.with(|t| *t.borrow_mut() = leaked);
}

/// The sites the team's own profiles serve now.
pub fn team_profile_sites() -> Vec<SiteId> {
    TEAM.with(|t| t.borrow().iter().map(|p| p.id).collect())
}

/// A team's profile file: one profile or a list of them. Checked whole: the first profile
/// that fails rejects the file, naming the site and field; two profiles for one site are
/// refused too.
pub fn team_profiles_from_json(json: &str) -> Result<Vec<SiteProfile>, ProfileError> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| ProfileError::Malformed { site: "file".into(), reason: e.to_string() })?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        one => vec![one],
    };
    let mut out: Vec<SiteProfile> = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let site = item.get("id").and_then(|v| v.as_str()).map(String::from).unwrap_or_else(|| format!("#{}", i + 1));
        let p = SiteProfile::from_json(&site, &item.to_string())?;
        if out.iter().any(|q| q.id == p.id) {
            return Err(ProfileError::Malformed { site, reason: "the file has two profiles for this site".into() });
        }
        out.push(p);
    }
    if out.is_empty() {
        return Err(ProfileError::Malformed { site: "file".into(), reason: "it holds no profile".into() });
    }
    Ok(out)
}

/// The profile serving `host`, if Tactful supports it: the team's, else the built-in one.
pub fn profile_for_host(host: &str) -> Option<&'static SiteProfile> {
    TEAM.with(|t| t.borrow().iter().copied().find(|p| p.serves(host))).or_else(|| profiles().iter().find(|p| p.serves(host)))
}

/// The profile for a site id: the team's, else the built-in one.
pub fn profile(id: SiteId) -> &'static SiteProfile {
    TEAM.with(|t| t.borrow().iter().copied().find(|p| p.id == id)).unwrap_or_else(|| {
        profiles()
            .iter()
            .find(|p| p.id == id)
            .expect("every SiteId has a built-in profile (checked by tests)")
    })
}

/// Fills a profile's DM template. Returns `None` when the platform has no DM link.
pub fn dm_link(profile: &SiteProfile, handle: &str, subject: &str, text: &str) -> Option<String> {
    let template = profile.dm.template.as_ref()?;
    Some(
        template
            .replace("{handle}", &url_encode(handle))
            .replace("{subject}", &url_encode(subject))
            .replace("{text}", &url_encode(text)),
    )
}

/// The chat link for a customer whose messages are closed, by their stable id, where the
/// site has one. Ids are letters, digits, `_` and `-` only (checked when the post is read).
pub fn closed_chat_link(profile: &SiteProfile, author_id: &str) -> Option<String> {
    Some(profile.dm.closed_chat.as_ref()?.replace("{author_id}", &url_encode(author_id)))
}

/// Percent-encodes as JavaScript's encodeURIComponent does (leaves `!'()*` alone).
pub fn uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'!' | b'\'' | b'(' | b')' | b'*' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_site_has_one_valid_profile() {
        for id in SiteId::ALL {
            let matching: Vec<_> = profiles().iter().filter(|p| p.id == id).collect();
            assert_eq!(matching.len(), 1, "{id:?}");
        }
    }

    #[test]
    fn hosts_with_and_without_www_are_served() {
        for (host, id) in [
            ("x.com", SiteId::X),
            ("www.x.com", SiteId::X),
            ("WWW.FACEBOOK.COM", SiteId::Facebook),
            ("instagram.com", SiteId::Instagram),
            ("www.linkedin.com", SiteId::Linkedin),
            ("www.reddit.com", SiteId::Reddit),
            ("youtube.com.", SiteId::Youtube),
        ] {
            assert_eq!(profile_for_host(host).map(|p| p.id), Some(id), "{host}");
        }
    }

    #[test]
    fn dont_serve_lookalike_hosts() {
        for host in ["evilx.com", "x.com.evil.test", "m.facebook.com.attacker.io", "example.org", ""] {
            assert!(profile_for_host(host).is_none(), "{host}");
        }
    }

    #[test]
    fn editor_kinds_match_what_each_site_uses() {
        // Today's layout first.
        let kind = |id| profile(id).layouts[0].reply.editor.kind;
        assert_eq!(kind(SiteId::X), EditorKind::Draft);
        assert_eq!(kind(SiteId::Facebook), EditorKind::Lexical);
        assert_eq!(kind(SiteId::Instagram), EditorKind::Textarea);
        assert_eq!(kind(SiteId::Linkedin), EditorKind::Prosemirror);
        assert_eq!(kind(SiteId::Reddit), EditorKind::Lexical);
        assert_eq!(kind(SiteId::Youtube), EditorKind::Contenteditable);
    }

    #[test]
    fn dm_link_encodes_hostile_text() {
        let link = dm_link(profile(SiteId::Reddit), "maria_l", "Your order", "Hi & <b>\"x\"</b> ✓").unwrap();
        assert!(link.starts_with("https://www.reddit.com/message/compose/?to=maria_l&subject=Your%20order&message="));
        assert!(link.ends_with("Hi%20%26%20%3Cb%3E%22x%22%3C%2Fb%3E%20%E2%9C%93"), "{link}");
    }

    #[test]
    fn youtube_has_no_dm_and_says_why() {
        let yt = profile(SiteId::Youtube);
        assert_eq!(dm_link(yt, "a", "b", "c"), None);
        assert!(yt.dm.unavailable_reason.as_deref().unwrap_or("").contains("YouTube"));
    }

    #[test]
    fn conversation_pages_have_a_thread() {
        assert!(profile(SiteId::X).is_thread_path("/dana/status/1"));
        assert!(!profile(SiteId::X).is_thread_path("/home"));
        assert!(profile(SiteId::Reddit).is_thread_path("/r/AcmeRouters/comments/1ix/title/"));
        assert!(!profile(SiteId::Youtube).is_thread_path("/watch"), "comments under a video answer the video, not the first comment");
    }

    #[test]
    fn content_paths_match_segments() {
        let x = profile(SiteId::X);
        assert!(x.is_content_path("/home"));
        assert!(x.is_content_path("/maria_l/status/1890000000000000002"));
        assert!(!x.is_content_path("/maria_l"));
        assert!(!x.is_content_path("/settings/account"));
    }

    #[test]
    fn rejects_profile_without_handle_placeholder() {
        let json = include_str!("profiles/x.json").replace("/{handle}", "/{user}");
        let err = SiteProfile::from_json("x", &json).unwrap_err();
        assert!(matches!(err, ProfileError::HandlePattern { .. }), "{err}");
        assert!(err.to_string().contains("layouts[0].post.handle.patterns"), "names the field: {err}");
    }

    #[test]
    fn rejects_profile_with_broken_selector_naming_the_field() {
        let mut p: serde_json::Value = serde_json::from_str(include_str!("profiles/reddit.json")).unwrap();
        p["layouts"][0]["reply"]["send"] = "button[type=submit".into();
        let err = SiteProfile::from_json("reddit", &p.to_string()).unwrap_err();
        assert_eq!(err.to_string(), "site profile reddit: layouts[0].reply.send is not a valid selector ('[' is not closed)");
        p["layouts"][0]["reply"]["send"] = "".into();
        let err = SiteProfile::from_json("reddit", &p.to_string()).unwrap_err();
        assert_eq!(err.to_string(), "site profile reddit: layouts[0].reply.send is empty");
        p["layouts"] = serde_json::json!([]);
        assert_eq!(SiteProfile::from_json("reddit", &p.to_string()).unwrap_err(), ProfileError::NoLayouts { site: "reddit".into() });
    }

    #[test]
    fn a_team_profile_file_replaces_a_site_s_profile_or_is_rejected_whole() {
        let mut x: serde_json::Value = serde_json::from_str(include_str!("profiles/x.json")).unwrap();
        x["layouts"][0]["name"] = "team fix".into();
        let mut bad = x.clone();
        bad["id"] = "reddit".into();
        bad["hosts"] = serde_json::json!(["www.reddit.com"]);
        bad["layouts"][0]["post"]["text"]["selector"] = "div[data-x".into();
        let file = serde_json::json!([x, bad]).to_string();
        let err = team_profiles_from_json(&file).unwrap_err();
        assert_eq!(err.to_string(), "site profile reddit: layouts[0].post.text is not a valid selector ('[' is not closed)");
        assert_eq!(profile(SiteId::X).layouts[0].name, profiles()[0].layouts[0].name, "nothing applied");
        let good = team_profiles_from_json(&x.to_string()).unwrap();
        use_team_profiles(good);
        assert_eq!(profile_for_host("x.com").unwrap().layouts[0].name, "team fix");
        assert_eq!(profile(SiteId::X).layouts[0].name, "team fix");
        assert_eq!(team_profile_sites(), [SiteId::X]);
        assert_eq!(profile(SiteId::Reddit).id, SiteId::Reddit, "other sites keep theirs");
        use_team_profiles(vec![]);
        assert_ne!(profile(SiteId::X).layouts[0].name, "team fix");
        assert!(team_profiles_from_json("[x, 1]").unwrap_err().to_string().starts_with("site profile file is malformed"));
        let twice = serde_json::json!([x.clone(), x]).to_string();
        assert!(team_profiles_from_json(&twice).unwrap_err().to_string().contains("two profiles for this site"));
    }

    #[test]
    fn selector_check_accepts_real_selectors_and_rejects_broken_ones() {
        for ok in ["article[data-testid=\"tweet\"]", "a[href*=\"/status/\"]:has(> time)", "shreddit-comment[author], details[role=article]", "[aria-label^='Comment by']"] {
            assert_eq!(check_selector(ok), Ok(()), "{ok}");
        }
        for bad in ["a[href", "div)", "a, ", "ul >", "a[title=\"x]"] {
            assert!(check_selector(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rejects_malformed_profile_with_reason() {
        let err = SiteProfile::from_json("x", "{\"id\": \"x\"").unwrap_err();
        assert!(err.to_string().starts_with("site profile x is malformed"), "{err}");
    }
}
