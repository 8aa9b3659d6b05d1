// @ts-check
// The tone layer (Tactful's draft checker). As the agent types in the site's reply box it
// sends the draft to the core, then underlines what the core found in an overlay drawn
// over the editor (never inside the editor's DOM, which Draft.js and Lexical own), with a
// card per finding and a summary chip. Fixes are applied through the editor's own input
// handling (select, then insertText), so the editor's state and its undo stack stay right.
import { HOST_TAG } from '../dom.js';

/** What the chip must never cover: the page's controls and text boxes. */
const CONTROLS = 'button, [role="button"], a[href], input, select, textarea, [contenteditable="true"], [contenteditable=""], [role="textbox"]';
import { sheet } from './style.js';
import { readEditor, domRange, rects as textRects } from './draft-text.js';

/** @typedef {{ start: number, end: number }} Span */
/** @typedef {{ label: string, span: Span, text: string }} Fix */
/** @typedef {{ rule: string, category: string, severity: 'hint' | 'warning' | 'critical', message: string, fixes: Fix[], span16: Span, fixes16: Span[] }} PageFinding */
/** @typedef {{ used: number, max: number }} LengthCount */
/** @typedef {import('./draft-text.js').Editor} Editor */

/** @param {import('../context.js').Context} ctx @param {import('../composers.js').Composers} composers */
export function createToneLayer(ctx, composers) {
  /** @type {Editor | null} */
  let editor = null;
  /** @type {PageFinding[]} */
  let findings = [];
  /** @type {LengthCount | null} */
  let length = null;
  let platform = '';
  let checkedText = '';
  let inflight = false;
  let dirty = false;
  /** When the draft last changed, for the keystroke-to-underline figure. */
  let changedAt = 0;
  let current = -1;
  /** Keystroke-to-underline times, read by tests/bench/tone.mjs through DevTools. */
  const stats = { keyToUnderline: /** @type {number[]} */ ([]) };

  const host = document.createElement(HOST_TAG);
  host.setAttribute('data-tone', '');
  const root = host.attachShadow({ mode: 'closed' });
  root.adoptedStyleSheets = [sheet];
  const layer = document.createElement('div');
  layer.className = 'layer';
  const chip = document.createElement('button');
  chip.className = 'chip';
  chip.type = 'button';
  chip.hidden = true;
  const card = document.createElement('div');
  card.className = 'tip';
  card.setAttribute('role', 'dialog');
  card.setAttribute('aria-label', 'Tactful tone check');
  card.hidden = true;
  const mirror = document.createElement('div');
  mirror.className = 'mirror';
  root.append(layer, chip, card, mirror);

  /** @param {Editor} ed @param {number} start @param {number} end */
  const rects = (ed, start, end) => textRects(ed, start, end, mirror);
  const n = () => findings.length;

  /** The editor an event came from, if it is the site's reply box. @param {EventTarget | null} t */
  function editorOf(t) {
    return /** @type {Editor | null} */ (composers.editorOf(t));
  }

  // No debounce: a check takes well under a millisecond in the core, so every change is
  // checked at once; changes made while a check is in flight are coalesced into one more.
  function schedule() {
    if (inflight) dirty = true;
    else check();
  }

  /** @returns {Promise<void>} */
  async function check() {
    if (!editor || !editor.isConnected) return;
    inflight = true;
    dirty = false;
    const { text } = readEditor(editor);
    /** @type {any} */
    let resp = null;
    try {
      const owner = composers.ownerOf(editor);
      resp = await ctx.send({ kind: 'check_draft', text, post_key: owner === 'ambiguous' ? null : owner });
    } catch {
      resp = null;
    }
    inflight = false;
    if (dirty) return check(); // the draft moved on while we waited
    if (!resp || resp.kind !== 'tone') return;
    checkedText = text;
    findings = resp.findings;
    length = resp.length;
    platform = resp.platform;
    if (current >= findings.length) current = -1;
    draw();
    stats.keyToUnderline.push(performance.now() - changedAt);
    if (stats.keyToUnderline.length > 200) stats.keyToUnderline.shift();
  }

  /** Redraws underlines and the chip from the last check (after typing, scrolling, resizing). */
  function draw() {
    if (!editor || !editor.isConnected || readEditor(editor).text !== checkedText) {
      // Nothing to show: touch nothing (a scroll through a long thread with no draft
      // open must not restyle the page every frame).
      if (layer.firstChild) layer.replaceChildren();
      if (!chip.hidden) chip.hidden = true;
      return;
    }
    layer.replaceChildren();
    card.setAttribute('data-theme', ctx.theme);
    chip.setAttribute('data-theme', ctx.theme);
    findings.forEach((f, i) => {
      for (const r of rects(/** @type {Editor} */ (editor), f.span16.start, f.span16.end)) {
        if (r.width === 0) continue;
        const u = document.createElement('div');
        u.className = `u ${f.severity}${i === current ? ' current' : ''}`;
        u.style.left = `${r.left + scrollX}px`;
        u.style.top = `${r.bottom + scrollY - 1}px`;
        u.style.width = `${r.width}px`;
        layer.append(u);
      }
    });
    const box = editor.getBoundingClientRect();
    const count = length ? ` · ${length.used}/${length.max}` : '';
    chip.textContent = `${n() === 0 ? 'No issues' : n() === 1 ? '1 issue' : `${n()} issues`}${count}`;
    chip.classList.toggle('over', !!length && length.used > length.max);
    chip.setAttribute('aria-label', `Tactful: ${chip.textContent}. ${platform} limit ${length ? length.max : ''}. Alt+J goes to the next issue.`);
    chip.hidden = false;
    placeChip(box);
  }

  /**
   * Puts the chip against a free edge of the reply box: the first of above-right,
   * below-right, below-left, above-left, right that is on screen and covers none of the
   * page's controls (the site's send button sits below-right on most sites) nor the draft.
   * @param {DOMRect} box
   */
  function placeChip(box) {
    const w = chip.offsetWidth || 150;
    const h = chip.offsetHeight || 24;
    const spots = [
      [box.right - w, box.top - h - 4],
      [box.right - w, box.bottom + 4],
      [box.left, box.bottom + 4],
      [box.left, box.top - h - 4],
      [box.right + 4, box.top],
    ];
    const free = spots.find(([x, y]) => isFree(x, y, w, h)) || spots[1];
    chip.style.left = `${free[0] + scrollX}px`;
    chip.style.top = `${free[1] + scrollY}px`;
  }

  /** Whether a w×h box at (x, y) in the viewport is on screen and over no control of the page. @param {number} x @param {number} y @param {number} w @param {number} h */
  function isFree(x, y, w, h) {
    if (x < 0 || y < 0 || x + w > innerWidth || y + h > innerHeight) return false;
    for (const [px, py] of [[x + 1, y + 1], [x + w - 1, y + 1], [x + 1, y + h - 1], [x + w - 1, y + h - 1], [x + w / 2, y + h / 2]]) {
      // The topmost element of the page's own there (Tactful's hosts are skipped).
      const top = document.elementsFromPoint(px, py).find((e) => e.localName !== HOST_TAG);
      if (top && top.closest(CONTROLS)) return false;
    }
    return true;
  }

  /** Shows the card for finding `i`, under its first line. @param {number} i @param {boolean} focus */
  function openCard(i, focus) {
    const f = findings[i];
    if (!f || !editor) return;
    current = i;
    draw();
    const r = rects(editor, f.span16.start, f.span16.end)[0] || editor.getBoundingClientRect();
    const rule = document.createElement('div');
    rule.className = 'rule';
    rule.textContent = `${f.category.replace('_', ' ')} · ${f.severity}`;
    const msg = document.createElement('p');
    msg.textContent = f.message;
    const row = document.createElement('div');
    row.className = 'row';
    f.fixes.forEach((fix, k) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = fix.label;
      // Only a person's click applies a fix (a page script can dispatch clicks).
      b.addEventListener('click', (e) => { if (e.isTrusted) applyFix(f.fixes16[k], fix.text); });
      row.append(b);
    });
    const next = document.createElement('button');
    next.type = 'button';
    next.textContent = n() > 1 ? 'Next issue (Alt+J)' : 'Close';
    next.addEventListener('click', (e) => { if (e.isTrusted) (n() > 1 ? openCard((i + 1) % n(), true) : closeCard(true)); });
    row.append(next);
    card.replaceChildren(rule, msg, row);
    card.style.left = `${Math.max(4, r.left + scrollX)}px`;
    card.style.top = `${r.bottom + scrollY + 6}px`;
    card.hidden = false;
    if (focus) /** @type {HTMLElement | null} */ (row.firstElementChild)?.focus();
  }

  /** @param {boolean} refocus */
  function closeCard(refocus) {
    card.hidden = true;
    current = -1;
    draw();
    if (refocus) editor?.focus();
  }

  /**
   * Replaces [span) with `text` the way typing would: select it in the editor, then
   * insertText (or delete), so Draft.js, Lexical and Quill update their own state and
   * the change can be undone. @param {Span} span @param {string} text
   */
  async function applyFix(span, text) {
    const ed = editor;
    if (!ed) return;
    ed.focus();
    if (ed instanceof HTMLTextAreaElement) {
      ed.setSelectionRange(span.start, span.end);
    } else {
      const sel = getSelection();
      if (!sel) return;
      sel.removeAllRanges();
      sel.addRange(domRange(ed, span.start, span.end));
    }
    // Lexical reads the selection on the (asynchronous) selectionchange event: let it.
    await new Promise((r) => setTimeout(r, 0));
    if (text) document.execCommand('insertText', false, text);
    else if (span.end > span.start) document.execCommand('delete');
    closeCard(false);
    check();
  }

  /** The draft changed (typed, pasted, or set by the editor itself). */
  function changed() {
    changedAt = performance.now();
    card.hidden = true;
    layer.replaceChildren(); // stale underlines would point at the wrong words
    schedule();
  }

  // Lexical and Draft.js cancel many native input events and write the DOM themselves,
  // so the DOM, not the input event, is what tells us the draft changed.
  const watched = new WeakSet();
  const observer = new MutationObserver(() => changed());
  /** @param {Editor} ed */
  function watch(ed) {
    editor = ed;
    if (watched.has(ed)) return;
    watched.add(ed);
    observer.observe(ed, { childList: true, subtree: true, characterData: true });
  }

  /**
   * Alt+J: the next issue's card, from the reply box or from the card itself. False when
   * the key wasn't pressed there or the draft has no issues.
   * @param {KeyboardEvent} e
   */
  function nextIssue(e) {
    const ed = editorOf(e.target) || (card.contains(/** @type {Node} */ (e.composedPath()[0])) ? editor : null);
    if (!ed || n() === 0) return false;
    editor = ed;
    openCard((current + 1) % n(), true);
    return true;
  }

  document.addEventListener('focusin', (e) => {
    const ed = editorOf(e.target);
    if (ed) watch(ed);
  }, true);

  document.addEventListener('input', (e) => {
    const ed = editorOf(e.target);
    if (!ed) return;
    watch(ed);
    changed();
  }, true);

  card.addEventListener('keydown', (e) => {
    if (e.isTrusted && e.key === 'Escape') closeCard(true);
  });
  chip.addEventListener('click', (e) => { if (e.isTrusted) (n() ? openCard(0, true) : editor?.focus()); });

  // Hovering an underlined word opens its card.
  document.addEventListener('mousemove', (e) => {
    if (!e.isTrusted || !editor || !card.hidden || n() === 0 || !editorOf(/** @type {Element} */ (e.target))) return;
    const hit = findings.findIndex((f) => rects(/** @type {Editor} */ (editor), f.span16.start, f.span16.end)
      .some((r) => e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top - 2 && e.clientY <= r.bottom + 3));
    if (hit >= 0) openCard(hit, false);
  }, { passive: true });

  let frame = 0;
  const redraw = () => { cancelAnimationFrame(frame); frame = requestAnimationFrame(draw); };
  addEventListener('scroll', redraw, { passive: true, capture: true });
  addEventListener('resize', redraw, { passive: true });

  return {
    /** Puts the layer on the page, once the site's profile is known. */
    attach() {
      (document.body || document.documentElement).append(host);
    },
    nextIssue,
    stats,
  };
}

/** @typedef {ReturnType<typeof createToneLayer>} ToneLayer */
