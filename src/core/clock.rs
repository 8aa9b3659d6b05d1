//! Timestamps as the sites print them: ISO 8601 instants (`<time datetime>`) and relative
//! phrases ("47m", "2 hours ago", "Just now"). All times are Unix milliseconds.

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Parses an RFC 3339 / ISO 8601 instant such as `2026-11-23T12:04:05.123Z` or
/// `2026-11-23T13:04:05+01:00`. Returns `None` for anything else.
pub fn parse_iso(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) { part.parse().ok() } else { None }
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    if b[13] != b':' || !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let mut i = 16;
    let mut second = 0;
    let mut millis = 0;
    if b.get(i) == Some(&b':') {
        second = num(i + 1..i + 3)?;
        if second > 60 {
            return None;
        }
        i += 3;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            let mut end = start;
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            if end == start {
                return None;
            }
            // Keep millisecond precision whatever the number of fraction digits.
            let frac = &s[start..end.min(start + 3)];
            millis = frac.parse::<i64>().ok()? * 10_i64.pow(3 - frac.len() as u32);
            i = end;
        }
    }
    let offset_min = match b.get(i) {
        None => 0, // no zone: sites that omit it mean UTC
        Some(b'Z') | Some(b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
            let m = num(i + 1..i + 3)? * 60 + num(i + 4..i + 6)?;
            if sign == b'+' { m } else { -m }
        }
        // "+0000", as Reddit writes it.
        Some(&sign @ (b'+' | b'-')) if b.len() == i + 5 => {
            let m = num(i + 1..i + 3)? * 60 + num(i + 3..i + 5)?;
            if sign == b'+' { m } else { -m }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(days * DAY + hour * HOUR + minute * MINUTE + second * 1000 + millis - offset_min * MINUTE)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses a relative phrase as the sites print it ("47m", "2h", "3 d", "2 hours ago",
/// "an hour ago", "Just now", "2h • Edited •", "5 days ago (edited)"), in English, Spanish
/// ("hace 3 horas", "ayer") or French ("il y a 2 h", "hier", "3 j"), into an instant before
/// `now_ms`. The result is only right to the phrase's unit.
pub fn parse_relative(s: &str, now_ms: i64) -> Option<i64> {
    let lower = s.trim().to_lowercase();
    const NOW: [&str; 6] = ["just now", "now", "ahora", "justo ahora", "à l’instant", "à l'instant"];
    if NOW.iter().any(|n| lower == *n || lower.starts_with(&format!("{n} "))) || lower.starts_with("just now") {
        return Some(now_ms);
    }
    if ["yesterday", "ayer", "hier"].iter().any(|y| lower.starts_with(y)) {
        return Some(now_ms - DAY);
    }
    // Split "47m" into "47" "m" and read the first number followed by a unit.
    let mut tokens: Vec<String> = Vec::new();
    for word in lower.split(|c: char| c.is_whitespace() || c == '•' || c == '·' || c == ',') {
        let digits: String = word.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && digits.len() < word.len() {
            tokens.push(digits.clone());
            tokens.push(word[digits.len()..].to_string());
        } else if !word.is_empty() {
            tokens.push(word.to_string());
        }
    }
    for pair in tokens.windows(2) {
        let n: i64 = match pair[0].as_str() {
            "a" | "an" | "one" | "un" | "una" | "une" => 1,
            t => match t.parse() {
                Ok(n) => n,
                Err(_) => continue,
            },
        };
        if let Some(unit) = unit_ms(&pair[1]) {
            return Some(now_ms - n * unit);
        }
    }
    None
}

fn unit_ms(unit: &str) -> Option<i64> {
    let unit = unit.trim_end_matches('.');
    Some(match unit {
        // English, then Spanish and French where they differ.
        "s" | "sec" | "secs" | "second" | "seconds" | "seg" | "segundo" | "segundos" | "seconde" | "secondes" => 1000,
        "m" | "min" | "mins" | "minute" | "minutes" | "minuto" | "minutos" => MINUTE,
        "h" | "hr" | "hrs" | "hour" | "hours" | "hora" | "horas" | "heure" | "heures" => HOUR,
        "d" | "day" | "days" | "día" | "días" | "dia" | "dias" | "j" | "jour" | "jours" => DAY,
        "w" | "wk" | "wks" | "week" | "weeks" | "sem" | "semana" | "semanas" | "semaine" | "semaines" => 7 * DAY,
        "mo" | "mon" | "month" | "months" | "mes" | "meses" | "mois" => 30 * DAY,
        "y" | "yr" | "yrs" | "year" | "years" | "a" | "año" | "años" | "an" | "ans" => 365 * DAY,
        _ => return None,
    })
}

/// A short age for the overlay: "just now", "47 min", "3 h", "2 d".
pub fn age_label(age_ms: i64) -> String {
    let age = age_ms.max(0);
    if age < MINUTE {
        "just now".to_string()
    } else if age < HOUR {
        format!("{} min", age / MINUTE)
    } else if age < DAY {
        format!("{} h", age / HOUR)
    } else {
        format!("{} d", age / DAY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_spanish_and_french_relative_times() {
        let now = 1_000 * DAY;
        for (phrase, ago) in [
            ("hace 3 horas", 3 * HOUR),
            ("hace 5 min", 5 * MINUTE),
            ("hace una hora", HOUR),
            ("ayer", DAY),
            ("il y a 2 h", 2 * HOUR),
            ("il y a une heure", HOUR),
            ("3 j", 3 * DAY),
            ("hier", DAY),
            ("à l'instant", 0),
            ("2 sem", 14 * DAY),
        ] {
            assert_eq!(parse_relative(phrase, now), Some(now - ago), "{phrase}");
        }
    }

    #[test]
    fn parses_utc_iso_with_millis() {
        assert_eq!(parse_iso("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(parse_iso("2026-11-23T12:00:00Z"), Some(1_795_435_200_000));
        assert_eq!(parse_iso("2026-11-23T12:00:00.5Z"), Some(1_795_435_200_500));
    }

    #[test]
    fn parses_offsets() {
        assert_eq!(parse_iso("2026-11-23T13:00:00+01:00"), parse_iso("2026-11-23T12:00:00Z"));
        assert_eq!(parse_iso("2026-11-23T07:30:00-04:30"), parse_iso("2026-11-23T12:00:00Z"));
        assert_eq!(parse_iso("2026-11-23T12:00:00.000000+0000"), parse_iso("2026-11-23T12:00:00Z"));
    }

    #[test]
    fn rejects_garbage_iso() {
        for s in ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-23T25:00:00Z", "2026-11-23T12:00:00Zjunk", "2026-11-23T1x:00:00Z"] {
            assert_eq!(parse_iso(s), None, "{s}");
        }
    }

    #[test]
    fn parses_relative_forms_sites_print() {
        let now = 10 * DAY;
        for (s, age) in [
            ("47m", 47 * MINUTE),
            ("2h", 2 * HOUR),
            ("3 d", 3 * DAY),
            ("2 hours ago", 2 * HOUR),
            ("an hour ago", HOUR),
            ("Just now", 0),
            ("2h • Edited •", 2 * HOUR),
            ("5 days ago (edited)", 5 * DAY),
            ("1w", 7 * DAY),
            ("12 min. ago", 12 * MINUTE),
        ] {
            assert_eq!(parse_relative(s, now), Some(now - age), "{s}");
        }
    }

    #[test]
    fn dont_parse_text_without_time() {
        assert_eq!(parse_relative("Edited", 0), None);
        assert_eq!(parse_relative("Promoted", 0), None);
        assert_eq!(parse_relative("47 apples", 0), None);
    }

    #[test]
    fn age_labels() {
        assert_eq!(age_label(30_000), "just now");
        assert_eq!(age_label(47 * MINUTE + 59_000), "47 min");
        assert_eq!(age_label(5 * HOUR), "5 h");
        assert_eq!(age_label(3 * DAY), "3 d");
        assert_eq!(age_label(-5), "just now");
    }
}
