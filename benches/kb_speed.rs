//! Time to rank one post against 1,000, 10,000 and 100,000 knowledge-base entries, and
//! the index's memory. `cargo bench --bench kb_speed`. Prints figures only.

use std::collections::BTreeMap;
use std::time::Instant;
use tactful::core::kb::search::{Feedback, Index};
use tactful::core::kb::{Entry, Kind, KnowledgeBase};

const WORDS: &[&str] = &[
    "order", "refund", "delivery", "package", "router", "wifi", "billing", "charge", "account", "password", "hacked", "login", "cancel",
    "subscription", "warranty", "repair", "replacement", "battery", "screen", "app", "update", "firmware", "outage", "store", "price",
    "discount", "voucher", "return", "label", "courier", "tracking", "address", "invoice", "card", "payment", "declined", "transfer",
    "speaker", "camera", "doorbell", "thermostat", "light", "bulb", "hub", "setup", "pairing", "bluetooth", "reset", "noise", "broken",
];

/// Deterministic pseudo-random words (xorshift), so runs compare.
fn text(seed: &mut u64, n: usize) -> String {
    (0..n)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            let w = WORDS[(*seed % WORDS.len() as u64) as usize];
            // Vary the vocabulary so big KBs have many distinct terms, as real ones do.
            if (*seed).is_multiple_of(3) { format!("{w}{}", *seed % 997) } else { w.to_string() }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn kb(n: usize) -> KnowledgeBase {
    let mut seed = 0x9E3779B97F4A7C15u64;
    let mut kb = KnowledgeBase::default();
    kb.upsert_all((0..n).map(|i| Entry {
        id: format!("e{i}"),
        kind: if i % 4 == 0 { Kind::Article } else { Kind::Reply },
        title: text(&mut seed, 5),
        body: text(&mut seed, 40),
        variants: BTreeMap::new(),
        tags: vec![WORDS[i % WORDS.len()].to_string()],
        examples: (0..3).map(|_| text(&mut seed, 8)).collect(),
        url: None,
        intent: None,
        language: "en".into(),
        owner: String::new(),
        updated_at: String::new(),
        variables: BTreeMap::new(),
    }));
    kb
}

fn main() {
    let post = "My router keeps dropping the wifi every evening since the firmware update, and I was charged twice for the replacement order";
    println!("rank one post, native (release)");
    for n in [1_000, 10_000, 100_000] {
        let kb = kb(n);
        let t = Instant::now();
        let index = Index::new(&kb);
        let build = t.elapsed();
        let runs = if n >= 100_000 { 30 } else { 200 };
        let fb = Feedback::default();
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(index.search(post, 3, &fb));
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "  {n:>7} entries: median {:>7.2} ms   p99 {:>7.2} ms   index {:>6.1} MiB   built in {:>6.0} ms",
            times[times.len() / 2],
            times[(times.len() * 99 / 100).min(times.len() - 1)],
            index.memory_bytes() as f64 / (1024.0 * 1024.0),
            build.as_secs_f64() * 1000.0
        );
    }
}
