// Benchmark of triage speed: customer posts read and scored per second by the wasm core in
// Chromium (end to end on the X fixture, and worker_handle timed directly, with the
// 500 / 1,000 / 2,000-post scaling of read_page and customer_cards), then frame times while
// scrolling a 2,000-comment X thread with Tactful and without it, side by side in the same
// run (two Chromiums, the same fixture server, measured alternately A, B, A, B so machine
// noise hits both), and the page's memory with and without. Prints figures; asserts nothing.
//   node tests/bench/triage_speed.mjs [comments=2000] [rounds=2]   (after ./build.sh)
//   HEADED=1 xvfb-run -a node tests/bench/triage_speed.mjs        (frames from a headed Chromium)
//   DIST=/path/to/another/build node tests/bench/triage_speed.mjs (compare a variant)
// The comments are the 50 posts of tests/e2e/data/triage_feed.json with name, handle, age
// and wording varied, every other one a tweet from ../shared/data/vader-tweets when that
// file is there (read in place, never copied), and one in 25 a reply from the brand.
import { readFileSync, existsSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { tmpdir, loadavg } from 'node:os';
import { startFixtureServer } from '../fixtures/server.mjs';
import { buildFixtures } from '../fixtures/build.mjs';
import { DEMO_SETTINGS, launch, SITES, siteUrl, expected, extensionPage, inContentScript, ROOT } from '../e2e/harness.mjs';

const N = Number(process.argv[2] || 2000);
const ROUNDS = Number(process.argv[3] || 2);
const HEADED = process.env.HEADED === '1';
/** Scroll step: px per animation frame (a fast, steady fling), the same on both sides. */
const PX_PER_FRAME = 300;
/** Batch sizes timed directly in wasm, and the batch of the incremental (scrolling-in) run. */
const SIZES = [500, 1000, 2000].filter((n) => n <= N);
const STEP = 100;

const FEED = JSON.parse(readFileSync(join(ROOT, 'tests/e2e/data/triage_feed.json'), 'utf8')).posts;
const VADER = process.env.VADER_TWEETS || join(ROOT, '../shared/data/vader-tweets/tweets_GroundTruth.txt');
const TWEETS = existsSync(VADER)
  ? readFileSync(VADER, 'utf8').split(/\r?\n/).map((l) => l.split('\t')[2]).filter((t) => t && t.length > 20)
  : [];
const BRAND = expected('x').posts.find((p) => p.is_brand);

/** `n` thread comments, deterministic: varied customer posts, some authors posting again. */
function comments(n) {
  let seed = 20261123;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const SURNAMES = ['Ortega', 'Nakamura', 'Okafor', 'Lindqvist', 'Haddad', 'Kowalski', 'Moreau', 'Singh', 'Brennan', 'Costa'];
  const TAILS = ['', '', '', ' Any update?', ' Still waiting.', ' 🙏', ' #fail', ' Thanks in advance!', ' This is the third time I ask.', ' DM me please'];
  const out = [];
  for (let i = 0; i < n; i++) {
    if (i % 25 === 24) {
      out.push({ author_name: BRAND.author_name, handle: BRAND.handle, text: `Sorry to hear that! Please DM us your order number and we'll look into it right away. ^${'JKMS'[i % 4]}${'MRTL'[(i >> 2) % 4]}`, age_minutes: 1 + Math.floor(rnd() * 600), verified: true });
      continue;
    }
    const f = FEED[Math.floor(rnd() * FEED.length)];
    const who = Math.floor(rnd() * 700); // 700 authors: most post two or three times in the thread
    const tweet = TWEETS.length && i % 2 === 1 ? TWEETS[Math.floor(rnd() * TWEETS.length)].replace(/@anonymous/g, '@AcmeCare') : null;
    const text = tweet ?? f.text.replace(/AC-\d{5}/g, () => `AC-${20000 + Math.floor(rnd() * 80000)}`) + TAILS[Math.floor(rnd() * TAILS.length)];
    out.push({
      author_name: `${f.author_name.split(' ')[0]} ${SURNAMES[who % SURNAMES.length]}`,
      handle: `${f.handle}_${who}`,
      text,
      age_minutes: 1 + Math.floor(rnd() * 720),
    });
  }
  return out;
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const pct = (xs, p) => { const s = sorted(xs); return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))] : NaN; };
const median = (xs) => pct(xs, 0.5);
const f1 = (x, w = 7) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a').padStart(w);
const f2 = (x, w = 7) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a').padStart(w);
const kps = (n, ms) => (ms > 0 ? Math.round((n / ms) * 1000).toLocaleString('en-US') : 'n/a');
const mib = (b) => (b / 1048576).toFixed(1);

