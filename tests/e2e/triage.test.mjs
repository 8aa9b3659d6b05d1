// End-to-end: triage of a feed. 50 customer posts (tests/e2e/data/triage_feed.json, each
// with the tier a care lead would give it) arrive on the X fixture as the page renders
// them; every post gets a priority badge, the side panel lists them most urgent first,
// Alt+N walks them from the top, and a post the CRM says was answered leaves the queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, DEMO_SETTINGS, expected, siteUrl, overlays, waitForOverlays, postCards, extensionPage, ask, tabIdOf, saveSettings, useBrowser } from './harness.mjs';

const FEED = JSON.parse(readFileSync(join(ROOT, 'tests/e2e/data/triage_feed.json'), 'utf8')).posts;
let browser, ext;

// The X fixture numbers added posts from 1 in order: the permalink of feed post i.
const permalink = (i) => `https://x.com/${FEED[i].handle}/status/18900000000${10000000 + i + 1}`;
const ANSWERED = FEED.findIndex((p) => p.handle === 'sofia_r');

useBrowser({ extPage: true }, async (s) => {
  ({ browser, ext } = s);
  // The CRM already has the team's reply to one feed post.
  const now = Date.now();
  const p = FEED[ANSWERED];
  const r = await ask(ext, { kind: 'crm_import', snapshot: {
    schema: 2,
    customers: [{ id: 'c-sofia', display_names: [p.author_name], identities: [{ network: 'x', value: p.handle }], tags: [], created_at: now - 86400000, updated_at: now }],
    interactions: [
      { id: 'i1', customer_id: 'c-sofia', channel: 'x', kind: 'post', direction: 'inbound', permalink: permalink(ANSWERED), text: p.text, agent: null, at: now - 120 * 60000, tone_findings: [], sentiment: -0.6 },
      { id: 'i2', customer_id: 'c-sofia', channel: 'x', kind: 'reply', direction: 'outbound', permalink: permalink(ANSWERED), text: 'Sorry Sofia, refunding the second charge now.', agent: 'jo', at: now - 10 * 60000, tone_findings: [], sentiment: null },
    ],
    tickets: [], notes: [],
  } });
  assert.equal(r.kind, 'crm_imported', JSON.stringify(r));
});

/** The X fixture with the feed added, every post carded. */
async function feedOnX() {
  const page = await browser.context.newPage();
  await page.goto(siteUrl('x'));
  const base = expected('x').posts.length;
  await waitForOverlays(page, (o) => postCards(o).length >= base);
  await page.evaluate((feed) => window.__fixture.addPosts(feed.length, feed.map(({ tier, ...p }) => p)), FEED);
  await waitForOverlays(page, (o) => postCards(o).length >= base + FEED.length, 20000);
  return { page, base };
}

test('a 50-post feed is scored as it arrives and queued most urgent first', async () => {
  const { page, base } = await feedOnX();

  // The panel's queue.
  const tab = await tabIdOf(browser.worker, page);
  const panel = await extensionPage(browser.context, browser.extensionId, `panel.html?tab=${tab}`);
  await panel.waitForFunction((n) => document.querySelectorAll('li.post').length >= n, base + FEED.length, { timeout: 20000 });
  // The answered post drops out once its card has read the CRM.
  await panel.waitForFunction((h) => [...document.querySelectorAll('li.post.answered .handle')].some((e) => e.textContent === `@${h}`), FEED[ANSWERED].handle, { timeout: 20000 });
  const rows = await panel.$$eval('li.post', (els) => els.map((e) => ({
    handle: e.querySelector('.handle')?.textContent.slice(1),
    priority: Number(e.querySelector('.triage .priority')?.textContent ?? -1),
    why: e.querySelector('.triage .why')?.textContent ?? '',
    answered: e.classList.contains('answered'),
  })));
  const tier = new Map(FEED.map((p) => [p.handle, p.tier]));
  const queued = rows.filter((r) => r.priority >= 0 && tier.has(r.handle));
  assert.equal(queued.length, FEED.length - 1, 'all feed posts but the answered one are queued');
  assert.ok(!queued.some((r) => r.handle === FEED[ANSWERED].handle));
  for (let i = 1; i < queued.length; i++) assert.ok(queued[i - 1].priority >= queued[i].priority, 'the panel lists by priority');
  // The same priority and reason on each post's badge in the page.
  const cards = (await overlays(page)).map((o) => o.text).join('\n');
  const missing = queued.filter((r) => !cards.includes(`${r.priority} ${r.why}`));
  assert.deepEqual(missing, [], 'every queued post shows its badge in the page');
  assert.match(cards, /Answered/, 'the answered post is marked in the page');
  // Tiers two apart never cross; neighbouring tiers cross rarely.
  const order = queued.map((r) => tier.get(r.handle));
  const crossed = [];
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      assert.ok(order[i] < order[j] + 2, `tier ${order[i]} (${queued[i].handle}: ${queued[i].why}) is ranked above tier ${order[j]} (${queued[j].handle}: ${queued[j].why})`);
      if (order[i] > order[j]) crossed.push(`${queued[i].handle} (tier ${order[i]}, ${queued[i].priority}) above ${queued[j].handle} (tier ${order[j]}, ${queued[j].priority})`);
    }
  }
  console.log(`# triage feed: ${queued.length} queued, ${crossed.length} neighbouring-tier crossings; top: ${queued.slice(0, 3).map((r) => `${r.priority} ${r.why}`).join(' | ')}`);
  // Measured: 4 crossings in every run (as in earlier sessions), all a mild complaint
  // (nina_c, tier 3, priority 7) below four questions (tier 4, priorities 12, 9, 8 and 7,
  // the last a tie). One more is allowed for a tie that ages the other way; more than that
  // means the ranking got worse.
  assert.ok(crossed.length <= 5, `${crossed.length} crossings between neighbouring tiers (measured: 4): ${crossed.join('; ')}; tiers in queue order: ${order.join('')}`);
  const urgent = queued.filter((r) => tier.get(r.handle) === 1);
  assert.ok(urgent.every((r) => /^urgent: /.test(r.why)), urgent.map((r) => r.why).join(' | '));
  assert.ok(queued.some((r) => /min of 60/.test(r.why)), 'age against the X target is explained');

  // Alt+N on the page goes to the most urgent post first, then the next.
  await page.bringToFront();
  await page.keyboard.press('Alt+N');
  const focusedText = () => page.evaluate(() => document.activeElement?.closest('article')?.querySelector('[data-testid="tweetText"]')?.textContent ?? '');
  const top = FEED.find((p) => p.handle === queued[0].handle).text;
  assert.equal(await focusedText(), top);
  await page.keyboard.press('Alt+N');
  assert.equal(await focusedText(), FEED.find((p) => p.handle === queued[1].handle).text);
  await page.keyboard.press('Alt+Shift+N');
  assert.equal(await focusedText(), top);
  await panel.close();
  await page.close();
});

