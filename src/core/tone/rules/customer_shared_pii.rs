use super::super::{Category, Draft, Finding, Severity, ToneRule};
use crate::core::pii;

/// The customer put personal data in their public post: suggest moving to private.
pub struct CustomerSharedPii;

impl ToneRule for CustomerSharedPii {
    fn id(&self) -> &'static str {
        "customer_shared_pii"
    }
    fn category(&self) -> Category {
        Category::PersonalData
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn describe(&self) -> &'static str {
        "The customer's own post shows personal data: suggest a private channel and don't repeat it."
    }
    fn check(&self, d: &Draft) -> Vec<Finding> {
        let Some(post) = d.ctx.post.as_deref() else { return Vec::new() };
        let hits = pii::find(post, &d.settings.order_patterns);
        if hits.is_empty() || d.words.iter().any(|w| matches!(w.norm.as_str(), "dm" | "dms" | "private" | "privately" | "message" | "privado" | "privé")) {
            return Vec::new();
        }
        let kinds: Vec<String> = hits.iter().map(|h| format!("{} ({})", h.kind.label(), h.masked)).collect();
        let end = d.text.len();
        let suffix = if d.text.trim_end().is_empty() { "" } else { " " };
        vec![Finding::new(self, super::first_sentence(d.text), format!("The customer's post shows their {}; offer to continue in a private message.", kinds.join(", ")))
            .with_fix("Add a DM offer", end..end, format!("{suffix}Please send us a private message so we can keep your details safe."))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::tone::testing::*;
    use crate::core::tone::ToneContext;

    fn ctx() -> ToneContext {
        ToneContext { post: Some("my card 4111-1111-1111-1111 was charged twice!!".into()), ..ToneContext::default() }
    }

    #[test]
    fn fix_offers_dm() {
        assert_fix(&CustomerSharedPii, "Sorry about that.", &ctx(), "Sorry about that. Please send us a private message so we can keep your details safe.");
    }

    #[test]
    fn dont_flag_when_draft_moves_to_dm() {
        assert_none(&CustomerSharedPii, "Sorry! Please DM us.", &ctx());
        assert_none(&CustomerSharedPii, "Sorry about that.", &ToneContext::default());
    }
}
