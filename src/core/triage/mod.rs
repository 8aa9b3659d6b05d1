//! Triage of incoming posts: what needs an agent first.
//!
//! [`Triage`] is built once per knowledge base and settings change; [`Triage::score`] then
//! scores one post at a time (the extension calls it as each post appears; no index is
//! built per call) into a [`TriageReport`]: intent (voted by the knowledge base),
//! sentiment, urgency with reasons, personal data shown masked, age against the channel's
//! response-time target, and a 0–100 priority with a short explanation.
//!
//! ```
//! use tactful::core::kb::KnowledgeBase;
//! use tactful::core::sites::SiteId;
//! use tactful::core::triage::{PostInput, Triage, TriageSettings};
//! let triage = Triage::new(&KnowledgeBase::starter(), TriageSettings::default()).expect("default settings are valid");
//! let now = 1_790_000_000_000;
//! let post = PostInput { text: "My charger is smoking and my kid was next to it", created_ms: Some(now - 12 * 60_000), channel: Some(SiteId::X), ..PostInput::default() };
//! let report = triage.score(&post, now);
//! assert!(report.urgent);
//! assert!(report.why.starts_with("urgent: safety (smoking, my kid)"));
//! ```
//!
//! - [`intent`]: the knowledge-base vote and its fallbacks (spam, praise, question).
//! - [`urgency`]: safety, fraud, legal, outage and cancellation cues (`cues.json`), repeat
//!   posts, reach.
//! - [`age`]: response-time targets per channel.
//! - [`weights`]: the points for each signal and the urgency knobs ([`TriageWeights`]).
//! - [`priority`]: the 0–100 priority from the signals and weights, and its explanation.

pub mod age;
pub mod cues;
pub mod intent;
pub mod priority;
pub mod urgency;
pub mod weights;

pub use age::{Age, ResponseTargets};
pub use intent::Intent;
pub use urgency::Urgency;
pub use weights::TriageWeights;

use crate::core::kb::KnowledgeBase;
use crate::core::pii;
use crate::core::sentiment::{self, Label, Sentiment};
use crate::core::sites::SiteId;
use crate::core::text::words::words;
use serde::{Deserialize, Serialize};

/// Why triage input or settings were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TriageError {
    /// A `created_at` that is not an RFC 3339 time.
    BadTime { value: String },
    /// A channel name Tactful does not know.
    UnknownChannel { name: String },
    /// A response-time target of zero minutes.
    ZeroTarget { channel: &'static str },
    /// A weight that is negative or not a number.
    BadWeight { name: String },
}

impl std::fmt::Display for TriageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TriageError::BadTime { value } => write!(f, "{value:?} is not an RFC 3339 time; write it like 2026-03-01T12:00:00Z"),
            TriageError::UnknownChannel { name } => write!(f, "no channel named {name:?}; use x, facebook, instagram, linkedin, reddit or youtube"),
            TriageError::ZeroTarget { channel } => write!(f, "the response-time target for {channel} is 0 minutes; give at least 1"),
            TriageError::BadWeight { name } => write!(f, "the triage weight {name} must be a number of 0 or more"),
        }
    }
}

impl std::error::Error for TriageError {}

/// Reads a post's RFC 3339 creation time into Unix ms.
pub fn parse_created_at(value: &str) -> Result<i64, TriageError> {
    crate::core::clock::parse_iso(value).ok_or_else(|| TriageError::BadTime { value: value.to_string() })
}

/// Reads a channel name ("x", "twitter", "facebook", …), case-insensitive.
pub fn parse_channel(name: &str) -> Result<SiteId, TriageError> {
    let lower = name.trim().to_lowercase();
    let lower = if lower == "twitter" { "x".to_string() } else { lower };
    SiteId::ALL
        .into_iter()
        .find(|s| serde_json::to_value(s).ok().and_then(|v| v.as_str().map(|n| n == lower)) == Some(true))
        .ok_or_else(|| TriageError::UnknownChannel { name: name.to_string() })
}

/// The team's triage settings. Missing fields in a settings file keep their defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TriageSettings {
    pub weights: TriageWeights,
    pub targets: ResponseTargets,
    /// Team patterns for order/account numbers that count as personal data ("AC-#####");
    /// empty by default, since an order number in public is rarely a reason to hurry.
    pub order_patterns: Vec<String>,
}

