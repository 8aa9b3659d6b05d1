//! Reply length as each platform counts it.
//!
//! X counts with twitter-text's configuration v3: text is NFC-normalised; every URL counts
//! `transformedURLLength` (23); every emoji sequence counts `defaultWeight` (2 after
//! scaling); any other code point counts 1 if it falls in one of the light ranges (Latin,
//! most scripts up to U+10FF, general punctuation) and 2 otherwise. Other platforms count
//! code points.

use crate::core::sites::LengthRule;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// twitter-text config v3 (twitter-text/config/v3.json).
const SCALE: u32 = 100;
const DEFAULT_WEIGHT: u32 = 200;
const URL_LENGTH: u32 = 23;
const LIGHT_RANGES: [(u32, u32); 4] = [(0, 4351), (8192, 8205), (8208, 8223), (8242, 8247)];

/// How long a draft is on its platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LengthCount {
    /// Characters as the platform counts them.
    pub used: u32,
    pub max: u32,
    /// Byte offset (into the text as given) where the text first goes over the limit.
    pub over_from: Option<usize>,
}

impl LengthCount {
    pub fn is_over(&self) -> bool {
        self.used > self.max
    }
}

/// Counts `text` under `rule`.
pub fn count(rule: LengthRule, text: &str) -> LengthCount {
    match rule {
        LengthRule::Chars { max } => {
            let mut used = 0u32;
            let mut over_from = None;
            for (i, _) in text.char_indices() {
                used += 1;
                if used > max && over_from.is_none() {
                    over_from = Some(i);
                }
            }
            LengthCount { used, max, over_from }
        }
        LengthRule::Weighted { max } => weighted(text, max),
    }
}

fn char_weight(c: char) -> u32 {
    let cp = c as u32;
    if LIGHT_RANGES.iter().any(|&(a, b)| (a..=b).contains(&cp)) {
        SCALE
    } else {
        DEFAULT_WEIGHT
    }
}

/// Whether a grapheme cluster is an emoji as twitter-text's emoji pattern sees it: an
/// emoji-presentation code point, or a sequence (VS16, ZWJ, skin tone, keycap, flag, tags).
pub fn is_emoji(cluster: &str) -> bool {
    let mut chars = cluster.chars();
    let Some(first) = chars.next() else { return false };
    let cp = first as u32;
    let pictographic_plane = (0x1F000..=0x1FAFF).contains(&cp) && !(0x1F100..=0x1F1E5).contains(&cp) && !(0x1F700..=0x1F7DF).contains(&cp) && !(0x1F800..=0x1F8FF).contains(&cp);
    if pictographic_plane {
        return true;
    }
    let rest: Vec<char> = chars.collect();
    if rest.is_empty() {
        return false;
    }
    // Keycaps (#️⃣ 1️⃣), VS16 presentation (❤️ ©️), ZWJ and modifier sequences on BMP bases.
    rest.iter().any(|&c| matches!(c, '\u{FE0F}' | '\u{20E3}' | '\u{1F3FB}'..='\u{1F3FF}'))
        || (rest.contains(&'\u{200D}') && cp >= 0x2000)
}

fn weighted(text: &str, max: u32) -> LengthCount {
    // Offsets are reported in the text as given; NFC is applied per grapheme cluster
    // (NFC never moves text across cluster boundaries).
    let limit = max * SCALE;
    let bytes = text.as_bytes();
    let urls = find_urls(text);
    let mut next_url = urls.iter().peekable();
    let mut total = 0u32;
    let mut over_from = None;
    let mut i = 0;
    while i < bytes.len() {
        let before = total;
        let start = i;
        if next_url.peek().is_some_and(|u| u.0 == i) {
            let (_, end) = next_url.next().copied().unwrap_or((i, i + 1));
            total += URL_LENGTH * SCALE;
            i = end;
        } else if bytes[i].is_ascii() && bytes.get(i + 1).is_none_or(|b| b.is_ascii()) {
            // An ASCII character not followed by a combining mark or emoji modifier:
            // its own cluster, weight 1, no normalisation needed (the common case).
            total += SCALE;
            i += 1;
        } else {
            let cluster = text[i..].graphemes(true).next().unwrap_or(&text[i..]);
            let normal: String = cluster.nfc().collect();
            total += if is_emoji(&normal) { DEFAULT_WEIGHT } else { normal.chars().map(char_weight).sum::<u32>() };
            i += cluster.len();
        }
        if total > limit && before <= limit && over_from.is_none() {
            over_from = Some(start);
        }
    }
    LengthCount { used: total / SCALE, max, over_from }
}

/// Top-level domains twitter-text accepts without a scheme: the generic ones agents and
/// customers actually write, plus every two-letter country code.
const GENERIC_TLDS: &[&str] = &[
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "aero", "coop", "museum", "mobi", "asia", "tel", "travel", "jobs", "cat",
    "app", "dev", "io", "ai", "shop", "store", "online", "site", "tech", "blog", "news", "help", "support", "page", "link", "live", "xyz", "club", "top",
    "cloud", "email", "media", "world", "today", "company", "services", "solutions", "digital", "network", "agency", "global", "group", "team", "care",
];

fn valid_tld(tld: &str) -> bool {
    let tld = tld.to_ascii_lowercase();
    (tld.len() == 2 && tld.chars().all(|c| c.is_ascii_alphabetic())) || GENERIC_TLDS.contains(&tld.as_str())
}

