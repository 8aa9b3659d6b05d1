// @ts-check
// Tactful's content script: the thin glue between a social site's page and the Rust core
// in the service worker. It runs the site profile's selectors, sends the raw strings it
// read, and draws the cards the core returns inside closed shadow roots. It decides
// nothing itself, and never puts page text into HTML: every string goes in textContent.
// (It can't run the wasm core: x.com and facebook.com forbid wasm in content scripts.)
(() => {
  'use strict';

  /** @typedef {{ selector: string, attr?: string | null }} Field */
  /** @typedef {{ container: string, author_name: Field, handle: Field, text: Field, time: Field, permalink: Field }} PostSelectors */
  /** @typedef {{ id: string, name: string, post: PostSelectors, reply_editor: { selector: string, kind: string } }} SiteProfile */
  /** @typedef {{ key: string, author_name: string | null, handle: string | null, text: string | null, time: string | null, permalink: string | null }} RawPost */
  /** @typedef {{ key: string, author: string, handle: string | null, age: string | null, is_brand: boolean, label: string, triage?: { priority: number, urgent: boolean, why: string } | null }} Card */
  /** @typedef {{ state: 'ok' } | { state: 'unreadable', message: string }} LayoutStatus */
  /** @typedef {{ site_name: string, cards: Card[], status: LayoutStatus, theme: 'light' | 'dark' }} OverlayView */

  /** Quiet time after which "no posts" on a content page means the layout changed. */
  const SETTLE_MS = 3000;
  /** Tag of our host elements; what they show lives in a closed shadow root. */
  const HOST_TAG = 'tactful-overlay';

  /** @type {SiteProfile | null} */
  let profile = null;
  /** Post element -> key, so each post is read once. */
  const keys = new WeakMap();
  /** key -> { element, text element } for posts waiting for their card. */
  const pending = new Map();
  /** Shadow roots of our cards, to restyle when the page theme changes. */
  const roots = new Set();
  let nextKey = 1;
  let scanQueued = false;
  let sent = 0;
  let theme = 'light';
  /** @type {ShadowRoot | null} */
  let noticeRoot = null;

  const sheet = new CSSStyleSheet();
  // Constructed stylesheets are not blocked by the page's style-src CSP, and the
  // `:host` !important rules win over the page's own !important rules on our host.
  // Boxes inside a card keep square corners: a 2,000-comment thread shows thousands of
  // them, and rounded ones (any radius) more than doubled raster time while scrolling it
  // (tests/bench/triage_speed.mjs; Chromium's software raster).
  sheet.replaceSync(`
    :host { all: initial !important; display: block !important; position: static !important;
            visibility: visible !important; opacity: 1 !important; margin: 4px 0 !important; }
    :host([data-notice]) { position: fixed !important; top: 12px !important; right: 12px !important;
            z-index: 2147483647 !important; max-width: 420px !important; }
    .card { --bg: #f4f8f6; --fg: #14171a; --muted: #5b6670; --line: #b9d3c7; --accent: #0b6e4f; --brand: #6b3fa0;
            display: flex; flex-wrap: wrap; align-items: center; gap: 6px; box-sizing: border-box;
            font: 12px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
            background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 4px 8px; max-width: 100%; }
    .card[data-theme="dark"] { --bg: #10231c; --fg: #e7e9ea; --muted: #9aa5b1; --line: #2c5646; --accent: #3ddc97; --brand: #c8a2ff; }
    .mark { display: inline-grid; place-items: center; width: 16px; height: 16px;
            background: var(--accent); color: var(--bg); font-weight: 700; font-size: 11px; }
    .name { font-weight: 600; unicode-bidi: isolate; overflow-wrap: anywhere; }
    .handle, .age { color: var(--muted); }
    .badge { color: var(--brand); border: 1px solid var(--brand); padding: 0 6px; }
    .notice { border-color: #c0392b; }
    .suggestions { flex-basis: 100%; }
    .suggestion { display: grid; gap: 4px; padding: 6px 0; border-top: 1px solid var(--line); }
    .suggestion:last-child { border-bottom: 0; }
    .suggestion .why { color: var(--muted); font-size: 11px; }
    .suggestion .preview { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
    .suggestion input { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); padding: 1px 4px; }
    .suggestion .insert { justify-self: start; }
    button { font: inherit; color: var(--accent); background: none; border: 1px solid var(--line);
             padding: 1px 8px; cursor: pointer; }
    button:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
    .hint { color: var(--muted); }
    .customer { flex-basis: 100%; display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; border-top: 1px solid var(--line); padding-top: 4px; }
    .customer .ids, .customer .age { color: var(--muted); }
    .customer a { color: var(--accent); }
    .customer a:focus-visible { outline: 2px solid var(--accent); }
    .customer ul { flex-basis: 100%; margin: 0; padding: 0; list-style: none; display: grid; gap: 2px; }
    .customer li { display: flex; gap: 6px; }
    .customer li .text { unicode-bidi: isolate; overflow-wrap: anywhere; }
    .customer li.in .what { color: var(--brand); }
    .spark { stroke: var(--accent); fill: none; stroke-width: 1.5; }
    button.quiet { border-style: dashed; color: var(--muted); }
    .triage { font-weight: 700; border: 1px solid var(--line); padding: 0 4px; }
    .triage.urgent { color: var(--bg); background: #c0392b; border-color: #c0392b; }
    .triage.answered { font-weight: 400; color: var(--muted); }
    .why { color: var(--muted); font-size: 11px; }
    button.moved { color: var(--brand); border-color: var(--brand); cursor: default; }
    .handoff { flex-basis: 100%; display: grid; gap: 2px; }
    .handoff:empty { display: none; }
    .handoff .dm { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: isolate; border-left: 2px solid var(--line); padding-left: 6px; user-select: text; }
  `);

  /**
   * @param {object} msg
   * @returns {Promise<any>}
   */
  function send(msg) {
    return chrome.runtime.sendMessage(msg);
  }

  /**
   * The first element matching `field` that belongs to `container` itself, not to a post
   * nested inside it (comments inside a post, replies inside a comment).
   * @param {Element} container @param {Field} field
   */
  function pick(container, field) {
    if (!field.selector) return container;
    const posts = /** @type {SiteProfile} */ (profile).post.container;
    for (const el of container.querySelectorAll(field.selector)) {
      if (el.closest(posts) === container) return el;
    }
    return null;
  }

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

  /** @param {Element} container @param {Field} field */
  function read(container, field) {
    const el = pick(container, field);
    if (!el) return null;
    if (!field.attr) return textOf(el);
    // "data-urn|data-id": the first attribute the element has.
    for (const name of field.attr.split('|')) {
      const v = el.getAttribute(name);
      if (v !== null) return v;
    }
    return null;
  }

  /** The page's background colour, for the theme. */
  function background() {
    for (let el = /** @type {HTMLElement | null} */ (document.body); el; el = el.parentElement) {
      const bg = getComputedStyle(el).backgroundColor;
      if (bg && bg !== 'transparent' && !/,\s*0\)$/.test(bg)) return bg;
    }
    return '';
  }

  function scheduleScan() {
    if (scanQueued) return;
    scanQueued = true;
    setTimeout(scan, 0);
  }

  /** Reads posts that appeared since the last scan and asks the core for their cards. */
  async function scan() {
    scanQueued = false;
    if (!profile) return;
    const p = profile.post;
    /** @type {RawPost[]} */
    const batch = [];
    for (const el of document.querySelectorAll(p.container)) {
      if (keys.has(el)) continue;
      const key = `t${nextKey++}`;
      keys.set(el, key);
      pending.set(key, { element: el, textEl: pick(el, p.text) });
      batch.push({
        key,
        author_name: read(el, p.author_name),
        handle: read(el, p.handle),
        text: read(el, p.text),
        time: read(el, p.time),
        permalink: read(el, p.permalink),
      });
    }
    if (batch.length === 0) return;
    sent += batch.length;
    await report(batch, false);
  }

  /** @param {RawPost[]} posts @param {boolean} settled */
  async function report(posts, settled) {
    /** @type {any} */
    let resp;
    try {
      resp = await send({ kind: 'read_page', posts, settled, background: background() });
    } catch (e) {
      showNotice(`Tactful's background worker is not answering (${e instanceof Error ? e.message : e}). Reload the page to retry.`);
      return;
    }
    if (!resp || resp.kind !== 'overlay') {
      showNotice(resp && resp.message ? resp.message : 'Tactful could not read this page.');
      return;
    }
    /** @type {OverlayView} */
    const view = resp.view;
    setTheme(view.theme);
    for (const card of view.cards) mount(card);
    for (const post of posts) pending.delete(post.key);
    if (view.status.state === 'unreadable') showNotice(view.status.message);
    else hideNotice();
  }

  /** @param {string} t */
  function setTheme(t) {
    if (t === theme) return;
    theme = t;
    for (const root of roots) root.firstElementChild?.setAttribute('data-theme', t);
  }

  /**
   * @param {string} tag @param {string} cls @param {string} [text]
   * @returns {HTMLElement}
   */
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** Each customer post's "Suggest replies" button and list, by post key (for Alt+K). @type {Map<string, { button: HTMLElement, list: HTMLElement }>} */
  const suggestButtons = new Map();

  // Alt+K: suggestions for the post whose reply box has focus (else the first customer post).
  document.addEventListener('keydown', (e) => {
    if (!e.altKey || e.ctrlKey || e.metaKey || e.code !== 'KeyK') return;
    const active = document.activeElement;
    const key = active && profile && active.closest(profile.reply_editor.selector) ? postKeyFor(active) : null;
    // A reply box under the brand's own reply answers the customer's post: the first one.
    const found = (key && suggestButtons.get(key)) || [...suggestButtons.values()].find((b) => b.button.isConnected);
    if (!found || !found.button.isConnected) return;
    e.preventDefault();
    // Opens the list, or goes back into it when it is already open.
    if (found.list.hidden) found.button.click();
    else /** @type {HTMLElement | null} */ (found.list.querySelector('button.insert'))?.focus();
  }, true);

  /** Each post's customer-history section, by post key. @type {Map<string, HTMLElement>} */
  const customers = new Map();

  /** Posts whose customer card is wanted; cards near the viewport go first. */
  const wanted = new Set();
  /** Each card's host element, by post key. @type {Map<string, HTMLElement>} */
  const hosts = new Map();
  /** Cards far off screen at the last refresh: refreshed when they come near. @type {Set<string>} */
  const stale = new Set();

  /**
   * Those of `keys` whose card is within a screen of the viewport, read when needed (not
   * tracked: an IntersectionObserver on 2,000 cards cost 10 ms a frame while scrolling).
   * @param {Iterable<string>} keys
   */
  function nearKeys(keys) {
    const out = [];
    const h = innerHeight;
    for (const k of keys) {
      const host = hosts.get(k);
      if (!host || !host.isConnected) continue;
      const r = host.getBoundingClientRect();
      if (r.bottom > -h && r.top < 2 * h) out.push(k);
    }
    return out;
  }

  // While the page scrolls, cards don't change: each change costs a layout of the whole
  // thread (about 9 ms at 2,000 comments), so changes wait until scrolling stops.
  let lastScroll = 0;
  addEventListener('scroll', () => { lastScroll = performance.now(); }, { capture: true, passive: true });
  /** @type {Array<() => void>} */
  const still = [];
  let stillTimer = 0;
  /** Runs `change` (a DOM change to cards) once the page hasn't scrolled for a moment. @param {() => void} change */
  function whenStill(change) {
    still.push(change);
    if (!stillTimer) stillTimer = setTimeout(flushStill, 0);
  }
  // Scrolling stopped: stale cards that are near now get refreshed.
  addEventListener('scrollend', () => { if (stale.size && !stillTimer) stillTimer = setTimeout(flushStill, 0); }, { capture: true, passive: true });
  function flushStill() {
    const wait = lastScroll + 150 - performance.now();
    if (wait > 0) {
      stillTimer = setTimeout(flushStill, wait);
      return;
    }
    stillTimer = 0;
    for (const change of still.splice(0)) change();
    // Cards that went stale far away and are near now.
    if (stale.size) {
      const near = nearKeys(stale);
      for (const k of near) stale.delete(k);
      if (near.length) refreshNear(near);
    }
  }
  let looking = false;
  /** Cards asked for in one message: a page of them, without holding the worker long. */
  const CARDS_AT_ONCE = 100;

  /** Asks for the customer card of a post's author (batched with others) and draws it. @param {string} key */
  function loadCustomer(key) {
    const sec = customers.get(key);
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
        const keys = wanted.size > CARDS_AT_ONCE ? nearKeys(wanted).slice(0, CARDS_AT_ONCE) : [];
        const first = new Set(keys);
        for (const k of wanted) {
          if (keys.length >= CARDS_AT_ONCE) break;
          if (!first.has(k)) keys.push(k);
        }
        for (const k of keys) wanted.delete(k);
        const r = await send({ kind: 'customer_cards', post_keys: keys }).catch((e) => ({ kind: 'error', message: String(e) }));
        const cards = r.kind === 'customer_cards' ? r.cards : keys.map((k) => ({ post_key: k, error: r.message }));
        whenStill(() => { for (const c of cards) drawLookup(c); });
      }
    } finally {
      looking = false;
    }
  }

  /** One post's answer: its customer card, or why there is none. @param {any} r */
  function drawLookup(r) {
    const sec = customers.get(r.post_key);
    if (!sec) return;
    if (!r.card) {
      sec.replaceChildren(el('span', 'hint', `Customer history unavailable: ${r.error || 'no answer'}`));
      return;
    }
    drawCustomer(sec, r.card);
    if (r.note) sec.append(el('span', 'hint', r.note));
    for (const h of customerHooks) h(r.post_key, r);
    if (r.permalink && (r.card.answered || []).includes(r.permalink)) markAnswered(r.post_key);
  }

  /** Triage: each customer post's priority and card, by post key. @type {Map<string, { priority: number, box: HTMLElement, badge: HTMLElement, why: HTMLElement, answered: boolean }>} */
  const queue = new Map();
  /** The post Alt+N last moved to. @type {string | null} */
  let queuedAt = null;

  /** Marks a post answered (per the CRM): it leaves the queue. @param {string} key */
  function markAnswered(key) {
    const q = queue.get(key);
    if (!q || q.answered) return;
    q.answered = true;
    q.badge.className = 'triage answered';
    q.badge.textContent = 'Answered';
    q.badge.setAttribute('aria-label', 'Answered');
    q.why.textContent = ''; // out of the queue: its reason to hurry no longer applies
    send({ kind: 'mark_answered', post_key: key }).catch(() => {});
  }

  // Alt+N / Alt+Shift+N: the next / previous most urgent unanswered post on the page.
  document.addEventListener('keydown', (e) => {
    if (!e.altKey || e.ctrlKey || e.metaKey || e.code !== 'KeyN') return;
    const order = [...queue.entries()].filter(([, q]) => !q.answered && q.box.isConnected).sort((a, b) => b[1].priority - a[1].priority).map(([k]) => k);
    if (!order.length) return;
    e.preventDefault();
    const at = queuedAt ? order.indexOf(queuedAt) : -1;
    const next = e.shiftKey ? (at <= 0 ? order.length - 1 : at - 1) : (at + 1) % order.length;
    queuedAt = order[next];
    const q = /** @type {{ box: HTMLElement }} */ (queue.get(queuedAt));
    q.box.scrollIntoView({ block: 'center' });
    /** @type {HTMLElement | null} */ (q.box.querySelector('button'))?.focus();
  }, true);

  /** Other content scripts' additions to each customer post's card (handoff.js). @type {Array<(c: { key: string, box: HTMLElement, before: HTMLElement }) => void>} */
  const cardHooks = [];
  /** Called with each customer card answer. @type {Array<(key: string, r: any) => void>} */
  const customerHooks = [];

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

  /** Each card's age, to move on while the page stays open. @type {Map<string, { age: HTMLElement, box: HTMLElement }>} */
  const ages = new Map();

  /** Ages and priorities move on while the page is open: asked for every minute it is shown. */
  async function refreshCards() {
    if (document.visibilityState !== 'visible' || (!ages.size && !queue.size)) return;
    const all = new Set([...ages.keys(), ...queue.keys()]);
    const keys = nearKeys(all);
    const r = await send({ kind: 'refresh_cards', keys, order: true }).catch(() => null);
    if (!r || r.kind !== 'cards') return;
    // The order Alt+N walks follows at once; what a card shows, when it is near.
    for (const [k, priority] of r.order) {
      const q = queue.get(k);
      if (q && !q.answered) q.priority = priority;
    }
    whenStill(() => { for (const c of /** @type {Card[]} */ (r.cards)) redraw(c); });
    const drawn = new Set(keys);
    for (const k of all) if (!drawn.has(k)) stale.add(k);
  }

  /** Cards that came near since they went stale, to ask for together. @type {Set<string>} */
  const refreshWanted = new Set();
  let refreshing = false;

  /** Refreshes cards that came near. @param {string[]} keys */
  async function refreshNear(keys) {
    for (const k of keys) refreshWanted.add(k);
    if (refreshing) return;
    refreshing = true;
    try {
      while (refreshWanted.size) {
        const keys = [...refreshWanted];
        refreshWanted.clear();
        const r = await send({ kind: 'refresh_cards', keys, order: false }).catch(() => null);
        if (r && r.kind === 'cards') whenStill(() => { for (const c of /** @type {Card[]} */ (r.cards)) redraw(c); });
      }
    } finally {
      refreshing = false;
    }
  }

  /** Shows a refreshed card's age and priority (text changed only where it differs). @param {Card} c */
  function redraw(c) {
    const set = (/** @type {Element} */ e, /** @type {string} */ attr, /** @type {string} */ v) => { if (e.getAttribute(attr) !== v) e.setAttribute(attr, v); };
    const text = (/** @type {Element} */ e, /** @type {string} */ v) => { if (e.textContent !== v) e.textContent = v; };
    const a = ages.get(c.key);
    if (a && c.age) {
      text(a.age, c.age);
      set(a.box, 'aria-label', `Tactful: ${c.label}`);
      set(a.box, 'title', c.label);
    }
    const q = queue.get(c.key);
    if (q && c.triage && !q.answered) {
      const t = c.triage;
      text(q.badge, String(t.priority));
      set(q.badge, 'class', `triage${t.urgent ? ' urgent' : ''}`);
      set(q.badge, 'aria-label', `Priority ${t.priority} of 100${t.urgent ? ', urgent' : ''}: ${t.why}`);
      set(q.badge, 'title', t.why);
      text(q.why, t.why);
    }
  }
  setInterval(refreshCards, 60000);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') refreshCards(); });

  /** Draws one card after its post's text. @param {Card} card */
  function mount(card) {
    const target = pending.get(card.key);
    if (!target || !target.element.isConnected) return;
    const host = document.createElement(HOST_TAG);
    const root = host.attachShadow({ mode: 'closed' });
    root.adoptedStyleSheets = [sheet];
    const box = el('div', 'card');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', `Tactful: ${card.label}`);
    box.setAttribute('data-theme', theme);
    box.title = card.label;
    const mark = el('span', 'mark', 'T');
    mark.setAttribute('aria-hidden', 'true');
    box.append(mark, el('bdi', 'name', card.author));
    if (card.handle) box.append(el('span', 'handle', card.handle));
    if (card.age) {
      const age = el('span', 'age', card.age);
      box.append(age);
      ages.set(card.key, { age, box });
    }
    if (card.is_brand) box.append(el('span', 'badge', 'Your brand'));
    if (card.triage) {
      // Triage: priority 0–100 and why, in the order Alt+N walks.
      const t = card.triage;
      const badge = el('span', `triage${t.urgent ? ' urgent' : ''}`, String(t.priority));
      badge.setAttribute('role', 'img');
      badge.setAttribute('aria-label', `Priority ${t.priority} of 100${t.urgent ? ', urgent' : ''}: ${t.why}`);
      badge.title = t.why;
      const why = el('span', 'why', t.why);
      box.append(badge, why);
      queue.set(card.key, { priority: t.priority, box, badge, why, answered: false });
    }
    const open = el('button', '', 'Open Tactful');
    open.setAttribute('type', 'button');
    const hint = el('span', 'hint');
    hint.setAttribute('role', 'status');
    open.addEventListener('click', async () => {
      const r = await send({ kind: 'open_panel' }).catch(() => null);
      hint.textContent = r && r.kind === 'ok' ? '' : (r && r.message) || 'Click the Tactful icon in the toolbar to open the panel.';
    });
    box.append(open, hint);
    root.append(box);
    if (!card.is_brand) {
      const suggest = el('button', '', 'Suggest replies');
      suggest.setAttribute('type', 'button');
      suggest.setAttribute('aria-expanded', 'false');
      const list = el('div', 'suggestions');
      list.hidden = true;
      suggest.addEventListener('click', () => toggleSuggestions(card.key, suggest, list, hint));
      list.addEventListener('keydown', (e) => suggestionKeys(e, suggest, list));
      suggestButtons.set(card.key, { button: suggest, list });
      box.insertBefore(suggest, open);
      box.append(list);
      const customer = el('div', 'customer');
      customer.setAttribute('role', 'group');
      customer.setAttribute('aria-label', 'Customer history');
      customers.set(card.key, customer);
      box.append(customer);
      for (const h of cardHooks) h({ key: card.key, box, before: open });
      loadCustomer(card.key);
    }
    roots.add(root);
    const anchor = target.textEl && target.textEl.isConnected ? target.textEl : null;
    // Inside a web component (Reddit's shreddit-comment) only slotted children render:
    // join the text's slot.
    if (anchor && anchor.slot) host.slot = anchor.slot;
    if (anchor) anchor.after(host);
    else target.element.append(host);
    hosts.set(card.key, host);
  }

  /**
   * The reply box for a post: the one the page shows for it, else the page's only one.
   * @param {string} key @returns {HTMLElement | null}
   */
  function editorFor(key) {
    if (!profile) return null;
    const editors = /** @type {HTMLElement[]} */ ([...document.querySelectorAll(profile.reply_editor.selector)]);
    return editors.find((e) => postKeyFor(e) === key) || editors[0] || null;
  }

  /**
   * Puts text into the site's editor the way typing would (at the end of what is there),
   * so Draft.js, Lexical and Quill update their own state and undo works.
   * @param {HTMLElement} ed @param {string} text
   */
  async function insertInto(ed, text) {
    const kind = profile ? profile.reply_editor.kind : 'contenteditable';
    ed.focus();
    let atEnd = true;
    if (ed instanceof HTMLTextAreaElement) {
      // A textarea keeps its selection when it loses focus: use it if the agent was there.
      if (touched.has(ed)) atEnd = ed.selectionEnd === ed.value.length && ed.selectionStart === ed.selectionEnd;
      else ed.setSelectionRange(ed.value.length, ed.value.length);
    } else {
      const saved = lastRange.get(ed);
      /** @type {Range} */
      let r;
      if (saved && ed.contains(saved.startContainer) && ed.contains(saved.endContainer)) {
        // Where the agent left the caret, or what they selected (replaced).
        r = saved;
        atEnd = false;
      } else {
        // The caret goes at the end of the last text, or inside the last empty block
        // (Lexical's and Draft's empty "<p><br></p>"): editors ignore a caret between blocks.
        r = document.createRange();
        const walker = document.createTreeWalker(ed, NodeFilter.SHOW_TEXT);
        /** @type {Node | null} */
        let last = null;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.nodeValue) last = n;
        if (last) {
          r.setStart(last, (last.nodeValue || '').length);
        } else {
          /** @type {Node} */
          let block = ed;
          while (block.lastChild && block.lastChild.nodeType === Node.ELEMENT_NODE && block.lastChild.nodeName !== 'BR') block = block.lastChild;
          r.setStart(block, 0);
        }
        r.collapse(true);
      }
      // Draft and Lexical learn the selection from the (asynchronous) selectionchange
      // event, and only while they have focus. Clearing and setting the range marks a
      // change even when it is the range already shown, so the event comes: wait for it
      // (a busy page can run a timer first). Clearing and waiting before setting it again
      // lost the range in Chromium (text went to the start).
      const sel = getSelection();
      if (sel) {
        sel.removeAllRanges();
        sel.addRange(r);
        await nextSelectionChange(300);
      }
    }
    const before = ed instanceof HTMLTextAreaElement ? ed.value : ed.textContent || '';
    const sep = atEnd && before.trim() && !/\s$/.test(before) ? ' ' : '';
    await new Promise((r) => setTimeout(r, 0));
    const insert = INSERT[kind] || INSERT.contenteditable;
    insert(ed, sep + text);
  }

  /** Resolves on the next selectionchange event, or after `ms`. @param {number} ms @returns {Promise<void>} */
  function nextSelectionChange(ms) {
    return new Promise((resolve) => {
      const done = () => { document.removeEventListener('selectionchange', done); clearTimeout(timer); resolve(); };
      const timer = setTimeout(done, ms);
      document.addEventListener('selectionchange', done);
    });
  }

  /**
   * How text goes into each editor kind so the editor's own state takes it (and its undo
   * history). Draft.js ignores beforeinput and breaks on execCommand into an empty editor,
   * but handles a paste; the others take execCommand('insertText') like typing.
   * @type {Record<string, (ed: HTMLElement, text: string) => void>}
   */
  const INSERT = {
    draft(ed, text) {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      ed.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    },
    lexical: (_ed, text) => { document.execCommand('insertText', false, text); },
    quill: (_ed, text) => { document.execCommand('insertText', false, text); },
    textarea: (_ed, text) => { document.execCommand('insertText', false, text); },
    contenteditable: (_ed, text) => { document.execCommand('insertText', false, text); },
  };

  /** The agent's last caret or selection inside each reply box. @type {WeakMap<Element, Range>} */
  const lastRange = new WeakMap();
  /** Textareas the agent has been in. @type {WeakSet<Element>} */
  const touched = new WeakSet();
  document.addEventListener('focusin', (e) => {
    if (profile && e.target instanceof HTMLTextAreaElement && e.target.matches(profile.reply_editor.selector)) touched.add(e.target);
  }, true);
  /** Keeps the selection if it is in a reply box. */
  function keepSelection() {
    if (!profile) return;
    const sel = getSelection();
    if (!sel || !sel.rangeCount) return;
    const r = sel.getRangeAt(0);
    const node = r.startContainer instanceof Element ? r.startContainer : r.startContainer.parentElement;
    const ed = node && node.closest(profile.reply_editor.selector);
    if (ed) lastRange.set(ed, r.cloneRange());
  }
  document.addEventListener('selectionchange', () => {
    if (!profile) return;
    const active = document.activeElement;
    if (active instanceof HTMLTextAreaElement && active.matches(profile.reply_editor.selector)) touched.add(active);
    keepSelection();
  });
  // selectionchange comes later than the key that changed the selection: when Alt+K moves
  // focus right after Ctrl+A, the selection is kept as focus leaves the box.
  document.addEventListener('focusout', keepSelection, true);

  /**
   * Shows (or hides) the suggested replies for a post under its card.
   * @param {string} key @param {HTMLElement} button @param {HTMLElement} list @param {HTMLElement} hint
   */
  async function toggleSuggestions(key, button, list, hint) {
    if (!list.hidden) {
      closeList(button, list);
      return;
    }
    list.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    list.replaceChildren(el('p', 'hint', 'Finding replies…'));
    /** @type {any} */
    const r = await send({ kind: 'suggest', post_key: key }).catch((e) => ({ kind: 'error', message: String(e) }));
    if (!r || r.kind !== 'suggestions') {
      list.replaceChildren(el('p', 'hint', (r && r.message) || 'Tactful could not suggest replies.'));
      return;
    }
    if (r.items.length === 0) {
      list.replaceChildren(el('p', 'hint', 'No saved reply matches this post.'));
      return;
    }
    list.replaceChildren(...r.items.map((/** @type {any} */ item, /** @type {number} */ i) => suggestionRow(key, item, i, hint)));
    /** @type {HTMLElement | null} */ (list.querySelector('button'))?.focus();
  }

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

  /** One suggestion: title, why, preview, and insert (asking for missing values first). */
  function suggestionRow(/** @type {string} */ key, /** @type {any} */ item, /** @type {number} */ i, /** @type {HTMLElement} */ hint) {
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
    insert.addEventListener('click', async () => {
      let text = item.text;
      if (!text) {
        /** @type {Record<string, string>} */
        const given = {};
        for (const input of inputs) given[input.dataset.name || ''] = input.value;
        /** @type {any} */
        const r = await send({ kind: 'suggest', post_key: key, given }).catch(() => null);
        const again = r && r.kind === 'suggestions' ? r.items.find((/** @type {any} */ x) => x.id === item.id) : null;
        if (!again || !again.text) {
          hint.textContent = again ? `Tactful needs: ${again.missing.map((/** @type {any} */ m) => m.label).join(', ')}` : 'Tactful could not fill this reply.';
          return;
        }
        text = again.text;
      }
      const ed = editorFor(key);
      if (!ed) {
        hint.textContent = 'Open the reply box first, then insert.';
        return;
      }
      await insertInto(ed, text);
      hint.textContent = 'Inserted. Review it, then send with the site’s own button.';
      send({ kind: 'picked', id: item.id }).catch(() => {});
      // Logged in the CRM with the customer's post; the card then shows it.
      send({ kind: 'log_interaction', post_key: key, action: 'suggestion_used', text }).then(() => loadCustomer(key), () => {});
    });
    row.append(insert);
    return row;
  }

  /** A page-level message (layout changed, worker down), never silent. @param {string} message */
  function showNotice(message) {
    if (!noticeRoot) {
      const host = document.createElement(HOST_TAG);
      host.setAttribute('data-notice', '');
      noticeRoot = host.attachShadow({ mode: 'closed' });
      noticeRoot.adoptedStyleSheets = [sheet];
      (document.body || document.documentElement).append(host);
    }
    const box = el('div', 'card notice');
    box.setAttribute('role', 'alert');
    box.setAttribute('data-theme', theme);
    const mark = el('span', 'mark', 'T');
    mark.setAttribute('aria-hidden', 'true');
    const close = el('button', '', 'Dismiss');
    close.setAttribute('type', 'button');
    close.addEventListener('click', hideNotice);
    box.append(mark, el('span', 'msg', message), close);
    noticeRoot.replaceChildren(box);
  }

  function hideNotice() {
    noticeRoot?.replaceChildren();
  }

  /**
   * The post a reply box answers: the post that encloses it, else the nearest post
   * before it on the page. @param {Element} target @returns {string | null}
   */
  function postKeyFor(target) {
    if (!profile) return null;
    const sel = profile.post.container;
    const enclosing = target.closest(sel);
    if (enclosing && keys.has(enclosing)) return keys.get(enclosing);
    let best = null;
    for (const el of document.querySelectorAll(sel)) {
      if (el.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING) best = el;
      else break;
    }
    return best ? keys.get(best) ?? null : null;
  }

  /** @type {(p: SiteProfile | null) => void} */
  let profileReady = () => {};
  // What tone.js (the draft checker, a second content script) shares with this one.
  // Content-script globals live in Tactful's isolated world: the page can't see them.
  /** @type {any} */ (globalThis).tactfulShared = {
    profile: new Promise((r) => { profileReady = r; }),
    send,
    sheet,
    theme: () => theme,
    postKeyFor,
    el,
    editorFor,
    insertInto,
    loadCustomer,
    onCard: (/** @type {(c: { key: string, box: HTMLElement, before: HTMLElement }) => void} */ f) => cardHooks.push(f),
    onCustomer: (/** @type {(key: string, r: any) => void} */ f) => customerHooks.push(f),
  };

  async function start() {
    /** @type {any} */
    let resp;
    try {
      resp = await send({ kind: 'profile_for' });
    } catch {
      profileReady(null);
      return; // extension reloaded or disabled: nothing to draw on
    }
    if (!resp || resp.kind !== 'profile' || !resp.profile) {
      profileReady(null);
      return;
    }
    profile = resp.profile;
    profileReady(profile);
    new MutationObserver((records) => {
      // Our own cards being added must not trigger another scan.
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (n.nodeType === Node.ELEMENT_NODE && n.nodeName !== HOST_TAG.toUpperCase()) return scheduleScan();
        }
      }
    }).observe(document, { childList: true, subtree: true });
    scheduleScan();
    setTimeout(() => {
      if (sent === 0) report([], true);
    }, SETTLE_MS);
  }

  start();
})();
