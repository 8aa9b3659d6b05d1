// End-to-end: the built extension, loaded unpacked in Debian's Chromium, on the six
// fixture sites served under their real host names with CSPs modelled on the real ones.
import { test } from 'node:test';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import { ROOT, SITES, LAYOUTS, layoutQuery, DEMO_SETTINGS, saveSettings, expected, siteUrl, waitForOverlays, postCards, extensionPage, ask, tabIdOf, cardName, inContentScript, overlayStyle, useBrowser } from './harness.mjs';

let browser, ext;

useBrowser({ extPage: true }, (s) => ({ browser, ext } = s));

/**
 * The age a card shows for a post `min` minutes old, as the fixture prints its time
 * ("47m", "1h", "3 hours ago") and the core words it ("47 min", "1 h", "2 d"): both floor
 * to the unit, so a timestamp and a relative time read alike.
 */
function ageLabel(min) {
  if (min < 60) return `${min} min`;
  if (min < 1440) return `${Math.floor(min / 60)} h`;
  return `${Math.floor(min / 1440)} d`;
}

test('service worker runs the wasm core', async () => {
  assert.match(browser.worker.url(), /^chrome-extension:\/\/[a-p]{32}\/background\.js$/);
  const pong = await ask(ext, { kind: 'ping' });
  assert.equal(pong.kind, 'pong');
  assert.equal(pong.version, '0.1.0');
  assert.ok(pong.started_ms > 0, 'the worker reports how long the wasm took to start');
});

