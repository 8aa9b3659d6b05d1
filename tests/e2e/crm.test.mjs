// End-to-end: the local CRM (IndexedDB in the service worker). A store is imported from the
// options page; each site's card shows the fixture customer's history; using a suggestion
// logs the interaction; a bad import changes nothing; pages and content scripts can't read
// the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SITES, expected, siteUrl, waitForOverlays, postCards, clickOverlayButton, extensionPage, ask, inContentScript, tabIdOf, useBrowser } from './harness.mjs';

let browser, ext;
const HOUR = 3600_000;

/** A store with one known customer per site: the author of the site's first customer post. */
function snapshot(now) {
  const customers = [], interactions = [], tickets = [], notes = [];
  for (const site of SITES) {
    const post = expected(site).posts.find((p) => !p.is_brand);
    const id = `cust-${site}`;
    customers.push({ id, display_names: [post.author_name], identities: [{ network: site, value: post.handle.toLowerCase() }, { network: 'email', value: `${site}@example.com` }], tags: [], created_at: now - 90 * 24 * HOUR, updated_at: now });
    const i = (n, kind, direction, text, ago, sentiment) => ({ id: `${site}-${n}`, customer_id: id, channel: site, kind, direction, permalink: null, text, agent: direction === 'outbound' ? 'jm' : null, at: now - ago, tone_findings: [], sentiment });
    interactions.push(
      i(1, 'post', 'inbound', 'My parcel never arrived, this is the third time', 30 * 24 * HOUR, -0.7),
      i(2, 'reply', 'outbound', 'Thanks for waiting — your replacement shipped.', 29 * 24 * HOUR, null),
      i(3, 'post', 'inbound', '<img src=x onerror="window.__pwned=1">Great, it works now!', 2 * HOUR, 0.6),
    );
    tickets.push([id, { id: '42', subject: 'Router replacement', status: 'open', open: true, link: 'https://rt.example.com/Ticket/Display.html?id=42', updated_at: now }]);
    tickets.push([id, { id: '7', subject: 'Old refund', status: 'resolved', open: false, link: 'javascript:alert(1)', updated_at: now }]);
  }
  return { schema: 2, customers, interactions, tickets, notes };
}

const s = useBrowser({ extPage: true }, async (s) => {
  ({ browser, ext } = s);
  const r = await ask(ext, { kind: 'crm_import', snapshot: snapshot(Date.now()) });
  assert.equal(r.kind, 'crm_imported', JSON.stringify(r));
  assert.equal(r.customers, 6);
});

const customerText = (o) => o.map((x) => x.text).join('\n');

for (const site of SITES) {
  test(`${site}: the card shows the customer's history from the local CRM`, async () => {
    const want = expected(site);
    const page = await browser.context.newPage();
    await page.goto(siteUrl(site));
    await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
    const shown = await waitForOverlays(page, (o) => /1 open ticket · 3 interactions/.test(customerText(o)));
    const text = customerText(shown);
    const author = want.posts.find((p) => !p.is_brand);
    assert.match(text, new RegExp(`@${author.handle.toLowerCase()} on ${site}`), 'handles shown');
    assert.match(text, /Router replacement \(open\)/, 'open ticket shown');
    assert.doesNotMatch(text, /Old refund/, 'resolved tickets are not listed');
    assert.match(text, /Thanks for waiting/, 'past interactions shown');
    assert.match(text, /<img src=x onerror/, 'hostile history text shown as text');
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'and never run');
    // Another customer's post on the same page is a new customer, never matched by name.
    if (want.posts.filter((p) => !p.is_brand).length > 1) assert.match(text, /New customer — no history yet/);
    await page.close();
  });
}

