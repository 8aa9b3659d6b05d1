// @ts-check
// Reply composers: which post a reply box answers, opening a post's own composer through
// its reply action, and telling the worker when the agent sent a reply from one. The
// rules are the layout's (profile data, in order); this module only runs them. A reply
// goes into the composer of the post it answers, or nowhere.

/** @typedef {import('./context.js').Context} Context */
/** @typedef {import('./context.js').Layout} Layout */
/** @typedef {import('./page-reader.js').PageReader} PageReader */
/**
 * Why a post's reply can't go into a reply box: `missing` (the page shows none and the
 * post has no reply action), `unopened` (its reply action opened no box Tactful can tie
 * to the post), `ambiguous` (a box whose post can't be told). Each caller words it.
 * @typedef {'missing' | 'unopened' | 'ambiguous'} EditorProblem
 */

/** How long a post's reply action gets to open its composer (the site renders it). */
const OPEN_WAIT_MS = 3000;

/** A box's text as the agent sees it. @param {Element} ed */
export const editorText = (ed) => (ed instanceof HTMLTextAreaElement ? ed.value : ed.textContent || '');

/** @param {Context} ctx @param {PageReader} reader */
export function createComposers(ctx, reader) {
  /**
   * The post whose reply action was used last (by Tactful, or by the agent's own click),
   * and the dialogs already open then: a dialog that appears after it is that post's.
   * @type {{ key: string, dialogs: Set<Element> } | null}
   */
  let lastAction = null;

  const layout = () => /** @type {Layout} */ (ctx.layout);

  /** The reply boxes on the page. @returns {HTMLElement[]} */
  function editors() {
    if (!ctx.layout) return [];
    return /** @type {HTMLElement[]} */ ([...document.querySelectorAll(ctx.layout.reply.editor.selector)]);
  }

  /** Whether `el` is (inside) one of the layout's reply boxes; the box. @param {EventTarget | null} el */
  function editorOf(el) {
    if (!ctx.layout || !(el instanceof Element)) return null;
    return /** @type {HTMLElement | null} */ (el.closest(ctx.layout.reply.editor.selector));
  }

  /** Dialogs of the layout's `dialog` rules open now. */
  function openDialogs() {
    const out = new Set();
    for (const r of layout().reply.owner) if (r.rule === 'dialog') for (const d of document.querySelectorAll(r.selector)) out.add(d);
    return out;
  }

  /** Records that post `key`'s reply action is being used. @param {string} key */
  function noteAction(key) {
    lastAction = { key, dialogs: openDialogs() };
  }

  /**
   * The posts whose region is `region`: the posts P on the page with P.closest(sel) ===
   * region (P itself when it matches). @param {Element} region @param {string} sel
   */
  function postsOfRegion(region, sel) {
    const posts = layout().post.container;
    const inside = region.matches(posts) ? [region] : [];
    for (const p of region.querySelectorAll(posts)) if (p.closest(sel) === region) inside.push(p);
    return inside.map((p) => reader.keyOf(p)).filter((k) => k !== null);
  }

  /**
   * The post a reply box answers, by the layout's rules in order: its key, `ambiguous`
   * when a rule finds the box but not one post, or null when no rule applies.
   * @param {Element} ed @returns {string | null | 'ambiguous'}
   */
  function ownerOf(ed) {
    for (const r of layout().reply.owner) {
      if (r.rule === 'region') {
        for (let anc = ed.parentElement; anc; anc = anc.parentElement) {
          if (!anc.matches(r.selector)) continue;
          const keys = postsOfRegion(anc, r.selector);
          if (keys.length === 1) return keys[0];
          if (keys.length > 1) return 'ambiguous';
          // A region with no post of its own (a generic list item): look further up.
        }
      } else if (r.rule === 'dialog') {
        const d = ed.closest(r.selector);
        if (!d) continue;
        return lastAction && !lastAction.dialogs.has(d) ? lastAction.key : 'ambiguous';
      } else if (r.rule === 'mention') {
        // The shared box answers the post whose reply action put "@handle " in it, while
        // the mention is still there.
        if (lastAction && /^@\S/.test(editorText(ed))) return lastAction.key;
      } else if (r.rule === 'thread') {
        const root = reader.threadRoot();
        if (root) return root;
      }
    }
    return null;
  }

  /** Boxes on the page answering post `key`. @param {string} key */
  const boxesOf = (key) => editors().filter((ed) => ownerOf(ed) === key);

  /** The post's own reply action, not a nested or embedded post's. @param {Element} post */
  function actionOf(post) {
    const sel = layout().reply.action;
    if (!sel) return null;
    const { container, embedded } = layout().post;
    for (const a of post.querySelectorAll(sel)) {
      if (a.closest(container) !== post) continue;
      if (embedded) {
        const part = a.closest(embedded);
        if (part && post.contains(part) && part !== post) continue;
      }
      return /** @type {HTMLElement} */ (a);
    }
    return null;
  }

  /** Resolves with `find()`'s value once it has one (checked on each DOM change), or null after `ms`. @template T @param {() => T | null} find @param {number} ms @returns {Promise<T | null>} */
  function waitFor(find, ms) {
    const now = find();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = (/** @type {T | null} */ v) => { obs.disconnect(); clearTimeout(timer); resolve(v); };
      const obs = new MutationObserver(() => { const v = find(); if (v) done(v); });
      obs.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
      const timer = setTimeout(() => done(find()), ms);
    });
  }

  /**
   * Post `key`'s composer: the box the page shows for it, else the one its own reply
   * action opens. Never another post's box.
   * @param {string} key @returns {Promise<{ editor: HTMLElement } | { problem: EditorProblem }>}
   */
  async function composerFor(key) {
    if (!ctx.layout) return { problem: 'missing' };
    const own = boxesOf(key);
    if (own.length === 1) return { editor: own[0] };
    if (own.length > 1) return { problem: 'ambiguous' };
    const post = reader.elementOf(key);
    // The post's own reply action; for the conversation's first post, the page's control
    // that opens the conversation's composer when the post has none of its own.
    let action = post && actionOf(post);
    const threadAction = layout().reply.thread_action;
    if (!action && threadAction && key === reader.threadRoot()) action = /** @type {HTMLElement | null} */ (document.querySelector(threadAction));
    if (!action) return { problem: 'missing' };
    noteAction(key);
    action.click();
    const opened = await waitFor(() => { const b = boxesOf(key); return b.length === 1 ? b[0] : null; }, OPEN_WAIT_MS);
    return opened ? { editor: opened } : { problem: 'unopened' };
  }

  /** The box a send button belongs to (the editor in the same composer). @param {Element} button */
  function boxOfSend(button) {
    const form = button.closest(layout().reply.form);
    return form ? /** @type {HTMLElement | null} */ (form.querySelector(layout().reply.editor.selector)) : null;
  }

  /** Tells the worker the agent sent `ed`'s text as the reply to its post. @param {Element} ed */
  function sent(ed) {
    const key = ownerOf(ed);
    const text = editorText(ed).trim();
    if (!key || key === 'ambiguous' || !text) return;
    // Only a note that a reply was sent: the worker counts the post answered when the
    // brand's reply with this text appears on the page.
    ctx.send({ kind: 'reply_sent', post_key: key, text }).catch(() => {});
  }

  function install() {
    // Capture phase, before the site handles (and clears) the composer.
    document.addEventListener('click', (e) => {
      if (!e.isTrusted || !ctx.layout || !(e.target instanceof Element)) return;
      const send = e.target.closest(ctx.layout.reply.send);
      if (send) {
        const box = boxOfSend(send);
        if (box) sent(box);
        return;
      }
      // The agent's own use of a post's reply action: the box it opens is that post's.
      const action = ctx.layout.reply.action && e.target.closest(ctx.layout.reply.action);
      const post = action && action.closest(ctx.layout.post.container);
      const key = post && reader.keyOf(post);
      if (key) noteAction(key);
    }, true);
    document.addEventListener('keydown', (e) => {
      // Ctrl/Cmd+Enter sends from the sites' composers (X, LinkedIn, Reddit).
      if (!e.isTrusted || e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return;
      const box = editorOf(e.target);
      if (box) sent(box);
    }, true);
  }

  return { editors, editorOf, ownerOf, composerFor, install };
}

/** @typedef {ReturnType<typeof createComposers>} Composers */
