// Benchmark of tone checks: a full re-check in wasm inside Chromium (280 and 5,000
// characters), keystroke-to-underline in a real editor, and X length counting side by
// side with the twitter-text npm package (same counts, speed ratio). Prints figures;
// asserts nothing.   node tests/bench/tone.mjs   (after ./build.sh; `cargo bench --bench tone` for native)
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import twitter from 'twitter-text';
import { startFixtureServer } from '../fixtures/server.mjs';
import { launch, siteUrl, expected, extensionPage, inContentScript, waitForOverlays, postCards } from '../e2e/harness.mjs';

const PARTS = [
  'Hi Dana, so sorry about the dropouts 😞 ',
  'As I already said, please restart the router and check the lights. ',
  'We guarantee the fix will arrive by Friday, and your order AC-20431 is on its way. ',
  'You can reach us at care@acme.example or +44 20 7946 0958. ',
  '日本語のお客様もどうぞ。 Merci beaucoup, ça marche! ',
  'More at https://acme.example.com/help/router-dropouts?ref=x ',
];
/** The same drafts as benches/tone.rs. */
function draft(chars) {
  let s = '';
  for (let i = 0; [...s].length < chars; i++) s += PARTS[i % PARTS.length];
  return [...s].slice(0, chars).join('');
}
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] };
};

// --- X length: our wasm (loaded in Node, the same file the extension ships) vs twitter-text.
const pkg = new URL('../../dist/pkg/', import.meta.url);
const wasm = await import(new URL('tactful.js', pkg));
await wasm.default({ module_or_path: readFileSync(fileURLToPath(new URL('tactful_bg.wasm', pkg))) });
const corpus = [draft(280), draft(5000)];
const labelled = new URL('../data/tone_drafts.jsonl', import.meta.url);
for (const line of existsSync(labelled) ? readFileSync(labelled, 'utf8').split('\n') : []) {
  if (line.trim()) corpus.push(JSON.parse(line).text);
}
let same = 0;
const differ = [];
for (const t of corpus) {
  const ours = wasm.x_weighted_length(t);
  const theirs = twitter.parseTweet(t).weightedLength;
  if (ours === theirs) same++;
  else differ.push({ ours, theirs, text: t.slice(0, 60) });
}
const time = (f) => {
  const t0 = performance.now();
  for (let r = 0; r < 20; r++) for (const t of corpus) f(t);
  return (performance.now() - t0) / (20 * corpus.length);
};
time((t) => wasm.x_weighted_length(t)); time((t) => twitter.parseTweet(t)); // warm up
const oursMs = time((t) => wasm.x_weighted_length(t));
const theirsMs = time((t) => twitter.parseTweet(t));
console.log(`X length on ${corpus.length} drafts: same count as twitter-text on ${same}/${corpus.length}`);
for (const d of differ.slice(0, 5)) console.log(`  differs: ours ${d.ours}, twitter-text ${d.theirs}: ${JSON.stringify(d.text)}`);
console.log(`  per draft: Tactful (wasm, Node) ${(oursMs * 1000).toFixed(1)} µs, twitter-text ${(theirsMs * 1000).toFixed(1)} µs  (twitter-text / Tactful = ${(theirsMs / oursMs).toFixed(2)}x)`);

// --- Full re-check in wasm inside Chromium (an extension page, where the wasm runs).
const server = await startFixtureServer({ port: 0 });
const browser = await launch({ port: server.port });
const ext = await extensionPage(browser.context, browser.extensionId);
await ext.waitForSelector('#brand-x');
console.log('\nfull tone re-check, wasm in Chromium (12 rules, UTF-16 spans included)');
for (const [chars, runs] of [[280, 1000], [5000, 200]]) {
  const times = await ext.evaluate(async ([text, runs]) => {
    const m = await import('/pkg/tactful.js');
    m.bench_tone_check(text, 20);
    return Array.from(m.bench_tone_check(text, runs));
  }, [draft(chars), runs]);
  const s = stats(times);
  console.log(`  ${String(chars).padStart(5)} chars: median ${(s.median * 1000).toFixed(0).padStart(6)} µs   p99 ${(s.p99 * 1000).toFixed(0).padStart(6)} µs   (budget ${chars > 1000 ? '5 ms' : '1 ms'})`);
}

// --- Keystroke to underline, typing a draft into X's Draft.js editor at 20 ms a key.
const page = await browser.context.newPage();
await page.goto(siteUrl('x'));
await waitForOverlays(page, (o) => postCards(o).length >= expected('x').posts.length);
await page.click('div[data-testid="tweetTextarea_0"]');
await page.keyboard.type('Hi Dana, as I already said calm down, we guarantee a refund by Friday!!', { delay: 20 });
await page.waitForTimeout(300);
const k = await inContentScript(page, 'tactfulProbe.toneStats.keyToUnderline');
const ks = stats(k);
console.log(`\nkeystroke to underlines drawn (X, Draft.js, ${k.length} checks): median ${ks.median.toFixed(2)} ms, p99 ${ks.p99.toFixed(2)} ms (budget one frame, 16 ms)`);
await browser.close();
await server.close();
