//! Making page text safe and short for display. Page text is hostile: it may carry bidi
//! overrides that reorder what the agent reads, control characters, or 10,000-character
//! names. The UI always sets it as text (never HTML); this module makes it readable.

/// Bidi controls that can visually reorder surrounding text (Trojan Source, CVE-2021-42574).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// Removes bidi controls and control characters, collapses whitespace, and cuts to at
/// most `max_chars` characters, ending with "…" when cut.
pub fn clean(s: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max_chars * 4 + 4));
    let mut count = 0;
    let mut pending_space = false;
    for c in s.chars() {
        if is_bidi_control(c) || (c.is_control() && !c.is_whitespace()) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = count > 0;
            continue;
        }
        if pending_space {
            if count + 1 >= max_chars {
                out.push('…');
                return out;
            }
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        if count + 1 > max_chars {
            out.pop();
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bidi_overrides() {
        assert_eq!(clean("Eve\u{202E}gnp.exe", 50), "Evegnp.exe");
    }

    #[test]
    fn keeps_markup_as_literal_text() {
        assert_eq!(clean("<img src=x onerror=alert(1)>", 50), "<img src=x onerror=alert(1)>");
    }

    #[test]
    fn collapses_whitespace_and_controls() {
        assert_eq!(clean("  Maria \n\t López\u{0007} ", 50), "Maria López");
    }

    #[test]
    fn cuts_long_names_on_char_boundaries() {
        let long = "é".repeat(10_000);
        let out = clean(&long, 40);
        assert_eq!(out.chars().count(), 40);
        assert!(out.ends_with('…'));
    }

    #[test]
    fn keeps_emoji_sequences_under_limit() {
        assert_eq!(clean("Ana 👩‍💻", 40), "Ana 👩‍💻");
    }
}
