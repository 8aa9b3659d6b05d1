// End-to-end: a reply goes into the composer of the post it answers (opened through that
// post's own reply action), and the post counts as answered only once the reply is
// published on the page: inserting leaves it in the queue; the site's send button, then
// the brand's reply appearing under the post, answers it and logs a published reply
// (`replied`) with its time and the agent's id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SITES, LAYOUTS, layoutQuery, expected, siteUrl, waitForOverlays, postCards, clickOverlayButton, suggestionRows, inContentScript, ask, tabIdOf, useBrowser } from './harness.mjs';

let browser, ext;

useBrowser({ extPage: true }, (s) => ({ browser, ext } = s));

/** The profile's layout a fixture layout is read with (today's first, then the previous one). */
const layoutOf = (site, layout = 'current') => JSON.parse(readFileSync(join(ROOT, 'src/core/sites/profiles', `${site}.json`), 'utf8')).layouts[LAYOUTS.indexOf(layout)];
const layout0 = (site) => layoutOf(site);

/** Resolves with `probe()`'s value once truthy, checking every 50 ms, or fails after `ms` saying `what`. */
async function waitFor(probe, what, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Forgets what the local CRM holds about the author of `post` (every test here starts
 * from a customer nobody answered: the layouts and earlier tests share the fixture posts).
 */
async function forget(site, post) {
  const r = await ask(ext, { kind: 'crm_customer_delete', network: site, value: post.handle });
  assert.ok(r.kind === 'crm_customer_deleted' || /^No customer /.test(r.message || ''), JSON.stringify(r));
}

/** Keys of the queue's waiting posts (unanswered customer posts). */
async function waiting(tabId) {
  const q = await ask(ext, { kind: 'queue', tab_id: tabId });
  return q.view ? q.view.rows.filter((r) => r.triage && !r.answered).map((r) => r.post.key) : [];
}

for (const site of SITES) for (const layout of LAYOUTS) {
  test(`${site} (${layout} layout): a suggestion for post B goes into B's own composer only; B is answered when its reply is published, not when inserted`, async () => {
    const want = expected(site, layout);
    const l = layoutOf(site, layout);
    for (const p of want.posts.filter((p) => !p.is_brand)) await forget(site, p);
    const page = await browser.context.newPage();
    await page.goto(siteUrl(site, layoutQuery(layout)));
    await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
    // B: the second customer post that has its own reply action (the first on Instagram,
    // whose comment rows are the posts a mention answers).
    const customers = want.posts.map((p, i) => ({ p, i })).filter(({ p }) => !p.is_brand);
    const withAction = await page.evaluate(({ container, action, idx }) => idx.filter((i) => document.querySelectorAll(container)[i]?.querySelector(action)), { container: l.post.container, action: l.reply.action, idx: customers.map((c) => c.i) });
    assert.ok(withAction.length >= 2, `${site}: two customer posts with their own reply action: ${withAction}`);
    const b = withAction[1];
    const nthCustomer = customers.findIndex((c) => c.i === b);
    const keyB = await inContentScript(page, `(async () => { await tactfulProbe.ready; return tactfulProbe.keyOf(document.querySelectorAll(${JSON.stringify(l.post.container)})[${b}]); })()`);
    assert.ok(keyB, 'B was read');
    const tabId = await tabIdOf(browser.worker, page);

    const text = await insertFor(page, nthCustomer);
    await waitForOverlays(page, (o) => o.some((x) => x.text.includes('Inserted.')));

    // Exactly one box holds the reply, and it is B's.
    const owners = await inContentScript(page, `[...document.querySelectorAll(${JSON.stringify(l.reply.editor.selector)})].filter((e) => (e.value ?? e.textContent).includes(${JSON.stringify(text.slice(0, 30))})).map((e) => tactfulProbe.ownerOf(e))`);
    assert.deepEqual(owners, [keyB], 'the reply is in B\'s composer and no other');
    // Inserted is not answered.
    assert.ok((await waiting(tabId)).includes(keyB), 'B stays in the queue after the insert');
    assert.deepEqual(await page.evaluate(() => window.__fixture.published), [], 'nothing published yet');

    // The agent presses the site's send button in B's composer (a trusted click: it fails
    // if Tactful's tone chip covers the button).
    await page.evaluate(({ editor, form, send, text }) => {
      const ed = [...document.querySelectorAll(editor)].find((e) => (e.value ?? e.textContent).includes(text));
      ed.closest(form).querySelector(send).setAttribute('data-e2e-send', '');
    }, { editor: l.reply.editor.selector, form: l.reply.form, send: l.reply.send, text: text.slice(0, 30) });
    await page.click('[data-e2e-send]');
    await page.waitForFunction(() => window.__fixture.published.length === 1, null, { timeout: 5000 });
    const published = await page.evaluate(() => window.__fixture.published[0]);
    await waitFor(async () => !(await waiting(tabId)).includes(keyB), 'B answered after its reply appeared', 2000);

    const { snapshot } = await ask(ext, { kind: 'crm_export' });
    const replied = snapshot.interactions.filter((i) => i.kind === 'replied' && i.permalink === want.posts[b].permalink);
    assert.equal(replied.length, 1, `one published reply logged against B: ${JSON.stringify(snapshot.interactions.filter((i) => i.kind === 'replied'))}`);
    const { settings } = await ask(ext, { kind: 'get_settings' });
    assert.match(settings.agent_id, /^agent-[0-9a-f]{32}$/);
    assert.equal(replied[0].agent_id, settings.agent_id, 'logged with the agent\'s id');
    assert.ok(replied[0].agent, 'and a name');
    // Its time: the page's (a relative "now" is only right to the minute).
    assert.ok(Math.abs(replied[0].at - published.at) < 90_000, `publish time ${replied[0].at} vs ${published.at}`);
    await page.close();
  });
}

/**
 * Inserts the first filled suggestion for the `nth` customer card and returns its text and
 * the key of that post. @param {import('playwright-core').Page} page @param {number} nth
 */
async function insertFor(page, nth) {
  await clickOverlayButton(page, 'Suggest replies', nth);
  await waitForOverlays(page, (o) => o.some((x) => /\b(Insert|Fill and insert)\b/.test(x.text)));
  const rows = await suggestionRows(page);
  const first = rows.findIndex((r) => r.button === 'Insert');
  assert.ok(first >= 0, `a filled suggestion: ${JSON.stringify(rows)}`);
  await clickOverlayButton(page, 'Insert', 0);
  return rows[first].preview;
}

for (const site of ['x', 'facebook', 'linkedin']) {
  test(`${site}: a discarded draft changes nothing: the post stays in the queue and no reply is logged`, async () => {
    const want = expected(site);
    const l = layout0(site);
    for (const p of want.posts.filter((p) => !p.is_brand)) await forget(site, p);
    const page = await browser.context.newPage();
    await page.goto(siteUrl(site));
    await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
    const tabId = await tabIdOf(browser.worker, page);
    const a = want.posts.findIndex((p) => !p.is_brand);
    const keyA = await inContentScript(page, `(async () => { await tactfulProbe.ready; return tactfulProbe.keyOf(document.querySelectorAll(${JSON.stringify(l.post.container)})[${a}]); })()`);
    const text = await insertFor(page, 0);
    await waitForOverlays(page, (o) => o.some((x) => x.text.includes('Inserted.')));
    // The agent throws the draft away: selects it all and deletes it.
    const box = page.locator(l.reply.editor.selector).filter({ hasText: text.slice(0, 20) });
    await box.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    await page.waitForFunction(({ sel }) => [...document.querySelectorAll(sel)].every((e) => !(e.value ?? e.textContent).trim()), { sel: l.reply.editor.selector });
    // A new post appears and is read: the worker has seen everything the page did since.
    await page.evaluate(() => window.__fixture.addPosts(1));
    await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length + 1);
    assert.ok((await waiting(tabId)).includes(keyA), 'the post is still waiting for an answer');
    const { snapshot } = await ask(ext, { kind: 'crm_export' });
    assert.deepEqual(snapshot.interactions.filter((i) => i.kind === 'replied' && i.permalink === want.posts[a].permalink), [], 'no reply logged');
    assert.ok(snapshot.interactions.some((i) => i.kind === 'suggestion_used' && i.permalink === want.posts[a].permalink), 'the suggestion used is logged');
    assert.deepEqual(await page.evaluate(() => window.__fixture.published), []);
    await page.close();
  });
}

