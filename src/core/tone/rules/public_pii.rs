use super::super::{Category, Draft, Finding, Severity, ToneRule};
use crate::core::pii;

/// Personal data in the draft, about to be posted in public.
pub struct PublicPii;

impl ToneRule for PublicPii {
    fn id(&self) -> &'static str {
        "public_pii"
    }
    fn category(&self) -> Category {
        Category::PersonalData
    }
    fn default_severity(&self) -> Severity {
        Severity::Critical
    }
    fn describe(&self) -> &'static str {
        "Emails, phone numbers, card numbers, IBANs, ids, addresses or order numbers in a public reply."
    }
    fn check(&self, d: &Draft) -> Vec<Finding> {
        pii::find_in(d.text, &d.words, &d.settings.order_patterns)
            .into_iter()
            .map(|h| {
                let mut end = h.span.end;
                if d.text[end..].starts_with(' ') && h.span.start > 0 && d.text[..h.span.start].ends_with(' ') {
                    end += 1;
                }
                Finding::new(self, h.span.clone(), format!("This {} ({}) would be public; move it to a private message.", h.kind.label(), h.masked))
                    .with_fix("Remove it", h.span.start..end, "")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::tone::testing::*;
    use crate::core::tone::ToneContext;

    #[test]
    fn flags_email_and_card_masked() {
        let f = run(&PublicPii, "Dana, we emailed dana@example.com about card 4111 1111 1111 1111.", &ToneContext::default());
        assert_eq!(f.len(), 2);
        assert!(f[0].message.contains("d•••@example.com"), "{}", f[0].message);
        assert!(f[1].message.contains("•••• •••• •••• 1111"), "{}", f[1].message);
        assert!(!f[1].message.contains("4111 1111"));
    }

    #[test]
    fn flags_team_order_pattern() {
        assert_fix(&PublicPii, "Your order AC-20431 ships today 📦", &ToneContext::default(), "Your order ships today 📦");
    }

    #[test]
    fn dont_flag_prices_and_dates() {
        assert_none(&PublicPii, "It's $19.99 until 2026-12-01, 10% off.", &ToneContext::default());
    }
}
