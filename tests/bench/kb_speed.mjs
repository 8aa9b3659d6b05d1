// Benchmark of knowledge-base ranking: the time to rank one post against 1,000, 10,000 and
// 100,000 entries in wasm inside Chromium (an extension page, where the wasm runs), the
// index's memory, side by side with the native figures of `cargo bench --bench kb_speed`,
// which this script runs afterwards. Same synthetic knowledge bases (seed, vocabulary,
// entries) and the same post as benches/kb_speed.rs. Prints figures; asserts nothing.
//   node tests/bench/kb_speed.mjs   (after ./build.sh; KB_SPEED_NATIVE=0 skips cargo bench)
import { spawn } from 'node:child_process';
import { startFixtureServer } from '../fixtures/server.mjs';
import { launch, extensionPage, ROOT } from '../e2e/harness.mjs';

/** Knowledge-base sizes, and how many rankings are timed at each (after a few untimed ones). */
const SIZES = [[1_000, 300], [10_000, 300], [100_000, 100]];
const WARMUP = 10;
/** How long the wasm is exercised before anything is timed (see the warm-up below). */
const WARMUP_MS = 3000;

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))], mean: s.reduce((a, b) => a + b, 0) / s.length };
};
const mib = (bytes) => bytes / (1024 * 1024);
const fmt = (x, w, d = 2) => x.toFixed(d).padStart(w);

// --- wasm in Chromium.
const server = await startFixtureServer({ port: 0 });
const browser = await launch({ port: server.port });
const wasmRows = [];
try {
  const ext = await extensionPage(browser.context, browser.extensionId, 'options.html');
  const version = await browser.context.browser()?.version?.() ?? '';
  const { post, tick, isolated } = await ext.evaluate(async () => {
    const m = await import(chrome.runtime.getURL('pkg/tactful.js'));
    // Already initialised by the options page itself; then this returns the same instance.
    await m.default({ module_or_path: chrome.runtime.getURL('pkg/tactful_bg.wasm') });
    // performance.now()'s step here (coarsened unless the page is cross-origin isolated).
    let tick = Infinity;
    for (let i = 0; i < 200; i++) {
      const a = performance.now();
      let b = a;
      while (b === a) b = performance.now();
      tick = Math.min(tick, b - a);
    }
    return { post: m.bench_kb_post(), tick, isolated: self.crossOriginIsolated };
  });
  console.log(`rank one post, wasm in Chromium${version ? ` ${version}` : ''} (release build, as dist/ ships it)`);
  console.log(`  post: ${JSON.stringify(post)}`);
  console.log(`  timer: performance.now() steps by ${(tick * 1000).toFixed(1)} µs or more (page ${isolated ? '' : 'not '}cross-origin isolated), so medians and p99s below are`);
  console.log('  to that step; the mean over all runs is finer (the steps are jittered)');
  // Warm-up: V8 first runs wasm from its baseline compiler (Liftoff) and swaps in optimised
  // code (TurboFan) for hot functions in the background, so the first rankings and builds
  // are slower. Native code has no such phase; the figures below are after it.
  const warm = await ext.evaluate(async ([ms]) => {
    const m = await import(chrome.runtime.getURL('pkg/tactful.js'));
    const post = m.bench_kb_post();
    const coldBuild = m.bench_kb_build(1000)[1];
    const first = Array.from(m.bench_kb_rank(post, 20));
    const t0 = performance.now();
    let runs = 0;
    while (performance.now() - t0 < ms) runs += m.bench_kb_rank(post, 50).length;
    await new Promise((r) => setTimeout(r, 200));
    const warmBuild = m.bench_kb_build(1000)[1];
    const last = Array.from(m.bench_kb_rank(post, 20));
    m.bench_kb_free();
    return { coldBuild, warmBuild, first, last, runs };
  }, [WARMUP_MS]);
  const med = (xs) => stats(xs).median;
  console.log(`  warm-up (1,000 entries, ${warm.runs} rankings in ${WARMUP_MS / 1000} s): first build ${warm.coldBuild.toFixed(0)} ms, then ${warm.warmBuild.toFixed(0)} ms;` +
    ` first 20 rankings median ${med(warm.first).toFixed(2)} ms (first ${warm.first[0].toFixed(2)} ms), last 20 ${med(warm.last).toFixed(2)} ms`);
  for (const [n, runs] of SIZES) {
    const r = await ext.evaluate(async ([n, runs, warmup]) => {
      const m = await import(chrome.runtime.getURL('pkg/tactful.js'));
      const wasm = await m.default({ module_or_path: chrome.runtime.getURL('pkg/tactful_bg.wasm') });
      const [generatedMs, buildMs, indexBytes, entries] = Array.from(m.bench_kb_build(n));
      const post = m.bench_kb_post();
      m.bench_kb_rank(post, warmup);
      const times = Array.from(m.bench_kb_rank(post, runs));
      return { generatedMs, buildMs, indexBytes, entries, times, top: m.bench_kb_top(post), linearBytes: wasm.memory.buffer.byteLength };
    }, [n, runs, WARMUP]);
    const s = stats(r.times);
    wasmRows.push({ n, ...s, runs, indexMiB: mib(r.indexBytes), buildMs: r.buildMs });
    console.log(
      `  ${String(n).padStart(7)} entries: median ${fmt(s.median, 7)} ms   p99 ${fmt(s.p99, 7)} ms   index ${fmt(mib(r.indexBytes), 6, 1)} MiB   built in ${fmt(r.buildMs, 6, 0)} ms` +
        `   (${runs} runs, mean ${s.mean.toFixed(3)} ms; top 3 ${r.top})`,
    );
    console.log(`           KB of ${r.entries} generated in ${r.generatedMs.toFixed(0)} ms (src/core/kb/synthetic.rs, as natively); wasm linear memory now ${mib(r.linearBytes).toFixed(0)} MiB`);
  }
  await ext.evaluate(async () => (await import(chrome.runtime.getURL('pkg/tactful.js'))).bench_kb_free());
} finally {
  await browser.close();
  await server.close();
}

