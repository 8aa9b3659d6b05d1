// @ts-check
// The page's keyboard shortcuts, in one place: Alt+K suggestions, Alt+N / Alt+Shift+N
// the next / previous most urgent post, Alt+J the draft's next issue, Alt+M move to
// private. Each acts for the post whose reply box has focus, else the first customer
// post. (Keys inside Tactful's own lists and cards belong to those widgets.)

/**
 * @typedef {object} Shortcuts
 * @property {(target: Element) => string | null} postKeyFor
 * @property {import('./cards/suggestions.js').Suggestions} suggestions
 * @property {import('./cards/triage-badges.js').TriageBadges} triage
 * @property {import('./tone/layer.js').ToneLayer} tone
 * @property {import('./handoff.js').Handoff} handoff
 */

/** @param {import('./context.js').Context} ctx @param {Shortcuts} s */
export function installShortcuts(ctx, { postKeyFor, suggestions, triage, tone, handoff }) {
  /** @param {KeyboardEvent} e */
  const alt = (e) => e.altKey && !e.ctrlKey && !e.metaKey;

  document.addEventListener('keydown', (e) => {
    // Only a person's keys act: a page script can dispatch a keydown (isTrusted false).
    if (!e.isTrusted || !alt(e)) return;
    // Each shortcut is checked on its own (not else-if): Alt+J matches by key, the
    // others by physical key, and a layout can give one key both.
    if (e.code === 'KeyK') {
      const active = document.activeElement;
      const key = active && ctx.profile && active.closest(ctx.profile.reply_editor.selector) ? postKeyFor(active) : null;
      if (suggestions.open(key)) e.preventDefault();
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
      const active = document.activeElement;
      if (handoff.moveFor(active ? postKeyFor(active) : null)) e.preventDefault();
    }
  }, true);
}
