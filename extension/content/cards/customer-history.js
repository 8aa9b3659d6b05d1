// @ts-check
// Each customer post's history section: the customer card the core builds from the CRM
// (summary, identities, sentiment over time, open tickets, recent interactions), asked
// for a page of posts at a time, nearby posts first, and drawn once the page is still.
import { el, nearKeys } from '../dom.js';

/** @typedef {import('../context.js').CustomerAnswer} CustomerAnswer */

/** Cards asked for in one message: a page of them, without holding the worker long. */
const CARDS_AT_ONCE = 100;

/** Sentiment over time as a small line (-1 bottom, +1 top). @param {number[]} values */
function sparkline(values) {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  const w = 80, h = 18;
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(h));
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('role', 'img');
  const word = (/** @type {number} */ v) => (v <= -0.05 ? 'negative' : v >= 0.05 ? 'positive' : 'neutral');
  svg.setAttribute('aria-label', `Sentiment over time: ${word(values[0])} to ${word(values[values.length - 1])}`);
  const line = document.createElementNS(NS, 'polyline');
  line.setAttribute('class', 'spark');
  line.setAttribute('points', values.map((v, i) => `${((i / (values.length - 1)) * (w - 2) + 1).toFixed(1)},${((1 - (v + 1) / 2) * (h - 2) + 1).toFixed(1)}`).join(' '));
  svg.append(line);
  return svg;
}

/** @param {HTMLElement} sec @param {any} c */
function drawCustomer(sec, c) {
  sec.replaceChildren(el('span', 'summary', c.summary));
  if (c.identities.length) sec.append(el('span', 'ids', c.identities.join(' · ')));
  if (c.sentiment.length > 1) sec.append(sparkline(c.sentiment));
  for (const t of c.open_tickets) {
    const a = /** @type {HTMLAnchorElement} */ (el('a', 'ticket', `${t.subject} (${t.status})`));
    // The core passes only http(s) links.
    if (t.link) { a.href = t.link; a.target = '_blank'; a.rel = 'noopener noreferrer'; }
    sec.append(a);
  }
  if (c.recent.length) {
    const ul = el('ul', 'recent');
    for (const r of c.recent) {
      const li = el('li', r.from_customer ? 'in' : 'out');
      li.append(el('span', 'age', r.age), el('span', 'what', r.what), el('bdi', 'text', r.text));
      ul.append(li);
    }
    sec.append(ul);
  }
}

/** @param {import('../context.js').Context} ctx @param {import('../schedule.js').Stillness} still */
export function createCustomerHistory(ctx, still) {
  /** Each post's customer-history section, by post key. @type {Map<string, HTMLElement>} */
  const sections = new Map();
  /** Posts whose customer card is wanted; cards near the viewport go first. @type {Set<string>} */
  const wanted = new Set();
  let looking = false;
  /** Told of each customer card drawn (the hand-off's and triage's marks). @type {Array<(key: string, r: CustomerAnswer) => void>} */
  const listeners = [];

  /** Adds the (empty) history section to a customer post's card. @param {string} key @param {HTMLElement} box */
  function attach(key, box) {
    const customer = el('div', 'customer');
    customer.setAttribute('role', 'group');
    customer.setAttribute('aria-label', 'Customer history');
    sections.set(key, customer);
    box.append(customer);
  }

  /** Asks for the customer card of a post's author (batched with others) and draws it. @param {string} key */
  function load(key) {
    const sec = sections.get(key);
    if (!sec) return;
    if (!sec.firstChild) sec.append(el('span', 'hint', 'Looking up the customer…'));
    wanted.add(key);
    if (!looking) lookUp();
  }

  /** Sends the wanted keys, nearby ones first, one message at a time; draws each answer in one go. */
  async function lookUp() {
    looking = true;
    try {
      await Promise.resolve(); // the cards mounted in this task join the first message
      while (wanted.size) {
        const keys = wanted.size > CARDS_AT_ONCE ? nearKeys(ctx.hosts, wanted).slice(0, CARDS_AT_ONCE) : [];
        const first = new Set(keys);
        for (const k of wanted) {
          if (keys.length >= CARDS_AT_ONCE) break;
          if (!first.has(k)) keys.push(k);
        }
        for (const k of keys) wanted.delete(k);
        const r = await ctx.send({ kind: 'customer_cards', post_keys: keys }).catch((e) => ({ kind: 'error', message: String(e) }));
        /** @type {CustomerAnswer[]} */
        const cards = r.kind === 'customer_cards' ? r.cards : keys.map((k) => ({ post_key: k, error: r.message }));
        still.whenStill(() => { for (const c of cards) drawAnswer(c); });
      }
    } finally {
      looking = false;
    }
  }

  /** One post's answer: its customer card, or why there is none. @param {CustomerAnswer} r */
  function drawAnswer(r) {
    const sec = sections.get(r.post_key);
    if (!sec) return;
    if (!r.card) {
      sec.replaceChildren(el('span', 'hint', `Customer history unavailable: ${r.error || 'no answer'}`));
      return;
    }
    drawCustomer(sec, r.card);
    if (r.note) sec.append(el('span', 'hint', r.note));
    for (const f of listeners) f(r.post_key, r);
  }

  return {
    attach,
    load,
    /** Calls `f` with each customer card drawn. @param {(key: string, r: CustomerAnswer) => void} f */
    onAnswer(f) { listeners.push(f); },
  };
}

/** @typedef {ReturnType<typeof createCustomerHistory>} CustomerHistory */