test('content scripts cannot read settings or page history', async () => {
  // Ask from inside Tactful's own content script world: the worker sees a tab sender.
  const page = await browser.context.newPage();
  await page.goto(siteUrl('reddit'));
  await waitForOverlays(page, (o) => postCards(o).length > 0);
  const get = await inContentScript(page, "chrome.runtime.sendMessage({ kind: 'get_settings' })");
  assert.equal(get.kind, 'error');
  assert.match(get.message, /only answered for Tactful's own pages/);
  const hist = await inContentScript(page, "chrome.runtime.sendMessage({ kind: 'page_posts', tab_id: 1 })");
  assert.equal(hist.kind, 'error');
  const bad = await inContentScript(page, "chrome.runtime.sendMessage({ kind: 'no_such_thing' })");
  assert.match(bad.message, /doesn't understand/);
  await page.close();
});

for (const site of SITES) for (const layout of LAYOUTS) {
  test(`${site} (${layout} layout): overlay beside each post, author, text, time and link read, UI isolated`, async () => {
    const want = expected(site, layout);
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const url = siteUrl(site, layoutQuery(layout));
    const resp = await page.goto(url);
    const csp = resp.headers()['content-security-policy'] || '';
    assert.ok(csp && !csp.includes('wasm-unsafe-eval') && !csp.includes("'unsafe-eval'"), `strict CSP served: ${csp}`);

    // One card per post, each in a closed shadow root.
    const cards = await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
    const drawn = postCards(cards);
    assert.equal(drawn.length, want.posts.length, 'exactly one card per post');
    assert.ok(drawn.every((c) => c.shadowType === 'closed'), 'cards live in closed shadow roots');
    assert.equal(cards.filter((c) => c.notice && c.text.trim()).length, 0, 'no layout warning on a readable page');

    // Each card names its post's author (as text), handle and age, exactly: the fixture
    // prints every post's time (as a timestamp or "47m", "2 hours ago"), each read to the
    // same age, and the brand's own posts (the demo settings' handles) say so.
    assert.equal(DEMO_SETTINGS.brand_handles[site], want.brand_handle, 'the demo settings name the fixture\'s brand account');
    const labels = drawn.map((c) => c.label);
    for (const p of want.posts) {
      assert.ok(p.age_minutes !== undefined, `${site}: every fixture post shows its time`);
      const label = `Tactful: ${p.is_brand ? "Your brand's reply: " : 'Post by '}${cardName(p.author_name)} (@${p.handle}), ${ageLabel(p.age_minutes)} ago`;
      assert.ok(labels.includes(label), `${site}: a card labelled ${JSON.stringify(label)}; saw ${JSON.stringify(labels)}`);
    }

    // What the core read matches the fixture's known values.
    const tabId = await tabIdOf(browser.worker, page);
    assert.ok(tabId, 'the fixture tab is found');
    const { page: snap } = await ask(ext, { kind: 'page_posts', tab_id: tabId });
    assert.equal(snap.site_name, { x: 'X', facebook: 'Facebook', instagram: 'Instagram', linkedin: 'LinkedIn', reddit: 'Reddit', youtube: 'YouTube' }[site]);
    assert.equal(snap.posts.length, want.posts.length);
    const now = Date.now();
    want.posts.forEach((p, i) => {
      const got = snap.posts[i];
      assert.equal(got.author_name, p.author_name.trim().slice(0, 500), `${site} post ${i} author`);
      assert.equal(got.handle, p.handle, `${site} post ${i} handle`);
      assert.equal(got.text, p.text.trim(), `${site} post ${i} text`);
      assert.equal(got.permalink, p.permalink, `${site} post ${i} permalink`);
      assert.equal(got.is_brand, !!p.is_brand, `${site} post ${i} brand`);
      if (p.time === 'none') {
        assert.equal(got.created_ms, null, `${site} post ${i}: the page shows no time`);
        return;
      }
      assert.equal(typeof got.created_ms, 'number', `${site} post ${i}: its time was read`);
      assert.equal(got.time_approx, p.time === 'approximate', `${site} post ${i}: time is ${p.time}`);
      const age = (now - got.created_ms) / 60000;
      // Relative times ("2h") are only as precise as the page prints them.
      const slack = p.age_minutes >= 60 ? 60 : 2;
      assert.ok(Math.abs(age - p.age_minutes) <= slack, `${site} post ${i} age ${age} vs ${p.age_minutes}`);
    });

    // A quoted post inside a post is part of it: never read as a post, nor as its fields.
    for (const q of want.posts.filter((p) => p.quotes).map((p) => p.quotes)) {
      assert.ok(!snap.posts.some((p) => p.handle === q.handle || p.text.includes(q.text) || p.permalink === q.permalink), `${site}: the quoted post by @${q.handle} is not read as a post or a post's text`);
    }

    // Isolation: the page can't reach into the cards, and its hostile CSS doesn't apply.
    const isolation = await page.evaluate(() => {
      const hosts = [...document.querySelectorAll('tactful-overlay')];
      return {
        count: hosts.length,
        shadowVisible: hosts.some((h) => h.shadowRoot !== null),
        hidden: hosts.filter((h) => getComputedStyle(h).display === 'none').length,
        // Drawn with a size: not hidden, and not an unslotted child of a web component.
        unrendered: hosts.filter((h) => !h.hasAttribute('data-tone') && !h.hasAttribute('data-notice') && h.getBoundingClientRect().height === 0).length,
        pwned: window.__pwned ?? null,
      };
    });
    assert.equal(isolation.shadowVisible, false, 'page scripts see no shadow root');
    assert.equal(isolation.hidden, 0, "the page's display:none !important does not hide the cards");
    assert.equal(isolation.unrendered, 0, 'every card is actually drawn on the page');
    assert.equal(isolation.pwned, null, 'nothing from the hostile post ran');
    const font = await overlayStyle(page, 'name', 'font-family');
    assert.ok(!/comic/i.test(font), `card font is ours, not the page's: ${font}`);

    // The hostile post is shown as literal text.
    const hostile = want.posts.find((p) => p.author_name.includes('onerror'));
    assert.ok(hostile, 'fixture has a hostile post');
    assert.ok(drawn.some((c) => c.text.includes('<img src=x onerror=')), 'hostile name shown as text');
    assert.deepEqual(errors, [], 'no page errors');
    await page.close();
  });
}

for (const site of SITES) {
  test(`${site}: a page whose markup changed is reported, not silently ignored`, async () => {
    const page = await browser.context.newPage();
    await page.goto(siteUrl(site, 'layout=changed'));
    const found = await waitForOverlays(page, (o) => o.some((x) => x.notice && x.text.includes("can't read")), 8000);
    const name = { x: 'X', facebook: 'Facebook', instagram: 'Instagram', linkedin: 'LinkedIn', reddit: 'Reddit', youtube: 'YouTube' }[site];
    assert.match(found.find((x) => x.notice).text, new RegExp(`Tactful can't read this page's layout \\(${name}, layouts tried: `));
    assert.equal(postCards(found).length, 0, 'no cards drawn from a layout Tactful cannot read');
    await page.close();
  });
}

test('cards follow the page into dark mode', async () => {
  const page = await browser.context.newPage();
  // X's "Dim" theme: the page paints its body rgb(21, 32, 43).
  await page.addInitScript(() => document.addEventListener('DOMContentLoaded', () => {
    document.body.style.setProperty('background-color', 'rgb(21, 32, 43)', 'important');
  }));
  await page.goto(siteUrl('x'));
  await waitForOverlays(page, (o) => postCards(o).length >= expected('x').posts.length);
  assert.equal(await overlayStyle(page, 'card', 'background-color'), 'rgb(16, 35, 28)', 'dark card');
  await page.close();
  const light = await browser.context.newPage();
  await light.goto(siteUrl('x'));
  await waitForOverlays(light, (o) => postCards(o).length >= expected('x').posts.length);
  assert.equal(await overlayStyle(light, 'card', 'background-color'), 'rgb(244, 248, 246)', 'light card');
  await light.close();
});

test('side panel (Yew) lists the posts of a tab', async () => {
  const page = await browser.context.newPage();
  const url = siteUrl('youtube');
  await page.goto(url);
  await waitForOverlays(page, (o) => postCards(o).length >= expected('youtube').posts.length);
  const tabId = await tabIdOf(browser.worker, page);
  const panel = await extensionPage(browser.context, browser.extensionId, `panel.html?tab=${tabId}`);
  await panel.waitForSelector('li.post');
  const items = await panel.$$eval('li.post', (els) => els.map((e) => e.querySelector('.name').textContent));
  assert.equal(items.length, expected('youtube').posts.length);
  assert.equal(await panel.textContent('h2'), `YouTube · ${items.length} posts`);
  // Keyboard: arrow down moves focus to the next post.
  await panel.focus('li.post');
  await panel.keyboard.press('ArrowDown');
  assert.equal(await panel.evaluate(() => [...document.querySelectorAll('li.post')].indexOf(document.activeElement)), 1);
  await panel.close();
  await page.close();
});

test('options (Yew) validate and save the brand handles', async (t) => {
  t.after(() => saveSettings(browser.context, browser.extensionId, DEMO_SETTINGS)); // the team's settings again for whatever runs next
  const opts = await extensionPage(browser.context, browser.extensionId, 'options.html');
  await opts.waitForSelector('#brand-x');
  assert.equal(await opts.inputValue('#brand-x'), 'AcmeCare');
  await opts.fill('#brand-x', 'bad handle!');
  await opts.click('button[type=submit]');
  await opts.waitForSelector('#status.error');
  assert.match(await opts.textContent('#status'), /can only use letters/);
  await opts.fill('#brand-x', '@AcmeSupport');
  await opts.click('button[type=submit]');
  await opts.waitForFunction(() => document.querySelector('#status').textContent === 'Saved.');
  const stored = await browser.worker.evaluate(() => chrome.storage.local.get('settings'));
  assert.equal(stored.settings.brand_handles.x, 'AcmeSupport');
  await opts.fill('#agent-name', 'Jo Park');
  await opts.click('button[type=submit]');
  await opts.waitForFunction(() => document.querySelector('#status').textContent === 'Saved.');
  await opts.reload();
  await opts.waitForSelector('#agent-name');
  assert.equal(await opts.inputValue('#agent-name'), 'Jo Park', 'the agent name survives a reload');
  // The private-channel fallback is an email or a link, nothing else.
  assert.equal(await opts.inputValue('#private-fallback'), 'https://help.acme.example/contact');
  await opts.fill('#private-fallback', 'javascript:alert(1)');
  await opts.click('button[type=submit]');
  await opts.waitForSelector('#status.error');
  assert.match(await opts.textContent('#status'), /email address .* or a link/);
  await opts.fill('#private-fallback', 'care@acme.example');
  await opts.click('button[type=submit]');
  await opts.waitForFunction(() => document.querySelector('#status').textContent === 'Saved.');
  assert.equal((await browser.worker.evaluate(() => chrome.storage.local.get('settings'))).settings.private_fallback, 'care@acme.example');
  await opts.close();
});

test('x: a team profile file fixes a layout Tactful could not read, without reloading the extension; a bad file is rejected whole, naming the field', async (t) => {
  const opts = await extensionPage(browser.context, browser.extensionId, 'options.html');
  t.after(async () => {
    await ask(ext, { kind: 'site_profiles', json: null });
    await opts.close();
  });
  const page = await browser.context.newPage();
  await page.goto(siteUrl('x', 'layout=changed'));
  await waitForOverlays(page, (o) => o.some((x) => x.notice && /can't read this page's layout \(X, layouts tried: /.test(x.text)), 8000);

  // The diagnostics say what was tried and that nothing was read.
  await opts.click('#sites-refresh');
  const row = opts.locator('#sites-report tr', { hasText: 'layout=changed' });
  await row.waitFor();
  assert.match(await row.textContent(), /X.*\(0 posts\).*\(0 posts\).*can't read this page's layout/s);

  // A file whose selectors follow the redesign (X renamed its hooks).
  const x = JSON.parse(readFileSync(join(ROOT, 'src/core/sites/profiles/x.json'), 'utf8'));
  const renamed = JSON.parse(JSON.stringify(x.layouts[0]).replaceAll('\\"tweet\\"', '\\"post\\"').replaceAll('\\"tweetText\\"', '\\"postText\\"').replaceAll('User-Name', 'UserName').replaceAll('\\"reply\\"', '\\"replyAction\\"'));
  renamed.name = 'team fix for the redesign';
  const dir = mkdtempSync(join(tmpdir(), 'tactful-profile-'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ ...x, layouts: [{ ...renamed, post: { ...renamed.post, text: { selector: 'div[data-testid="postText"' } } }] }));
  await opts.setInputFiles('#sites-file', bad);
  await opts.waitForFunction(() => document.querySelector('#sites-status').textContent.includes("wasn't used"));
  assert.equal(await opts.textContent('#sites-status'), "bad.json wasn't used: site profile x: layouts[0].post.text is not a valid selector ('[' is not closed).");
  const good = join(dir, 'x-team.json');
  writeFileSync(good, JSON.stringify({ ...x, layouts: [renamed, ...x.layouts] }));
  await opts.setInputFiles('#sites-file', good);
  await opts.waitForFunction(() => /now reads X with your team's profile/.test(document.querySelector('#sites-status').textContent));

  // The page, loaded again, is read with the team's layout.
  const want = expected('x');
  await page.reload();
  const cards = await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
  assert.equal(postCards(cards).length, want.posts.length);
  assert.equal(cards.filter((c) => c.notice && c.text.trim()).length, 0, 'no layout notice');
  await opts.click('#sites-refresh');
  await opts.waitForFunction(() => /team fix for the redesign \(\d+ posts\)/.test(document.querySelector('#sites-report').textContent));
  assert.match(await opts.locator('#sites-report tr', { hasText: 'layout=changed' }).textContent(), new RegExp(`X \\(team profile\\).*team fix for the redesign \\(${want.posts.length} posts\\)`, 's'));
  await page.close();
});