impl TriageSettings {
    pub fn validate(&self) -> Result<(), TriageError> {
        if let Some(channel) = self.targets.zero() {
            return Err(TriageError::ZeroTarget { channel });
        }
        if let Some(name) = self.weights.invalid() {
            return Err(TriageError::BadWeight { name });
        }
        Ok(())
    }
}

/// One post to triage, as the page or a file shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PostInput<'a> {
    pub text: &'a str,
    /// Unix ms, when known.
    pub created_ms: Option<i64>,
    pub channel: Option<SiteId>,
    /// Earlier posts by the same author in view or recent (this one not counted).
    pub earlier_posts_by_author: u32,
    /// The author's follower count, when the page shows it.
    pub followers: Option<u64>,
}

impl<'a> PostInput<'a> {
    /// The input for a post read from a page.
    pub fn from_post(post: &'a crate::core::posts::Post) -> PostInput<'a> {
        PostInput { text: &post.text, created_ms: post.created_ms, channel: Some(post.site), ..PostInput::default() }
    }
}

/// Everything triage says about one post. Serialises as the `tactful triage` output line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageReport {
    pub intent: Intent,
    pub sentiment: Sentiment,
    pub urgent: bool,
    pub urgency: Urgency,
    /// Whether the post shows personal data in public.
    pub pii: bool,
    /// The personal data found, masked ("j***@example.com", "***-***-4567").
    pub pii_items: Vec<String>,
    /// Its kinds ("email address"), each once.
    #[serde(default)]
    pub pii_kinds: Vec<String>,
    /// Age against the channel's target; none when the post's time is unknown.
    pub age: Option<Age>,
    pub priority: u8,
    /// "negative, refund, 47 min of 60".
    pub why: String,
}

/// The prepared triage: the knowledge base's intent model and the team's settings.
pub struct Triage {
    intents: intent::IntentModel,
    settings: TriageSettings,
}

impl Triage {
    /// Prepares triage for a knowledge base (builds its search index once).
    pub fn new(kb: &KnowledgeBase, settings: TriageSettings) -> Result<Triage, TriageError> {
        settings.validate()?;
        Ok(Triage { intents: intent::IntentModel::new(kb), settings })
    }

    /// Triage over `index`, already built from `kb`.
    pub fn with_index(kb: &KnowledgeBase, index: crate::core::kb::search::Index, settings: TriageSettings) -> Result<Triage, TriageError> {
        settings.validate()?;
        Ok(Triage { intents: intent::IntentModel::with_index(kb, index), settings })
    }

    pub fn settings(&self) -> &TriageSettings {
        &self.settings
    }

    /// New weights or targets, keeping the prepared knowledge base.
    pub fn set_settings(&mut self, settings: TriageSettings) -> Result<(), TriageError> {
        settings.validate()?;
        self.settings = settings;
        Ok(())
    }

    /// The knowledge base's search index (shared with reply suggestions).
    pub fn index(&self) -> &crate::core::kb::search::Index {
        self.intents.index()
    }

    /// Scores one post at `now_ms` (Unix ms).
    pub fn score(&self, post: &PostInput, now_ms: i64) -> TriageReport {
        let w = &self.settings.weights;
        let ws = words(post.text);
        let sentiment: Sentiment = sentiment::score(post.text);
        let cues = cues::cues();
        let scan = cues.scan(post.text, &ws);
        let positive = sentiment.label == Label::Positive;
        let urgency = urgency::urgency(cues, &scan, post.text, positive, post.earlier_posts_by_author, post.followers, w);
        let urgent = urgency.score >= w.urgent_at;
        let intent = self.intents.classify(&intent::Clues {
            text: post.text,
            sentiment,
            spam: cues.is_spam(&scan),
            problem: sentiment.label == Label::Negative || !urgency.categories.is_empty(),
        });
        let found = pii::find_in(post.text, &ws, &self.settings.order_patterns);
        let mut pii_kinds: Vec<String> = Vec::new();
        for h in &found {
            if !pii_kinds.iter().any(|k| k == h.kind.label()) {
                pii_kinds.push(h.kind.label().to_string());
            }
        }
        // Two decimals are all an agent or a log needs ("0.8", not "0.81762356").
        let round = |x: f32| (x * 100.0).round() / 100.0;
        let report = TriageReport {
            pii: !found.is_empty(),
            pii_items: found.into_iter().map(|h| h.masked).collect(),
            pii_kinds,
            intent: Intent { confidence: round(intent.confidence), ..intent },
            sentiment: Sentiment { score: round(sentiment.score), ..sentiment },
            urgent,
            urgency: Urgency { score: round(urgency.score), ..urgency },
            age: None,
            priority: 0,
            why: String::new(),
        };
        self.reprice(&report, post.created_ms, post.channel, now_ms)
    }

