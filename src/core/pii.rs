//! Personal data in text: email addresses, phone numbers, payment cards (Luhn-valid),
//! IBANs (checksum-valid), national ids with a checkable format (US SSN, Spanish DNI/NIE),
//! postal addresses, and order/account numbers by team patterns. Each hit is shown
//! masked, never in full.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// The kind of personal data found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    Email,
    Phone,
    PaymentCard,
    Iban,
    NationalId,
    PostalAddress,
    OrderNumber,
}

impl PiiKind {
    /// The agent's word for it.
    pub fn label(self) -> &'static str {
        match self {
            PiiKind::Email => "email address",
            PiiKind::Phone => "phone number",
            PiiKind::PaymentCard => "payment card number",
            PiiKind::Iban => "bank account (IBAN)",
            PiiKind::NationalId => "national id number",
            PiiKind::PostalAddress => "postal address",
            PiiKind::OrderNumber => "order or account number",
        }
    }
}

/// One piece of personal data: where, what, and a masked form to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PiiHit {
    pub kind: PiiKind,
    pub span: Range<usize>,
    pub masked: String,
}

/// Team patterns for order and account numbers: `#` a digit, `@` a letter, `*` a letter
/// or digit, anything else literal (case-insensitive). E.g. "AC-#####".
pub fn matches_pattern(pattern: &str, s: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = s.chars().collect();
    p.len() == t.len()
        && p.iter().zip(&t).all(|(p, c)| match p {
            '#' => c.is_ascii_digit(),
            '@' => c.is_alphabetic(),
            '*' => c.is_alphanumeric(),
            _ => p.eq_ignore_ascii_case(c),
        })
}

/// Finds personal data in `text`. Overlapping hits keep the more specific kind.
pub fn find(text: &str, order_patterns: &[String]) -> Vec<PiiHit> {
    find_in(text, &crate::core::text::words::words(text), order_patterns)
}

/// [`find`] with the text's words already split (tone checks have them).
pub fn find_in(text: &str, ws: &[crate::core::text::words::Word], order_patterns: &[String]) -> Vec<PiiHit> {
    let mut hits = Vec::new();
    emails(text, &mut hits);
    digit_runs(text, &mut hits);
    ibans(text, &mut hits);
    tokens(text, order_patterns, &mut hits);
    addresses(text, ws, &mut hits);
    hits.sort_by_key(|h| (h.span.start, std::cmp::Reverse(h.span.end)));
    let mut out: Vec<PiiHit> = Vec::new();
    for h in hits {
        if out.last().is_some_and(|l| h.span.start < l.span.end) {
            continue;
        }
        out.push(h);
    }
    out
}

fn mask(s: &str, keep_end: usize) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| if i + keep_end >= n || !c.is_alphanumeric() { c } else { '•' })
        .collect()
}

