//! Reply length as each platform counts it.
//!
//! X counts as twitter-text 3.1.0's `parseTweet` does with configuration v3: the text is
//! NFC-normalised; every URL its extractor finds counts `transformedURLLength` (23); every
//! emoji sequence counts `defaultWeight` (2 after scaling); any other code point counts 1 if
//! it falls in one of the light ranges (Latin, most scripts up to U+10FF, general
//! punctuation) and 2 otherwise. U+FFFE, U+FEFF and U+FFFF make a post invalid. The module
//! `conformance` below checks all of this against twitter-text's own test cases. Other
//! platforms count code points.

mod tlds;

use crate::core::sites::LengthRule;
use serde::{Deserialize, Serialize};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use unicode_segmentation::UnicodeSegmentation;

/// twitter-text config v3 (twitter-text/config/v3.json).
const SCALE: u32 = 100;
const DEFAULT_WEIGHT: u32 = 200;
const URL_LENGTH: u32 = 23;
const LIGHT_RANGES: [(u32, u32); 4] = [(0, 4351), (8192, 8205), (8208, 8223), (8242, 8247)];
/// twitter-text's extractUrlsWithIndices.js: longer URLs (scheme included, host as punycode)
/// are not links; t.co links with a longer slug are not either.
const MAX_URL_LENGTH: usize = 4096;
const MAX_TCO_SLUG_LENGTH: usize = 40;
/// twitter-text's lib/idna.js: a host label longer than this (after punycode) is not a host.
const MAX_DOMAIN_LABEL_LENGTH: usize = 63;
/// twitter-text's regexp/invalidCharsGroup.js: characters X refuses in a post.
const INVALID_CHARS: [char; 3] = ['\u{FFFE}', '\u{FEFF}', '\u{FFFF}'];

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
        LengthRule::Weighted { max } => {
            let p = parse_tweet(text, max);
            LengthCount { used: p.weighted_length, max, over_from: p.over_from }
        }
    }
}

/// What twitter-text's `parseTweet` reports for a post, plus where (as a byte offset into the
/// text as given) the count first passes `max`. Ranges are UTF-16 indices with inclusive
/// ends, as twitter-text gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TweetParse {
    pub weighted_length: u32,
    /// Within the limit, not empty, and free of [`INVALID_CHARS`].
    pub valid: bool,
    pub permillage: u32,
    pub display_range: (usize, usize),
    pub valid_range: (usize, usize),
    pub over_from: Option<usize>,
}

/// Counts `text` as X does with a limit of `max` weighted characters.
pub fn parse_tweet(text: &str, max: u32) -> TweetParse {
    let limit = max * SCALE;
    let (chars, origin) = normalize(text);
    let urls = extract_urls(&chars);
    let mut next_url = urls.iter().peekable();
    let mut total = 0u32;
    let mut valid = true;
    let mut over_from = None;
    // UTF-16 index (in the normalised text) of the last unit still within the limit.
    let mut valid_end = 0usize;
    let mut utf16 = 0usize;
    let mut i = 0;
    while i < chars.len() {
        // A URL that starts inside an emoji counted before is not one (twitter-text keys
        // entities by their start).
        while next_url.next_if(|u| u.0 < i).is_some() {}
        let (weight, end) = if let Some(&(_, end)) = next_url.next_if(|u| u.0 == i) {
            (URL_LENGTH * SCALE, end)
        } else if let Some(len) = emoji_len_at(&chars, i) {
            (DEFAULT_WEIGHT, i + len)
        } else {
            (char_weight(chars[i]), i + 1)
        };
        total += weight;
        utf16 += chars[i..end].iter().map(|c| c.len_utf16()).sum::<usize>();
        // twitter-text looks at the last code unit of each step only.
        valid = valid && !INVALID_CHARS.contains(&chars[end - 1]);
        if valid && total <= limit {
            valid_end = utf16 - 1;
        }
        if total > limit && over_from.is_none() {
            over_from = Some(origin[i]);
        }
        i = end;
    }
    let weighted_length = total / SCALE;
    let text_utf16 = text.encode_utf16().count();
    // twitter-text shifts the valid end by how much normalisation changed the length.
    let shift = text_utf16 as isize - utf16 as isize;
    TweetParse {
        weighted_length,
        valid: valid && weighted_length > 0 && weighted_length <= max,
        // As JavaScript computes it (a float divided, then multiplied): exact on the cases
        // where integer arithmetic would differ by rounding.
        permillage: (weighted_length as f64 / max as f64 * 1000.0).floor() as u32,
        display_range: (0, text_utf16.saturating_sub(1)),
        valid_range: (0, (valid_end as isize + shift).max(0) as usize),
        over_from,
    }
}

