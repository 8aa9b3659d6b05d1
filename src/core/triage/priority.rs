//! Priority: one 0–100 number from the signals, and a short explanation in the agent's
//! words ("urgent: safety (smoke), negative, product_defect, 12 min of 60").
//!
//! priority = urgency·U + negativity·N + importance(intent)·I + age pressure·A + pii·P,
//! where the intent's importance scales its own term and part of the age term (an old
//! thank-you can wait longer than an old refund request). Praise and spam then sink
//! (multiplied by their factors) unless the post is urgent. The default weights sum to 100.

use super::age::Age;
use super::intent::{Intent, OTHER, PRAISE, SPAM};
use super::urgency::Urgency;
use super::weights::TriageWeights;
use crate::core::sentiment::{Label, Sentiment};

/// The signals of one post, as the priority needs them.
pub struct Signals<'a> {
    pub intent: &'a Intent,
    pub sentiment: Sentiment,
    pub urgency: &'a Urgency,
    pub urgent: bool,
    /// Kinds of personal data found ("email address").
    pub pii_kinds: &'a [String],
    pub age: Option<Age>,
}

/// The priority, 0–100.
pub fn priority(s: &Signals, w: &TriageWeights) -> u8 {
    let importance = w.importance(&s.intent.name);
    // The floors (0.5 of the intent term at no confidence, 0.25 of the age term at no
    // importance) were chosen by hand (16092d3); no tuning recorded.
    let mut p = w.urgency * s.urgency.score
        + w.negativity * (-s.sentiment.score).max(0.0)
        + w.intent * importance * (0.5 + 0.5 * s.intent.confidence)
        + w.age * s.age.map_or(0.0, |a| a.pressure()) * (0.25 + 0.75 * importance)
        + if s.pii_kinds.is_empty() { 0.0 } else { w.personal_data };
    // An urgent post is never sunk as spam ("filing a claim" shares spam's words).
    if s.intent.name == SPAM && !s.urgent {
        p *= w.spam_factor;
    } else if (s.intent.name == PRAISE || s.sentiment.label == Label::Positive) && !s.urgent {
        // A happy customer can wait, whatever the post is about ("sorted my issue in minutes").
        p *= w.praise_factor;
    }
    p.round().clamp(0.0, 100.0) as u8
}

/// "urgent: safety (smoke), negative, product_defect, 12 min of 60".
pub fn explain(s: &Signals) -> String {
    let mut parts: Vec<String> = Vec::new();
    if s.urgent {
        parts.push(format!("urgent: {}", s.urgency.reasons.join(", ")));
    } else {
        parts.extend(s.urgency.reasons.iter().cloned());
    }
    match s.sentiment.label {
        Label::Negative => parts.push("negative".into()),
        Label::Positive => parts.push("positive".into()),
        Label::Neutral => {}
    }
    if s.intent.name != OTHER {
        parts.push(s.intent.name.clone());
    }
    if !s.pii_kinds.is_empty() {
        parts.push(format!("personal data in public ({})", s.pii_kinds.join(", ")));
    }
    if let Some(a) = s.age {
        parts.push(a.describe());
    }
    if parts.is_empty() {
        "nothing stands out".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals<'a>(intent: &'a Intent, score: f32, urgency: &'a Urgency, age: Option<Age>) -> Signals<'a> {
        let label = if score <= -0.2 { Label::Negative } else if score >= 0.2 { Label::Positive } else { Label::Neutral };
        Signals { intent, sentiment: Sentiment { label, score }, urgency, urgent: urgency.score >= 0.5, pii_kinds: &[], age }
    }

    fn none() -> Urgency {
        Urgency { score: 0.0, reasons: vec![], categories: vec![] }
    }

    #[test]
    fn explains_in_agent_words() {
        let intent = Intent { name: "refund".into(), confidence: 0.8 };
        let u = none();
        let s = signals(&intent, -0.6, &u, Some(Age { minutes: 47, target_minutes: 60, overdue: false }));
        assert_eq!(explain(&s), "negative, refund, 47 min of 60");
        let defect = Intent { name: "product_defect".into(), confidence: 0.6 };
        let smoke = Urgency { score: 0.9, reasons: vec!["safety (smoke)".into()], categories: vec!["safety"] };
        let s = signals(&defect, -0.5, &smoke, Some(Age { minutes: 12, target_minutes: 60, overdue: false }));
        assert_eq!(explain(&s), "urgent: safety (smoke), negative, product_defect, 12 min of 60");
        let other = Intent { name: OTHER.into(), confidence: 0.0 };
        assert_eq!(explain(&signals(&other, 0.0, &u, None)), "nothing stands out");
    }

    #[test]
    fn weights_move_the_score_and_stay_in_range() {
        let intent = Intent { name: "refund".into(), confidence: 1.0 };
        let max = Urgency { score: 1.0, reasons: vec![], categories: vec![] };
        let mut s = signals(&intent, -1.0, &max, Some(Age { minutes: 600, target_minutes: 60, overdue: true }));
        let email = ["email address".to_string()];
        s.pii_kinds = &email;
        let w = TriageWeights::default();
        let p = priority(&s, &w);
        assert!(p >= 90, "{p}");
        let heavy = TriageWeights { urgency: 500.0, ..TriageWeights::default() };
        assert_eq!(priority(&s, &heavy), 100);
        let u = none();
        let calm = signals(&intent, 0.0, &u, None);
        let no_intent = TriageWeights { intent: 0.0, ..TriageWeights::default() };
        assert_eq!(priority(&calm, &no_intent), 0);
    }

    #[test]
    fn praise_and_spam_sink() {
        let u = none();
        let late = Some(Age { minutes: 500, target_minutes: 60, overdue: true });
        let praise = Intent { name: PRAISE.into(), confidence: 0.9 };
        let spam = Intent { name: SPAM.into(), confidence: 0.9 };
        let question = Intent { name: "question".into(), confidence: 0.5 };
        let w = TriageWeights::default();
        let fresh_question = priority(&signals(&question, 0.0, &u, Some(Age { minutes: 1, target_minutes: 60, overdue: false })), &w);
        assert!(priority(&signals(&praise, 0.9, &u, late), &w) < fresh_question);
        assert!(priority(&signals(&spam, -0.5, &u, late), &w) < fresh_question);
    }
}
