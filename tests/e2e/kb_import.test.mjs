// End-to-end: a 10,000-article knowledge base imported from the options page, with progress
// and the page staying responsive; a malformed file changes nothing and names its line; the
// imported articles are suggested on the page and survive a browser restart. Each test
// imports what it needs under its own ids and counts from the knowledge base as it finds
// it, so they pass alone (--test-name-pattern) and in any order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { siteUrl, expected, waitForOverlays, postCards, clickOverlayButton, ask, useBrowser } from './harness.mjs';

const s = useBrowser({ extPage: true });

const csvCell = (s) => `"${s.replace(/"/g, '""')}"`;

const CSV_HEADER = 'id,kind,title,body,tags,examples,owner';

/** `n` articles on ten topics, ids `bulk-0`…, as a team's help-centre export would have them. */
function bigCsv(n) {
  const topics = ['billing', 'delivery', 'warranty', 'firmware', 'returns', 'accounts', 'subscriptions', 'gift cards', 'stores', 'recycling'];
  const rows = [CSV_HEADER];
  for (let i = 0; i < n; i++) {
    const t = topics[i % topics.length];
    rows.push([`bulk-${i}`, 'article', csvCell(`${t} guide ${i}`), csvCell(`How ${t} works for case ${i}: steps, limits and who to contact.`), csvCell(`${t},guide`), csvCell(`question ${i} about ${t}\nhelp with ${t} ${i}`), 'docs-team'].join(','));
  }
  return rows.join('\n') + '\n';
}

/** One article answering the X fixture's first customer post (Dana's router), as a file. */
function routerCsv() {
  const post = expected('x').posts.find((p) => !p.is_brand).text;
  return [CSV_HEADER, ['kb-router-evenings', 'article', csvCell('Router drops every evening (imported)'), csvCell('Evening dropouts come from channel congestion; switch to the 5 GHz band in the app.'), 'router', csvCell(`${post}\nrouter disconnects each evening`), 'docs-team'].join(',')].join('\n') + '\n';
}

/** Picks `file` (a path, or `{ name, text }`) on the options page, as an agent does, and returns the import's status naming it. */
async function importFile(file) {
  const name = typeof file === 'string' ? file.split('/').pop() : file.name;
  await s.ext.setInputFiles('#kb-file', typeof file === 'string' ? file : { name, mimeType: 'text/csv', buffer: Buffer.from(file.text) });
  await s.ext.waitForFunction((n) => { const t = document.querySelector('#kb-status').textContent; return t.startsWith('Imported ') && t.includes(` from ${n} (`); }, name, { timeout: 120000 })
    .catch(async (e) => { throw new Error(`${name} not imported; status: ${await s.ext.textContent('#kb-status')}; ${e.message}`); });
  return s.ext.textContent('#kb-status');
}

