// @ts-check
// Triage on the cards: each customer post's priority badge and reason, the order Alt+N
// walks (most urgent unanswered first), and posts the CRM shows answered leaving it.
import { el, setAttr, setText } from '../dom.js';

/** @typedef {import('../context.js').Triage} Triage */
/** @typedef {import('../context.js').Card} Card */
/** @typedef {import('../context.js').CustomerAnswer} CustomerAnswer */
/** @typedef {{ priority: number, box: HTMLElement, badge: HTMLElement, why: HTMLElement, answered: boolean }} Queued */

/** @param {import('../context.js').Context} ctx */
export function createTriageBadges(ctx) {
  /** Each customer post's priority and card, by post key. @type {Map<string, Queued>} */
  const queue = new Map();
  /** The post Alt+N last moved to. @type {string | null} */
  let queuedAt = null;

  /**
   * The badge and reason for a card (priority 0–100 and why), queued for Alt+N.
   * @param {string} key @param {Triage} t @param {HTMLElement} box @returns {HTMLElement[]}
   */
  function badge(key, t, box) {
    const badge = el('span', `triage${t.urgent ? ' urgent' : ''}`, String(t.priority));
    badge.setAttribute('role', 'img');
    badge.setAttribute('aria-label', `Priority ${t.priority} of 100${t.urgent ? ', urgent' : ''}: ${t.why}`);
    badge.title = t.why;
    const why = el('span', 'why', t.why);
    queue.set(key, { priority: t.priority, box, badge, why, answered: false });
    return [badge, why];
  }

  /** Shows a post answered (the core decided so from the CRM, and took it out of the
   * queue). @param {string} key */
  function markAnswered(key) {
    const q = queue.get(key);
    if (!q || q.answered) return;
    q.answered = true;
    q.badge.className = 'triage answered';
    q.badge.textContent = 'Answered';
    q.badge.setAttribute('aria-label', 'Answered');
    q.why.textContent = ''; // out of the queue: its reason to hurry no longer applies
  }

  /** A customer card arrived, saying whether the CRM shows this very post answered. @param {string} key @param {CustomerAnswer} r */
  function noteCustomer(key, r) {
    if (r.answered) markAnswered(key);
  }

  /**
   * Moves to the next (or previous) most urgent unanswered post on the page and focuses
   * its card. False when there is none.
   * @param {boolean} back
   */
  function step(back) {
    const order = [...queue.entries()].filter(([, q]) => !q.answered && q.box.isConnected).sort((a, b) => b[1].priority - a[1].priority).map(([k]) => k);
    if (!order.length) return false;
    const at = queuedAt ? order.indexOf(queuedAt) : -1;
    const next = back ? (at <= 0 ? order.length - 1 : at - 1) : (at + 1) % order.length;
    queuedAt = order[next];
    const q = /** @type {Queued} */ (queue.get(queuedAt));
    q.box.scrollIntoView({ block: 'center' });
    /** @type {HTMLElement | null} */ (q.box.querySelector('button'))?.focus();
    return true;
  }

  /** New priorities from a refresh: the order Alt+N walks follows at once. @param {Array<[string, number]>} order */
  function reprioritise(order) {
    for (const [k, priority] of order) {
      const q = queue.get(k);
      if (q && !q.answered) q.priority = priority;
    }
  }

  /** Shows a refreshed card's priority (changed only where it differs). @param {Card} c */
  function redraw(c) {
    const q = queue.get(c.key);
    if (!q || !c.triage || q.answered) return;
    const t = c.triage;
    setText(q.badge, String(t.priority));
    setAttr(q.badge, 'class', `triage${t.urgent ? ' urgent' : ''}`);
    setAttr(q.badge, 'aria-label', `Priority ${t.priority} of 100${t.urgent ? ', urgent' : ''}: ${t.why}`);
    setAttr(q.badge, 'title', t.why);
    setText(q.why, t.why);
  }

  return { badge, noteCustomer, step, reprioritise, redraw, keys: () => queue.keys() };
}

/** @typedef {ReturnType<typeof createTriageBadges>} TriageBadges */