    /// The report at `now_ms` with the current weights and targets: age, priority and
    /// reason again, without reading the post again (badges age while a page stays open;
    /// intent, feeling and urgency cues don't).
    pub fn reprice(&self, report: &TriageReport, created_ms: Option<i64>, channel: Option<SiteId>, now_ms: i64) -> TriageReport {
        let w = &self.settings.weights;
        let urgent = report.urgency.score >= w.urgent_at;
        let age = created_ms.map(|c| Age::new(c, now_ms, self.settings.targets.minutes(channel)));
        let signals = priority::Signals { intent: &report.intent, sentiment: report.sentiment, urgency: &report.urgency, urgent, pii_kinds: &report.pii_kinds, age };
        TriageReport { urgent, age, priority: priority::priority(&signals, w), why: priority::explain(&signals), ..report.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_790_000_000_000;
    const MIN: i64 = 60_000;

    fn triage() -> Triage {
        Triage::new(&KnowledgeBase::starter(), TriageSettings::default()).expect("defaults are valid")
    }

    fn post(text: &str, minutes_ago: i64) -> PostInput<'_> {
        PostInput { text, created_ms: Some(NOW - minutes_ago * MIN), channel: Some(SiteId::X), ..PostInput::default() }
    }

    #[test]
    fn a_report_ages_without_reading_the_post_again() {
        let t = triage();
        let p = post("Still waiting for my refund, three weeks now", 10);
        let fresh = t.score(&p, NOW);
        assert_eq!(t.reprice(&fresh, p.created_ms, p.channel, NOW), fresh, "repricing at the same time changes nothing");
        let later = t.reprice(&fresh, p.created_ms, p.channel, NOW + 120 * MIN);
        assert!(later.priority > fresh.priority, "{} -> {}", fresh.priority, later.priority);
        assert!(later.why.contains("130 min of 60") || later.why.contains("overdue"), "{}", later.why);
        assert_eq!((later.intent.clone(), later.sentiment, later.urgency.clone()), (fresh.intent.clone(), fresh.sentiment, fresh.urgency.clone()));
    }

    #[test]
    fn reports_every_signal() {
        let r = triage().score(&post("Still no refund after 3 weeks. I'm calling my lawyer. Email me at jane.doe@example.com", 47), NOW);
        assert_eq!(r.intent.name, "refund");
        assert_eq!(r.sentiment.label, Label::Negative);
        assert!(r.urgent);
        assert_eq!(r.urgency.reasons, ["legal threat (lawyer)"]);
        assert!(r.pii);
        assert_eq!(r.pii_items.len(), 1);
        assert!(!r.pii_items[0].contains("jane.doe"), "{:?}", r.pii_items);
        assert_eq!(r.age, Some(Age { minutes: 47, target_minutes: 60, overdue: false }));
        assert_eq!(r.why, "urgent: legal threat (lawyer), negative, refund, personal data in public (email address), 47 min of 60");
    }

    #[test]
    fn masks_phone_numbers() {
        let r = triage().score(&post("call me back on 415-555-4567 please, my order is lost", 5), NOW);
        assert!(r.pii);
        assert!(r.pii_items.iter().all(|m| !m.contains("555-4567") && m.contains("67")), "{:?}", r.pii_items);
    }

    #[test]
    fn no_time_no_age() {
        let r = triage().score(&PostInput { text: "where is my order?", ..PostInput::default() }, NOW);
        assert_eq!(r.age, None);
        assert!(!r.why.contains("min"));
    }

    #[test]
    fn channel_targets_apply() {
        let t = triage();
        let yt = t.score(&PostInput { channel: Some(SiteId::Youtube), ..post("my refund is late", 100) }, NOW);
        assert_eq!(yt.age.map(|a| (a.target_minutes, a.overdue)), Some((480, false)));
        let x = t.score(&post("my refund is late", 100), NOW);
        assert_eq!(x.age.map(|a| (a.target_minutes, a.overdue)), Some((60, true)));
        assert!(x.priority > yt.priority);
    }

    #[test]
    fn parses_channels_and_times() {
        assert_eq!(parse_channel("Twitter"), Ok(SiteId::X));
        assert_eq!(parse_channel("youtube"), Ok(SiteId::Youtube));
        assert_eq!(parse_channel("myspace"), Err(TriageError::UnknownChannel { name: "myspace".into() }));
        assert_eq!(parse_created_at("2026-03-01T12:00:00Z"), Ok(1_772_366_400_000));
        assert!(parse_created_at("yesterday").unwrap_err().to_string().contains("RFC 3339"));
    }

    #[test]
    fn rejects_bad_settings() {
        let mut s = TriageSettings::default();
        s.targets.x = 0;
        assert_eq!(Triage::new(&KnowledgeBase::starter(), s).err(), Some(TriageError::ZeroTarget { channel: "x" }));
        let s: TriageSettings = serde_json::from_str(r#"{"weights": {"urgency": 80}}"#).expect("partial settings parse");
        assert_eq!((s.weights.urgency, s.weights.age, s.targets.x), (80.0, 15.0, 60));
    }

    /// The queue an agent would see: urgent first, praise and spam last.
    #[test]
    fn orders_a_queue() {
        let t = triage();
        let fans = PostInput { followers: Some(250_000), ..post("Where is my order?? Tracking hasn't moved in a week", 30) };
        let again = PostInput { earlier_posts_by_author: 3, ..post("Still waiting on my refund. Hello??", 20) };
        let queue: Vec<(&str, PostInput)> = vec![
            ("hacked", post("Someone hacked my account and changed my email, there are charges I didn't make!!", 5)),
            ("smoke", post("My new kettle started smoking and sparks came out of the base 😱", 12)),
            ("lawyer", post("Third time asking. I'm contacting my lawyer and filing a chargeback.", 10)),
            ("outage", post("Is the app down for everyone? Can't connect at all", 3)),
            ("overdue_refund", post("I returned the blender a month ago and still no refund. This is ridiculous.", 95)),
            ("repeat", again),
            ("reach", fans),
            ("cancel", post("Honestly done with you, cancelling my subscription today", 15)),
            ("billing", post("Why was I charged twice this month?", 40)),
            ("defect", post("My router keeps dropping wifi after 2 days, kind of disappointed", 25)),
            ("question", post("Do you ship to Canada?", 2)),
            ("hours", post("what are your opening hours on sunday", 1)),
            ("praise", post("You guys killed it with the new app, love it 🔥", 200)),
            ("praise2", post("Thanks for the quick help yesterday, Jo was amazing!", 90)),
            ("spam", post("Earn $500/day from home!! check my profile https://spam.example/x", 300)),
        ];
        let scored: Vec<(&str, TriageReport)> = queue.iter().map(|(k, p)| (*k, t.score(p, NOW))).collect();
        let p = |k: &str| scored.iter().find(|(n, _)| *n == k).map(|(_, r)| r.priority).expect("in the queue");
        let why = || scored.iter().map(|(k, r)| format!("{k}: {} {}", r.priority, r.why)).collect::<Vec<_>>().join("\n");
        for top in ["hacked", "smoke", "lawyer"] {
            for rest in ["outage", "overdue_refund", "repeat", "reach", "cancel", "billing", "defect", "question", "hours", "praise", "praise2", "spam"] {
                assert!(p(top) > p(rest), "{top} should be above {rest}:\n{}", why());
            }
        }
        assert!(p("overdue_refund") > p("question"), "{}", why());
        assert!(p("overdue_refund") > p("hours"), "{}", why());
        for low in ["praise", "praise2", "spam"] {
            for rest in ["outage", "overdue_refund", "repeat", "reach", "cancel", "billing", "defect", "question", "hours"] {
                assert!(p(rest) > p(low), "{low} should sink below {rest}:\n{}", why());
            }
        }
        let r = |k: &str| &scored.iter().find(|(n, _)| *n == k).expect("in the queue").1;
        assert_eq!(r("spam").intent.name, "spam");
        assert_eq!(r("praise").intent.name, "praise");
        assert!(r("hacked").urgent && r("smoke").urgent && r("lawyer").urgent);
        assert!(!r("question").urgent && !r("praise").urgent);
    }
}
