//! Entry points for the benchmarks (tests/bench/tone.mjs, tests/bench/kb_speed.mjs): the
//! same core calls the extension makes, timed inside the wasm, plus X's length count for
//! the side-by-side comparison with twitter-text.

use crate::core::kb::search::{Feedback, Index};
use crate::core::kb::{Entry, Kind, KnowledgeBase};
use crate::core::length;
use crate::core::sites::LengthRule;
use crate::core::tone::{Checker, ToneContext, ToneSettings};
use std::cell::RefCell;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// X's weighted length of `text` (twitter-text v3).
#[wasm_bindgen]
pub fn x_weighted_length(text: &str) -> u32 {
    length::count(LengthRule::Weighted { max: 280 }, text).used
}

/// Times `iterations` full tone checks of `text` on X with an upset customer post;
/// returns each check's duration in ms.
#[wasm_bindgen]
pub fn bench_tone_check(text: &str, iterations: u32) -> Vec<f64> {
    let checker = Checker::new(ToneSettings { order_patterns: vec!["AC-#####".into()], ..ToneSettings::default() });
    let ctx = ToneContext { post: Some("My order is STILL missing, this is ridiculous".into()), customer_name: Some("Dana Reyes".into()), ..ToneContext::default() };
    (0..iterations)
        .map(|_| {
            let t = performance_now();
            let report = checker.check(text, &ctx);
            std::hint::black_box(report.for_page(text));
            performance_now() - t
        })
        .collect()
}

// --- Knowledge-base ranking (tests/bench/kb_speed.mjs): the same synthetic knowledge
// bases and post as benches/kb_speed.rs, so the wasm figures sit beside the native ones.

/// benches/kb_speed.rs's vocabulary (keep the two in step).
const KB_WORDS: &[&str] = &[
    "order", "refund", "delivery", "package", "router", "wifi", "billing", "charge", "account", "password", "hacked", "login", "cancel",
    "subscription", "warranty", "repair", "replacement", "battery", "screen", "app", "update", "firmware", "outage", "store", "price",
    "discount", "voucher", "return", "label", "courier", "tracking", "address", "invoice", "card", "payment", "declined", "transfer",
    "speaker", "camera", "doorbell", "thermostat", "light", "bulb", "hub", "setup", "pairing", "bluetooth", "reset", "noise", "broken",
];

/// benches/kb_speed.rs's post, exported so the page ranks exactly the same text.
#[wasm_bindgen]
pub fn bench_kb_post() -> String {
    "My router keeps dropping the wifi every evening since the firmware update, and I was charged twice for the replacement order".to_string()
}

/// Deterministic pseudo-random words (xorshift), as benches/kb_speed.rs makes them.
fn kb_text(seed: &mut u64, n: usize) -> String {
    (0..n)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            let w = KB_WORDS[(*seed % KB_WORDS.len() as u64) as usize];
            if (*seed).is_multiple_of(3) { format!("{w}{}", *seed % 997) } else { w.to_string() }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The synthetic entries of benches/kb_speed.rs: same seed, same entries, same order.
fn synthetic_entries(n: usize) -> impl Iterator<Item = Entry> {
    let mut seed = 0x9E3779B97F4A7C15u64;
    (0..n).map(move |i| Entry {
        id: format!("e{i}"),
        kind: if i % 4 == 0 { Kind::Article } else { Kind::Reply },
        title: kb_text(&mut seed, 5),
        body: kb_text(&mut seed, 40),
        variants: BTreeMap::new(),
        tags: vec![KB_WORDS[i % KB_WORDS.len()].to_string()],
        examples: (0..3).map(|_| kb_text(&mut seed, 8)).collect(),
        url: None,
        intent: None,
        language: "en".into(),
        owner: String::new(),
        updated_at: String::new(),
        variables: BTreeMap::new(),
    })
}

/// The knowledge base exactly as benches/kb_speed.rs builds it, through `upsert_all`
/// (each upsert scans every entry for its id: quadratic, minutes at 100,000).
fn synthetic_kb_upsert(n: usize) -> KnowledgeBase {
    let mut kb = KnowledgeBase::default();
    kb.upsert_all(synthetic_entries(n));
    kb
}

/// The same knowledge base in linear time: the ids are distinct, so every upsert appends,
/// and `KnowledgeBase`'s serde form (`{"entries": [...]}`) is that list.
fn synthetic_kb(n: usize) -> KnowledgeBase {
    let mut json = br#"{"entries":["#.to_vec();
    for (i, e) in synthetic_entries(n).enumerate() {
        if i > 0 {
            json.push(b',');
        }
        serde_json::to_writer(&mut json, &e).expect("an entry serialises");
    }
    json.extend_from_slice(b"]}");
    serde_json::from_slice(&json).expect("the entries deserialise")
}

thread_local! {
    /// The knowledge base and index the ranking runs against (the native bench keeps both alive too).
    static KB_BENCH: RefCell<Option<(KnowledgeBase, Index)>> = const { RefCell::new(None) };
}

/// Builds the synthetic knowledge base of `n` entries and its index, replacing the
/// previous one. Returns `[ms to generate the KB, ms to build the index,
/// Index::memory_bytes(), entries, ms the bench's upsert_all path takes, 1 if that path
/// gives the same KB else 0]`, the last two NaN unless `check_upsert` (quadratic: use it on
/// small KBs). Only the index build is what benches/kb_speed.rs times.
#[wasm_bindgen]
pub fn bench_kb_build(n: u32, check_upsert: bool) -> Vec<f64> {
    KB_BENCH.with(|b| *b.borrow_mut() = None);
    let t = performance_now();
    let kb = synthetic_kb(n as usize);
    let generated = performance_now() - t;
    let (upsert_ms, same) = if check_upsert {
        let t = performance_now();
        let slow = synthetic_kb_upsert(n as usize);
        (performance_now() - t, f64::from(u8::from(slow == kb)))
    } else {
        (f64::NAN, f64::NAN)
    };
    let t = performance_now();
    let index = Index::new(&kb);
    let built = performance_now() - t;
    let out = vec![generated, built, index.memory_bytes() as f64, kb.len() as f64, upsert_ms, same];
    KB_BENCH.with(|b| *b.borrow_mut() = Some((kb, index)));
    out
}

/// Ranks `post` against the built knowledge base `runs` times (top 3, no picks, as
/// benches/kb_speed.rs does); returns each ranking's duration in ms (empty before a build).
#[wasm_bindgen]
pub fn bench_kb_rank(post: &str, runs: u32) -> Vec<f64> {
    KB_BENCH.with(|b| {
        let b = b.borrow();
        let Some((_, index)) = b.as_ref() else { return Vec::new() };
        let fb = Feedback::default();
        (0..runs)
            .map(|_| {
                let t = performance_now();
                std::hint::black_box(index.search(post, 3, &fb));
                performance_now() - t
            })
            .collect()
    })
}

/// The ids of the top 3 for `post` against the built knowledge base, comma-separated (to
/// check the wasm ranks what native ranks).
#[wasm_bindgen]
pub fn bench_kb_top(post: &str) -> String {
    KB_BENCH.with(|b| b.borrow().as_ref().map(|(_, index)| index.search(post, 3, &Feedback::default()).into_iter().map(|s| s.id).collect::<Vec<_>>().join(",")).unwrap_or_default())
}

/// Frees the benchmark's knowledge base and index.
#[wasm_bindgen]
pub fn bench_kb_free() {
    KB_BENCH.with(|b| *b.borrow_mut() = None);
}
