use super::super::lexicon::lexicon;
use super::super::{Category, Draft, Finding, Severity, ToneRule};

/// A sentence that orders the customer about ("Send us your order number.") with no
/// please, thanks or could-you anywhere near it.
pub struct CommandWithoutCourtesy;

const COPULAS: &[&str] = &["is", "are", "was", "were", "has", "have", "had", "opens", "open", "seem", "seems", "es", "son", "está", "están", "est", "sont"];

impl ToneRule for CommandWithoutCourtesy {
    fn id(&self) -> &'static str {
        "command_without_courtesy"
    }
    fn category(&self) -> Category {
        Category::Politeness
    }
    fn default_severity(&self) -> Severity {
        Severity::Hint
    }
    fn describe(&self) -> &'static str {
        "Instructions to the customer with no \"please\" or \"could you\"."
    }
    fn check(&self, d: &Draft) -> Vec<Finding> {
        let lex = lexicon();
        let mut out = Vec::new();
        for (i, w) in d.words.iter().enumerate() {
            // Only a sentence's first word gives an order.
            if !d.sentence_starts[i] || !lex.commands.contains(&w.norm) {
                continue;
            }
            let start = w.span.start;
            let end = d.text[start..].find(['.', '!', '?', '\n']).map_or(d.text.len(), |k| start + k);
            let last = d.words[i..].iter().position(|x| x.span.end > end).map_or(d.words.len(), |k| i + k);
            let sentence_words = &d.words[i..last];
            // "Check-in opens at 9", "Call volumes are high", "Wait times for repairs are
            // down": the word starts a noun phrase that is the clause's subject.
            let clause_end = d.text[start..end].find([',', ';']).map_or(end, |k| start + k);
            let is_subject = d.text[w.span.end..].starts_with('-')
                || sentence_words.iter().skip(1).take_while(|x| x.span.end <= clause_end).take(5).any(|x| COPULAS.contains(&x.norm.as_str()));
            if is_subject {
                continue;
            }
            let polite = lex.courtesy.iter().any(|p| !p.find(sentence_words).is_empty());
            if polite {
                continue;
            }
            let verb = &d.text[w.span.clone()];
            let lower = verb.to_lowercase();
            out.push(
                Finding::new(self, w.span.start..end, "Reads as an order; a “please” softens it.")
                    .with_fix("Add “Please”", w.span.clone(), format!("Please {lower}")),
            );
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
    fn dont_flag_noun_subjects() {
        let ctx = ToneContext::default();
        assert_none(&CommandWithoutCourtesy, "Call volumes are high today. Wait times for repairs are down to a week.", &ctx);
        assert_none(&CommandWithoutCourtesy, "Check-in opens at 9:00.", &ctx);
        assert_count(&CommandWithoutCourtesy, "Send the photos, they are helpful.", &ctx, 1);
    }

    #[test]
    fn fix_adds_please() {
        assert_fix(&CommandWithoutCourtesy, "Thanks! Send us your order number.", &ToneContext::default(), "Thanks! Please send us your order number.");
    }

    #[test]
    fn dont_flag_polite_or_statements() {
        assert_none(&CommandWithoutCourtesy, "Send us your order number, please 🙏", &ToneContext::default());
        assert_none(&CommandWithoutCourtesy, "We sent your order yesterday.", &ToneContext::default());
    }
}
