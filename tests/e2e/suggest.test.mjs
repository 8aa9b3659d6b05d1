// End-to-end: suggested replies from the starter knowledge base, ranked for a post, filled
// with the customer's details and inserted into the site's real editor with a click.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFixtureServer } from '../fixtures/server.mjs';
import { launch, SITES, expected, siteUrl, overlays, waitForOverlays, postCards, clickOverlayButton } from './harness.mjs';

let server, browser;

before(async () => {
  server = await startFixtureServer({ port: 0 });
  browser = await launch({ port: server.port });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

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
    const label = /\bInsert\b/.test(card.text.replace(/Fill and insert/g, '')) ? 'Insert' : 'Fill and insert';
    await clickOverlayButton(page, label, 0);
    await page.waitForFunction((b) => window.__fixture.editorText().replace(/\n$/, '') !== b, before, { timeout: 5000 });
    const text = await editorText(page);
    assert.ok(text.length > 20, `a reply went into the editor's own state: ${text}`);
    assert.ok(!text.includes('{{') && !text.includes('}}'), `no raw variables inserted: ${text}`);
    const inserted = await waitForOverlays(page, (o) => o.some((x) => x.text.includes('Inserted.')));
    assert.ok(inserted);
    await page.close();
  });
}
