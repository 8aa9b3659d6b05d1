use super::super::lexicon::lexicon;
use super::super::{Category, Draft, Finding, Severity, ToneRule};

/// The customer is upset and the draft neither acknowledges it nor apologises.
pub struct MissingEmpathy;

impl ToneRule for MissingEmpathy {
    fn id(&self) -> &'static str {
        "missing_empathy"
    }
    fn category(&self) -> Category {
        Category::Empathy
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn describe(&self) -> &'static str {
        "The customer is upset and the reply doesn't acknowledge it or apologise."
    }
    fn check(&self, d: &Draft) -> Vec<Finding> {
        if !d.customer_upset || d.words.len() < 3 || lexicon().empathy.iter().any(|p| !p.find_indexed(&d.words, &d.index).is_empty()) {
            return Vec::new();
        }
        let first = super::first_sentence(d.text);
        let name = d.ctx.customer_name.as_deref().and_then(|n| n.split_whitespace().next()).filter(|n| n.chars().all(char::is_alphabetic));
        let opening = match name {
            Some(n) => format!("Sorry about this, {n}. "),
            None => "Sorry about this. ".to_string(),
        };
        let finding = Finding::new(self, first.clone(), "The customer is upset; acknowledge how they feel before solving it.");
        // After a greeting ("Hi Dana, please…" -> "Hi Dana, sorry about this. Please…"),
        // else at the very start.
        let finding = match greeting_end(d) {
            Some(at) => {
                let next = d.text[at..].chars().next().map_or(String::new(), |c| c.to_uppercase().collect());
                let span = at..at + d.text[at..].chars().next().map_or(0, char::len_utf8);
                finding.with_fix("Add “sorry about this.”", span, format!("sorry about this. {next}"))
            }
            None => finding.with_fix(format!("Add “{}”", opening.trim_end()), first.start..first.start, opening),
        };
        vec![finding]
        
    }
}

/// Where a leading greeting line ("Hi Dana," / "Hello!") ends, if there is one.
fn greeting_end(d: &Draft) -> Option<usize> {
    let first = d.words.first()?;
    if !lexicon().greeting.iter().any(|g| g.words.len() == 1 && g.words[0] == first.norm) {
        return None;
    }
    let rest = &d.text[first.span.end..];
    let stop = rest.find([',', '!', '.', '\n'])?;
    // "Hi Dana, " : greeting + at most two words, then punctuation.
    if rest[..stop].split_whitespace().count() > 2 {
        return None;
    }
    let mut end = first.span.end + stop + 1;
    end += d.text[end..].len() - d.text[end..].trim_start().len();
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::tone::testing::*;
    use crate::core::tone::ToneContext;

    #[test]
    fn fix_adds_opening_after_greeting() {
        assert_fix(&MissingEmpathy, "Hi Dana, please DM us your order number.", &ctx_upset(), "Hi Dana, sorry about this. Please DM us your order number.");
    }

    #[test]
    fn fix_adds_opening_at_start() {
        assert_fix(&MissingEmpathy, "DM us your order number 👉", &ctx_upset(), "Sorry about this, Dana. DM us your order number 👉");
    }

    #[test]
    fn dont_flag_apology() {
        assert_none(&MissingEmpathy, "So sorry about the wait, Dana! DM us?", &ctx_upset());
        assert_none(&MissingEmpathy, "Lamentamos las molestias, escríbenos por DM.", &ctx_upset());
    }

    #[test]
    fn dont_flag_when_customer_is_happy() {
        let ctx = ToneContext { post: Some("Loved the quick delivery, thanks!".into()), ..ToneContext::default() };
        assert_none(&MissingEmpathy, "Glad to hear it, enjoy!", &ctx);
    }
}
