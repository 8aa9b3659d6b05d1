// @ts-check
// Tactful's "Move to private" (a third content script, after content.js). One click or
// Alt+M on a customer's post: the core prepares a public acknowledgement and a private
// message from the knowledge base; this script puts the acknowledgement into the site's
// own reply box (through the editor, like a suggestion), has the worker open the
// platform's message composer (prefilled where its link can carry text, else the message
// is copied to paste), logs the hand-off in the CRM and marks the post. Nothing is posted:
// the agent presses the site's own send buttons.
(() => {
  'use strict';

  const shared = /** @type {any} */ (globalThis).tactfulShared;
  if (!shared) return;
  const { send, el, editorFor, insertInto, loadCustomer } = shared;

  /** @typedef {{ how: 'prefilled' | 'paste', url: string } | { how: 'fallback', reason: string, contact: string }} Route */
  /** @typedef {{ button: HTMLButtonElement, closed: HTMLButtonElement | null, status: HTMLElement, busy: boolean, moved: boolean }} Move */

  /** Each customer post's controls, by post key. @type {Map<string, Move>} */
  const moves = new Map();
  /** @type {{ dm: { template: string | null } } | null} */
  let profile = null;
  shared.profile.then((/** @type {any} */ p) => { profile = p; });

  shared.onCard((/** @type {{ key: string, box: HTMLElement, before: HTMLElement }} */ { key, box, before }) => {
    const button = /** @type {HTMLButtonElement} */ (el('button', '', 'Move to private'));
    button.type = 'button';
    button.setAttribute('aria-keyshortcuts', 'Alt+M');
    button.title = 'Acknowledge publicly, open a private message, log it (Alt+M)';
    button.addEventListener('click', () => move(key, false));
    box.insertBefore(button, before);
    // Where the site has private messages, the agent can say this customer's are closed.
    /** @type {HTMLButtonElement | null} */
    let closed = null;
    if (profile && profile.dm.template) {
      closed = /** @type {HTMLButtonElement} */ (el('button', 'quiet', 'DMs closed?'));
      closed.type = 'button';
      closed.title = "The customer's messages are closed: point them to the team's email or contact form instead";
      closed.addEventListener('click', () => move(key, true));
      box.insertBefore(closed, before);
    }
    const status = el('div', 'handoff');
    status.setAttribute('role', 'status');
    box.append(status);
    moves.set(key, { button, closed, status, busy: false, moved: false });
  });

  // A card that says this post was already moved (by anyone whose work reached the CRM).
  shared.onCustomer((/** @type {string} */ key, /** @type {any} */ r) => {
    const mark = (r.card.moved || []).find((/** @type {any} */ m) => r.permalink && m.permalink === r.permalink);
    if (mark) markMoved(key, mark.label);
  });

  /** @param {string} key @param {string} label */
  function markMoved(key, label) {
    const m = moves.get(key);
    if (!m) return;
    m.moved = true;
    m.button.textContent = label;
    m.button.classList.add('moved');
    m.button.setAttribute('aria-disabled', 'true');
    if (m.closed) m.closed.hidden = true;
  }

  // Alt+M: the post whose reply box has focus, else the first customer post.
  document.addEventListener('keydown', (e) => {
    if (!e.altKey || e.ctrlKey || e.metaKey || e.code !== 'KeyM') return;
    const active = document.activeElement;
    const key = active ? shared.postKeyFor(active) : null;
    const found = (key && moves.has(key) && key) || [...moves.keys()].find((k) => moves.get(k)?.button.isConnected);
    if (!found) return;
    e.preventDefault();
    move(found, false);
  }, true);

  /**
   * Does the whole hand-off for one post.
   * @param {string} key @param {boolean} dmsClosed
   */
  async function move(key, dmsClosed) {
    const m = moves.get(key);
    if (!m || m.busy) return;
    if (m.moved) {
      m.status.textContent = 'This post was already moved to private; check the customer history before doing it again.';
      return;
    }
    m.busy = true;
    m.status.textContent = 'Moving to private…';
    try {
      const r = await send({ kind: 'handoff', post_key: key, dms_closed: dmsClosed });
      if (!r || r.kind !== 'handoff') throw new Error((r && r.message) || 'no answer from Tactful');
      const ed = editorFor(key);
      if (!ed) throw new Error('open the reply box under this post first, then try again');
      /** @type {Route} */
      const route = r.plan.route;
      await insertInto(ed, r.plan.public_text);
      let dm = '';
      if (route.how === 'paste') {
        // The composer's link can't carry text: the message goes on the clipboard while
        // this page still has focus (the new tab takes it).
        const copied = await navigator.clipboard.writeText(r.plan.dm_text).then(() => true, () => false);
        dm = copied ? 'Private chat opened in a new tab; the message is copied: paste it there (Ctrl+V).' : 'Private chat opened in a new tab; copy the message below into it.';
      } else if (route.how === 'prefilled') {
        dm = 'Private message opened in a new tab, prefilled; press Send there.';
      } else if (route.how === 'fallback') {
        dm = `${route.reason} The reply points them to ${route.contact}.`;
      }
      if (route.how !== 'fallback') {
        const o = await send({ kind: 'open_dm', post_key: key });
        if (!o || o.kind !== 'ok') throw new Error(`the acknowledgement is in the reply box, but the private message didn't open: ${(o && o.message) || 'no answer'}`);
      }
      const logged = await send({ kind: 'log_interaction', post_key: key, action: 'handoff', text: r.log, tone_findings: r.tone });
      markMoved(key, 'Moved to private · just now');
      const lines = [`Acknowledgement in the reply box: press the site's Reply to post it. ${dm}`];
      if (r.tone.length) lines.push(`Tone: ${r.tone.join(' ')}`);
      if (!logged || logged.kind !== 'ok') lines.push(`Not logged in the CRM: ${(logged && logged.message) || 'no answer'}.`);
      m.status.replaceChildren(el('span', '', lines.join(' ')));
      if (r.plan.dm_text) m.status.append(el('bdi', 'dm', r.plan.dm_text));
      loadCustomer(key);
    } catch (e) {
      m.status.textContent = `Can't move to private: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      m.busy = false;
    }
  }
})();
