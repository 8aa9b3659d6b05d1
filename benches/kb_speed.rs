//! Time to rank one post against 1,000, 10,000 and 100,000 knowledge-base entries, and
//! the index's memory. `cargo bench --bench kb_speed`. Prints figures only.

use std::time::Instant;
use tactful::core::kb::search::{Feedback, Index};
use tactful::core::kb::synthetic;

fn main() {
    let post = synthetic::POST;
    println!("rank one post, native (release)");
    for n in [1_000, 10_000, 100_000] {
        let kb = synthetic::knowledge_base(n);
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