/// The text in NFC as code points, with the byte offset in `text` each one came from.
/// Normalised per grapheme cluster so offsets map back (NFC never moves text across
/// cluster boundaries); text already in NFC, the common case, maps one to one.
fn normalize(text: &str) -> (Vec<char>, Vec<usize>) {
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return text.char_indices().map(|(i, c)| (c, i)).unzip();
    }
    let mut chars = Vec::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    for (start, cluster) in text.grapheme_indices(true) {
        for c in cluster.nfc() {
            chars.push(c);
            origin.push(start);
        }
    }
    (chars, origin)
}

fn char_weight(c: char) -> u32 {
    let cp = c as u32;
    if LIGHT_RANGES.iter().any(|&(a, b)| (a..=b).contains(&cp)) {
        SCALE
    } else {
        DEFAULT_WEIGHT
    }
}

const VS16: char = '\u{FE0F}';
const ZWJ: char = '\u{200D}';

/// Emoji-presentation pictographs (the supplementary emoji blocks, without the enclosed
/// alphanumerics and regional indicators, alchemical symbols and arrows that are not).
fn is_pictograph(c: char) -> bool {
    let cp = c as u32;
    (0x1F000..=0x1FAFF).contains(&cp) && !(0x1F100..=0x1F1FF).contains(&cp) && !(0x1F700..=0x1F7DF).contains(&cp) && !(0x1F800..=0x1F8FF).contains(&cp)
}

/// Text-presentation symbols that are emoji when a VS16 or a skin tone follows (© ® and the
/// BMP emoji, U+203C ‼ to U+3299 ㊙).
fn is_emoji_symbol(c: char) -> bool {
    matches!(c, '\u{A9}' | '\u{AE}' | '\u{203C}'..='\u{3299}')
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// One emoji element at `i`: a pictograph or a qualified symbol, with its VS16, skin tone
/// and tag sequence (subdivision flags); returns where it ends.
fn emoji_element_end(chars: &[char], i: usize) -> Option<usize> {
    let &c = chars.get(i)?;
    let mut j = i + 1;
    let vs16 = chars.get(j) == Some(&VS16);
    j += usize::from(vs16);
    let skin = chars.get(j).is_some_and(|&m| ('\u{1F3FB}'..='\u{1F3FF}').contains(&m));
    j += usize::from(skin);
    let tags = chars[j.min(chars.len())..].iter().take_while(|&&t| ('\u{E0020}'..='\u{E007E}').contains(&t)).count();
    if tags > 0 && chars.get(j + tags) == Some(&'\u{E007F}') {
        j += tags + 1;
    }
    (is_pictograph(c) || (is_emoji_symbol(c) && (vs16 || skin))).then_some(j)
}

/// Length (in code points) of the emoji sequence twitter-text's emoji parser (twemoji)
/// finds at `i`, if any: keycaps, flags, and elements joined by ZWJ. Known difference:
/// twemoji joins only the ZWJ sequences on its list, so an unlisted join (👍‍👍) counts 5
/// there and 2 here, and so do sequences newer than its 2020 list (🧑‍🚀), which X's
/// composer today counts as one emoji.
fn emoji_len_at(chars: &[char], i: usize) -> Option<usize> {
    let c = chars[i];
    if matches!(c, '#' | '*' | '0'..='9') {
        // Keycaps, with or without VS16 (twitter-text 3.1.0 counts "1⃣" as one emoji).
        let j = i + 1 + usize::from(chars.get(i + 1) == Some(&VS16));
        return (chars.get(j) == Some(&'\u{20E3}')).then_some(j + 1 - i);
    }
    if is_regional_indicator(c) {
        return chars.get(i + 1).is_some_and(|&d| is_regional_indicator(d)).then_some(2);
    }
    let mut j = emoji_element_end(chars, i)?;
    while chars.get(j) == Some(&ZWJ) {
        match emoji_element_end(chars, j + 1) {
            Some(k) => j = k,
            None => break,
        }
    }
    Some(j - i)
}

// --- URLs, as twitter-text's extractUrlsWithIndices finds them (with URLs without a scheme).
//
// Its regular expression is: a valid preceding character (or the start), an optional
// http(s) scheme, a domain (subdomains, a domain name, then a known TLD or punycode), an
// optional port, path and query. Matches are then checked: every host label at most 63
// characters as punycode, the URL at most 4096; without a scheme only the ASCII domains
// inside count, and not after - _ . or /; a t.co link stops after its slug.

/// twitter-text's regexp/punct.js (note: no double quote and no backtick).
fn is_punct(c: char) -> bool {
    "!'#%&()*+,\\-./:;<=>?@[]^_{|}~$".contains(c)
}

/// twitter-text's regexp/spacesGroup.js.
fn is_space(c: char) -> bool {
    matches!(c, '\u{9}'..='\u{D}' | ' ' | '\u{85}' | '\u{A0}' | '\u{1680}' | '\u{180E}' | '\u{2000}'..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}')
}

/// twitter-text's regexp/directionalMarkersGroup.js.
fn is_directional(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2066}'..='\u{2069}')
}

