// End-to-end: "Move to private" on each fixture site. One click puts the public
// acknowledgement into the site's real editor (its own state), opens a new tab at the
// platform's message composer with the private message (in the link where the platform
// takes one, on the clipboard where it doesn't), logs the hand-off in the local CRM and
// marks the post, also after a reload. YouTube has no private messages: the reply points
// to the team's contact form and no tab opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SITES, expected, siteUrl, overlays, waitForOverlays, postCards, clickOverlayButton, ask, useBrowser, inContentScript } from './harness.mjs';

let browser, ext;

/** The mark a moved post's card carries ("Moved to private by Sam · just now"). */
const MARK = /Moved to private by [^·\n]+ · just now/;

useBrowser({ extPage: true }, (s) => ({ browser, ext } = s));

const editorText = (page) => page.evaluate(() => window.__fixture.editorText().replace(/\n$/, ''));
const allText = (o) => o.map((x) => x.text).join('\n');

// The greeting of the public text: the customer's first name where the page shows a name
// (Dana Reyes), "there" where it shows only a handle (dana.reyes, @DanaReyes), never a
// handle or a guess.
const GREETING = { x: 'Hi Dana,', facebook: 'Hi Dana,', linkedin: 'Hi Dana,', instagram: 'Hi there,', reddit: 'Hi there,', youtube: 'Hi there,' };

/** How many tabs Chrome itself has open (what the worker's `chrome.tabs.create` adds to). */
const chromeTabs = () => browser.worker.evaluate(async () => (await chrome.tabs.query({})).length);

// Where each site's composer opens for the customer (handle filled in).
const COMPOSER = {
  // X's Messages became Chat, whose link carries no text: the message is copied.
  x: () => /^https:\/\/x\.com\/i\/chat$/,
  facebook: (h) => new RegExp(`^https://m\\.me/${h}$`),
  instagram: (h) => new RegExp(`^https://ig\\.me/m/${h}$`),
  linkedin: (h) => new RegExp(`^https://www\\.linkedin\\.com/messaging/compose/\\?recipient=${h}&body=`),
  reddit: (h) => new RegExp(`^https://www\\.reddit\\.com/message/compose/\\?to=${h}&subject=[^&]+&message=`),
};

/**
 * Clicks (trusted, through playwright) the send button of the composer whose editor holds
 * `text`, by the site's current-layout profile (`reply.form`, `reply.editor`, `reply.send`).
 */
async function pressSend(page, site, text) {
  const { reply } = JSON.parse(readFileSync(join(ROOT, 'src/core/sites/profiles', `${site}.json`), 'utf8')).layouts[0];
  const at = await page.evaluate(({ reply, text }) => {
    const val = (e) => (e instanceof HTMLTextAreaElement ? e.value : e.innerText).replace(/\n$/, '');
    return [...document.querySelectorAll(reply.form)].findIndex((f) => [...f.querySelectorAll(reply.editor.selector)].some((e) => val(e) === text));
  }, { reply, text });
  assert.ok(at >= 0, `a ${site} composer holds the acknowledgement`);
  await page.locator(reply.form).nth(at).locator(reply.send).first().click();
}