test('x: inserting a suggestion logs the post and the reply; the card updates', async () => {
  const page = await browser.context.newPage();
  await page.goto(siteUrl('x'));
  await waitForOverlays(page, (o) => /1 open ticket · 3 interactions/.test(customerText(o)));
  await clickOverlayButton(page, 'Suggest replies', 0);
  const list = await waitForOverlays(page, (o) => o.some((x) => /\b(Insert|Fill and insert)\b/.test(x.text)));
  const label = /\bInsert\b/.test(list.find((x) => /Insert/.test(x.text)).text.replace(/Fill and insert/g, '')) ? 'Insert' : 'Fill and insert';
  await clickOverlayButton(page, label, 0);
  const after = await waitForOverlays(page, (o) => /1 open ticket · 5 interactions/.test(customerText(o)));
  assert.match(customerText(after), /Suggested reply on x/);
  const exported = await ask(ext, { kind: 'crm_export' });
  const mine = exported.snapshot.interactions.filter((i) => i.customer_id === 'cust-x');
  assert.equal(mine.filter((i) => i.kind === 'post' && i.id.startsWith('post:')).length, 1);
  const used = mine.filter((i) => i.kind === 'suggestion_used');
  assert.equal(used.length, 1);
  assert.equal(used[0].direction, 'outbound');
  assert.equal(used[0].permalink, expected('x').posts[0].permalink);
  assert.equal(await page.evaluate(() => window.__fixture.editorText().replace(/\n$/, '')), used[0].text, 'the logged text is what went into the editor');
  await page.close();
});

test('the side panel expands a customer\'s full history', async () => {
  const page = await browser.context.newPage();
  await page.goto(siteUrl('x'));
  await waitForOverlays(page, (o) => /open ticket/.test(customerText(o)));
  const tab = await tabIdOf(browser.worker, page);
  const panel = await extensionPage(browser.context, browser.extensionId, `panel.html?tab=${tab}`);
  const first = panel.locator('li.post', { hasText: '@dana_reyes' }).first();
  await first.getByRole('button', { name: 'History' }).click();
  const box = first.locator('.customer-history');
  await box.waitFor({ timeout: 10000 });
  const text = await box.textContent();
  assert.match(text, /^Dana Reyes — 1 open ticket · \d+ interactions/);
  assert.match(text, /Router replacement \(open\)/);
  const total = Number(/· (\d+) interactions/.exec(text)[1]);
  const lines = await first.locator('.interactions li').count();
  assert.ok(total > 3, 'more history than the in-page card shows');
  assert.equal(lines, total, 'every interaction listed');
  assert.match(text, /My parcel never arrived, this is the third time/, 'the oldest one too');
  assert.equal(await first.getByRole('button', { name: 'History' }).getAttribute('aria-expanded'), 'true');
  await panel.close();
  await page.close();
});

