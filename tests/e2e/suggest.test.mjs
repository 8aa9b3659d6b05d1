// End-to-end: suggested replies from the starter knowledge base, ranked for a post, filled
// with the customer's details and inserted into the site's real editor with a click.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFixtureServer } from '../fixtures/server.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, ROOT, SITES, expected, siteUrl, overlays, waitForOverlays, postCards, clickOverlayButton, inContentScript } from './harness.mjs';

let server, browser;

before(async () => {
  server = await startFixtureServer({ port: 0 });
  browser = await launch({ port: server.port });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// The site's own submit button, where the fixture has one that follows the editor's state.
const SUBMIT = { x: '[data-testid="tweetButtonInline"]', linkedin: '.comments-comment-box__submit-button--cr', reddit: 'button[slot="submit-button"]', youtube: 'button[aria-label="Comment"]' };

const editorText = (page) => page.evaluate(() => window.__fixture.editorText().replace(/\n$/, ''));

for (const site of SITES) {
  test(`${site}: suggestions for a customer's post insert filled text into the editor`, async () => {
    const want = expected(site);
    const page = await browser.context.newPage();
    await page.goto(siteUrl(site));
    await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
    await clickOverlayButton(page, 'Suggest replies', 0);
    const shown = await waitForOverlays(page, (o) => o.some((x) => /\b(Insert|Fill and insert)\b/.test(x.text)));
    const card = shown.find((x) => /\b(Insert|Fill and insert)\b/.test(x.text));
    assert.match(card.text, /matches \w/, 'says why each reply is suggested');
    assert.ok(!/\{\{/.test(card.text), 'no raw template braces shown');

    const before = await editorText(page);
    if (SUBMIT[site]) assert.equal(await page.locator(SUBMIT[site]).first().isDisabled(), true, 'submit starts disabled on an empty reply');
    const label = /\bInsert\b/.test(card.text.replace(/Fill and insert/g, '')) ? 'Insert' : 'Fill and insert';
    await clickOverlayButton(page, label, 0);
    await page.waitForFunction((b) => window.__fixture.editorText().replace(/\n$/, '') !== b, before, { timeout: 5000 });
    const text = await editorText(page);
    assert.ok(text.length > 20, `a reply went into the editor's own state: ${text}`);
    assert.ok(!text.includes('{{') && !text.includes('}}'), `no raw variables inserted: ${text}`);
    if (SUBMIT[site]) assert.equal(await page.locator(SUBMIT[site]).first().isDisabled(), false, 'the site\'s submit button reacts as if the agent typed');
    const inserted = await waitForOverlays(page, (o) => o.some((x) => x.text.includes('Inserted.')));
    assert.ok(inserted);
    await page.close();
  });
}

const editorSelector = (site) => JSON.parse(readFileSync(join(ROOT, 'src/core/sites/profiles', `${site}.json`), 'utf8')).reply_editor.selector;

for (const site of SITES) {
  test(`${site}: by keyboard, Alt+K opens suggestions, Enter replaces the selected draft, the caret ends after it, undo takes it back`, async () => {
    const want = expected(site);
    const page = await browser.context.newPage();
    await page.goto(siteUrl(site));
    await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
    const ed = page.locator(editorSelector(site)).first();
    await ed.click();
    await page.keyboard.type('Draft to replace');
    await page.waitForFunction(() => window.__fixture.editorText().includes('Draft to replace'));
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Alt+K');
    await waitForOverlays(page, (o) => o.some((x) => /\b(Insert|Fill and insert)\b/.test(x.text)));
    // Focus moved to the first suggestion's button; arrows cycle and come back.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    // A reply that needs a value the post doesn't give asks for it: type it, then Enter.
    // Wait for whichever comes first (a slow worker can take longer than any fixed guess).
    let asked = false;
    for (const end = Date.now() + 8000; Date.now() < end;) {
      if (!(await editorText(page)).includes('Draft to replace')) break;
      if ((await overlays(page)).some((x) => /Tactful needs:/.test(x.text))) { asked = true; break; }
      await page.waitForTimeout(100);
    }
    if (asked) {
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.type('48213');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
    }
    await page.waitForFunction(() => !window.__fixture.editorText().includes('Draft to replace'), null, { timeout: 5000 })
      .catch(async (e) => {
        const seen = (await overlays(page)).map((o) => o.text.slice(0, 120));
        throw new Error(`draft not replaced (asked: ${asked}); editor: ${await editorText(page)}; overlays: ${JSON.stringify(seen)}; ${e.message}`);
      });
    const inserted = (await editorText(page)).trim();
    assert.ok(inserted.length > 20 && !inserted.includes('{{'), `the selected draft was replaced by a filled reply: ${inserted}`);
    // The caret is after the inserted text: typing goes at its end.
    await ed.focus();
    await page.keyboard.type('!');
    await page.waitForFunction(() => /!\s*$/.test(window.__fixture.editorText()), null, { timeout: 3000 });
    assert.ok((await editorText(page)).trim().startsWith(inserted.slice(0, 20)), 'typing appended after the reply');
    // Undo goes through the editor's own history.
    for (let i = 0; i < 3 && (await editorText(page)).includes(inserted.slice(0, 20)); i++) {
      await page.keyboard.press('ControlOrMeta+Z');
      await page.waitForTimeout(150);
    }
    assert.ok(!(await editorText(page)).includes(inserted.slice(0, 20)), `undo removed the inserted reply: ${await editorText(page)}`);
    // Escape closes the list.
    await page.keyboard.press('Alt+K');
    await waitForOverlays(page, (o) => o.some((x) => /\b(Insert|Fill and insert)\b/.test(x.text)));
    await page.keyboard.press('Escape');
    await waitForOverlays(page, (o) => !o.some((x) => /\b(Insert|Fill and insert)\b/.test(x.text)));
    await page.close();
  });
}

test('instagram: with two open reply boxes and neither tied to the post, a suggestion goes into none; Tactful says why and offers Copy', async () => {
  const want = expected('instagram');
  const dana = want.posts.find((p) => !p.is_brand);
  const card = new RegExp(dana.handle.replace(/\./g, '\\.'));
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(siteUrl('instagram')).origin });
  const page = await browser.context.newPage();
  // The post is open over the feed: the feed's comment box (above every post) and the
  // post's own (after the last comment, so the nearest post to it is another one).
  await page.goto(siteUrl('instagram', 'boxes=2'));
  await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
  const boxes = () => page.evaluate((sel) => [...document.querySelectorAll(sel)].map((t) => t.value), editorSelector('instagram'));
  assert.deepEqual(await boxes(), ['', ''], 'two open reply boxes, both empty');

  // What the first plain suggestion for Dana's comment says, from the worker itself.
  const first = await inContentScript(page, `(async () => {
    await tactfulProbe.ready;
    const post = document.querySelector('div._a9zj a[href="/${dana.handle}/"]').closest('div._a9zj');
    const r = await chrome.runtime.sendMessage({ kind: 'suggest', post_key: tactfulProbe.postKeyFor(post) });
    return r.items.find((i) => i.missing.length === 0).text;
  })()`);
  await clickOverlayButton(page, 'Suggest replies', 0, { card });
  await waitForOverlays(page, (o) => o.some((x) => card.test(x.text) && /\bInsert\b/.test(x.text)));
  await clickOverlayButton(page, 'Insert', 0, { card });
  const refused = await waitForOverlays(page, (o) => o.some((x) => /can't tell which reply box/.test(x.text)));
  assert.match(refused.find((x) => /can't tell which reply box/.test(x.text)).text,
    /Tactful can't tell which reply box on this page belongs to this post, so it inserted nothing\. Copy the reply into this post's reply box yourself, or close the other reply boxes and insert again\./);
  // Insertion comes before those words: they prove nothing went into either box.
  assert.deepEqual(await boxes(), ['', ''], 'the reply went into no reply box');

  await clickOverlayButton(page, 'Copy reply', 0, { card });
  await waitForOverlays(page, (o) => o.some((x) => x.text.includes("Copied: paste it into this post's reply box.")));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first, 'the suggested reply is on the clipboard');
  await page.close();
});