for (const site of SITES) {
  test(`${site}: one click moves the customer's post to private (acknowledgement, composer, CRM record, mark)`, async () => {
    const want = expected(site);
    const customer = want.posts.find((p) => !p.is_brand);
    const page = await browser.context.newPage();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(siteUrl(site)).origin });
    await page.goto(siteUrl(site));
    await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
    // The card has loaded its customer section before the click.
    await waitForOverlays(page, (o) => /interaction|New customer/.test(allText(o)));
    const before = await editorText(page);
    const tabsBefore = await chromeTabs();
    const opened = COMPOSER[site] ? browser.context.waitForEvent('page', { timeout: 10000 }) : null;
    await clickOverlayButton(page, 'Move to private', 0);

    const done = await waitForOverlays(page, (o) => /Acknowledgement in the reply box|Can't move/.test(allText(o)));
    assert.doesNotMatch(allText(done), /Can't move/, allText(done));
    const text = await editorText(page);
    assert.notEqual(text, before);
    assert.match(text, site === 'youtube' ? /contact us privately at https:\/\/help\.acme\.example\/contact/ : /sent you a private message/, `the acknowledgement is in the editor's own state: ${text}`);
    // Instagram's Reply puts "@handle " in the post's one box first: the greeting follows it.
    const lead = site === 'instagram' ? `@${customer.handle} ${GREETING[site]} ` : `${GREETING[site]} `;
    assert.ok(text.startsWith(lead), `greets ${customer.author_name} as "${GREETING[site]}": ${text}`);
    assert.ok(!text.includes('{{'), text);

    if (opened) {
      const tab = await opened;
      const url = tab.url();
      assert.match(url, COMPOSER[site](customer.handle), url);
      const shown = allText(done);
      if (site === 'x' || site === 'facebook' || site === 'instagram') {
        assert.match(shown, /message is copied/, shown);
        const clip = await page.evaluate(() => navigator.clipboard.readText());
        assert.match(clip, /following up on your post/, `the private message is on the clipboard: ${clip}`);
      } else {
        const body = decodeURIComponent(new URL(url).searchParams.get(site === 'reddit' ? 'message' : site === 'linkedin' ? 'body' : 'text'));
        assert.match(body, /following up on your post/, `prefilled private message: ${body}`);
      }
      await tab.close();
    } else {
      assert.match(allText(done), /YouTube has no direct messages.*help\.acme\.example\/contact/s, allText(done));
      // The notice comes once the hand-off is over (a composer tab would have opened
      // before it): Chrome's own tab list is as it was.
      assert.equal(await chromeTabs(), tabsBefore, 'no composer tab opened');
    }
    // Inserted is not published: the card is not marked yet, and says when it will be.
    assert.match(allText(done), /the post counts as moved once it is published/, allText(done));
    assert.doesNotMatch(allText(done), MARK, 'not marked before the acknowledgement is published');
    // The agent presses the site's own send in the post's composer (a trusted click): once
    // the brand's reply is on the page, the post is marked.
    await pressSend(page, site, text);
    await waitForOverlays(page, (o) => MARK.test(allText(o)));

    // The CRM keeps the hand-off with the post's permalink, both texts and the time (the
    // notice comes once the CRM has answered the write).
    const snap = (await ask(ext, { kind: 'crm_export' })).snapshot;
    const handoff = snap.interactions.find((x) => x.kind === 'handoff' && x.permalink === customer.permalink);
    assert.ok(handoff, 'a hand-off record in the CRM');
    // The core's plan is logged; the "@handle " Instagram's Reply put before it is the site's.
    const planned = text.trim().replace(/^@\S+\s+/, '');
    assert.ok(handoff.text.includes(planned.slice(0, 40)), `the public text is logged: ${handoff.text}`);
    assert.match(handoff.text, site === 'youtube' ? /Pointed to https:\/\/help\.acme\.example\/contact/ : /Private message \([\w.]+\):\n.*following up on your post/s);
    assert.ok(Math.abs(handoff.at - Date.now()) < 60_000);

    // A second look (another agent's, or after a reload) sees it was moved already.
    await page.reload();
    const marked = await waitForOverlays(page, (o) => MARK.test(allText(o)));
    // Marked with who did it: the agent's name, or "Agent" and the start of their id.
    const { settings } = await ask(ext, { kind: 'get_settings' });
    const who = settings.agent_name || `Agent ${settings.agent_id.slice(6, 12)}`;
    assert.match(allText(marked), new RegExp(`Moved to private by ${who} · just now`));
    await clickOverlayButton(page, `Moved to private by ${who} · just now`, 0);
    await waitForOverlays(page, (o) => /already moved to private/.test(allText(o)));
    await page.close();
  });
}

