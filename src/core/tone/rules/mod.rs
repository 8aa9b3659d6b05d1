//! One tone rule per file, named for what it catches.

mod blame_the_customer;
mod command_without_courtesy;
mod customer_shared_pii;
mod excessive_exclamation;
mod missing_empathy;
mod missing_greeting;
mod platform_length;
mod public_pii;
mod risky_promise;
mod sarcasm;
mod shouting;
mod wrong_name;

use super::lexicon::PhraseFix;
use super::{Draft, Finding, ToneRule};
use std::ops::Range;

/// Every built-in rule, in a stable order.
pub fn all() -> Vec<Box<dyn ToneRule>> {
    vec![
        Box::new(missing_empathy::MissingEmpathy),
        Box::new(missing_greeting::MissingGreeting),
        Box::new(command_without_courtesy::CommandWithoutCourtesy),
        Box::new(sarcasm::Sarcasm),
        Box::new(shouting::Shouting),
        Box::new(excessive_exclamation::ExcessiveExclamation),
        Box::new(blame_the_customer::BlameTheCustomer),
        Box::new(risky_promise::RiskyPromise),
        Box::new(public_pii::PublicPii),
        Box::new(customer_shared_pii::CustomerSharedPii),
        Box::new(platform_length::PlatformLength),
        Box::new(wrong_name::WrongName),
    ]
}

/// Findings for every non-overlapping occurrence of a listed phrase, each offering its
/// rewrite (or removal). Capitalises the rewrite at the start of a sentence.
pub(crate) fn phrase_findings(rule: &dyn ToneRule, d: &Draft, list: &[PhraseFix], message: impl Fn(&str) -> String) -> Vec<Finding> {
    let mut taken: Vec<Range<usize>> = Vec::new();
    let mut out = Vec::new();
    for pf in list {
        for span in pf.phrase.find_indexed(&d.words, &d.index) {
            if taken.iter().any(|t| t.start < span.end && span.start < t.end) {
                continue;
            }
            taken.push(span.clone());
            let found = &d.text[span.clone()];
            let f = Finding::new(rule, span.clone(), message(found));
            let f = if pf.fix.is_empty() {
                // Remove the phrase and one following space or comma.
                let mut end = span.end;
                let rest = &d.text[end..];
                if rest.starts_with(", ") {
                    end += 2;
                } else if rest.starts_with([' ', ',']) {
                    end += 1;
                }
                f.with_fix(format!("Remove “{found}”"), span.start..end, "")
            } else {
                let text = match_case(found, &pf.fix, sentence_start(d.text, span.start));
                f.with_fix(format!("Replace with “{text}”"), span, text)
            };
            out.push(f);
        }
    }
    out
}

/// Whether byte `at` begins a sentence.
pub(crate) fn sentence_start(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end();
    before.is_empty() || before.ends_with(['.', '!', '?', '\n', ':'])
}

/// Capitalises `fix` when it replaces a sentence's first word.
pub(crate) fn match_case(found: &str, fix: &str, at_start: bool) -> String {
    let upper = at_start || found.chars().next().is_some_and(char::is_uppercase) && found.chars().nth(1).is_some_and(char::is_lowercase);
    if upper {
        let mut c = fix.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
    } else {
        fix.to_string()
    }
}

/// The first sentence's byte range (for findings about the draft as a whole).
pub(crate) fn first_sentence(text: &str) -> Range<usize> {
    let start = text.len() - text.trim_start().len();
    let end = text[start..].find(['.', '!', '?', '\n']).map_or(text.len(), |i| start + i + 1);
    start..end.min(text.len())
}