/// Byte ranges of URLs as twitter-text finds them: with an http(s) scheme, or a bare
/// domain ending in a known TLD, then an optional port, path, query and fragment.
/// Trailing sentence punctuation is not part of the URL.
pub fn find_urls(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // A URL starts at a word boundary (twitter-text's valid preceding characters).
        let boundary = i == 0 || {
            let prev = text[..i].chars().next_back().unwrap_or(' ');
            !(prev.is_alphanumeric() || matches!(prev, '@' | '$' | '#' | '.' | '/' | '-' | '_'))
        };
        if !boundary || !bytes[i].is_ascii_alphanumeric() {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let rest = &text[i..];
        let lower_start: String = rest.chars().take(8).collect::<String>().to_ascii_lowercase();
        let scheme_len = if lower_start.starts_with("https://") {
            8
        } else if lower_start.starts_with("http://") {
            7
        } else {
            0
        };
        // Domain: labels of [A-Za-z0-9-] separated by dots.
        let host_start = i + scheme_len;
        let mut j = host_start;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-' || bytes[j] == b'.') {
            j += 1;
        }
        let mut host = &text[host_start..j];
        while host.ends_with('.') || host.ends_with('-') {
            host = &host[..host.len() - 1];
        }
        let labels: Vec<&str> = host.split('.').collect();
        let ok_host = labels.len() >= 2
            && labels.iter().all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
            && labels.last().is_some_and(|t| valid_tld(t) || (scheme_len > 0 && t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic())));
        if !ok_host {
            i = j.max(i + 1);
            continue;
        }
        let mut end = host_start + host.len();
        // Port, path, query, fragment: anything up to whitespace, minus trailing punctuation.
        if end < bytes.len() && matches!(bytes[end], b':' | b'/' | b'?' | b'#') {
            let mut k = end;
            while k < bytes.len() {
                let c = text[k..].chars().next().unwrap_or(' ');
                if c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\u{3000}') {
                    break;
                }
                k += c.len_utf8();
            }
            let mut tail = &text[end..k];
            while let Some(last) = tail.chars().next_back() {
                if matches!(last, '.' | ',' | '!' | '?' | ';' | ':' | ')' | '\'' | '"' | '…') && !(last == ')' && tail.contains('(')) {
                    tail = &tail[..tail.len() - last.len_utf8()];
                } else {
                    break;
                }
            }
            end += tail.len();
        }
        out.push((i, end));
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x(text: &str) -> u32 {
        count(LengthRule::Weighted { max: 280 }, text).used
    }

    #[test]
    fn latin_counts_one_each() {
        assert_eq!(x("Hello there"), 11);
        assert_eq!(x("Señor, ça va?"), 13);
    }

    #[test]
    fn cjk_counts_two_each() {
        assert_eq!(x("日本語"), 6);
        assert_eq!(x("안녕"), 4);
    }

    #[test]
    fn emoji_sequences_count_two() {
        assert_eq!(x("👍"), 2);
        assert_eq!(x("👩‍👩‍👧‍👦"), 2);
        assert_eq!(x("👍🏽"), 2);
        assert_eq!(x("🇪🇸"), 2);
        assert_eq!(x("❤️"), 2);
        assert_eq!(x("1️⃣"), 2);
    }

    #[test]
    fn urls_count_23_whatever_their_length() {
        assert_eq!(x("see https://example.com/a/very/long/path?with=query"), 4 + 23);
        assert_eq!(x("see acme.com/help."), 4 + 23 + 1);
        assert_eq!(x("file.txt"), 8, "txt is not a TLD");
    }

    #[test]
    fn astral_non_emoji_counts_two_per_code_point() {
        // The tweet-counter README example: 7 + 2 + 8 + 12 + 8 + 23.
        assert_eq!(x("Otters 👪 otters 𝗼𝘁𝘁𝗲𝗿𝘀 otters otters.com/otters"), 60);
    }

    #[test]
    fn counts_after_nfc() {
        assert_eq!(x("e\u{301}"), 1);
    }

    #[test]
    fn reports_where_the_limit_is_passed() {
        let text = format!("{}日本", "a".repeat(279));
        let c = count(LengthRule::Weighted { max: 280 }, &text);
        assert_eq!(c.used, 283);
        assert_eq!(c.over_from, Some(279));
        assert!(c.is_over());
        let c = count(LengthRule::Chars { max: 3 }, "añob");
        assert_eq!((c.used, c.over_from), (4, Some(4)));
    }

    /// Expected counts are the npm package twitter-text 3.x's `parseTweet(s).weightedLength`.
    #[test]
    fn matches_twitter_text_reference_counts() {
        for (text, want) in [
            ("Hello there", 11),
            ("Señor, ça va?", 13),
            ("日本語", 6),
            ("👍", 2),
            ("👩\u{200d}👩\u{200d}👧\u{200d}👦", 2),
            ("👍🏽", 2),
            ("🇪🇸", 2),
            ("❤\u{fe0f}", 2),
            ("1\u{fe0f}\u{20e3}", 2),
            ("see https://example.com/a/very/long/path?with=query", 27),
            ("see acme.com/help.", 28),
            ("file.txt", 8),
            ("Otters 👪 otters 𝗼𝘁𝘁𝗲𝗿𝘀 otters otters.com/otters", 60),
            ("e\u{301}", 1),
            ("© ® ™ ‼", 9),
            ("☺ ☺\u{fe0f} ✈ ✈\u{fe0f}", 11),
            ("go to www.acme.com now", 33),
            ("mail me a@b.com", 15),
            ("x.co y.io z.shop zz.notatld", 82),
            ("(see https://acme.com/help)", 29),
            ("https://acme.com/a,b.", 24),
            ("#\u{fe0f}\u{20e3} *\u{fe0f}\u{20e3}", 5),
            ("🏳\u{fe0f}\u{200d}🌈 🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}", 5),
            ("‘quotes’ — dash … ellipsis", 27),
            ("\u{2028}x", 3),
        ] {
            assert_eq!(x(text), want, "{text:?}");
        }
    }
}
