//! Entry points for the benchmarks (tests/bench/tone.mjs, tests/bench/kb_speed.mjs): the
//! same core calls the extension makes, timed inside the wasm, plus X's length count for
//! the side-by-side comparison with twitter-text.

use crate::core::kb::search::{Feedback, Index};
use crate::core::kb::{synthetic, KnowledgeBase};
use crate::core::length;
use crate::core::sites::LengthRule;
use crate::core::tone::{Checker, ToneContext, ToneSettings};
use std::cell::RefCell;
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

/// The post both benchmarks rank, so the page ranks exactly the same text.
#[wasm_bindgen]
pub fn bench_kb_post() -> String {
    synthetic::POST.to_string()
}

thread_local! {
    /// The knowledge base and index the ranking runs against (the native bench keeps both alive too).
    static KB_BENCH: RefCell<Option<(KnowledgeBase, Index)>> = const { RefCell::new(None) };
}

/// Builds the synthetic knowledge base of `n` entries and its index, replacing the
/// previous one. Returns `[ms to generate the KB, ms to build the index,
/// Index::memory_bytes(), entries]`; only the index build is what benches/kb_speed.rs times.
#[wasm_bindgen]
pub fn bench_kb_build(n: u32) -> Vec<f64> {
    KB_BENCH.with(|b| *b.borrow_mut() = None);
    let t = performance_now();
    let kb = synthetic::knowledge_base(n as usize);
    let generated = performance_now() - t;
    let t = performance_now();
    let index = Index::new(&kb);
    let built = performance_now() - t;
    let out = vec![generated, built, index.memory_bytes() as f64, kb.len() as f64];
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
