//! Native benchmark of a full tone re-check: `cargo bench --bench tone`.
//! Prints median and 99th percentile per draft size; asserts nothing.

use std::time::Instant;
use tactful::core::tone::{Checker, ToneContext, ToneSettings};

/// A realistic care reply, repeated to the wanted size, with the things rules look for.
pub fn draft(chars: usize) -> String {
    const PARTS: [&str; 6] = [
        "Hi Dana, so sorry about the dropouts 😞 ",
        "As I already said, please restart the router and check the lights. ",
        "We guarantee the fix will arrive by Friday, and your order AC-20431 is on its way. ",
        "You can reach us at care@acme.example or +44 20 7946 0958. ",
        "日本語のお客様もどうぞ。 Merci beaucoup, ça marche! ",
        "More at https://acme.example.com/help/router-dropouts?ref=x ",
    ];
    let mut s = String::new();
    let mut i = 0;
    while s.chars().count() < chars {
        s.push_str(PARTS[i % PARTS.len()]);
        i += 1;
    }
    s.chars().take(chars).collect()
}

fn main() {
    let checker = Checker::new(ToneSettings { order_patterns: vec!["AC-#####".into()], ..ToneSettings::default() });
    let ctx = ToneContext { post: Some("My order is STILL missing, this is ridiculous".into()), customer_name: Some("Dana Reyes".into()), ..ToneContext::default() };
    println!("tone re-check, native (release), {} rules", checker.catalogue().len());
    for chars in [280, 5000] {
        let text = draft(chars);
        let iterations = if chars > 1000 { 300 } else { 2000 };
        let mut times: Vec<f64> = (0..iterations)
            .map(|_| {
                let t = Instant::now();
                let r = checker.check(&text, &ctx);
                std::hint::black_box(r.for_page(&text));
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let findings = checker.check(&text, &ctx).findings.len();
        println!(
            "  {chars:>5} chars: median {:>8.1} µs   p99 {:>8.1} µs   ({findings} findings, {iterations} runs)",
            times[times.len() / 2],
            times[times.len() * 99 / 100]
        );
    }
}