test('the options page exports the whole local CRM and imports a backup', async () => {
  await ext.reload();
  const [download] = await Promise.all([ext.waitForEvent('download'), ext.click('#crm-store-export')]);
  const file = JSON.parse(readFileSync(await download.path(), 'utf8'));
  const now = await ask(ext, { kind: 'crm_export' });
  assert.deepEqual(file, now.snapshot);
  await ext.waitForFunction(() => /^Exported 6 customers and \d+ interactions\.$/.test(document.querySelector('#crm-store-note').textContent));
  // A broken backup is refused and names why; the store is untouched.
  await ext.setInputFiles('#crm-store-import', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"schema": 2, "customers": [') });
  await ext.waitForFunction(() => /nothing was imported/.test(document.querySelector('#crm-store-note').textContent));
  assert.deepEqual((await ask(ext, { kind: 'crm_export' })).snapshot, now.snapshot);
  // The backup goes back in whole.
  await ext.setInputFiles('#crm-store-import', { name: 'tactful-crm.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  await ext.waitForFunction(() => /^Imported 6 customers and \d+ interactions/.test(document.querySelector('#crm-store-note').textContent));
  assert.deepEqual((await ask(ext, { kind: 'crm_export' })).snapshot.customers.length, 6);
});

test('a malformed store import is refused whole and changes nothing', async () => {
  const before = await ask(ext, { kind: 'crm_export' });
  const bad = snapshot(Date.now());
  bad.notes.push({ id: 'n1', customer_id: 'ghost', text: 'x', agent: null, at: 0 });
  const r = await ask(ext, { kind: 'crm_import', snapshot: bad });
  assert.equal(r.kind, 'error');
  assert.match(r.message, /unknown customer ghost.*nothing was imported/);
  const after = await ask(ext, { kind: 'crm_export' });
  assert.equal(after.snapshot.interactions.length, before.snapshot.interactions.length);
});

test('pages and content scripts cannot read the CRM store', async () => {
  const page = await browser.context.newPage();
  await page.goto(siteUrl('x'));
  await waitForOverlays(page, (o) => /interactions/.test(customerText(o)));
  // The page's own world: no extension API, nothing on window, and a postMessage reaches
  // only the page (Tactful's content scripts listen to no window messages at all).
  const pageView = await page.evaluate(async () => {
    const own = new Promise((r) => window.addEventListener('message', (e) => e.data?.kind === 'crm_export' && r(e.data)));
    window.postMessage({ kind: 'crm_export' }, '*');
    const dbs = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [];
    return { runtime: typeof chrome !== 'undefined' && !!chrome.runtime && typeof chrome.runtime.sendMessage === 'function', own: await own, dbs, globals: Object.keys(window).filter((k) => /tactful/i.test(k)) };
  });
  assert.equal(pageView.runtime, false, 'the page cannot message the extension');
  assert.deepEqual(pageView.own, { kind: 'crm_export' }, 'the page\'s message arrived');
  const heard = await inContentScript(page, 'Object.keys(getEventListeners(window))', { commandLineAPI: true });
  assert.ok(heard.length > 0, `DevTools lists the content scripts' window listeners: ${heard}`);
  assert.ok(!heard.includes('message'), `no content script listens to the page's messages: ${heard}`);
  assert.ok(!pageView.dbs.includes('tactful-crm'), 'the CRM database is not in the page origin');
  assert.deepEqual(pageView.globals, []);
  // Even Tactful's own content script (the page's neighbour) is refused the store.
  const fromContent = await inContentScript(page, `chrome.runtime.sendMessage({ kind: 'crm_export' })`);
  assert.equal(fromContent.kind, 'error');
  assert.ok(!JSON.stringify(fromContent).includes('cust-x'));
  const forgedImport = await inContentScript(page, `chrome.runtime.sendMessage({ kind: 'crm_import', snapshot: { schema: 2, customers: [], interactions: [], tickets: [], notes: [] } })`);
  assert.equal(forgedImport.kind, 'error');
  const still = await ask(ext, { kind: 'crm_export' });
  assert.equal(still.snapshot.customers.length, 6, 'a forged import from a content script did nothing');
  await page.close();
});

test('a privacy request exports and then erases one customer, from the options page', async () => {
  const handle = expected('instagram').posts.find((p) => !p.is_brand).handle;
  await ext.reload();
  await ext.selectOption('#privacy-network', 'instagram');
  await ext.fill('#privacy-value', `@${handle}`);
  const [download] = await Promise.all([ext.waitForEvent('download'), ext.click('#privacy-export')]);
  const file = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(file.customers.length, 1);
  assert.equal(file.customers[0].id, 'cust-instagram');
  assert.equal(file.interactions.length, 3);
  assert.ok(file.interactions.every((i) => i.customer_id === 'cust-instagram'));
  assert.equal(file.tickets.length, 2);
  await ext.waitForFunction(() => /Exported the customer's record and 3 interactions\./.test(document.querySelector('#privacy-note').textContent));

  await ext.click('#privacy-delete');
  assert.match(await ext.textContent('#privacy-note'), /again to erase/);
  await ext.click('#privacy-delete');
  await ext.waitForFunction(() => /Deleted the customer and 3 interactions/.test(document.querySelector('#privacy-note').textContent));
  const after = await ask(ext, { kind: 'crm_export' });
  assert.ok(!after.snapshot.customers.some((c) => c.id === 'cust-instagram'));
  assert.ok(!after.snapshot.interactions.some((i) => i.customer_id === 'cust-instagram'));
  assert.ok(!after.snapshot.tickets.some(([c]) => c === 'cust-instagram'));
  assert.equal(after.snapshot.customers.length, 5, 'the others stay');
  const page = await browser.context.newPage();
  await page.goto(siteUrl('instagram'));
  const shown = await waitForOverlays(page, (o) => /New customer — no history yet/.test(customerText(o)) && !/open ticket/.test(customerText(o)));
  assert.ok(shown);
  await page.close();
  // Unknown customers are named in the error.
  await ext.fill('#privacy-value', '@nobody_at_all');
  await ext.click('#privacy-export');
  await ext.waitForFunction(() => /No customer with @nobody_at_all on instagram/.test(document.querySelector('#privacy-note').textContent));
});

test('a version 1 CRM database (before the settings and counts stores) is migrated in place', async () => {
  const now = Date.now();
  await ext.evaluate(async (now) => {
    const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    // The worker holds the database open; it steps aside when another context deletes it.
    await req(indexedDB.deleteDatabase('tactful-crm'));
    const open = indexedDB.open('tactful-crm', 1);
    open.onupgradeneeded = () => {
      const d = open.result; // exactly the v1 schema
      d.createObjectStore('customers', { keyPath: 'id' });
      d.createObjectStore('identities', { keyPath: 'key' });
      d.createObjectStore('interactions', { keyPath: 'id' }).createIndex('by_customer', ['customer_id', 'at']);
      d.createObjectStore('tickets', { keyPath: ['customer_id', 'id'] }).createIndex('by_customer', 'customer_id');
      d.createObjectStore('notes', { keyPath: 'id' }).createIndex('by_customer', 'customer_id');
    };
    const db = await req(open);
    const tx = db.transaction(['customers', 'identities', 'interactions'], 'readwrite');
    tx.objectStore('customers').put({ id: 'v1-cust', display_names: ['Old Timer'], identities: [{ network: 'x', value: 'dana_reyes' }], tags: [], created_at: now, updated_at: now });
    tx.objectStore('identities').put({ key: 'x:dana_reyes', customer_id: 'v1-cust' });
    tx.objectStore('interactions').put({ id: 'v1-i', customer_id: 'v1-cust', channel: 'x', kind: 'post', direction: 'inbound', permalink: null, text: 'Written before the upgrade', agent: null, at: now - 1000, tone_findings: [], sentiment: -0.4 });
    await new Promise((res) => { tx.oncomplete = res; });
    db.close();
  }, now);
  const exported = await ask(ext, { kind: 'crm_export' });
  assert.deepEqual(exported.snapshot.customers.map((c) => c.id), ['v1-cust'], 'records survive the upgrade');
  const status = await ask(ext, { kind: 'crm_status' });
  assert.equal(status.kind, 'crm_status', 'the v2 settings store exists');
  const version = await ext.evaluate(async () => (await indexedDB.databases()).find((d) => d.name === 'tactful-crm').version);
  assert.equal(version, 3);
  const page = await browser.context.newPage();
  await page.goto(siteUrl('x'));
  const shown = await waitForOverlays(page, (o) => /Written before the upgrade/.test(customerText(o)));
  assert.match(customerText(shown), /0 open tickets · 1 interaction\b/);
  await page.close();
});

test('the local CRM survives a browser restart', async () => {
  const before = await ask(ext, { kind: 'crm_export' });
  ({ browser, ext } = await s.restart());
  const after = await ask(ext, { kind: 'crm_export' });
  assert.deepEqual(after.snapshot, before.snapshot);
  assert.ok(after.snapshot.customers.length > 0);
});
