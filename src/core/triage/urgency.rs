//! Urgency: how soon a post needs a person, from what it says (safety, fraud or a hacked
//! account, legal threats, outages, cancellation threats: phrase lists in `cues.json`)
//! and from who is saying it (the same author posting again; a large audience).

use super::cues::{Cues, Scan, Strength};
use super::weights::TriageWeights;
use serde::{Deserialize, Serialize};

/// An urgency score in [0, 1] with the reasons, in the agent's words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Urgency {
    pub score: f32,
    /// "safety (smoke)", "legal threat (lawyer)", "repeat poster (3 posts)", "reach (12k followers)".
    pub reasons: Vec<String>,
    /// Category ids that matched ("safety", "fraud", "legal", "outage", "cancellation").
    #[serde(skip)]
    pub categories: Vec<&'static str>,
}

/// Scores urgency from a scan of the post's words, how many earlier posts by the same
/// author are in view, and the author's follower count when the page shows it.
pub fn urgency(cues: &'static Cues, scan: &Scan, text: &str, positive: bool, earlier_posts: u32, followers: Option<u64>, w: &TriageWeights) -> Urgency {
    let mut parts: Vec<f32> = Vec::new();
    let mut reasons = Vec::new();
    let mut categories = Vec::new();
    for (c, cat) in cues.categories.iter().enumerate() {
        let hits: Vec<_> = scan.hits.iter().filter(|h| h.category == c && !(h.strength == Strength::Ambiguous && positive)).collect();
        if !hits.iter().any(|h| h.strength != Strength::Context) {
            continue;
        }
        let mut seen: Vec<String> = Vec::new();
        for h in &hits {
            let s = text[h.span.clone()].to_lowercase();
            if !seen.contains(&s) {
                seen.push(s);
            }
        }
        seen.truncate(3);
        // A context phrase adds 0.1 (cues.json's `_doc`; chosen by hand, no tuning recorded).
        let context = hits.iter().any(|h| h.strength == Strength::Context);
        parts.push((cat.weight + if context { 0.1 } else { 0.0 }).min(1.0));
        reasons.push(format!("{} ({})", cat.reason, seen.join(", ")));
        categories.push(cat.id.as_str());
    }
    if earlier_posts > 0 {
        parts.push((w.repeat_step * earlier_posts as f32).min(w.repeat_max));
        reasons.push(format!("repeat poster ({} posts)", earlier_posts + 1));
    }
    if let Some(n) = followers.filter(|&n| w.reach_followers > 0 && n >= w.reach_followers) {
        // Each tenfold beyond the threshold adds as much again.
        let tens = (n as f64 / w.reach_followers as f64).log10() as f32;
        parts.push((w.reach * (1.0 + tens)).min(w.reach_max));
        reasons.push(format!("reach ({} followers)", short_count(n)));
    }
    // Independent signals combine as "any of them" (noisy-or): each adds, none exceeds 1.
    let score = 1.0 - parts.iter().fold(1.0, |acc, p| acc * (1.0 - p.clamp(0.0, 1.0)));
    Urgency { score, reasons, categories }
}

/// 12400 -> "12k", 1_500_000 -> "1.5M".
fn short_count(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{}k", n / 1000),
        _ => {
            let m = n as f64 / 1e6;
            if m < 10.0 { format!("{:.1}M", m).replace(".0M", "M") } else { format!("{}M", m as u64) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::cues::cues;
    use super::*;
    use crate::core::text::words::words;

    fn urg(t: &str, positive: bool, earlier: u32, followers: Option<u64>) -> Urgency {
        urgency(cues(), &cues().scan(t, &words(t)), t, positive, earlier, followers, &TriageWeights::default())
    }

    #[test]
    fn flags_safety_with_the_phrase() {
        let u = urg("Your heater started smoking and there are sparks 😱", false, 0, None);
        assert_eq!(u.reasons, ["safety (smoking, sparks)"]);
        assert!(u.score >= 0.9);
    }

    #[test]
    fn my_kid_raises_safety_but_alone_is_nothing() {
        let with = urg("the charger melted next to my kid", false, 0, None);
        assert_eq!(with.reasons, ["safety (melted, my kid)"]);
        assert!(with.score > urg("the charger melted", false, 0, None).score);
        assert!(urg("my kid can't log in to the app", false, 0, None).reasons.is_empty());
    }

    #[test]
    fn flags_legal_fraud_outage_cancellation() {
        assert_eq!(urg("Talking to my lawyer about this", false, 0, None).reasons, ["legal threat (lawyer)"]);
        assert_eq!(urg("Filing a chargeback and reporting you to the BBB", false, 0, None).reasons, ["legal threat (chargeback, bbb)"]);
        assert_eq!(urg("My account got HACKED and there's an unauthorized charge", false, 0, None).reasons, ["hacked account or fraud (hacked, unauthorized)"]);
        assert_eq!(urg("Is the app down for everyone?", false, 0, None).categories, ["outage"]);
        assert_eq!(urg("Cancelling my plan and switching to a competitor", false, 0, None).categories, ["cancellation"]);
        assert_eq!(urg("Voy a poner una denuncia, mi cuenta ha sido hackeada", false, 0, None).categories, ["fraud", "legal"]);
    }

    #[test]
    fn dont_flag_praise_slang_as_safety() {
        assert!(urg("you guys are on fire this week 🔥", true, 0, None).reasons.is_empty());
        assert!(urg("that's sick", true, 0, None).reasons.is_empty());
        assert!(urg("Sue from support was great", true, 0, None).reasons.is_empty());
        assert!(urg("no smoke, it just clicks", false, 0, None).reasons.is_empty());
    }

    #[test]
    fn repeat_posts_and_reach_add() {
        let base = urg("where is my order", false, 0, None);
        assert_eq!(base.score, 0.0);
        let again = urg("where is my order", false, 2, None);
        assert_eq!(again.reasons, ["repeat poster (3 posts)"]);
        let famous = urg("where is my order", false, 0, Some(250_000));
        assert_eq!(famous.reasons, ["reach (250k followers)"]);
        assert!(famous.score > urg("where is my order", false, 0, Some(12_000)).score);
        assert!(urg("where is my order", false, 0, Some(9_999)).reasons.is_empty());
        let both = urg("my lawyer will hear about this", false, 3, Some(2_000_000));
        assert!(both.score > 0.75 && both.score <= 1.0);
        assert_eq!(both.reasons[2], "reach (2M followers)");
    }
}
