use super::super::lexicon::lexicon;
use super::super::{Category, Draft, Finding, Severity, ToneRule};

/// Words in ALL CAPS that are not acronyms.
///
/// No list of acronyms can be complete ("HDR", "CET", "DNI"), so a short capitalised word
/// counts as shouting only when it is an everyday word ("NOT", "ZERO", "NUNCA"); from six
/// letters up ("RIDICULOUS") it always does. Scripts without case never shout.
pub struct Shouting;

const ACRONYMS: &[&str] = &["ASAP", "GDPR", "IBAN", "WIFI", "HDMI", "USPS", "FEDEX", "NASA", "OLED", "QLED", "HTTPS", "ISBN", "SEPA", "SWIFT", "PAYPAL"];
const ALWAYS_SHOUTING_FROM: usize = 6;

impl ToneRule for Shouting {
    fn id(&self) -> &'static str {
        "shouting"
    }
    fn category(&self) -> Category {
        Category::Politeness
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn describe(&self) -> &'static str {
        "Words in capitals read as shouting."
    }
    fn check(&self, d: &Draft) -> Vec<Finding> {
        let mut out = Vec::new();
        for (i, w) in d.words.iter().enumerate() {
            let raw = &d.text[w.span.clone()];
            let letters = raw.chars().filter(|c| c.is_alphabetic()).count();
            let upper = raw.chars().filter(|c| c.is_uppercase()).count();
            if letters < 3 || upper != letters || ACRONYMS.contains(&raw) {
                continue;
            }
            if letters < ALWAYS_SHOUTING_FROM && !lexicon().shout_words.contains(&w.norm) {
                continue;
            }
            // A mix of letters and digits is a code ("AC20431"), not shouting.
            if raw.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            let mut c = w.norm.chars();
            let calm: String = match c.next() {
                Some(f) if d.sentence_starts[i] => f.to_uppercase().chain(c).collect(),
                _ => w.norm.clone(),
            };
            out.push(Finding::new(self, w.span.clone(), format!("“{raw}” in capitals reads as shouting.")).with_fix(format!("Write “{calm}”"), w.span.clone(), calm));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::tone::testing::*;
    use crate::core::tone::ToneContext;

    #[test]
    fn fix_lowercases() {
        assert_fix(&Shouting, "This is NOT what we meant.", &ToneContext::default(), "This is not what we meant.");
        assert_fix(&Shouting, "ÉCOUTEZ, merci.", &ToneContext::default(), "Écoutez, merci.");
    }

    #[test]
    fn dont_flag_acronyms_and_codes() {
        assert_none(&Shouting, "Please DM us the FAQ link, order AC-20431, ASAP? OK!", &ToneContext::default());
        assert_none(&Shouting, "USB-C charging, LED codes, 4K HDR, prices in USD with VAT, 14:00 CET.", &ToneContext::default());
    }

    #[test]
    fn uncased_scripts_never_shout() {
        assert_none(&Shouting, "ご不便をおかけして申し訳ございません。 نعتذر بشدة عن التأخير", &ToneContext::default());
    }

    #[test]
    fn everyday_words_and_long_words_shout() {
        let ctx = ToneContext::default();
        assert_count(&Shouting, "We have ZERO record. This is NOT ok.", &ctx, 2);
        assert_count(&Shouting, "That is RIDICULOUS", &ctx, 1);
        assert_count(&Shouting, "Eso NUNCA pasa", &ctx, 1);
    }
}
