use super::super::lexicon::lexicon;
use super::super::{Category, Draft, Finding, Severity, ToneRule};

/// Guarantees, promised dates and amounts, compensation and legal admissions.
pub struct RiskyPromise;

const WEEKDAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tonight", "tomorrow", "today"];
const WILL: &[&str] = &["will", "we'll", "i'll", "shall", "going"];

impl ToneRule for RiskyPromise {
    fn id(&self) -> &'static str {
        "risky_promise"
    }
    fn category(&self) -> Category {
        Category::Promise
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn describe(&self) -> &'static str {
        "Promises the team may not keep in public: guarantees, dates, amounts, compensation, admissions of liability."
    }
    fn check(&self, d: &Draft) -> Vec<Finding> {
        let mut out = super::phrase_findings(self, d, &lexicon().promise, |p| format!("“{p}” promises something we may not be able to keep, in public."));
        // "we'll refund $50 by Friday": a money amount or a deadline after "will".
        let ws = &d.words;
        for (i, w) in ws.iter().enumerate() {
            if !WILL.contains(&w.norm.as_str()) {
                continue;
            }
            let end = (i + 7).min(ws.len());
            for k in i + 1..end {
                let word = &ws[k];
                let before = &d.text[..word.span.start];
                let money = word.norm.chars().next().is_some_and(|c| c.is_ascii_digit()) && before.ends_with(['$', '€', '£']);
                let deadline = k > 0 && matches!(ws[k - 1].norm.as_str(), "by" | "on" | "before") && WEEKDAYS.contains(&word.norm.as_str());
                if (money || deadline) && !out.iter().any(|f: &Finding| f.span.start <= word.span.start && word.span.end <= f.span.end) {
                    let start = if money { word.span.start - before.chars().next_back().map_or(0, char::len_utf8) } else { ws[k - 1].span.start };
                    let span = start..word.span.end;
                    let what = if money { "an amount" } else { "a date" };
                    out.push(
                        Finding::new(self, span.clone(), format!("Promises {what} in public; confirm it privately first."))
                            .with_fix("Replace with “as soon as we can”", span, if money { "a refund" } else { "as soon as we can" }),
                    );
                    break;
                }
            }
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
    fn fix_guarantee() {
        assert_fix(&RiskyPromise, "We guarantee it will work now.", &ToneContext::default(), "We expect it will work now.");
    }

    #[test]
    fn flags_full_refund_and_never_again() {
        assert_count(&RiskyPromise, "We will refund you in full and this will never happen again.", &ToneContext::default(), 2);
    }

    #[test]
    fn flags_amounts_and_deadlines_after_will() {
        let f = run(&RiskyPromise, "We'll send €50 credit by Friday 🙏", &ToneContext::default());
        assert_eq!(f.len(), 1);
        assert_eq!(&"We'll send €50 credit by Friday 🙏"[f[0].span.clone()], "€50");
        assert_count(&RiskyPromise, "It will arrive by Friday.", &ToneContext::default(), 1);
    }

    #[test]
    fn flags_legal_admission() {
        assert_count(&RiskyPromise, "Honestly it was our negligence.", &ToneContext::default(), 1);
    }

    #[test]
    fn dont_flag_hedged_wording() {
        assert_none(&RiskyPromise, "We'll do our best to have it with you soon.", &ToneContext::default());
        assert_none(&RiskyPromise, "The price was $50 on Friday.", &ToneContext::default());
    }
}
