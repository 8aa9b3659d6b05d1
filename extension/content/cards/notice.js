// @ts-check
// The page-level notice (the layout changed, the worker is down): never silent, drawn
// in its own closed shadow root at the top right of the page.
import { HOST_TAG, el } from '../dom.js';
import { sheet } from './style.js';

/** @param {import('../context.js').Context} ctx */
export function createNotice(ctx) {
  /** @type {ShadowRoot | null} */
  let root = null;

  /** @param {string} message */
  function show(message) {
    if (!root) {
      const host = document.createElement(HOST_TAG);
      host.setAttribute('data-notice', '');
      root = host.attachShadow({ mode: 'closed' });
      root.adoptedStyleSheets = [sheet];
      (document.body || document.documentElement).append(host);
    }
    const box = el('div', 'card notice');
    box.setAttribute('role', 'alert');
    box.setAttribute('data-theme', ctx.theme);
    const mark = el('span', 'mark', 'T');
    mark.setAttribute('aria-hidden', 'true');
    const close = el('button', '', 'Dismiss');
    close.setAttribute('type', 'button');
    close.addEventListener('click', (e) => { if (e.isTrusted) hide(); }); // not a page script's forged click
    box.append(mark, el('span', 'msg', message), close);
    root.replaceChildren(box);
  }

  function hide() {
    root?.replaceChildren();
  }

  return { show, hide };
}

/** @typedef {ReturnType<typeof createNotice>} Notice */
