// @ts-check
// Tactful's draft checker (a second content script, after content.js). As the agent
// types in the site's reply box it sends the draft to the core, then underlines what the
// core found in an overlay drawn over the editor (never inside the editor's DOM, which
// Draft.js and Lexical own), with a card per finding and a summary chip. Fixes are
// applied through the editor's own input handling (select, then insertText), so the
// editor's state and its undo stack stay right.
(() => {
  'use strict';

  /** @typedef {{ start: number, end: number }} Span */
  /** @typedef {{ label: string, span: Span, text: string }} Fix */
  /** @typedef {{ rule: string, category: string, severity: 'hint' | 'warning' | 'critical', message: string, fixes: Fix[], span16: Span, fixes16: Span[] }} PageFinding */
  /** @typedef {{ used: number, max: number }} LengthCount */
  /** @typedef {HTMLTextAreaElement | HTMLElement} Editor */
  /** @typedef {{ node: Text, start: number }} Segment */

  const HOST_TAG = 'tactful-overlay';
  const shared = /** @type {any} */ (globalThis).tactfulShared;
  if (!shared) return;

  /** @type {{ reply_editor: { selector: string, kind: string } } | null} */
  let profile = null;
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

  const host = document.createElement(HOST_TAG);
  host.setAttribute('data-tone', '');
  const root = host.attachShadow({ mode: 'closed' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`
    :host { all: initial !important; display: block !important; position: absolute !important; top: 0 !important;
            left: 0 !important; width: 0 !important; height: 0 !important; overflow: visible !important;
            z-index: 2147483646 !important; visibility: visible !important; opacity: 1 !important; }
    .layer { position: absolute; top: 0; left: 0; pointer-events: none; }
    .u { position: absolute; height: 2px; border-radius: 1px; background: #d9822b; }
    .u.critical { background: #d93025; } .u.hint { background: #1a73e8; opacity: .7; }
    .u.current { height: 3px; }
    .chip, .tip { pointer-events: auto; position: absolute; box-sizing: border-box;
            font: 12px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
    .chip { --bg: #f4f8f6; --fg: #14171a; --line: #b9d3c7; --accent: #0b6e4f;
            color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 999px;
            padding: 1px 8px; cursor: pointer; white-space: nowrap; }
    .chip.over { border-color: #d93025; }
    .tip { --bg: #fff; --fg: #14171a; --muted: #5b6670; --line: #d8dee4; --accent: #0b6e4f;
            width: 300px; color: var(--fg); background: var(--bg); border: 1px solid var(--line);
            border-radius: 8px; padding: 8px 10px; box-shadow: 0 4px 16px rgba(0,0,0,.18); }
    [data-theme="dark"] { --bg: #15202b; --fg: #e7e9ea; --muted: #9aa5b1; --line: #38444d; --accent: #3ddc97; }
    .tip p { margin: 0 0 6px; overflow-wrap: anywhere; }
    .tip .rule { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .04em; }
    .tip .row { display: flex; flex-wrap: wrap; gap: 6px; }
    button { font: inherit; color: var(--accent); background: none; border: 1px solid var(--line);
             border-radius: 6px; padding: 1px 8px; cursor: pointer; }
    .chip:focus-visible, button:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
    .mirror { position: absolute; visibility: hidden; white-space: pre-wrap; overflow-wrap: break-word; overflow: hidden; }
  `);
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

  /** The editor an event came from, if it is the site's reply box. @param {EventTarget | null} t */
  function editorOf(t) {
    if (!profile || !(t instanceof Element)) return null;
    return /** @type {Editor | null} */ (t.closest(profile.reply_editor.selector));
  }

  /**
   * The editor's text and where each text node sits in it. Blocks (Draft's divs,
   * Lexical's and Quill's paragraphs) are joined by "\n", as the editors' own models do.
   * @param {Editor} ed @returns {{ text: string, segs: Segment[] }}
   */
  function readEditor(ed) {
    if (ed instanceof HTMLTextAreaElement) return { text: ed.value, segs: [] };
    /** @type {Segment[]} */
    const segs = [];
    let text = '';
    /** @param {Node} node */
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) {
          segs.push({ node: /** @type {Text} */ (child), start: text.length });
          text += /** @type {Text} */ (child).data;
        } else if (child instanceof HTMLElement) {
          const block = /^(DIV|P|LI|H[1-6]|BLOCKQUOTE|PRE)$/.test(child.tagName);
          if (block && text && !text.endsWith('\n')) text += '\n';
          walk(child);
        }
      }
    };
    walk(ed);
    return { text, segs };
  }

  /** A DOM position for UTF-16 offset `off` in a contenteditable. @param {Segment[]} segs @param {number} off */
  function position(segs, off) {
    for (let i = segs.length - 1; i >= 0; i--) {
      const s = segs[i];
      if (s.start <= off) return { node: s.node, offset: Math.min(off - s.start, s.node.data.length) };
    }
    return null;
  }

  /** A DOM Range over [start, end) of a contenteditable's text. @param {Editor} ed @param {number} start @param {number} end */
  function domRange(ed, start, end) {
    const { segs } = readEditor(ed);
    const a = position(segs, start);
    const b = position(segs, end);
    const r = document.createRange();
    if (!a || !b) {
      r.selectNodeContents(ed);
      r.collapse(false);
      return r;
    }
    r.setStart(a.node, a.offset);
    r.setEnd(b.node, b.offset);
    return r;
  }

  /** Page rectangles of [start, end) in the editor. @param {Editor} ed @param {number} start @param {number} end @returns {DOMRect[]} */
  function rects(ed, start, end) {
    if (!(ed instanceof HTMLTextAreaElement)) return [...domRange(ed, start, end).getClientRects()];
    // A textarea has no text ranges: lay its text out in a hidden copy with its styles.
    const cs = getComputedStyle(ed);
    for (const p of ['font', 'letterSpacing', 'lineHeight', 'padding', 'border', 'boxSizing', 'textTransform', 'wordSpacing', 'tabSize', 'textIndent']) {
      /** @type {any} */ (mirror.style)[p] = /** @type {any} */ (cs)[p];
    }
    const box = ed.getBoundingClientRect();
    mirror.style.width = `${box.width}px`;
    mirror.style.height = `${box.height}px`;
    mirror.style.left = `${box.left + scrollX}px`;
    mirror.style.top = `${box.top + scrollY - ed.scrollTop}px`;
    const mark = document.createElement('span');
    mark.textContent = ed.value.slice(start, end);
    mirror.replaceChildren(document.createTextNode(ed.value.slice(0, start)), mark, document.createTextNode(ed.value.slice(end)));
    return [...mark.getClientRects()];
  }

  // No debounce: a check takes well under a millisecond in the core, so every change is
  // checked at once; changes made while a check is in flight are coalesced into one more.
  function schedule() {
    if (inflight) dirty = true;
    else check();
  }

  async function check() {
    if (!editor || !editor.isConnected) return;
    inflight = true;
    dirty = false;
    const { text } = readEditor(editor);
    /** @type {any} */
    let resp = null;
    try {
      resp = await shared.send({ kind: 'check_draft', text, post_key: shared.postKeyFor(editor) });
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

  // Read by the benchmark through DevTools; lives in Tactful's isolated world only.
  const stats = { keyToUnderline: /** @type {number[]} */ ([]) };
  shared.toneStats = stats;

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
    const theme = shared.theme();
    card.setAttribute('data-theme', theme);
    chip.setAttribute('data-theme', theme);
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
    const n = findings.length;
    const count = length ? ` · ${length.used}/${length.max}` : '';
    chip.textContent = `${n === 0 ? 'No issues' : n === 1 ? '1 issue' : `${n} issues`}${count}`;
    chip.classList.toggle('over', !!length && length.used > length.max);
    chip.setAttribute('aria-label', `Tactful: ${chip.textContent}. ${platform} limit ${length ? length.max : ''}. Alt+J goes to the next issue.`);
    chip.hidden = false;
    chip.style.left = `${box.right + scrollX - 150}px`;
    chip.style.top = `${box.bottom + scrollY + 4}px`;
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
      b.addEventListener('click', () => applyFix(f.fixes16[k], fix.text));
      row.append(b);
    });
    const next = document.createElement('button');
    next.type = 'button';
    next.textContent = n() > 1 ? 'Next issue (Alt+J)' : 'Close';
    next.addEventListener('click', () => (n() > 1 ? openCard((i + 1) % n(), true) : closeCard(true)));
    row.append(next);
    card.replaceChildren(rule, msg, row);
    card.style.left = `${Math.max(4, r.left + scrollX)}px`;
    card.style.top = `${r.bottom + scrollY + 6}px`;
    card.hidden = false;
    if (focus) /** @type {HTMLElement | null} */ (row.firstElementChild)?.focus();
  }

  const n = () => findings.length;

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

  document.addEventListener('keydown', (e) => {
    if (!(e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'j' || e.key === 'J' || e.code === 'KeyJ'))) return;
    const ed = editorOf(e.target) || (card.contains(/** @type {Node} */ (e.composedPath()[0])) ? editor : null);
    if (!ed || n() === 0) return;
    e.preventDefault();
    e.stopPropagation();
    editor = ed;
    openCard((current + 1) % n(), true);
  }, true);

  card.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') closeCard(true);
  });
  chip.addEventListener('click', () => (n() ? openCard(0, true) : editor?.focus()));

  // Hovering an underlined word opens its card.
  document.addEventListener('mousemove', (e) => {
    if (!editor || !card.hidden || n() === 0 || !editorOf(/** @type {Element} */ (e.target))) return;
    const hit = findings.findIndex((f) => rects(/** @type {Editor} */ (editor), f.span16.start, f.span16.end)
      .some((r) => e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top - 2 && e.clientY <= r.bottom + 3));
    if (hit >= 0) openCard(hit, false);
  }, { passive: true });

  let frame = 0;
  const redraw = () => { cancelAnimationFrame(frame); frame = requestAnimationFrame(draw); };
  addEventListener('scroll', redraw, { passive: true, capture: true });
  addEventListener('resize', redraw, { passive: true });

  shared.profile.then((/** @type {any} */ p) => {
    if (!p) return;
    profile = p;
    (document.body || document.documentElement).append(host);
  });
})();
