// @ts-check
// Suggested replies on a customer post's card: the core ranks the knowledge base's
// replies for the post; the agent fills any missing values and inserts one into the
// post's reply box (or, when Tactful can't tell which box that is, copies it).
import { el } from '../dom.js';
import { copyButton } from '../editors.js';

/** @typedef {import('../composers.js').EditorProblem} EditorProblem */

/** What the agent is told when a reply can't be inserted, by why. @type {Record<EditorProblem, string>} */
const CANT_INSERT = {
  missing: "This post has no reply box open and Tactful can't find its Reply button, so it inserted nothing. Copy the reply into this post's reply box yourself.",
  unopened: "Tactful pressed this post's Reply, but no reply box it can tie to this post opened, so it inserted nothing. Copy the reply into this post's reply box yourself.",
  ambiguous: "Tactful can't tell which reply box on this page belongs to this post, so it inserted nothing. Copy the reply into this post's reply box yourself, or close the other reply boxes and insert again.",
};

/** Closes a suggestion list (emptied: it is fetched fresh when opened again). @param {HTMLElement} button @param {HTMLElement} list */
function closeList(button, list) {
  list.hidden = true;
  list.replaceChildren();
  button.setAttribute('aria-expanded', 'false');
}

/**
 * Keys in an open suggestion list: arrows move between suggestions, Enter inserts the
 * focused one (a button), Escape closes the list and returns to its button.
 * @param {KeyboardEvent} e @param {HTMLElement} button @param {HTMLElement} list
 */
function suggestionKeys(e, button, list) {
  const inserts = /** @type {HTMLElement[]} */ ([...list.querySelectorAll('button.insert')]);
  const root = list.getRootNode();
  const at = inserts.findIndex((b) => root instanceof ShadowRoot && b.closest('.suggestion')?.contains(root.activeElement));
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    const next = inserts[(at + (e.key === 'ArrowDown' ? 1 : inserts.length - 1)) % inserts.length];
    next?.focus();
  } else if (e.key === 'Escape') {
    e.preventDefault();
    closeList(button, list);
    button.focus();
  }
  e.stopPropagation(); // the site's own shortcuts don't see keys meant for the list
}

/**
 * @param {import('../context.js').Context} ctx @param {import('../editors.js').Editors} editors @param {import('../composers.js').Composers} composers
 * @param {import('./customer-history.js').CustomerHistory} customers
 */
