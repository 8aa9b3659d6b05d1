//! Template variables: `{{customer.first_name}}`, with fallbacks
//! (`{{customer.first_name | there}}`). A variable with no value is never inserted as raw
//! braces: a required one is reported so the agent can be asked for it; an optional one
//! without a fallback drops the sentence it is in. Values are plain text (names and post
//! text are hostile): control and bidi characters are removed, nothing is interpreted.

use super::Need;
use std::collections::BTreeMap;

/// Values for variables, by name ("customer.first_name").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values(BTreeMap<String, String>);

impl Values {
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Values {
        let mut v = Values::default();
        for (k, val) in pairs {
            v.set(k, val);
        }
        v
    }

    /// Sets a value; blank values count as missing.
    pub fn set(&mut self, name: &str, value: &str) {
        let clean: String = value
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
            .collect();
        let clean = clean.trim();
        if clean.is_empty() {
            self.0.remove(name);
        } else {
            self.0.insert(name.to_string(), clean.to_string());
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// A filled template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub text: String,
}

/// Why a template could not be filled.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FillError {
    /// Required variables with no value: ask the agent for these.
    Missing(Vec<String>),
    /// A "{{" with no closing "}}" at this byte offset.
    Unclosed { at: usize },
}

impl std::fmt::Display for FillError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FillError::Missing(names) => write!(f, "needs a value for {}", names.join(", ")),
            FillError::Unclosed { at } => write!(f, "the template has a '{{{{' at byte {at} with no closing '}}}}'"),
        }
    }
}

impl std::error::Error for FillError {}

enum Piece<'a> {
    Text(&'a str),
    Var { name: String, fallback: Option<String> },
}

fn parse(text: &str) -> Result<Vec<Piece<'_>>, FillError> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find("{{") {
        out.push(Piece::Text(&rest[..open]));
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or(FillError::Unclosed { at: offset + open })?;
        let inner = &after[..close];
        let (name, fallback) = match inner.split_once('|') {
            Some((n, f)) => (n.trim(), Some(f.trim().to_string())),
            None => (inner.trim(), None),
        };
        out.push(Piece::Var { name: name.to_string(), fallback });
        let consumed = open + 2 + close + 2;
        offset += consumed;
        rest = &rest[consumed..];
    }
    out.push(Piece::Text(rest));
    Ok(out)
}

/// The variable names a template uses, in order, without duplicates.
pub fn variables(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in parse(text).unwrap_or_default() {
        if let Piece::Var { name, .. } = p {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// Fills `text`. `need` says whether a variable is required (from the entry's declaration).
pub fn fill(text: &str, values: &Values, need: &dyn Fn(&str) -> Need) -> Result<Filled, FillError> {
    let pieces = parse(text)?;
    let mut missing = Vec::new();
    // Build the text, marking the spots of optional variables that have no value.
    const HOLE: char = '\u{E000}'; // private use: cannot come from a template or a value
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Var { name, fallback } => match (values.get(&name), fallback) {
                (Some(v), _) => out.push_str(&v.replace(HOLE, "")),
                (None, Some(f)) => out.push_str(&f),
                (None, None) if need(&name) == Need::Required => {
                    if !missing.contains(&name) {
                        missing.push(name);
                    }
                }
                (None, None) => out.push(HOLE),
            },
        }
    }
    if !missing.is_empty() {
        return Err(FillError::Missing(missing));
    }
    Ok(Filled { text: drop_holed_sentences(&out, HOLE) })
}

/// Removes each sentence that contains a hole, then tidies the spacing left behind.
fn drop_holed_sentences(text: &str, hole: char) -> String {
    if !text.contains(hole) {
        return text.to_string();
    }
    let mut sentences: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ends = matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|&(_, n)| n.is_whitespace()) || c == '\n';
        if ends {
            let end = i + c.len_utf8();
            sentences.push(&text[start..end]);
            start = end;
        }
    }
    sentences.push(&text[start..]);
    let kept: String = sentences.into_iter().filter(|s| !s.contains(hole)).collect();
    let mut tidy = String::with_capacity(kept.len());
    for c in kept.chars() {
        if c == ' ' && (tidy.ends_with(' ') || tidy.is_empty()) {
            continue;
        }
        tidy.push(c);
    }
    tidy.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(_: &str) -> Need {
        Need::Optional
    }
    fn req(_: &str) -> Need {
        Need::Required
    }

    #[test]
    fn fills_values_and_fallbacks() {
        let v = Values::from_pairs([("customer.first_name", "Zoë 👩‍💻")]);
        assert_eq!(fill("Hi {{customer.first_name}}!", &v, &req).unwrap().text, "Hi Zoë 👩‍💻!");
        assert_eq!(fill("Hi {{ agent.first_name | there }}.", &v, &req).unwrap().text, "Hi there.");
    }

    #[test]
    fn asks_for_required_values() {
        let e = fill("Order {{order.id}} for {{customer.first_name}} ({{order.id}})", &Values::default(), &req).unwrap_err();
        assert_eq!(e, FillError::Missing(vec!["order.id".into(), "customer.first_name".into()]));
    }

    #[test]
    fn optional_without_value_drops_its_sentence() {
        let t = "Sorry for the wait! Your order {{order.id}} is on its way. DM us anytime.";
        assert_eq!(fill(t, &Values::default(), &opt).unwrap().text, "Sorry for the wait! DM us anytime.");
    }

    #[test]
    fn values_are_text_never_markup_or_template() {
        let v = Values::from_pairs([("customer.first_name", "<img src=x onerror=alert(1)>{{order.id}}\u{202E}")]);
        let out = fill("Hi {{customer.first_name}}", &v, &req).unwrap().text;
        assert_eq!(out, "Hi <img src=x onerror=alert(1)>{{order.id}}", "a value is inserted once, as text, never re-expanded");
    }

    #[test]
    fn rejects_unclosed_braces() {
        assert_eq!(fill("Hi {{customer.first_name", &Values::default(), &opt), Err(FillError::Unclosed { at: 3 }));
    }

    #[test]
    fn lists_variables() {
        assert_eq!(variables("{{a}} {{ b | x }} {{a}}"), ["a", "b"]);
    }
}