/// validDomainChars: anything but punctuation, spaces, invalid and directional characters.
fn is_domain_char(c: char) -> bool {
    !(is_punct(c) || is_space(c) || INVALID_CHARS.contains(&c) || is_directional(c))
}

/// validUrlPrecedingChars: a URL may not follow a letter or digit, @ $ # (or their
/// full-width forms) or an invalid character.
fn is_url_preceding(c: char) -> bool {
    !(c.is_ascii_alphanumeric() || matches!(c, '@' | '＠' | '$' | '#' | '＃') || INVALID_CHARS.contains(&c))
}

/// latinAccentChars.js.
fn is_latin_accent(c: char) -> bool {
    matches!(c, '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{FF}' | '\u{100}'..='\u{24F}' | '\u{253}' | '\u{254}' | '\u{256}' | '\u{257}' | '\u{259}' | '\u{25B}' | '\u{263}' | '\u{268}' | '\u{26F}' | '\u{272}' | '\u{289}' | '\u{28B}' | '\u{2BB}' | '\u{300}'..='\u{36F}' | '\u{1E00}'..='\u{1EFF}')
}

/// Letters, digits, Cyrillic and Latin accents: common to the path character classes.
fn is_path_letter(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('\u{400}'..='\u{4FF}').contains(&c) || is_latin_accent(c)
}

/// validGeneralUrlPathChars.
fn is_path_char(c: char) -> bool {
    is_path_letter(c) || "!*';:=+,.$/%#[]-\u{2013}_~@|&".contains(c)
}

/// validUrlPathEndingChars (besides balanced parentheses).
fn is_path_end_char(c: char) -> bool {
    is_path_letter(c) || "+-=_#/".contains(c)
}

/// validUrlQueryChars.
fn is_query_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!?*'@();:&=+$/%#[]-_.,~|".contains(c)
}

/// validUrlQueryEndingChars.
fn is_query_end_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_&=#/".contains(c)
}

/// Whether `s[i..]` starts with the ASCII `word`, ignoring ASCII case.
fn starts_with_ci(s: &[char], i: usize, word: &str) -> bool {
    let n = word.chars().count();
    s.len() >= i + n && s[i..i + n].iter().zip(word.chars()).all(|(a, b)| a.to_lowercase().eq(b.to_lowercase()))
}

/// End of a run of `class` characters from `i`.
fn run_end(s: &[char], i: usize, class: impl Fn(char) -> bool) -> usize {
    i + s[i.min(s.len())..].iter().take_while(|&&c| class(c)).count()
}

