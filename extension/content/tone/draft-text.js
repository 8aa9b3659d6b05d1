// @ts-check
// The draft as the editor holds it: its text (blocks joined by "\n", as the editors' own
// models do), DOM ranges for UTF-16 offsets into it, and where those offsets are drawn.

/** @typedef {HTMLTextAreaElement | HTMLElement} Editor */
/** @typedef {{ node: Text, start: number }} Segment */

/**
 * The editor's text and where each text node sits in it. Blocks (Draft's divs,
 * Lexical's and Quill's paragraphs) are joined by "\n", as the editors' own models do.
 * @param {Editor} ed @returns {{ text: string, segs: Segment[] }}
 */
export function readEditor(ed) {
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
export function domRange(ed, start, end) {
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

/**
 * Page rectangles of [start, end) in the editor. A textarea has no text ranges: its text
 * is laid out in `mirror`, a hidden copy with its styles.
 * @param {Editor} ed @param {number} start @param {number} end @param {HTMLElement} mirror @returns {DOMRect[]}
 */
export function rects(ed, start, end, mirror) {
  if (!(ed instanceof HTMLTextAreaElement)) return [...domRange(ed, start, end).getClientRects()];
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
