// End-to-end with a real Request Tracker 5 on 127.0.0.1: the options page connects it, the
// card shows the customer's RT tickets, interactions logged on the page become comments on
// their ticket, and while RT is down they wait in the outbox (shown in the panel) and
// arrive exactly once, in order, when it is back. The credentials never reach a page.
//
// The extension is loaded from a test copy whose manifest already grants
// http://127.0.0.1/* (and webRequest): headless Chromium can't click the permission
// prompt the options page raises for a CRM's origin. Everything else is the real build.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, siteUrl, waitForOverlays, extensionPage, ask, tabIdOf, inContentScript, useBrowser } from './harness.mjs';
import { startRt } from './rt5.mjs';

let browser, rt, ext, dist, ticket;
const PASSWORD = 'password';

/** RT with Dana's ticket, and the test copy of dist/, made before the browser starts. */
async function prepare() {
  rt = await startRt();
  await rt.rest('POST', 'user', { Name: 'x.dana_reyes', RealName: 'Dana Reyes', EmailAddress: 'dana@example.com' });
  ticket = (await rt.rest('POST', 'ticket', { Queue: 'General', Subject: 'Router keeps dropping', Requestor: 'x.dana_reyes', Content: 'It drops every evening.' })).id;
  dist = mkdtempSync(join(tmpdir(), 'tactful-dist-'));
  cpSync(DIST, dist, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
  manifest.host_permissions = ['http://127.0.0.1/*'];
  manifest.permissions.push('webRequest');
  writeFileSync(join(dist, 'manifest.json'), JSON.stringify(manifest));
  return dist;
}

const s = useBrowser({ extPage: true, dist: prepare }, (s) => ({ browser, ext } = s));

// Once the browser has closed (after hooks run one after another, in the order registered).
after(async () => {
  await rt?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

const text = (o) => o.map((x) => x.text).join('\n');

/** The x.com fixture with Dana's card from RT, and a way to log a reply to her post from the content script. */
async function danaOnX() {
  const page = await browser.context.newPage();
  await page.goto(siteUrl('x'));
  await waitForOverlays(page, (o) => /Router keeps dropping/.test(text(o)), 20000);
  const tab = await tabIdOf(browser.worker, page);
  const { page: snap } = await ask(ext, { kind: 'page_posts', tab_id: tab });
  const post = snap.posts.find((p) => p.handle === 'dana_reyes');
  // The agent replies to her post in the box under it and presses Reply (trusted input);
  // the worker logs the reply once the page shows it published.
  const log = async (t) => {
    const n = await page.evaluate(() => window.__fixture.published.length);
    await page.locator('[data-testid="cellInnerDiv"] [data-testid="tweetTextarea_0"]').first().click();
    await page.keyboard.type(t);
    await page.click('[data-testid="tweetButtonInline"]');
    await page.waitForFunction((k) => window.__fixture.published.length === k + 1, n);
    await waitFor(async () => (await ask(ext, { kind: 'crm_export' })).snapshot.interactions.some((i) => i.kind === 'replied' && i.permalink === post.permalink && i.text === t), `"${t}" logged as published`);
    return { kind: 'ok' };
  };
  return { page, tab, log };
}

/** First lines of the ticket's messages matching `re`, in the order RT recorded them. */
async function firstLines(re) {
  const atts = await rt.rest('GET', `ticket/${ticket}/attachments?fields=Content,TransactionId&per_page=100`);
  return atts.items.sort((a, b) => Number(a.TransactionId) - Number(b.TransactionId)).map((a) => (a.Content || '').split('\n')[0]).filter((c) => re.test(c));
}

/** Polls `fn` until it returns something truthy; `seen` describes the last state for the error. */
async function waitFor(fn, what, ms = 30000, seen = null) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${seen ? `; last saw ${JSON.stringify(await seen())}` : ''}`);
}

test('options: a wrong password is named as such; the right one connects', async () => {
  const bad = await ask(ext, { kind: 'crm_test', config: { kind: 'rt', url: rt.url, auth: { kind: 'basic', user: 'root', password: 'nope' }, queue: 'General' } });
  assert.equal(bad.ok, false);
  assert.match(bad.message, /refused the credentials \(authentication\)/);
  const noQueue = await ask(ext, { kind: 'crm_test', config: { kind: 'rt', url: rt.url, auth: { kind: 'basic', user: 'root', password: PASSWORD }, queue: 'Nope' } });
  assert.match(noQueue.message, /queue “Nope”/);

  await ext.fill('#crm-url', rt.url);
  await ext.selectOption('#crm-auth', 'basic');
  await ext.fill('#crm-user', 'root');
  await ext.fill('#crm-password', PASSWORD);
  await ext.fill('#crm-queue-name', 'General');
  await ext.click('#crm-save');
  await ext.waitForSelector('#crm-connected', { timeout: 20000 });
  assert.equal(await ext.textContent('#crm-connected'), `Connected to Request Tracker at ${rt.url} as root.`);
  assert.match(await ext.textContent('#crm-note'), /Connected\./);
});

test('x: the card shows the customer RT knows, with their open ticket', async () => {
  const page = await browser.context.newPage();
  await page.goto(siteUrl('x'));
  const shown = await waitForOverlays(page, (o) => /Router keeps dropping/.test(text(o)), 20000);
  assert.match(text(shown), /1 open ticket/);
  assert.match(text(shown), /It drops every evening\./, 'the ticket\'s first message is an interaction');
  await page.close();
});

test('interactions become RT comments; during an outage they wait, then arrive once, in order', async (t) => {
  t.after(async () => { if (!rt.running) await rt.start(); }); // a failure here mustn't take RT from the next tests
  const { page, tab, log } = await danaOnX();

  assert.equal((await log('Hi Dana, sorry about the dropouts.')).kind, 'ok');
  const first = await waitFor(async () => { const s = await rt.subjects(ticket); return s.some((x) => /^Published reply on x \[Tactful /.test(x)) && s; }, 'the first comment in RT');
  assert.equal(first.filter((x) => /^Post on x \[Tactful /.test(x)).length, 1, 'the customer\'s post is logged once');
  // RT shows the comment before its answer reaches the worker: stop RT only once the
  // worker has it, or that write waits too (and is rightly retried).
  await waitFor(async () => (await ask(ext, { kind: 'crm_status' })).waiting === 0, 'the first writes to be acknowledged', 30000, () => ask(ext, { kind: 'crm_status' }));

  await rt.stop();
  for (const t of ['one while down', 'two while down', 'three while down']) assert.equal((await log(t)).kind, 'ok');
  const st = await waitFor(async () => { const s = await ask(ext, { kind: 'crm_status' }); return s.waiting === 3 && s.summary && !/sending/.test(s.summary) && s; }, 'three waiting writes', 30000, () => ask(ext, { kind: 'crm_status' }));
  assert.match(st.summary, /^3 changes waiting for RT — retrying (in \d+ s|now)$/);
  assert.match(st.last_error, /isn't answering|DNS, TLS or connection|ERR_CONNECTION_REFUSED/);
  // The panel shows it too.
  const panel = await extensionPage(browser.context, browser.extensionId, `panel.html?tab=${tab}`);
  await panel.waitForSelector('#crm-summary');
  await waitFor(async () => /^3 changes waiting for RT — (retrying|sending)/.test(await panel.textContent('#crm-summary')), 'the panel summary', 30000, () => panel.textContent('#crm-summary'));

  await rt.start();
  await panel.click('#crm-send-now');
  await waitFor(async () => (await ask(ext, { kind: 'crm_status' })).waiting === 0, 'the outbox to drain');
  await waitFor(async () => /^All changes sent to Request Tracker\.$/.test(await panel.textContent('#crm-summary')), 'the panel to say all sent');
  const subjects = await rt.subjects(ticket);
  const replies = subjects.filter((x) => /^Published reply on x \[Tactful /.test(x));
  assert.equal(replies.length, 4, subjects.join(' | '));
  assert.equal(new Set(replies).size, 4, 'no duplicates');
  const seqs = replies.map((x) => Number(/-(\d+)\]$/.exec(x)[1]));
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in the order they were logged');
  assert.deepEqual(await firstLines(/while down/), ['one while down', 'two while down', 'three while down']);
  await panel.close();
  await page.close();
});

test('writes waiting for RT survive a browser restart and arrive once RT is back', async (t) => {
  t.after(async () => { if (!rt.running) await rt.start(); });
  const { log } = await danaOnX();
  await waitFor(async () => (await ask(ext, { kind: 'crm_status' })).waiting === 0, 'an empty outbox to start from', 30000, () => ask(ext, { kind: 'crm_status' }));
  await rt.stop();
  for (const t of ['four before restart', 'five before restart']) assert.equal((await log(t)).kind, 'ok');
  await waitFor(async () => (await ask(ext, { kind: 'crm_status' })).waiting === 2, 'two waiting writes');
  // The browser quits with the writes queued; RT comes back while it is closed.
  await s.restart({ whileClosed: () => rt.start() });
  ({ browser, ext } = s);
  await ask(ext, { kind: 'crm_send_now' }); // or wait for the retry alarm
  await waitFor(async () => (await ask(ext, { kind: 'crm_status' })).waiting === 0, 'the outbox to drain after restart');
  assert.deepEqual(await firstLines(/before restart/), ['four before restart', 'five before restart'], 'each once, in order');
});

test('the CRM password never reaches a page or a content script', async () => {
  const page = await browser.context.newPage();
  await page.goto(siteUrl('x'));
  await waitForOverlays(page, (o) => /Router keeps dropping/.test(text(o)), 20000);
  const seen = await inContentScript(page, `(async () => JSON.stringify({
    local: await chrome.storage.local.get(null),
    config: await chrome.runtime.sendMessage({ kind: 'crm_config' }),
    status: await chrome.runtime.sendMessage({ kind: 'crm_status' }),
    test: await chrome.runtime.sendMessage({ kind: 'crm_test' }),
  }))()`);
  assert.ok(!seen.includes(PASSWORD), `a content script saw the password: ${seen.slice(0, 300)}`);
  assert.ok(!seen.includes('"crm_config"') && !seen.includes(rt.url), 'nor the CRM settings');
  const pageWorld = await page.evaluate(() => JSON.stringify({ ls: { ...localStorage }, cookie: document.cookie, html: document.documentElement.outerHTML.length }));
  assert.ok(!pageWorld.includes(PASSWORD));
  // Extension pages get the settings without the secret.
  const cfg = await ask(ext, { kind: 'crm_config' });
  assert.equal(cfg.config.user, 'root');
  assert.ok(!JSON.stringify(cfg).includes(PASSWORD));
  await page.close();
});
