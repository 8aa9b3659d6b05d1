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
        let lex = lexicon();
        let single = |list: &[crate::core::text::words::Phrase], w: &str| list.iter().any(|g| g.words.len() == 1 && g.words[0] == w);
        let mut out = Vec::new();
        for (i, w) in d.words.iter().enumerate() {
            let raw = &d.text[w.span.clone()];
            let looks_like_name = raw.chars().next().is_some_and(char::is_uppercase) && raw.chars().skip(1).all(char::is_lowercase) && raw.chars().count() > 1;
            if !looks_like_name || !is_vocative(d, i) {
                continue;
            }
            // After "Mr"/"Sra" comes a surname; "Al-Rashid" is one name in two words.
            let after_honorific = i > 0 && lex.honorifics.contains(&d.words[i - 1].norm);
            let hyphenated = i > 0 && d.text[..w.span.start].ends_with('-');
            let known_name = known.iter().any(|k| *k == w.norm || k.starts_with(&w.norm) && w.norm.len() >= 3 || k.split('-').any(|part| part == w.norm));
            if after_honorific || hyphenated || known_name || single(&lex.greeting, &w.norm) || lex.honorifics.contains(&w.norm) || lex.not_names.contains(&w.norm) || is_common_word(&w.norm) {
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
/// Where a name addresses someone: after a greeting or an honorific ("Hi Dana", "Dear
/// Mr. Okafor"), opening the reply ("Dana, …"), or set off by commas at a clause's end
/// ("Thank you, Dana!", "we get it, Dana, waiting…").
fn is_vocative(d: &Draft, i: usize) -> bool {
    let lex = lexicon();
    let w = &d.words[i];
    let prev = i.checked_sub(1).map(|k| &d.words[k]);
    let after_greeting = prev.is_some_and(|p| lex.greeting.iter().any(|g| g.words.len() == 1 && g.words[0] == p.norm) || lex.honorifics.contains(&p.norm));
    let rest = d.text[w.span.end..].trim_start_matches([' ', '.']);
    let closes = rest.is_empty() || rest.starts_with([',', '!', '?', ':', ';', '.']) || d.text[w.span.end..].starts_with('.');
    let opening = i == 0 && d.text[w.span.end..].starts_with([',', ':']);
    let set_off = prev.is_some() && d.text[..w.span.start].trim_end().ends_with(',') && closes;
    after_greeting || opening || set_off || prev.is_some_and(|p| d.text[p.span.end..w.span.start].trim() == "-")
}

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
        assert_none(&WrongName, "Dear Ms. Reyes, thank you.", &ctx_upset());
        assert_none(&WrongName, "Done, Dana: it's updated. Ugh, we know, Dana, waiting is the worst.", &ctx_upset());
    }

    #[test]
    fn flags_a_wrong_name_set_off_by_commas() {
        assert_count(&WrongName, "Thanks so much, Sarah! Glad it works.", &ctx_upset(), 1);
        assert_count(&WrongName, "We're on it, Sarah.", &ctx_upset(), 1);
        assert_none(&WrongName, "We're on it, Monday at the latest.", &ctx_upset());
    }
}