// --- Native, from cargo bench (after the browser is closed, so the two don't share the cores).
if (process.env.KB_SPEED_NATIVE === '0') process.exit(0);
console.log('\nrunning cargo bench --bench kb_speed ...');
const native = await new Promise((resolve) => {
  const child = spawn('cargo', ['bench', '--bench', 'kb_speed'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  child.on('close', (code) => resolve({ code, out, err }));
});
if (native.code !== 0) {
  console.log(`cargo bench failed (exit ${native.code}):\n${native.err.slice(-3000)}`);
  process.exit(1);
}
process.stdout.write(native.out);
const nativeRows = new Map();
for (const line of native.out.split('\n')) {
  const m = line.match(/^\s*(\d+) entries: median\s+([\d.]+) ms\s+p99\s+([\d.]+) ms\s+index\s+([\d.]+) MiB\s+built in\s+([\d.]+) ms/);
  if (m) nativeRows.set(Number(m[1]), { median: +m[2], p99: +m[3], indexMiB: +m[4], buildMs: +m[5] });
}

// --- Side by side.
console.log('\nside by side (wasm in Chromium / native; ratio = wasm / native)');
console.log('  entries     median ms: wasm  native  ratio      p99 ms: wasm  native  ratio    index MiB: wasm  native    build ms: wasm  native  ratio');
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a').padStart(6);
for (const w of wasmRows) {
  const nat = nativeRows.get(w.n);
  if (!nat) {
    console.log(`  ${String(w.n).padStart(7)}   (no native line)`);
    continue;
  }
  console.log(
    `  ${String(w.n).padStart(7)}   ${fmt(w.median, 17)} ${fmt(nat.median, 7)} ${ratio(w.median, nat.median)}   ${fmt(w.p99, 14)} ${fmt(nat.p99, 7)} ${ratio(w.p99, nat.p99)}` +
      `   ${fmt(w.indexMiB, 15, 1)} ${fmt(nat.indexMiB, 7, 1)}   ${fmt(w.buildMs, 14, 0)} ${fmt(nat.buildMs, 7, 0)} ${ratio(w.buildMs, nat.buildMs)}`,
  );
}
console.log('  (index MiB is Index::memory_bytes(), the same estimate on both; native p99 at 100,000 is over 30 runs, i.e. its slowest)');
