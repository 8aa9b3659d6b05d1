use super::super::lexicon::lexicon;
use super::super::{Category, Draft, Finding, Severity, ToneRule};

/// "You should have", "as I already said", "calm down": phrasing that blames the customer
/// or sounds defensive in public.
pub struct BlameTheCustomer;

/// Words after "you should have" that make it an expectation, not a reproach.
const EXPECTATION: &[&str] = &["it", "them", "one", "this", "that", "received", "got", "gotten", "access", "a", "an", "your", "the"];

impl ToneRule for BlameTheCustomer {
    fn id(&self) -> &'static str {
        "blame_the_customer"
    }
    fn category(&self) -> Category {
        Category::Blame
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn describe(&self) -> &'static str {
        "Phrases that blame the customer or sound defensive (\"you should have\", \"as I already said\", \"calm down\")."
    }
    fn check(&self, d: &Draft) -> Vec<Finding> {
        let mut out = super::phrase_findings(self, d, &lexicon().blame, |p| format!("“{p}” can read as blaming the customer or defensive."));
        // "You should have it by Friday" / "should have received" tell what to expect.
        out.retain(|f| {
            let phrase = d.text[f.span.clone()].to_lowercase().replace('’', "'");
            let next = d.words.iter().find(|w| w.span.start >= f.span.end).map(|w| w.norm.as_str());
            !(phrase.ends_with("should have") || phrase.ends_with("should've")) || !next.is_some_and(|n| EXPECTATION.contains(&n))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::tone::testing::*;
    use crate::core::tone::ToneContext;

    #[test]
    fn fix_as_i_already_said() {
        assert_fix(&BlameTheCustomer, "As I already said, the update is out.", &ToneContext::default(), "To recap, the update is out.");
    }

    #[test]
    fn fix_calm_down_after_emoji() {
        assert_fix(&BlameTheCustomer, "😊 ok, calm down, we're on it", &ToneContext::default(), "😊 ok, I hear you, we're on it");
    }

    #[test]
    fn fix_you_obviously() {
        assert_fix(&BlameTheCustomer, "You obviously need a restart.", &ToneContext::default(), "It looks like you need a restart.");
        assert_none(&BlameTheCustomer, "It's obviously been a frustrating morning, sorry.", &ToneContext::default());
    }

    #[test]
    fn flags_spanish_and_french() {
        assert_count(&BlameTheCustomer, "Como ya le dije, no es nuestra culpa.", &ToneContext::default(), 2);
        assert_count(&BlameTheCustomer, "Calmez-vous, vous auriez dû redémarrer.", &ToneContext::default(), 2);
    }

    #[test]
    fn dont_flag_should_have_about_us() {
        assert_none(&BlameTheCustomer, "We should have told you sooner, sorry.", &ToneContext::default());
    }

    #[test]
    fn dont_flag_should_have_as_expectation() {
        assert_none(&BlameTheCustomer, "You should have it by Friday, and you should have received a tracking email.", &ToneContext::default());
        assert_count(&BlameTheCustomer, "You should have checked the size chart.", &ToneContext::default(), 1);
    }
}