/// A known TLD (then punycode) at `t`, as the regex tries them: each TLD must not be
/// followed by a letter, digit, @ + or -; punycode (`xn--…`) takes what follows greedily.
/// `s` ends where the regex's `$` is.
fn tld_end(s: &[char], t: usize) -> Option<usize> {
    let followed_ok = |e: usize| s.get(e).is_none_or(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '@' | '+' | '-')));
    let &first = s.get(t)?;
    if first.is_ascii_alphanumeric() {
        // An ASCII TLD can only be the whole run of letters and digits.
        let e = run_end(s, t, |c| c.is_ascii_alphanumeric());
        let word: String = s[t..e].iter().collect::<String>().to_ascii_lowercase();
        if followed_ok(e) && tlds::ASCII.binary_search(&word.as_str()).is_ok() {
            return Some(e);
        }
    } else {
        for tld in tlds::UNICODE {
            let n = tld.chars().count();
            if s.len() >= t + n && s[t..t + n].iter().zip(tld.chars()).all(|(a, b)| a.to_lowercase().eq(b.to_lowercase())) && followed_ok(t + n) {
                return Some(t + n);
            }
        }
    }
    if starts_with_ci(s, t, "xn--") {
        let e = run_end(s, t + 4, |c| c.is_ascii_alphanumeric() || c == '-');
        return (e > t + 4).then_some(e);
    }
    None
}

/// The text being searched for URLs, with what the domain search needs precomputed, so
/// trying the regex at every position stays linear (long runs without spaces, as in CJK
/// text, or "a.a.a…" would otherwise make it quadratic or worse).
struct UrlText<'a> {
    s: &'a [char],
    /// End of the run of domain-label characters (validDomainChars, '_', '-') from each index.
    label_run_end: Vec<usize>,
    /// Index of the next '_' at or after each index.
    next_underscore: Vec<usize>,
    /// domain_end for each start, once computed.
    domains: Vec<Option<Option<usize>>>,
}

impl<'a> UrlText<'a> {
    fn new(s: &'a [char]) -> Self {
        let n = s.len();
        let (mut label_run_end, mut next_underscore) = (vec![n; n + 1], vec![n; n + 1]);
        for i in (0..n).rev() {
            let c = s[i];
            label_run_end[i] = if is_domain_char(c) || c == '_' || c == '-' { label_run_end[i + 1] } else { i };
            next_underscore[i] = if c == '_' { i } else { next_underscore[i + 1] };
        }
        UrlText { s, label_run_end, next_underscore, domains: vec![None; n + 1] }
    }

    /// The label at `p` (validSubdomain / validDomainName, dot included): its end after the
    /// dot, and whether it has a '_' (which only subdomains may).
    fn label_at(&self, p: usize) -> Option<(usize, bool)> {
        let s = self.s;
        let r = self.label_run_end[p];
        let ok = r > p && is_domain_char(s[p]) && is_domain_char(s[r - 1]) && s.get(r) == Some(&'.');
        ok.then(|| (r + 1, self.next_underscore[p] < r))
    }

    /// Where a domain starting at `d` ends (validDomain): subdomains, a domain name, a TLD.
    /// The regex's greedy repetition takes as many labels as still leave a domain name and
    /// a TLD, so the answer from `d` is the answer from the next label on, if any, else this
    /// label as the domain name.
    fn domain_end(&mut self, d: usize) -> Option<usize> {
        // Walk the labels forward to one already known (or the end), then fill back.
        let mut chain = Vec::new();
        let mut p = d;
        while self.domains[p].is_none() {
            match self.label_at(p) {
                Some((next, underscore)) => {
                    chain.push((p, next, underscore));
                    p = next;
                }
                None => {
                    self.domains[p] = Some(None);
                    break;
                }
            }
        }
        for &(start, next, underscore) in chain.iter().rev() {
            let found = self.domains[next].flatten().or_else(|| if underscore { None } else { tld_end(self.s, next) });
            self.domains[start] = Some(found);
        }
        self.domains[d].flatten()
    }
}

/// validUrlBalancedParens at `i`: "(…)" with path characters inside, one nested level.
fn balanced_parens_end(s: &[char], i: usize) -> Option<usize> {
    if s.get(i) != Some(&'(') {
        return None;
    }
    let a = run_end(s, i + 1, is_path_char);
    match s.get(a) {
        Some(')') if a > i + 1 => Some(a + 1),
        Some('(') => {
            let b = run_end(s, a + 1, is_path_char);
            if b == a + 1 || s.get(b) != Some(&')') {
                return None;
            }
            let c = run_end(s, b + 1, is_path_char);
            (s.get(c) == Some(&')')).then_some(c + 1)
        }
        _ => None,
    }
}