export function createSuggestions(ctx, editors, composers, customers) {
  /** Each customer post's "Suggest replies" button and list, by post key (for Alt+K). @type {Map<string, { button: HTMLElement, list: HTMLElement, toggle: () => void }>} */
  const buttons = new Map();

  /**
   * Adds "Suggest replies" (before `before`) and its list to a customer post's card.
   * @param {string} key @param {HTMLElement} box @param {HTMLElement} before @param {HTMLElement} hint
   */
  function attach(key, box, before, hint) {
    const suggest = el('button', '', 'Suggest replies');
    suggest.setAttribute('type', 'button');
    suggest.setAttribute('aria-expanded', 'false');
    const list = el('div', 'suggestions');
    list.hidden = true;
    // Only a person's clicks and keys act (a page script can dispatch them: isTrusted false).
    suggest.addEventListener('click', (e) => { if (e.isTrusted) toggle(key, suggest, list, hint); });
    list.addEventListener('keydown', (e) => { if (e.isTrusted) suggestionKeys(e, suggest, list); });
    buttons.set(key, { button: suggest, list, toggle: () => toggle(key, suggest, list, hint) });
    box.insertBefore(suggest, before);
    box.append(list);
  }

  /**
   * Alt+K: opens the suggestions of post `key` (else of the first customer post on the
   * page), or goes back into them when they are open. False when there are none.
   * @param {string | null} key
   */
  function open(key) {
    // A reply box under the brand's own reply answers the customer's post: the first one.
    const found = (key && buttons.get(key)) || [...buttons.values()].find((b) => b.button.isConnected);
    if (!found || !found.button.isConnected) return false;
    // Called directly: a click Tactful dispatched itself would be untrusted, and ignored.
    if (found.list.hidden) found.toggle();
    else /** @type {HTMLElement | null} */ (found.list.querySelector('button.insert'))?.focus();
    return true;
  }

  /**
   * Shows (or hides) the suggested replies for a post under its card.
   * @param {string} key @param {HTMLElement} button @param {HTMLElement} list @param {HTMLElement} hint
   */
  async function toggle(key, button, list, hint) {
    if (!list.hidden) {
      closeList(button, list);
      return;
    }
    list.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    list.replaceChildren(el('p', 'hint', 'Finding replies…'));
    /** @type {any} */
    const r = await ctx.send({ kind: 'suggest', post_key: key }).catch((e) => ({ kind: 'error', message: String(e) }));
    if (!r || r.kind !== 'suggestions') {
      list.replaceChildren(el('p', 'hint', (r && r.message) || 'Tactful could not suggest replies.'));
      return;
    }
    if (r.items.length === 0) {
      list.replaceChildren(el('p', 'hint', 'No saved reply matches this post.'));
      return;
    }
    list.replaceChildren(...r.items.map((/** @type {any} */ item, /** @type {number} */ i) => row(key, item, i, hint)));
    /** @type {HTMLElement | null} */ (list.querySelector('button'))?.focus();
  }

  /** One suggestion: title, why, preview, and insert (asking for missing values first). */
  function row(/** @type {string} */ key, /** @type {any} */ item, /** @type {number} */ i, /** @type {HTMLElement} */ hint) {
    const row = el('div', 'suggestion');
    row.setAttribute('role', 'group');
    row.setAttribute('aria-label', `Suggestion ${i + 1}: ${item.title}`);
    const why = item.matched.length ? `matches ${item.matched.slice(0, 5).join(', ')}` : '';
    row.append(el('strong', 'title', item.title), el('span', 'why', why));
    if (item.text) row.append(el('p', 'preview', item.text));
    /** @type {HTMLInputElement[]} */
    const inputs = [];
    for (const m of item.missing) {
      const label = el('label', 'var', `${m.label} `);
      const input = /** @type {HTMLInputElement} */ (el('input', ''));
      input.value = m.guess || '';
      input.dataset.name = m.name;
      input.setAttribute('aria-label', m.label);
      label.append(input);
      row.append(label);
      inputs.push(input);
    }
    const insert = el('button', 'insert', item.missing.length ? 'Fill and insert' : 'Insert');
    insert.setAttribute('type', 'button');
    /** @type {HTMLElement | null} */
    let copy = null;
    insert.addEventListener('click', async (e) => {
      if (!e.isTrusted) return;
      let text = item.text;
      /** What the agent typed for details the post didn't give. @type {Record<string, string>} */
      const given = {};
      if (!text) {
        for (const input of inputs) given[input.dataset.name || ''] = input.value;
        /** @type {any} */
        const r = await ctx.send({ kind: 'suggest', post_key: key, given }).catch(() => null);
        const again = r && r.kind === 'suggestions' ? r.items.find((/** @type {any} */ x) => x.id === item.id) : null;
        if (!again || !again.text) {
          hint.textContent = again ? `Tactful needs: ${again.missing.map((/** @type {any} */ m) => m.label).join(', ')}` : 'Tactful could not fill this reply.';
          return;
        }
        text = again.text;
      }
      const found = await composers.composerFor(key);
      if ('problem' in found) {
        hint.textContent = CANT_INSERT[found.problem];
        // The reply goes nowhere on the page; the agent can still take it.
        const offer = copyButton('Copy reply', text, (words) => { hint.textContent = words; });
        if (copy) copy.replaceWith(offer);
        else insert.after(offer);
        copy = offer;
        offer.focus();
        return;
      }
      await editors.insertInto(found.editor, text);
      hint.textContent = 'Inserted. Review it, then send with the site’s own button: the post counts as answered once the reply is published.';
      // The worker learns from the pick and logs the text it fills itself with the
      // customer's post; the card then shows it.
      ctx.send({ kind: 'suggestion_used', post_key: key, id: item.id, given }).then(() => customers.load(key), () => {});
    });
    row.append(insert);
    return row;
  }

  return { attach, open };
}

/** @typedef {ReturnType<typeof createSuggestions>} Suggestions */