test('triage weights and targets are set on the options page; open pages reprice their badges', async (t) => {
  t.after(() => saveSettings(browser.context, browser.extensionId, DEMO_SETTINGS)); // the team's settings again, even if this fails half-way
  const { page } = await feedOnX();
  const tab = await tabIdOf(browser.worker, page);
  const queue = async () => (await ask(ext, { kind: 'page_posts', tab_id: tab })).page;
  const hacked = FEED.find((p) => /hacked/i.test(p.text));
  const priorityOf = async (handle) => {
    const snap = await queue();
    const key = snap.posts.find((p) => p.handle === handle).key;
    return snap.triage[key].priority;
  };
  const before = await priorityOf(hacked.handle);

  const opts = await extensionPage(browser.context, browser.extensionId);
  await opts.waitForSelector('#weight-urgency');
  assert.equal(await opts.inputValue('#target-x'), '60');
  // An empty number is named, not sent.
  await opts.fill('#weight-urgency', '');
  await opts.click('button[type=submit]');
  await opts.waitForFunction(() => /^Not saved: .*urgency/.test(document.querySelector('#status').textContent));
  // No points for urgency, a tighter target on X.
  await opts.fill('#weight-urgency', '0');
  await opts.fill('#target-x', '30');
  await opts.click('button[type=submit]');
  await opts.waitForFunction(() => document.querySelector('#status').textContent === 'Saved.');
  const saved = (await ask(ext, { kind: 'get_settings' })).settings.triage;
  assert.equal(saved.weights.urgency, 0);
  assert.equal(saved.targets.x, 30);

  // The page asks for fresh cards when it is shown again (and every minute).
  await page.bringToFront();
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  let after = before;
  for (const end = Date.now() + 10000; after >= before && Date.now() < end; await new Promise((r) => setTimeout(r, 200))) after = await priorityOf(hacked.handle);
  assert.ok(after < before, `urgency no longer counts: ${before} -> ${after}`);
  // Cards in view change at once; the others as they come near.
  const cards = async (nearOnly) => {
    const texts = (await overlays(page)).filter((o) => !o.notice && !o.tone).map((x) => x.text);
    const near = await page.evaluate(() => [...document.querySelectorAll('tactful-overlay:not([data-notice]):not([data-tone])')]
      .map((h) => { const r = h.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }));
    assert.equal(near.length, texts.length);
    return texts.filter((_, i) => !nearOnly || near[i]).join('\n');
  };
  const stale = (text) => text.split('\n').filter((l) => /min of 60/.test(l)).join(' | ');
  await page.evaluate(() => scrollTo(0, 0));
  let end = Date.now() + 10000;
  while (/min of 60/.test(await cards(true)) && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
  const shown = await cards(true);
  assert.match(shown, /min of 30/, 'ages are explained against the new X target');
  assert.ok(!stale(shown), `no badge in view keeps the old target: ${stale(shown)}`);
  // Down the page a screen at a time, stopping on each as an agent reading it would
  // (cards don't change while the page scrolls): every card further down follows.
  for (let y = 0; y < (await page.evaluate(() => document.scrollingElement.scrollHeight)); y += 900) {
    await page.evaluate((y) => scrollTo(0, y), y);
    await new Promise((r) => setTimeout(r, 400));
  }
  end = Date.now() + 5000;
  while (/min of 60/.test(await cards(false)) && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
  const all = await cards(false);
  assert.ok(!stale(all), `no badge keeps the old target once scrolled to: ${stale(all)}`);

  // Back to the defaults.
  await opts.click('#triage-defaults');
  assert.equal(await opts.inputValue('#weight-urgency'), '50');
  await opts.click('button[type=submit]');
  await opts.waitForFunction(() => document.querySelector('#status').textContent === 'Saved.');
  assert.equal((await ask(ext, { kind: 'get_settings' })).settings.triage.targets.x, 60);
  await opts.close();
  await page.close();
});