fn emails(text: &str, hits: &mut Vec<PiiHit>) {
    let b = text.as_bytes();
    for (at, _) in text.match_indices('@') {
        let local_ok = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
        let domain_ok = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
        let mut s = at;
        while s > 0 && local_ok(b[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < b.len() && domain_ok(b[e]) {
            e += 1;
        }
        while e > at + 1 && (b[e - 1] == b'.' || b[e - 1] == b'-') {
            e -= 1;
        }
        let domain = &text[at + 1..e];
        let tld_ok = domain.rsplit('.').next().is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()));
        if s < at && domain.contains('.') && tld_ok {
            let local = &text[s..at];
            let first = local.chars().next().unwrap_or('•');
            hits.push(PiiHit { kind: PiiKind::Email, span: s..e, masked: format!("{first}•••@{domain}") });
        }
    }
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = d as u32;
            if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Runs of digits with the separators people type (spaces, dashes, dots, parentheses, a
/// leading +): payment cards, phone numbers, SSNs.
fn digit_runs(text: &str, hits: &mut Vec<PiiHit>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit() || ((b[i] == b'+' || b[i] == b'(') && b.get(i + 1).is_some_and(|c| c.is_ascii_digit()));
        let after_word = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-');
        if !starts || after_word {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = Vec::new();
        while j < b.len() {
            let c = b[j];
            if c.is_ascii_digit() {
                digits.push(c - b'0');
            } else if !(matches!(c, b' ' | b'-' | b'.' | b'(' | b')') || (c == b'+' && j == i)) || !b.get(j + 1).is_some_and(|n| n.is_ascii_digit() || *n == b'(' || (c == b')' && *n == b' ')) {
                break;
            }
            j += 1;
        }
        let run = &text[i..j];
        let glued = j < b.len() && b[j].is_ascii_alphabetic();
        if !glued {
            let n = digits.len();
            if (13..=19).contains(&n) && luhn(&digits) {
                hits.push(PiiHit { kind: PiiKind::PaymentCard, span: i..j, masked: mask(run, 4) });
            } else if n == 9 && is_ssn(run) {
                hits.push(PiiHit { kind: PiiKind::NationalId, span: i..j, masked: mask(run, 4) });
            } else if (8..=15).contains(&n) && looks_like_phone(run, n) && !looks_like_date(run) && !looks_like_ip(run) && !labelled_as_code(&text[..i]) {
                hits.push(PiiHit { kind: PiiKind::Phone, span: i..j, masked: mask(run, 2) });
            }
        }
        i = j.max(i + 1);
    }
}

/// "part no. 8841-220-17", "model 123 456 789", "SKU: …": the text says what the number is,
/// and it is not a phone.
fn labelled_as_code(before: &str) -> bool {
    const LABELS: &[&str] = &["part", "model", "sku", "ref", "reference", "serial", "item", "article", "invoice", "tracking", "version", "isbn"];
    let tail: String = before.chars().rev().take(24).collect::<Vec<_>>().into_iter().rev().collect::<String>().to_lowercase();
    let tail = tail.trim_end_matches([' ', ':', '#', '.']);
    let tail = tail.strip_suffix("number").or_else(|| tail.strip_suffix("no")).or_else(|| tail.strip_suffix("nr")).unwrap_or(tail).trim_end_matches([' ', '.', ':', '#']);
    LABELS.iter().any(|l| tail.ends_with(l) && !tail[..tail.len() - l.len()].ends_with(|c: char| c.is_alphanumeric()))
}

fn is_ssn(run: &str) -> bool {
    let parts: Vec<&str> = run.split('-').collect();
    if parts.len() != 3 || parts.iter().map(|p| p.len()).collect::<Vec<_>>() != [3, 2, 4] {
        return false;
    }
    let area: u32 = parts[0].parse().unwrap_or(0);
    area != 0 && area != 666 && area < 900 && parts[1] != "00" && parts[2] != "0000"
}

/// Phone numbers come with a "+" or "(", in three or more groups ("06 12 34 56 78"), or
/// as 10-11 bare digits; two groups ("3747 3911", "75534-030") are house numbers and
/// postcodes, and 12+ bare digits are card or account numbers.
fn looks_like_phone(run: &str, digits: usize) -> bool {
    let groups = run.split([' ', '-', '.', '(', ')']).filter(|g| !g.is_empty()).count();
    run.starts_with(['+', '(']) || groups >= 3 || (groups == 1 && (10..=11).contains(&digits))
}

/// "2026-11-23", "23.11.2026", "11/23/2026", and a date followed by a time
/// ("2000-04-16 11:34"): a year, and day and month of at most two digits, joined by the
/// same date separator.
fn looks_like_date(run: &str) -> bool {
    let Some(sep) = run.chars().find(|c| matches!(c, '-' | '.' | '/' | ' ')) else { return false };
    if sep == ' ' {
        return false;
    }
    let head = run.split(' ').next().unwrap_or(run);
    let parts: Vec<&str> = head.split(sep).collect();
    if parts.len() != 3 {
        return false;
    }
    let small = |p: &str| p.len() <= 2 && p.parse::<u32>().is_ok_and(|v| (1..=31).contains(&v));
    let month = |p: &str| p.parse::<u32>().is_ok_and(|v| (1..=12).contains(&v));
    (parts[0].len() == 4 && month(parts[1]) && small(parts[2])) || (parts[2].len() == 4 && small(parts[0]) && small(parts[1]))
}

/// Dotted quads ("86.121.97.248") are IP addresses, not phone numbers.
fn looks_like_ip(run: &str) -> bool {
    let parts: Vec<&str> = run.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u16>().is_ok_and(|v| v <= 255))
}

fn ibans(text: &str, hits: &mut Vec<PiiHit>) {
    // IBANs are written grouped in fours ("DE89 3704 0044 …") or run together.
    let b = text.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if !(boundary && b[i].is_ascii_uppercase() && b[i + 1].is_ascii_uppercase() && b[i + 2].is_ascii_digit() && b[i + 3].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut compact = String::new();
        while j < b.len() && (b[j].is_ascii_alphanumeric() || (b[j] == b' ' && b.get(j + 1).is_some_and(|c| c.is_ascii_alphanumeric()) && compact.len().is_multiple_of(4))) {
            if b[j] != b' ' {
                compact.push(b[j].to_ascii_uppercase() as char);
            }
            j += 1;
            if compact.len() == 34 {
                break;
            }
        }
        // Try the longest prefix that validates (a following word may have been swallowed).
        let mut found = None;
        for len in (15..=compact.len()).rev() {
            if iban_valid(&compact[..len]) {
                found = Some(len);
                break;
            }
        }
        if let Some(len) = found {
            let mut end = i;
            let mut seen = 0;
            while seen < len {
                if b[end] != b' ' {
                    seen += 1;
                }
                end += 1;
            }
            hits.push(PiiHit { kind: PiiKind::Iban, span: i..end, masked: mask(&text[i..end], 4) });
            i = end;
        } else {
            i += 1;
        }
    }
}

fn iban_valid(s: &str) -> bool {
    if s.len() < 15 || s.len() > 34 {
        return false;
    }
    let rearranged = format!("{}{}", &s[4..], &s[..4]);
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return false,
        };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

/// Word-like tokens: Spanish DNI/NIE (checksum letter) and team order patterns.
fn tokens(text: &str, order_patterns: &[String], hits: &mut Vec<PiiHit>) {
    let mut start = None;
    let push = |s: usize, e: usize, hits: &mut Vec<PiiHit>| {
        let tok = text[s..e].trim_end_matches(['.', '-']);
        let e = s + tok.len();
        if order_patterns.iter().any(|p| matches_pattern(p, tok)) {
            hits.push(PiiHit { kind: PiiKind::OrderNumber, span: s..e, masked: mask(tok, 3) });
        } else if dni_valid(tok) {
            hits.push(PiiHit { kind: PiiKind::NationalId, span: s..e, masked: mask(tok, 2) });
        }
    };
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || c == '-' || c == '#' {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            push(s, i, hits);
        }
    }
    if let Some(s) = start {
        push(s, text.len(), hits);
    }
}

