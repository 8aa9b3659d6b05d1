use super::super::lexicon::lexicon;
use super::super::{Category, Draft, Finding, Severity, ToneRule};

/// The draft greets the customer by a name that isn't theirs ("Hi Sarah" to Dana).
pub struct WrongName;

impl ToneRule for WrongName {
    fn id(&self) -> &'static str {
        "wrong_name"
    }
    fn category(&self) -> Category {
        Category::Name
    }
    fn default_severity(&self) -> Severity {
        Severity::Critical
    }
    fn describe(&self) -> &'static str {
        "The reply addresses the customer by a name that isn't theirs."
    }
    fn check(&self, d: &Draft) -> Vec<Finding> {
        let Some(full) = d.ctx.customer_name.as_deref() else { return Vec::new() };
        let known: Vec<String> = full
            .split_whitespace()
            .chain(d.ctx.customer_handle.as_deref())
            .map(|s| s.trim_start_matches('@').to_lowercase())
            .collect();
        let Some(first) = full.split_whitespace().next().filter(|n| n.chars().all(char::is_alphabetic)) else { return Vec::new() };
        let greetings = &lexicon().greeting;
        let mut out = Vec::new();
        for (i, w) in d.words.iter().enumerate() {
            // "Hi Sarah", "Thanks Sarah", "Hola Sarah", or "Sarah," opening the reply.
            let after_greeting = i > 0 && greetings.iter().any(|g| g.words.len() == 1 && g.words[0] == d.words[i - 1].norm);
            let opening = i == 0 && d.text[w.span.end..].starts_with(',');
            let raw = &d.text[w.span.clone()];
            let looks_like_name = raw.chars().next().is_some_and(char::is_uppercase) && raw.chars().skip(1).all(char::is_lowercase) && raw.chars().count() > 1;
            if !(after_greeting || opening) || !looks_like_name {
                continue;
            }
            let is_greeting = greetings.iter().any(|g| g.words.len() == 1 && g.words[0] == w.norm);
            if is_greeting || known.iter().any(|k| *k == w.norm || k.starts_with(&w.norm) && w.norm.len() >= 3) || is_common_word(&w.norm) {
                continue;
            }
            out.push(
                Finding::new(self, w.span.clone(), format!("The customer is {full}, not {raw}."))
                    .with_fix(format!("Use “{first}”"), w.span.clone(), first.to_string()),
            );
        }
        out
    }
}

/// Words that follow a greeting without being a name ("Hi there", "Thanks again").
fn is_common_word(w: &str) -> bool {
    matches!(w, "there" | "again" | "everyone" | "all" | "team" | "folks" | "so" | "for" | "friend" | "both" | "y'all" | "guys" | "a" | "amigo" | "à" | "de" | "a todos")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::tone::testing::*;

    #[test]
    fn fix_wrong_first_name() {
        assert_fix(&WrongName, "Hi Sarah, sorry about that!", &ctx_upset(), "Hi Dana, sorry about that!");
        assert_fix(&WrongName, "Sarah, sorry 🙏", &ctx_upset(), "Dana, sorry 🙏");
    }

    #[test]
    fn dont_flag_right_name_handle_or_there() {
        assert_none(&WrongName, "Hi Dana, sorry about that!", &ctx_upset());
        assert_none(&WrongName, "Hi there, thanks Reyes!", &ctx_upset());
        assert_none(&WrongName, "Thanks for waiting.", &ctx_upset());
        assert_none(&WrongName, "Hi, sorry! Hello, all good?", &ctx_upset());
    }
}
