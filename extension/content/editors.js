// @ts-check
// Insertion into the site's reply boxes: putting text into one the way typing would, so
// Draft.js, Lexical, ProseMirror and Quill update their own state and undo works. Which
// box is a post's is composers.js's to say.
import { el } from './dom.js';

/** @typedef {import('./context.js').Context} Context */

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
  prosemirror: (_ed, text) => { document.execCommand('insertText', false, text); },
  textarea: (_ed, text) => { document.execCommand('insertText', false, text); },
  contenteditable: (_ed, text) => { document.execCommand('insertText', false, text); },
};

/** Resolves on the next selectionchange event, or after `ms`. @param {number} ms @returns {Promise<void>} */
function nextSelectionChange(ms) {
  return new Promise((resolve) => {
    const done = () => { document.removeEventListener('selectionchange', done); clearTimeout(timer); resolve(); };
    const timer = setTimeout(done, ms);
    document.addEventListener('selectionchange', done);
  });
}

/** @param {Context} ctx */
export function createEditors(ctx) {
  /** The agent's last caret or selection inside each reply box. @type {WeakMap<Element, Range>} */
  const lastRange = new WeakMap();
  /** Textareas the agent has been in. @type {WeakSet<Element>} */
  const touched = new WeakSet();

  document.addEventListener('focusin', (e) => {
    if (ctx.layout && e.target instanceof HTMLTextAreaElement && e.target.matches(ctx.layout.reply.editor.selector)) touched.add(e.target);
  }, true);
  /** Keeps the selection if it is in a reply box. */
  function keepSelection() {
    if (!ctx.layout) return;
    const sel = getSelection();
    if (!sel || !sel.rangeCount) return;
    const r = sel.getRangeAt(0);
    const node = r.startContainer instanceof Element ? r.startContainer : r.startContainer.parentElement;
    const ed = node && node.closest(ctx.layout.reply.editor.selector);
    if (ed) lastRange.set(ed, r.cloneRange());
  }
  document.addEventListener('selectionchange', () => {
    if (!ctx.layout) return;
    const active = document.activeElement;
    if (active instanceof HTMLTextAreaElement && active.matches(ctx.layout.reply.editor.selector)) touched.add(active);
    keepSelection();
  });
  // selectionchange comes later than the key that changed the selection: when Alt+K moves
  // focus right after Ctrl+A, the selection is kept as focus leaves the box.
  document.addEventListener('focusout', keepSelection, true);

  /**
   * Puts text into the site's editor the way typing would (at the end of what is there,
   * or where the agent left the caret), so the editor's state and undo stay right.
   * @param {HTMLElement} ed @param {string} text
   */
  async function insertInto(ed, text) {
    const kind = ctx.layout ? ctx.layout.reply.editor.kind : 'contenteditable';
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

  return { insertInto };
}

/** @typedef {ReturnType<typeof createEditors>} Editors */

/**
 * A button that copies `text` for the agent to paste where it belongs, when Tactful
 * won't insert it itself; `say` tells the agent how that went.
 * @param {string} label @param {string} text @param {(words: string) => void} say
 */
export function copyButton(label, text, say) {
  const b = el('button', 'copy', label);
  b.setAttribute('type', 'button');
  b.addEventListener('click', async (e) => {
    if (!e.isTrusted) return; // a page script's forged click copies nothing
    const copied = await navigator.clipboard.writeText(text).then(() => true, () => false);
    say(copied ? "Copied: paste it into this post's reply box." : "Tactful couldn't copy it (the browser refused the clipboard); select the text and copy it yourself.");
  });
  return b;
}
