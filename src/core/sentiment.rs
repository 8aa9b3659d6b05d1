//! A small lexicon sentiment scorer: is the customer upset? Handles negation ("not
//! happy"), intensifiers ("so slow"), ALL CAPS and "!!!", emoji and emoticons.
//! (Triage builds its fuller model on this; tone checks only need the sign.)

use crate::core::tone::words::words;
use serde::{Deserialize, Serialize};

/// Negative, neutral or positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Negative,
    Neutral,
    Positive,
}

/// A label with its score in [-1, 1].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sentiment {
    pub label: Label,
    pub score: f32,
}

const NEGATIVE: &[(&str, f32)] = &[
    ("angry", 2.5), ("annoyed", 2.0), ("annoying", 2.0), ("awful", 3.0), ("bad", 2.0), ("broken", 2.0), ("cancel", 1.0),
    ("disappointed", 2.5), ("disappointing", 2.5), ("disgusting", 3.0), ("dropped", 1.0), ("dropping", 1.0), ("frustrated", 2.5), ("frustrating", 2.5),
    ("furious", 3.0), ("garbage", 3.0), ("hate", 3.0), ("horrible", 3.0), ("joke", 1.5), ("late", 1.5), ("lost", 1.5), ("mad", 2.0),
    ("missing", 1.5), ("never", 1.0), ("nobody", 1.5), ("pathetic", 3.0), ("poor", 2.0), ("rude", 2.5), ("ridiculous", 2.5), ("scam", 3.0),
    ("slow", 1.5), ("still", 0.5), ("stuck", 1.5), ("terrible", 3.0), ("unacceptable", 3.0), ("upset", 2.5), ("useless", 3.0), ("waiting", 1.0),
    ("worst", 3.0), ("wrong", 1.5), ("fail", 2.0), ("failed", 2.0), ("fails", 2.0), ("refund", 0.8), ("charged", 1.0), ("overcharged", 2.5),
    ("hacked", 2.5), ("down", 1.0), ("outage", 2.0), ("crash", 2.0), ("crashes", 2.0), ("reboots", 1.0), ("problem", 1.0), ("issue", 0.8),
    ("ugh", 2.0), ("wtf", 2.5), ("sucks", 2.5), ("disaster", 3.0), ("ignored", 2.0), ("unhappy", 2.5), ("fed", 2.0), ("again", 1.0), ("double", 0.8), ("hold", 1.5), ("seriously", 1.0), ("refused", 2.0), ("rip", 2.5), ("nightmare", 3.0), ("ignoring", 2.0), ("ghosted", 2.5),
    ("perdu", 1.5), ("perdido", 1.5), ("encore", 0.5), ("otra", 0.5),
    ("malo", 2.0), ("roto", 2.0), ("rota", 2.0), ("vergüenza", 3.0), ("desastre", 3.0), ("harto", 2.5), ("harta", 2.5), ("queja", 1.5), ("estafa", 3.0),
    ("déçu", 2.5), ("déçue", 2.5), ("marre", 2.5), ("panne", 1.5), ("ratée", 1.5), ("cassé", 2.0), ("cassée", 2.0), ("inadmissible", 3.0), ("arnaque", 3.0), ("terrible", 3.0), ("pésimo", 3.0), ("nunca", 1.0), ("enfadado", 2.5), ("décevant", 2.5), ("nul", 2.5), ("honteux", 3.0),
];

const POSITIVE: &[(&str, f32)] = &[
    ("amazing", 3.0), ("awesome", 3.0), ("best", 2.5), ("excellent", 3.0), ("fantastic", 3.0), ("fast", 1.5), ("fixed", 1.5), ("glad", 2.0),
    ("good", 2.0), ("great", 2.5), ("happy", 2.5), ("helpful", 2.5), ("love", 3.0), ("loved", 3.0), ("nice", 2.0), ("perfect", 3.0),
    ("quick", 1.5), ("thank", 1.5), ("thanks", 1.5), ("wonderful", 3.0), ("works", 1.0), ("brilliant", 3.0), ("superb", 3.0), ("kudos", 2.5),
    ("gracias", 1.5), ("genial", 2.5), ("merci", 1.5), ("super", 2.0), ("worth", 1.5), ("encanta", 3.0), ("génial", 2.5),
];