fn dni_valid(tok: &str) -> bool {
    const LETTERS: &[u8] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    let t = tok.replace('-', "").to_ascii_uppercase();
    // Byte-indexed below: only ASCII tokens can be ids ("LANGROVá" is 9 bytes, not 9 letters).
    if t.len() != 9 || !t.is_ascii() {
        return false;
    }
    let (num, letter) = t.split_at(8);
    let num = match num.as_bytes()[0] {
        b'X' => format!("0{}", &num[1..]),
        b'Y' => format!("1{}", &num[1..]),
        b'Z' => format!("2{}", &num[1..]),
        _ => num.to_string(),
    };
    let Ok(n) = num.parse::<u32>() else { return false };
    letter.as_bytes()[0] == LETTERS[(n % 23) as usize]
}

const STREET_WORDS: &[&str] = &[
    "street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr", "court", "ct", "way", "place", "pl", "terrace",
    "calle", "avenida", "rue", "straße", "strasse", "via", "plaza",
];

/// "221B Baker Street", "1600 Pennsylvania Ave", "calle Mayor 12", "12 rue de Rivoli".
fn addresses(text: &str, ws: &[crate::core::text::words::Word], hits: &mut Vec<PiiHit>) {
    for (i, w) in ws.iter().enumerate() {
        if !STREET_WORDS.contains(&w.norm.as_str()) {
            continue;
        }
        let is_number = |k: usize| ws.get(k).is_some_and(|x| x.norm.chars().next().is_some_and(|c| c.is_ascii_digit()) && x.norm.len() <= 6);
        // Number first (English, French): up to 3 words before the street word.
        let before = (i.saturating_sub(4)..i).rev().find(|&k| is_number(k));
        // Street word first (Spanish, Italian): a number within 3 words after.
        let after = (i + 1..(i + 4).min(ws.len())).find(|&k| is_number(k));
        let span = match (before, after) {
            (Some(k), _) if k + 1 < i || ws[i].norm.len() > 2 => ws[k].span.start..w.span.end,
            (_, Some(k)) if w.norm.len() > 2 => w.span.start..ws[k].span.end,
            _ => continue,
        };
        let masked = mask(&text[span.clone()], 0);
        hits.push(PiiHit { kind: PiiKind::PostalAddress, span, masked });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(PiiKind, String)> {
        find(text, &["AC-#####".to_string()]).into_iter().map(|h| (h.kind, text[h.span].to_string())).collect()
    }

    #[test]
    fn finds_emails_masked() {
        let h = find("write to dana.reyes+acme@example.co.uk please", &[]);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].masked, "d•••@example.co.uk");
    }

    #[test]
    fn finds_luhn_valid_cards_only() {
        assert_eq!(kinds("card 4111 1111 1111 1111 ok"), [(PiiKind::PaymentCard, "4111 1111 1111 1111".into())]);
        assert!(kinds("card 4111 1111 1111 1112 ok").iter().all(|(k, _)| *k != PiiKind::PaymentCard));
    }

    #[test]
    fn finds_international_phones() {
        for p in ["+44 20 7946 0958", "+1 (415) 555-2671", "(415) 555-2671", "+34 612 34 56 78", "06 12 34 56 78", "780-999-2181", "0490 75 40 81"] {
            assert_eq!(kinds(&format!("call me on {p} today")), [(PiiKind::Phone, p.to_string())], "{p}");
        }
    }

    #[test]
    fn finds_checksum_valid_ibans() {
        assert_eq!(kinds("IBAN DE89 3704 0044 0532 0130 00 thanks"), [(PiiKind::Iban, "DE89 3704 0044 0532 0130 00".into())]);
        assert_eq!(kinds("GB82WEST12345698765432"), [(PiiKind::Iban, "GB82WEST12345698765432".into())]);
        assert!(kinds("DE89 3704 0044 0532 0130 01").iter().all(|(k, _)| *k != PiiKind::Iban));
    }

    #[test]
    fn finds_national_ids_with_checks() {
        assert_eq!(kinds("SSN 123-45-6789"), [(PiiKind::NationalId, "123-45-6789".into())]);
        assert_eq!(kinds("DNI 12345678Z"), [(PiiKind::NationalId, "12345678Z".into())]);
        assert!(kinds("DNI 12345678A").is_empty());
        assert!(kinds("SSN 666-45-6789").iter().all(|(k, _)| *k != PiiKind::NationalId));
    }

    #[test]
    fn finds_addresses_and_team_order_numbers() {
        assert_eq!(kinds("ship to 221B Baker Street, London"), [(PiiKind::PostalAddress, "221B Baker Street".into())]);
        assert_eq!(kinds("vivo en calle Mayor 12"), [(PiiKind::PostalAddress, "calle Mayor 12".into())]);
        assert_eq!(kinds("Order AC-20431 is late"), [(PiiKind::OrderNumber, "AC-20431".into())]);
    }

    #[test]
    fn dont_flag_ips_postcodes_house_numbers_or_datetimes() {
        for t in ["from 86.121.97.248 ok", "CEP 75534-030", "at 3747 3911 fourth avenue", "on 2000-04-16 11:34:35", "on 23.11.2026", "card 675984103431", "part no. 8841-220-17", "model: 120 456 789", "serial number 0012 3456 7890"] {
            assert!(kinds(t).iter().all(|(k, _)| *k != PiiKind::Phone), "{t}: {:?}", kinds(t));
        }
    }

    #[test]
    fn dont_flag_dates_prices_or_short_numbers() {
        assert!(kinds("on 2026-11-23 it cost $1,299.00 for 3 items, ref 12345").is_empty(), "{:?}", kinds("on 2026-11-23 it cost $1,299.00 for 3 items, ref 12345"));
    }

    #[test]
    fn dont_panic_on_non_ascii_tokens() {
        assert!(kinds("LANGROVá ÉÉÉÉÉÉÉÉÉ 1234567á8 日本語日本語日本語").is_empty());
    }

    #[test]
    fn masks_keep_only_the_end() {
        let h = find("4111-1111-1111-1111", &[]);
        assert_eq!(h[0].masked, "••••-••••-••••-1111");
    }
}