test('facebook: a reply action that opens a box Tactful cannot tie to the post inserts nothing, says why and offers Copy', async () => {
  const site = 'facebook';
  const want = expected(site);
  const l = layout0(site);
  const page = await browser.context.newPage();
  await page.goto(siteUrl(site));
  await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
  const customers = want.posts.map((p, i) => ({ p, i })).filter(({ p }) => !p.is_brand);
  const [a, b] = customers.map((c) => c.i);
  // The agent opens A's reply box (a trusted click), then the page turns B's Reply into a
  // control that moves A's box out of every post (as a portal would): a box no rule can
  // tie to B.
  await page.locator(l.post.container).nth(a).locator(l.reply.action).first().click();
  await page.waitForFunction(({ container, editor, a }) => document.querySelectorAll(container)[a].querySelector(editor), { container: l.post.container, editor: l.reply.editor.selector, a });
  await page.evaluate(({ container, action, editor, form, b, a }) => {
    const posts = document.querySelectorAll(container);
    const own = [...posts[b].querySelectorAll(action)].find((x) => x.closest(container) === posts[b]);
    const fake = own.cloneNode(true);
    own.replaceWith(fake);
    fake.addEventListener('click', () => document.body.append(posts[a].querySelector(editor).closest(form)));
  }, { container: l.post.container, action: l.reply.action, editor: l.reply.editor.selector, form: l.reply.form, a, b });
  await insertFor(page, customers.findIndex((c) => c.i === b));
  const said = await waitForOverlays(page, (o) => o.some((x) => /no reply box it can tie to this post opened/.test(x.text)));
  assert.ok(said.some((x) => /Copy reply/.test(x.text)), 'Copy is offered');
  const boxes = await page.evaluate((sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent), l.reply.editor.selector);
  assert.ok(boxes.length >= 1 && boxes.every((t) => !t.trim()), `nothing inserted anywhere: ${JSON.stringify(boxes)}`);
  await page.close();
});
