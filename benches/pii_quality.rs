//! PII detector quality on real data nobody here wrote: the Presidio synthetic PII set
//! (../shared/data/presidio-synth-pii, MIT). Span-level precision and recall for the kinds
//! Tactful claims to detect. `cargo bench --bench pii_quality`. Prints figures only.
//! No rule was tuned on this set.

use std::collections::BTreeMap;
use tactful::core::pii::{self, PiiKind};

fn gold_kind(entity: &str) -> Option<PiiKind> {
    Some(match entity {
        "EMAIL_ADDRESS" => PiiKind::Email,
        "PHONE_NUMBER" => PiiKind::Phone,
        "CREDIT_CARD" => PiiKind::PaymentCard,
        "IBAN_CODE" => PiiKind::Iban,
        "US_SSN" => PiiKind::NationalId,
        "STREET_ADDRESS" => PiiKind::PostalAddress,
        _ => return None,
    })
}

/// Byte offset of code point index `cp` (the set counts Python string indices).
fn byte_of(text: &str, cp: usize) -> usize {
    text.char_indices().nth(cp).map_or(text.len(), |(b, _)| b)
}

fn main() {
    let path = std::env::var("PRESIDIO_SET").unwrap_or_else(|_| "../shared/data/presidio-synth-pii/synth_dataset_v2.json".into());
    let Ok(raw) = std::fs::read_to_string(&path) else {
        println!("pii quality: {path} not found; skipped");
        return;
    };
    let records: serde_json::Value = serde_json::from_str(&raw).expect("the Presidio set is a JSON array");
    let records = records.as_array().expect("array");
    // Even records were looked at while developing; odd ones never were: report both.
    for (name, parity) in [("development half (even records, errors inspected)", 0), ("held-out half (odd records, never inspected)", 1)] {
        let half: Vec<&serde_json::Value> = records.iter().enumerate().filter(|(i, _)| i % 2 == parity).map(|(_, r)| r).collect();
        report(name, &half);
    }
}

fn report(name: &str, records: &[&serde_json::Value]) {
    // kind -> (true positives, false positives, gold spans, gold spans found)
    let mut tally: BTreeMap<&'static str, (u32, u32, u32, u32)> = BTreeMap::new();
    for r in records {
        let text = r["full_text"].as_str().unwrap_or("");
        let gold: Vec<(PiiKind, std::ops::Range<usize>)> = r["spans"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| {
                let k = gold_kind(s["entity_type"].as_str()?)?;
                let a = byte_of(text, s["start_position"].as_u64()? as usize);
                let b = byte_of(text, s["end_position"].as_u64()? as usize);
                Some((k, a..b))
            })
            .collect();
        let found = pii::find(text, &[]);
        let overlaps = |a: &std::ops::Range<usize>, b: &std::ops::Range<usize>| a.start < b.end && b.start < a.end;
        for h in &found {
            let t = tally.entry(h.kind.label()).or_default();
            if gold.iter().any(|(k, g)| *k == h.kind && overlaps(g, &h.span)) {
                t.0 += 1;
            } else {
                t.1 += 1;
            }
        }
        for (k, g) in &gold {
            let t = tally.entry(k.label()).or_default();
            t.2 += 1;
            if found.iter().any(|h| h.kind == *k && overlaps(g, &h.span)) {
                t.3 += 1;
            }
        }
    }
    println!("\nPII detection, Presidio synthetic set, {name}: {} records, span overlap", records.len());
    println!("{:<26} {:>9} {:>9} {:>6} {:>6}", "kind", "precision", "recall", "gold", "found");
    let (mut tp, mut fp, mut gold, mut hit) = (0, 0, 0, 0);
    for (kind, (t, f, g, h)) in &tally {
        let p = if t + f == 0 { f64::NAN } else { *t as f64 / (*t + *f) as f64 };
        let rcl = if *g == 0 { f64::NAN } else { *h as f64 / *g as f64 };
        println!("{kind:<26} {p:>9.3} {rcl:>9.3} {g:>6} {:>6}", t + f);
        tp += t;
        fp += f;
        gold += g;
        hit += h;
    }
    println!("{:<26} {:>9.3} {:>9.3} {gold:>6} {:>6}", "all", tp as f64 / (tp + fp).max(1) as f64, hit as f64 / gold.max(1) as f64, tp + fp);
}
