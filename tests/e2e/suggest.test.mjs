// End-to-end: suggested replies from the starter knowledge base, ranked for a post, filled
// with the customer's details and inserted into the site's real editor with a click or the
// keyboard: exactly the filled reply goes in, as one step of the editor's own undo history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SITES, expected, siteUrl, overlays, waitForOverlays, postCards, clickOverlayButton, suggestionRows, inContentScript, useBrowser } from './harness.mjs';

let browser;

useBrowser({}, (s) => ({ browser } = s));

// The site's own submit button, where the fixture has one that follows the editor's state.
const SUBMIT = { x: '[data-testid="tweetButtonInline"]', linkedin: '.comments-comment-box__submit-button--cr', reddit: 'button[slot="submit-button"]', youtube: 'button[aria-label="Comment"]' };

const editorText = (page) => page.evaluate(() => window.__fixture.editorText().replace(/\n$/, ''));

/** Waits until the editor's own state holds exactly `want`; on timeout says what it holds. */
async function editorHolds(page, want, what) {
  await page.waitForFunction((w) => window.__fixture.editorText().replace(/\n$/, '') === w, want, { timeout: 5000 })
    .catch(async () => assert.equal(await editorText(page), want, what));
}

/** Opens the first customer post's suggestions and returns them; the first is ready to insert. */
async function openSuggestions(page, open) {
  await open();
  await waitForOverlays(page, (o) => o.some((x) => /\b(Insert|Fill and insert)\b/.test(x.text)));
  const rows = await suggestionRows(page);
  // Dana's post about her router: the best reply needs nothing the post doesn't give.
  assert.equal(rows[0]?.button, 'Insert', `the first suggestion is filled: ${JSON.stringify(rows)}`);
  assert.ok(rows[0].preview.length > 20 && !/\{\{|\}\}/.test(rows[0].preview), `filled, no raw variables: ${rows[0].preview}`);
  return rows;
}

for (const site of SITES) {
  test(`${site}: a click inserts exactly the filled reply into the editor; one undo takes it all back`, async () => {
    const want = expected(site);
    const page = await browser.context.newPage();
    await page.goto(siteUrl(site));
    await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
    const rows = await openSuggestions(page, () => clickOverlayButton(page, 'Suggest replies', 0));
    const card = (await overlays(page)).find((x) => /\bInsert\b/.test(x.text));
    assert.match(card.text, /matches \w/, 'says why each reply is suggested');
    assert.ok(!/\{\{/.test(card.text), 'no raw template braces shown');

    assert.equal(await editorText(page), '', 'the reply box starts empty');
    if (SUBMIT[site]) assert.equal(await page.locator(SUBMIT[site]).first().isDisabled(), true, 'submit starts disabled on an empty reply');
    await clickOverlayButton(page, 'Insert', 0);
    await editorHolds(page, rows[0].preview, 'the filled reply, exactly, in the editor\'s own state');
    if (SUBMIT[site]) assert.equal(await page.locator(SUBMIT[site]).first().isDisabled(), false, 'the site\'s submit button reacts as if the agent typed');
    await waitForOverlays(page, (o) => o.some((x) => x.text.includes('Inserted.')));

    // The insertion is one step of the editor's own history.
    await page.keyboard.press('ControlOrMeta+Z');
    await editorHolds(page, '', 'one undo removes the whole reply');
    await page.close();
  });
}

const editorSelector = (site) => JSON.parse(readFileSync(join(ROOT, 'src/core/sites/profiles', `${site}.json`), 'utf8')).layouts[0].reply.editor.selector;

/** How many characters of the editor's text come before the caret (where typing would go). */
const caretOffset = (page, selector) => page.evaluate((sel) => {
  const ed = document.querySelector(sel);
  if (ed instanceof HTMLTextAreaElement) return ed.selectionStart === ed.selectionEnd ? ed.selectionEnd : -1;
  const s = getSelection();
  if (!s || !s.rangeCount || !s.isCollapsed || !ed.contains(s.focusNode)) return -1;
  const r = document.createRange();
  r.setStart(ed, 0);
  r.setEnd(s.focusNode, s.focusOffset);
  return r.toString().length;
}, selector);

for (const site of SITES) {
  test(`${site}: by keyboard, Alt+K opens suggestions, Enter replaces the selected draft with the reply, the caret ends after it, one undo brings the draft back`, async () => {
    const want = expected(site);
    const page = await browser.context.newPage();
    await page.goto(siteUrl(site));
    await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
    const ed = page.locator(editorSelector(site)).first();
    await ed.click();
    await page.keyboard.type('Draft to replace');
    await editorHolds(page, 'Draft to replace', 'the editor took the typing');
    // Quill's history merges edits less than 1 s apart into one undo step (its `delay`), so
    // the reply comes after a pause, as it would from an agent reading the suggestions.
    if (site === 'linkedin') await page.waitForTimeout(1100);
    await page.keyboard.press('ControlOrMeta+A');
    const rows = await openSuggestions(page, () => page.keyboard.press('Alt+K'));
    // Focus moved to the first suggestion's button; arrows cycle and come back.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await editorHolds(page, rows[0].preview, 'the selected draft is replaced by exactly the filled reply');
    // The caret is after the inserted text, in the editor.
    await ed.focus();
    const text = await page.evaluate((sel) => { const e = document.querySelector(sel); return e instanceof HTMLTextAreaElement ? e.value : e.innerText; }, editorSelector(site));
    assert.equal(await caretOffset(page, editorSelector(site)), text.replace(/\n+$/, '').length, 'the caret is at the end of the reply');
    // One undo, through the editor's own history, gives the agent's draft back.
    await page.keyboard.press('ControlOrMeta+Z');
    await editorHolds(page, 'Draft to replace', 'one undo restores the replaced draft');
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
    const r = await chrome.runtime.sendMessage({ kind: 'suggest', post_key: tactfulProbe.keyOf(post) });
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