/// One validUrlPath piece from `i`: path characters and balanced parentheses, ending on a
/// path-ending character or parentheses; the longest, as the greedy regex finds it.
fn path_piece_end(s: &[char], i: usize) -> Option<usize> {
    let mut best = None;
    let mut seg = i;
    loop {
        let g = run_end(s, seg, is_path_char);
        if let Some(r) = (seg..g).rev().find(|&r| is_path_end_char(s[r])) {
            best = best.max(Some(r + 1));
        }
        match balanced_parens_end(s, g) {
            Some(b) => {
                best = best.max(Some(b));
                seg = b;
            }
            None => return best,
        }
    }
}

/// A query from `i` (after '?'): query characters up to the last query-ending one.
fn query_end(s: &[char], i: usize) -> Option<usize> {
    let q = run_end(s, i, is_query_char);
    (i..q).rev().find(|&r| is_query_end_char(s[r])).map(|r| r + 1)
}

/// What the extractor's regular expression matched.
struct RawUrl {
    /// The character before the URL (None at the start of the text).
    before: Option<char>,
    start: usize,
    scheme_len: usize,
    domain: (usize, usize),
    has_path: bool,
    end: usize,
}

/// The URL part of the regex from `u`.
fn url_at(t: &mut UrlText, u: usize, before: Option<char>) -> Option<RawUrl> {
    let s = t.s;
    let scheme_len = if starts_with_ci(s, u, "https://") {
        8
    } else if starts_with_ci(s, u, "http://") {
        7
    } else {
        0
    };
    let d = u + scheme_len;
    let domain = t.domain_end(d)?;
    let mut end = domain;
    if s.get(end) == Some(&':') {
        let p = run_end(s, end + 1, |c| c.is_ascii_digit());
        if p > end + 1 {
            end = p;
        }
    }
    let has_path = s.get(end) == Some(&'/');
    if has_path {
        end += 1;
        while let Some(e) = path_piece_end(s, end).filter(|&e| e > end) {
            end = e;
        }
    }
    if s.get(end) == Some(&'?') {
        if let Some(e) = query_end(s, end + 1) {
            end = e;
        }
    }
    Some(RawUrl { before, start: u, scheme_len, domain: (d, domain), has_path, end })
}

/// The regex tried at `q`: a valid preceding character then a URL, or a URL at the start.
fn match_at(t: &mut UrlText, q: usize) -> Option<RawUrl> {
    let consumed = match t.s.get(q) {
        Some(&c) if is_url_preceding(c) => url_at(t, q + 1, Some(c)),
        _ => None,
    };
    consumed.or_else(|| if q == 0 { url_at(t, 0, None) } else { None })
}

/// Length of `label` after punycode.js 1.4.1's toASCII (as twitter-text's idna.js calls it):
/// parts split at IDNA dots, each with non-printable-ASCII text encoded as "xn--…".
fn punycode_len(label: &[char]) -> usize {
    let parts = label.split(|&c| matches!(c, '.' | '\u{3002}' | '\u{FF0E}' | '\u{FF61}'));
    let lens: Vec<usize> = parts.map(|p| if p.iter().all(|&c| (' '..='~').contains(&c)) { p.len() } else { 4 + punycode_encoded_len(p) }).collect();
    lens.iter().sum::<usize>() + lens.len() - 1
}

