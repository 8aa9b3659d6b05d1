use super::super::lexicon::lexicon;
use super::super::{Category, Draft, Finding, Severity, ToneRule};

/// Sarcasm markers ("yeah right", "good luck with that", "thanks for nothing").
pub struct Sarcasm;

impl ToneRule for Sarcasm {
    fn id(&self) -> &'static str {
        "sarcasm"
    }
    fn category(&self) -> Category {
        Category::Politeness
    }
    fn default_severity(&self) -> Severity {
        Severity::Critical
    }
    fn describe(&self) -> &'static str {
        "Sarcastic phrases that read badly in public."
    }
    fn check(&self, d: &Draft) -> Vec<Finding> {
        let mut out: Vec<Finding> = Vec::new();
        for p in &lexicon().sarcasm {
            for span in p.find_indexed(&d.words, &d.index) {
                let found = &d.text[span.clone()];
                let mut end = span.end;
                let rest = &d.text[end..];
                if let Some(c) = rest.chars().next().filter(|c| matches!(c, ',' | '.' | '!' | ' ')) {
                    end += c.len_utf8();
                }
                out.push(Finding::new(self, span.clone(), format!("“{found}” can read as sarcastic.")).with_fix(format!("Remove “{found}”"), span.start..end, ""));
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
    fn fix_removes_marker() {
        assert_fix(&Sarcasm, "Good luck with that. DM us.", &ToneContext::default(), " DM us.");
    }

    #[test]
    fn dont_flag_sincere_luck() {
        assert_none(&Sarcasm, "Good luck with the move, Dana!", &ToneContext::default());
    }
}
