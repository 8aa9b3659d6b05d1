// End-to-end: triage of a feed. 50 customer posts (tests/e2e/data/triage_feed.json, each
// with the tier a care lead would give it) arrive on the X fixture as the page renders
// them; every post gets a priority badge, the side panel lists them most urgent first,
// Alt+N walks them from the top, and a post the CRM says was answered leaves the queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, expected, siteUrl, overlays, waitForOverlays, postCards, extensionPage, ask, tabIdOf, useBrowser } from './harness.mjs';

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

test('a 50-post feed is scored as it arrives and queued most urgent first', async () => {
  const page = await browser.context.newPage();
  await page.goto(siteUrl('x'));
  const base = expected('x').posts.length;
  await waitForOverlays(page, (o) => postCards(o).length >= base);
  await page.evaluate((feed) => window.__fixture.addPosts(feed.length, feed.map(({ tier, ...p }) => p)), FEED);
  await waitForOverlays(page, (o) => postCards(o).length >= base + FEED.length, 20000);

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
  let crossings = 0;
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      assert.ok(order[i] < order[j] + 2, `tier ${order[i]} (${queued[i].handle}: ${queued[i].why}) is ranked above tier ${order[j]} (${queued[j].handle}: ${queued[j].why})`);
      if (order[i] > order[j]) crossings++;
    }
  }
  console.log(`# triage feed: ${queued.length} queued, ${crossings} neighbouring-tier crossings; top: ${queued.slice(0, 3).map((r) => `${r.priority} ${r.why}`).join(' | ')}`);
  assert.ok(crossings <= 25, `${crossings} crossings between neighbouring tiers: ${order.join('')}`);
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
