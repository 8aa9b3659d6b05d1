// @ts-check
// Small DOM helpers every part of the content script uses. Page text only ever goes in
// through textContent: Tactful never puts page text into HTML.

/** Tag of Tactful's host elements; what they show lives in a closed shadow root. */
export const HOST_TAG = 'tactful-overlay';

/**
 * @param {string} tag @param {string} cls @param {string} [text]
 * @returns {HTMLElement}
 */
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * Those of `keys` whose card is within a screen of the viewport, read when needed (not
 * tracked: an IntersectionObserver on 2,000 cards cost 10 ms a frame while scrolling).
 * @param {Map<string, HTMLElement>} hosts @param {Iterable<string>} keys
 */
export function nearKeys(hosts, keys) {
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

/** Sets an attribute only where it differs (each change to a card costs a layout). @param {Element} e @param {string} attr @param {string} v */
export function setAttr(e, attr, v) {
  if (e.getAttribute(attr) !== v) e.setAttribute(attr, v);
}

/** Sets text only where it differs. @param {Element} e @param {string} v */
export function setText(e, v) {
  if (e.textContent !== v) e.textContent = v;
}
