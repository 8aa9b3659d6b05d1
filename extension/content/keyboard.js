// @ts-check
// The page's keyboard shortcuts, in one place: Alt+K suggestions, Alt+N / Alt+Shift+N
// the next / previous most urgent post, Alt+J the draft's next issue, Alt+M move to
// private. Each acts for the post whose reply box has focus, else the first customer
// post. (Keys inside Tactful's own lists and cards belong to those widgets.)

/**
 * @typedef {object} Shortcuts
 * @property {import('./composers.js').Composers} composers
 * @property {import('./cards/suggestions.js').Suggestions} suggestions
 * @property {import('./cards/triage-badges.js').TriageBadges} triage
 * @property {import('./tone/layer.js').ToneLayer} tone
 * @property {import('./handoff.js').Handoff} handoff
 */

/** @param {import('./context.js').Context} ctx @param {Shortcuts} s */
export function installShortcuts(ctx, { composers, suggestions, triage, tone, handoff }) {
  /** The post the focused reply box answers, if it is one and Tactful can tell. */
  const focusedPost = () => {
    const box = composers.editorOf(document.activeElement);
    const key = box ? composers.ownerOf(box) : null;
    return key === 'ambiguous' ? null : key;
  };
  /** @param {KeyboardEvent} e */
  const alt = (e) => e.altKey && !e.ctrlKey && !e.metaKey;

  document.addEventListener('keydown', (e) => {
    // Only a person's keys act: a page script can dispatch a keydown (isTrusted false).
    if (!e.isTrusted || !alt(e)) return;
    // Each shortcut is checked on its own (not else-if): Alt+J matches by key, the
    // others by physical key, and a layout can give one key both.
    if (e.code === 'KeyK') {
      if (suggestions.open(focusedPost())) e.preventDefault();
    }
    if (e.code === 'KeyN') {
      if (triage.step(e.shiftKey)) e.preventDefault();
    }
    if (e.key === 'j' || e.key === 'J' || e.code === 'KeyJ') {
      if (tone.nextIssue(e)) {
        e.preventDefault();
        e.stopPropagation();
      }
    }
    if (e.code === 'KeyM') {
      if (handoff.moveFor(focusedPost())) e.preventDefault();
    }
  }, true);
}
