// @ts-check
// Page reading: runs the site profile's selectors over the page, gives each post a key
// once, and sends the raw strings it read to the core (read_page). It decides nothing:
// the core's answer goes to whoever draws it. (The content script can't run the wasm
// core itself: x.com and facebook.com forbid wasm in content scripts.)
import { HOST_TAG } from './dom.js';
import { afterSettle } from './schedule.js';

/** @typedef {import('./context.js').Context} Context */
/** @typedef {import('./context.js').Field} Field */
/** @typedef {import('./context.js').SiteProfile} SiteProfile */
/** @typedef {import('./context.js').Layout} Layout */
/** @typedef {import('./context.js').RawPost} RawPost */
/** @typedef {import('./context.js').OverlayView} OverlayView */
/** @typedef {import('./context.js').Target} Target */
/**
 * Where the core's answers go: a view to draw (with where each post's card goes), or
 * words saying why there is none.
 * @typedef {{ draw: (view: OverlayView, targetOf: (key: string) => Target | undefined) => void, fail: (message: string) => void }} Drawer
 */

/** Visible text of an element: text nodes, emoji images' alt text, line breaks. @param {Node} node */
function textOf(node) {
  let out = '';
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let n = walker.currentNode; n; n = /** @type {Node} */ (walker.nextNode())) {
    if (n.nodeType === Node.TEXT_NODE) out += n.nodeValue;
    else if (n instanceof HTMLImageElement) out += n.alt;
    else if (n instanceof HTMLBRElement) out += '\n';
  }
  return out;
}

/** The page's background colour, for the theme. */
function background() {
  for (let el = /** @type {HTMLElement | null} */ (document.body); el; el = el.parentElement) {
    const bg = getComputedStyle(el).backgroundColor;
    if (bg && bg !== 'transparent' && !/,\s*0\)$/.test(bg)) return bg;
  }
  return '';
}

/** @param {Context} ctx */
export function createPageReader(ctx) {
  /** Post element -> key, so each post is read once. @type {WeakMap<Element, string>} */
  const keys = new WeakMap();
  /** key -> post element (weakly: the page may drop it). @type {Map<string, WeakRef<Element>>} */
  const elements = new Map();
  /** On a conversation page, the key of the post the others answer (the core says). @type {string | null} */
  let threadRoot = null;
  /** key -> where its card goes, for posts waiting for their card. @type {Map<string, Target>} */
  const pending = new Map();
  let nextKey = 1;
  // Keys are this document's own: after a reload of the same URL, "1" is another post,
  // and the worker must not give it the old one's triage or answered mark.
  const doc = crypto.getRandomValues(new Uint32Array(1))[0].toString(36);
  let scanQueued = false;
  let sent = 0;
  /** @type {Drawer | null} */
  let drawer = null;

  /**
   * The first element matching `field` that belongs to `container` itself: not to a post
   * nested inside it (comments inside a post, replies inside a comment), nor to a post
   * embedded in it (a quoted tweet has its own name, time and text).
   * @param {Element} container @param {Field} field @param {Layout} layout
   */
  function pick(container, field, layout) {
    if (!field.selector) return container;
    const { container: posts, embedded } = layout.post;
    for (const el of container.querySelectorAll(field.selector)) {
      if (el.closest(posts) !== container) continue;
      if (embedded) {
        const part = el.closest(embedded);
        if (part && part !== container && container.contains(part)) continue;
      }
      return el;
    }
    return null;
  }

  /** @param {Element} container @param {Field | null | undefined} field @param {Layout} layout */
  function read(container, field, layout) {
    if (!field) return null;
    const el = pick(container, field, layout);
    if (!el) return null;
    if (!field.attr) return textOf(el);
    // "data-urn|data-id": the first attribute the element has.
    for (const name of field.attr.split('|')) {
      const v = el.getAttribute(name);
      if (v !== null) return v;
    }
    return null;
  }

  /**
   * The layout this page is read with: the one in use while the page still has its posts,
   * else the first of the profile's layouts (today's first) whose posts it has.
   * @returns {Layout}
   */
  function chooseLayout() {
    const profile = /** @type {SiteProfile} */ (ctx.profile);
    const now = ctx.layout || profile.layouts[0];
    if (document.querySelector(now.post.container)) return now;
    const found = profile.layouts.find((l) => document.querySelector(l.post.container));
    if (found) ctx.layout = found;
    return ctx.layout || now;
  }

  function scheduleScan() {
    if (scanQueued) return;
    scanQueued = true;
    setTimeout(scan, 0);
  }

  /** Reads posts that appeared since the last scan and asks the core for their cards. */
  async function scan() {
    scanQueued = false;
    if (!ctx.profile) return;
    const layout = chooseLayout();
    const index = ctx.profile.layouts.indexOf(layout);
    const p = layout.post;
    /** @type {RawPost[]} */
    const batch = [];
    for (const el of document.querySelectorAll(p.container)) {
      if (keys.has(el)) continue;
      const key = `${doc}.${nextKey++}`;
      keys.set(el, key);
      elements.set(key, new WeakRef(el));
      pending.set(key, { element: el, textEl: pick(el, p.text, layout) });
      batch.push({
        key,
        layout: index,
        author_name: read(el, p.author_name, layout),
        handle: read(el, p.handle, layout),
        text: read(el, p.text, layout),
        time: read(el, p.time, layout),
        permalink: read(el, p.permalink, layout),
        author_id: read(el, p.author_id, layout),
        focal: !!p.focal && el.matches(p.focal),
      });
    }
    if (batch.length === 0) return;
    sent += batch.length;
    await report(batch, false);
  }

  /** @param {RawPost[]} posts @param {boolean} settled */
  async function report(posts, settled) {
    const out = /** @type {Drawer} */ (drawer);
    /** @type {any} */
    let resp;
    try {
      resp = await ctx.send({ kind: 'read_page', posts, settled, background: background() });
    } catch (e) {
      out.fail(`Tactful's background worker is not answering (${e instanceof Error ? e.message : e}). Reload the page to retry.`);
      return;
    }
    if (!resp || resp.kind !== 'overlay') {
      out.fail(resp && resp.message ? resp.message : 'Tactful could not read this page.');
      return;
    }
    if (resp.view.thread_root) threadRoot = resp.view.thread_root;
    out.draw(resp.view, (key) => pending.get(key));
    for (const post of posts) pending.delete(post.key);
  }

  /** The key of a post element Tactful read, if it is one. @param {Element} el */
  const keyOf = (el) => keys.get(el) ?? null;

  /** The element of post `key`, while it is on the page. @param {string} key */
  function elementOf(key) {
    const el = elements.get(key)?.deref();
    if (el && el.isConnected) return el;
    return null;
  }

  /** Every post element read so far that is still on the page, in page order. */
  function postElements() {
    if (!ctx.layout) return [];
    return [...document.querySelectorAll(ctx.layout.post.container)].filter((el) => keys.has(el));
  }

  /** Reads the page now and whenever it changes, once the profile is known. @param {Drawer} to */
  function start(to) {
    drawer = to;
    new MutationObserver((records) => {
      // Our own cards being added must not trigger another scan.
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (n.nodeType === Node.ELEMENT_NODE && n.nodeName !== HOST_TAG.toUpperCase()) return scheduleScan();
        }
      }
    }).observe(document, { childList: true, subtree: true });
    scheduleScan();
    afterSettle(() => {
      if (sent === 0) report([], true);
    });
  }

  return { start, keyOf, elementOf, postElements, threadRoot: () => threadRoot };
}

/** @typedef {ReturnType<typeof createPageReader>} PageReader */