test('a 10,000-article CSV imports with progress while the page stays responsive', async () => {
  const ext = s.ext;
  await ext.reload(); // a fresh page to watch (another test may have used it)
  await ext.waitForSelector('#kb-status');
  await ext.waitForFunction(() => /^The knowledge base has \d+ entries \(\d+ imported/.test(document.querySelector('#kb-status').textContent));
  const before = (await ask(ext, { kind: 'kb_status' })).total;
  // Watch the page's frames and the status text while the import runs: from the moment
  // the file is chosen (the test's own upload of the file into the page, through DevTools,
  // is not Tactful's work and is left out).
  await ext.evaluate(() => {
    window.__gap = 0; window.__seen = [];
    let last = performance.now();
    let armed = false;
    document.querySelector('#kb-file').addEventListener('change', () => { armed = true; last = performance.now(); }, { capture: true });
    window.__long = [];
    const tick = (t) => {
      if (armed && t - last > 50) window.__long.push(`${Math.round(t - last)} ms before "${document.querySelector('#kb-status').textContent.slice(0, 30)}"`);
      if (armed) window.__gap = Math.max(window.__gap, t - last);
      last = t;
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    // The worker answers while it indexes: ping it and keep the slowest answer.
    window.__pings = [];
    const ping = async () => {
      if (window.__stop) return;
      if (/^Indexing /.test(document.querySelector('#kb-status').textContent)) {
        const t = performance.now();
        await chrome.runtime.sendMessage({ kind: 'ping' });
        window.__pings.push(performance.now() - t);
      }
      setTimeout(ping, 20);
    };
    ping();
    new MutationObserver(() => window.__seen.push(document.querySelector('#kb-status').textContent)).observe(document.querySelector('#kb-status'), { childList: true, subtree: true, characterData: true });
  });
  const csv = bigCsv(10000);
  // From a file on disk, as an agent picks it (not a buffer pushed through DevTools).
  const file = join(mkdtempSync(join(tmpdir(), 'tactful-kb-')), 'kb.csv');
  writeFileSync(file, csv);
  const status = await importFile(file);
  assert.equal(status, `Imported 10000 entries from kb.csv (10000 new, 0 updated); the knowledge base now has ${before + 10000}.`);
  const { seen, gap, long, pings } = await ext.evaluate(() => { window.__stop = true; return { seen: window.__seen, gap: window.__gap, long: window.__long, pings: window.__pings }; });
  if (long.length) console.log(`# frames over 50 ms: ${long.join('; ')}`);
  assert.ok(seen.some((s) => /^Sending kb\.csv to Tactful: \d+%…$/.test(s)), `sending progress was shown: ${seen.join(' | ')}`);
  assert.ok(seen.some((s) => /^Checking and indexing kb\.csv: \d+ lines…$/.test(s)), `progress was shown: ${seen.join(' | ')}`);
  assert.ok(seen.some((s) => /^Indexing kb\.csv for suggestions: \d+%…$/.test(s)), `indexing progress was shown: ${seen.join(' | ')}`);
  assert.ok(pings.length > 0, 'the worker answered while it indexed');
  console.log(`# while indexing: ${pings.length} pings answered, slowest ${Math.max(...pings).toFixed(0)} ms`);
  console.log(`# 10,000-entry import: longest gap between the options page's frames ${gap.toFixed(0)} ms (the work runs in the service worker)`);
});

test('a malformed file is rejected whole, naming the line, and changes nothing', async () => {
  const ext = s.ext;
  const before = (await ask(ext, { kind: 'kb_status' })).total;
  const bad = 'id,kind,title,body\nok-1,reply,Fine,All good\nbad-2,sometimes,Broken,Kind is wrong\n';
  await ext.setInputFiles('#kb-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await ext.waitForFunction(() => /nothing was imported/.test(document.querySelector('#kb-status').textContent));
  assert.match(await ext.textContent('#kb-status'), /line 3: .*nothing was imported/);
  assert.equal(await ext.getAttribute('#kb-status', 'class'), 'error');
  assert.equal((await ask(ext, { kind: 'kb_status' })).total, before, 'not even the good line went in');
});

test('the options page exports the whole knowledge base, which imports back', async () => {
  const ext = s.ext;
  // Entries of the team's own next to the starter ones.
  const mine = [CSV_HEADER, ...[1, 2, 3].map((i) => [`roundtrip-${i}`, 'reply', csvCell(`Roundtrip reply ${i}`), csvCell(`Thanks for asking about roundtrip ${i}.`), 'roundtrip', csvCell(`roundtrip question ${i}`), 'docs-team'].join(','))].join('\n') + '\n';
  assert.match(await importFile({ name: 'mine.csv', text: mine }), /^Imported 3 entries from mine\.csv \(\d new, \d updated\)/);
  const total = (await ask(ext, { kind: 'kb_status' })).total;
  const [download] = await Promise.all([ext.waitForEvent('download'), ext.click('#kb-export-csv')]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv.split('\n')[0], /^id,kind,title,body,tags,examples/);
  assert.match(csv, /^"roundtrip-2",reply,"Roundtrip reply 2",/m, 'the imported entries are in the file');
  assert.match(csv, /^"r-handoff-dm",reply,/m, 'and the starter ones');
  await ext.waitForFunction((n) => document.querySelector('#kb-status').textContent === `Exported ${n} entries as CSV.`, total);
  assert.equal(await importFile({ name: 'roundtrip.csv', text: csv }), `Imported ${total} entries from roundtrip.csv (0 new, ${total} updated); the knowledge base now has ${total}.`);
});

test('imported articles are suggested on the page and survive a browser restart', async () => {
  assert.match(await importFile({ name: 'router.csv', text: routerCsv() }), /^Imported 1 entries from router\.csv/);
  const page = await s.browser.context.newPage();
  await page.goto(siteUrl('x'));
  await waitForOverlays(page, (o) => postCards(o).length >= expected('x').posts.length);
  await clickOverlayButton(page, 'Suggest replies', 0);
  const shown = await waitForOverlays(page, (o) => o.some((x) => /\b(Insert|Fill and insert)\b/.test(x.text)));
  assert.match(shown.map((x) => x.text).join('\n'), /Router drops every evening \(imported\)/);
  await page.close();
  const before = await ask(s.ext, { kind: 'kb_status' });
  assert.ok(before.imported >= 1);
  await s.restart();
  const after = await ask(s.ext, { kind: 'kb_status' });
  assert.equal(after.total, before.total);
  assert.equal(after.imported, before.imported);
  // And still suggested after the restart.
  const again = await s.browser.context.newPage();
  await again.goto(siteUrl('x'));
  await waitForOverlays(again, (o) => postCards(o).length >= expected('x').posts.length);
  await clickOverlayButton(again, 'Suggest replies', 0);
  await waitForOverlays(again, (o) => o.some((x) => /Router drops every evening \(imported\)/.test(x.text)));
  await again.close();
});
