//! The weights of the signals in the priority, and the urgency knobs: the team's
//! triage settings that both [`super::urgency`] and [`super::priority`] read.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Weights of the signals in the priority, and the urgency knobs. Missing fields in a
/// settings file keep their defaults (`intent_importance` is replaced as a whole).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TriageWeights {
    /// Points for a fully urgent post.
    pub urgency: f32,
    /// Points for a fully negative post.
    pub negativity: f32,
    /// Points for the most important intent.
    pub intent: f32,
    /// Points for a post at or past its response-time target.
    pub age: f32,
    /// Points for personal data posted in public.
    pub personal_data: f32,
    /// Each intent's importance, 0–1; intents not listed use `other_importance`.
    pub intent_importance: BTreeMap<String, f32>,
    pub other_importance: f32,
    /// Multipliers that sink praise and spam (unless urgent).
    pub praise_factor: f32,
    pub spam_factor: f32,
    /// Urgency score at which a post is flagged urgent.
    pub urgent_at: f32,
    /// Urgency per earlier post by the same author, up to `repeat_max`.
    pub repeat_step: f32,
    pub repeat_max: f32,
    /// Followers from which reach adds urgency (`reach`; each tenfold adds as much again,
    /// up to `reach_max`). 0 turns reach off.
    pub reach_followers: u64,
    pub reach: f32,
    pub reach_max: f32,
}

// Every default here (points, importances, factors, urgency knobs) was chosen by hand
// (16092d3); no tuning recorded. The 50-post triage feed (tests/e2e/data/triage_feed.json)
// and `orders_a_queue` check the order they give.
impl Default for TriageWeights {
    fn default() -> Self {
        let importance = [
            ("account_access", 0.8),
            ("cancellation", 0.8),
            ("outage", 0.7),
            ("product_defect", 0.7),
            ("refund", 0.7),
            ("billing", 0.6),
            ("complaint", 0.6),
            ("delivery", 0.5),
            ("order_status", 0.5),
            ("question", 0.35),
            ("praise", 0.0),
            ("spam", 0.0),
        ];
        TriageWeights {
            urgency: 50.0,
            negativity: 15.0,
            intent: 10.0,
            age: 15.0,
            personal_data: 10.0,
            intent_importance: importance.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            other_importance: 0.4,
            praise_factor: 0.3,
            spam_factor: 0.1,
            urgent_at: 0.5,
            repeat_step: 0.15,
            repeat_max: 0.45,
            reach_followers: 10_000,
            reach: 0.2,
            reach_max: 0.5,
        }
    }
}

impl TriageWeights {
    /// An intent's importance, 0–1.
    pub(super) fn importance(&self, intent: &str) -> f32 {
        self.intent_importance.get(intent).copied().unwrap_or(self.other_importance).clamp(0.0, 1.0)
    }

    /// The first weight that is negative or not a number, by name.
    pub(super) fn invalid(&self) -> Option<String> {
        let named = [
            ("urgency", self.urgency),
            ("negativity", self.negativity),
            ("intent", self.intent),
            ("age", self.age),
            ("personal_data", self.personal_data),
            ("other_importance", self.other_importance),
            ("praise_factor", self.praise_factor),
            ("spam_factor", self.spam_factor),
            ("urgent_at", self.urgent_at),
            ("repeat_step", self.repeat_step),
            ("repeat_max", self.repeat_max),
            ("reach", self.reach),
            ("reach_max", self.reach_max),
        ];
        named
            .into_iter()
            .map(|(n, v)| (n.to_string(), v))
            .chain(self.intent_importance.iter().map(|(k, v)| (format!("intent_importance.{k}"), *v)))
            .find(|(_, v)| !v.is_finite() || *v < 0.0)
            .map(|(n, _)| n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_negative_weights() {
        assert_eq!(TriageWeights::default().invalid(), None);
        assert_eq!(TriageWeights { age: -1.0, ..TriageWeights::default() }.invalid().as_deref(), Some("age"));
        let mut w = TriageWeights::default();
        w.intent_importance.insert("refund".into(), f32::NAN);
        assert_eq!(w.invalid().as_deref(), Some("intent_importance.refund"));
    }
}