/** Chromium as harness.launch starts it (same flags, viewport, host mapping), without Tactful. */
async function launchPlain({ port }) {
  const hosts = [...SITES.flatMap((s) => [`${s}.com`, `www.${s}.com`]), 'm.me', 'ig.me'];
  const dir = mkdtempSync(join(tmpdir(), 'tactful-plain-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: !HEADED,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--host-resolver-rules=${hosts.map((h) => `MAP ${h} 127.0.0.1:${port}`).join(', ')}`,
      '--ignore-certificate-errors',
    ],
  });
  return { context, close: async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** Main world: when each of Tactful's post cards arrives (none ever do without Tactful). */
function watchCards() {
  window.__bench = { cards: 0, at: [] };
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeName === 'TACTFUL-OVERLAY' && !n.hasAttribute('data-notice') && !n.hasAttribute('data-tone')) {
        window.__bench.cards++;
        window.__bench.at.push(performance.now());
      }
    }
  }).observe(document, { childList: true, subtree: true });
}

/** Tactful's content-script world: times every message it sends (the same performance clock as the page). */
const WRAP_SEND = `(() => {
  const log = globalThis.__benchLog = [];
  const rt = chrome.runtime;
  const orig = rt.sendMessage.bind(rt);
  const wrapped = (msg, ...rest) => {
    const e = { kind: msg && msg.kind, n: msg && Array.isArray(msg.posts) ? msg.posts.length : msg && Array.isArray(msg.post_keys) ? msg.post_keys.length : 0, sent: performance.now(), done: null };
    if (e.kind === 'read_page' && e.n) globalThis.__benchPosts = msg.posts;
    log.push(e);
    const p = orig(msg, ...rest);
    p.then(() => { e.done = performance.now(); }, () => { e.done = performance.now(); });
    return p;
  };
  try { rt.sendMessage = wrapped; } catch {}
  if (rt.sendMessage !== wrapped) Object.defineProperty(rt, 'sendMessage', { value: wrapped, configurable: true, writable: true });
  return rt.sendMessage === wrapped;
})()`;

const metrics = async (cdp) => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));

