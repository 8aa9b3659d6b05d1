//! Synthetic knowledge bases for the ranking benchmarks (native `benches/kb_speed.rs` and
//! wasm `tests/bench/kb_speed.mjs`): one generator, so both rank the same entries.

use super::{Entry, Kind, KnowledgeBase};
use std::collections::BTreeMap;

/// The post both benchmarks rank.
pub const POST: &str = "My router keeps dropping the wifi every evening since the firmware update, and I was charged twice for the replacement order";

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

/// `n` entries, the same for the same `n` on every platform.
pub fn entries(n: usize) -> impl Iterator<Item = Entry> {
    let mut seed = 0x9E3779B97F4A7C15u64;
    (0..n).map(move |i| Entry {
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
    })
}

pub fn knowledge_base(n: usize) -> KnowledgeBase {
    let mut kb = KnowledgeBase::default();
    kb.upsert_all(entries(n));
    kb
}
