// @ts-check
// Cards: each post's card, drawn after its text inside a closed shadow root, from what
// the core returned for it. The parts a customer post's card carries (suggestions,
// customer history, hand-off, triage badge, age) come from their own modules.
import { HOST_TAG, el } from '../dom.js';
import { sheet } from './style.js';

/** @typedef {import('../context.js').Card} Card */
/** @typedef {import('../context.js').Target} Target */
/** @typedef {import('../context.js').OverlayView} OverlayView */
/**
 * @typedef {object} CardParts
 * @property {import('./notice.js').Notice} notice
 * @property {import('./refresh.js').CardRefresh} refresh
 * @property {import('./triage-badges.js').TriageBadges} triage
 * @property {import('./suggestions.js').Suggestions} suggestions
 * @property {import('./customer-history.js').CustomerHistory} customers
 * @property {import('../handoff.js').Handoff} handoff
 */

/** @param {import('../context.js').Context} ctx @param {CardParts} parts */
export function createCards(ctx, { notice, refresh, triage, suggestions, customers, handoff }) {
  /** Shadow roots of our cards, to restyle when the page theme changes. @type {Set<ShadowRoot>} */
  const roots = new Set();

  /** @param {import('../context.js').Theme} t */
  function setTheme(t) {
    if (t === ctx.theme) return;
    ctx.theme = t;
    for (const root of roots) root.firstElementChild?.setAttribute('data-theme', t);
  }

  /** Draws one card after its post's text. @param {Card} card @param {Target | undefined} target */
  function mount(card, target) {
    if (!target || !target.element.isConnected) return;
    const host = document.createElement(HOST_TAG);
    const root = host.attachShadow({ mode: 'closed' });
    root.adoptedStyleSheets = [sheet];
    const box = el('div', 'card');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', `Tactful: ${card.label}`);
    box.setAttribute('data-theme', ctx.theme);
    box.title = card.label;
    const mark = el('span', 'mark', 'T');
    mark.setAttribute('aria-hidden', 'true');
    box.append(mark, el('bdi', 'name', card.author));
    if (card.handle) box.append(el('span', 'handle', card.handle));
    if (card.age) box.append(refresh.age(card.key, card.age, box));
    if (card.is_brand) box.append(el('span', 'badge', 'Your brand'));
    // Triage: priority 0–100 and why, in the order Alt+N walks.
    if (card.triage) box.append(...triage.badge(card.key, card.triage, box));
    const open = el('button', '', 'Open Tactful');
    open.setAttribute('type', 'button');
    const hint = el('span', 'hint');
    hint.setAttribute('role', 'status');
    open.addEventListener('click', async (e) => {
      if (!e.isTrusted) return; // only a person's click opens the panel
      const r = await ctx.send({ kind: 'open_panel' }).catch(() => null);
      hint.textContent = r && r.kind === 'ok' ? '' : (r && r.message) || 'Click the Tactful icon in the toolbar to open the panel.';
    });
    box.append(open, hint);
    root.append(box);
    if (!card.is_brand) {
      suggestions.attach(card.key, box, open, hint);
      customers.attach(card.key, box);
      handoff.attach(card.key, box, open);
      customers.load(card.key);
    }
    roots.add(root);
    const anchor = target.textEl && target.textEl.isConnected ? target.textEl : null;
    // Inside a web component (Reddit's shreddit-comment) only slotted children render:
    // join the text's slot.
    if (anchor && anchor.slot) host.slot = anchor.slot;
    if (anchor) anchor.after(host);
    else target.element.append(host);
    ctx.hosts.set(card.key, host);
  }

  /**
   * Draws the core's answer to read_page: its theme, the new posts' cards, and the
   * layout's status (a notice when the page can't be read).
   * @param {OverlayView} view @param {(key: string) => Target | undefined} targetOf
   */
  function draw(view, targetOf) {
    setTheme(view.theme);
    for (const card of view.cards) mount(card, targetOf(card.key));
    // A reply seen published: the post's card is read again (answered, or moved).
    for (const key of view.answered || []) customers.load(key);
    if (view.status.state === 'unreadable') notice.show(view.status.message);
    else notice.hide();
  }

  return { draw, fail: notice.show };
}
