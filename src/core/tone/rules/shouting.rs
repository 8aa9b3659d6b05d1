use super::super::{Category, Draft, Finding, Severity, ToneRule};

/// Words in ALL CAPS (three or more letters, not known acronyms).
pub struct Shouting;

const ACRONYMS: &[&str] = &["DM", "DMS", "FAQ", "ASAP", "USA", "UK", "EU", "URL", "PIN", "ID", "SMS", "OK", "TV", "PC", "ETA", "CEO", "API", "GDPR", "IBAN", "WIFI", "USB", "HDMI", "PDF", "VAT", "UPS", "DHL", "USPS", "FEDEX"];

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
            if letters < 3 || raw.chars().any(char::is_lowercase) || ACRONYMS.contains(&raw.to_uppercase().as_str()) {
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
    }
}
