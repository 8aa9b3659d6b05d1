//! Tone-rule quality on the labelled drafts in tests/data/tone_drafts.jsonl (written for
//! this project from the rules' definitions, not from their phrase lists). Prints
//! precision and recall per rule, for the development half (even lines, whose errors may be
//! inspected) and the held-out half (odd lines, never inspected).
//! `cargo bench --bench tone_quality`.

use std::collections::{BTreeMap, BTreeSet};
use tactful::core::sites::SiteId;
use tactful::core::tone::{Checker, ToneContext, ToneSettings};

#[derive(serde::Deserialize)]
struct Labelled {
    id: String,
    platform: SiteId,
    #[serde(default)]
    post: Option<String>,
    #[serde(default)]
    customer_name: Option<String>,
    text: String,
    expect: BTreeSet<String>,
}

fn main() {
    let path = "tests/data/tone_drafts.jsonl";
    let raw = std::fs::read_to_string(path).expect("tests/data/tone_drafts.jsonl is in the repository");
    let rows: Vec<Labelled> = raw
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path} line {}: {e}", i + 1)))
        .collect();
    let checker = Checker::new(ToneSettings { order_patterns: vec!["AC-#####".into()], ..ToneSettings::default() });
    let verbose = std::env::var("TONE_DEV_ERRORS").is_ok();
    for (name, parity) in [("development half (even lines)", 0), ("held-out half (odd lines, never inspected)", 1)] {
        // rule -> (tp, fp, fn)
        let mut tally: BTreeMap<String, (u32, u32, u32)> = BTreeMap::new();
        let mut n = 0;
        for (i, r) in rows.iter().enumerate().filter(|(i, _)| i % 2 == parity) {
            n += 1;
            let ctx = ToneContext { site: r.platform, post: r.post.clone(), customer_name: r.customer_name.clone(), customer_handle: None };
            let got: BTreeSet<String> = checker.check(&r.text, &ctx).findings.into_iter().map(|f| f.rule).collect();
            for rule in got.union(&r.expect) {
                let t = tally.entry(rule.clone()).or_default();
                match (got.contains(rule), r.expect.contains(rule)) {
                    (true, true) => t.0 += 1,
                    (true, false) => t.1 += 1,
                    (false, true) => t.2 += 1,
                    _ => {}
                }
            }
            if verbose && parity == 0 && got != r.expect {
                println!("  {} (line {}): expected {:?}, got {:?}: {:?}", r.id, i + 1, r.expect, got, r.text.chars().take(100).collect::<String>());
            }
        }
        println!("\ntone rules, {name}: {n} drafts");
        println!("{:<26} {:>9} {:>9} {:>5} {:>5} {:>5}", "rule", "precision", "recall", "tp", "fp", "fn");
        let (mut tp, mut fp, mut fne) = (0, 0, 0);
        for (rule, (t, f, m)) in &tally {
            let p = if t + f == 0 { f64::NAN } else { *t as f64 / (t + f) as f64 };
            let r = if t + m == 0 { f64::NAN } else { *t as f64 / (t + m) as f64 };
            println!("{rule:<26} {p:>9.3} {r:>9.3} {t:>5} {f:>5} {m:>5}");
            tp += t;
            fp += f;
            fne += m;
        }
        println!("{:<26} {:>9.3} {:>9.3} {tp:>5} {fp:>5} {fne:>5}", "all", tp as f64 / (tp + fp).max(1) as f64, tp as f64 / (tp + fne).max(1) as f64);
    }
}
