// Benchmark: wasm size, worker start, message round trips, and time from a post being in
// the DOM to its Tactful card being drawn, per site (median of several loads).
// Prints figures; asserts nothing.   node tests/bench/overlay.mjs [loads=9]
import { statSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { startFixtureServer } from '../fixtures/server.mjs';
import { buildFixtures } from '../fixtures/build.mjs';
import { launch, SITES, siteUrl, expected, extensionPage, inContentScript, waitForOverlays, postCards, DIST } from '../e2e/harness.mjs';

const LOADS = Number(process.argv[2] || 9);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const fmt = (x) => x.toFixed(1).padStart(7);

const wasmPath = join(DIST, 'pkg/tactful_bg.wasm');
const raw = statSync(wasmPath).size;
const gz = gzipSync(readFileSync(wasmPath), { level: 9 }).length;
console.log(`wasm: ${(raw / 1024).toFixed(0)} KiB raw, ${(gz / 1024).toFixed(0)} KiB gzipped (budget 1536 KiB gzipped)`);

await buildFixtures();
const server = await startFixtureServer({ port: 0 });
const browser = await launch({ port: server.port });
const ext = await extensionPage(browser.context, browser.extensionId);
const pong = await ext.evaluate(() => chrome.runtime.sendMessage({ kind: 'ping' }));
console.log(`worker start (fetch + compile + instantiate wasm, load settings): ${pong.started_ms.toFixed(1)} ms`);

// Round trips through chrome.runtime messaging into the wasm core and back.
const rt = await ext.evaluate(async () => {
  const t = [];
  for (let i = 0; i < 300; i++) { const s = performance.now(); await chrome.runtime.sendMessage({ kind: 'ping' }); t.push(performance.now() - s); }
  return t;
});
console.log(`round trip, extension page -> worker (wasm) -> page, ping x300: median ${median(rt).toFixed(3)} ms, p95 ${pct(rt, 0.95).toFixed(3)} ms`);

// Overlay timing: a main-world observer notes when the cards for all posts are in.
const init = (expectedCards) => {
  window.__tactfulBench = { overlayAt: null };
  new MutationObserver(() => {
    if (window.__tactfulBench.overlayAt === null && document.querySelectorAll('tactful-overlay:not([data-notice]):not([data-tone])').length >= expectedCards) {
      window.__tactfulBench.overlayAt = performance.now();
    }
  }).observe(document, { childList: true, subtree: true });
};
console.log(`\ntime from posts in the DOM to all their cards drawn (ms, ${LOADS} loads; budget 150)`);
console.log('site        median     p90    min   posts   content-script round trip (median ms)');
for (const site of SITES) {
  const n = expected(site).posts.length;
  const times = [];
  let csRoundTrip = null;
  for (let i = 0; i < LOADS; i++) {
    const page = await browser.context.newPage();
    await page.addInitScript(init, n);
    await page.goto(siteUrl(site));
    await waitForOverlays(page, (o) => postCards(o).length >= n);
    const t = await page.evaluate(() => window.__tactfulBench.overlayAt - window.__fixture.postsInsertedAt);
    times.push(t);
    if (i === 0) {
      csRoundTrip = await inContentScript(page, `(async () => { const t = []; for (let i = 0; i < 100; i++) { const s = performance.now(); await chrome.runtime.sendMessage({ kind: 'profile_for' }); t.push(performance.now() - s); } t.sort((a, b) => a - b); return t[50]; })()`);
    }
    await page.close();
  }
  console.log(`${site.padEnd(10)} ${fmt(median(times))} ${fmt(pct(times, 0.9))} ${fmt(Math.min(...times))}   ${String(n).padStart(5)}   ${csRoundTrip.toFixed(3)}`);
}
await browser.close();
await server.close();
