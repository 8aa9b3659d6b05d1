use super::super::lexicon::lexicon;
use super::super::{Category, Draft, Finding, Severity, ToneRule};
use crate::core::sites::SiteId;

/// A longer reply on a channel where replies greet the customer, without a greeting or thanks.
pub struct MissingGreeting;

impl ToneRule for MissingGreeting {
    fn id(&self) -> &'static str {
        "missing_greeting"
    }
    fn category(&self) -> Category {
        Category::Politeness
    }
    fn default_severity(&self) -> Severity {
        Severity::Hint
    }
    fn describe(&self) -> &'static str {
        "Longer replies on Facebook, LinkedIn and YouTube open with a greeting or thanks."
    }
    fn check(&self, d: &Draft) -> Vec<Finding> {
        // X and Instagram replies are short and start straight in; the others greet.
        let expects = matches!(d.ctx.site, SiteId::Facebook | SiteId::Linkedin | SiteId::Youtube | SiteId::Reddit);
        if !expects || d.words.len() < 8 {
            return Vec::new();
        }
        let head = &d.words[..d.words.len().min(4)];
        if lexicon().greeting.iter().any(|g| !g.find(head).is_empty()) {
            return Vec::new();
        }
        let first = super::first_sentence(d.text);
        let name = d.ctx.customer_name.as_deref().and_then(|n| n.split_whitespace().next()).filter(|n| n.chars().all(char::is_alphabetic));
        let hello = name.map_or("Hi, ".to_string(), |n| format!("Hi {n}, "));
        vec![Finding::new(self, first.clone(), "Replies on this channel usually open with a greeting.").with_fix(format!("Add “{}”", hello.trim_end()), first.start..first.start, hello)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::tone::testing::*;
    use crate::core::tone::ToneContext;

    fn fb() -> ToneContext {
        ToneContext { site: SiteId::Facebook, customer_name: Some("Marco Bianchi".into()), ..ToneContext::default() }
    }

    #[test]
    fn fix_adds_greeting_with_first_name() {
        assert_fix(&MissingGreeting, "The fix is rolling out tonight to every router.", &fb(), "Hi Marco, The fix is rolling out tonight to every router.");
    }

    #[test]
    fn dont_flag_greeted_or_short_or_x() {
        assert_none(&MissingGreeting, "Thanks Marco, the fix is rolling out tonight to every router.", &fb());
        assert_none(&MissingGreeting, "Fix is out tonight!", &fb());
        assert_none(&MissingGreeting, "The fix is rolling out tonight to every router.", &ToneContext::default());
    }
}
