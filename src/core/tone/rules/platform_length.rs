use super::super::{Category, Draft, Finding, Severity, ToneRule};
use crate::core::sites;

/// Longer than the platform allows, counted as the platform counts.
pub struct PlatformLength;

impl ToneRule for PlatformLength {
    fn id(&self) -> &'static str {
        "platform_length"
    }
    fn category(&self) -> Category {
        Category::Length
    }
    fn default_severity(&self) -> Severity {
        Severity::Critical
    }
    fn describe(&self) -> &'static str {
        "The reply is longer than the platform allows (X counts as twitter-text does)."
    }
    fn check(&self, d: &Draft) -> Vec<Finding> {
        let profile = sites::profile(d.ctx.site);
        let c = d.length;
        match c.over_from {
            Some(from) if c.is_over() => vec![Finding::new(
                self,
                from..d.text.len(),
                format!("{} allows {} characters; this is {} ({} over).", profile.name, c.max, c.used, c.used - c.max),
            )
            .with_fix("Cut the extra text", from..d.text.len(), "")],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sites::SiteId;
    use crate::core::tone::testing::*;
    use crate::core::tone::ToneContext;

    #[test]
    fn flags_x_over_280_weighted() {
        let text = format!("{} 日本語", "a".repeat(275));
        let f = run(&PlatformLength, &text, &ToneContext::default());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].message, "X allows 280 characters; this is 282 (2 over).");
        assert_eq!(&text[f[0].span.clone()], "語");
    }

    #[test]
    fn dont_flag_long_url_within_limit() {
        let text = format!("{} https://acme.example.com/{}", "a".repeat(250), "p".repeat(200));
        assert_none(&PlatformLength, &text, &ToneContext::default());
    }

    #[test]
    fn instagram_counts_characters() {
        let ctx = ToneContext { site: SiteId::Instagram, ..ToneContext::default() };
        assert_none(&PlatformLength, &"é".repeat(2200), &ctx);
        assert_count(&PlatformLength, &"é".repeat(2201), &ctx, 1);
    }
}