/// Length of the RFC 3492 (Bootstring) encoding of `input`, computed as the encoder runs.
fn punycode_encoded_len(input: &[char]) -> usize {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    let adapt = |mut delta: u32, points: u32, first: bool| {
        delta /= if first { 700 } else { 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - TMIN) * TMAX) / 2 {
            delta /= BASE - TMIN;
            k += BASE;
        }
        k + (BASE - TMIN + 1) * delta / (delta + 38)
    };
    let cps: Vec<u32> = input.iter().map(|&c| c as u32).collect();
    let basic = cps.iter().filter(|&&c| c < 0x80).count();
    let mut out = basic + usize::from(basic > 0);
    let (mut n, mut delta, mut bias, mut handled) = (128u32, 0u32, 72u32, basic);
    while handled < cps.len() {
        let m = cps.iter().copied().filter(|&c| c >= n).min().unwrap_or(n);
        delta = delta.saturating_add((m - n).saturating_mul(handled as u32 + 1));
        n = m;
        for &c in &cps {
            if c < n {
                delta = delta.saturating_add(1);
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias { TMIN } else if k >= bias + TMAX { TMAX } else { k - bias };
                    if q < t {
                        break;
                    }
                    out += 1;
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out += 1;
                bias = adapt(delta, handled as u32 + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    out
}

/// validAsciiDomain matches in `d`, left to right: ASCII (and Latin-accent) labels ending
/// in '.', then a known TLD or punycode, `d`'s end counting as the text's end.
fn ascii_domains(d: &[char]) -> Vec<(usize, usize)> {
    let label = |c: char| c.is_ascii_alphanumeric() || c == '-' || is_latin_accent(c);
    let mut out = Vec::new();
    let mut s = 0;
    while s < d.len() {
        let mut ends = Vec::new();
        let mut p = s;
        loop {
            let r = run_end(d, p, label);
            if r == p || d.get(r) != Some(&'.') {
                break;
            }
            p = r + 1;
            ends.push(p);
        }
        match ends.iter().rev().find_map(|&e| tld_end(d, e)) {
            Some(e) => {
                out.push((s, e));
                s = e;
            }
            None => s += 1,
        }
    }
    out
}

/// isValidUrl: every host label 1 to 63 characters as punycode, and scheme plus URL at most
/// 4096 (a host written "xn--…" must also hold an ASCII domain).
fn is_valid_url(s: &[char], raw: &RawUrl) -> bool {
    // Without a scheme, twitter-text counts its default "https://".
    let scheme = if raw.scheme_len == 0 { 8 } else { raw.scheme_len };
    let url_utf16: usize = s[raw.start..raw.end].iter().map(|c| c.len_utf16()).sum();
    if scheme + url_utf16 > MAX_URL_LENGTH {
        return false;
    }
    let domain = &s[raw.domain.0..raw.domain.1];
    if !domain.split(|&c| c == '.').all(|l| (1..=MAX_DOMAIN_LABEL_LENGTH).contains(&punycode_len(l))) {
        return false;
    }
    !(domain.starts_with(&['x', 'n', '-', '-']) && ascii_domains(domain).is_empty())
}

/// Ranges (in code points) of the URLs twitter-text finds in `s`, in order.
fn extract_urls(s: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if !s.contains(&'.') {
        return out;
    }
    let mut text = UrlText::new(s);
    let mut from = 0;
    while from < s.len() {
        let Some(raw) = (from..s.len()).find_map(|q| match_at(&mut text, q)) else { break };
        // The regex goes on after its whole match, valid URL or not.
        from = raw.end;
        if !is_valid_url(s, &raw) {
            continue;
        }
        if raw.scheme_len == 0 {
            if raw.before.is_some_and(|c| matches!(c, '-' | '_' | '.' | '/')) {
                continue;
            }
            // Only the ASCII domains inside count; the last takes the path, if any.
            let (d0, d1) = raw.domain;
            let domain = &s[d0..d1];
            let mut searched = 0;
            let mut found: Vec<(usize, usize)> = Vec::new();
            for (a, b) in ascii_domains(domain) {
                // twitter-text places each at the first occurrence of its text from the
                // previous end (indexOf), which is where it matched unless repeated.
                let text = &domain[a..b];
                let at = (searched..=domain.len() - text.len()).find(|&k| &domain[k..k + text.len()] == text).unwrap_or(a);
                searched = at + text.len();
                found.push((d0 + at, d0 + searched));
            }
            if raw.has_path {
                if let Some(last) = found.last_mut() {
                    last.1 = raw.end;
                }
            }
            out.extend(found);
        } else {
            let mut end = raw.end;
            // A t.co link is its slug (and query) only; a slug over 40 is no link.
            let host = raw.start + raw.scheme_len;
            if starts_with_ci(s, host, "t.co/") {
                let slug_end = run_end(s, host + 5, |c| c.is_ascii_alphanumeric());
                if slug_end > host + 5 && slug_end <= end {
                    if slug_end - (host + 5) > MAX_TCO_SLUG_LENGTH {
                        continue;
                    }
                    end = if s.get(slug_end) == Some(&'?') { query_end(s, slug_end + 1).filter(|&e| e <= raw.end).unwrap_or(slug_end) } else { slug_end };
                }
            }
            out.push((raw.start, end));
        }
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
        // Offsets stay in the text as given when normalisation shortens it.
        let c = count(LengthRule::Weighted { max: 280 }, &"e\u{301}".repeat(281));
        assert_eq!((c.used, c.over_from), (281, Some(280 * 3)));
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

/// Runs twitter-text's own conformance cases (tests/data/twitter-text, see SOURCE.md there).
#[cfg(test)]
mod conformance {
    use super::*;

    const VALIDATE_V3: &str = include_str!("../../tests/data/twitter-text/validate-v3.yml");

    struct Case {
        section: String,
        description: String,
        text: String,
        expected: Vec<(String, String)>,
    }

    /// Reads a YAML double-quoted scalar as the file writes it (escapes: \" \\ \n \t \uXXXX
    /// \UXXXXXXXX). Only what validate.yml uses; anything else fails the test.
    fn unquote(s: &str) -> String {
        let inner = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or_else(|| panic!("not a quoted scalar: {s}"));
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let hex = |n: usize, chars: &mut std::str::Chars| {
                let h: String = chars.by_ref().take(n).collect();
                char::from_u32(u32::from_str_radix(&h, 16).unwrap_or_else(|_| panic!("bad escape {h}"))).unwrap_or_else(|| panic!("bad code point {h}"))
            };
            match chars.next() {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('u') => out.push(hex(4, &mut chars)),
                Some('U') => out.push(hex(8, &mut chars)),
                other => panic!("unsupported escape {other:?} in {s}"),
            }
        }
        out
    }

    /// The narrow YAML shape of validate.yml: `tests:` / section / `- description` / `text` /
    /// `expected:` with one `key: value` per line.
    fn cases() -> Vec<Case> {
        let mut out: Vec<Case> = Vec::new();
        let mut section = String::new();
        for line in VALIDATE_V3.lines() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if trimmed.is_empty() || trimmed.starts_with('#') || line == "tests:" {
                continue;
            }
            if indent == 2 {
                section = trimmed.strip_suffix(':').unwrap_or_else(|| panic!("section line {line}")).to_string();
            } else if let Some(d) = trimmed.strip_prefix("- description: ") {
                out.push(Case { section: section.clone(), description: unquote(d), text: String::new(), expected: Vec::new() });
            } else if let Some(t) = trimmed.strip_prefix("text: ") {
                out.last_mut().expect("text before a case").text = unquote(t);
            } else if trimmed == "expected:" {
            } else if indent == 8 {
                let (k, v) = trimmed.split_once(": ").unwrap_or_else(|| panic!("expected line {line}"));
                out.last_mut().expect("expected before a case").expected.push((k.to_string(), v.to_string()));
            } else {
                panic!("unexpected line {line:?}");
            }
        }
        out
    }

    #[test]
    fn reads_every_case() {
        let cases = cases();
        let count = |s: &str| cases.iter().filter(|c| c.section == s).count();
        assert_eq!(count("WeightedTweetsWithDiscountedEmojiCounterTest"), 22);
        assert_eq!(count("UnicodeDirectionalMarkerCounterTest"), 2);
        assert_eq!(cases.len(), 24);
        assert!(cases.iter().all(|c| c.expected.len() == 7), "every case gives the seven fields");
    }

    /// Every field of every case, as twitter-text's own tests assert them.
    #[test]
    fn v3_cases_count_as_twitter_text() {
        let mut failures = Vec::new();
        let cases = cases();
        for c in &cases {
            let got = parse_tweet(&c.text, 280);
            for (k, v) in &c.expected {
                let actual = match k.as_str() {
                    "weightedLength" => got.weighted_length.to_string(),
                    "valid" => got.valid.to_string(),
                    "permillage" => got.permillage.to_string(),
                    "displayRangeStart" => got.display_range.0.to_string(),
                    "displayRangeEnd" => got.display_range.1.to_string(),
                    "validRangeStart" => got.valid_range.0.to_string(),
                    "validRangeEnd" => got.valid_range.1.to_string(),
                    other => panic!("unknown field {other}"),
                };
                if &actual != v {
                    failures.push(format!("{}: {}: {k} is {actual}, want {v}", c.section, c.description));
                }
            }
        }
        assert!(failures.is_empty(), "{} fields fail:\n{}", failures.len(), failures.join("\n"));
    }
}
