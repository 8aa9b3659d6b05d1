//! Entry points for the benchmarks (tests/bench/tone.mjs): the same core calls the
//! extension makes, timed inside the wasm, plus X's length count for the side-by-side
//! comparison with twitter-text.

use crate::core::length;
use crate::core::sites::LengthRule;
use crate::core::tone::{Checker, ToneContext, ToneSettings};
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
