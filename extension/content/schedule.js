// @ts-check
// When the content script acts, apart from answering the agent: the settle timer (a page
// with no posts after it means the layout changed), the minute's refresh while the page
// is shown, and changes to cards held until the page stops scrolling.

/** Quiet time after which "no posts" on a content page means the layout changed. */
const SETTLE_MS = 3000;
/** Cards' ages and priorities are asked for this often while the page is shown. */
const REFRESH_MS = 60000;
/**
 * How long the page must not have scrolled before cards change: each change costs a
 * layout of the whole thread (about 9 ms at 2,000 comments; tests/bench/triage_speed.mjs).
 */
const STILL_MS = 150;

/** Runs `f` once the page has had time to settle. @param {() => void} f */
export function afterSettle(f) {
  setTimeout(f, SETTLE_MS);
}

/** Runs `f` every REFRESH_MS while the page is shown, and when it is shown again. @param {() => void} f */
export function whileShown(f) {
  setInterval(() => { if (document.visibilityState === 'visible') f(); }, REFRESH_MS);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') f(); });
}

/** Work that waits for the page to be still, checked each time it is: `due` says there is some. @typedef {{ due: () => boolean, run: () => void }} StillWork */

/**
 * Scroll stillness: while the page scrolls, cards don't change; changes wait until it
 * hasn't scrolled for STILL_MS.
 */
export function createStillness() {
  let lastScroll = 0;
  /** @type {Array<() => void>} */
  const changes = [];
  /** @type {StillWork[]} */
  const work = [];
  let timer = 0;
  addEventListener('scroll', () => { lastScroll = performance.now(); }, { capture: true, passive: true });
  // Scrolling stopped: work that waits for it (stale cards now near) gets done.
  addEventListener('scrollend', () => { if (!timer && work.some((w) => w.due())) timer = setTimeout(flush, 0); }, { capture: true, passive: true });

  function flush() {
    const wait = lastScroll + STILL_MS - performance.now();
    if (wait > 0) {
      timer = setTimeout(flush, wait);
      return;
    }
    timer = 0;
    for (const change of changes.splice(0)) change();
    for (const w of work) if (w.due()) w.run();
  }

  return {
    /** Runs `change` (a DOM change to cards) once the page hasn't scrolled for a moment. @param {() => void} change */
    whenStill(change) {
      changes.push(change);
      if (!timer) timer = setTimeout(flush, 0);
    },
    /** Does `w` whenever the page comes to rest and `w` is due. @param {StillWork} w */
    onStill(w) {
      work.push(w);
    },
  };
}

/** @typedef {ReturnType<typeof createStillness>} Stillness */
