// @ts-check
// "Move to private". One click or Alt+M on a customer's post: the core prepares a public
// acknowledgement and a private message from the knowledge base; this puts the
// acknowledgement into the post's own reply box (through the editor, like a suggestion),
// has the worker open the platform's message composer (prefilled where its link can
// carry text, else the message is copied to paste), logs the hand-off in the CRM and
// marks the post. Nothing is posted: the agent presses the site's own send buttons.
import { el } from './dom.js';
import { copyButton } from './editors.js';

/** @typedef {import('./context.js').CustomerAnswer} CustomerAnswer */
/** @typedef {import('./composers.js').EditorProblem} EditorProblem */
/** @typedef {{ how: 'prefilled' | 'paste', url: string } | { how: 'fallback', reason: string, contact: string }} Route */
/** @typedef {{ button: HTMLButtonElement, closed: HTMLButtonElement | null, status: HTMLElement, busy: boolean, moved: boolean }} Move */

/** What the agent is told when the acknowledgement can't go into a reply box, by why. @type {Record<EditorProblem, string>} */
const CANT_INSERT = {
  missing: "This post has no reply box open and Tactful can't find its Reply button, so it did nothing. Copy the acknowledgement into this post's reply box yourself.",
  unopened: "Tactful pressed this post's Reply, but no reply box it can tie to this post opened, so it did nothing. Copy the acknowledgement into this post's reply box yourself.",
  ambiguous: "Tactful can't tell which reply box on this page belongs to this post, so it did nothing. Copy the acknowledgement into this post's reply box yourself, or close the other reply boxes and try again.",
};

/**
 * @param {import('./context.js').Context} ctx @param {import('./editors.js').Editors} editors @param {import('./composers.js').Composers} composers
 * @param {import('./cards/customer-history.js').CustomerHistory} customers
 */
export function createHandoff(ctx, editors, composers, customers) {
  /** Each customer post's controls, by post key. @type {Map<string, Move>} */
  const moves = new Map();

  /**
   * Adds "Move to private" (and "DMs closed?" where the site has private messages)
   * before `before` on a customer post's card, and the hand-off's status line.
   * @param {string} key @param {HTMLElement} box @param {HTMLElement} before
   */
  function attach(key, box, before) {
    const button = /** @type {HTMLButtonElement} */ (el('button', '', 'Move to private'));
    button.type = 'button';
    button.setAttribute('aria-keyshortcuts', 'Alt+M');
    button.title = 'Acknowledge publicly, open a private message, log it (Alt+M)';
    // Only a person's click moves a post (a page script can dispatch clicks: isTrusted false).
    button.addEventListener('click', (e) => { if (e.isTrusted) move(key, false); });
    box.insertBefore(button, before);
    // Where the site has private messages, the agent can say this customer's are closed.
    /** @type {HTMLButtonElement | null} */
    let closed = null;
    if (ctx.profile && ctx.profile.dm.template) {
      closed = /** @type {HTMLButtonElement} */ (el('button', 'quiet', 'DMs closed?'));
      closed.type = 'button';
      closed.title = "The customer's messages are closed: point them to the team's email or contact form instead";
      closed.addEventListener('click', (e) => { if (e.isTrusted) move(key, true); });
      box.insertBefore(closed, before);
    }
    const status = el('div', 'handoff');
    status.setAttribute('role', 'status');
    box.append(status);
    moves.set(key, { button, closed, status, busy: false, moved: false });
  }

  /** A card that says this post was already moved (by anyone whose work reached the CRM). @param {string} key @param {CustomerAnswer} r */
  function noteCustomer(key, r) {
    if (r.moved) markMoved(key, r.moved);
  }

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

  /**
   * Alt+M: moves post `key` (else the first customer post on the page). False when
   * there is none.
   * @param {string | null} key
   */
  function moveFor(key) {
    const found = (key && moves.has(key) && key) || [...moves.keys()].find((k) => moves.get(k)?.button.isConnected);
    if (!found) return false;
    move(found, false);
    return true;
  }

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
      const r = await ctx.send({ kind: 'handoff', post_key: key, dms_closed: dmsClosed });
      // The core's refusal is already in the agent's words: shown as it is.
      if (!r || r.kind !== 'handoff') {
        m.status.textContent = (r && r.message) || "Can't move to private: no answer from Tactful";
        return;
      }
      const found = await composers.composerFor(key);
      if ('problem' in found) {
        const words = el('span', '', CANT_INSERT[found.problem]);
        m.status.replaceChildren(words);
        // The acknowledgement goes nowhere on the page; the agent can still take it.
        const copy = copyButton('Copy acknowledgement', r.plan.public_text, (said) => { words.textContent = said; });
        m.status.append(' ', copy);
        copy.focus();
        return;
      }
      /** @type {Route} */
      const route = r.plan.route;
      await editors.insertInto(found.editor, r.plan.public_text);
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
      // The core opens the composer it planned and logs the hand-off it planned.
      const done = await ctx.send({ kind: 'handoff_done', post_key: key });
      if (!done || done.kind !== 'handed_off') throw new Error((done && done.message) || 'no answer from Tactful');
      if (done.dm_error) throw new Error(`the acknowledgement is in the reply box, but ${done.dm_error}`);
      // Moved once the acknowledgement is published (the card is read again then).
      const lines = [`Acknowledgement in the reply box: press the site's Reply to post it; the post counts as moved once it is published. ${dm}`];
      if (r.tone.length) lines.push(`Tone: ${r.tone.join(' ')}`);
      if (done.log_error) lines.push(`Not logged in the CRM: ${done.log_error}`);
      m.status.replaceChildren(el('span', '', lines.join(' ')));
      if (r.plan.dm_text) m.status.append(el('bdi', 'dm', r.plan.dm_text));
      customers.load(key);
    } catch (e) {
      m.status.textContent = `Can't move to private: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      m.busy = false;
    }
  }

  return { attach, noteCustomer, moveFor };
}

/** @typedef {ReturnType<typeof createHandoff>} Handoff */