/** Loads the thread page with `n` comments on one side; for Tactful, until every card and customer card is in. */
async function loadThread(side, records) {
  const page = await side.context.newPage();
  await page.addInitScript(watchCards);
  await page.goto(siteUrl('x'));
  await page.waitForFunction(() => window.__fixture && window.__fixture.ready);
  const base = expected('x').posts.length;
  const r = { side: side.name, page };
  if (side.tactful) {
    await page.waitForFunction((n) => window.__bench.cards >= n, base, { timeout: 20000 });
    if (!(await inContentScript(page, WRAP_SEND))) throw new Error("could not time Tactful's messages (chrome.runtime.sendMessage not replaceable)");
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.waitForTimeout(300);
  const before = await metrics(cdp);
  const t = await page.evaluate((recs) => {
    const t0 = performance.now();
    window.__fixture.addPosts(recs.length, recs);
    const t1 = performance.now();
    // The frame that shows them: the second animation frame starts once it is produced.
    window.__bench.frame = null;
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__bench.frame = performance.now(); }));
    return { t0, t1 };
  }, records);
  r.domMs = t.t1 - t.t0;
  await page.waitForFunction(() => window.__bench.frame !== null, null, { timeout: 120000, polling: 50 });
  r.frameMs = (await page.evaluate(() => window.__bench.frame)) - t.t1;
  if (side.tactful) {
    const customers = records.filter((x) => x.handle !== BRAND.handle).length;
    await page.waitForFunction((n) => window.__bench.cards >= n, base + records.length, { timeout: 120000, polling: 50 });
    const cardsAt = await page.evaluate((n) => window.__bench.at[n - 1], base + records.length);
    // Every customer post's card asks the worker (and the CRM) for its customer, many to a message.
    const deadline = Date.now() + 120000;
    let log;
    for (;;) {
      log = await inContentScript(page, `globalThis.__benchLog.map(({ kind, n, sent, done }) => ({ kind, n, sent, done }))`);
      const cc = log.filter((e) => e.kind === 'customer_cards');
      if ((cc.reduce((s, e) => s + e.n, 0) >= customers && cc.every((e) => e.done !== null)) || Date.now() > deadline) break;
      await page.waitForTimeout(100);
    }
    const reads = log.filter((e) => e.kind === 'read_page' && e.n > 0);
    const cc = log.filter((e) => e.kind === 'customer_cards' && e.done !== null);
    Object.assign(r, {
      customers,
      reads: reads.map((e) => ({ n: e.n, ms: e.done - e.sent })),
      firstSend: reads[0].sent - t.t1,
      lastReadDone: Math.max(...reads.map((e) => e.done)) - t.t1,
      cardsMs: cardsAt - t.t1,
      ccCount: cc.reduce((s, e) => s + e.n, 0),
      ccMessages: cc.length,
      ccDone: Math.max(...cc.map((e) => e.done)) - t.t1,
      ccRt: cc.map((e) => e.done - e.sent),
    });
    r.raw = await inContentScript(page, 'globalThis.__benchPosts');
  }
  await page.waitForTimeout(500);
  const after = await metrics(cdp);
  const d = (k) => (after[k] - before[k]) * 1000;
  r.busy = { script: d('ScriptDuration'), style: d('RecalcStyleDuration'), layout: d('LayoutDuration'), task: d('TaskDuration') };
  await cdp.send('HeapProfiler.collectGarbage');
  const m = await metrics(cdp);
  r.mem = { heap: m.JSHeapUsedSize, nodes: m.Nodes, listeners: m.JSEventListeners };
  r.cdp = cdp;
  return r;
}