const NEGATORS: &[&str] = &["not", "no", "never", "isn't", "wasn't", "don't", "doesn't", "didn't", "can't", "cannot", "won't", "hardly", "nothing", "ain't", "no", "ni", "pas", "jamais"];
const INTENSIFIERS: &[&str] = &["very", "so", "really", "extremely", "totally", "absolutely", "completely", "super", "incredibly", "muy", "très"];

fn emoji_valence(c: char) -> f32 {
    match c {
        '😡' | '🤬' | '😠' | '👎' | '💩' | '😤' => -2.5,
        '😢' | '😭' | '😞' | '😩' | '😫' | '🙄' | '😒' | '😑' => -2.0,
        '😊' | '😀' | '😃' | '😄' | '😍' | '🥰' | '❤' | '👍' | '🙏' | '🎉' | '🙌' | '💯' => 2.0,
        _ => 0.0,
    }
}

/// Scores a text.
pub fn score(text: &str) -> Sentiment {
    let ws = words(text);
    let mut total = 0.0f32;
    let but = ws.iter().position(|w| matches!(w.norm.as_str(), "but" | "pero" | "mais" | "aber"));
    for (i, w) in ws.iter().enumerate() {
        let base = NEGATIVE.iter().find(|(n, _)| *n == w.norm).map(|(_, v)| -v)
            .or_else(|| POSITIVE.iter().find(|(p, _)| *p == w.norm).map(|(_, v)| *v));
        let Some(mut v) = base else { continue };
        let window = &ws[i.saturating_sub(3)..i];
        if window.iter().any(|p| INTENSIFIERS.contains(&p.norm.as_str())) {
            v *= 1.3;
        }
        if window.iter().any(|p| NEGATORS.contains(&p.norm.as_str())) {
            v *= -0.6;
        }
        let raw = &text[w.span.clone()];
        if raw.chars().count() > 2 && raw.chars().all(|c| !c.is_lowercase()) {
            v *= 1.4; // shouting
        }
        // As VADER: after "but" the clause counts more, before it less.
        if let Some(b) = but {
            v *= if i > b { 1.5 } else { 0.5 };
        }
        total += v;
    }
    total += text.chars().map(emoji_valence).sum::<f32>();
    for (face, v) in [(":(", -2.0), (":-(", -2.0), (":/", -1.0), (">:(", -2.5), (":)", 2.0), (":-)", 2.0), (":D", 2.5)] {
        total += v * text.matches(face).count() as f32;
    }
    if text.contains("!!") {
        total *= 1.2;
    }
    // Normalise to [-1, 1] as VADER does (alpha = 15).
    let norm = total / (total * total + 15.0).sqrt();
    let label = if norm <= -0.05 { Label::Negative } else if norm >= 0.05 { Label::Positive } else { Label::Neutral };
    Sentiment { label, score: norm }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upset_customer_is_negative() {
        assert_eq!(score("My order is STILL missing and nobody answers 😡").label, Label::Negative);
    }

    #[test]
    fn negated_praise_is_negative() {
        assert_eq!(score("not happy with this at all").label, Label::Negative);
    }

    #[test]
    fn the_clause_after_but_counts_more() {
        assert_ne!(score("I hate that I have to descale every month but the coffee is worth it, love it").label, Label::Negative);
        assert_eq!(score("The box looked nice but the kettle is broken and useless").label, Label::Negative);
    }

    #[test]
    fn spanish_and_french_complaints_are_negative() {
        assert_eq!(score("Pedido roto y nadie me responde. Vergüenza.").label, Label::Negative);
        assert_eq!(score("Mon aspirateur est tombé en panne. Très déçu.").label, Label::Negative);
    }

    #[test]
    fn thanks_is_positive() {
        assert_eq!(score("Thanks, that was quick and helpful :)").label, Label::Positive);
    }

    #[test]
    fn plain_question_is_neutral() {
        assert_eq!(score("Do you ship to Canada?").label, Label::Neutral);
    }
}
