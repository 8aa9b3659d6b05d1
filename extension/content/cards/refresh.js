// @ts-check
// Cards move on while the page stays open: their ages and priorities are asked for every
// minute the page is shown. Only cards near the viewport are redrawn (the minute's
// redraw of 2,000 cards was a 0.5 s frame); the others when the page comes to rest near
// them.
import { nearKeys, setAttr, setText } from '../dom.js';
import { whileShown } from '../schedule.js';

/** @typedef {import('../context.js').Card} Card */

/**
 * @param {import('../context.js').Context} ctx @param {import('../schedule.js').Stillness} still
 * @param {import('./triage-badges.js').TriageBadges} triage
 */
export function createCardRefresh(ctx, still, triage) {
  /** Each card's age, by post key. @type {Map<string, { age: HTMLElement, box: HTMLElement }>} */
  const ages = new Map();
  /** Cards far off screen at the last refresh: refreshed when they come near. @type {Set<string>} */
  const stale = new Set();
  /** Cards that came near since they went stale, to ask for together. @type {Set<string>} */
  const wanted = new Set();
  let refreshing = false;

  /** The age shown on a card, to move on. @param {string} key @param {string} text @param {HTMLElement} box */
  function age(key, text, box) {
    const age = document.createElement('span');
    age.className = 'age';
    age.textContent = text;
    ages.set(key, { age, box });
    return age;
  }

  /** The minute's refresh: every post's priority (for Alt+N), cards near the viewport redrawn. */
  async function refreshCards() {
    const all = new Set([...ages.keys(), ...triage.keys()]);
    if (!all.size) return;
    const keys = nearKeys(ctx.hosts, all);
    const r = await ctx.send({ kind: 'refresh_cards', keys, order: true }).catch(() => null);
    if (!r || r.kind !== 'cards') return;
    // The order Alt+N walks follows at once; what a card shows, when it is near.
    triage.reprioritise(r.order);
    still.whenStill(() => { for (const c of /** @type {Card[]} */ (r.cards)) redraw(c); });
    const drawn = new Set(keys);
    for (const k of all) if (!drawn.has(k)) stale.add(k);
  }

  /** Refreshes cards that came near. @param {string[]} keys */
  async function refreshNear(keys) {
    for (const k of keys) wanted.add(k);
    if (refreshing) return;
    refreshing = true;
    try {
      while (wanted.size) {
        const keys = [...wanted];
        wanted.clear();
        const r = await ctx.send({ kind: 'refresh_cards', keys, order: false }).catch(() => null);
        if (r && r.kind === 'cards') still.whenStill(() => { for (const c of /** @type {Card[]} */ (r.cards)) redraw(c); });
      }
    } finally {
      refreshing = false;
    }
  }

  /** Shows a refreshed card's age and priority (text changed only where it differs). @param {Card} c */
  function redraw(c) {
    const a = ages.get(c.key);
    if (a && c.age) {
      setText(a.age, c.age);
      setAttr(a.box, 'aria-label', `Tactful: ${c.label}`);
      setAttr(a.box, 'title', c.label);
    }
    triage.redraw(c);
  }

  whileShown(refreshCards);
  // The page came to rest: stale cards that are near now get refreshed.
  still.onStill({
    due: () => stale.size > 0,
    run: () => {
      const near = nearKeys(ctx.hosts, stale);
      for (const k of near) stale.delete(k);
      if (near.length) refreshNear(near);
    },
  });

  return { age };
}

/** @typedef {ReturnType<typeof createCardRefresh>} CardRefresh */