/** One pass over the whole thread, top to bottom, PX_PER_FRAME per animation frame. */
async function scrollPass(r) {
  await r.page.bringToFront();
  // Garbage collections during the pass (renderer main threads), to tell them from work.
  const traced = [];
  const collect = (e) => traced.push(...e.value);
  r.cdp.on('Tracing.dataCollected', collect);
  const complete = new Promise((res) => r.cdp.once('Tracing.tracingComplete', res));
  await r.cdp.send('Tracing.start', { categories: 'disabled-by-default-v8.gc', transferMode: 'ReportEvents' });
  const before = await metrics(r.cdp);
  const out = await r.page.evaluate(async (px) => {
    scrollTo(0, 0);
    await Promise.race([new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))), new Promise((res) => setTimeout(res, 10000))]);
    const stamps = [];
    const at = [];
    const loaf = [];
    let obs = null;
    try {
      obs = new PerformanceObserver((l) => {
        for (const e of l.getEntries()) {
          const end = e.startTime + e.duration;
          loaf.push({
            duration: e.duration,
            script: (e.scripts || []).reduce((s, x) => s + x.duration, 0),
            sources: [...new Set((e.scripts || []).map((x) => (x.sourceURL || x.invoker || '?').split('/').pop()))].join(' '),
            styleLayout: e.styleAndLayoutStart ? end - e.styleAndLayoutStart : 0,
          });
        }
      });
      obs.observe({ type: 'long-animation-frame' });
    } catch { obs = null; }
    const visible = document.visibilityState;
    let stalled = false;
    await new Promise((res) => {
      // A watchdog: a hidden or stalled page stops animation frames.
      let lastFrame = performance.now();
      const dog = setInterval(() => { if (performance.now() - lastFrame > 10000) { stalled = true; clearInterval(dog); res(); } }, 1000);
      const done = () => { clearInterval(dog); res(); };
      let last = -1;
      let stuck = 0;
      const step = (t) => {
        if (stalled) return;
        lastFrame = performance.now();
        stamps.push(t);
        at.push(scrollY);
        // The bottom, or no further (the page's height can settle by a pixel meanwhile).
        stuck = scrollY === last ? stuck + 1 : 0;
        last = scrollY;
        if (scrollY >= document.scrollingElement.scrollHeight - innerHeight - 1 || stuck >= 3) return done();
        scrollBy(0, px);
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
    await new Promise((res) => setTimeout(res, 100));
    obs?.disconnect();
    const frames = stamps.slice(1).map((t, i) => t - stamps[i]);
    const worst = frames.indexOf(Math.max(...frames));
    const where = worst >= 0 ? `frame ${worst + 1} of ${frames.length}, ${(at[worst] / document.scrollingElement.scrollHeight * 100).toFixed(0)}% down` : '';
    return { frames, where, visible, stalled, height: document.scrollingElement.scrollHeight, bottom: scrollY >= document.scrollingElement.scrollHeight - innerHeight - 1, loaf };
  }, PX_PER_FRAME);
  const after = await metrics(r.cdp);
  await r.cdp.send('Tracing.end');
  await complete;
  r.cdp.off('Tracing.dataCollected', collect);
  const mains = new Set(traced.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const gcs = traced.filter((e) => e.ph === 'X' && e.name === 'V8.GC_MARK_COMPACTOR' && mains.has(`${e.pid}:${e.tid}`)).map((e) => e.dur / 1000);
  const d = (k) => (after[k] - before[k]) * 1000;
  return { ...out, gcs, layout: d('LayoutDuration'), style: d('RecalcStyleDuration'), script: d('ScriptDuration'), task: d('TaskDuration'), layouts: after.LayoutCount - before.LayoutCount, styles: after.RecalcStyleCount - before.RecalcStyleCount };
}

// ------------------------------------------------------------------------------------------
const tStart = Date.now();
await buildFixtures();
const server = await startFixtureServer({ port: 0 });
const A = { name: 'with Tactful', tactful: true, ...(await launch({ port: server.port, headless: !HEADED, ...(process.env.DIST ? { dist: process.env.DIST } : {}) })) };
const B = { name: 'without', tactful: false, ...(await launchPlain({ port: server.port })) };
const records = comments(N);
const version = A.context.browser()?.version() ?? '';
console.log(`triage speed: X fixture thread (${siteUrl('x')}) + ${N} comments (${records.filter((x) => x.handle !== BRAND.handle).length} customers', ${records.filter((x) => x.handle === BRAND.handle).length} brand replies; ${TWEETS.length ? 'half' : 'none'} from VADER tweets)`);
const wasmFile = join(ROOT, 'dist/pkg/tactful_bg.wasm');
console.log(`Chromium ${version}, ${HEADED ? 'headed (under xvfb)' : 'headless'}, --disable-gpu, viewport 1280x900; dist/ wasm built ${statSync(wasmFile).mtime.toISOString().slice(0, 19)}Z; load average ${loadavg()[0].toFixed(2)}`);

try {
  // --- 1. End to end on the page: DOM -> content script -> worker (wasm) -> cards.
  // One loaded page per side serves every scroll pass (loading 2,000 comments with Tactful takes a while).
  const loaded = [await loadThread(A, records), await loadThread(B, records)];
  const a = loaded.find((l) => l.side === A.name);
  const b = loaded.find((l) => l.side === B.name);
  console.log(`\n1. end to end on the page, ${N} comments added at once (ms after the fixture appended them; with Tactful, and without where it applies)`);
  console.log(`   fixture builds their DOM (before 0)        ${f1(a.domMs)}   without ${f1(b.domMs).trim()}`);
  console.log(`   first frame showing them                   ${f1(a.frameMs)}   without ${f1(b.frameMs).trim()}   (the page's own style, layout and paint of ${N} posts)`);
  console.log(`   content script sends read_page             ${f1(a.firstSend)}   (MutationObserver, setTimeout 0, reading ${a.reads.reduce((s, x) => s + x.n, 0)} posts' fields, queued behind the page's own work on them)`);
  console.log(`   read_page answered                         ${f1(a.lastReadDone)}   (round trip ${a.reads.map((x) => `${x.n} posts ${x.ms.toFixed(1)} ms`).join(', ')}: messaging + wasm)`);
  console.log(`   all ${N} cards with triage badges drawn     ${f1(a.cardsMs)}   => ${kps(N, a.cardsMs)} posts/s end to end`);
  console.log(`   all ${a.ccCount} customer cards answered          ${f1(a.ccDone)}   (${a.ccMessages} customer_cards messages, one at a time; round trip median ${f1(median(a.ccRt)).trim()} ms, p95 ${f1(pct(a.ccRt, 0.95)).trim()}, max ${f1(Math.max(...a.ccRt)).trim()}; CRM empty)`);
  console.log(`   page main thread busy, addPosts to done:   script ${f1(a.busy.script).trim()}, style ${f1(a.busy.style).trim()}, layout ${f1(a.busy.layout).trim()}, all tasks ${f1(a.busy.task).trim()} ms`);
  console.log(`                                    without:  script ${f1(b.busy.script).trim()}, style ${f1(b.busy.style).trim()}, layout ${f1(b.busy.layout).trim()}, all tasks ${f1(b.busy.task).trim()} ms`);

  // --- 2. The worker's wasm timed directly: worker_handle in a separate instance on an extension page.
  const ext = await extensionPage(A.context, A.extensionId);
  const direct = await ext.evaluate(async ([raw, url, sizes, step, brand, settings]) => {
    const m = await import(chrome.runtime.getURL('pkg/tactful.js') + '?triage-bench');
    const wasm = await m.default({ module_or_path: chrome.runtime.getURL('pkg/tactful_bg.wasm') });
    // The demo brand's settings, so its posts count as the brand's (the product ships none).
    m.worker_start(settings, 0, [], undefined, null, null, {});
    let tab = 1000;
    const now = Date.now();
    // worker_handle answers with a promise; one with no I/O to wait on is settled by the
    // next microtask, which the time includes.
    const handle = async (req, sender) => { const t = performance.now(); const r = await m.worker_handle(req, sender, now); return [performance.now() - t, r]; };
    const read = (posts, tabId) => handle({ kind: 'read_page', posts, settled: false, background: 'rgb(255, 255, 255)' }, { from: 'content_script', tab_id: tabId, url });
    // The same posts by the brand: read, carded and stored, not scored.
    const variants = { customers: raw, brand: raw.map((p) => ({ ...p, handle: `/${brand}` })) };
    const keyed = (posts, prefix) => posts.map((p) => ({ ...p, key: `${prefix}${p.key}` }));
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    // Warm-up (V8 tiers wasm up from Liftoff to TurboFan on hot code).
    const wStart = performance.now();
    while (performance.now() - wStart < 1500) { await read(raw.slice(0, 200), tab); m.worker_forget_tab(tab++); }
    const out = { sizes: [], growth: [], cc: [] };
    for (const n of sizes) {
      const rep = n >= 2000 ? 3 : 5;
      const row = { n, parse: [], customers: [], brand: [] };
      for (let i = 0; i < rep; i++) {
        // An extension page may not report posts: the request is decoded, then refused.
        row.parse.push((await handle({ kind: 'read_page', posts: raw.slice(0, n), settled: false, background: '' }, { from: 'extension_page' }))[0]);
        for (const v of ['customers', 'brand']) {
          const [ms, resp] = await read(variants[v].slice(0, n), tab);
          m.worker_forget_tab(tab++);
          row[v].push(ms);
          if (v === 'customers') row.scored = resp.view.cards.filter((c) => c.triage).length;
          if (v === 'brand') row.brandCards = resp.view.cards.filter((c) => c.is_brand).length;
        }
      }
      out.sizes.push({ n, scored: row.scored, brandCards: row.brandCards, parse: med(row.parse), customers: med(row.customers), brand: med(row.brand) });
    }
    // The posts arriving STEP at a time (a thread scrolled into view), on one tab.
    const arriving = keyed(raw, 'g');
    const growTab = tab++;
    const times = [];
    for (let i = 0; i < arriving.length; i += step) times.push((await read(arriving.slice(i, i + step), growTab))[0]);
    out.growth = { times, total: times.reduce((s, x) => s + x, 0) };
    // The same PROBE new posts read into a tab holding n of the thread's posts: what the
    // posts held add (read_page walks them for each new post: once looking for its key,
    // and, for a customer's post, once counting the author's earlier posts). Each read
    // gets a freshly filled tab (the probe's posts stay in the tab they were read into).
    // Customers' probe: a tab of the thread's posts; the brand's probe (no author count):
    // a tab of the same posts by the brand, quicker to fill.
    const PROBE = Math.min(1000, raw.length);
    // Short texts, so that scoring them costs little next to the walks being measured.
    const probe = Object.fromEntries(Object.entries(variants).map(([v, ps]) => [v, ps.slice(0, PROBE).map((p) => ({ ...p, text: '@AcmeCare hi' }))]));
    out.probe = [];
    for (let r = 0; r < 3; r++) {
      for (const v of ['customers', 'brand']) { await read(keyed(variants[v].slice(0, 100), 'f'), tab); await read(keyed(probe[v], 'p'), tab); m.worker_forget_tab(tab++); }
    }
    for (const n of [100, ...sizes]) {
      const row = { n, customers: [], brand: [] };
      for (let r = 0; r < 5; r++) {
        for (const v of ['customers', 'brand']) {
          const t = tab++;
          await read(keyed(variants[v].slice(0, n), 'f'), t);
          row[v].push((await read(keyed(probe[v], 'p'), t))[0]);
          m.worker_forget_tab(t);
        }
      }
      out.probe.push({ n, customers: Math.min(...row.customers), brand: Math.min(...row.brand) });
    }
    // customer_cards (the posts' authors looked up by key), 100 keys a message as the content
    // script sends them, for the first and last 200 posts of that tab.
    for (const [which, ps] of [['first', arriving.slice(0, 200)], ['last', arriving.slice(-200)]]) {
      const s = performance.now();
      for (let i = 0; i < ps.length; i += 100) await m.worker_handle({ kind: 'customer_cards', post_keys: ps.slice(i, i + 100).map((p) => p.key) }, { from: 'content_script', tab_id: growTab, url }, now);
      out.cc.push({ which, n: ps.length, ms: performance.now() - s });
    }
    out.linear = wasm.memory.buffer.byteLength;
    out.PROBE = PROBE;
    return out;
  }, [a.raw, siteUrl('x'), SIZES, STEP, BRAND.handle, DEMO_SETTINGS]);
  await ext.close();

  console.log(`\n2. the worker's wasm alone: worker_handle(read_page) in its own wasm instance on an extension page, warmed up; median ms`);
  console.log('   posts   decode   all by brand   customers   posts/s   => scoring   scored/s');
  for (const s of direct.sizes) {
    const scoring = s.customers - s.brand;
    console.log(`   ${String(s.n).padStart(5)} ${f1(s.parse, 8)} ${f1(s.brand, 14)} ${f1(s.customers, 11)} ${kps(s.n, s.customers).padStart(9)}   ${f1(scoring, 10)} ${kps(s.scored, scoring).padStart(10)}`);
  }
  const chk = direct.sizes.at(-1);
  console.log(`   decode: the request JS -> Rust alone (an extension page's read_page is decoded, then refused). all by brand: the same posts`);
  console.log(`   by the brand handle: read, carded, stored, not scored (${chk.brandCards}/${chk.n} brand). scoring = customers - all by brand.`);
  const gt = direct.growth.times;
  console.log(`   the ${N} posts arriving ${STEP} at a time on one tab: ${f1(direct.growth.total).trim()} ms in all, batches 1-3 ${gt.slice(0, 3).map((x) => x.toFixed(1)).join(' / ')} ms, batches ${gt.length - 2}-${gt.length} ${gt.slice(-3).map((x) => x.toFixed(1)).join(' / ')} ms`);
  console.log(`   the same ${direct.PROBE} new posts (texts shortened so scoring is cheap) read into a tab already holding n posts (best of 5, ms):`);
  console.log('         n   customers   by brand   => both walks   key walk   author walk   (walks: extra over n = 100)');
  const p0 = direct.probe[0];
  for (const p of direct.probe) {
    console.log(`     ${String(p.n).padStart(5)} ${f1(p.customers, 11)} ${f1(p.brand, 10)}   ${f1(p.customers - p0.customers, 13)} ${f1(p.brand - p0.brand, 10)} ${f1(p.customers - p0.customers - (p.brand - p0.brand), 13)}`);
  }
  const held = direct.probe.filter((p) => p.n > p0.n);
  if (held.length) {
    // The largest extra seen per (new post, post held): an upper bound, the walks being near this bench's noise.
    const perPair = Math.max(0, ...held.map((p) => ((p.customers - p0.customers) / (direct.PROBE * (p.n - p0.n))) * 1e6));
    const sz = direct.sizes.at(-1);
    const scoring = (sz.customers - sz.brand) / sz.n; // ms per post, from the table above
    console.log(`     => the walks cost at most ~${perPair.toFixed(1)} ns per new post per post held (largest seen), i.e. filling a tab of n posts spends`);
    console.log(`        at most ~${(perPair / 2).toFixed(1)} ns x n^2 on them: ${f1((perPair / 2) * N * N / 1e6).trim()} ms at ${N} posts, ${f1((perPair / 2) * 25e6 / 1e6).trim()} ms at the 5,000-post tab cap; scoring costs ~${(scoring * 1000).toFixed(0)} µs a post (${f1(scoring * N).trim()} ms / ${f1(scoring * 5000).trim()} ms)`);
  }
  for (const c of direct.cc) console.log(`   customer_cards for the ${c.which} ${c.n} posts of the ${N}-post tab: ${(c.ms / c.n * 1000).toFixed(1)} µs each (the wasm and, since the local CRM's rules moved into it, its IndexedDB reads; before, the wasm only)`);
  console.log(`   bench instance's wasm linear memory afterwards (its high-water mark): ${mib(direct.linear)} MiB`);

  // --- 3. Scrolling, A and B alternately.
  const passes = { [A.name]: [], [B.name]: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const l of [a, b]) passes[l.side].push(await scrollPass(l));
  }
  console.log(`\n3. scrolling the whole thread, ${PX_PER_FRAME} px per requestAnimationFrame (window.scrollBy), ${ROUNDS} passes per side, alternated A, B, A, B`);
  console.log('   side            height px  frames   median     p95     p99     max  >50ms  >33ms  LoAF>50ms   main thread per frame: layout  style  script ms');
  const summary = {};
  for (const l of [a, b]) {
    const ps = passes[l.side];
    const all = ps.flatMap((p) => p.frames);
    const avg = (k) => ps.reduce((s, p) => s + p[k], 0) / ps.length;
    summary[l.side] = { median: median(all), p95: pct(all, 0.95), p99: pct(all, 0.99), max: Math.max(...all) };
    const s = summary[l.side];
    console.log(`   ${l.side.padEnd(14)} ${String(Math.round(ps[0].height)).padStart(10)} ${String(all.length).padStart(7)} ${f1(s.median)} ${f1(s.p95)} ${f1(s.p99)} ${f1(s.max)} ${String(all.filter((x) => x > 50).length).padStart(6)} ${String(all.filter((x) => x > 33.4).length).padStart(6)} ${String(ps.reduce((n, p) => n + p.loaf.filter((e) => e.duration > 50).length, 0)).padStart(10)} ${f2(avg('layout') / (all.length / ps.length), 30)} ${f2(avg('style') / (all.length / ps.length), 6)} ${f2(avg('script') / (all.length / ps.length), 7)}`);
    const longest = ps.flatMap((p) => p.loaf).sort((x, y) => y.duration - x.duration).slice(0, 3);
    if (longest.length) console.log(`     longest animation frames: ${longest.map((e) => `${e.duration.toFixed(0)} ms (script ${e.script.toFixed(0)}${e.sources ? ` in ${e.sources}` : ''}, style+layout ${e.styleLayout.toFixed(0)})`).join('; ')}`);
    for (const [i, p] of ps.entries()) console.log(`     pass ${i + 1}: ${p.frames.length} frames${p.bottom ? '' : ' (stopped short of the bottom)'}, median ${p.frames.length ? median(p.frames).toFixed(1) : 'n/a'} ms, p95 ${pct(p.frames, 0.95).toFixed(1)}, p99 ${pct(p.frames, 0.99).toFixed(1)}, max ${Math.max(...p.frames).toFixed(1)} (${p.where}); ${p.layouts} layouts (${p.layout.toFixed(0)} ms), ${p.styles} style recalcs (${p.style.toFixed(0)} ms); full garbage collections on the main thread ${p.gcs.length ? `${p.gcs.length}: ${p.gcs.map((x) => x.toFixed(0)).join(', ')} ms` : 'none'}${p.stalled ? `; STALLED (frames stopped for 10 s; page ${p.visible})` : ''}`);
  }
  const sa = summary[A.name], sb = summary[B.name];
  console.log(`   ratio with/without: median ${f2(sa.median / sb.median).trim()}x, p95 ${f2(sa.p95 / sb.p95).trim()}x, p99 ${f2(sa.p99 / sb.p99).trim()}x, max ${f2(sa.max / sb.max).trim()}x`);

  // --- 4. Memory.
  console.log(`\n4. the thread page after ${N} comments (after a forced GC; CDP Performance.getMetrics)`);
  console.log(`   with Tactful: JS heap ${mib(a.mem.heap)} MiB, ${a.mem.nodes.toLocaleString('en-US')} DOM nodes, ${a.mem.listeners.toLocaleString('en-US')} event listeners`);
  console.log(`   without:      JS heap ${mib(b.mem.heap)} MiB, ${b.mem.nodes.toLocaleString('en-US')} DOM nodes, ${b.mem.listeners.toLocaleString('en-US')} event listeners`);
  console.log(`   difference:   ${mib(a.mem.heap - b.mem.heap)} MiB JS heap (the page's renderer, main world and Tactful's content-script world), ${(a.mem.nodes - b.mem.nodes).toLocaleString('en-US')} nodes`);
  for (const l of loaded) await l.cdp.detach().catch(() => {});
} finally {
  await A.close();
  await B.close();
  await server.close();
}
console.log(`\n(${((Date.now() - tStart) / 1000).toFixed(0)} s; load average now ${loadavg()[0].toFixed(2)})`);
