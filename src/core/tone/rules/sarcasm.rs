use super::super::lexicon::lexicon;
use super::super::{Category, Draft, Finding, Severity, ToneRule};

/// Sarcasm markers ("yeah right", "good luck with that", "thanks for nothing") and the
/// eye-roll family of emoji, which in a brand's reply read as contempt. A marker inside
/// quotes (the agent quoting the customer) or beside a celebrating emoji in the same
/// sentence ("What a surprise that will be! 🎉") is sincere.
pub struct Sarcasm;

const EYE_ROLL: &[char] = &['🙄', '😒', '😏', '🙃'];
const SINCERE: &[char] = &['🎉', '😊', '❤', '🥰', '😍', '🎁', '🥳'];

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
                if quoted(d.text, &span) || sentence_has(d.text, &span, SINCERE) {
                    continue;
                }
                let found = &d.text[span.clone()];
                let mut end = span.end;
                let rest = &d.text[end..];
                if let Some(c) = rest.chars().next().filter(|c| matches!(c, ',' | '.' | '!' | ' ')) {
                    end += c.len_utf8();
                }
                out.push(Finding::new(self, span.clone(), format!("“{found}” can read as sarcastic.")).with_fix(format!("Remove “{found}”"), span.start..end, ""));
            }
        }
        for (at, c) in d.text.char_indices().filter(|(_, c)| EYE_ROLL.contains(c)) {
            let span = at..at + c.len_utf8();
            let mut end = span.end;
            if d.text[end..].starts_with(' ') {
                end += 1;
            }
            out.push(Finding::new(self, span.clone(), format!("{c} reads as rolling your eyes at the customer.")).with_fix(format!("Remove {c}"), span.start..end, ""));
        }
        out
    }
}

/// Whether a span sits inside quotation marks on its own line.
fn quoted(text: &str, span: &std::ops::Range<usize>) -> bool {
    const QUOTES: &[char] = &['\'', '"', '“', '”', '‘', '’', '«', '»'];
    let before = text[..span.start].trim_end_matches(' ');
    let after = text[span.end..].trim_start_matches(' ');
    before.ends_with(QUOTES) && after.starts_with(QUOTES)
}

/// Whether the sentence around a span has one of these characters.
fn sentence_has(text: &str, span: &std::ops::Range<usize>, chars: &[char]) -> bool {
    let start = text[..span.start].rfind(['.', '!', '?', '\n']).map_or(0, |k| k + 1);
    let end = text[span.end..].find(['.', '?', '\n']).map_or(text.len(), |k| span.end + k);
    text[start..end].contains(chars) || text[end..].trim_start_matches(['.', '!', '?', ' ']).starts_with(chars)
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
        assert_none(&Sarcasm, "What a surprise that will be! 🎉", &ToneContext::default());
        assert_none(&Sarcasm, "We hear you, and 'thanks for nothing' is fair. Sorry.", &ToneContext::default());
    }

    #[test]
    fn eye_roll_emoji_is_sarcasm() {
        assert_fix(&Sarcasm, "Only 10 minutes? 😒 We're on it.", &ToneContext::default(), "Only 10 minutes? We're on it.");
    }
}