test('x: the agent can say the customer\'s messages are closed: the reply points to the contact form, no tab opens', async () => {
  const want = expected('x');
  const page = await browser.context.newPage();
  await page.goto(siteUrl('x'));
  await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
  const tabsBefore = await chromeTabs();
  // The third post (Marco) has not been moved yet.
  const cards = await overlays(page);
  const nth = postCards(cards).filter((c) => !/Your brand/.test(c.text)).findIndex((c) => /Marco/.test(c.text));
  assert.ok(nth >= 0);
  await clickOverlayButton(page, 'DMs closed?', nth);
  const done = await waitForOverlays(page, (o) => /Acknowledgement in the reply box|Can't move/.test(allText(o)));
  assert.match(allText(done), /private messages are closed.*help\.acme\.example\/contact/s, allText(done));
  assert.match(await editorText(page), /^Hi Marco, .*contact us privately at https:\/\/help\.acme\.example\/contact/);
  assert.equal(await chromeTabs(), tabsBefore, 'no composer tab (the notice comes once the hand-off is over)');
  await page.close();
});

// Two open boxes on the page (the feed's post keeps its own under this one): Tactful presses
// Marco's own Reply, which puts "@marco_bianchi " in this post's box, and that mention ties the
// box to the post: the acknowledgement goes there and nowhere else.
test('instagram: with two open reply boxes, Move to private presses the post\'s own Reply and fills only the box it tied to the post', async () => {
  const want = expected('instagram');
  // Marco: a customer no other test moves, and not the last comment.
  const marco = want.posts.find((p) => p.handle === 'marco_bianchi');
  const card = /marco_bianchi/;
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(siteUrl('instagram')).origin });
  const page = await browser.context.newPage();
  await page.goto(siteUrl('instagram', 'boxes=2'));
  await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
  await waitForOverlays(page, (o) => o.some((x) => card.test(x.text) && /interaction|New customer/.test(x.text)));
  const boxes = () => page.evaluate(() => [...document.querySelectorAll('form textarea[aria-label="Add a comment…"]')].map((t) => t.value));
  assert.deepEqual(await boxes(), ['', ''], 'two open reply boxes, both empty');

  const opened = browser.context.waitForEvent('page', { timeout: 10000 });
  await clickOverlayButton(page, 'Move to private', 0, { card });
  const done = await waitForOverlays(page, (o) => /Acknowledgement in the reply box|Can't move|can't tell which reply box/.test(allText(o)));
  const marcoCard = () => done.find((x) => card.test(x.text)).text;
  assert.match(marcoCard(), /Acknowledgement in the reply box: press the site's Reply to post it; the post counts as moved once it is published\./, marcoCard());
  const ack = "@marco_bianchi Hi there, sorry about this. We've sent you a private message so we can look into it with your details. Please check your messages.";
  const after = await boxes();
  assert.equal(after.length, 2);
  assert.deepEqual([...after].sort(), ['', ack].sort(), `only the post's own box holds the acknowledgement: ${JSON.stringify(after)}`);
  (await opened).close();
  // Logged as a hand-off, not marked before it is published.
  const snap = (await ask(ext, { kind: 'crm_export' })).snapshot;
  assert.equal(snap.interactions.filter((x) => x.kind === 'handoff' && x.permalink === marco.permalink).length, 1, 'one hand-off in the CRM');
  assert.doesNotMatch(marcoCard(), MARK, 'the post is not marked moved yet');
  await page.close();
});

test('youtube: when the core can\'t prepare a hand-off, the agent sees its words as they are', async () => {
  const card = /@marcob/; // a customer no other test moves
  const saved = (await ask(ext, { kind: 'get_settings' })).settings;
  // No fallback contact: YouTube has no private messages, so the core refuses.
  assert.equal((await ask(ext, { kind: 'save_settings', settings: { ...saved, private_fallback: '' } })).settings.private_fallback, '');
  try {
    const want = expected('youtube');
    const page = await browser.context.newPage();
    await page.goto(siteUrl('youtube'));
    await waitForOverlays(page, (o) => postCards(o).length >= want.posts.length);
    // The core's refusal for this post, asked for directly.
    const refusal = await inContentScript(page, `(async () => {
      await tactfulProbe.ready;
      const post = document.querySelector('a[href="/@marcob"]').closest('ytd-comment-view-model, ytd-comment-renderer');
      return chrome.runtime.sendMessage({ kind: 'handoff', post_key: tactfulProbe.keyOf(post), dms_closed: false });
    })()`);
    assert.equal(refusal.kind, 'error');
    assert.match(refusal.message, /^Can't move this to private: YouTube has no direct messages/);
    await clickOverlayButton(page, 'Move to private', 0, { card });
    const done = await waitForOverlays(page, (o) => o.some((x) => card.test(x.text) && x.text.includes(refusal.message)));
    // Shown once, as the core words it: no second "Can't move to private:" before it.
    assert.ok(done.find((x) => card.test(x.text)).text.endsWith(` @marcob on youtube ${refusal.message}`), done.find((x) => card.test(x.text)).text);
    await page.close();
  } finally {
    await ask(ext, { kind: 'save_settings', settings: saved });
  }
});
